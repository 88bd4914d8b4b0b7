//! Money given back on a payment.
use sea_orm::entity::prelude::*;

/// A row of `refunds`; its [`RefundStatus`](crate::payments::RefundStatus) is
/// `pending` (recorded, provider asked), `succeeded` or `failed` (the provider
/// refused; its amount freed again).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "refunds")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub payment_id: i64,
    pub order_id: i64,
    pub amount_minor: i64,
    pub status: crate::payments::RefundStatus,
    pub provider_ref: Option<String>,
    pub reason: String,
    pub actor: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
