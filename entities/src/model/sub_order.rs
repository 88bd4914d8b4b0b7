//! One vendor's part of an order, fulfilled by that vendor.
use sea_orm::entity::prelude::*;

/// A row of `sub_orders`, with the shop's commission on it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sub_orders")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub order_id: i64,
    pub vendor_id: i64,
    pub status: crate::ordering::OrderStatus,
    pub subtotal_minor: i64,
    pub commission_bps: i32,
    pub commission_minor: i64,
    pub shipping_method: String,
    pub shipping_minor: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
