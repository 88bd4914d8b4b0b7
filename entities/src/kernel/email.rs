//! Email addresses.

use super::ParseError;
use serde::{Deserialize, Serialize};

/// An email address in a plausible shape: one `@`, a local part of at most 64
/// characters, a domain with a dot and no empty labels, 254 characters in all.
/// The domain is lower-cased; whether the mailbox exists is for verification
/// mail to find out, not for this type.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    const WHAT: &'static str = "Email address";

    /// Parses an email address.
    ///
    /// # Errors
    /// When it does not have the shape above.
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let s = input.trim();
        let invalid = |reason| ParseError::Invalid { what: Self::WHAT, reason };
        if s.is_empty() {
            return Err(ParseError::Empty { what: Self::WHAT });
        }
        if s.chars().count() > 254 {
            return Err(ParseError::TooLong { what: Self::WHAT, max: 254 });
        }
        if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid("must not contain spaces"));
        }
        let (local, domain) = s.split_once('@').ok_or_else(|| invalid("must contain @"))?;
        if domain.contains('@') {
            return Err(invalid("must contain only one @"));
        }
        if local.is_empty() || local.chars().count() > 64 {
            return Err(invalid("needs a name before the @ of at most 64 characters"));
        }
        let labels_ok = domain.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
        if !domain.contains('.') || !labels_ok {
            return Err(invalid("needs a domain such as example.com after the @"));
        }
        Ok(Self(format!("{local}@{}", domain.to_lowercase())))
    }
}

super::string_newtype!(Email);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_normal_address_parses_with_its_domain_lower_cased() {
        assert_eq!(Email::parse(" Ann.Lee@Example.COM ").unwrap().as_str(), "Ann.Lee@example.com");
    }

    #[test]
    fn malformed_addresses_are_refused() {
        for bad in ["", "plain", "a@b", "@example.com", "a@@example.com", "a b@example.com", "a@.com", "a@-x.com"] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    proptest! {
        #[test]
        fn generated_addresses_parse(local in "[a-z0-9._+]{1,20}", domain in "[a-z0-9]{1,10}\\.[a-z]{2,6}") {
            let input = format!("{local}@{domain}");
            let parsed = Email::parse(&input).unwrap();
            prop_assert_eq!(parsed.as_str(), input.as_str());
        }

        #[test]
        fn parsing_never_panics(s in "\\PC*") {
            let _ = Email::parse(&s);
        }
    }
}
