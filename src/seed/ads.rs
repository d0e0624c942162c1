//! One demo ad at a time: kind-specific fields, a Russian title and description, a price in the
//! country's currency, times, promotion and photos.

use crate::domain::geo::{Country, Currency};
use crate::domain::rates::Rates;

use super::data::{self, Equipment};

const HOUR: i64 = 3_600;
const DAY: i64 = 24 * HOUR;

/// The year demo machinery is dated against: fixed, so the data does not depend on the clock.
const THIS_YEAR: i64 = 2025;

/// The four kinds of ad.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Machinery for hire.
    Rent,
    /// Machinery for sale.
    Sale,
    /// Spare parts.
    Parts,
    /// Repair and other services.
    Service,
}

impl Kind {
    /// The value stored in `ads.kind`.
    pub fn code(self) -> &'static str {
        match self {
            Kind::Rent => "rent",
            Kind::Sale => "sale",
            Kind::Parts => "parts",
            Kind::Service => "service",
        }
    }

    /// Whether the ad is listed in the catalog (and may be promoted).
    pub fn is_catalog(self) -> bool {
        matches!(self, Kind::Rent | Kind::Sale)
    }

    /// Roughly 40% rent, 35% sale, 12% parts, 13% service.
    pub fn pick(rng: &mut fastrand::Rng) -> Kind {
        match rng.u32(0..100) {
            0..40 => Kind::Rent,
            40..75 => Kind::Sale,
            75..87 => Kind::Parts,
            _ => Kind::Service,
        }
    }
}

/// A paid promotion: (plan, rank, started, until).
pub type Promotion = (&'static str, i64, i64, i64);

/// Where and by whom an ad is placed, decided by the caller.
pub struct Placement {
    /// Country.
    pub country: Country,
    /// City.
    pub city: &'static str,
    /// Earliest time the ad may be created (its owner's sign-up).
    pub not_before: i64,
    /// Slot in the promotion plan, when the ad is promoted.
    pub promo_slot: Option<usize>,
}

/// Everything about an ad except its ids, owner and photos.
pub struct Ad {
    pub(super) kind: Kind,
    pub(super) category: usize,
    pub(super) title: String,
    pub(super) description: String,
    pub(super) currency: Currency,
    pub(super) price_minor: Option<i64>,
    pub(super) price_unit: Option<&'static str>,
    pub(super) equipment: Option<usize>,
    pub(super) brand: Option<&'static str>,
    pub(super) model: Option<&'static str>,
    pub(super) year: Option<i64>,
    pub(super) with_operator: Option<i64>,
    pub(super) min_order: Option<&'static str>,
    pub(super) power_hp: Option<i64>,
    pub(super) weight_t: Option<f64>,
    pub(super) condition: Option<&'static str>,
    pub(super) engine_hours: Option<i64>,
    pub(super) service: Option<usize>,
    pub(super) part: Option<usize>,
    pub(super) is_active: bool,
    pub(super) views: i64,
    pub(super) promotion: Option<Promotion>,
    pub(super) created_at: i64,
    pub(super) bumped_at: i64,
}

/// The approximate price in US cents, the way the site computes it.
pub fn usd_cents(ad: &Ad, rates: &Rates) -> Option<i64> {
    ad.price_minor.map(|m| ad.currency.to_usd_cents(m, rates))
}

/// Local units per US dollar used to *write* demo prices; fixed so that the data does not
/// depend on the configured rates (only `price_usd_cents` does).
fn local_per_usd(c: Currency) -> f64 {
    match c {
        Currency::Kzt => 500.0,
        Currency::Uzs => 12_700.0,
        Currency::Rub => 90.0,
        Currency::Byn => 3.2,
        Currency::Usd => 1.0,
    }
}

/// Rounds to a price a person would write: two and a half significant digits.
fn nice(v: f64) -> i64 {
    if v < 10.0 {
        return v.round().max(1.0) as i64;
    }
    let step = (10f64.powi(v.log10().floor() as i32 - 1) / 2.0).max(1.0);
    ((v / step).round() * step) as i64
}

fn range(rng: &mut fastrand::Rng, (lo, hi): (f64, f64)) -> f64 {
    lo + (hi - lo) * rng.f64()
}

fn pick<T: Copy>(rng: &mut fastrand::Rng, items: &[T]) -> T {
    items[rng.usize(0..items.len())]
}

/// A stable number per model name, so one model always has the same specs.
fn model_hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// "экскаватор" → "Экскаватор".
pub fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The values `{name}` placeholders of `data`'s sentences stand for.
#[derive(Default)]
struct Vars<'a> {
    eq: Option<&'a Equipment>,
    brand: &'a str,
    model: &'a str,
    year: i64,
    hours: i64,
    hp: i64,
    weight: f64,
    city: &'a str,
    min_order: &'a str,
    service: &'a str,
    part: &'a str,
}

