//! The payments ledger: making a payment, reading it, and moving it between states with its
//! effect in the same transaction. Every change is appended to `payment_events`.

use rusqlite::{Connection, OptionalExtension, Row, Transaction};

use super::{Item, Payment, ProviderId, State};
use crate::config::PlansConfig;
use crate::db::write_tx;
use crate::domain::Denied;
use crate::domain::ads::Plan;
use crate::domain::geo::Currency;
use crate::domain::ids::{AdId, UserId};

const COLUMNS: &str = "p.id, p.public_id, p.user_id, u.name, p.item, p.ad_id, p.plan, p.badge_request_id, \
     a.title, p.amount_minor, p.currency, p.provider, p.state, p.provider_trans_id, p.note, p.created_at, p.paid_at";
const JOINS: &str =
    "FROM payments p JOIN users u ON u.id = p.user_id LEFT JOIN ads a ON a.id = p.ad_id";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Payment> {
    let item: String = r.get(4)?;
    let item = if item == "plan" {
        let plan: String = r.get(6)?;
        Item::Plan { ad: r.get(5)?, plan: Plan::parse(&plan).unwrap_or(Plan::Gold) }
    } else {
        Item::Badge { request: r.get(7)? }
    };
    let currency: String = r.get(10)?;
    let provider: String = r.get(11)?;
    let state: String = r.get(12)?;
    Ok(Payment {
        id: r.get(0)?,
        public_id: r.get(1)?,
        user: r.get(2)?,
        user_name: r.get(3)?,
        item,
        ad_title: r.get(8)?,
        amount_minor: r.get(9)?,
        currency: Currency::parse(&currency).unwrap_or(Currency::Usd),
        provider: ProviderId::parse(&provider).unwrap_or(ProviderId::Manual),
        state: State::parse(&state).unwrap_or(State::Failed),
        provider_trans_id: r.get(13)?,
        note: r.get(14)?,
        created_at: r.get(15)?,
        paid_at: r.get(16)?,
    })
}

/// A payment by its public id.
pub fn by_public_id(conn: &Connection, public_id: &str) -> rusqlite::Result<Option<Payment>> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} {JOINS} WHERE p.public_id = ?1"))?
        .query_row([public_id], from_row)
        .optional()
}

/// A payment by its row id (Click's `merchant_prepare_id`).
pub fn by_id(conn: &Connection, id: i64) -> rusqlite::Result<Option<Payment>> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} {JOINS} WHERE p.id = ?1"))?
        .query_row([id], from_row)
        .optional()
}

/// The user's payments, newest first.
pub fn of_user(conn: &Connection, user: UserId, limit: i64) -> rusqlite::Result<Vec<Payment>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} {JOINS} WHERE p.user_id = ?1 ORDER BY p.id DESC LIMIT ?2"
    ))?
    .query_map((user, limit), from_row)?
    .collect()
}

/// What staff filter the ledger by.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only this state.
    pub state: Option<State>,
    /// Only this provider.
    pub provider: Option<ProviderId>,
    /// Only plans or only badges ("plan" / "badge").
    pub item: Option<&'static str>,
    /// Only this buyer.
    pub user: Option<UserId>,
}

/// The ledger for staff, newest first: `limit` rows from `offset`.
pub fn list(
    conn: &Connection,
    f: &Filter,
    limit: i64,
    offset: i64,
) -> rusqlite::Result<Vec<Payment>> {
    let mut sql = format!("SELECT {COLUMNS} {JOINS} WHERE 1 = 1");
    let mut params: Vec<Box<dyn rusqlite::ToSql>> = Vec::new();
    let mut push = |sql: &mut String, clause: &str, v: Box<dyn rusqlite::ToSql>| {
        params.push(v);
        sql.push_str(&clause.replace('?', &format!("?{}", params.len())));
    };
    if let Some(s) = f.state {
        push(&mut sql, " AND p.state = ?", Box::new(s.code()));
    }
    if let Some(p) = f.provider {
        push(&mut sql, " AND p.provider = ?", Box::new(p.code()));
    }
    if let Some(i) = f.item {
        push(&mut sql, " AND p.item = ?", Box::new(i));
    }
    if let Some(u) = f.user {
        push(&mut sql, " AND p.user_id = ?", Box::new(u));
    }
    push(&mut sql, " ORDER BY p.id DESC LIMIT ?", Box::new(limit));
    push(&mut sql, " OFFSET ?", Box::new(offset));
    let refs: Vec<&dyn rusqlite::ToSql> = params.iter().map(|p| p.as_ref()).collect();
    conn.prepare(&sql)?.query_map(refs.as_slice(), from_row)?.collect()
}

