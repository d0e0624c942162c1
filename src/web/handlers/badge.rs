//! The verification badge: the request form and its status for the user, the queue and the
//! decision for staff.

use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::domain::accounts::FieldErrors;
use crate::domain::badges::{self, NewRequest};
use crate::domain::photos;
use crate::views::forms::FormState;
use crate::views::pages::badge as view;
use crate::web::AppState;
use crate::web::csrf::CsrfForm;
use crate::web::error::{Error, Result};
use crate::web::extract::{PageCtx, RequireStaff, RequireUser};
use crate::web::flash::Flash;
use crate::web::multipart::{self, FileRules};

/// The largest document photo.
pub const DOCUMENT_MAX_BYTES: usize = 10 * 1024 * 1024;

/// The user's badge, their latest request and its open payment.
type Status = (Option<i64>, Option<badges::Request>, Option<String>);

async fn status(state: &AppState, user: crate::domain::ids::UserId) -> Result<Status> {
    Ok(state
        .db
        .run(move |conn| {
            let last = badges::latest_of(conn, user)?;
            let payment = match &last {
                Some(r) => badges::open_payment(conn, r)?,
                None => None,
            };
            Ok((badges::badge_until(conn, user)?, last, payment))
        })
        .await?)
}

fn price(state: &AppState, ctx: &PageCtx) -> (i64, crate::domain::geo::Currency) {
    let wanted = ctx
        .country
        .map_or(crate::domain::geo::Currency::Usd, crate::domain::payments::currency_of_country);
    let currency = state.payments.id().charges_in(wanted);
    (
        crate::domain::payments::badge_price(currency, &state.config.plans, &state.rates.get()),
        currency,
    )
}

/// `GET /badge`: the user's badge, their last request, and the form.
pub async fn show(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
) -> Result<Response> {
    let (until, last, payment) = status(&state, user.id).await?;
    let price = price(&state, &ctx);
    Ok(view::page(&ctx, until, last.as_ref(), payment.as_deref(), price, &FormState::default())
        .into_response())
}

