//! Domain values, each parsed once into a newtype with private fields.

mod email;
mod ids;
mod money;
mod sku;
mod slug;

pub use email::Email;
pub use ids::{CategoryId, ProductId, UserId, VariantId, VendorId};
pub use money::{Currency, Money, MoneyError};
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
