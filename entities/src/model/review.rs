//! A customer's review of a product: stars, text, moderation and the
//! vendor's reply.
use sea_orm::entity::prelude::*;

/// A row of `reviews`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reviews")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub product_id: i64,
    pub user_id: i64,
    /// The name shown with the review (taken from the account when written).
    pub author_name: String,
    /// 1 to 5 stars.
    pub rating: i16,
    pub title: String,
    pub body: String,
    /// Whether the reviewer had bought the product when writing.
    pub verified_purchase: bool,
    /// `pending`, `published` or `rejected`.
    pub status: crate::catalog::review::ReviewStatus,
    /// Why it was rejected (shown to its author).
    pub moderation_note: String,
    pub moderated_at: Option<DateTimeUtc>,
    /// The vendor's public answer.
    pub reply: Option<String>,
    pub replied_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