fn fill(out: &mut String, template: &str, v: &Vars<'_>) {
    use std::fmt::Write;
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(len) = rest[open..].find('}') else { break };
        let key = &rest[open + 1..open + len];
        let eq = v.eq;
        // Writing to a String cannot fail.
        let _ = match key {
            "type" => write!(out, "{}", eq.map_or("", |e| e.name)),
            "Type" => write!(out, "{}", capitalize(eq.map_or("", |e| e.name))),
            "gen" => write!(out, "{}", eq.map_or("", |e| e.genitive)),
            "acc" => write!(out, "{}", eq.map_or("", |e| e.accusative)),
            "work" => write!(out, "{}", eq.map_or("", |e| e.work)),
            "brand" => write!(out, "{}", v.brand),
            "model" => write!(out, "{}", v.model),
            "year" => write!(out, "{}", v.year),
            "hours" => write!(out, "{}", v.hours),
            "hp" => write!(out, "{}", v.hp),
            "weight" => write!(out, "{}", format!("{:.1}", v.weight).replace('.', ",")),
            "city" => write!(out, "{}", v.city),
            "min_order" => write!(out, "{}", v.min_order),
            "service" => write!(out, "{}", v.service),
            "part" => write!(out, "{}", v.part),
            other => write!(out, "{{{other}}}"),
        };
        rest = &rest[open + len + 1..];
    }
    out.push_str(rest);
}

/// An opening sentence and 1–4 more, drawn without repeats.
fn describe(
    rng: &mut fastrand::Rng,
    opening: &str,
    extra: &[&str],
    pool: &[&str],
    v: &Vars<'_>,
) -> String {
    let mut text = String::with_capacity(400);
    fill(&mut text, opening, v);
    for s in extra {
        text.push(' ');
        fill(&mut text, s, v);
    }
    let want = rng.usize(1..=4usize.saturating_sub(extra.len()).max(1));
    let start = rng.usize(0..pool.len());
    let stride = [1, 2, 3, 5][rng.usize(0..4)];
    for k in 0..want.min(pool.len()) {
        text.push(' ');
        fill(&mut text, pool[(start + k * stride) % pool.len()], v);
    }
    text
}

/// Draws demo ads from one random stream.
pub struct AdMaker {
    /// The stream.
    pub rng: fastrand::Rng,
    /// The seeding time.
    pub now: i64,
}

