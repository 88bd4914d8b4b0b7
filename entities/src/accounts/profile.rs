//! The account's profile: name, email and what the customer may change.

use crate::accounts::credentials::check_name;
use crate::accounts::credentials::live_user;
use crate::accounts::{AccountView, ProfilePatch};
use crate::kernel::UserId;
use crate::model::user;
use crate::write_txn;
use crate::ServiceError;
use crate::ServiceResult;
use crate::Shop;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set};

fn view(user: user::Model) -> AccountView {
    AccountView {
        email: user.email,
        name: user.display_name,
        role: user.role,
        marketing_consent: user.marketing_consent_at.is_some(),
        marketing_consent_at: user.marketing_consent_at,
        created_at: user.created_at,
    }
}

/// The profile of `user_id`.
///
/// # Errors
/// `Unauthenticated` when the account is gone.
pub async fn profile(shop: &Shop, user_id: UserId) -> ServiceResult<AccountView> {
    let user_id = user_id.get();
    Ok(view(live_user(&shop.db, user_id).await?))
}

/// Changes the name and marketing consent of `user_id`. Consent keeps the
/// time it was first given until it is withdrawn.
///
/// # Errors
/// `InvalidFields` for a bad name.
pub async fn update_profile(shop: &Shop, user_id: UserId, patch: ProfilePatch) -> ServiceResult<AccountView> {
    let user_id = user_id.get();
    let name = check_name(&patch.name).map_err(|e| ServiceError::InvalidFields(vec![e]))?;
    let txn = write_txn(&shop.db).await?;
    let user = live_user(&txn, user_id).await?;
    let consent = match (patch.marketing_consent, user.marketing_consent_at) {
        (true, Some(at)) => Some(at),
        (true, None) => Some(Utc::now()),
        (false, _) => None,
    };
    let mut active: user::ActiveModel = user.into();
    active.display_name = Set(name);
    active.marketing_consent_at = Set(consent);
    let updated = active.update(&txn).await?;
    txn.commit().await?;
    Ok(view(updated))
}
