//! Where signed-in sessions are kept: the database by default, Redis when
//! configured. Keys are the SHA-256 of the session id the browser holds, so
//! a copy of the store signs nobody in.

use super::PortError;
use chrono::{DateTime, Utc};

/// A stored session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSession {
    /// The account signed in.
    pub user_id: i64,
    /// When it began.
    pub created_at: DateTime<Utc>,
    /// When it was last used (for the idle limit).
    pub last_seen_at: DateTime<Utc>,
    /// Its absolute end.
    pub expires_at: DateTime<Utc>,
}

/// Keeps sessions.
#[async_trait::async_trait]
pub trait SessionStore: Send + Sync {
    /// The adapter's name (`database`, `redis`).
    fn name(&self) -> &'static str;

    /// Stores a new session under `key`.
    ///
    /// # Errors
    /// `Unavailable` when the store fails.
    async fn insert(&self, key: &str, session: &StoredSession) -> Result<(), PortError>;

    /// The session under `key`, unless missing or past `expires_at` at `now`.
    ///
    /// # Errors
    /// `Unavailable` when the store fails.
    async fn get(&self, key: &str, now: DateTime<Utc>) -> Result<Option<StoredSession>, PortError>;

    /// Records use of the session at `at`.
    ///
    /// # Errors
    /// `Unavailable` when the store fails.
    async fn touch(&self, key: &str, at: DateTime<Utc>) -> Result<(), PortError>;

    /// Ends one session (no error when it is gone already).
    ///
    /// # Errors
    /// `Unavailable` when the store fails.
    async fn remove(&self, key: &str) -> Result<(), PortError>;

    /// Ends every session of `user_id`; returns how many there were.
    ///
    /// # Errors
    /// `Unavailable` when the store fails.
    async fn remove_user(&self, user_id: i64) -> Result<u64, PortError>;
}
