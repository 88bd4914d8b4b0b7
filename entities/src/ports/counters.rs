use super::PortError;
use std::time::Duration;

/// One more hit counted in a fixed window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    /// Hits in the current window, this one included.
    pub count: u64,
    /// How long until the window ends and counting starts again (what a
    /// refusal's `Retry-After` says).
    pub resets_in: Duration,
}

/// Counters for rate limits, kept apart from the [`super::Cache`]: nothing
/// (a flood of distinct searches, say) can evict a counter and so reset a
/// limit. With Redis configured every node counts in the same place.
#[async_trait::async_trait]
pub trait Counters: Send + Sync {
    /// The adapter's name, for health reports.
    fn name(&self) -> &'static str;

    /// Counts one hit on `key`. The window starts at the first hit and
    /// ends `window` later whatever happens meanwhile. Atomic: concurrent
    /// hits are all counted.
    ///
    /// # Errors
    /// When the backing service fails.
    async fn hit(&self, key: &str, window: Duration) -> Result<Hit, PortError>;

    /// Hits on `key` in its current window (0 when none).
    ///
    /// # Errors
    /// When the backing service fails.
    async fn count(&self, key: &str) -> Result<u64, PortError>;

    /// Ends `key`'s window (a right password clears the wrong ones).
    ///
    /// # Errors
    /// When the backing service fails.
    async fn clear(&self, key: &str) -> Result<(), PortError>;
}
