//! A gift card or an account's store credit: a balance behind a code.
use sea_orm::entity::prelude::*;

/// A row of `gift_cards`; the code itself is never stored, only its SHA-256.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "gift_cards")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub code_hash: String,
    pub last4: String,
    pub kind: String,
    pub user_id: Option<i64>,
    pub currency: String,
    pub initial_minor: i64,
    pub balance_minor: i64,
    pub status: crate::payments::GiftCardStatus,
    pub note: String,
    pub expires_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