/// Totals of paid payments since `since`, by currency: (currency, count, minor units).
pub fn paid_since(conn: &Connection, since: i64) -> rusqlite::Result<Vec<(String, i64, i64)>> {
    conn.prepare_cached(
        "SELECT currency, count(*), sum(amount_minor) FROM payments WHERE state = 'paid' AND paid_at >= ?1
         GROUP BY currency ORDER BY currency",
    )?
    .query_map([since], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
    .collect()
}

/// Makes a pending payment; returns its public id.
pub fn create(
    tx: &Transaction<'_>,
    user: UserId,
    item: Item,
    amount_minor: i64,
    currency: Currency,
    provider: ProviderId,
    now: i64,
) -> rusqlite::Result<String> {
    let public_id = crate::domain::secrets::new_token()[..22].replace(['-', '_'], "x");
    let (kind, ad, plan, request): (&str, Option<AdId>, Option<&str>, Option<i64>) = match item {
        Item::Plan { ad, plan } => {
            ("plan", Some(ad), Some(crate::domain::promotions::code(plan)), None)
        }
        Item::Badge { request } => ("badge", None, None, Some(request)),
    };
    tx.execute(
        "INSERT INTO payments (public_id, user_id, item, ad_id, plan, badge_request_id, amount_minor, currency,
             provider, state, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'pending', ?10, ?10)",
        (&public_id, user, kind, ad, plan, request, amount_minor, currency.code(), provider.code(), now),
    )?;
    let id = tx.last_insert_rowid();
    event(tx, id, "new", "pending", &format!("user:{user}"), "", now)?;
    Ok(public_id)
}

fn event(
    tx: &Transaction<'_>,
    payment: i64,
    from: &str,
    to: &str,
    actor: &str,
    detail: &str,
    now: i64,
) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO payment_events (payment_id, from_state, to_state, actor, detail, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        (payment, from, to, actor, detail, now),
    )?;
    Ok(())
}

/// Moves a payment from `from` to `to`, recording who and why; false when it was not in
/// `from` (someone else moved it first).
pub fn transition(
    tx: &Transaction<'_>,
    p: &Payment,
    to: State,
    actor: &str,
    detail: &str,
    now: i64,
) -> rusqlite::Result<bool> {
    let changed = tx.execute(
        "UPDATE payments SET state = ?3, note = ?4, updated_at = ?5,
             paid_at = CASE WHEN ?3 = 'paid' THEN ?5 ELSE paid_at END
         WHERE id = ?1 AND state = ?2",
        (p.id, p.state.code(), to.code(), detail, now),
    )?;
    if changed == 1 {
        event(tx, p.id, p.state.code(), to.code(), actor, detail, now)?;
    }
    Ok(changed == 1)
}

/// Records the provider's transaction id on a payment.
pub fn set_provider_trans(tx: &Transaction<'_>, p: &Payment, trans: &str) -> rusqlite::Result<()> {
    tx.execute("UPDATE payments SET provider_trans_id = ?2 WHERE id = ?1", (p.id, trans))?;
    Ok(())
}

/// Marks an open payment paid and grants what it bought, in the caller's transaction.
/// Returns false (and changes nothing) when it was not open.
pub fn settle(
    tx: &Transaction<'_>,
    p: &Payment,
    actor: &str,
    detail: &str,
    plans: &PlansConfig,
    now: i64,
) -> rusqlite::Result<bool> {
    if !p.state.is_open() || !transition(tx, p, State::Paid, actor, detail, now)? {
        return Ok(false);
    }
    match p.item {
        Item::Plan { ad, plan } => crate::domain::promotions::grant(
            tx,
            ad,
            plan,
            crate::domain::promotions::days(plan, plans),
            now,
        )?,
        // paid: the request goes to staff
        Item::Badge { request } => {
            tx.execute(
                "UPDATE badge_requests SET state = 'waiting' WHERE id = ?1 AND state = 'unpaid'",
                [request],
            )?;
        }
    }
    Ok(true)
}

