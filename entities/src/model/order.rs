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
    pub status: crate::ordering::OrderStatus,
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
    /// The IP address the order was placed from, when known.
    pub client_ip: Option<String>,
    /// The billing address, when one was given.
    pub billing_address: Option<Json>,
    /// The risk score (0–100) from fraud screening.
    pub risk_score: i32,
    /// Why, one reason per line.
    pub risk_reasons: String,
    /// Paid but held until a person releases it.
    pub held_for_review: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
