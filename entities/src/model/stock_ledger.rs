//! Every stock movement, appended and never changed: the counters in
//! `stock_levels` must always equal the sums of these rows.
use sea_orm::entity::prelude::*;

/// A row of `stock_ledger`. `kind` is `adjustment`, `reservation`,
/// `release`, `sale` or `return`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "stock_ledger")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub variant_id: i64,
    pub warehouse_id: i64,
    pub kind: String,
    pub on_hand_change: i32,
    pub reserved_change: i32,
    pub reference: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
