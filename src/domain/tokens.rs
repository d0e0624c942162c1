//! Single-use, expiring tokens for e-mail verification and password reset. Only hashes are
//! stored: a token that was altered, never issued, used or expired is refused.

use rusqlite::{Connection, OptionalExtension};

use super::secrets::{hash_token, new_token};
use crate::domain::ids::UserId;

/// What a token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Confirm the e-mail address (valid 3 days).
    VerifyEmail,
    /// Set a new password (valid 1 hour; staff set-up links 1 day).
    ResetPassword,
}

impl Purpose {
    fn code(self) -> &'static str {
        match self {
            Self::VerifyEmail => "verify_email",
            Self::ResetPassword => "reset_password",
        }
    }
}

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenError {
    /// Unknown (never issued, altered, or for another purpose).
    Invalid,
    /// Too old.
    Expired,
    /// Already used.
    Used,
}

/// Issues a token; returns it (to put in a link).
pub fn issue(
    conn: &Connection,
    user_id: UserId,
    purpose: Purpose,
    now: i64,
    ttl_seconds: i64,
) -> rusqlite::Result<String> {
    let token = new_token();
    conn.execute(
        "INSERT INTO auth_tokens (hash, user_id, purpose, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        (hash_token(&token), user_id, purpose.code(), now, now + ttl_seconds),
    )?;
    Ok(token)
}

/// Checks a token without using it up (to show the reset form).
pub fn check(
    conn: &Connection,
    token: &str,
    purpose: Purpose,
    now: i64,
) -> rusqlite::Result<Result<UserId, TokenError>> {
    if token.len() > 100 {
        return Ok(Err(TokenError::Invalid));
    }
    let row: Option<(UserId, i64, Option<i64>)> = conn
        .query_row(
            "SELECT user_id, expires_at, used_at FROM auth_tokens WHERE hash = ?1 AND purpose = ?2",
            (hash_token(token), purpose.code()),
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    Ok(match row {
        None => Err(TokenError::Invalid),
        Some((_, _, Some(_))) => Err(TokenError::Used),
        Some((_, expires, None)) if expires <= now => Err(TokenError::Expired),
        Some((user, _, None)) => Ok(user),
    })
}

/// Uses a token up; returns its user. Call inside the transaction that acts on it.
pub fn consume(
    conn: &Connection,
    token: &str,
    purpose: Purpose,
    now: i64,
) -> rusqlite::Result<Result<UserId, TokenError>> {
    let checked = check(conn, token, purpose, now)?;
    if checked.is_ok() {
        conn.execute(
            "UPDATE auth_tokens SET used_at = ?2 WHERE hash = ?1",
            (hash_token(token), now),
        )?;
    }
    Ok(checked)
}

/// Uses up every open token of a user for a purpose (after a password change, older reset
/// links must stop working).
pub fn revoke_all(
    conn: &Connection,
    user_id: UserId,
    purpose: Purpose,
    now: i64,
) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE auth_tokens SET used_at = ?3 WHERE user_id = ?1 AND purpose = ?2 AND used_at IS NULL",
        (user_id, purpose.code(), now),
    )
}
