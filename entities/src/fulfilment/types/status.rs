//! Where a parcel and a return are in their lives.

use serde::{Deserialize, Serialize};

/// Where a parcel is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "db",
    derive(sea_orm::DeriveActiveEnum, sea_orm::EnumIter),
    sea_orm(rs_type = "String", db_type = "String(sea_orm::sea_query::StringLen::None)")
)]
#[serde(rename_all = "snake_case")]
pub enum ShipmentStatus {
    /// Handed to the carrier.
    #[cfg_attr(feature = "db", sea_orm(string_value = "shipped"))]
    Shipped,
    /// Arrived.
    #[cfg_attr(feature = "db", sea_orm(string_value = "delivered"))]
    Delivered,
}

impl ShipmentStatus {
    /// Every status, in the order of a parcel's life.
    pub const ALL: [ShipmentStatus; 2] = [Self::Shipped, Self::Delivered];

    /// The status as stored and sent.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Shipped => "shipped",
            Self::Delivered => "delivered",
        }
    }
}

crate::kernel::text_enum!(ShipmentStatus);

/// Where a return (RMA) is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "db",
    derive(sea_orm::DeriveActiveEnum, sea_orm::EnumIter),
    sea_orm(rs_type = "String", db_type = "String(sea_orm::sea_query::StringLen::None)")
)]
#[serde(rename_all = "snake_case")]
pub enum ReturnStatus {
    /// Asked for by the customer; staff have not decided yet.
    #[cfg_attr(feature = "db", sea_orm(string_value = "requested"))]
    Requested,
    /// Accepted: the customer sends the units back.
    #[cfg_attr(feature = "db", sea_orm(string_value = "approved"))]
    Approved,
    /// Refused (the note says why).
    #[cfg_attr(feature = "db", sea_orm(string_value = "rejected"))]
    Rejected,
    /// The units came back (restocked and refunded as staff chose).
    #[cfg_attr(feature = "db", sea_orm(string_value = "received"))]
    Received,
}

impl ReturnStatus {
    /// Every status, in the order of a return's life.
    pub const ALL: [ReturnStatus; 4] = [Self::Requested, Self::Approved, Self::Rejected, Self::Received];

    /// The status as stored and sent.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Requested => "requested",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Received => "received",
        }
    }

    /// Whether staff may still decide on it (approve, reject or receive it).
    pub fn is_open(self) -> bool {
        matches!(self, Self::Requested | Self::Approved)
    }

    /// Whether a return may move from this status to `to`: it is approved
    /// only once asked for, and rejected or received while still open.
    pub fn can_become(self, to: ReturnStatus) -> bool {
        match to {
            Self::Approved => self == Self::Requested,
            Self::Rejected | Self::Received => self.is_open(),
            Self::Requested => false,
        }
    }
}

crate::kernel::text_enum!(ReturnStatus);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipment_status_is_stored_and_sent_as_its_text() {
        crate::kernel::assert_status_texts!(ShipmentStatus);
    }

    #[test]
    fn return_status_is_stored_and_sent_as_its_text() {
        crate::kernel::assert_status_texts!(ReturnStatus);
    }

    #[test]
    fn a_return_is_decided_while_open_and_approved_only_once() {
        use ReturnStatus::*;
        let allowed = [
            (Requested, Approved),
            (Requested, Rejected),
            (Requested, Received),
            (Approved, Rejected),
            (Approved, Received),
        ];
        for from in ReturnStatus::ALL {
            for to in ReturnStatus::ALL {
                assert_eq!(from.can_become(to), allowed.contains(&(from, to)), "{from} -> {to}");
            }
        }
    }
}
