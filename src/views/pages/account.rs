//! The account pages: profile and settings, password change, export and deletion.

use maud::{Markup, html};

use crate::domain::accounts::AccountType;
use crate::domain::accounts::repo::Account;
use crate::views::ctx::PageCtx;
use crate::views::forms::{FormState, csrf, field, general_error};
use crate::views::layout::{self, Head};
use crate::views::pages::auth::{company_fields, country_select};

/// `GET /account`.
pub fn settings(ctx: &PageCtx, account: &Account, form: &FormState) -> Markup {
    let l = ctx.lang;
    let body = html! {
        h1 { (l.t("account.title")) }
        div.account-grid {
            section.panel {
                h2 { (l.t("account.profile")) }
                p.muted { (account.email) " · "
                    @if account.email_verified { span.verified { (l.t("account.email_verified")) } }
                    @else { (l.t("account.email_unverified")) }
                }
                (general_error(l, form))
                form.form #profile-form method="post" action="/account" {
                    (csrf(ctx))
                    (field(l, form, "name", "form.name", "text", "name", true))
                    (field(l, form, "phone", "form.phone", "tel", "tel", false))
                    (country_select(ctx, form))
                    (field(l, form, "city", "form.city", "text", "address-level2", false))
                    @if account.account_type == AccountType::Company { (company_fields(ctx, form)) }
                    fieldset.notifications {
                        legend { (l.t("account.notifications")) }
                        // says the checkbox was on the form: an unticked box sends nothing
                        input type="hidden" name="notifications" value="1";
                        label.check {
                            input #f-chat-mail type="checkbox" name="chat_mail" value="1" checked[account.chat_mail];
                            " " (l.t("account.chat_mail"))
                        }
                    }
                    button.btn type="submit" { (l.t("account.save")) }
                }
            }
            section.panel {
                h2 { (l.t("account.avatar")) }
                @if let Some(a) = &account.avatar {
                    img.avatar-big #avatar-img src=(format!("/media/{a}")) alt=(l.t("account.avatar")) width="128" height="128";
                }
                form.form method="post" action="/account/avatar" enctype="multipart/form-data" {
                    (csrf(ctx))
                    label for="f-avatar" { (l.t("account.avatar_hint")) }
                    input #f-avatar type="file" name="avatar" accept="image/jpeg,image/png,image/webp" required;
                    button.btn type="submit" { (l.t("account.upload")) }
                }
                h2 { (l.t("account.security")) }
                p { a href="/account/password" { (l.t("menu.password")) } }
                p { a href="/account/export" download { (l.t("account.export")) } }
                details.danger {
                    summary { (l.t("account.delete")) }
                    p { (l.t("account.delete_text")) }
                    form.form method="post" action="/account/delete" {
                        (csrf(ctx))
                        (field(l, &FormState::default(), "password", "form.password", "password", "current-password", true))
                        button.btn.btn-danger type="submit" { (l.t("account.delete_button")) }
                    }
                }
            }
        }
    };
    layout::page(ctx, Head { title: l.t("account.title"), ..Head::default() }, body)
}

/// `GET /account/password`.
pub fn password(ctx: &PageCtx, form: &FormState) -> Markup {
    let l = ctx.lang;
    let body = html! {
        section.auth-card {
            h1 { (l.t("menu.password")) }
            (general_error(l, form))
            form.form method="post" action="/account/password" {
                (csrf(ctx))
                (field(l, form, "current_password", "form.current_password", "password", "current-password", true))
                (field(l, form, "password", "form.new_password", "password", "new-password", true))
                p.hint { (l.t("form.password_hint")) }
                button.btn.btn-wide type="submit" { (l.t("account.change_password")) }
            }
        }
    };
    layout::page(ctx, Head { title: l.t("menu.password"), ..Head::default() }, body)
}
