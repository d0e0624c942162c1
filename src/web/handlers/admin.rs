//! The staff console: dashboard, reports queue, review queue, users, ads, audit log and
//! broadcasts. Every route is staff's only (`RequireStaff`: anyone else gets 404); every
//! action is a domain function that writes its audit row in the same transaction.

use std::path::Path as FsPath;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::domain::ads::Plan;
use crate::domain::audit;
use crate::domain::broadcast::{self, Audience};
use crate::domain::ids::{AdId, ParseId, UserId, page_of};
use crate::domain::moderation::{self, Switch, Target};
use crate::views::pages::admin as view;
use crate::web::AppState;
use crate::web::csrf::CsrfForm;
use crate::web::error::{Error, Result};
use crate::web::extract::{PageCtx, Q, RequireStaff};
use crate::web::flash::Flash;

fn back(flash: &'static str, to: &str) -> Response {
    (Flash(flash), Redirect::to(to)).into_response()
}

fn id_of<T: ParseId>(raw: &str) -> Result<T> {
    T::parse_id(raw).ok_or(Error::NotFound)
}

/// The size of a folder's files, walking at most `limit` entries (a huge uploads folder
/// reads as at least this much).
fn folder_bytes(dir: &FsPath, limit: usize) -> u64 {
    let mut total = 0;
    let mut seen = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for e in entries.flatten() {
            seen += 1;
            if seen > limit {
                return total;
            }
            match e.metadata() {
                Ok(m) if m.is_dir() => stack.push(e.path()),
                Ok(m) => total += m.len(),
                Err(_) => {}
            }
        }
    }
    total
}

/// `GET /admin`: the dashboard.
pub async fn show(
    State(state): State<AppState>,
    RequireStaff(ctx, _): RequireStaff,
) -> Result<Response> {
    let now = ctx.now;
    let (stats, samples, rates) = state
        .db
        .run(move |conn| {
            Ok((
                crate::domain::admin::stats(conn, now)?,
                crate::domain::admin::samples(conn, now)?,
                crate::domain::rates::load(conn)?,
            ))
        })
        .await?;
    let currency = &state.config.currency;
    let source = Some(currency.rates_url.trim())
        .filter(|u| !u.is_empty())
        .map(crate::domain::rates::source_of);
    let uploads = state.config.server.data_dir.join("uploads");
    let uploads_bytes =
        tokio::task::spawn_blocking(move || folder_bytes(&uploads, 200_000)).await?;
    let (queue, overflow) = state.jobs.depth();
    let workers = state.metrics.workers.load(std::sync::atomic::Ordering::Relaxed);
    let jobs = state.metrics.job_snapshots();
    let page = view::Dashboard {
        stats: &stats,
        uploads_bytes,
        samples: &samples,
        jobs: &jobs,
        workers,
        queue,
        overflow,
        sockets: state.hub.open(),
        rates: &rates,
        feed: crate::views::pages::rates::Feed {
            source: source.as_deref(),
            hours: currency.refresh_hours,
        },
    };
    Ok(view::dashboard(&ctx, &page).into_response())
}

/// `GET /admin/reports`: targets with open reports or stop-word flags, newest first.
pub async fn reports(
    State(state): State<AppState>,
    RequireStaff(ctx, _): RequireStaff,
) -> Result<Response> {
    let ring = state.chat_keys.clone();
    let items = state.db.run(move |conn| Ok(moderation::queue(conn, &ring, 100)?)).await?;
    Ok(view::reports(&ctx, &items).into_response())
}

/// What staff's moderation forms send: a text (a reason, a warning, a comment), the target
/// whose reports the action closes, and the page to come back to.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StaffForm {
    text: String,
    kind: String,
    id: String,
    back: String,
}

impl StaffForm {
    /// The text, 3 to 2,000 characters (a reason the user will read).
    fn required(&self, ctx: &PageCtx) -> Result<String> {
        let t = self.text.trim();
        if t.chars().count() < 3 || t.chars().count() > 2_000 {
            return Err(Error::BadRequest(ctx.lang.t("admin.text_required").into()));
        }
        Ok(t.to_owned())
    }

    /// The target named by `kind` and `id`, if any (a bad one is no page).
    fn target(&self) -> Result<Option<Target>> {
        if self.kind.is_empty() {
            return Ok(None);
        }
        let id: i64 = self.id.trim().parse().ok().filter(|n| *n > 0).ok_or(Error::NotFound)?;
        Target::from_parts(&self.kind, id).map(Some).ok_or(Error::NotFound)
    }

