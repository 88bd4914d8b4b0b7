//! The payments' append-only audit log: every payment action, who took it
//! and what it concerned.

use crate::model::payment_audit;
use crate::ServiceResult;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait};

pub(crate) async fn audit<C: ConnectionTrait>(
    db: &C,
    actor: &str,
    action: &str,
    order_id: Option<i64>,
    payment_id: Option<i64>,
    detail: serde_json::Value,
) -> ServiceResult<()> {
    payment_audit::ActiveModel {
        at: Set(Utc::now()),
        actor: Set(actor.to_owned()),
        action: Set(action.to_owned()),
        order_id: Set(order_id),
        payment_id: Set(payment_id),
        detail: Set(detail),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}
