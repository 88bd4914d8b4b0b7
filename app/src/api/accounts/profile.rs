//! The customer's dashboard: profile, order history and recommendations.

#![allow(clippy::too_many_arguments)] // forms post their fields one by one; the macro's client side copies them

use crate::error::AppError;
use entities::accounts::AccountView;
use entities::ordering::OrderHistory;
use leptos::prelude::*;

/// The signed-in account's profile.
#[server(prefix = "/_sf", endpoint = "account/profile")]
pub async fn get_profile() -> Result<AccountView, AppError> {
    let (shop, me) = crate::session::me().await?;
    entities::accounts::profile::profile(&shop, entities::UserId::new(me.user_id)).await.map_err(AppError::from)
}

/// Changes the name and marketing consent.
#[server(prefix = "/_sf", endpoint = "account/profile/update")]
pub async fn update_profile(name: String, marketing: Option<String>) -> Result<AccountView, AppError> {
    let (shop, me) = crate::session::me().await?;
    let patch = entities::accounts::ProfilePatch { name, marketing_consent: marketing.is_some() };
    entities::accounts::profile::update_profile(&shop, entities::UserId::new(me.user_id), patch)
        .await
        .map_err(AppError::from)
}

/// The signed-in customer's orders, newest first (older than `before`).
#[server(prefix = "/_sf", endpoint = "account/orders")]
pub async fn my_orders(before: Option<String>) -> Result<OrderHistory, AppError> {
    let (shop, me) = crate::session::me().await?;
    entities::ordering::order_lists::customer_orders(&shop, entities::UserId::new(me.user_id), before.as_deref())
        .await
        .map_err(AppError::from)
}

/// "Recommended for you": from what the customer ordered and saved.
#[server(prefix = "/_sf", endpoint = "account/recommendations")]
pub async fn my_recommendations() -> Result<Vec<entities::catalog::ProductCard>, AppError> {
    let (shop, me) = crate::session::me().await?;
    entities::catalog::recommend::for_customer(&shop, entities::UserId::new(me.user_id)).await.map_err(AppError::from)
}
