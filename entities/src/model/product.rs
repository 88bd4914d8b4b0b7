//! A product: what a shopper sees; it is bought through its variants.
use sea_orm::entity::prelude::*;

/// A row of `products`. `attributes` is a JSON object of descriptive
/// attributes (material, fit…); variant-defining options live on variants.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "products")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub vendor_id: i64,
    pub category_id: i64,
    #[sea_orm(unique)]
    pub slug: String,
    pub title: String,
    pub description: String,
    pub brand: String,
    pub attributes: Json,
    /// `active`, `draft` or `archived`.
    pub status: crate::catalog::ProductStatus,
    pub featured: bool,
    /// The lowest price among the variants (minor units), kept by the
    /// services that change variants; the key of "sort by price".
    pub price_from_minor: i64,
    /// Average review rating × 100 (0–500); 0 with no reviews.
    pub rating_centi: i32,
    /// Number of reviews behind `rating_centi`.
    pub rating_count: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
