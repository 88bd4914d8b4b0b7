//! Accounts: registration, sign-in, sessions, passwords, two-factor sign-in,
//! profiles and address books, staff, and privacy (GDPR export and erasure).

mod types;
pub use crate::kernel::Role;
pub use types::*;

#[cfg(feature = "db")]
pub mod addresses;
#[cfg(feature = "db")]
pub mod admin_sessions;
#[cfg(feature = "db")]
pub mod credentials;
#[cfg(feature = "db")]
pub mod passwords;
#[cfg(feature = "db")]
pub mod privacy;
#[cfg(feature = "db")]
pub mod profile;
#[cfg(feature = "db")]
pub mod registration;
#[cfg(feature = "db")]
pub mod sign_in;
#[cfg(feature = "db")]
pub mod staff;
#[cfg(feature = "db")]
pub mod two_factor;
