//! A return (RMA): units of one vendor's part a customer sends back.
use sea_orm::entity::prelude::*;

/// A row of `returns`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "returns")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub public_id: Uuid,
    pub order_id: i64,
    pub sub_order_id: i64,
    pub status: crate::fulfilment::ReturnStatus,
    pub reason: String,
    pub note: String,
    pub restocked: bool,
    pub refund_minor: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
