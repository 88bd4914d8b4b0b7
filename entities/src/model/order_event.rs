//! The order's timeline: every change, with who and when.
use sea_orm::entity::prelude::*;

/// A row of `order_events`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "order_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub order_id: i64,
    pub at: DateTimeUtc,
    pub actor: String,
    pub kind: String,
    pub from_status: Option<crate::ordering::OrderStatus>,
    pub to_status: Option<crate::ordering::OrderStatus>,
    pub note: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
