use super::PortError;
use std::time::Duration;

/// A key-value cache with expiry. Values are strings (JSON by convention);
/// a miss is `None`, never an error.
#[async_trait::async_trait]
pub trait Cache: Send + Sync {
    /// The adapter's name, for health reports.
    fn name(&self) -> &'static str;

    /// The value stored under `key`, if present and not expired.
    ///
    /// # Errors
    /// When the backing service fails.
    async fn get(&self, key: &str) -> Result<Option<String>, PortError>;

    /// Stores `value` under `key` for `ttl`.
    ///
    /// # Errors
    /// When the backing service fails.
    async fn set(&self, key: &str, value: &str, ttl: Duration) -> Result<(), PortError>;

    /// Removes `key`; removing a missing key is fine.
    ///
    /// # Errors
    /// When the backing service fails.
    async fn delete(&self, key: &str) -> Result<(), PortError>;

    /// Adds one to the counter under `key` and returns the new count. The
    /// counter starts at the first increment and disappears `window` after
    /// that, whatever happens meanwhile (a fixed window, for rate limits).
    /// Atomic: concurrent increments are all counted.
    ///
    /// # Errors
    /// When the backing service fails.
    async fn incr(&self, key: &str, window: Duration) -> Result<u64, PortError>;

    /// Checks that the backing service answers.
    ///
    /// # Errors
    /// When it does not.
    async fn ping(&self) -> Result<(), PortError>;
}
