//! The embedded cache: in-process, bounded, with per-entry expiry (moka).

use entities::ports::{Cache, PortError};
use moka::future::Cache as Moka;
use moka::Expiry;
use std::time::{Duration, Instant};

#[derive(Clone)]
struct Entry {
    value: String,
    ttl: Duration,
    /// A counter's fixed end: updates do not move it.
    until: Option<Instant>,
}

struct PerEntryTtl;

impl Expiry<String, Entry> for PerEntryTtl {
    fn expire_after_create(&self, _key: &String, entry: &Entry, _now: Instant) -> Option<Duration> {
        Some(entry.ttl)
    }

    fn expire_after_update(
        &self,
        _key: &String,
        entry: &Entry,
        now: Instant,
        _left: Option<Duration>,
    ) -> Option<Duration> {
        Some(entry.until.map_or(entry.ttl, |until| until.saturating_duration_since(now)))
    }
}

/// An in-process cache bounded by the bytes of its keys and values, so a
/// flood of distinct searches cannot grow the process without limit.
#[derive(Clone)]
pub struct MemoryCache {
    inner: Moka<String, Entry>,
}

impl MemoryCache {
    /// A cache holding at most about `max_bytes` of keys and values.
    pub fn new(max_bytes: u64) -> Self {
        let inner = Moka::builder()
            .max_capacity(max_bytes)
            .weigher(|key: &String, entry: &Entry| u32::try_from(key.len() + entry.value.len()).unwrap_or(u32::MAX))
            .expire_after(PerEntryTtl)
            .build();
        Self { inner }
    }
}

#[async_trait::async_trait]
impl Cache for MemoryCache {
    fn name(&self) -> &'static str {
        "memory"
    }

    async fn get(&self, key: &str) -> Result<Option<String>, PortError> {
        Ok(self.inner.get(key).await.map(|e| e.value))
    }

    async fn set(&self, key: &str, value: &str, ttl: Duration) -> Result<(), PortError> {
        self.inner.insert(key.to_owned(), Entry { value: value.to_owned(), ttl, until: None }).await;
        Ok(())
    }

    async fn delete(&self, key: &str) -> Result<(), PortError> {
        self.inner.invalidate(key).await;
        Ok(())
    }

    async fn incr(&self, key: &str, window: Duration) -> Result<u64, PortError> {
        let entry = self
            .inner
            .entry(key.to_owned())
            .and_upsert_with(|old| async move {
                let now = Instant::now();
                match old.map(moka::Entry::into_value) {
                    Some(e) if e.until.is_some_and(|until| until > now) => {
                        let count = e.value.parse::<u64>().unwrap_or(0) + 1;
                        Entry { value: count.to_string(), ..e }
                    }
                    _ => Entry { value: "1".into(), ttl: window, until: Some(now + window) },
                }
            })
            .await;
        Ok(entry.into_value().value.parse().unwrap_or(1))
    }

    async fn ping(&self) -> Result<(), PortError> {
        Ok(())
    }
}
