//! The cart: adding items and the header badge.

use crate::error::AppError;
use entities::ordering::CartView;
use entities::ordering::{CartAddition, CartSummary};
use leptos::prelude::*;

/// Name of the cookie that holds the cart token.
pub const CART_COOKIE: &str = "bazaar_cart";

/// Adds units of a variant to the shopper's cart (creating the cart and its
/// cookie on the first add) and returns the new badge count.
#[server(prefix = "/_sf", endpoint = "cart/add")]
pub async fn add_to_cart(variant_id: i64, quantity: i32) -> Result<CartAddition, AppError> {
    let shop = crate::session::shop()?;
    let cart_id = match crate::api::ordering::cart::ssr::cart_id_from_cookie().await {
        Some(id) => id,
        None => {
            let id = uuid::Uuid::new_v4();
            crate::api::ordering::cart::ssr::set_cart_cookie(id);
            id
        }
    };
    let cart = entities::ordering::cart::add_item(&shop, cart_id, entities::VariantId::new(variant_id), quantity)
        .await
        .map_err(AppError::from)?;
    Ok(CartAddition { variant_id, cart })
}

/// The shopper's badge count (zero without a cart).
#[server(prefix = "/_sf", endpoint = "cart/summary")]
pub async fn get_cart_summary() -> Result<CartSummary, AppError> {
    let shop = crate::session::shop()?;
    match crate::api::ordering::cart::ssr::cart_id_from_cookie().await {
        Some(id) => entities::ordering::cart::summary(&shop, id).await.map_err(AppError::from),
        None => Ok(CartSummary::default()),
    }
}

/// The shopper's cart, priced from the catalog as it is now.
#[server(prefix = "/_sf", endpoint = "cart/view")]
pub async fn get_cart() -> Result<CartView, AppError> {
    let shop = crate::session::shop()?;
    match crate::api::ordering::cart::ssr::cart_id_from_cookie().await {
        Some(id) => entities::ordering::cart::view(&shop, id).await.map_err(AppError::from),
        None => Ok(CartView::default()),
    }
}

/// Sets how many of a variant the cart holds; 0 takes the line out.
#[server(prefix = "/_sf", endpoint = "cart/set")]
pub async fn set_cart_quantity(variant_id: i64, quantity: i32) -> Result<CartView, AppError> {
    let shop = crate::session::shop()?;
    let id = crate::api::ordering::cart::ssr::cart_id_from_cookie().await.ok_or(AppError::NotFound)?;
    entities::ordering::cart::set_quantity(&shop, id, entities::VariantId::new(variant_id), quantity)
        .await
        .map_err(AppError::from)
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use crate::api::ordering::cart::CART_COOKIE;

    /// The cart token from the request's cookie, if well formed.
    pub async fn cart_id_from_cookie() -> Option<uuid::Uuid> {
        let parts: http::request::Parts = leptos_axum::extract().await.ok()?;
        crate::session::cookie(&parts, CART_COOKIE).and_then(|value| uuid::Uuid::parse_str(&value).ok())
    }

    /// Sends the cart cookie: HttpOnly, SameSite=Lax, 30 days.
    pub fn set_cart_cookie(id: uuid::Uuid) {
        crate::session::send_cookie(&format!("{CART_COOKIE}={id}; Path=/; HttpOnly; SameSite=Lax; Max-Age=2592000"));
    }
}

/// The add-to-cart action and the badge count, shared by the header and the
/// product page.
#[derive(Clone, Copy)]
pub struct CartState {
    /// Adds to the cart; its value is the latest result.
    pub add: ServerAction<AddToCart>,
    /// The badge count, refetched after every add.
    pub summary: Resource<Result<CartSummary, AppError>>,
}

/// Creates the cart state and provides it as context.
pub fn provide_cart() {
    let add = ServerAction::<AddToCart>::new();
    let summary = Resource::new(move || add.version().get(), |_| get_cart_summary());
    provide_context(CartState { add, summary });
}
