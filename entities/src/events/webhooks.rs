//! Merchants' outgoing webhooks. Admins register URLs with the topics they
//! want; every matching event from the bus becomes one delivery row per
//! subscriber (once: the event id is unique per subscriber). A sender
//! (server worker) posts each subscriber's deliveries **in order**: the
//! oldest undelivered one first, and nothing after it until it is delivered
//! or given up after [`MAX_ATTEMPTS`] tries with growing delays. Every try
//! is logged on the delivery.

use crate::events::Envelope;
use crate::kernel::access::{authorize, Action, Actor};
use crate::model::{webhook_delivery, webhook_subscription};
use crate::ServiceError;
use crate::ServiceResult;
use crate::Shop;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};

/// How many tries a delivery gets before it is given up.
pub const MAX_ATTEMPTS: i32 = 8;

/// A new subscription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewSubscription {
    /// Where to POST events (`http` or `https`).
    pub url: String,
    /// Topics (`order.paid`) or prefixes ending in `.` (`order.`), 1 to 20.
    pub topics: Vec<String>,
}

/// A subscription as admins see it. The secret is shown only when created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Subscription {
    /// Id.
    pub id: i64,
    /// Where events go.
    pub url: String,
    /// What it wants.
    pub topics: Vec<String>,
    /// The signing secret: only in the answer to its creation.
    pub secret: Option<String>,
    /// When it was made.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: DateTime<Utc>,
}

/// Where a webhook delivery is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "db",
    derive(sea_orm::DeriveActiveEnum, sea_orm::EnumIter),
    sea_orm(rs_type = "String", db_type = "String(sea_orm::sea_query::StringLen::None)")
)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// To be posted, or to be tried again.
    #[cfg_attr(feature = "db", sea_orm(string_value = "pending"))]
    Pending,
    /// The subscriber answered 2xx.
    #[cfg_attr(feature = "db", sea_orm(string_value = "delivered"))]
    Delivered,
    /// Given up after the last try.
    #[cfg_attr(feature = "db", sea_orm(string_value = "failed"))]
    Failed,
}

impl DeliveryStatus {
    /// Every status.
    pub const ALL: [DeliveryStatus; 3] = [Self::Pending, Self::Delivered, Self::Failed];

    /// The status as stored and sent.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Delivered => "delivered",
            Self::Failed => "failed",
        }
    }
}

crate::kernel::text_enum!(DeliveryStatus);

/// One delivery with how it went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliveryRecord {
    /// Id.
    pub id: i64,
    /// The event's id (also sent as `Bazaar-Event-Id`).
    pub event_id: String,
    /// The event's topic.
    pub topic: String,
    /// Where it is.
    pub status: DeliveryStatus,
    /// Tries so far.
    pub attempts: i32,
    /// The HTTP status of the last try.
    pub last_status: Option<i32>,
    /// Why the last try failed.
    pub last_error: Option<String>,
    /// When it was delivered.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub delivered_at: Option<DateTime<Utc>>,
}

fn wants(topics: &[String], topic: &str) -> bool {
    topics.iter().any(|t| if t.ends_with('.') { topic.starts_with(t.as_str()) } else { t == topic })
}

/// Registers a URL for events; answers with its signing secret, shown once.
///
/// # Errors
/// `Unauthenticated`/`Forbidden` unless an admin acts; `InvalidFields` for
/// a URL that is not http(s) or bad topics.
pub async fn subscribe(shop: &Shop, actor: Actor, new: NewSubscription) -> ServiceResult<Subscription> {
    authorize(actor, Action::ManageOrders)?;
    let mut problems = Vec::new();
    let url = new.url.trim().to_owned();
    let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
    if !scheme_ok || url.len() > 2000 || url.contains(char::is_whitespace) {
        problems.push(("url".to_owned(), "must be an http or https address".to_owned()));
    }
    let topics: Vec<String> = new.topics.iter().map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()).collect();
    let topic_ok = |t: &String| t.len() <= 100 && t.chars().all(|c| c.is_ascii_lowercase() || c == '.' || c == '_');
    if topics.is_empty() || topics.len() > 20 || !topics.iter().all(topic_ok) {
        problems.push(("topics".to_owned(), "must be 1 to 20 topics such as order.paid or order.".to_owned()));
    }
    if !problems.is_empty() {
        return Err(ServiceError::InvalidFields(problems));
    }
    let secret = format!("whsec_{}", uuid::Uuid::new_v4().simple());
    let row = webhook_subscription::ActiveModel {
        url: Set(url),
        secret: Set(shop.secret_key.seal_text(&secret)?),
        topics: Set(serde_json::json!(topics)),
        active: Set(true),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&shop.db)
    .await?;
    Ok(Subscription { id: row.id, url: row.url, topics, secret: Some(secret), created_at: row.created_at })
}

