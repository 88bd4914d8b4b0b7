//! How many units of a variant a warehouse holds, and how many of those are
//! reserved for orders awaiting payment.
use sea_orm::entity::prelude::*;

/// A row of `stock_levels`. Available = `on_hand - reserved`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "stock_levels")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub variant_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub warehouse_id: i64,
    pub on_hand: i32,
    pub reserved: i32,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
