//! The shared core every context builds on: domain values parsed once into
//! newtypes (money, ids, email, SKU, slug, addresses), and — on the server —
//! errors, transactions, who may do what, field validation, the audit log,
//! sealing of secrets, the client's address and the read cache.

/// Implements `as_str`, `TryFrom<String>` (through `parse`), `From<_> for
/// String` and `Display` for a newtype over `String`.
macro_rules! string_newtype {
    ($name:ident) => {
        impl $name {
            /// The value as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::kernel::ParseError;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}
pub(crate) use string_newtype;

/// A status (or role) kept as text: `parse` reads the text back (from
/// storage or a query; `None` for anything else) and `Display` writes it,
/// both from the type's `ALL` and `as_str`, so the two never disagree.
macro_rules! text_enum {
    ($ty:ident) => {
        impl $ty {
            /// The value stored (or asked for) as `text`.
            pub fn parse(text: &str) -> Option<Self> {
                Self::ALL.into_iter().find(|s| s.as_str() == text)
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use text_enum;

/// Asserts that every value of a status enum (with `ALL`, `as_str` and
/// `parse`) reads back from its text, and that its `Display`, its JSON and
/// — with `db` — its database value are that same text; with `db` it also
/// checks that `ALL` lists every variant.
#[cfg(test)]
macro_rules! assert_status_texts {
    ($ty:ty) => {
        for s in <$ty>::ALL {
            assert_eq!(<$ty>::parse(s.as_str()), Some(s), "{s:?} reads back");
            assert_eq!(s.to_string(), s.as_str());
            assert_eq!(serde_json::to_value(s).unwrap(), serde_json::Value::from(s.as_str()), "{s:?} in JSON");
            assert_eq!(serde_json::from_value::<$ty>(serde_json::Value::from(s.as_str())).unwrap(), s);
            #[cfg(feature = "db")]
            assert_eq!(<$ty as sea_orm::ActiveEnum>::to_value(&s), s.as_str(), "{s:?} in the database");
        }
        #[cfg(feature = "db")]
        assert_eq!(<$ty as sea_orm::Iterable>::iter().count(), <$ty>::ALL.len(), "ALL lists every variant");
        assert_eq!(<$ty>::parse(""), None);
    };
}
#[cfg(test)]
pub(crate) use assert_status_texts;

mod address;
mod amounts;
mod email;
mod ids;
pub mod json;
mod money;
mod role;
mod sku;
mod slug;

pub use address::Address;
pub use amounts::{decimal_text, parse_percent, parse_price};
pub use email::Email;
pub use ids::{CategoryId, ImageId, OrderId, ProductId, UserId, VariantId, VendorId};
pub use money::{Currency, Money, MoneyError};
pub use role::Role;
pub use sku::Sku;
pub use slug::Slug;

#[cfg(feature = "db")]
pub mod access;
#[cfg(feature = "db")]
pub mod audit;
#[cfg(feature = "db")]
mod db;
#[cfg(feature = "db")]
mod error;
#[cfg(feature = "db")]
pub mod network;
#[cfg(feature = "db")]
pub mod read_cache;
#[cfg(feature = "db")]
pub mod sealing;
#[cfg(feature = "db")]
pub mod secrets;
#[cfg(feature = "db")]
pub mod validate;

#[cfg(feature = "db")]
pub use db::write_txn;
#[cfg(feature = "db")]
pub use error::{Public, ServiceError, ServiceResult, INTERNAL_DETAIL, UPSTREAM_DETAIL};

/// Why a piece of input could not be parsed into a domain value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The value was empty.
    #[error("{what} must not be empty")]
    Empty {
        /// The kind of value, e.g. "SKU".
        what: &'static str,
    },
    /// The value was longer than allowed.
    #[error("{what} must be at most {max} characters")]
    TooLong {
        /// The kind of value.
        what: &'static str,
        /// The maximum length in characters.
        max: usize,
    },
    /// The value had the wrong shape.
    #[error("{what} is not valid: {reason}")]
    Invalid {
        /// The kind of value.
        what: &'static str,
        /// What is wrong with it, in words a user understands.
        reason: &'static str,
    },
}
