//! URL slugs.

use super::ParseError;
use serde::{Deserialize, Serialize};

/// A URL slug: lower-case ASCII letters and digits in words joined by single
/// hyphens, 1–120 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

impl Slug {
    const WHAT: &'static str = "Slug";
    const MAX: usize = 120;

    /// Parses a slug exactly as given.
    ///
    /// # Errors
    /// When it is empty, too long or not of the shape above.
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        if input.is_empty() {
            return Err(ParseError::Empty { what: Self::WHAT });
        }
        if input.len() > Self::MAX {
            return Err(ParseError::TooLong { what: Self::WHAT, max: Self::MAX });
        }
        let well_formed = input
            .split('-')
            .all(|word| !word.is_empty() && word.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
        if !well_formed {
            return Err(ParseError::Invalid {
                what: Self::WHAT,
                reason: "must be lower-case letters and digits joined by single hyphens",
            });
        }
        Ok(Self(input.to_owned()))
    }

    /// Makes a slug from a title: accents dropped where simple, other
    /// characters turned into hyphens.
    ///
    /// # Errors
    /// When the title has no letters or digits at all.
    pub fn from_title(title: &str) -> Result<Self, ParseError> {
        let mut out = String::with_capacity(title.len());
        for c in title.chars().flat_map(char::to_lowercase) {
            let mapped = match c {
                'a'..='z' | '0'..='9' => Some(c),
                'à' | 'á' | 'â' | 'ä' | 'å' | 'ã' => Some('a'),
                'è' | 'é' | 'ê' | 'ë' => Some('e'),
                'ì' | 'í' | 'î' | 'ï' => Some('i'),
                'ò' | 'ó' | 'ô' | 'ö' | 'õ' | 'ø' => Some('o'),
                'ù' | 'ú' | 'û' | 'ü' => Some('u'),
                'ñ' => Some('n'),
                'ç' => Some('c'),
                'ß' => Some('s'),
                _ => None,
            };
            match mapped {
                Some(ch) => out.push(ch),
                None if !out.is_empty() && !out.ends_with('-') => out.push('-'),
                None => {}
            }
        }
        let mut trimmed = out.trim_end_matches('-').to_owned();
        if trimmed.len() > Self::MAX {
            trimmed.truncate(Self::MAX);
            trimmed = trimmed.trim_end_matches('-').to_owned();
        }
        Self::parse(&trimmed)
    }
}

super::string_newtype!(Slug);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn titles_become_slugs() {
        assert_eq!(Slug::from_title("Crème Brûlée Set — 2 pcs!").unwrap().as_str(), "creme-brulee-set-2-pcs");
        assert_eq!(Slug::from_title("  Hello   World ").unwrap().as_str(), "hello-world");
        assert!(Slug::from_title("!!!").is_err());
    }

    #[test]
    fn only_canonical_slugs_parse() {
        assert!(Slug::parse("red-shoes-42").is_ok());
        for bad in ["", "Red", "a--b", "-a", "a-", "a b", "ä"] {
            assert!(Slug::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    proptest! {
        #[test]
        fn any_title_with_a_letter_gives_a_valid_slug(title in "\\PC*[a-z]\\PC*") {
            let slug = Slug::from_title(&title).unwrap();
            prop_assert!(Slug::parse(slug.as_str()).is_ok());
        }
    }
}