impl AdMaker {
    /// One ad of `kind` at `at`.
    pub fn make(&mut self, kind: Kind, at: &Placement) -> Ad {
        let rng = &mut self.rng;
        let eq_index = rng.usize(0..data::EQUIPMENT.len());
        let eq = &data::EQUIPMENT[eq_index];
        let (brand, models) = pick(rng, eq.models);
        let model = pick(rng, models);
        let h = model_hash(model);
        let hp_span = u64::from(eq.hp.1 - eq.hp.0).max(1);
        let hp = i64::from(eq.hp.0) + (h % hp_span) as i64 / 5 * 5;
        let weight =
            eq.weight_t.0 + (eq.weight_t.1 - eq.weight_t.0) * ((h >> 16) % 1000) as f64 / 1000.0;
        let weight = (weight * 10.0).round() / 10.0;
        let year = THIS_YEAR - (30.0 * rng.f64().powf(1.7)) as i64;
        let age = THIS_YEAR - year;
        let country_currency = at.country.currency();
        let mut v =
            Vars { eq: Some(eq), brand, model, year, hp, weight, city: at.city, ..Vars::default() };
        let mut ad = Ad {
            kind,
            category: eq_index,
            title: String::new(),
            description: String::new(),
            currency: country_currency,
            price_minor: None,
            price_unit: None,
            equipment: Some(eq_index),
            brand: Some(brand),
            model: Some(model),
            year: None,
            with_operator: None,
            min_order: None,
            power_hp: None,
            weight_t: None,
            condition: None,
            engine_hours: None,
            service: None,
            part: None,
            is_active: true,
            views: 0,
            promotion: None,
            created_at: 0,
            bumped_at: 0,
        };
        let price_usd = match kind {
            Kind::Rent | Kind::Sale => {
                let condition = match rng.u32(0..100) {
                    n if age <= 1 && n < if kind == Kind::Sale { 60 } else { 30 } => 0,
                    n if age >= 5 && n >= 90 => 2,
                    _ => 1,
                };
                let hours = match condition {
                    0 => rng.i64(0..=150),
                    1 => (age + 1) * rng.i64(500..1_400) + rng.i64(0..400),
                    _ => (age + 1) * rng.i64(400..900),
                };
                v.hours = hours;
                ad.year = Some(year);
                ad.power_hp = Some(hp);
                ad.weight_t = Some(weight);
                ad.condition = Some(["new", "used", "refurbished"][condition]);
                ad.engine_hours = Some(hours);
                if kind == Kind::Rent {
                    self.rent(&mut ad, &mut v)
                } else {
                    self.sale(&mut ad, &v, condition)
                }
            }
            Kind::Parts => self.parts(&mut ad, &mut v),
            Kind::Service => self.service(&mut ad, &mut v),
        };
        let rng = &mut self.rng;
        let negotiable = rng.u32(0..100) < if kind == Kind::Service { 20 } else { 9 };
        if !negotiable {
            let local = nice(price_usd * local_per_usd(ad.currency) * range(rng, (0.9, 1.1)));
            ad.price_minor = Some(local * 100);
        } else {
            ad.price_unit = None;
        }
        self.times(&mut ad, at);
        ad
    }

    fn rent(&mut self, ad: &mut Ad, v: &mut Vars<'_>) -> f64 {
        let rng = &mut self.rng;
        let Some(eq) = v.eq else { return 0.0 };
        let unit = match rng.u32(0..100) {
            0..70 => "hour",
            70..90 => "day",
            _ => "month",
        };
        let operator = rng.u32(0..100) < 65;
        let min_order = pick(rng, data::min_orders(unit));
        ad.price_unit = Some(unit);
        ad.with_operator = Some(i64::from(operator));
        ad.min_order = (rng.u32(0..100) < 85).then_some(min_order);
        v.min_order = min_order;
        let op = if operator && rng.bool() { " с оператором" } else { "" };
        let (b, m) = (v.brand, v.model);
        ad.title = match rng.u32(0..5) {
            0 => format!("Аренда {} {b} {m}{op}", eq.genitive),
            1 => format!("Сдам в аренду {} {b} {m}", eq.accusative),
            2 => format!("{} {b} {m} в аренду{op}", capitalize(eq.name)),
            3 => format!("Услуги {} {b} {m}{op}", eq.genitive),
            _ => match unit {
                "day" => format!("Аренда {} {b} {m} посуточно", eq.genitive),
                "month" => format!("Аренда {} {b} {m} помесячно", eq.genitive),
                _ => format!("Аренда {} {b} {m}, почасовая оплата", eq.genitive),
            },
        };
        let opening = pick(rng, data::RENT_OPENINGS);
        let operator_line = data::OPERATOR_SENTENCES[usize::from(operator)];
        ad.description = describe(rng, opening, &[operator_line], data::RENT_SENTENCES, v);
        let hourly = range(rng, eq.rent_usd_hour) * if operator { 1.15 } else { 1.0 };
        match unit {
            "hour" => hourly,
            "day" => hourly * 8.0 * 0.9,
            _ => hourly * 8.0 * 22.0 * 0.65,
        }
    }

