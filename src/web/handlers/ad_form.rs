//! `GET/POST /ads/new` and `GET/POST /ad/{id}/edit`: the ad form of each kind, with photos.

use std::collections::HashSet;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::domain::accounts::FieldErrors;
use crate::domain::ads::photos::{self as ad_photos, FormPhoto};
use crate::domain::ads::write;
use crate::domain::ads::{Kind, actions, form, repo};
use crate::domain::ids::{AdId, UserId};
use crate::domain::photos::{self, MAX_PER_AD};
use crate::domain::users::SessionUser;
use crate::jobs::Job;
use crate::views::forms::FormState;
use crate::views::pages::ad_form as view;
use crate::web::AppState;
use crate::web::error::{Error, Result};
use crate::web::extract::{IdPath, PageCtx, Q, RequireUser};
use crate::web::flash::Flash;
use crate::web::multipart::{self, FileRules, MultipartForm};

/// Largest request: ten 10 MB photos and the text.
pub const BODY_LIMIT: usize = MAX_PER_AD * photos::MAX_BYTES + 1024 * 1024;

/// Query of the new-ad page.
#[derive(Debug, Deserialize)]
pub struct NewQuery {
    kind: Option<String>,
}

/// `GET /ads/new`: the kind first (works without JS), then its form.
pub async fn new_form(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
    Q(q): Q<NewQuery>,
) -> Result<Response> {
    let Some(kind) = q.kind.as_deref().and_then(Kind::parse) else {
        return Ok(view::choose_kind(&ctx).into_response());
    };
    // sensible defaults from the profile
    let values = super::profile_defaults(&state, &ctx, user.id, ("country", "city")).await?;
    let state_ = FormState { values, ..FormState::default() };
    Ok(view::page(&ctx, kind, None, &state_, &[]).into_response())
}

/// The photos the form ends up with: listed ones minus removed, plus new uploads, sorted by
/// their order numbers, the chosen main photo first. The main photo is a listed photo's token,
/// or `new:<i>` for the i-th file of this post (chosen in the browser's preview before upload).
fn arrange(
    form: &MultipartForm,
    resolved: Vec<FormPhoto>,
    uploaded: &[Option<String>],
) -> Vec<FormPhoto> {
    let removed: HashSet<&str> = form.values("remove_photo").into_iter().collect();
    let main = form.fields.get("main_photo").map(String::as_str).and_then(|m| {
        match m.strip_prefix("new:") {
            Some(i) => i.parse::<usize>().ok().and_then(|i| uploaded.get(i)?.as_deref()),
            None => Some(m),
        }
    });
    let mut keyed: Vec<(bool, i64, usize, FormPhoto)> = resolved
        .into_iter()
        .enumerate()
        .filter(|(_, p)| !removed.contains(p.token.as_str()))
        .map(|(i, p)| {
            let order = form
                .fields
                .get(&format!("order_{}", p.token))
                .and_then(|o| o.trim().parse::<i64>().ok())
                .unwrap_or(i as i64 + 1);
            (main != Some(p.token.as_str()), order, i, p)
        })
        .collect();
    keyed.sort_by_key(|(not_main, order, i, _)| (*not_main, *order, *i));
    keyed.into_iter().map(|(_, _, _, p)| p).collect()
}

/// Stores new uploads (decoded and re-encoded first) and resolves the form's photo tokens;
/// `uploaded` gets each file's token (None for a file refused).
async fn collect_photos(
    state: &AppState,
    user: UserId,
    ad: Option<AdId>,
    form: &MultipartForm,
    errors: &mut FieldErrors,
    uploaded: &mut Vec<Option<String>>,
) -> Result<Vec<FormPhoto>> {
    let tokens: Vec<String> = form.values("photo").into_iter().map(str::to_owned).collect();
    let mut photos = state
        .db
        .run(move |conn| {
            let mut out = Vec::new();
            for t in tokens.iter().take(MAX_PER_AD * 2) {
                if let Some(p) = ad_photos::resolve(conn, user, ad, t)? {
                    out.push(p);
                }
            }
            Ok(out)
        })
        .await?;
    // the count is checked before any decoding: over it, no upload is processed at all
    let removed: HashSet<&str> = form.values("remove_photo").into_iter().collect();
    let kept = photos.iter().filter(|p| !removed.contains(p.token.as_str())).count();
    if form.too_many_files || kept + form.files.len() > MAX_PER_AD {
        errors.add("photos", "photo.too_many");
        return Ok(photos);
    }
    let uploads = state.config.server.data_dir.join("uploads");
    for (name, bytes) in &form.files {
        uploaded.push(None);
        let Some(bytes) = bytes.clone() else {
            errors.add("photos", photos::PhotoError::TooBig.key());
            tracing::info!(file = %name, "photo over 10 MB refused");
            continue;
        };
        // the header first: what it would cost is known before anything is decoded
        let info = match photos::inspect(&bytes) {
            Ok(info) => info,
            Err(e) => {
                errors.add("photos", e.key());
                continue;
            }
        };
        let processed =
            state.decoding(info.cost_mib(), move || photos::process_upload(&bytes, &info)).await?;
        let p = match processed {
            Ok(p) => p,
            Err(e) => {
                errors.add("photos", e.key());
                continue;
            }
        };
        let rel = photos::new_name();
        let full = uploads.join(&rel);
        if let Some(dir) = full.parent() {
            tokio::fs::create_dir_all(dir).await.map_err(Error::internal)?;
        }
        tokio::fs::write(&full, &p.jpeg).await.map_err(Error::internal)?;
        let now = crate::db::now();
        let (w, h) = (p.width, p.height);
        let stored = state
            .db
            .run(move |conn| Ok(actions::keep_upload(conn, user, &rel, w, h, now)?))
            .await?;
        if let Some(last) = uploaded.last_mut() {
            *last = Some(stored.token.clone());
        }
        photos.push(stored);
    }
    Ok(photos)
}

