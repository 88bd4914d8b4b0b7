//! A coupon code.
use sea_orm::entity::prelude::*;

/// A row of `coupons`. `kind` is `percent` (value in basis points), `fixed`
/// (minor units of `currency`) or `free_shipping`; `used_count` is raised
/// atomically against `max_uses` when an order redeems it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "coupons")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub code: String,
    pub kind: String,
    pub value: i64,
    pub currency: Option<String>,
    pub min_spend_minor: i64,
    pub max_uses: Option<i32>,
    pub max_uses_per_customer: Option<i32>,
    pub used_count: i32,
    pub starts_at: Option<DateTimeUtc>,
    pub ends_at: Option<DateTimeUtc>,
    pub active: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
