//! Staff accounts, for admins: the list, invitations (an emailed link to
//! choose a password) and whether staff must use two-factor sign-in.

use crate::error::AppError;
use entities::accounts::StaffMember;
use leptos::prelude::*;

/// The staff accounts, and whether two-factor sign-in is required.
#[server(prefix = "/_sf", endpoint = "admin/staff")]
pub async fn staff_members() -> Result<(Vec<StaffMember>, bool), AppError> {
    let (shop, actor) = crate::session::acting().await?;
    let list = entities::accounts::staff::staff_list(&shop, actor).await.map_err(AppError::from)?;
    let required = entities::accounts::two_factor::required(&shop.db).await.map_err(AppError::from)?;
    Ok((list, required))
}

/// Invites a staff member (`vendor`: the vendor's slug, for vendor staff).
#[server(prefix = "/_sf", endpoint = "admin/staff/invite")]
pub async fn invite_staff(email: String, name: String, role: String, vendor: String) -> Result<i64, AppError> {
    let (shop, actor) = crate::session::acting().await?;
    entities::accounts::staff::invite_staff(&shop, actor, &email, &name, &role, Some(&vendor))
        .await
        .map_err(AppError::from)
}

/// Requires (`required` present) or stops requiring two-factor sign-in of
/// staff.
#[server(prefix = "/_sf", endpoint = "admin/staff/two-factor")]
pub async fn require_two_factor(required: Option<String>) -> Result<bool, AppError> {
    let (shop, actor) = crate::session::acting().await?;
    let on = required.is_some();
    entities::accounts::two_factor::set_required(&shop, actor, on).await.map_err(AppError::from)?;
    Ok(on)
}
