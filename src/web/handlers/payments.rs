//! Money: an ad's promotion page and the purchase of a plan, a payment's page (instructions
//! or the provider's link), the user's payments, Click's callbacks, and staff's ledger.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::domain::ads::Plan;
use crate::domain::ids::{AdId, page_of};
use crate::domain::payments::click::{self, Action};
use crate::domain::payments::{self, ProviderId, State as PayState, ledger};
use crate::domain::promotions;
use crate::views::pages::payments as view;
use crate::web::AppState;
use crate::web::csrf::CsrfForm;
use crate::web::error::{Error, Result};
use crate::web::extract::{IdPath, Q, RequireStaff, RequireUser};
use crate::web::flash::Flash;

/// A payment's public id from the path: letters and digits only (anything else is no page).
fn public_id(raw: &str) -> Result<String> {
    if raw.is_empty() || raw.len() > 40 || !raw.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(Error::NotFound);
    }
    Ok(raw.to_owned())
}

/// `GET /ad/{id}/promote` (its owner): the plans, their prices, the running promotion and
/// what is queued after it.
pub async fn promote_page(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
    IdPath(ad): IdPath<AdId>,
) -> Result<Response> {
    let now = ctx.now;
    let plans_cfg = state.config.plans.clone();
    let provider = state.payments.id();
    let found = state
        .db
        .run(move |conn| {
            let Some(own) = crate::domain::ads::write::ownership(conn, ad)? else {
                return Ok(Err(crate::domain::Denied::NotFound));
            };
            if let Err(d) = own.may_edit(&user) {
                return Ok(Err(d));
            }
            let (title, currency) = promotions::priced_in(conn, ad)?;
            let timeline = promotions::timeline(conn, ad, now)?;
            Ok(Ok((title, currency, timeline)))
        })
        .await??;
    let (title, currency, timeline) = found;
    let currency = provider.charges_in(currency);
    let offers: Vec<view::Offer> = promotions::PLANS
        .iter()
        .map(|p| view::Offer {
            plan: *p,
            days: promotions::days(*p, &plans_cfg),
            amount_minor: payments::plan_price(*p, currency, &plans_cfg),
            currency,
        })
        .collect();
    Ok(view::promote(&ctx, ad, &title, &timeline, &offers).into_response())
}

/// The plan chosen.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PlanForm {
    plan: String,
}

/// `POST /ad/{id}/promote` (its owner): a payment for the plan, then its page.
pub async fn buy_plan(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
    IdPath(ad): IdPath<AdId>,
    CsrfForm(form): CsrfForm<PlanForm>,
) -> Result<Response> {
    let plan = Plan::parse(&form.plan)
        .ok_or_else(|| Error::BadRequest(ctx.lang.t("promote.bad_plan").into()))?;
    let (now, plans, provider) = (ctx.now, state.config.plans.clone(), state.payments.id());
    let bought = state
        .db
        .run(move |conn| Ok(ledger::buy_plan(conn, &user, ad, plan, provider, &plans, now)?))
        .await?;
    let public = match bought {
        Ok(p) => p,
        // the owner's unpublished ad: publish it first
        Err(ledger::BuyRefusal::Unpublished) => return Err(Error::Refused("promote.inactive")),
        Err(ledger::BuyRefusal::Denied(d)) => return Err(d.into()),
    };
    Ok(Redirect::to(&format!("/payments/{public}")).into_response())
}

/// `GET /payments/{id}`: its buyer or staff; what to do to pay it while it is open.
pub async fn show(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
    Path(raw): Path<String>,
) -> Result<Response> {
    let id = public_id(&raw)?;
    let p = state
        .db
        .run(move |conn| Ok(ledger::by_public_id(conn, &id)?))
        .await?
        .filter(|p| p.user == user.id || user.is_staff)
        .ok_or(Error::NotFound)?;
    let checkout = p.state.is_open().then(|| {
        let back = format!(
            "{}/payments/{}",
            state.config.server.public_url.trim_end_matches('/'),
            p.public_id
        );
        state.payments.checkout(&p, &back)
    });
    Ok(view::payment(&ctx, &p, checkout.as_ref(), p.user == user.id).into_response())
}

/// `POST /payments/{id}/cancel`: the buyer gives up a pending payment.
pub async fn cancel(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
    Path(raw): Path<String>,
    _csrf: CsrfForm,
) -> Result<Response> {
    let id = public_id(&raw)?;
    let now = ctx.now;
    let back = format!("/payments/{id}");
    state.db.run(move |conn| Ok(ledger::cancel(conn, user.id, &id, now)?)).await??;
    Ok((Flash("flash.payment_cancelled"), Redirect::to(&back)).into_response())
}

