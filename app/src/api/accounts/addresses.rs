//! The customer's address book.

#![allow(clippy::too_many_arguments)] // forms post their fields one by one; the macro's client side copies them

use crate::error::AppError;
use entities::accounts::AddressView;
use leptos::prelude::*;

/// The address book.
#[server(prefix = "/_sf", endpoint = "account/addresses")]
pub async fn my_addresses() -> Result<Vec<AddressView>, AppError> {
    let (shop, me) = crate::session::me().await?;
    entities::accounts::addresses::list(&shop, me.user_id).await.map_err(AppError::from)
}

/// Adds (no `id`) or changes (`id`) an address of the address book.
#[server(prefix = "/_sf", endpoint = "account/addresses/save")]
pub async fn save_address(
    id: Option<i64>,
    name: String,
    line1: String,
    line2: String,
    postal_code: String,
    city: String,
    country: String,
    phone: String,
    default_shipping: Option<String>,
    default_billing: Option<String>,
) -> Result<AddressView, AppError> {
    let (shop, me) = crate::session::me().await?;
    let input = entities::accounts::AddressInput {
        name,
        line1,
        line2,
        postal_code,
        city,
        country,
        phone,
        default_shipping: default_shipping.is_some(),
        default_billing: default_billing.is_some(),
    };
    match id {
        Some(id) => entities::accounts::addresses::update(&shop, me.user_id, id, &input).await,
        None => entities::accounts::addresses::add(&shop, me.user_id, &input).await,
    }
    .map_err(AppError::from)
}

/// Deletes an address of the address book.
#[server(prefix = "/_sf", endpoint = "account/addresses/delete")]
pub async fn delete_address(id: i64) -> Result<(), AppError> {
    let (shop, me) = crate::session::me().await?;
    entities::accounts::addresses::delete(&shop, me.user_id, id).await.map_err(AppError::from)
}
