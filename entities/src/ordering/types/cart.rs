//! Carts and wishlists as the storefront shows them.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A product on a wishlist, as it is now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WishlistItemView {
    /// The product.
    pub product_id: i64,
    /// Its page is `/p/{slug}`.
    pub slug: String,
    /// Its title.
    pub title: String,
    /// The variant saved ("move to cart" adds it).
    pub variant_id: i64,
    /// Its price now, in minor units.
    pub price_minor: i64,
    /// Its price when saved.
    pub saved_price_minor: i64,
    /// ISO 4217 currency of both prices.
    pub currency: String,
    /// Whether the variant can be bought now.
    pub in_stock: bool,
    /// Whether the product is still for sale at all.
    pub for_sale: bool,
}

impl WishlistItemView {
    /// Whether the price fell since the item was saved.
    pub fn price_dropped(&self) -> bool {
        self.price_minor < self.saved_price_minor
    }
}

/// The shopper's cart, priced from the catalog as it is now.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartView {
    /// The lines, in the order they were added.
    pub lines: Vec<CartLineView>,
    /// Units over all lines.
    pub item_count: u32,
    /// The lines' total, in minor units (one currency per cart line).
    pub subtotal_minor: i64,
    /// ISO 4217 currency of the subtotal (of the first line; empty when empty).
    pub currency: String,
    /// Whether the lines mix currencies (then the cart cannot be ordered as one).
    pub mixed_currencies: bool,
}

/// One line of a cart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartLineView {
    /// The variant.
    pub variant_id: i64,
    /// The product's page.
    pub slug: String,
    /// The product's title.
    pub title: String,
    /// The variant's options.
    pub options: BTreeMap<String, String>,
    /// Stock keeping unit.
    pub sku: String,
    /// A picture of it.
    pub image: String,
    /// Price of one now, in minor units.
    pub unit_price_minor: i64,
    /// ISO 4217 currency.
    pub currency: String,
    /// How many.
    pub quantity: i32,
    /// Price × quantity, in minor units.
    pub line_total_minor: i64,
    /// Units available now (the shopper may not order more unless backorders are allowed).
    pub available: i32,
    /// Whether it can be ordered beyond the stock.
    pub allow_backorder: bool,
}

/// What "add to cart" answers: which variant was added and the new badge.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartAddition {
    /// The variant just added.
    pub variant_id: i64,
    /// The cart after the addition.
    pub cart: CartSummary,
}

/// The shopper's cart in brief, for the badge.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartSummary {
    /// Units in the cart.
    pub item_count: u32,
}
