//! The storefront: what shoppers see, signed in or not.

pub mod cart;
pub mod category;
pub mod checkout;
pub mod home;
pub mod not_found;
pub mod order;
pub mod product;
pub mod reviews;
pub mod search;
pub mod wishlist;
