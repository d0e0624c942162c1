//! What a person does to an account, each in one write transaction (`db::write_tx`, retried
//! when the database is busy): sign up, sign in and out, reset, change and verify, profile,
//! avatar, deletion. Handlers parse and hash; these write.

use rusqlite::Connection;

use super::{Email, Profile, Signup, repo};
use crate::db::write_tx;
use crate::domain::ids::UserId;
use crate::domain::tokens::{self, Purpose, TokenError};
use crate::domain::{mail, secrets, sessions};
use crate::i18n::Lang;

const HOUR: i64 = 3600;

/// What a mail needs to be written for its reader: the site's address and their language (at
/// sign-up, the page's: it becomes the account's language).
#[derive(Debug, Clone, Copy)]
pub struct MailCtx<'a> {
    /// The site's public address, without a trailing slash.
    pub base_url: &'a str,
    /// The reader's language.
    pub lang: Lang,
}

/// Why a sign-up was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignUpError {
    /// The e-mail belongs to an account already.
    EmailTaken,
}

/// Creates the account (in the language of `mail_ctx`), queues the confirmation mail and opens
/// a session, in one commit. Returns the session token.
pub fn sign_up(
    conn: &mut Connection,
    s: &Signup,
    password_hash: &str,
    mail_ctx: MailCtx<'_>,
    now: i64,
    session_days: u32,
) -> rusqlite::Result<Result<String, SignUpError>> {
    write_tx(conn, |tx| {
        let l = mail_ctx.lang;
        let created = repo::create(tx, &s.email, password_hash, s.account_type, &s.profile, l, now);
        let id = match created {
            Ok(id) => id,
            Err(repo::CreateError::EmailTaken) => return Ok(Err(SignUpError::EmailTaken)),
            Err(repo::CreateError::Db(e)) => return Err(e),
        };
        let token = tokens::issue(tx, id, Purpose::VerifyEmail, now, 72 * HOUR)?;
        let link = format!("{}{}", mail_ctx.base_url, l.href(&format!("/verify-email/{token}")));
        let body = l.tf("mail.verify_body", &[("name", &s.profile.name), ("link", &link)]);
        mail::enqueue(tx, s.email.as_str(), l.t("mail.verify_subject"), &body, now)?;
        Ok(Ok(sessions::create(tx, id, now, session_days)?))
    })
}

/// Opens a session for a user whose password was checked; whatever session came with the
/// request ends (no session fixation). Returns the new token.
pub fn sign_in(
    conn: &mut Connection,
    user: UserId,
    old_session: Option<&str>,
    now: i64,
    session_days: u32,
) -> rusqlite::Result<String> {
    write_tx(conn, |tx| {
        if let Some(old) = old_session {
            sessions::delete(tx, &secrets::hash_token(old))?;
        }
        sessions::create(tx, user, now, session_days)
    })
}

/// Ends the session of this token.
pub fn sign_out(conn: &mut Connection, token: &str) -> rusqlite::Result<()> {
    write_tx(conn, |tx| sessions::delete(tx, &secrets::hash_token(token)))
}

/// Mails a password-reset link, in the account's language, if the address belongs to an
/// account; says whether it did. `base_url`: the site's address without a trailing slash.
pub fn request_reset(
    conn: &mut Connection,
    email: &Email,
    base_url: &str,
    now: i64,
) -> rusqlite::Result<bool> {
    write_tx(conn, |tx| {
        let Some((id, _)) = repo::login_info(tx, email.as_str())? else { return Ok(false) };
        let token = tokens::issue(tx, id, Purpose::ResetPassword, now, HOUR)?;
        let l = crate::domain::users::lang_of(tx, id)?;
        let link = format!("{base_url}{}", l.href(&format!("/password/reset/{token}")));
        let body = l.tf("mail.reset_body", &[("link", &link)]);
        mail::enqueue(tx, email.as_str(), l.t("mail.reset_subject"), &body, now)?;
        Ok(true)
    })
}

/// Whose confirmation mail to send again.
#[derive(Debug, Clone, Copy)]
pub enum Resend<'a> {
    /// The signed-in user's.
    User(UserId),
    /// The account of an address typed by a visitor who is not signed in.
    Email(&'a Email),
}

