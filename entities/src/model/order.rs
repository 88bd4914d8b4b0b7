//! An order: one payment for what one cart held, whatever the vendors.
use sea_orm::entity::prelude::*;

/// A row of `orders`. `public_id` is what customers and URLs see;
/// `idempotency_key` makes placing it safe to retry.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "orders")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub public_id: Uuid,
    #[sea_orm(unique)]
    pub idempotency_key: String,
    pub cart_id: Option<Uuid>,
    pub user_id: Option<i64>,
    pub email: String,
    pub status: String,
    pub currency: String,
    pub subtotal_minor: i64,
    pub shipping_minor: i64,
    pub tax_minor: i64,
    pub discount_minor: i64,
    pub total_minor: i64,
    pub shipping_address: Json,
    pub reservation_id: Option<Uuid>,
    pub coupon_code: Option<String>,
    pub tax_included: bool,
    pub country: String,
    pub disputed: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
