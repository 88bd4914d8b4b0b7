//! Ordering: carts and wishlists, pricing (shipping, tax, coupons), placing
//! orders, the order record and its life, and fraud screening.

mod types;
pub use types::*;

#[cfg(feature = "db")]
pub mod cart;
#[cfg(feature = "db")]
pub mod coupons;
#[cfg(feature = "db")]
pub mod life;
#[cfg(feature = "db")]
pub mod order_lists;
#[cfg(feature = "db")]
pub mod placing;
#[cfg(feature = "db")]
pub mod pricing;
#[cfg(feature = "db")]
pub mod quote;
#[cfg(feature = "db")]
pub mod record;
#[cfg(feature = "db")]
pub mod shipment_view;
#[cfg(feature = "db")]
pub mod shipping;
#[cfg(feature = "db")]
pub mod view;
#[cfg(feature = "db")]
pub mod wishlist;