    fn back_or<'a>(&'a self, default: &'a str) -> &'a str {
        let to = if self.back.is_empty() { default } else { &self.back };
        crate::web::handlers::prefs::safe_back(Some(to))
    }
}

/// `POST /admin/reports/dismiss`: closes a target's reports without action.
pub async fn dismiss(
    State(state): State<AppState>,
    RequireStaff(ctx, staff): RequireStaff,
    CsrfForm(form): CsrfForm<StaffForm>,
) -> Result<Response> {
    let target = form.target()?.ok_or(Error::NotFound)?;
    let (now, comment) = (ctx.now, form.text.trim().to_owned());
    state
        .db
        .run(move |conn| Ok(moderation::dismiss(conn, staff.id, target, &comment, now)?))
        .await?;
    Ok(back("flash.report_dismissed", form.back_or("/admin/reports")))
}

/// `POST /admin/ads/{id}/hide` (a reason the owner reads).
pub async fn hide_ad(
    State(state): State<AppState>,
    RequireStaff(ctx, staff): RequireStaff,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<StaffForm>,
) -> Result<Response> {
    let ad: AdId = id_of(&raw)?;
    let reason = form.required(&ctx)?;
    let (now, ring) = (ctx.now, state.chat_keys.clone());
    let told = state
        .db
        .run(move |conn| Ok(moderation::hide_ad(conn, &ring, staff.id, ad, &reason, now)?))
        .await??;
    if let Some(d) = told {
        super::chats::deliver(&state, &ctx, &d, true);
    }
    Ok(back("flash.ad_hidden", form.back_or("/admin/reports")))
}

/// `POST /admin/ads/{id}/unhide`: published again, reason and review cleared.
pub async fn unhide_ad(
    State(state): State<AppState>,
    RequireStaff(ctx, staff): RequireStaff,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<StaffForm>,
) -> Result<Response> {
    let ad: AdId = id_of(&raw)?;
    let now = ctx.now;
    state
        .db
        .run(move |conn| Ok(moderation::unhide_ad(conn, staff.id, ad, "ad:unhide", now)?))
        .await??;
    Ok(back("flash.ad_unhidden", form.back_or("/admin/ads")))
}

/// `POST /admin/ads/{id}/approve`: a held ad goes public.
pub async fn approve_ad(
    State(state): State<AppState>,
    RequireStaff(ctx, staff): RequireStaff,
    Path(raw): Path<String>,
    _csrf: CsrfForm,
) -> Result<Response> {
    let ad: AdId = id_of(&raw)?;
    let now = ctx.now;
    state
        .db
        .run(move |conn| Ok(moderation::unhide_ad(conn, staff.id, ad, "ad:approve", now)?))
        .await??;
    Ok(back("flash.ad_approved", "/admin/review"))
}

/// `POST /admin/ads/{id}/reject`: a held ad stays hidden, its owner told why.
pub async fn reject_ad(
    State(state): State<AppState>,
    RequireStaff(ctx, staff): RequireStaff,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<StaffForm>,
) -> Result<Response> {
    let ad: AdId = id_of(&raw)?;
    let reason = form.required(&ctx)?;
    let (now, ring) = (ctx.now, state.chat_keys.clone());
    let told = state
        .db
        .run(move |conn| Ok(moderation::reject_ad(conn, &ring, staff.id, ad, &reason, now)?))
        .await??;
    if let Some(d) = told {
        super::chats::deliver(&state, &ctx, &d, true);
    }
    Ok(back("flash.ad_rejected", "/admin/review"))
}

/// The plan staff grant.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PlanForm {
    plan: String,
    back: String,
}

/// `POST /admin/ads/{id}/plan`: a plan granted without a payment (the timeline rules apply).
pub async fn grant_plan(
    State(state): State<AppState>,
    RequireStaff(ctx, staff): RequireStaff,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<PlanForm>,
) -> Result<Response> {
    let ad: AdId = id_of(&raw)?;
    let plan = Plan::parse(&form.plan)
        .ok_or_else(|| Error::BadRequest(ctx.lang.t("promote.bad_plan").into()))?;
    let days = crate::domain::promotions::days(plan, &state.config.plans);
    let now = ctx.now;
    state
        .db
        .run(move |conn| Ok(moderation::grant_plan(conn, staff.id, ad, plan, days, now)?))
        .await??;
    let to = if form.back.is_empty() { "/admin/ads" } else { form.back.as_str() };
    Ok(back("flash.plan_granted", crate::web::handlers::prefs::safe_back(Some(to))))
}

