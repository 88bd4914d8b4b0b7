//! A postal address, as orders and address books keep it.

use serde::{Deserialize, Serialize};

/// Where an order goes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Address {
    /// The recipient's name.
    pub name: String,
    /// Street and number.
    pub line1: String,
    /// Flat, floor, company… (optional).
    #[serde(default)]
    pub line2: String,
    /// Postal code.
    pub postal_code: String,
    /// Town or city.
    pub city: String,
    /// ISO 3166-1 alpha-2 country code (`NL`, `DE`, `US`…).
    pub country: String,
}

impl Address {
    /// The address as it is written on a parcel, one line each, the empty
    /// ones left out: name, street, the rest, postal code and city, country.
    pub fn lines(&self) -> Vec<String> {
        [
            self.name.trim().to_owned(),
            self.line1.trim().to_owned(),
            self.line2.trim().to_owned(),
            format!("{} {}", self.postal_code.trim(), self.city.trim()).trim().to_owned(),
            self.country.trim().to_owned(),
        ]
        .into_iter()
        .filter(|l| !l.is_empty())
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_written_line_by_line_without_empty_lines() {
        let a = Address {
            name: "Ada".into(),
            line1: "Main St 1".into(),
            line2: " ".into(),
            postal_code: "1015 CJ".into(),
            city: "Amsterdam".into(),
            country: "NL".into(),
        };
        assert_eq!(a.lines(), ["Ada", "Main St 1", "1015 CJ Amsterdam", "NL"]);
        let bare = Address { city: "Town".into(), ..Default::default() };
        assert_eq!(bare.lines(), ["Town"], "no stray space before a city without a postal code");
    }
}
