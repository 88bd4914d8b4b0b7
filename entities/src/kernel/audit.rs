//! The audit log: staff actions on personal data and on what customers
//! wrote (GDPR exports and erasures, review moderation), written in the
//! same transaction as the action itself.

use crate::kernel::access::{authorize, Action, Actor, Principal};
use crate::model::audit_entry;
use crate::ServiceResult;
use chrono::Utc;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

/// How an actor is named in the log: the role and the account
/// (`admin:7`, `support:3`, `vendor:2:user:9` for staff of vendor 2), or
/// `admin:api-token` for the admin API token.
pub fn label(actor: Actor) -> String {
    match actor {
        Actor::Anonymous => "anonymous".into(),
        Actor::Admin { by: Principal::Account(user_id) } => format!("admin:{user_id}"),
        Actor::Admin { by: Principal::ApiToken } => "admin:api-token".into(),
        Actor::Customer { user_id } => format!("customer:{user_id}"),
        Actor::Support { user_id } => format!("support:{user_id}"),
        Actor::VendorStaff { user_id, vendor_id } => format!("vendor:{vendor_id}:user:{user_id}"),
    }
}

/// Writes one line.
///
/// # Errors
/// When the database fails.
pub async fn record(
    conn: &impl ConnectionTrait,
    actor: Actor,
    action: &str,
    subject: &str,
    detail: &str,
) -> ServiceResult<()> {
    audit_entry::Entity::insert(audit_entry::ActiveModel {
        actor: Set(label(actor)),
        action: Set(action.to_owned()),
        subject: Set(subject.to_owned()),
        detail: Set(detail.chars().take(2_000).collect()),
        created_at: Set(Utc::now()),
        ..Default::default()
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// The newest lines about `subject` (all subjects when `None`), at most 200.
///
/// # Errors
/// `Unauthenticated`/`Forbidden` unless an admin asks; when the database fails.
pub async fn entries(
    conn: &impl ConnectionTrait,
    actor: Actor,
    subject: Option<&str>,
) -> ServiceResult<Vec<audit_entry::Model>> {
    authorize(actor, Action::ManageCustomers)?;
    let mut query = audit_entry::Entity::find().order_by_desc(audit_entry::Column::Id).limit(200);
    if let Some(subject) = subject {
        query = query.filter(audit_entry::Column::Subject.eq(subject));
    }
    Ok(query.all(conn).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_names_the_person_or_the_api_token() {
        assert_eq!(label(Actor::Admin { by: Principal::Account(7) }), "admin:7");
        assert_eq!(label(Actor::API_TOKEN), "admin:api-token");
        assert_eq!(label(Actor::VendorStaff { user_id: 9, vendor_id: 2 }), "vendor:2:user:9");
        assert_eq!(label(Actor::Support { user_id: 3 }), "support:3");
        assert_eq!(label(Actor::Customer { user_id: 4 }), "customer:4");
    }
}
