//! One line of the audit log: who did what to whom (staff actions on
//! personal data).
use sea_orm::entity::prelude::*;

/// A row of `audit_log`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Who acted (`admin`, `account:12`, `customer:12`).
    pub actor: String,
    /// What was done (`gdpr.export`, `gdpr.erase`, `review.reject`…).
    pub action: String,
    /// To what (`user:12`, `review:7`).
    pub subject: String,
    pub detail: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
