//! Payments: one ledger for whatever is bought (a plan for an ad, the verification badge) and
//! whoever takes the money. A payment's state changes in the same transaction as its effect:
//! `pending` → `prepared` (the provider checked it) → `paid` (the plan or badge granted in the
//! same commit) | `cancelled` | `failed`.

pub mod click;
pub mod ledger;

use crate::config::PlansConfig;
use crate::domain::ads::Plan;
use crate::domain::geo::Currency;
use crate::domain::ids::{AdId, UserId};
use crate::domain::rates::Rates;

/// What a payment buys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
    /// A promotion plan for an ad.
    Plan {
        /// The ad.
        ad: AdId,
        /// The plan.
        plan: Plan,
    },
    /// The verification badge, for a request staff will look at.
    Badge {
        /// The request.
        request: i64,
    },
}

/// Where a payment is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Made, not yet taken.
    Pending,
    /// The provider checked it and is taking the money.
    Prepared,
    /// Paid: its effect is granted.
    Paid,
    /// Given up (by the buyer, or the provider said it failed before money moved).
    Cancelled,
    /// The provider reported an error.
    Failed,
}

impl State {
    /// The database code.
    pub fn code(self) -> &'static str {
        match self {
            State::Pending => "pending",
            State::Prepared => "prepared",
            State::Paid => "paid",
            State::Cancelled => "cancelled",
            State::Failed => "failed",
        }
    }

    /// Parses the database code.
    pub fn parse(s: &str) -> Option<State> {
        Some(match s {
            "pending" => State::Pending,
            "prepared" => State::Prepared,
            "paid" => State::Paid,
            "cancelled" => State::Cancelled,
            "failed" => State::Failed,
            _ => return None,
        })
    }

    /// Still waiting for money.
    pub fn is_open(self) -> bool {
        matches!(self, State::Pending | State::Prepared)
    }
}

/// Who takes the money.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderId {
    /// Staff mark the payment paid by hand.
    Manual,
    /// Click's SHOP API.
    Click,
}

impl ProviderId {
    /// The database and config code.
    pub fn code(self) -> &'static str {
        match self {
            ProviderId::Manual => "manual",
            ProviderId::Click => "click",
        }
    }

    /// The currency a buyer who would pay in `wanted` is charged in: Click takes sum only.
    pub fn charges_in(self, wanted: Currency) -> Currency {
        match self {
            ProviderId::Click => Currency::Uzs,
            ProviderId::Manual => wanted,
        }
    }

    /// Parses the code.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "manual" => Some(ProviderId::Manual),
            "click" => Some(ProviderId::Click),
            _ => None,
        }
    }
}

/// A payment as its buyer and staff see it.
#[derive(Debug, Clone)]
pub struct Payment {
    /// Row id (internal).
    pub id: i64,
    /// The id shown and used in URLs and by providers (random).
    pub public_id: String,
    /// The buyer.
    pub user: UserId,
    /// The buyer's name.
    pub user_name: String,
    /// What it buys.
    pub item: Item,
    /// The ad's title, for a plan.
    pub ad_title: Option<String>,
    /// Minor units of `currency`.
    pub amount_minor: i64,
    /// Currency.
    pub currency: Currency,
    /// Who takes it.
    pub provider: ProviderId,
    /// State.
    pub state: State,
    /// The provider's transaction id, once known.
    pub provider_trans_id: Option<String>,
    /// The last note (provider's or staff's).
    pub note: String,
    /// Made at.
    pub created_at: i64,
    /// Paid at.
    pub paid_at: Option<i64>,
}

/// How a buyer pays: what the provider's checkout says to do.
pub trait PaymentProvider: Send + Sync {
    /// The provider.
    fn id(&self) -> ProviderId;
    /// What the payment page offers for an open payment.
    fn checkout(&self, payment: &Payment, return_url: &str) -> Checkout;
}

/// What the payment page offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Checkout {
    /// Instructions to follow (manual payment); staff mark it paid.
    Instructions(String),
    /// A link to the provider's payment page.
    Redirect(String),
}

/// Payment by hand: the buyer follows the configured instructions, staff mark it paid.
pub struct Manual {
    /// The instructions, with `{id}` and `{amount}`.
    pub instructions: String,
}

impl PaymentProvider for Manual {
    fn id(&self) -> ProviderId {
        ProviderId::Manual
    }

    fn checkout(&self, p: &Payment, _: &str) -> Checkout {
        let amount = format!("{} {}", format_minor(p.amount_minor, p.currency), p.currency.code());
        Checkout::Instructions(
            self.instructions.replace("{id}", &p.public_id).replace("{amount}", &amount),
        )
    }
}

/// A minor-unit amount as decimal text: "30000", "2.50".
pub fn format_minor(minor: i64, currency: Currency) -> String {
    let _ = currency;
    if minor % 100 == 0 {
        (minor / 100).to_string()
    } else {
        format!("{}.{:02}", minor / 100, minor % 100)
    }
}

/// The currency of an ad's country (the price of its plans is asked in it).
pub fn currency_of_country(country: crate::domain::geo::Country) -> Currency {
    use crate::domain::geo::Country;
    match country {
        Country::Kz => Currency::Kzt,
        Country::Uz => Currency::Uzs,
        Country::Ru => Currency::Rub,
        Country::By => Currency::Byn,
    }
}

/// A plan's price in `currency`, minor units.
pub fn plan_price(plan: Plan, currency: Currency, cfg: &PlansConfig) -> i64 {
    let table = match currency {
        Currency::Uzs => cfg.uzs,
        Currency::Kzt => cfg.kzt,
        Currency::Rub => cfg.rub,
        Currency::Byn => cfg.byn,
        Currency::Usd => cfg.usd,
    };
    let i = match plan {
        Plan::Gold => 0,
        Plan::Premium => 1,
        Plan::Vip => 2,
    };
    (table[i] * 100.0).round() as i64
}

/// The badge's price in `currency`, minor units: `badge_usd` at the configured rate, rounded
/// to a whole 1,000 (sum, tenge), 10 (roubles) or 1 (Belarusian roubles, dollars).
pub fn badge_price(currency: Currency, cfg: &PlansConfig, rates: &Rates) -> i64 {
    let (rate, step) = match currency {
        Currency::Uzs => (rates.uzs_usd, 1_000.0),
        Currency::Kzt => (rates.kzt_usd, 100.0),
        Currency::Rub => (rates.rub_usd, 10.0),
        Currency::Byn => (rates.byn_usd, 1.0),
        Currency::Usd => (1.0, 0.01),
    };
    let units = cfg.badge_usd / rate.max(1e-9);
    ((units / step).round() * step * 100.0).round() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_come_from_the_config_in_minor_units() {
        let cfg = PlansConfig::default();
        assert_eq!(plan_price(Plan::Gold, Currency::Uzs, &cfg), 3_000_000);
        assert_eq!(plan_price(Plan::Vip, Currency::Uzs, &cfg), 10_000_000);
        assert_eq!(plan_price(Plan::Gold, Currency::Usd, &cfg), 250);
        let rates = Rates::default();
        // 15 USD at 0.000079 USD per sum: 189,873 sum, rounded to 190,000
        assert_eq!(badge_price(Currency::Uzs, &cfg, &rates), 19_000_000);
        assert_eq!(badge_price(Currency::Usd, &cfg, &rates), 1_500);
        assert_eq!(format_minor(19_000_000, Currency::Uzs), "190000");
        assert_eq!(format_minor(250, Currency::Usd), "2.50");
    }
}
