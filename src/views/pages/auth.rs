//! Sign-up, sign-in, forgotten password and reset forms.

use maud::{Markup, html};

use crate::domain::accounts::AccountType;
use crate::domain::geo::Country;
use crate::views::ctx::PageCtx;
use crate::views::forms::{FormState, csrf, error_id, field, field_error, general_error};
use crate::views::layout::{self, Head};
use crate::views::text::Href;

fn frame(ctx: &PageCtx, title: &str, body: Markup) -> Markup {
    layout::page(ctx, Head { title, ..Head::default() }, html! { section.auth-card { (body) } })
}

/// The country select shared by sign-up and settings.
pub fn country_select(ctx: &PageCtx, form: &FormState) -> Markup {
    let lang = ctx.lang;
    let error = form.errors.get("country");
    html! {
        div.field.has-error[error.is_some()] {
            label for="f-country" { (lang.t("form.country")) }
            select #f-country name="country" aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| error_id("country"))] {
                option value="" { "—" }
                @for c in Country::ALL {
                    option value=(c.code()) selected[form.value("country") == c.code()] { (layout::country(lang, c)) }
                }
            }
            (field_error(lang, "country", error))
        }
    }
}

/// Company fields (sign-up and settings of a company account).
pub fn company_fields(ctx: &PageCtx, form: &FormState) -> Markup {
    let l = ctx.lang;
    html! {
        fieldset.company {
            legend { (l.t("form.company_details")) }
            (field(l, form, "company_name", "form.company_name", "text", "organization", true))
            (field(l, form, "tax_id", "form.tax_id", "text", "off", true))
            (field(l, form, "director", "form.director", "text", "off", true))
            (field(l, form, "company_phone", "form.company_phone", "tel", "tel", true))
            (field(l, form, "company_email", "form.company_email", "email", "email", true))
            (field(l, form, "address", "form.address", "text", "street-address", true))
            (field(l, form, "legal_address", "form.legal_address", "text", "off", true))
            (field(l, form, "website", "form.website", "url", "url", false))
        }
    }
}

/// `GET /signup`.
pub fn signup(ctx: &PageCtx, form: &FormState, account_type: AccountType, next: &str) -> Markup {
    let l = ctx.lang;
    let company = account_type == AccountType::Company;
    frame(
        ctx,
        l.t("auth.signup_title"),
        html! {
            h1 { (l.t("auth.signup_title")) }
            nav.tabs aria-label=(l.t("form.account_type")) {
                a href=(Href(l, "/signup")) aria-current=[(!company).then_some("page")] { (l.t("form.individual")) }
                a #company-tab href=(Href(l, "/signup?type=company")) aria-current=[company.then_some("page")] { (l.t("form.company")) }
            }
            (general_error(l, form))
            form.form method="post" action=(Href(l, "/signup")) novalidate {
                (csrf(ctx))
                input type="hidden" name="account_type" value=(account_type.code());
                input type="hidden" name="next" value=(next);
                (field(l, form, "name", if company { "form.contact_name" } else { "form.name" }, "text", "name", true))
                (field(l, form, "email", "form.email", "email", "email", true))
                (field(l, form, "password", "form.password", "password", "new-password", true))
                p.hint { (l.t("form.password_hint")) }
                (field(l, form, "phone", "form.phone", "tel", "tel", false))
                (country_select(ctx, form))
                (field(l, form, "city", "form.city", "text", "address-level2", false))
                @if company { (company_fields(ctx, form)) }
                button.btn.btn-wide type="submit" { (l.t("auth.signup_button")) }
            }
            p.muted { (l.t("auth.have_account")) " " a href=(Href(l, "/login")) { (l.t("auth.login_title")) } }
        },
    )
}

/// `GET /login`.
pub fn login(ctx: &PageCtx, form: &FormState, next: &str) -> Markup {
    let l = ctx.lang;
    frame(
        ctx,
        l.t("auth.login_title"),
        html! {
            h1 { (l.t("auth.login_title")) }
            (general_error(l, form))
            form.form method="post" action=(Href(l, "/login")) {
                (csrf(ctx))
                input type="hidden" name="next" value=(next);
                (field(l, form, "email", "form.email", "email", "username", true))
                (field(l, form, "password", "form.password", "password", "current-password", true))
                button.btn.btn-wide type="submit" { (l.t("auth.login_button")) }
            }
            p { a href=(Href(l, "/password/forgot")) { (l.t("auth.forgot_link")) } }
            p.muted { (l.t("auth.no_account")) " " a href=(Href(l, "/signup")) { (l.t("auth.signup_title")) } }
        },
    )
}

