//! A payment event (webhook) as received: stored before it is processed,
//! once per provider and event id.
use sea_orm::entity::prelude::*;

/// A row of `payment_events`. Unprocessed while `processed_at` is empty;
/// retried from `next_attempt_at` after a failure.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payment_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub provider: String,
    pub event_id: String,
    pub kind: String,
    pub provider_ref: String,
    pub payload: Json,
    pub received_at: DateTimeUtc,
    pub processed_at: Option<DateTimeUtc>,
    pub outcome: Option<String>,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub next_attempt_at: DateTimeUtc,
    /// The amount the event speaks of (for "refunded", the refunded total).
    pub amount_minor: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
