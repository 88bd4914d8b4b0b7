//! A payment of an order at a provider.
use sea_orm::entity::prelude::*;

/// A row of `payments`; where it stands is its [`PaymentStatus`](crate::payments::PaymentStatus).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub order_id: i64,
    pub provider: String,
    pub provider_ref: String,
    pub status: crate::payments::PaymentStatus,
    pub amount_minor: i64,
    pub currency: String,
    pub refunded_minor: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The card's fingerprint, for card payments whose provider gives one.
    pub card_fingerprint: Option<String>,
    /// The provider's risk verdict (Stripe Radar's `risk_level`), if any.
    pub risk_level: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