/// Every active subscription (secrets left out).
///
/// # Errors
/// `Unauthenticated`/`Forbidden` unless an admin asks.
pub async fn subscriptions(shop: &Shop, actor: Actor) -> ServiceResult<Vec<Subscription>> {
    authorize(actor, Action::ManageOrders)?;
    let rows = webhook_subscription::Entity::find()
        .filter(webhook_subscription::Column::Active.eq(true))
        .order_by_asc(webhook_subscription::Column::Id)
        .all(&shop.db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| Subscription {
            id: r.id,
            topics: crate::kernel::json::string_list(&r.topics),
            url: r.url,
            secret: None,
            created_at: r.created_at,
        })
        .collect())
}

/// Stops a subscription; its pending deliveries are dropped.
///
/// # Errors
/// `Unauthenticated`/`Forbidden` unless an admin acts; `NotFound`.
pub async fn unsubscribe(shop: &Shop, actor: Actor, id: i64) -> ServiceResult<()> {
    authorize(actor, Action::ManageOrders)?;
    let removed = webhook_subscription::Entity::delete_by_id(id).exec(&shop.db).await?;
    if removed.rows_affected == 0 {
        return Err(ServiceError::NotFound("webhook subscription"));
    }
    Ok(())
}

/// A subscription's latest deliveries, newest first.
///
/// # Errors
/// `Unauthenticated`/`Forbidden` unless an admin asks; `NotFound`.
pub async fn deliveries(shop: &Shop, actor: Actor, id: i64) -> ServiceResult<Vec<DeliveryRecord>> {
    authorize(actor, Action::ManageOrders)?;
    webhook_subscription::Entity::find_by_id(id)
        .one(&shop.db)
        .await?
        .ok_or(ServiceError::NotFound("webhook subscription"))?;
    let rows = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::SubscriptionId.eq(id))
        .order_by_desc(webhook_delivery::Column::Id)
        .limit(200)
        .all(&shop.db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|d| DeliveryRecord {
            id: d.id,
            event_id: d.event_id.to_string(),
            topic: d.topic,
            status: d.status,
            attempts: d.attempts,
            last_status: d.last_status,
            last_error: d.last_error,
            delivered_at: d.delivered_at,
        })
        .collect())
}

/// Queues `event` for every active subscription that wants it; a second
/// call with the same event queues nothing more. Returns how many it queued.
///
/// # Errors
/// `Database`.
pub async fn enqueue<C: ConnectionTrait>(db: &C, envelope: &Envelope) -> ServiceResult<u64> {
    let (topic, payload) = envelope.event.to_parts();
    let subs =
        webhook_subscription::Entity::find().filter(webhook_subscription::Column::Active.eq(true)).all(db).await?;
    let now = Utc::now();
    let mut queued = 0;
    for s in subs.into_iter().filter(|s| wants(&crate::kernel::json::string_list(&s.topics), &topic)) {
        queued += webhook_delivery::Entity::insert(webhook_delivery::ActiveModel {
            subscription_id: Set(s.id),
            event_id: Set(envelope.id),
            topic: Set(topic.clone()),
            payload: Set(payload.clone()),
            schema_version: Set(envelope.version as i16),
            created_at: Set(now),
            status: Set(DeliveryStatus::Pending),
            attempts: Set(0),
            next_attempt_at: Set(now),
            last_status: Set(None),
            last_error: Set(None),
            delivered_at: Set(None),
            ..Default::default()
        })
        .on_conflict(
            OnConflict::columns([webhook_delivery::Column::SubscriptionId, webhook_delivery::Column::EventId])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    }
    Ok(queued)
}

/// A delivery to make now: where, with what secret, and the body to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueDelivery {
    /// The delivery's id.
    pub id: i64,
    /// The subscriber's URL.
    pub url: String,
    /// The subscriber's signing secret.
    pub secret: String,
    /// The event's id.
    pub event_id: String,
    /// The JSON body: `{id, topic, version, created_at, data}`.
    pub body: Vec<u8>,
}

