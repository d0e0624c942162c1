//! Accounts: sign-up and profile forms parsed into valid values, or per-field errors.

pub mod actions;
pub mod password;
pub mod repo;

use std::collections::HashMap;

use crate::domain::geo::Country;

/// Per-field errors: field name → message key.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FieldErrors(pub Vec<(&'static str, &'static str)>);

impl FieldErrors {
    /// Records an error for a field (the first one per field wins).
    pub fn add(&mut self, field: &'static str, key: &'static str) {
        if !self.0.iter().any(|(f, _)| *f == field) {
            self.0.push((field, key));
        }
    }

    /// The error of a field, if any.
    pub fn get(&self, field: &str) -> Option<&'static str> {
        self.0.iter().find(|(f, _)| *f == field).map(|(_, k)| *k)
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Individual or company.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountType {
    /// A person.
    Individual,
    /// A company with its legal details.
    Company,
}

impl AccountType {
    /// The form / database code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Individual => "individual",
            Self::Company => "company",
        }
    }
}

/// A syntactically valid e-mail address, trimmed, at most 254 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// Parses an address: one `@`, a dotted domain, no spaces.
    pub fn parse(raw: &str) -> Option<Self> {
        let s = raw.trim();
        let (local, domain) = s.split_once('@')?;
        let ok = !local.is_empty()
            && local.len() <= 64
            && s.len() <= 254
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !s.chars().any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>')
            && !domain.contains('@');
        // one spelling per address: SQLite's NOCASE folds ASCII only, so fold here (Unicode)
        ok.then(|| Self(s.to_lowercase()))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A phone number: `+`, digits, spaces, dashes and brackets, 7 to 15 digits.
pub fn parse_phone(raw: &str) -> Option<String> {
    let s = raw.trim();
    let digits = s.chars().filter(char::is_ascii_digit).count();
    let allowed = s.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c));
    (allowed && (7..=15).contains(&digits) && s.len() <= 32).then(|| s.to_owned())
}

/// A tax id for the country: KZ BIN 12 digits, UZ INN 9, RU INN 10 (companies), BY UNP 9.
pub fn parse_tax_id(raw: &str, country: Country) -> Option<String> {
    let s: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    let len = match country {
        Country::Kz => 12,
        Country::Uz | Country::By => 9,
        Country::Ru => 10,
    };
    (s.len() == len && s.chars().all(|c| c.is_ascii_digit())).then_some(s)
}

fn text(form: &HashMap<String, String>, key: &str) -> String {
    form.get(key).map(|s| s.trim().to_owned()).unwrap_or_default()
}

fn optional(form: &HashMap<String, String>, key: &str) -> Option<String> {
    Some(text(form, key)).filter(|s| !s.is_empty())
}

/// Company details.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Company {
    /// Company name.
    pub company_name: String,
    /// INN / BIN / UNP.
    pub tax_id: String,
    /// Director's name.
    pub director: String,
    /// Company phone.
    pub company_phone: String,
    /// Company e-mail.
    pub company_email: String,
    /// Address.
    pub address: String,
    /// Legal address.
    pub legal_address: String,
    /// Website.
    pub website: Option<String>,
}

/// A profile as the user gives it (sign-up and settings share it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// Person's name (for a company: the contact person).
    pub name: String,
    /// Phone.
    pub phone: Option<String>,
    /// Country.
    pub country: Option<Country>,
    /// City.
    pub city: Option<String>,
    /// Company details when the account is a company.
    pub company: Option<Company>,
}

