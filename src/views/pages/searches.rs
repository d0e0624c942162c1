//! Saved searches: the save box on listings, `/my/searches`, and the unsubscribe page of an
//! alert mail's link.

use maud::{Markup, html};

use crate::domain::ads::Section;
use crate::domain::ads::list::{Filter, Sort};
use crate::domain::alerts::{Frequency, MAX_NAME_CHARS, MAX_PER_USER, SavedSearch};
use crate::domain::ids::PageNo;
use crate::views::ctx::PageCtx;
use crate::views::forms::csrf;
use crate::views::layout::{self, Head};
use crate::views::text::LoginLink;

/// "Сохранить поиск" on a listing: a form for a signed-in visitor (the filter as shown, a
/// frequency), a sign-in link that comes back for anyone else.
pub fn save_box(ctx: &PageCtx, section: Section, f: &Filter) -> Markup {
    let l = ctx.lang;
    let query = Filter { sort: Sort::Fresh, page: PageNo::FIRST, ..f.clone() }.to_query(1);
    html! {
        @if ctx.user.is_some() {
            form.save-search.inline-action #save-search method="post" action="/searches" {
                (csrf(ctx))
                input type="hidden" name="section" value=(section.code());
                input type="hidden" name="query" value=(query);
                select #save-frequency name="frequency" aria-label=(l.t("alerts.frequency")) {
                    @for fr in Frequency::ALL {
                        option value=(fr.code()) selected[fr == Frequency::Daily] { (l.t(fr.label_key())) }
                    }
                }
                button.btn.btn-small #save-search-btn type="submit" { (l.t("alerts.save")) }
            }
        } @else {
            a.btn.btn-small.btn-ghost #save-search-login href=(LoginLink(&ctx.here())) { (l.t("alerts.save_sign_in")) }
        }
    }
}

/// `GET /my/searches`: each search with its new matches and its controls.
pub fn mine(ctx: &PageCtx, rows: &[(SavedSearch, i64)]) -> Markup {
    let l = ctx.lang;
    let body = html! {
        div.listing-head {
            h1 { (l.t("alerts.title")) }
            p.result-count { (l.tf("alerts.limit", &[("count", &rows.len().to_string()), ("max", &MAX_PER_USER.to_string())])) }
        }
        @if rows.is_empty() {
            p.empty #no-searches { (l.t("alerts.empty")) }
        }
        div.saved-searches {
            @for (s, new) in rows {
                article.saved-search.paused[s.paused] data-search-id=(s.id) {
                    h2 { a.search-run href=(s.path()) { (s.name) } }
                    p.saved-search-meta {
                        span.status {
                            @if s.paused { (l.t("alerts.paused")) } @else { (l.t(s.frequency.label_key())) }
                        }
                        " · "
                        a.new-count href=(s.path()) { (l.tf("alerts.new", &[("count", &l.plural("count.ads", *new))])) }
                        @if let Some(at) = s.last_sent_at {
                            " · " span { (l.t("alerts.last_sent")) " " (l.ago(at, ctx.now)) }
                        }
                    }
                    div.saved-search-actions {
                        form.inline-action method="post" action=(format!("/my/searches/{}/rename", s.id)) {
                            (csrf(ctx))
                            input type="text" name="name" value=(s.name) maxlength=(MAX_NAME_CHARS) required aria-label=(l.t("alerts.name"));
                            button.btn.btn-small.btn-ghost type="submit" { (l.t("alerts.rename")) }
                        }
                        form.inline-action method="post" action=(format!("/my/searches/{}/frequency", s.id)) {
                            (csrf(ctx))
                            select name="frequency" aria-label=(l.t("alerts.frequency")) {
                                @for fr in Frequency::ALL {
                                    option value=(fr.code()) selected[fr == s.frequency] { (l.t(fr.label_key())) }
                                }
                            }
                            button.btn.btn-small.btn-ghost type="submit" { (l.t("alerts.apply")) }
                        }
                        form method="post" action=(format!("/my/searches/{}/{}", s.id, if s.paused { "resume" } else { "pause" })) {
                            (csrf(ctx))
                            button.btn.btn-small.btn-ghost.pause-btn type="submit" { (l.t(if s.paused { "alerts.resume" } else { "alerts.pause" })) }
                        }
                        form method="post" action=(format!("/my/searches/{}/delete", s.id)) {
                            (csrf(ctx))
                            button.btn.btn-small.btn-danger.delete-btn type="submit" data-confirm=(l.t("alerts.delete_confirm")) { (l.t("my.delete")) }
                        }
                    }
                }
            }
        }
    };
    layout::page(ctx, Head { title: l.t("alerts.title"), ..Head::default() }, body)
}

/// `GET /searches/{id}/unsubscribe`: what the link stops, and the buttons that do it.
pub fn unsubscribe(ctx: &PageCtx, s: &SavedSearch, token: &str) -> Markup {
    let l = ctx.lang;
    let action = format!("/searches/{}/unsubscribe", s.id);
    let body = html! {
        section.ad-form-card #unsubscribe {
            h1 { (l.t("alerts.unsubscribe_title")) }
            p { (l.t("alerts.unsubscribe_about")) " " strong { "«" (s.name) "»" } }
            @if s.paused { p.note { (l.t("alerts.already_paused")) } }
            div.my-ad-actions {
                form method="post" action=(action) {
                    (csrf(ctx))
                    input type="hidden" name="t" value=(token);
                    input type="hidden" name="action" value="pause";
                    button.btn #unsubscribe-pause type="submit" { (l.t("alerts.unsubscribe_pause")) }
                }
                form method="post" action=(action) {
                    (csrf(ctx))
                    input type="hidden" name="t" value=(token);
                    input type="hidden" name="action" value="delete";
                    button.btn.btn-danger #unsubscribe-delete type="submit" { (l.t("alerts.unsubscribe_delete")) }
                }
            }
        }
    };
    layout::page(ctx, Head { title: l.t("alerts.unsubscribe_title"), ..Head::default() }, body)
}