/// For each active subscriber, its oldest undelivered delivery when its time
/// has come — never a later one while an earlier is pending, so each
/// subscriber gets its events in order.
///
/// # Errors
/// `Database`.
pub async fn due(shop: &Shop, now: DateTime<Utc>) -> ServiceResult<Vec<DueDelivery>> {
    let subs = webhook_subscription::Entity::find()
        .filter(webhook_subscription::Column::Active.eq(true))
        .all(&shop.db)
        .await?;
    let mut out = Vec::new();
    for s in subs {
        let head = webhook_delivery::Entity::find()
            .filter(webhook_delivery::Column::SubscriptionId.eq(s.id))
            .filter(webhook_delivery::Column::Status.eq(DeliveryStatus::Pending))
            .order_by_asc(webhook_delivery::Column::Id)
            .one(&shop.db)
            .await?;
        if let Some(d) = head.filter(|d| d.next_attempt_at <= now) {
            let body = serde_json::json!({
                "id": d.event_id,
                "topic": d.topic,
                "version": d.schema_version,
                "created_at": d.created_at,
                "data": d.payload,
            });
            out.push(DueDelivery {
                id: d.id,
                url: s.url,
                secret: shop.secret_key.open_text(&s.secret)?,
                event_id: d.event_id.to_string(),
                body: serde_json::to_vec(&body).map_err(|e| ServiceError::Corrupt(e.to_string()))?,
            });
        }
    }
    Ok(out)
}

/// Records how try of delivery `id` went: a 2xx `status` delivers it;
/// anything else schedules the next try after `retry_after(attempts)`, or
/// gives it up after [`MAX_ATTEMPTS`].
///
/// # Errors
/// `Database`.
pub async fn record_attempt(
    shop: &Shop,
    id: i64,
    outcome: Result<u16, String>,
    now: DateTime<Utc>,
    retry_after: impl Fn(i32) -> chrono::Duration,
) -> ServiceResult<()> {
    let Some(d) = webhook_delivery::Entity::find_by_id(id).one(&shop.db).await? else {
        return Ok(()); // Its subscription was removed meanwhile.
    };
    let attempts = d.attempts + 1;
    let (status, error, delivered) = match &outcome {
        Ok(code) if (200..300).contains(code) => (DeliveryStatus::Delivered, None, Some(now)),
        Ok(code) => (DeliveryStatus::Pending, Some(format!("the subscriber answered {code}")), None),
        Err(e) => (DeliveryStatus::Pending, Some(e.clone()), None),
    };
    let status =
        if status == DeliveryStatus::Pending && attempts >= MAX_ATTEMPTS { DeliveryStatus::Failed } else { status };
    if status == DeliveryStatus::Failed {
        tracing::warn!(delivery = id, subscription = d.subscription_id, "webhook delivery given up");
    }
    webhook_delivery::Entity::update_many()
        .col_expr(webhook_delivery::Column::Status, Expr::value(status))
        .col_expr(webhook_delivery::Column::Attempts, Expr::value(attempts))
        .col_expr(webhook_delivery::Column::LastStatus, Expr::value(outcome.as_ref().ok().map(|c| i32::from(*c))))
        .col_expr(webhook_delivery::Column::LastError, Expr::value(error))
        .col_expr(webhook_delivery::Column::DeliveredAt, Expr::value(delivered))
        .col_expr(webhook_delivery::Column::NextAttemptAt, Expr::value(now + retry_after(attempts)))
        .filter(webhook_delivery::Column::Id.eq(id))
        .exec(&shop.db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_match_exactly_or_by_prefix() {
        let topics = vec!["order.".to_owned(), "stock.low".to_owned()];
        assert!(wants(&topics, "order.paid"));
        assert!(wants(&topics, "stock.low"));
        assert!(!wants(&topics, "stock.changed"));
        assert!(!wants(&topics, "orders.x"));
    }

    #[test]
    fn delivery_status_is_stored_and_sent_as_its_text() {
        crate::kernel::assert_status_texts!(DeliveryStatus);
    }
}
