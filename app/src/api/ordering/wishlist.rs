//! The wishlist: a signed-in account's, or a guest's kept by a cookie
//! (which follows into the account at sign-in).

use crate::error::AppError;
use entities::ordering::WishlistItemView;
use leptos::prelude::*;

/// Name of the cookie that holds a guest's wishlist token.
pub const WISHLIST_COOKIE: &str = "bazaar_wishlist";

/// Saves a product (the chosen variant, or its cheapest) and answers its id.
#[server(prefix = "/_sf", endpoint = "wishlist/add")]
pub async fn add_to_wishlist(product_id: i64, variant_id: Option<i64>) -> Result<i64, AppError> {
    let (shop, owner) = crate::api::ordering::wishlist::ssr::owner(true).await?;
    let owner = owner.ok_or(AppError::Internal)?;
    let variant = variant_id.map(entities::VariantId::new);
    entities::ordering::wishlist::add(&shop, owner, entities::ProductId::new(product_id), variant)
        .await
        .map_err(AppError::from)?;
    Ok(product_id)
}

/// Takes a product off the wishlist.
#[server(prefix = "/_sf", endpoint = "wishlist/remove")]
pub async fn remove_from_wishlist(product_id: i64) -> Result<(), AppError> {
    let (shop, owner) = crate::api::ordering::wishlist::ssr::owner(false).await?;
    match owner {
        Some(owner) => entities::ordering::wishlist::remove(&shop, owner, entities::ProductId::new(product_id))
            .await
            .map_err(AppError::from),
        None => Ok(()),
    }
}

/// The wishlist, with prices and stock as they are now.
#[server(prefix = "/_sf", endpoint = "wishlist")]
pub async fn get_wishlist() -> Result<Vec<WishlistItemView>, AppError> {
    let (shop, owner) = crate::api::ordering::wishlist::ssr::owner(false).await?;
    match owner {
        Some(owner) => entities::ordering::wishlist::list(&shop, owner).await.map_err(AppError::from),
        None => Ok(Vec::new()),
    }
}

/// Moves a product from the wishlist to the cart (one unit).
#[server(prefix = "/_sf", endpoint = "wishlist/to-cart")]
pub async fn wishlist_to_cart(product_id: i64) -> Result<(), AppError> {
    let (shop, owner) = crate::api::ordering::wishlist::ssr::owner(false).await?;
    let owner = owner.ok_or(AppError::NotFound)?;
    let cart_id = match crate::api::ordering::cart::ssr::cart_id_from_cookie().await {
        Some(id) => id,
        None => {
            let id = uuid::Uuid::new_v4();
            crate::api::ordering::cart::ssr::set_cart_cookie(id);
            id
        }
    };
    entities::ordering::wishlist::move_to_cart(&shop, owner, entities::ProductId::new(product_id), cart_id)
        .await
        .map_err(AppError::from)
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use crate::api::ordering::wishlist::WISHLIST_COOKIE;
    use crate::error::AppError;
    use entities::ordering::wishlist::Owner;
    use entities::Shop;

    /// The guest's wishlist token from the cookie, if well formed.
    pub fn guest(parts: &http::request::Parts) -> Option<uuid::Uuid> {
        crate::session::cookie(parts, WISHLIST_COOKIE).and_then(|v| uuid::Uuid::parse_str(&v).ok())
    }

    /// Whose wishlist this request acts on: the signed-in account's, else
    /// the guest's (made, with its cookie, when `create`).
    pub async fn owner(create: bool) -> Result<(Shop, Option<Owner>), AppError> {
        let shop = crate::session::shop()?;
        let parts = crate::session::parts().await?;
        if let Some(me) = crate::session::user(&shop, &parts).await {
            return Ok((shop, Some(Owner::Account(me.user_id))));
        }
        if crate::session::cross_site(&parts) {
            return Err(AppError::Forbidden);
        }
        let guest = match guest(&parts) {
            Some(id) => Some(id),
            None if create => {
                let id = uuid::Uuid::new_v4();
                crate::session::send_cookie(&format!(
                    "{WISHLIST_COOKIE}={id}; Path=/; HttpOnly; SameSite=Lax; Max-Age=7776000"
                ));
                Some(id)
            }
            None => None,
        };
        Ok((shop, guest.map(Owner::Guest)))
    }

    /// Clears the guest wishlist cookie (after it followed into an account).
    pub fn clear_cookie() {
        crate::session::send_cookie(&format!("{WISHLIST_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"));
    }
}

/// The save-to-wishlist action, shared by product cards and product pages.
#[derive(Clone, Copy)]
pub struct WishlistState {
    /// Saves a product; its value is the latest result.
    pub add: ServerAction<AddToWishlist>,
}

/// Creates the wishlist state and provides it as context.
pub fn provide_wishlist() {
    provide_context(WishlistState { add: ServerAction::<AddToWishlist>::new() });
}