/// `GET /password/forgot`; `sent` after a request (the same words whether the e-mail exists).
pub fn forgot(ctx: &PageCtx, form: &FormState, sent: bool) -> Markup {
    let l = ctx.lang;
    frame(
        ctx,
        l.t("auth.forgot_title"),
        html! {
            h1 { (l.t("auth.forgot_title")) }
            @if sent {
                p.note #reset-sent { (l.t("auth.reset_sent")) }
            } @else {
                p.muted { (l.t("auth.forgot_text")) }
                (general_error(l, form))
                form.form method="post" action=(Href(l, "/password/forgot")) {
                    (csrf(ctx))
                    (field(l, form, "email", "form.email", "email", "email", true))
                    button.btn.btn-wide type="submit" { (l.t("auth.forgot_button")) }
                }
            }
        },
    )
}

/// `GET /password/reset/{token}`.
pub fn reset(ctx: &PageCtx, form: &FormState, token: &str) -> Markup {
    let l = ctx.lang;
    frame(
        ctx,
        l.t("auth.reset_title"),
        html! {
            h1 { (l.t("auth.reset_title")) }
            (general_error(l, form))
            form.form method="post" action=(Href(l, &format!("/password/reset/{token}"))) {
                (csrf(ctx))
                (field(l, form, "password", "form.new_password", "password", "new-password", true))
                p.hint { (l.t("form.password_hint")) }
                button.btn.btn-wide type="submit" { (l.t("auth.reset_button")) }
            }
        },
    )
}

/// Which mailed link a page is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// The e-mail confirmation link.
    Verify,
    /// The password-reset link.
    Reset,
}

/// What a visitor can do to get a new confirmation mail: a button when signed in (nothing when
/// the address is confirmed already), else the e-mail field. `back`: where a signed-in user
/// comes back to.
fn resend_form(ctx: &PageCtx, form: &FormState, back: &str) -> Markup {
    let l = ctx.lang;
    html! {
        @match &ctx.user {
            Some(user) if user.email_verified => {
                p.note #already-verified { (l.t("auth.already_verified")) }
                p { a.btn href="/account" { (l.t("menu.account")) } }
            }
            Some(_) => {
                p.muted { (l.t("auth.resend_text_user")) }
                (general_error(l, form))
                form.form #resend-form method="post" action="/verify-email/resend" {
                    (csrf(ctx))
                    input type="hidden" name="back" value=(back);
                    button.btn.btn-wide type="submit" { (l.t("auth.resend_button")) }
                }
            }
            None => {
                p.muted { (l.t("auth.resend_text_anon")) }
                (general_error(l, form))
                form.form #resend-form method="post" action="/verify-email/resend" {
                    (csrf(ctx))
                    (field(l, form, "email", "form.email", "email", "email", true))
                    button.btn.btn-wide type="submit" { (l.t("auth.resend_button")) }
                }
            }
        }
    }
}

/// A confirmation or reset link that no longer works (`reason`: the key saying why — used,
/// expired, invalid), with the form that sends a new one.
pub fn dead_link(ctx: &PageCtx, kind: LinkKind, reason: &'static str, form: &FormState) -> Markup {
    let l = ctx.lang;
    let title = if reason == "auth.token_invalid" {
        l.t("auth.link_invalid_title")
    } else {
        l.t("auth.link_dead_title")
    };
    frame(
        ctx,
        title,
        html! {
            h1 #dead-link { (title) }
            p #error-message { (l.t(reason)) }
            @match kind {
                LinkKind::Verify => (resend_form(ctx, form, "/account")),
                LinkKind::Reset => {
                    p.muted { (l.t("auth.reset_again")) }
                    form.form #forgot-form method="post" action="/password/forgot" {
                        (csrf(ctx))
                        (field(l, form, "email", "form.email", "email", "email", true))
                        button.btn.btn-wide type="submit" { (l.t("auth.forgot_button")) }
                    }
                }
            }
        },
    )
}

/// `GET /verify-email/resend`: a new confirmation mail; `sent` after a visitor who is not
/// signed in asked for one (the same words whether the address has an account).
pub fn resend(ctx: &PageCtx, form: &FormState, sent: bool, back: &str) -> Markup {
    let l = ctx.lang;
    frame(
        ctx,
        l.t("auth.resend_title"),
        html! {
            h1 { (l.t("auth.resend_title")) }
            @if sent {
                p.note #resend-sent { (l.t("auth.resend_sent")) }
            } @else {
                (resend_form(ctx, form, back))
            }
        },
    )
}
