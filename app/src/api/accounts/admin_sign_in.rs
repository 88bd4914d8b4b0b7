//! The admin area's sign-in with the admin token, its status and sign-out.

use crate::error::AppError;
use leptos::prelude::*;

/// Whether this request comes from a signed-in admin.
#[server(prefix = "/_sf", endpoint = "admin/status")]
pub async fn admin_status() -> Result<bool, AppError> {
    Ok(crate::session::actor().await?.is_staff())
}

/// Opens an admin session for whoever knows the admin token (until accounts
/// land) and sets its cookie.
#[server(prefix = "/_sf", endpoint = "admin/sign-in")]
pub async fn admin_sign_in(token: String) -> Result<(), AppError> {
    let shop = crate::session::shop()?;
    let configured = use_context::<entities::accounts::admin_sessions::AdminToken>().unwrap_or_default();
    match entities::accounts::admin_sessions::open(&shop, &configured, &token).await {
        Ok(id) => {
            crate::session::set_admin_cookie(&id, entities::accounts::admin_sessions::SESSION_TTL.as_secs());
            Ok(())
        }
        Err(entities::ServiceError::Unauthenticated) => {
            Err(AppError::Fields(vec![("token".into(), "is not the admin token".into())]))
        }
        Err(e) => Err(AppError::from(e)),
    }
}

/// Ends the admin session and clears its cookie.
#[server(prefix = "/_sf", endpoint = "admin/sign-out")]
pub async fn admin_sign_out() -> Result<(), AppError> {
    let shop = crate::session::shop()?;
    if let Some(id) = crate::session::admin_session().await {
        entities::accounts::admin_sessions::close(&shop, &id).await.map_err(AppError::from)?;
    }
    crate::session::set_admin_cookie("", 0);
    // Staff who signed in with their account leave it too.
    let parts = crate::session::parts().await?;
    if let Some(secret) = crate::session::cookie(&parts, crate::session::SESSION_COOKIE) {
        entities::accounts::sign_in::sign_out(&shop, &secret).await.map_err(AppError::from)?;
        crate::api::accounts::sign_in::ssr::clear_cookies();
    }
    Ok(())
}
