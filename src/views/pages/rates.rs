//! The currency rates on the staff dashboard: each rate per dollar, where it came from and
//! how old it is, and whether a feed refreshes them.

use maud::{Markup, html};

use crate::domain::rates::{FROM_CONFIG, Stored};
use crate::views::ctx::PageCtx;

/// Where the rates come from: a feed (its address without the query, and how often), or none.
pub struct Feed<'a> {
    /// `currency.rates_url` as stored in `source` (no query); None: no feed.
    pub source: Option<&'a str>,
    /// `currency.refresh_hours`.
    pub hours: u64,
}

/// Units per dollar, to as many digits as the rate needs ("480.50", "12 650").
fn per_usd(usd_per_unit: f64) -> String {
    let v = 1.0 / usd_per_unit;
    if v >= 1000.0 { crate::i18n::group_thousands(v.round() as i64) } else { format!("{v:.2}") }
}

/// `feed.example:8080` of `https://feed.example:8080/latest.json`.
fn host_of(source: &str) -> &str {
    let rest = source.split_once("://").map_or(source, |(_, rest)| rest);
    rest.split('/').next().unwrap_or(rest)
}

/// The dashboard's table of the rates in use.
pub fn table(ctx: &PageCtx, rows: &[Stored], feed: &Feed<'_>) -> Markup {
    let l = ctx.lang;
    let t = |k| l.t(k);
    html! {
        section #rates aria-labelledby="rates-title" {
            h2 #rates-title { (t("admin.rates")) }
            p.muted #rates-feed {
                @match feed.source {
                    Some(source) => (l.tf("admin.rates_feed", &[("source", source), ("hours", &feed.hours.to_string())])),
                    None => (t("admin.rates_manual")),
                }
            }
            div.table-wrap tabindex="0" role="region" aria-label=(t("admin.rates")) {
                table.jobs.rates {
                    thead { tr {
                        th { (t("admin.rates_currency")) } th { (t("admin.rates_per_usd")) }
                        th { (t("admin.rates_source")) } th { (t("admin.rates_updated")) }
                    } }
                    tbody {
                        @for r in rows {
                            tr data-currency=(r.currency.code()) {
                                td { (r.currency.code()) " " span.muted { (l.currency(r.currency)) } }
                                td.num { (per_usd(r.usd_per_unit)) }
                                @if r.source == FROM_CONFIG {
                                    td.source { (t("admin.rates_config")) }
                                } @else {
                                    // the host is enough in a row: the note above has the address
                                    td.source title=(r.source) { (host_of(&r.source)) }
                                }
                                td title=(l.date(r.updated_at)) { (l.ago(r.updated_at, ctx.now)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{host_of, per_usd};

    #[test]
    fn a_row_names_the_feed_by_its_host() {
        assert_eq!(host_of("https://feed.example:8080/v1/latest.json"), "feed.example:8080");
        assert_eq!(host_of("http://127.0.0.1:9/x"), "127.0.0.1:9");
    }

    #[test]
    fn rates_read_per_dollar() {
        assert_eq!(per_usd(1.0 / 480.5), "480.50");
        assert_eq!(per_usd(1.0 / 12_650.0), "12\u{2009}650");
        assert_eq!(per_usd(1.0 / 3.27), "3.27");
    }
}
