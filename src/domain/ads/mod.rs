//! Ads: kinds, sections, the card and detail shapes pages show, and listing queries.

pub mod actions;
pub mod by_tags;
pub mod duplicates;
pub mod facets;
pub mod favorites;
pub mod filter;
pub mod form;
pub mod home;
pub mod lexicon;
pub mod list;
pub mod photos;
pub mod price_bands;
pub mod price_walk;
mod read_once;
pub mod repo;
pub mod search;
pub mod spelling;
pub mod type_brand;
pub mod write;

use crate::domain::geo::{Country, Currency};
use crate::domain::ids::{AdId, UserId};

/// The four kinds of ad.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Machinery for hire.
    Rent,
    /// Machinery for sale.
    Sale,
    /// Repair and other services.
    Service,
    /// Spare parts.
    Parts,
}

impl Kind {
    /// Parses the database / URL code.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "rent" => Some(Self::Rent),
            "sale" => Some(Self::Sale),
            "service" => Some(Self::Service),
            "parts" => Some(Self::Parts),
            _ => None,
        }
    }

    /// The database / URL code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Rent => "rent",
            Self::Sale => "sale",
            Self::Service => "service",
            Self::Parts => "parts",
        }
    }

    /// The listing this kind appears in.
    pub fn section(self) -> Section {
        match self {
            Self::Rent | Self::Sale => Section::Catalog,
            Self::Service => Section::Repair,
            Self::Parts => Section::Parts,
        }
    }
}

/// A listing page of the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// `/catalog`: rent and sale.
    Catalog,
    /// `/parts`.
    Parts,
    /// `/repair`: services.
    Repair,
}

impl Section {
    /// Every listing, in menu order.
    pub const ALL: [Section; 3] = [Section::Catalog, Section::Parts, Section::Repair];

    /// The value of the `ads.section` column.
    pub fn code(self) -> &'static str {
        match self {
            Self::Catalog => "catalog",
            Self::Parts => "parts",
            Self::Repair => "repair",
        }
    }

    /// The kinds listed here.
    pub fn kinds(self) -> &'static [Kind] {
        match self {
            Self::Catalog => &[Kind::Rent, Kind::Sale],
            Self::Parts => &[Kind::Parts],
            Self::Repair => &[Kind::Service],
        }
    }

    /// The page's path.
    pub fn path(self) -> &'static str {
        match self {
            Self::Catalog => "/catalog",
            Self::Parts => "/parts",
            Self::Repair => "/repair",
        }
    }
}

/// A paid promotion plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Plan {
    /// 3 days.
    Gold,
    /// 14 days.
    Premium,
    /// 30 days.
    Vip,
}

impl Plan {
    /// Parses the database code.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "gold" => Some(Self::Gold),
            "premium" => Some(Self::Premium),
            "vip" => Some(Self::Vip),
            _ => None,
        }
    }

    /// The label on cards.
    pub fn label(self) -> &'static str {
        match self {
            Self::Gold => "GOLD",
            Self::Premium => "PREMIUM",
            Self::Vip => "VIP",
        }
    }
}

/// A price as the ad gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Price {
    /// Minor units of `currency`; `None` is "negotiable".
    pub minor: Option<i64>,
    /// The currency.
    pub currency: Currency,
    /// Per hour/day/month for rent.
    pub unit: Option<&'static str>,
    /// Approximate US cents.
    pub usd_cents: Option<i64>,
}

/// What a card in a list shows.
#[derive(Debug, Clone)]
pub struct AdCard {
    /// Id.
    pub id: AdId,
    /// URL slug.
    pub slug: String,
    /// Kind.
    pub kind: Kind,
    /// Title.
    pub title: String,
    /// Country.
    pub country: Country,
    /// City.
    pub city: String,
    /// Price.
    pub price: Price,
    /// Main photo path under the uploads folder.
    pub photo: Option<String>,
    /// Valid promotion, if any.
    pub plan: Option<Plan>,
    /// Views counted.
    pub views: i64,
    /// Last bump (or creation), unix seconds.
    pub bumped_at: i64,
    /// The seller holds a valid verification badge.
    pub seller_verified: bool,
    /// Whether the ad is active (inactive ones appear only to their owner).
    pub is_active: bool,
}

impl AdCard {
    /// The ad's canonical path.
    pub fn path(&self) -> String {
        format!("/ad/{}-{}", self.id, self.slug)
    }
}

/// One photo of an ad.
#[derive(Debug, Clone)]
pub struct Photo {
    /// Path under the uploads folder.
    pub path: String,
    /// Pixels.
    pub width: i64,
    /// Pixels.
    pub height: i64,
}

/// Everything the ad page shows.
#[derive(Debug, Clone)]
pub struct AdDetail {
    /// The card fields.
    pub card: AdCard,
    /// Owner.
    pub owner_id: UserId,
    /// Description.
    pub description: String,
    /// Contact phone.
    pub phone: Option<String>,
    /// Equipment type.
    pub equipment_type: Option<String>,
    /// Brand.
    pub brand: Option<String>,
    /// Model.
    pub model: Option<String>,
    /// Year of manufacture.
    pub year: Option<i64>,
    /// Rent with operator.
    pub with_operator: Option<bool>,
    /// Rent minimum order.
    pub min_order: Option<String>,
    /// Horse power.
    pub power_hp: Option<i64>,
    /// Tonnes.
    pub weight_t: Option<f64>,
    /// new / used / refurbished.
    pub condition: Option<String>,
    /// Engine hours.
    pub engine_hours: Option<i64>,
    /// Service name (service ads).
    pub service_name: Option<String>,
    /// Part name (parts ads).
    pub part_name: Option<String>,
    /// Created, unix seconds.
    pub created_at: i64,
    /// Photos in the owner's order, main first.
    pub photos: Vec<Photo>,
    /// The owner as the seller card shows them (None once the account is deleted).
    pub seller: Option<crate::domain::users::Seller>,
    /// Hidden by staff: why (its owner reads it).
    pub hidden_reason: Option<String>,
    /// Waiting for staff's review.
    pub held: bool,
    /// Waiting for its owner to confirm their e-mail (`moderation.require_verified_email`).
    pub awaiting_email: bool,
    /// A published ad of another seller with photos like this one's.
    pub photos_elsewhere: Option<duplicates::OtherAd>,
}
