//! Stock keeping units.

use super::ParseError;
use serde::{Deserialize, Serialize};

/// A stock keeping unit: 3–32 characters of `A–Z`, `0–9` and `-`, starting
/// with a letter or digit. Input is trimmed and upper-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Sku(String);

impl Sku {
    const WHAT: &'static str = "SKU";

    /// Parses a SKU.
    ///
    /// # Errors
    /// When it is empty, too short or long, or has other characters.
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let s = input.trim().to_ascii_uppercase();
        if s.is_empty() {
            return Err(ParseError::Empty { what: Self::WHAT });
        }
        if s.chars().count() > 32 {
            return Err(ParseError::TooLong { what: Self::WHAT, max: 32 });
        }
        if s.len() < 3 {
            return Err(ParseError::Invalid { what: Self::WHAT, reason: "must be at least 3 characters" });
        }
        if !s.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-') {
            return Err(ParseError::Invalid {
                what: Self::WHAT,
                reason: "may contain only letters, digits and hyphens",
            });
        }
        if s.starts_with('-') {
            return Err(ParseError::Invalid { what: Self::WHAT, reason: "must start with a letter or digit" });
        }
        Ok(Self(s))
    }
}

super::string_newtype!(Sku);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn skus_are_trimmed_and_upper_cased() {
        assert_eq!(Sku::parse("  ab-123 ").unwrap().as_str(), "AB-123");
    }

    #[test]
    fn bad_skus_are_refused_with_a_reason() {
        assert_eq!(Sku::parse(""), Err(ParseError::Empty { what: "SKU" }));
        assert!(Sku::parse("ab").is_err());
        assert!(Sku::parse("-ABC").is_err());
        assert!(Sku::parse("AB C").is_err());
        assert!(Sku::parse("ÄBC").is_err());
        assert!(Sku::parse(&"A".repeat(33)).is_err());
    }

    #[test]
    fn skus_deserialize_only_when_valid() {
        assert!(serde_json::from_str::<Sku>("\"ok-1\"").is_ok());
        assert!(serde_json::from_str::<Sku>("\"no way\"").is_err());
    }

    proptest! {
        #[test]
        fn every_well_formed_sku_parses(s in "[A-Z0-9][A-Z0-9-]{2,31}") {
            let parsed = Sku::parse(&s).unwrap();
            prop_assert_eq!(parsed.as_str(), s.as_str());
        }

        #[test]
        fn parsing_never_panics(s in "\\PC*") {
            let _ = Sku::parse(&s);
        }
    }
}
