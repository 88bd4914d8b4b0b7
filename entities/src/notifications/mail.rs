//! The mail queue. A use case that tells someone something queues the
//! email here in its own transaction, so it is sent exactly when the change
//! commits; the mail worker sends what is due through the `Mailer` port,
//! retries with growing waits, and records each message's delivery state.

use crate::model::email;
use crate::ports::{MailMessage, PortError};
use crate::ServiceError;
use crate::ServiceResult;
use crate::Shop;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};

/// Kinds of email whose body holds a secret (a one-time link, a staff
/// member's set-password link, a store-credit code kept otherwise only
/// hashed): the body is emptied once sent or given up, so the queue never
/// keeps a working secret.
const SECRET_KINDS: [&str; 5] = ["verify_email", "password_reset", "email_change", "invitation", "store_credit"];

/// Tries before a message is given up.
pub const MAX_ATTEMPTS: i32 = 8;

/// Where an email of the mail queue is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "db",
    derive(sea_orm::DeriveActiveEnum, sea_orm::EnumIter),
    sea_orm(rs_type = "String", db_type = "String(sea_orm::sea_query::StringLen::None)")
)]
#[serde(rename_all = "snake_case")]
pub enum MailStatus {
    /// Waiting to be sent, or to be tried again.
    #[cfg_attr(feature = "db", sea_orm(string_value = "queued"))]
    Queued,
    /// The mail server took it.
    #[cfg_attr(feature = "db", sea_orm(string_value = "sent"))]
    Sent,
    /// Given up (refused for good, or too many tries).
    #[cfg_attr(feature = "db", sea_orm(string_value = "failed"))]
    Failed,
}

impl MailStatus {
    /// Every status.
    pub const ALL: [MailStatus; 3] = [Self::Queued, Self::Sent, Self::Failed];

    /// The status as stored and sent.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Sent => "sent",
            Self::Failed => "failed",
        }
    }

    /// The status stored (or asked for) as `text`.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

impl std::fmt::Display for MailStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Queues an email (in `db`, which should be the caller's transaction).
///
/// # Errors
/// When the database fails.
pub async fn queue<C: ConnectionTrait>(db: &C, message: &MailMessage, kind: &str) -> ServiceResult<i64> {
    let now = Utc::now();
    let row = email::Entity::insert(email::ActiveModel {
        recipient: Set(message.to.clone()),
        subject: Set(message.subject.clone()),
        body: Set(message.text.clone()),
        kind: Set(kind.to_owned()),
        status: Set(MailStatus::Queued),
        attempts: Set(0),
        next_attempt_at: Set(now),
        last_error: Set(None),
        sent_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(row.last_insert_id)
}

/// A queued email claimed for sending.
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// Its row.
    pub id: i64,
    /// What it is for.
    pub kind: String,
    /// The message.
    pub message: MailMessage,
}

/// Claims up to `limit` emails due at `now`. A claim pushes the message's
/// next attempt five minutes on, so another node (or this one, after a
/// crash) tries it only if this try never records its outcome.
///
/// # Errors
/// When the database fails.
pub async fn claim_due(shop: &Shop, now: DateTime<Utc>, limit: u64) -> ServiceResult<Vec<Outgoing>> {
    let rows = email::Entity::find()
        .filter(email::Column::Status.eq(MailStatus::Queued))
        .filter(email::Column::NextAttemptAt.lte(now))
        .order_by_asc(email::Column::Id)
        .limit(limit)
        .all(&shop.db)
        .await?;
    let mut claimed = Vec::with_capacity(rows.len());
    for row in rows {
        let taken = email::Entity::update_many()
            .col_expr(email::Column::NextAttemptAt, Expr::value(now + Duration::minutes(5)))
            .filter(email::Column::Id.eq(row.id))
            .filter(email::Column::Status.eq(MailStatus::Queued))
            .filter(email::Column::NextAttemptAt.eq(row.next_attempt_at))
            .exec(&shop.db)
            .await?
            .rows_affected
            == 1;
        if taken {
            claimed.push(Outgoing {
                id: row.id,
                kind: row.kind,
                message: MailMessage { to: row.recipient, subject: row.subject, text: row.body },
            });
        }
    }
    Ok(claimed)
}

/// Records how sending `mail` went: sent; refused for good (failed); or
/// unavailable, to be tried again after `retry_after(attempts)` until
/// [`MAX_ATTEMPTS`].
///
/// # Errors
/// When the database fails.
pub async fn record(
    shop: &Shop,
    mail: &Outgoing,
    outcome: Result<(), PortError>,
    now: DateTime<Utc>,
    retry_after: impl Fn(i32) -> Duration,
) -> ServiceResult<()> {
    let row = email::Entity::find_by_id(mail.id).one(&shop.db).await?.ok_or(ServiceError::NotFound("email"))?;
    let attempts = row.attempts + 1;
    let mut update = email::ActiveModel { id: Set(mail.id), attempts: Set(attempts), ..Default::default() };
    match outcome {
        Ok(()) => {
            update.status = Set(MailStatus::Sent);
            update.sent_at = Set(Some(now));
            update.last_error = Set(None);
            if SECRET_KINDS.contains(&mail.kind.as_str()) {
                update.body = Set(String::new());
            }
        }
        Err(e) => {
            let permanent = matches!(e, PortError::Declined { .. });
            tracing::warn!(email = mail.id, kind = %mail.kind, error = %e, attempts, "email not sent");
            update.last_error = Set(Some(e.to_string()));
            if permanent || attempts >= MAX_ATTEMPTS {
                update.status = Set(MailStatus::Failed);
                if SECRET_KINDS.contains(&mail.kind.as_str()) {
                    update.body = Set(String::new());
                }
            } else {
                update.next_attempt_at = Set(now + retry_after(attempts));
            }
        }
    }
    email::Entity::update(update).exec(&shop.db).await?;
    Ok(())
}

/// One email's delivery state, for staff and tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// Who it went to.
    pub to: String,
    /// Its kind.
    pub kind: String,
    /// Where it is.
    pub status: MailStatus,
    /// Tries so far.
    pub attempts: i32,
    /// The last error, if any.
    pub last_error: Option<String>,
}

/// The emails queued for `recipient`, oldest first.
///
/// # Errors
/// When the database fails.
pub async fn deliveries_to(shop: &Shop, recipient: &str) -> ServiceResult<Vec<Delivery>> {
    Ok(email::Entity::find()
        .filter(email::Column::Recipient.eq(recipient))
        .order_by_asc(email::Column::Id)
        .all(&shop.db)
        .await?
        .into_iter()
        .map(|r| Delivery {
            to: r.recipient,
            kind: r.kind,
            status: r.status,
            attempts: r.attempts,
            last_error: r.last_error,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::MailStatus;

    #[test]
    fn mail_status_is_stored_as_its_text() {
        crate::kernel::assert_status_texts!(MailStatus);
    }
}
