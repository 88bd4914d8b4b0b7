//! The embedded cache: in-process, bounded, with per-entry expiry (moka).
//!
//! Expiry is decided by the cache's clock — the real one, or one a test
//! moves — so time-based behaviour is tested without sleeping. moka's own
//! eviction (on real time) only frees memory; an entry whose time has come
//! by the cache's clock is never answered.

use entities::ports::{Cache, PortError};
use moka::future::Cache as Moka;
use moka::Expiry;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What "now" is for a [`MemoryCache`].
pub type Clock = Arc<dyn Fn() -> Instant + Send + Sync>;

#[derive(Clone)]
struct Entry {
    value: String,
    /// Set and increment both fix the end; updates of a counter keep it.
    until: Instant,
}

/// moka evicts an entry when the cache's clock says it ended (measured on
/// moka's clock, which is the real one: with a test clock ahead of real
/// time an entry may linger in memory, but it is not answered).
struct UntilItsEnd {
    clock: Clock,
}

impl Expiry<String, Entry> for UntilItsEnd {
    fn expire_after_create(&self, _key: &String, entry: &Entry, _now: Instant) -> Option<Duration> {
        Some(entry.until.saturating_duration_since((self.clock)()))
    }

    fn expire_after_update(
        &self,
        _key: &String,
        entry: &Entry,
        _now: Instant,
        _left: Option<Duration>,
    ) -> Option<Duration> {
        Some(entry.until.saturating_duration_since((self.clock)()))
    }
}

/// An in-process cache bounded by the bytes of its keys and values, so a
/// flood of distinct searches cannot grow the process without limit.
#[derive(Clone)]
pub struct MemoryCache {
    inner: Moka<String, Entry>,
    clock: Clock,
}

impl MemoryCache {
    /// A cache holding at most about `max_bytes` of keys and values.
    pub fn new(max_bytes: u64) -> Self {
        Self::with_clock(max_bytes, Arc::new(Instant::now))
    }

    /// [`MemoryCache::new`] with `clock` deciding when entries end.
    pub fn with_clock(max_bytes: u64, clock: Clock) -> Self {
        let inner = Moka::builder()
            .max_capacity(max_bytes)
            .weigher(|key: &String, entry: &Entry| u32::try_from(key.len() + entry.value.len()).unwrap_or(u32::MAX))
            .expire_after(UntilItsEnd { clock: clock.clone() })
            .build();
        Self { inner, clock }
    }

    fn now(&self) -> Instant {
        (self.clock)()
    }
}

#[async_trait::async_trait]
impl Cache for MemoryCache {
    fn name(&self) -> &'static str {
        "memory"
    }

    async fn get(&self, key: &str) -> Result<Option<String>, PortError> {
        let now = self.now();
        Ok(self.inner.get(key).await.filter(|e| e.until > now).map(|e| e.value))
    }

    async fn set(&self, key: &str, value: &str, ttl: Duration) -> Result<(), PortError> {
        self.inner.insert(key.to_owned(), Entry { value: value.to_owned(), until: self.now() + ttl }).await;
        Ok(())
    }

    async fn delete(&self, key: &str) -> Result<(), PortError> {
        self.inner.invalidate(key).await;
        Ok(())
    }

    async fn incr(&self, key: &str, window: Duration) -> Result<u64, PortError> {
        let now = self.now();
        let entry = self
            .inner
            .entry(key.to_owned())
            .and_upsert_with(|old| async move {
                match old.map(moka::Entry::into_value) {
                    Some(e) if e.until > now => {
                        let count = e.value.parse::<u64>().unwrap_or(0) + 1;
                        Entry { value: count.to_string(), ..e }
                    }
                    _ => Entry { value: "1".into(), until: now + window },
                }
            })
            .await;
        Ok(entry.into_value().value.parse().unwrap_or(1))
    }

    async fn ping(&self) -> Result<(), PortError> {
        Ok(())
    }
}
