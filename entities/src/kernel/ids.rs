//! Typed ids: a `ProductId` can never be passed where a `VendorId` is wanted.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(i64);

        impl $name {
            /// Wraps a database key.
            pub const fn new(raw: i64) -> Self {
                Self(raw)
            }

            /// The database key.
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = super::ParseError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s.trim().parse::<i64>() {
                    Ok(n) if n > 0 => Ok(Self(n)),
                    _ => Err(super::ParseError::Invalid {
                        what: stringify!($name),
                        reason: "must be a positive whole number",
                    }),
                }
            }
        }
    };
}

typed_id!(
    /// A vendor (a seller on the marketplace).
    VendorId
);
typed_id!(
    /// A category in the catalog tree.
    CategoryId
);
typed_id!(
    /// A product, which has one or more variants.
    ProductId
);
typed_id!(
    /// A purchasable variant of a product (one SKU).
    VariantId
);
typed_id!(
    /// A user account.
    UserId
);
typed_id!(
    /// An order (its key in the shop; people see its public id).
    OrderId
);
typed_id!(
    /// An uploaded product image.
    ImageId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_positive_numbers_only() {
        assert_eq!("42".parse::<ProductId>().unwrap().get(), 42);
        assert!("0".parse::<ProductId>().is_err());
        assert!("-3".parse::<VariantId>().is_err());
        assert!("abc".parse::<VendorId>().is_err());
    }

    #[test]
    fn ids_serialize_as_plain_numbers() {
        assert_eq!(serde_json::to_string(&CategoryId::new(7)).unwrap(), "7");
    }
}
