//! Accounts: signing in and out, registration, passwords, the profile and address book, privacy, staff,
//! and the admin area's token sign-in.

pub mod addresses;
pub mod admin_sign_in;
pub mod passwords;
pub mod privacy;
pub mod profile;
pub mod registration;
pub mod sign_in;
pub mod staff;
