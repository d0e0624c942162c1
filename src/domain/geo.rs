//! Countries, their cities and currencies, and the equipment types: the fixed lists of DESIGN §6.

/// A country Uzmat serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Country {
    /// Kazakhstan.
    Kz,
    /// Uzbekistan.
    Uz,
    /// Russia.
    Ru,
    /// Belarus.
    By,
}

impl Country {
    /// Every country, in menu order.
    pub const ALL: [Country; 4] = [Country::Kz, Country::Uz, Country::Ru, Country::By];

    /// Parses the two-letter code used in URLs, cookies and the database.
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "kz" => Some(Self::Kz),
            "uz" => Some(Self::Uz),
            "ru" => Some(Self::Ru),
            "by" => Some(Self::By),
            _ => None,
        }
    }

    /// The two-letter code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Kz => "kz",
            Self::Uz => "uz",
            Self::Ru => "ru",
            Self::By => "by",
        }
    }

    /// The country's own currency.
    pub fn currency(self) -> Currency {
        match self {
            Self::Kz => Currency::Kzt,
            Self::Uz => Currency::Uzs,
            Self::Ru => Currency::Rub,
            Self::By => Currency::Byn,
        }
    }

    /// The country's main cities (a free name is allowed as "other").
    pub fn cities(self) -> &'static [&'static str] {
        match self {
            Self::Kz => &[
                "Алматы",
                "Астана",
                "Шымкент",
                "Караганда",
                "Актобе",
                "Тараз",
                "Павлодар",
                "Усть-Каменогорск",
                "Семей",
                "Костанай",
                "Кызылорда",
                "Уральск",
                "Петропавловск",
                "Атырау",
                "Туркестан",
                "Кокшетау",
                "Темиртау",
                "Экибастуз",
                "Рудный",
                "Жанаозен",
            ],
            Self::Uz => &[
                "Ташкент",
                "Самарканд",
                "Наманган",
                "Андижан",
                "Нукус",
                "Бухара",
                "Карши",
                "Фергана",
                "Коканд",
                "Маргилан",
                "Джизак",
                "Гулистан",
                "Термез",
                "Ургенч",
                "Навои",
                "Ангрен",
                "Чирчик",
                "Бекабад",
                "Денау",
                "Шахрисабз",
            ],
            Self::Ru => &[
                "Москва",
                "Санкт-Петербург",
                "Новосибирск",
                "Екатеринбург",
                "Казань",
                "Нижний Новгород",
                "Челябинск",
                "Самара",
                "Омск",
                "Ростов-на-Дону",
                "Уфа",
                "Красноярск",
                "Воронеж",
                "Пермь",
                "Волгоград",
                "Краснодар",
                "Саратов",
                "Тюмень",
                "Тольятти",
                "Ижевск",
            ],
            Self::By => &[
                "Минск",
                "Гомель",
                "Могилёв",
                "Витебск",
                "Гродно",
                "Брест",
                "Бобруйск",
                "Барановичи",
                "Борисов",
                "Пинск",
                "Орша",
                "Мозырь",
                "Солигорск",
                "Новополоцк",
                "Лида",
                "Молодечно",
                "Полоцк",
                "Жлобин",
                "Светлогорск",
                "Речица",
            ],
        }
    }
}

/// A currency prices are given in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Currency {
    /// Kazakh tenge.
    Kzt,
    /// Uzbek sum.
    Uzs,
    /// Russian rouble.
    Rub,
    /// Belarusian rouble.
    Byn,
    /// US dollar.
    Usd,
}

impl Currency {
    /// Parses the ISO code stored in the database.
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "KZT" => Some(Self::Kzt),
            "UZS" => Some(Self::Uzs),
            "RUB" => Some(Self::Rub),
            "BYN" => Some(Self::Byn),
            "USD" => Some(Self::Usd),
            _ => None,
        }
    }

    /// The ISO code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Kzt => "KZT",
            Self::Uzs => "UZS",
            Self::Rub => "RUB",
            Self::Byn => "BYN",
            Self::Usd => "USD",
        }
    }

    /// The sign written after an amount.
    pub fn symbol(self) -> &'static str {
        match self {
            Self::Kzt => "₸",
            Self::Uzs => "сум",
            Self::Rub => "₽",
            Self::Byn => "BYN",
            Self::Usd => "$",
        }
    }

    /// US dollars per unit at the rates in use.
    pub fn usd_rate(self, rates: &crate::domain::rates::Rates) -> f64 {
        rates.of(self)
    }

    /// The approximate price in US cents of `minor` units (kopeks, tiyins…) of this currency.
    pub fn to_usd_cents(self, minor: i64, rates: &crate::domain::rates::Rates) -> i64 {
        (minor as f64 * self.usd_rate(rates)).round() as i64
    }
}

/// Equipment types: filters, search chips and demo data.
pub const EQUIPMENT_TYPES: &[&str] = &[
    "экскаватор",
    "экскаватор-погрузчик",
    "погрузчик",
    "фронтальный погрузчик",
    "кран",
    "автокран",
    "бульдозер",
    "самосвал",
    "манипулятор",
    "автовышка",
    "грейдер",
    "каток",
    "трактор",
    "бетононасос",
    "миксер",
    "ямобур",
    "трал",
];

/// Search chips under the home page's search box.
pub const HOME_CHIPS: &[&str] =
    &["Экскаватор", "Погрузчик", "Кран", "Бульдозер", "Самосвал", "Манипулятор"];

/// Search chips on the parts page.
pub const PARTS_CHIPS: &[&str] =
    &["Фильтр", "Масло", "Гидроцилиндр", "Тормозные колодки", "Ремень", "Шланг"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_country_has_twenty_cities_and_round_trips() {
        for c in Country::ALL {
            assert_eq!(c.cities().len(), 20);
            assert_eq!(Country::parse(c.code()), Some(c));
            assert_eq!(Currency::parse(c.currency().code()), Some(c.currency()));
        }
        assert_eq!(Country::parse("us"), None);
    }
}