/// `GET /admin/review`: ads held for staff.
pub async fn review(
    State(state): State<AppState>,
    RequireStaff(ctx, _): RequireStaff,
) -> Result<Response> {
    let list = state.db.run(|conn| Ok(moderation::review_queue(conn, 200)?)).await?;
    Ok(view::review(&ctx, &list).into_response())
}

/// A search.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SearchQuery {
    q: String,
}

/// `GET /admin/users?q=`: by e-mail, name or phone.
pub async fn users(
    State(state): State<AppState>,
    RequireStaff(ctx, _): RequireStaff,
    Q(q): Q<SearchQuery>,
) -> Result<Response> {
    let text = q.q.chars().take(200).collect::<String>();
    let t = text.clone();
    let list =
        state.db.run(move |conn| Ok(crate::domain::admin::search_users(conn, &t, 100)?)).await?;
    Ok(view::users(&ctx, &text, &list).into_response())
}

/// `GET /admin/users/{id}`: the account, its ads, payments, reports and sessions.
pub async fn user(
    State(state): State<AppState>,
    RequireStaff(ctx, _): RequireStaff,
    Path(raw): Path<String>,
) -> Result<Response> {
    let id: UserId = id_of(&raw)?;
    let now = ctx.now;
    let found = state
        .db
        .run(move |conn| {
            let Some(u) = crate::domain::admin::user(conn, id)? else { return Ok(None) };
            let ads = crate::domain::admin::ads_of(conn, id, 50, now)?;
            let payments = crate::domain::payments::ledger::of_user(conn, id, 50)?;
            let reports = crate::domain::admin::report_counts(conn, id)?;
            let sessions = crate::domain::admin::sessions_of(conn, id, now)?;
            Ok(Some((u, ads, payments, reports, sessions)))
        })
        .await?
        .ok_or(Error::NotFound)?;
    let (u, ads, payments, reports, sessions) = found;
    let page =
        view::UserPage { user: &u, ads: &ads, payments: &payments, reports, sessions: &sessions };
    Ok(view::user(&ctx, &page).into_response())
}

/// `POST /admin/users/{id}/warn`: a message in their support thread.
pub async fn warn(
    State(state): State<AppState>,
    RequireStaff(ctx, staff): RequireStaff,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<StaffForm>,
) -> Result<Response> {
    let user: UserId = id_of(&raw)?;
    let text = form.required(&ctx)?;
    let resolves = form.target()?;
    let (now, ring) = (ctx.now, state.chat_keys.clone());
    let d = state
        .db
        .run(move |conn| Ok(moderation::warn(conn, &ring, staff.id, user, &text, resolves, now)?))
        .await??;
    super::chats::deliver(&state, &ctx, &d, true);
    Ok(back("flash.user_warned", form.back_or(&format!("/admin/users/{user}"))))
}

/// `POST /admin/users/{id}/ban` (a reason they read when they try to sign in).
pub async fn ban(
    State(state): State<AppState>,
    RequireStaff(ctx, staff): RequireStaff,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<StaffForm>,
) -> Result<Response> {
    let user: UserId = id_of(&raw)?;
    let reason = form.required(&ctx)?;
    let resolves = form.target()?;
    let now = ctx.now;
    state
        .db
        .run(move |conn| Ok(moderation::ban(conn, staff.id, user, &reason, resolves, now)?))
        .await??;
    // their open chat sockets end now (the session they opened with is gone)
    state.unread.invalidate(user);
    state.hub.drop_user(user);
    state.caches.forget_sessions();
    Ok(back("flash.user_banned", form.back_or(&format!("/admin/users/{user}"))))
}

/// `POST /admin/users/{id}/unban`.
pub async fn unban(
    State(state): State<AppState>,
    RequireStaff(ctx, staff): RequireStaff,
    Path(raw): Path<String>,
    _csrf: CsrfForm,
) -> Result<Response> {
    let user: UserId = id_of(&raw)?;
    let now = ctx.now;
    state.db.run(move |conn| Ok(moderation::unban(conn, staff.id, user, now)?)).await??;
    Ok(back("flash.user_unbanned", &format!("/admin/users/{user}")))
}

