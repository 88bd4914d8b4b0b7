//! Payments: gift cards and store credit, and staff's payment actions.

pub mod admin_payments;
pub mod gift_cards;
