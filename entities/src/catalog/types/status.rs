//! Where a product, an image and a stock reservation are in their lives.

use serde::{Deserialize, Serialize};

/// Whether a product is for sale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "db",
    derive(sea_orm::DeriveActiveEnum, sea_orm::EnumIter),
    sea_orm(rs_type = "String", db_type = "String(sea_orm::sea_query::StringLen::None)")
)]
#[serde(rename_all = "snake_case")]
pub enum ProductStatus {
    /// On sale: the shop shows it.
    #[cfg_attr(feature = "db", sea_orm(string_value = "active"))]
    Active,
    /// Being written; only staff see it (new products start here).
    #[cfg_attr(feature = "db", sea_orm(string_value = "draft"))]
    Draft,
    /// Off sale and out of the lists; a product that was ordered is archived, not deleted.
    #[cfg_attr(feature = "db", sea_orm(string_value = "archived"))]
    Archived,
}

impl ProductStatus {
    /// Every status, the one on sale first.
    pub const ALL: [ProductStatus; 3] = [Self::Active, Self::Draft, Self::Archived];

    /// The status as stored and sent.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Draft => "draft",
            Self::Archived => "archived",
        }
    }

    /// As the admin shows it.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Active => "Active",
            Self::Draft => "Draft",
            Self::Archived => "Archived",
        }
    }
}

crate::kernel::text_enum!(ProductStatus);

/// Where an uploaded image is in processing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "db",
    derive(sea_orm::DeriveActiveEnum, sea_orm::EnumIter),
    sea_orm(rs_type = "String", db_type = "String(sea_orm::sea_query::StringLen::None)")
)]
#[serde(rename_all = "snake_case")]
pub enum ImageStatus {
    /// Uploaded; its renditions are still to be made.
    #[cfg_attr(feature = "db", sea_orm(string_value = "pending"))]
    Pending,
    /// Its renditions are made: the shop shows it.
    #[cfg_attr(feature = "db", sea_orm(string_value = "ready"))]
    Ready,
    /// Processing failed (the image keeps why).
    #[cfg_attr(feature = "db", sea_orm(string_value = "failed"))]
    Failed,
}

impl ImageStatus {
    /// Every status, in the order of an image's life.
    pub const ALL: [ImageStatus; 3] = [Self::Pending, Self::Ready, Self::Failed];

    /// The status as stored and sent.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Ready => "ready",
            Self::Failed => "failed",
        }
    }
}

crate::kernel::text_enum!(ImageStatus);

/// Where a reservation of stock for an order is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "db",
    derive(sea_orm::DeriveActiveEnum, sea_orm::EnumIter),
    sea_orm(rs_type = "String", db_type = "String(sea_orm::sea_query::StringLen::None)")
)]
#[serde(rename_all = "snake_case")]
pub enum ReservationStatus {
    /// Holds the stock until the order is paid or the reservation expires.
    #[cfg_attr(feature = "db", sea_orm(string_value = "active"))]
    Active,
    /// The order was paid: the held stock was sold.
    #[cfg_attr(feature = "db", sea_orm(string_value = "converted"))]
    Converted,
    /// Expired or cancelled: the held stock went back.
    #[cfg_attr(feature = "db", sea_orm(string_value = "released"))]
    Released,
}

impl ReservationStatus {
    /// Every status, in the order of a reservation's life.
    pub const ALL: [ReservationStatus; 3] = [Self::Active, Self::Converted, Self::Released];

    /// The status as stored and sent.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Converted => "converted",
            Self::Released => "released",
        }
    }
}

crate::kernel::text_enum!(ReservationStatus);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn product_status_is_stored_and_sent_as_its_text() {
        crate::kernel::assert_status_texts!(ProductStatus);
    }

    #[test]
    fn image_status_is_stored_and_sent_as_its_text() {
        crate::kernel::assert_status_texts!(ImageStatus);
    }

    #[test]
    fn reservation_status_is_stored_and_sent_as_its_text() {
        crate::kernel::assert_status_texts!(ReservationStatus);
    }
}
