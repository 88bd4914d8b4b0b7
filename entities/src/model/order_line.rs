//! What was bought, as it was when it was bought.
use sea_orm::entity::prelude::*;

/// A row of `order_lines`: a copy of the variant's SKU, title, options and
/// price at the time of the order.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "order_lines")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub order_id: i64,
    pub sub_order_id: i64,
    pub product_id: i64,
    pub variant_id: i64,
    pub sku: String,
    pub title: String,
    pub options: Json,
    pub unit_price_minor: i64,
    pub quantity: i32,
    pub line_total_minor: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
