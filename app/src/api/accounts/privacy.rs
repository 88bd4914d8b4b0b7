//! Personal data (GDPR): a customer deletes their account; an admin finds
//! an account, erases it and reads its audit log. The JSON exports are
//! downloads from the REST API (`/api/v1/me/data`,
//! `/api/v1/customers/{id}/export`), which the pages link to.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// An account as the admin's customer page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerCard {
    /// The account.
    pub id: i64,
    /// Its email.
    pub email: String,
    /// Its name.
    pub name: String,
    /// Its role.
    pub role: entities::accounts::Role,
    /// When it was made (`YYYY-MM-DD`).
    pub since: String,
    /// When it was erased (`YYYY-MM-DD HH:MM UTC`), if it was.
    pub erased: Option<String>,
    /// The audit log about it, newest first: `(when, who, what, detail)`.
    pub audit: Vec<(String, String, String, String)>,
}

/// Deletes the signed-in customer's account (the password confirms), ends
/// the session and goes to the home page.
#[server(prefix = "/_sf", endpoint = "account/delete")]
pub async fn delete_account(password: String) -> Result<(), AppError> {
    let (shop, me) = crate::session::me().await?;
    entities::accounts::privacy::delete_own(&shop, entities::UserId::new(me.user_id), &password)
        .await
        .map_err(AppError::from)?;
    crate::api::accounts::sign_in::ssr::clear_cookies();
    leptos_axum::redirect("/?account=deleted");
    Ok(())
}

/// An admin finds an account by email (with its audit log).
#[server(prefix = "/_sf", endpoint = "admin/customers/find")]
pub async fn find_customer(email: String) -> Result<CustomerCard, AppError> {
    let (shop, actor) = crate::session::acting().await?;
    let found = entities::accounts::privacy::find(&shop, actor, &email).await.map_err(AppError::from)?;
    let audit = entities::kernel::audit::entries(&shop.db, actor, Some(&format!("user:{}", found.id)))
        .await
        .map_err(AppError::from)?
        .into_iter()
        .map(|l| (l.created_at.format("%Y-%m-%d %H:%M UTC").to_string(), l.actor, l.action, l.detail))
        .collect();
    Ok(CustomerCard {
        id: found.id,
        email: found.email,
        name: found.name,
        role: found.role,
        since: found.created_at.format("%Y-%m-%d").to_string(),
        erased: found.erased_at.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string()),
        audit,
    })
}

/// An admin erases an account on the customer's request (logged); the
/// answer says what went.
#[server(prefix = "/_sf", endpoint = "admin/customers/erase")]
pub async fn erase_customer(id: i64, confirm: Option<String>) -> Result<String, AppError> {
    let (shop, actor) = crate::session::acting().await?;
    if confirm.is_none() {
        return Err(AppError::Fields(vec![("confirm".into(), "tick the box to confirm the erasure".into())]));
    }
    let r =
        entities::accounts::privacy::erase(&shop, actor, entities::UserId::new(id)).await.map_err(AppError::from)?;
    Ok(format!(
        "Erased: {} address(es), {} wishlist item(s), {} review(s) deleted; {} order(s) kept anonymised; {} session(s) ended.",
        r.addresses, r.wishlist, r.reviews, r.orders_anonymised, r.sessions
    ))
}
