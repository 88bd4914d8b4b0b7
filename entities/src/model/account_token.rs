//! A one-time token sent by email: verification, password reset, change of
//! email. Only its SHA-256 is stored.
use sea_orm::entity::prelude::*;

/// A row of `account_tokens`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "account_tokens")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub user_id: i64,
    /// `verify`, `reset` or `email_change`.
    pub purpose: String,
    #[sea_orm(unique)]
    pub token_hash: String,
    /// The address an `email_change` token moves the account to.
    pub new_email: Option<String>,
    pub expires_at: DateTimeUtc,
    pub used_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
