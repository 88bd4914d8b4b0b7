//! The account: sign-in, registration, the links sent by email, and the
//! customer dashboard (profile and security, address book, orders,
//! reviews, privacy). Every form works without JavaScript; each bad field
//! gets its message beside it, tied to the field and announced (the pieces
//! are in `components::forms`).

pub mod addresses;
pub mod area;
pub mod orders;
pub mod passwords;
pub mod privacy;
pub mod profile;
pub mod registration;
pub mod reviews;
pub mod sign_in;
