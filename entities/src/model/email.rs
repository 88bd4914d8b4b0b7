//! An email in the mail queue, with its delivery state. Written in the same
//! transaction as the change it tells about; sent by the mail worker.
use sea_orm::entity::prelude::*;

/// A row of `emails`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "emails")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    /// Plain text. Emptied once sent when it carries a one-time link.
    pub body: String,
    /// What the email is for (`verify_email`, `password_reset`, …).
    pub kind: String,
    /// `queued`, `sent` or `failed` (gave up).
    pub status: crate::notifications::mail::MailStatus,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