/// `POST /badge` (multipart: kind, full_name, company_name, tax_id, document): files the request
/// and its payment, then the payment's page.
pub async fn submit(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
    req: Request,
) -> Result<Response> {
    let rules = FileRules { field: "document", max_bytes: DOCUMENT_MAX_BYTES, max_files: 1 };
    let form = multipart::read(&state, req, rules).await?;
    let get = |k: &str| form.fields.get(k).map(String::as_str).unwrap_or("");
    let mut errors = FieldErrors::default();
    let parsed =
        NewRequest::parse(get("kind"), get("full_name"), get("company_name"), get("tax_id"));
    if let Err((field, key)) = &parsed {
        errors.add(field, key);
    }
    let document = match form.files.first() {
        None => {
            errors.add("document", "badge.document_missing");
            None
        }
        Some((_, None)) => {
            errors.add("document", "badge.document_too_big");
            None
        }
        Some((_, Some(bytes))) => match photos::inspect(bytes) {
            Ok(info) => Some((bytes.clone(), info)),
            Err(e) => {
                errors.add("document", e.key());
                None
            }
        },
    };
    let (Ok(parsed), Some((bytes, info)), true) = (parsed, document, errors.is_empty()) else {
        let (until, last, payment) = status(&state, user.id).await?;
        let fs = FormState { values: form.fields.clone(), errors, general: None };
        let page =
            view::page(&ctx, until, last.as_ref(), payment.as_deref(), price(&state, &ctx), &fs);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    // the document is decoded and re-encoded like any photo, and kept where only staff see it
    let processed =
        state.decoding(info.cost_mib(), move || photos::process_upload(&bytes, &info)).await?;
    let processed = match processed {
        Ok(p) => p,
        Err(e) => {
            let mut errors = FieldErrors::default();
            errors.add("document", e.key());
            let (until, last, payment) = status(&state, user.id).await?;
            let fs = FormState { values: form.fields.clone(), errors, general: None };
            let page = view::page(
                &ctx,
                until,
                last.as_ref(),
                payment.as_deref(),
                price(&state, &ctx),
                &fs,
            );
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let path =
        format!("badge-docs/{}.jpg", crate::domain::secrets::new_token().replace(['-', '_'], "x"));
    super::media::store(&state, &path, processed.jpeg).await?;
    let (_, currency) = price(&state, &ctx);
    let (now, provider) = (ctx.now, state.payments.id());
    let (plans, rates) = (state.config.plans.clone(), state.rates.get());
    let doc = path.clone();
    let filed = state
        .db
        .run(move |conn| {
            Ok(badges::request(
                conn, user.id, &parsed, &doc, currency, provider, &plans, &rates, now,
            )?)
        })
        .await?;
    match filed {
        Ok(public) => Ok(Redirect::to(&format!("/payments/{public}")).into_response()),
        Err(_) => {
            state.jobs.enqueue(crate::jobs::Job::DeleteFiles { paths: vec![path] });
            Err(Error::Refused("badge.already_waiting"))
        }
    }
}

/// `GET /admin/badges` (staff): paid requests waiting for a decision.
pub async fn queue(
    State(state): State<AppState>,
    RequireStaff(ctx, _): RequireStaff,
) -> Result<Response> {
    let list = state.db.run(|conn| Ok(badges::queue(conn, 100)?)).await?;
    Ok(view::queue(&ctx, &list).into_response())
}

/// The decision's comment.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DecisionForm {
    comment: String,
}

async fn decide(
    state: AppState,
    ctx: PageCtx,
    staff: crate::domain::ids::UserId,
    raw: &str,
    approve: bool,
    comment: String,
) -> Result<Response> {
    let id: i64 = raw.parse().ok().filter(|n| *n > 0).ok_or(Error::NotFound)?;
    let (now, ring, plans) = (ctx.now, state.chat_keys.clone(), state.config.plans.clone());
    let decided = state
        .db
        .run(move |conn| {
            Ok(badges::decide(conn, &ring, staff, id, approve, &comment, &plans, now)?)
        })
        .await?;
    match decided {
        Ok(delivery) => {
            super::chats::deliver(&state, &ctx, &delivery, true);
            let flash = if approve { "flash.badge_approved" } else { "flash.badge_rejected" };
            Ok((Flash(flash), Redirect::to("/admin/badges")).into_response())
        }
        Err("error.not_found") => Err(Error::NotFound),
        // staff keep their place in the queue, told why
        Err("badge.comment_required") => {
            Ok((Flash("flash.badge_comment_required"), Redirect::to("/admin/badges"))
                .into_response())
        }
        Err(_) => {
            Ok((Flash("flash.badge_not_waiting"), Redirect::to("/admin/badges")).into_response())
        }
    }
}

/// `POST /admin/badges/{id}/approve` (staff; a comment is required).
pub async fn approve(
    State(state): State<AppState>,
    RequireStaff(ctx, staff): RequireStaff,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> Result<Response> {
    decide(state, ctx, staff.id, &id, true, form.comment).await
}

/// `POST /admin/badges/{id}/reject` (staff; a comment is required).
pub async fn reject(
    State(state): State<AppState>,
    RequireStaff(ctx, staff): RequireStaff,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> Result<Response> {
    decide(state, ctx, staff.id, &id, false, form.comment).await
}

/// `GET /admin/badges/{id}/document` (staff): the request's document photo.
pub async fn document(
    State(state): State<AppState>,
    RequireStaff(_, _): RequireStaff,
    Path(raw): Path<String>,
) -> Result<Response> {
    let id: i64 = raw.parse().ok().filter(|n| *n > 0).ok_or(Error::NotFound)?;
    let req = state.db.run(move |conn| Ok(badges::get(conn, id)?)).await?.ok_or(Error::NotFound)?;
    super::media::private_jpeg(&state, &req.document_path, "private, no-store").await
}