/// What became of a request for a new confirmation mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resent {
    /// Mailed.
    Sent,
    /// The address is confirmed already: nothing to send.
    AlreadyVerified,
    /// No live account has it.
    NoAccount,
}

/// Mails a new confirmation link (valid 3 days; earlier ones stay valid until theirs run out)
/// to an account whose address is not confirmed yet.
pub fn resend_verification(
    conn: &mut Connection,
    who: Resend<'_>,
    mail_ctx: MailCtx<'_>,
    now: i64,
) -> rusqlite::Result<Resent> {
    write_tx(conn, |tx| {
        let Some((id, email, name, verified)) = repo::verification_of(tx, who)? else {
            return Ok(Resent::NoAccount);
        };
        if verified {
            return Ok(Resent::AlreadyVerified);
        }
        let token = tokens::issue(tx, id, Purpose::VerifyEmail, now, 72 * HOUR)?;
        let link = format!("{}/verify-email/{token}", mail_ctx.base_url);
        let l = mail_ctx.lang;
        let body = l.tf("mail.verify_body", &[("name", &name), ("link", &link)]);
        mail::enqueue(tx, &email, l.t("mail.verify_subject"), &body, now)?;
        Ok(Resent::Sent)
    })
}

/// Sets a new password through a reset link: the link is used up with every other one, the
/// address counts as proven (the link came by mail), every session ends and a new one opens.
/// Returns its token.
pub fn reset_password(
    conn: &mut Connection,
    token: &str,
    password_hash: &str,
    now: i64,
    session_days: u32,
) -> rusqlite::Result<Result<String, TokenError>> {
    write_tx(conn, |tx| {
        let user = match tokens::consume(tx, token, Purpose::ResetPassword, now)? {
            Ok(u) => u,
            Err(e) => return Ok(Err(e)),
        };
        repo::set_password(tx, user, password_hash, now)?;
        tokens::revoke_all(tx, user, Purpose::ResetPassword, now)?;
        repo::mark_verified(tx, user, now)?;
        sessions::delete_others(tx, user, None)?;
        Ok(Ok(sessions::create(tx, user, now, session_days)?))
    })
}

/// Confirms an address through the link of the sign-up mail; returns whose it is.
pub fn verify_email(
    conn: &mut Connection,
    token: &str,
    now: i64,
) -> rusqlite::Result<Result<UserId, TokenError>> {
    write_tx(conn, |tx| {
        let user = match tokens::consume(tx, token, Purpose::VerifyEmail, now)? {
            Ok(u) => u,
            Err(e) => return Ok(Err(e)),
        };
        repo::mark_verified(tx, user, now)?;
        Ok(Ok(user))
    })
}

/// Changes a password whose old one was checked: pending reset links die, and every session
/// but `keep_session` (the hash of the one making the change) ends.
pub fn change_password(
    conn: &mut Connection,
    user: UserId,
    password_hash: &str,
    keep_session: &str,
    now: i64,
) -> rusqlite::Result<()> {
    write_tx(conn, |tx| {
        repo::set_password(tx, user, password_hash, now)?;
        tokens::revoke_all(tx, user, Purpose::ResetPassword, now)?;
        sessions::delete_others(tx, user, Some(keep_session))?;
        Ok(())
    })
}

/// Saves a profile.
pub fn update_profile(conn: &mut Connection, user: UserId, p: &Profile) -> rusqlite::Result<()> {
    write_tx(conn, |tx| repo::update_profile(tx, user, p))
}

/// Sets the avatar (a stored file's path); returns the replaced one's, for removal.
pub fn set_avatar(
    conn: &mut Connection,
    user: UserId,
    path: &str,
) -> rusqlite::Result<Option<String>> {
    write_tx(conn, |tx| repo::set_avatar(tx, user, path))
}

/// Deletes an account (personal data erased, ads removed, chats kept for the other side);
/// returns the files to remove.
pub fn delete_account(
    conn: &mut Connection,
    user: UserId,
    now: i64,
) -> rusqlite::Result<Vec<String>> {
    write_tx(conn, |tx| repo::delete(tx, user, now))
}
