//! A purchasable variant of a product: one SKU with its price and stock.
use sea_orm::entity::prelude::*;

/// A row of `variants`. `options` is a JSON array of `[name, value]` pairs.
/// The database refuses negative stock unless `allow_backorder` is set.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "variants")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub product_id: i64,
    #[sea_orm(unique)]
    pub sku: String,
    pub options: Json,
    pub price_minor: i64,
    pub currency: String,
    pub stock: i32,
    pub allow_backorder: bool,
    pub position: i32,
    pub weight_grams: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
