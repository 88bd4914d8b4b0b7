//! One event on its way to one subscriber.
use sea_orm::entity::prelude::*;

/// A row of `webhook_deliveries`; its
/// [`DeliveryStatus`](crate::events::webhooks::DeliveryStatus) is `pending`,
/// `delivered` or `failed` (gave up after the last try).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_deliveries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub subscription_id: i64,
    pub event_id: Uuid,
    pub topic: String,
    pub payload: Json,
    /// The schema version of `payload` (`events::SCHEMA_VERSION` when written).
    pub schema_version: i16,
    pub created_at: DateTimeUtc,
    pub status: crate::events::webhooks::DeliveryStatus,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub delivered_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
