//! Ordering: the cart, checkout and orders, the wishlist, coupons, shipping and tax, and the admin's
//! orders.

pub mod admin_orders;
pub mod cart;
pub mod checkout;
pub mod coupons;
pub mod shipping;
pub mod wishlist;