/// `GET /account/payments`: the user's payments.
pub async fn mine(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
) -> Result<Response> {
    let list = state.db.run(move |conn| Ok(ledger::of_user(conn, user.id, 200)?)).await?;
    Ok(view::mine(&ctx, &list).into_response())
}

async fn click_answer(
    state: &AppState,
    endpoint: Action,
    form: HashMap<String, String>,
) -> Result<Response> {
    let Some(creds) = state.click.clone() else { return Err(Error::NotFound) };
    let plans = state.config.plans.clone();
    let now = crate::db::now();
    let reply = state
        .db
        .run(move |conn| Ok(click::handle(conn, &creds, &plans, endpoint, &form, now)?))
        .await?;
    tracing::info!(
        click_trans_id = %reply.click_trans_id,
        merchant_trans_id = %reply.merchant_trans_id,
        error = reply.error.code(),
        "Click {}",
        if endpoint == Action::Prepare { "prepare" } else { "complete" }
    );
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))],
        reply.json(endpoint).to_string(),
    )
        .into_response())
}

/// `POST /payments/click/prepare`: Click checks an order before taking the money. No form
/// token: the call comes from Click's servers, signed with the shared secret.
pub async fn click_prepare(
    State(state): State<AppState>,
    axum::extract::Form(form): axum::extract::Form<HashMap<String, String>>,
) -> Result<Response> {
    click_answer(&state, Action::Prepare, form).await
}

/// `POST /payments/click/complete`: Click reports the money taken (or not).
pub async fn click_complete(
    State(state): State<AppState>,
    axum::extract::Form(form): axum::extract::Form<HashMap<String, String>>,
) -> Result<Response> {
    click_answer(&state, Action::Complete, form).await
}

/// Staff's filters of the ledger.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LedgerQuery {
    state: String,
    provider: String,
    item: String,
    page: Option<String>,
}

/// `GET /admin/payments` (staff): every payment, newest first, 50 a page, filtered.
pub async fn ledger_page(
    State(state): State<AppState>,
    RequireStaff(ctx, _): RequireStaff,
    Q(q): Q<LedgerQuery>,
) -> Result<Response> {
    let bad = |k: &'static str| Error::BadRequest(ctx.lang.t(k).into());
    let page = page_of(q.page.as_deref()).map_err(bad)?;
    let filter = ledger::Filter {
        state: match q.state.as_str() {
            "" => None,
            s => Some(PayState::parse(s).ok_or_else(|| bad("admin.bad_filter"))?),
        },
        provider: match q.provider.as_str() {
            "" => None,
            s => Some(ProviderId::parse(s).ok_or_else(|| bad("admin.bad_filter"))?),
        },
        item: match q.item.as_str() {
            "" => None,
            "plan" => Some("plan"),
            "badge" => Some("badge"),
            _ => return Err(bad("admin.bad_filter")),
        },
        user: None,
    };
    let offset = page.offset(50);
    let f = filter.clone();
    let list = state.db.run(move |conn| Ok(ledger::list(conn, &f, 51, offset)?)).await?;
    let has_next = list.len() > 50;
    let shown = &list[..list.len().min(50)];
    Ok(view::ledger(&ctx, shown, &filter, page.get(), has_next).into_response())
}

/// `POST /admin/payments/{id}/paid` (staff): a manual payment received; its plan or badge
/// request goes ahead in the same commit.
pub async fn mark_paid(
    State(state): State<AppState>,
    RequireStaff(ctx, staff): RequireStaff,
    Path(raw): Path<String>,
    _csrf: CsrfForm,
) -> Result<Response> {
    let id = public_id(&raw)?;
    let (now, plans) = (ctx.now, state.config.plans.clone());
    let back = format!("/payments/{id}");
    let marked =
        state.db.run(move |conn| Ok(ledger::mark_paid(conn, staff.id, &id, &plans, now)?)).await?;
    match marked {
        Ok(_) => {}
        // paid or cancelled meanwhile (a second click, another staff member)
        Err(crate::domain::Denied::Forbidden) => {
            return Ok((Flash("flash.payment_not_open"), Redirect::to(&back)).into_response());
        }
        Err(d) => return Err(d.into()),
    }
    // the home blocks and listings show it within `server.page_cache_ms`
    Ok((Flash("flash.payment_marked_paid"), Redirect::to(&back)).into_response())
}