/// Parses the profile fields of a form (`name`, `phone`, `country`, `city`, company fields).
pub fn parse_profile(
    form: &HashMap<String, String>,
    account_type: AccountType,
    errors: &mut FieldErrors,
) -> Profile {
    let name = text(form, "name");
    if name.is_empty() {
        errors.add("name", "form.required");
    } else if name.chars().count() > 100 {
        errors.add("name", "form.too_long");
    }
    let phone = optional(form, "phone").and_then(|p| {
        let parsed = parse_phone(&p);
        if parsed.is_none() {
            errors.add("phone", "form.bad_phone");
        }
        parsed
    });
    let country = optional(form, "country").and_then(|c| {
        let parsed = Country::parse(&c);
        if parsed.is_none() {
            errors.add("country", "form.bad_country");
        }
        parsed
    });
    let city = optional(form, "city");
    if city.as_ref().is_some_and(|c| c.chars().count() > 60) {
        errors.add("city", "form.too_long");
    }
    let company = (account_type == AccountType::Company).then(|| {
        let mut required = |key: &'static str| {
            let v = text(form, key);
            if v.is_empty() {
                errors.add(key, "form.required");
            } else if v.chars().count() > 200 {
                errors.add(key, "form.too_long");
            }
            v
        };
        let company_name = required("company_name");
        let director = required("director");
        let address = required("address");
        let legal_address = required("legal_address");
        let raw_tax = required("tax_id");
        let raw_phone = required("company_phone");
        let raw_email = required("company_email");
        let tax_id = match country {
            Some(c) => parse_tax_id(&raw_tax, c).unwrap_or_else(|| {
                errors.add("tax_id", "form.bad_tax_id");
                raw_tax
            }),
            None => {
                errors.add("country", "form.country_for_tax_id");
                raw_tax
            }
        };
        if !raw_phone.is_empty() && parse_phone(&raw_phone).is_none() {
            errors.add("company_phone", "form.bad_phone");
        }
        if !raw_email.is_empty() && Email::parse(&raw_email).is_none() {
            errors.add("company_email", "form.bad_email");
        }
        let website = optional(form, "website");
        if let Some(w) = &website
            && (!(w.starts_with("http://") || w.starts_with("https://")) || w.len() > 200)
        {
            errors.add("website", "form.bad_website");
        }
        Company {
            company_name,
            tax_id,
            director,
            company_phone: raw_phone,
            company_email: raw_email,
            address,
            legal_address,
            website,
        }
    });
    Profile { name, phone, country, city, company }
}

/// A valid sign-up.
#[derive(Debug, Clone)]
pub struct Signup {
    /// E-mail.
    pub email: Email,
    /// Password (checked, not yet hashed).
    pub password: String,
    /// Individual or company.
    pub account_type: AccountType,
    /// Profile.
    pub profile: Profile,
}

/// Parses a sign-up form.
pub fn parse_signup(
    form: &HashMap<String, String>,
    min_password: usize,
) -> Result<Signup, FieldErrors> {
    let mut errors = FieldErrors::default();
    let account_type = match form.get("account_type").map(String::as_str) {
        Some("company") => AccountType::Company,
        Some("individual") | None => AccountType::Individual,
        Some(_) => {
            errors.add("account_type", "form.bad_account_type");
            AccountType::Individual
        }
    };
    let email = Email::parse(&text(form, "email"));
    if email.is_none() {
        errors.add("email", "form.bad_email");
    }
    let password = form.get("password").cloned().unwrap_or_default();
    if let Err(key) = password::check_strength(&password, min_password) {
        errors.add("password", key);
    }
    let profile = parse_profile(form, account_type, &mut errors);
    match email {
        Some(email) if errors.is_empty() => Ok(Signup { email, password, account_type, profile }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn emails_phones_and_tax_ids() {
        assert!(Email::parse(" Ivan@Example.kz ").is_some());
        for bad in ["", "ivan", "ivan@", "@x.kz", "a b@x.kz", "a@x", "a@.kz", "a@x.kz."] {
            assert!(Email::parse(bad).is_none(), "{bad}");
        }
        assert_eq!(parse_phone("+7 (701) 123-45-67").as_deref(), Some("+7 (701) 123-45-67"));
        assert!(parse_phone("12345").is_none());
        assert!(parse_phone("+7 701 abc").is_none());
        assert_eq!(parse_tax_id("1234 5678 9012", Country::Kz).as_deref(), Some("123456789012"));
        assert!(parse_tax_id("123456789", Country::Kz).is_none());
        assert!(parse_tax_id("123456789", Country::Uz).is_some());
        assert!(parse_tax_id("1234567890", Country::Ru).is_some());
    }

    #[test]
    fn signup_reports_every_bad_field_and_accepts_real_passwords() {
        let errors = parse_signup(&form(&[("email", "x"), ("password", "123"), ("name", "")]), 8)
            .expect_err("invalid");
        assert_eq!(errors.get("email"), Some("form.bad_email"));
        assert_eq!(errors.get("password"), Some("form.password_short"));
        assert_eq!(errors.get("name"), Some("form.required"));
        // quotes, dashes and SQL-looking text are fine in a password
        let ok = parse_signup(
            &form(&[("email", "a@b.kz"), ("password", "it's -- DROP TABLE; ok"), ("name", "Иван")]),
            8,
        )
        .expect("valid");
        assert_eq!(ok.account_type, AccountType::Individual);
        let company = parse_signup(
            &form(&[
                ("email", "a@b.kz"),
                ("password", "correct horse battery"),
                ("name", "Иван"),
                ("account_type", "company"),
                ("country", "kz"),
                ("tax_id", "123"),
            ]),
            8,
        )
        .expect_err("company details missing");
        assert_eq!(company.get("tax_id"), Some("form.bad_tax_id"));
        assert_eq!(company.get("company_name"), Some("form.required"));
    }
}