/// Staff mark a manual payment paid (its effect granted in the same commit).
pub fn mark_paid(
    conn: &mut Connection,
    staff: UserId,
    public_id: &str,
    plans: &PlansConfig,
    now: i64,
) -> rusqlite::Result<Result<Payment, Denied>> {
    write_tx(conn, |tx| {
        let Some(p) = by_public_id(tx, public_id)? else { return Ok(Err(Denied::NotFound)) };
        if p.provider != ProviderId::Manual || !p.state.is_open() {
            return Ok(Err(Denied::Forbidden));
        }
        settle(tx, &p, &format!("staff:{staff}"), "marked paid by staff", plans, now)?;
        crate::domain::audit::record(
            tx,
            staff,
            "payment:paid",
            "payment",
            p.id,
            &p.public_id,
            now,
        )?;
        Ok(by_public_id(tx, public_id)?.ok_or(Denied::NotFound))
    })
}

/// The buyer gives up an open payment (a manual one, or one the provider has not prepared).
pub fn cancel(
    conn: &mut Connection,
    user: UserId,
    public_id: &str,
    now: i64,
) -> rusqlite::Result<Result<(), Denied>> {
    write_tx(conn, |tx| {
        let Some(p) = by_public_id(tx, public_id)? else { return Ok(Err(Denied::NotFound)) };
        if p.user != user {
            return Ok(Err(Denied::NotFound));
        }
        if p.state != State::Pending {
            return Ok(Err(Denied::Forbidden));
        }
        transition(
            tx,
            &p,
            State::Cancelled,
            &format!("user:{user}"),
            "cancelled by the buyer",
            now,
        )?;
        if let Item::Badge { request } = p.item {
            tx.execute(
                "UPDATE badge_requests SET state = 'cancelled' WHERE id = ?1 AND state = 'unpaid'",
                [request],
            )?;
        }
        Ok(Ok(()))
    })
}

/// The open payment of this user for this item, if any (a second click on "buy" reuses it).
pub fn open_for(
    tx: &Transaction<'_>,
    user: UserId,
    item: Item,
) -> rusqlite::Result<Option<String>> {
    match item {
        Item::Plan { ad, plan } => tx
            .prepare_cached(
                "SELECT public_id FROM payments WHERE user_id = ?1 AND ad_id = ?2 AND plan = ?3
                   AND state IN ('pending', 'prepared') ORDER BY id DESC LIMIT 1",
            )?
            .query_row((user, ad, crate::domain::promotions::code(plan)), |r| r.get(0))
            .optional(),
        Item::Badge { request } => tx
            .prepare_cached(
                "SELECT public_id FROM payments WHERE user_id = ?1 AND badge_request_id = ?2
                   AND state IN ('pending', 'prepared') ORDER BY id DESC LIMIT 1",
            )?
            .query_row((user, request), |r| r.get(0))
            .optional(),
    }
}

/// Why a plan cannot be bought.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuyRefusal {
    /// Not the buyer's ad (or not there).
    Denied(Denied),
    /// The ad is not published: its days would run while nobody sees it.
    Unpublished,
}

/// Buys a plan for the owner's ad: a pending payment (or the open one for the same plan).
pub fn buy_plan(
    conn: &mut Connection,
    user: &crate::domain::users::SessionUser,
    ad: AdId,
    plan: Plan,
    provider: ProviderId,
    plans: &PlansConfig,
    now: i64,
) -> rusqlite::Result<Result<String, BuyRefusal>> {
    write_tx(conn, |tx| {
        let Some(own) = crate::domain::ads::write::ownership(tx, ad)? else {
            return Ok(Err(BuyRefusal::Denied(Denied::NotFound)));
        };
        if let Err(d) = own.may_edit(user) {
            return Ok(Err(BuyRefusal::Denied(d)));
        }
        if !own.is_active {
            return Ok(Err(BuyRefusal::Unpublished));
        }
        let item = Item::Plan { ad, plan };
        if let Some(open) = open_for(tx, user.id, item)? {
            return Ok(Ok(open));
        }
        let (_, currency) = crate::domain::promotions::priced_in(tx, ad)?;
        let currency = provider.charges_in(currency);
        let amount = super::plan_price(plan, currency, plans);
        Ok(Ok(create(tx, user.id, item, amount, currency, provider, now)?))
    })
}