    fn sale(&mut self, ad: &mut Ad, v: &Vars<'_>, condition: usize) -> f64 {
        let rng = &mut self.rng;
        let Some(eq) = v.eq else { return 0.0 };
        let (b, m, y) = (v.brand, v.model, v.year);
        let feminine = eq.name.ends_with('а');
        ad.title = match (condition, rng.u32(0..3)) {
            (0, 0) => format!(
                "{} {} {b} {m} {y} г. в наличии",
                if feminine { "Новая" } else { "Новый" },
                eq.name
            ),
            (1, 0) => format!("{} {b} {m}, {y} г., {} м/ч", capitalize(eq.name), v.hours),
            (_, 1) => format!("Продам {} {b} {m} {y} года", eq.accusative),
            _ => format!("Продаётся {} {b} {m}, {y} г.", eq.name),
        };
        let opening = pick(rng, data::SALE_OPENINGS);
        let cond = pick(rng, data::CONDITION_SENTENCES[condition]);
        ad.description = describe(rng, opening, &[cond], data::SALE_SENTENCES, v);
        if rng.u32(0..100) < 8 {
            ad.currency = Currency::Usd;
        }
        let age = (THIS_YEAR - y) as i32;
        let value = match condition {
            0 => 1.0,
            1 => 0.9_f64.powi(age).max(0.12),
            _ => (0.9_f64.powi(age) * 1.25).clamp(0.15, 0.7),
        };
        range(rng, eq.sale_usd) * value
    }

    fn parts(&mut self, ad: &mut Ad, v: &mut Vars<'_>) -> f64 {
        let rng = &mut self.rng;
        let Some(eq) = v.eq else { return 0.0 };
        let part_index = rng.usize(0..data::PARTS.len());
        let part = &data::PARTS[part_index];
        let condition = match rng.u32(0..100) {
            0..80 => 0,
            80..95 => 1,
            _ => 2,
        };
        v.part = part.name;
        ad.part = Some(part_index);
        ad.category = part.photo;
        ad.condition = Some(["new", "used", "refurbished"][condition]);
        let (p, b, m) = (part.name, v.brand, v.model);
        ad.title = match rng.u32(0..4) {
            0 => format!("{p} для {} {b} {m}", eq.genitive),
            1 => format!("{p} {b} {m}"),
            2 => format!("{p} на {b} {m}"),
            _ if condition == 0 => format!("{p} {b} — оригинал"),
            _ => format!("{p} {b}, б/у"),
        };
        let first = data::PARTS_SENTENCES[0];
        let cond = data::PART_CONDITION_SENTENCES[condition];
        ad.description = describe(rng, first, &[cond], &data::PARTS_SENTENCES[1..], v);
        range(rng, part.usd)
    }

