//! `/my/stats`: a seller's statistics. Charts are SVG written here (no script, no chart
//! library): bars coloured by the theme's variables, a `<title>` summing the numbers up for
//! screen readers, and the numbers themselves in a table beside each chart.

use maud::{Markup, html};

use crate::domain::stats::{AdStats, DAYS, SellerStats, date_of};
use crate::i18n::Lang;
use crate::views::ctx::PageCtx;
use crate::views::layout::{self, Head};
use crate::views::text::Text;

/// Width of the big chart's drawing (its `viewBox`); each day takes 10 units.
const CHART_W: i64 = 900;
/// Height of the big chart's drawing; the tallest bar reaches 10 units below the top.
const CHART_H: i64 = 200;
/// Height of a sparkline's drawing (1 unit per day wide).
const SPARK_H: i64 = 30;

/// `GET /my/stats` and `GET /my/stats?ad=ID` (`single`: one ad's page).
pub fn page(ctx: &PageCtx, stats: &SellerStats, single: bool) -> Markup {
    let l = ctx.lang;
    let title = match (single, stats.ads.first()) {
        (true, Some(ad)) => l.tf("stats.title_ad", &[("title", &ad.title)]),
        _ => l.t("stats.title").to_owned(),
    };
    let sum = |f: fn(&AdStats) -> i64| stats.ads.iter().map(f).sum::<i64>();
    let body = html! {
        div.listing-head {
            h1 { (Text(&title)) }
            @if single {
                a.btn.btn-small.btn-ghost #all-stats href="/my/stats" { (l.t("stats.all_ads")) }
            } @else {
                a.btn.btn-small.btn-ghost href="/my/ads" { (l.t("menu.my_ads")) }
            }
        }
        @if stats.ads.is_empty() {
            p.empty #no-ads { (l.t("stats.empty")) " " a href="/ads/new" { (l.t("my.post")) } }
        } @else {
            section.panel.stats-total #stats-total {
                h2 { (l.t("stats.views_by_day")) }
                dl.stat-nums.stat-sum {
                    div { dt { (l.t("stats.views_window")) } dd #sum-window { (l.number(stats.total.iter().sum())) } }
                    div { dt { (l.t("stats.views_total")) } dd #sum-total { (l.number(sum(|a| a.views_total))) } }
                    div { dt { (l.t("stats.favorites")) } dd #sum-favorites { (l.number(sum(|a| a.favorites))) } }
                    div { dt { (l.t("stats.chats")) } dd #sum-chats { (l.number(sum(|a| a.chats))) } }
                    div { dt { (l.t("stats.phone_reveals")) } dd #sum-phones { (l.number(sum(|a| a.phone_reveals))) } }
                }
                (chart(l, stats.first_day, &stats.total))
                details.stat-table {
                    summary { (l.t("stats.table")) }
                    table.payments #days-table {
                        thead { tr { th { (l.t("stats.day")) } th { (l.t("stats.views")) } } }
                        tbody {
                            @for (i, v) in stats.total.iter().enumerate().rev() {
                                tr data-day=(stats.first_day + i as i64) {
                                    td.nowrap { (l.date(date_of(stats.first_day + i as i64))) }
                                    td.num { (l.number(*v)) }
                                }
                            }
                        }
                    }
                }
                p.muted.stat-note { (l.t("stats.day_note")) }
            }
            @if single {
                @if let Some(ad) = stats.ads.first() {
                    p { a #open-ad href=(ad.path()) { (l.t("stats.open_ad")) } }
                }
            } @else {
                section.stats-ads {
                    h2 { (l.t("stats.per_ad")) }
                    div.stat-ads {
                        @for ad in &stats.ads {
                            (ad_block(l, ad))
                        }
                    }
                }
            }
        }
    };
    layout::page(ctx, Head { title: &title, ..Head::default() }, body)
}

/// One ad of the list: its title, a sparkline of its 90 days, its numbers.
fn ad_block(l: Lang, ad: &AdStats) -> Markup {
    let window = ad.views_in_window();
    let max = ad.days.iter().copied().max().unwrap_or(0);
    let label = l.tf(
        "stats.spark_label",
        &[("title", &ad.title), ("views", &l.number(window)), ("max", &l.number(max))],
    );
    html! {
        article.stat-ad data-ad-id=(ad.id) {
            h3 {
                a href=(format!("/my/stats?ad={}", ad.id)) { (Text(&ad.title)) }
                @if !ad.is_active { " " span.chip { (l.t("my.inactive")) } }
            }
            svg.spark viewBox=(format!("0 0 {DAYS} {SPARK_H}")) preserveAspectRatio="none" role="img" aria-label=(label) {
                title { (label) }
                line.axis x1="0" y1=(SPARK_H) x2=(DAYS) y2=(SPARK_H) vector-effect="non-scaling-stroke" {}
                @for (i, v) in ad.days.iter().enumerate() {
                    @if *v > 0 {
                        @let h = bar_height(*v, max, SPARK_H - 2);
                        rect.bar x=(format!("{}.1", i)) y=(SPARK_H - h) width="0.8" height=(h) {}
                    }
                }
            }
            dl.stat-nums {
                div { dt { (l.t("stats.views_window")) } dd.views-window { (l.number(window)) } }
                div { dt { (l.t("stats.views_total")) } dd.views-total { (l.number(ad.views_total)) } }
                div { dt { (l.t("stats.favorites")) } dd.favorites { (l.number(ad.favorites)) } }
                div { dt { (l.t("stats.chats")) } dd.chats { (l.number(ad.chats)) } }
                div { dt { (l.t("stats.phone_reveals")) } dd.phones { (l.number(ad.phone_reveals)) } }
            }
        }
    }
}

/// A bar's height for `v` when `max` gets `full` (at least 1 for any view).
fn bar_height(v: i64, max: i64, full: i64) -> i64 {
    if v <= 0 || max <= 0 { 0 } else { (v * full / max).max(1) }
}

/// The big chart: a bar per day, a line at the top value and at half of it, the first and last
/// dates and the top value beside it in HTML (text inside a stretched SVG would stretch too).
fn chart(l: Lang, first_day: i64, days: &[i64]) -> Markup {
    let max = days.iter().copied().max().unwrap_or(0);
    let total: i64 = days.iter().sum();
    let best = days.iter().enumerate().rev().max_by_key(|(_, v)| **v).map_or(0, |(i, _)| i);
    let last_day = first_day + days.len() as i64 - 1;
    let label = if total == 0 {
        l.t("stats.chart_empty").to_owned()
    } else {
        l.tf(
            "stats.chart_label",
            &[
                ("views", &l.number(total)),
                ("from", &l.date(date_of(first_day))),
                ("to", &l.date(date_of(last_day))),
                ("max", &l.number(max)),
                ("best", &l.date(date_of(first_day + best as i64))),
            ],
        )
    };
    let step = CHART_W / DAYS;
    let top = CHART_H - 10;
    html! {
        figure.vchart-wrap {
            @if max > 0 { span.vchart-max aria-hidden="true" { (l.number(max)) } }
            svg.vchart #views-chart viewBox=(format!("0 0 {CHART_W} {CHART_H}")) preserveAspectRatio="none" role="img" aria-labelledby="views-chart-title" {
                title #views-chart-title { (label) }
                @if max > 0 {
                    line.grid x1="0" y1="10" x2=(CHART_W) y2="10" vector-effect="non-scaling-stroke" {}
                    line.grid x1="0" y1=(CHART_H - top / 2) x2=(CHART_W) y2=(CHART_H - top / 2) vector-effect="non-scaling-stroke" {}
                }
                line.axis x1="0" y1=(CHART_H) x2=(CHART_W) y2=(CHART_H) vector-effect="non-scaling-stroke" {}
                @for (i, v) in days.iter().enumerate() {
                    @if *v > 0 {
                        @let h = bar_height(*v, max, top);
                        rect.bar.today[i + 1 == days.len()] x=(i as i64 * step + 1) y=(CHART_H - h) width=(step - 2) height=(h) data-views=(v) {}
                    }
                }
            }
            figcaption.vchart-axis aria-hidden="true" {
                span { (l.date(date_of(first_day))) }
                span { (l.t("stats.today")) }
            }
        }
        @if total == 0 { p.muted #no-views { (l.t("stats.chart_empty")) } }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_top_value_and_show_any_view() {
        assert_eq!(bar_height(10, 10, 190), 190);
        assert_eq!(bar_height(5, 10, 190), 95);
        assert_eq!(bar_height(1, 1000, 190), 1, "a single view still shows");
        assert_eq!(bar_height(0, 10, 190), 0);
        assert_eq!(bar_height(3, 0, 190), 0);
    }

    #[test]
    fn the_chart_is_an_image_with_its_numbers_in_words() {
        let mut days = vec![0; DAYS as usize];
        days[10] = 4;
        days[89] = 8;
        let html = chart(Lang::En, 20_000, &days).into_string();
        assert!(html.contains(r#"role="img""#), "{html}");
        assert_eq!(html.matches("<rect").count(), 2, "a bar per day with views");
        assert!(html.contains(r#"height="190" data-views="8""#), "the top day fills the chart");
        assert!(html.contains(r#"height="95" data-views="4""#), "half of it, half as tall");
        let title = html.split("<title").nth(1).expect("title");
        assert!(title.contains("12") && title.contains('8'), "total and top value: {title}");
        let empty = chart(Lang::En, 20_000, &[0; DAYS as usize]).into_string();
        assert_eq!(empty.matches("<rect").count(), 0);
        assert!(empty.contains("id=\"no-views\""));
    }
}
