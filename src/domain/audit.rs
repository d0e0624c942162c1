//! The staff audit log: every staff action appended in the transaction of the action itself
//! (the table refuses updates and deletes).

use rusqlite::{Connection, Transaction};

use crate::domain::ids::UserId;

/// Appends a staff action.
pub fn record(
    tx: &Transaction<'_>,
    staff: UserId,
    action: &str,
    target_kind: &str,
    target_id: i64,
    comment: &str,
    now: i64,
) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO audit_log (staff_id, action, target_kind, target_id, comment, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute((staff, action, target_kind, target_id, comment, now))?;
    Ok(())
}

/// A row of the log.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Id.
    pub id: i64,
    /// Who.
    pub staff: UserId,
    /// Their name.
    pub staff_name: String,
    /// What (`ad.hide`, `user.ban`, …).
    pub action: String,
    /// On what kind of thing.
    pub target_kind: String,
    /// Which.
    pub target_id: i64,
    /// Why.
    pub comment: String,
    /// When.
    pub at: i64,
}

/// Filters of the log.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only this action.
    pub action: Option<String>,
    /// Only this staff member.
    pub staff: Option<UserId>,
    /// Only this target (kind, id).
    pub target: Option<(String, i64)>,
}

/// The log, newest first.
pub fn list(
    conn: &Connection,
    f: &Filter,
    limit: i64,
    offset: i64,
) -> rusqlite::Result<Vec<Entry>> {
    let mut sql = String::from(
        "SELECT l.id, l.staff_id, u.name, l.action, l.target_kind, l.target_id, l.comment, l.at
         FROM audit_log l JOIN users u ON u.id = l.staff_id WHERE 1 = 1",
    );
    let mut params: Vec<Box<dyn rusqlite::ToSql>> = Vec::new();
    let mut push = |sql: &mut String, clause: &str, v: Box<dyn rusqlite::ToSql>| {
        params.push(v);
        sql.push_str(&clause.replace('?', &format!("?{}", params.len())));
    };
    if let Some(a) = &f.action {
        push(&mut sql, " AND l.action = ?", Box::new(a.clone()));
    }
    if let Some(s) = f.staff {
        push(&mut sql, " AND l.staff_id = ?", Box::new(s));
    }
    if let Some((kind, id)) = &f.target {
        push(&mut sql, " AND l.target_kind = ?", Box::new(kind.clone()));
        push(&mut sql, " AND l.target_id = ?", Box::new(*id));
    }
    push(&mut sql, " ORDER BY l.id DESC LIMIT ?", Box::new(limit));
    push(&mut sql, " OFFSET ?", Box::new(offset));
    let refs: Vec<&dyn rusqlite::ToSql> = params.iter().map(|p| p.as_ref()).collect();
    conn.prepare(&sql)?
        .query_map(refs.as_slice(), |r| {
            Ok(Entry {
                id: r.get(0)?,
                staff: r.get(1)?,
                staff_name: r.get(2)?,
                action: r.get(3)?,
                target_kind: r.get(4)?,
                target_id: r.get(5)?,
                comment: r.get(6)?,
                at: r.get(7)?,
            })
        })?
        .collect()
}

/// The actions the log knows, for its filter.
pub const ACTIONS: [&str; 18] = [
    "report:dismiss",
    "ad:hide",
    "ad:unhide",
    "ad:approve",
    "ad:reject",
    "ad:deactivate",
    "ad:plan",
    "user:warn",
    "user:ban",
    "user:unban",
    "user:staff",
    "user:unstaff",
    "user:verify_email",
    "user:sign_out",
    "payment:paid",
    "badge:approve",
    "badge:reject",
    "broadcast",
];
