//! A line of a cart: a variant and a quantity (unique per cart and variant).
use sea_orm::entity::prelude::*;

/// A row of `cart_items`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cart_items")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub cart_id: Uuid,
    pub variant_id: i64,
    pub quantity: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
