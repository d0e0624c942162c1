//! Cities that follow the country: every country's cities and currency as one JSON block that
//! `assets/app.js` reads to refill a city list in place (`data-city-for`) and to switch a price
//! currency (`data-currency-for`) when the country select changes. Without JS the server's
//! render stands: the chosen country's cities, or every country's.

use maud::{Markup, PreEscaped, html};

use crate::domain::geo::Country;

/// The id of the JSON block.
pub const DATA_ID: &str = "city-data";

/// `{"kz": {"cities": [...], "currency": "KZT"}, ...}` in a `<script type="application/json">`.
pub fn data() -> Markup {
    let map: serde_json::Map<String, serde_json::Value> = Country::ALL
        .iter()
        .map(|c| {
            let v = serde_json::json!({ "cities": c.cities(), "currency": c.currency().code() });
            (c.code().to_owned(), v)
        })
        .collect();
    // the lists are ours, but a "</" must never close the script early
    let json = serde_json::Value::Object(map).to_string().replace("</", "<\\/");
    html! { script #(DATA_ID) type="application/json" { (PreEscaped(json)) } }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_country_lists_its_cities_and_currency() {
        let html = super::data().into_string();
        let json = html
            .trim_start_matches(r#"<script id="city-data" type="application/json">"#)
            .trim_end_matches("</script>");
        let v: serde_json::Value = serde_json::from_str(json).expect("json");
        assert_eq!(v["uz"]["cities"][0], "Ташкент");
        assert_eq!(v["by"]["currency"], "BYN");
        assert_eq!(v["kz"]["cities"].as_array().map(Vec::len), Some(20));
    }
}