/// `POST /admin/users/{id}/{switch}`: `staff`, `unstaff` (not oneself), `verify-email`,
/// `sign-out` (every session ends).
pub async fn switch(
    State(state): State<AppState>,
    RequireStaff(ctx, staff): RequireStaff,
    Path((raw, name)): Path<(String, String)>,
    _csrf: CsrfForm,
) -> Result<Response> {
    let (s, flash) = match name.as_str() {
        "staff" => (Switch::Staff, "flash.user_made_staff"),
        "unstaff" => (Switch::Unstaff, "flash.user_unstaffed"),
        "verify-email" => (Switch::VerifyEmail, "flash.email_verified_by_staff"),
        "sign-out" => (Switch::SignOut, "flash.user_signed_out"),
        _ => return Err(Error::NotFound),
    };
    let user: UserId = id_of(&raw)?;
    let now = ctx.now;
    state.db.run(move |conn| Ok(moderation::switch(conn, staff.id, user, s, now)?)).await??;
    // rights or sessions changed: every page reads its session again
    state.caches.forget_sessions();
    if s == Switch::SignOut {
        state.hub.drop_user(user);
    }
    Ok(back(flash, &format!("/admin/users/{user}")))
}

/// `GET /admin/ads?q=`: by id or title words.
pub async fn ads(
    State(state): State<AppState>,
    RequireStaff(ctx, _): RequireStaff,
    Q(q): Q<SearchQuery>,
) -> Result<Response> {
    let text = q.q.chars().take(200).collect::<String>();
    let (t, now) = (text.clone(), ctx.now);
    let list =
        state.db.run(move |conn| Ok(crate::domain::admin::search_ads(conn, &t, 100, now)?)).await?;
    Ok(view::ads(&ctx, &text, &list).into_response())
}

/// The audit log's filters.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AuditQuery {
    action: String,
    staff: String,
    page: Option<String>,
}

/// `GET /admin/audit`: every staff action, newest first, filterable.
pub async fn audit_log(
    State(state): State<AppState>,
    RequireStaff(ctx, _): RequireStaff,
    Q(q): Q<AuditQuery>,
) -> Result<Response> {
    let bad = |k: &'static str| Error::BadRequest(ctx.lang.t(k).into());
    let page = page_of(q.page.as_deref()).map_err(bad)?;
    let action = match q.action.as_str() {
        "" => None,
        a if audit::ACTIONS.contains(&a) => Some(a.to_owned()),
        _ => return Err(bad("admin.bad_filter")),
    };
    let staff = match q.staff.trim() {
        "" => None,
        s => Some(UserId::parse_id(s).ok_or_else(|| bad("admin.bad_filter"))?),
    };
    let f = audit::Filter { action, staff, target: None };
    let offset = page.offset(100);
    let shown = f.clone();
    let list = state.db.run(move |conn| Ok(audit::list(conn, &shown, 101, offset)?)).await?;
    let has_next = list.len() > 100;
    Ok(view::audit(&ctx, &list[..list.len().min(100)], &f, page.get(), has_next).into_response())
}

/// `GET /admin/broadcast`: the form and the latest broadcasts' progress.
pub async fn broadcasts(
    State(state): State<AppState>,
    RequireStaff(ctx, _): RequireStaff,
) -> Result<Response> {
    let list = state.db.run(|conn| Ok(broadcast::recent(conn, 20)?)).await?;
    Ok(view::broadcasts(&ctx, &list).into_response())
}

/// A broadcast.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct BroadcastForm {
    text: String,
    audience: String,
    by_mail: String,
}

/// `POST /admin/broadcast`: starts one; a job delivers it in batches.
pub async fn start_broadcast(
    State(state): State<AppState>,
    RequireStaff(ctx, staff): RequireStaff,
    CsrfForm(form): CsrfForm<BroadcastForm>,
) -> Result<Response> {
    let text = form.text.trim().to_owned();
    if text.chars().count() < 3 || text.chars().count() > crate::domain::chats::MAX_TEXT_CHARS {
        return Err(Error::BadRequest(ctx.lang.t("admin.text_required").into()));
    }
    let audience = Audience::parse(&form.audience)
        .ok_or_else(|| Error::BadRequest(ctx.lang.t("admin.bad_filter").into()))?;
    let (now, by_mail) = (ctx.now, !form.by_mail.is_empty());
    state
        .db
        .run(move |conn| Ok(broadcast::create(conn, staff.id, &text, &audience, by_mail, now)?))
        .await?;
    state.jobs.enqueue(crate::jobs::Job::Broadcast);
    Ok(back("flash.broadcast_started", "/admin/broadcast"))
}