    fn service(&mut self, ad: &mut Ad, v: &mut Vars<'_>) -> f64 {
        let rng = &mut self.rng;
        let Some(eq) = v.eq else { return 0.0 };
        let index = rng.usize(0..data::SERVICES.len());
        let service = &data::SERVICES[index];
        v.service = service.name;
        ad.service = Some(index);
        ad.category = service.category;
        ad.model = None;
        let s = service.name;
        let (title, keep_type, keep_brand) = match rng.u32(0..4) {
            0 if service.takes_type => (format!("{s} {}", eq.genitive_plural), true, false),
            1 => (format!("{s} {}", v.brand), false, true),
            2 => (format!("{s} — выезд на объект"), false, false),
            _ => (format!("{s}, {}", v.city), false, false),
        };
        ad.title = title;
        ad.equipment = ad.equipment.filter(|_| keep_type);
        ad.brand = ad.brand.filter(|_| keep_brand);
        let opening = data::SERVICE_SENTENCES[0];
        ad.description = describe(rng, opening, &[], &data::SERVICE_SENTENCES[1..], v);
        range(rng, service.usd)
    }

    /// Creation, bump, activity, views and promotion.
    fn times(&mut self, ad: &mut Ad, at: &Placement) {
        let (rng, now) = (&mut self.rng, self.now);
        let mut created = now - rng.i64(HOUR..120 * DAY);
        if let Some(slot) = at.promo_slot {
            let promo = promotion(rng, now, slot);
            if created > promo.2 - HOUR {
                created = promo.2 - rng.i64(HOUR..10 * DAY);
            }
            ad.promotion = Some(promo);
        }
        // Nobody posts before signing up.
        if created < at.not_before {
            created = (at.not_before + rng.i64(600..DAY)).min(now - 60);
        }
        let valid_promo = ad.promotion.is_some_and(|p| p.3 > now);
        ad.is_active = valid_promo || rng.u32(0..100) < 92;
        let age = (now - created).max(1);
        ad.bumped_at = if ad.is_active && rng.u32(0..100) < 85 {
            // The three-hourly auto-bump leaves most active ads raised within the last hours.
            (now - rng.i64(0..6 * HOUR)).max(created)
        } else {
            created + rng.i64(0..age)
        };
        ad.created_at = created;
        let days = age as f64 / DAY as f64;
        let boost = if ad.promotion.is_some() { 4.0 } else { 1.0 };
        ad.views = (days * rng.f64().powi(2) * 25.0 * boost) as i64 + rng.i64(0..5);
    }
}

/// Promotion slot `slot` in turn: GOLD, PREMIUM, VIP; every sixth of a plan has expired, and
/// every other valid GOLD started within the last 12 hours.
fn promotion(rng: &mut fastrand::Rng, now: i64, slot: usize) -> Promotion {
    let (plan, rank, days) = [("gold", 1, 3), ("premium", 2, 14), ("vip", 3, 30)][slot % 3];
    let round = slot / 3;
    let duration = days * DAY;
    let started = if round % 6 == 5 {
        now - duration - rng.i64(HOUR..20 * DAY)
    } else if plan == "gold" && round.is_multiple_of(2) {
        now - rng.i64(600..12 * HOUR)
    } else {
        now - rng.i64(600..duration - HOUR)
    };
    (plan, rank, started, started + duration)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_are_round() {
        assert_eq!(nice(18_437.0), 18_500);
        assert_eq!(nice(12_345_678.0), 12_500_000);
        assert_eq!(nice(75.4), 75);
        assert_eq!(nice(3.2), 3);
    }

    #[test]
    fn placeholders_are_filled() {
        let eq = &data::EQUIPMENT[0];
        let v =
            Vars { eq: Some(eq), brand: "Hitachi", model: "ZX200", year: 2015, ..Vars::default() };
        let mut s = String::new();
        fill(&mut s, "{Type} {brand} {model}, {year} ({gen})", &v);
        assert_eq!(s, "Экскаватор Hitachi ZX200, 2015 (экскаватора)");
        for text in
            data::RENT_SENTENCES.iter().chain(data::SALE_SENTENCES).chain(data::SERVICE_SENTENCES)
        {
            let mut s = String::new();
            fill(&mut s, text, &v);
            assert!(!s.contains('{'), "{text}");
        }
    }
}
