//! The transactional outbox: events written in the same transaction as the
//! change they describe, delivered to the event bus afterwards.
use sea_orm::entity::prelude::*;

/// A row of `outbox`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub event_id: Uuid,
    pub topic: String,
    pub payload: Json,
    /// The schema version of `payload` (`events::SCHEMA_VERSION` when written).
    pub schema_version: i16,
    pub created_at: DateTimeUtc,
    pub published_at: Option<DateTimeUtc>,
    /// A relay claimed the row until then; after it, any relay may retry.
    pub claimed_until: Option<DateTimeUtc>,
    pub attempts: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
