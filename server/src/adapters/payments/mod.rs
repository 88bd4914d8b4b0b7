//! The `PaymentProvider` port: the built-in test provider, local methods (bank transfer, cash on delivery), Stripe and PayPal.

pub mod local;
pub mod paypal;
pub mod stripe;
pub mod test;
