//! A product saved to a wishlist (an account's, or a guest's by cookie).
use sea_orm::entity::prelude::*;

/// A row of `wishlist_items`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "wishlist_items")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub user_id: Option<i64>,
    pub guest_id: Option<Uuid>,
    pub product_id: i64,
    /// The variant shown when it was saved ("move to cart" takes it).
    pub variant_id: i64,
    /// Its price then, for "price dropped".
    pub saved_price_minor: i64,
    pub currency: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