async fn save(
    state: AppState,
    ctx: PageCtx,
    actor: SessionUser,
    kind: Kind,
    ad: Option<AdId>,
    req: Request,
) -> Result<Response> {
    let rules = FileRules { field: "photos", max_bytes: photos::MAX_BYTES, max_files: MAX_PER_AD };
    let form = multipart::read(&state, req, rules).await?;
    let mut errors = FieldErrors::default();
    let user = actor.id;
    let mut uploaded = Vec::new();
    let all_photos = collect_photos(&state, user, ad, &form, &mut errors, &mut uploaded).await?;
    let arranged = arrange(&form, all_photos, &uploaded);
    if arranged.len() > MAX_PER_AD {
        errors.add("photos", "photo.too_many");
    }
    let parsed = form::parse(kind, &form.fields, &state.rates.get());
    let new_ad = match parsed {
        Ok(a) if errors.is_empty() => a,
        Ok(_) => {
            return Ok(rerender(&ctx, kind, ad, &form, errors, &arranged));
        }
        Err(mut e) => {
            for (f, k) in errors.0 {
                e.add(f, k);
            }
            return Ok(rerender(&ctx, kind, ad, &form, e, &arranged));
        }
    };
    let now = ctx.now;
    let m = &state.config.moderation;
    let holds = actions::Holds {
        review_first: if m.first_ads_review { m.first_ads_count } else { 0 },
        verified_email: m.require_verified_email,
    };
    let jobs = state.jobs.clone();
    let words = format!("{}\n{}", new_ad.title, new_ad.description);
    let saved = state
        .db
        .run(move |conn| {
            let saved = match ad {
                Some(id) => actions::edit(conn, &actor, id, &new_ad, &arranged, now)?,
                None => Ok(actions::post(conn, user, &new_ad, &arranged, holds, now)?),
            };
            // queued here, right after the commit, even if the visitor has gone meanwhile
            if let Ok(s) = &saved {
                if s.photos_added {
                    jobs.enqueue(Job::ResizePhotos { ad_id: s.id });
                }
                if !s.removed_files.is_empty() {
                    jobs.enqueue(Job::DeleteFiles { paths: s.removed_files.clone() });
                }
                jobs.enqueue(Job::CheckWords { kind: "ad", id: s.id.get(), text: words });
            }
            Ok(saved)
        })
        .await??;
    let flash = Flash(match (ad, saved.awaiting_email) {
        (Some(_), _) => "flash.ad_saved",
        (None, true) => "flash.ad_awaiting_email",
        (None, false) => "flash.ad_published",
    });
    Ok((flash, Redirect::to(&format!("/ad/{}-{}", saved.id, saved.slug))).into_response())
}

fn rerender(
    ctx: &PageCtx,
    kind: Kind,
    ad: Option<AdId>,
    form: &MultipartForm,
    errors: FieldErrors,
    photos: &[FormPhoto],
) -> Response {
    let state = FormState { values: form.fields.clone(), errors, general: Some("form.fix_errors") };
    (StatusCode::UNPROCESSABLE_ENTITY, view::page(ctx, kind, ad, &state, photos)).into_response()
}

/// `POST /ads/new` (multipart; the kind is a field).
pub async fn create(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
    Q(q): Q<NewQuery>,
    req: Request,
) -> Result<Response> {
    let kind = q
        .kind
        .as_deref()
        .and_then(Kind::parse)
        .ok_or_else(|| Error::BadRequest(ctx.lang.t("error.bad_kind").to_owned()))?;
    save(state, ctx, user, kind, None, req).await
}

/// Loads an ad the user may edit: its owner only.
async fn owned(state: &AppState, user: &SessionUser, id: AdId) -> Result<(AdId, Kind)> {
    let o = state.db.run(move |conn| Ok(write::ownership(conn, id)?)).await?;
    let o = o.ok_or(Error::NotFound)?;
    o.may_edit(user)?;
    Ok((id, o.kind))
}

/// `GET /ad/{id}/edit`.
pub async fn edit_form(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
    IdPath(id): IdPath<AdId>,
) -> Result<Response> {
    let (id, kind) = owned(&state, &user, id).await?;
    let now = ctx.now;
    let (detail, photos) = state
        .db
        .run(move |conn| Ok((repo::get_detail(conn, id, now)?, ad_photos::photos(conn, id)?)))
        .await?;
    let detail = detail.ok_or(Error::NotFound)?;
    let values = view::values_of(&detail);
    Ok(view::page(&ctx, kind, Some(id), &FormState { values, ..FormState::default() }, &photos)
        .into_response())
}

/// `POST /ad/{id}/edit` (multipart).
pub async fn update(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
    IdPath(id): IdPath<AdId>,
    req: Request,
) -> Result<Response> {
    let (id, kind) = owned(&state, &user, id).await?;
    save(state, ctx, user, kind, Some(id), req).await
}
