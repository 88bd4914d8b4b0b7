//! Where a payment, a refund and a gift card are in their lives.

use serde::{Deserialize, Serialize};

/// Where a payment of an order is at its provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "db",
    derive(sea_orm::DeriveActiveEnum, sea_orm::EnumIter),
    sea_orm(rs_type = "String", db_type = "String(sea_orm::sea_query::StringLen::None)")
)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    /// Started; the provider has not answered yet (a bank transfer waits for the money).
    #[cfg_attr(feature = "db", sea_orm(string_value = "pending"))]
    Pending,
    /// Held on the card to be captured later, or promised (cash on delivery).
    #[cfg_attr(feature = "db", sea_orm(string_value = "authorized"))]
    Authorized,
    /// The money was taken (part of it may have gone back since).
    #[cfg_attr(feature = "db", sea_orm(string_value = "succeeded"))]
    Succeeded,
    /// Declined, cancelled, or the hold lapsed.
    #[cfg_attr(feature = "db", sea_orm(string_value = "failed"))]
    Failed,
    /// All of it went back.
    #[cfg_attr(feature = "db", sea_orm(string_value = "refunded"))]
    Refunded,
}

impl PaymentStatus {
    /// Every status, in the order of a payment's life.
    pub const ALL: [PaymentStatus; 5] =
        [Self::Pending, Self::Authorized, Self::Succeeded, Self::Failed, Self::Refunded];

    /// The status as stored and sent.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Authorized => "authorized",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Refunded => "refunded",
        }
    }
}

crate::kernel::text_enum!(PaymentStatus);

impl PaymentStatus {
    /// The statuses the provider may still change (reconciliation asks about
    /// them).
    pub const OPEN: [PaymentStatus; 3] = [Self::Pending, Self::Failed, Self::Authorized];

    /// The statuses of a payment that covers its amount: held or taken.
    pub const COVERING: [PaymentStatus; 2] = [Self::Authorized, Self::Succeeded];
}

/// Where a refund is at the provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "db",
    derive(sea_orm::DeriveActiveEnum, sea_orm::EnumIter),
    sea_orm(rs_type = "String", db_type = "String(sea_orm::sea_query::StringLen::None)")
)]
#[serde(rename_all = "snake_case")]
pub enum RefundStatus {
    /// Recorded; the provider was asked and has not confirmed yet.
    #[cfg_attr(feature = "db", sea_orm(string_value = "pending"))]
    Pending,
    /// The provider confirmed it: the money went back.
    #[cfg_attr(feature = "db", sea_orm(string_value = "succeeded"))]
    Succeeded,
    /// The provider refused it; nothing went back.
    #[cfg_attr(feature = "db", sea_orm(string_value = "failed"))]
    Failed,
}

impl RefundStatus {
    /// Every status, in the order of a refund's life.
    pub const ALL: [RefundStatus; 3] = [Self::Pending, Self::Succeeded, Self::Failed];

    /// The status as stored and sent.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
        }
    }
}

crate::kernel::text_enum!(RefundStatus);

/// Whether a gift card (or store credit) is accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "db",
    derive(sea_orm::DeriveActiveEnum, sea_orm::EnumIter),
    sea_orm(rs_type = "String", db_type = "String(sea_orm::sea_query::StringLen::None)")
)]
#[serde(rename_all = "snake_case")]
pub enum GiftCardStatus {
    /// Accepted while it has a balance and has not expired.
    #[cfg_attr(feature = "db", sea_orm(string_value = "active"))]
    Active,
    /// Turned off by staff: no longer accepted.
    #[cfg_attr(feature = "db", sea_orm(string_value = "disabled"))]
    Disabled,
}

impl GiftCardStatus {
    /// Every status.
    pub const ALL: [GiftCardStatus; 2] = [Self::Active, Self::Disabled];

    /// The status as stored and sent.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Disabled => "disabled",
        }
    }
}

crate::kernel::text_enum!(GiftCardStatus);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payment_status_is_stored_and_sent_as_its_text() {
        crate::kernel::assert_status_texts!(PaymentStatus);
    }

    #[test]
    fn refund_status_is_stored_and_sent_as_its_text() {
        crate::kernel::assert_status_texts!(RefundStatus);
    }

    #[test]
    fn gift_card_status_is_stored_and_sent_as_its_text() {
        crate::kernel::assert_status_texts!(GiftCardStatus);
    }
}
