//! Domain values, each parsed once into a newtype with private fields.

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
            type Error = $crate::domain::ParseError;
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

mod email;
mod ids;
mod money;
mod order;
mod sku;
mod slug;

pub use email::Email;
pub use ids::{CategoryId, ProductId, UserId, VariantId, VendorId};
pub use money::{Currency, Money, MoneyError};
pub use order::OrderStatus;
pub use sku::Sku;
pub use slug::Slug;

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
