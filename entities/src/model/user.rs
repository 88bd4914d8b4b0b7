//! A user account (customer, vendor staff, support or admin).
use sea_orm::entity::prelude::*;

/// A row of `users`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub email: String,
    /// argon2id PHC string; `None` until a password is set.
    pub password_hash: Option<String>,
    pub display_name: String,
    /// `customer`, `vendor`, `support` or `admin`.
    pub role: String,
    pub vendor_id: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
