//! Rate-limit counters in process: a map of fixed windows, never evicted
//! by anything but their own end. Ended windows are swept as the map
//! grows; past `max_keys` live windows a new key is not stored (and counts
//! as its first hit), so a flood of distinct keys cannot grow the process
//! without limit; it is logged.

use entities::ports::{Counters, Hit, PortError};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What "now" is for the counters (a test moves it).
pub type Clock = Arc<dyn Fn() -> Instant + Send + Sync>;

/// Counters of this process.
#[derive(Clone)]
pub struct MemoryCounters {
    windows: Arc<Mutex<HashMap<String, (u64, Instant)>>>,
    max_keys: usize,
    clock: Clock,
}

impl MemoryCounters {
    /// Counters keeping at most `max_keys` live windows.
    pub fn new(max_keys: usize) -> Self {
        Self::with_clock(max_keys, Arc::new(Instant::now))
    }

    /// [`MemoryCounters::new`] on `clock`.
    pub fn with_clock(max_keys: usize, clock: Clock) -> Self {
        Self { windows: Arc::default(), max_keys, clock }
    }
}

#[async_trait::async_trait]
impl Counters for MemoryCounters {
    fn name(&self) -> &'static str {
        "memory"
    }

    async fn hit(&self, key: &str, window: Duration) -> Result<Hit, PortError> {
        let now = (self.clock)();
        let mut windows = self.windows.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((count, until)) = windows.get_mut(key) {
            if *until > now {
                *count += 1;
                return Ok(Hit { count: *count, resets_in: *until - now });
            }
        }
        if windows.len() >= self.max_keys && !windows.contains_key(key) {
            windows.retain(|_, (_, until)| *until > now);
            if windows.len() >= self.max_keys {
                tracing::warn!(keys = windows.len(), "rate-limit counters are full; a new key is not counted");
                return Ok(Hit { count: 1, resets_in: window });
            }
        }
        windows.insert(key.to_owned(), (1, now + window));
        Ok(Hit { count: 1, resets_in: window })
    }

    async fn count(&self, key: &str) -> Result<u64, PortError> {
        let now = (self.clock)();
        let windows = self.windows.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        Ok(windows.get(key).filter(|(_, until)| *until > now).map_or(0, |(count, _)| *count))
    }

    async fn clear(&self, key: &str) -> Result<(), PortError> {
        self.windows.lock().unwrap_or_else(std::sync::PoisonError::into_inner).remove(key);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};

    #[tokio::test]
    async fn a_window_counts_until_its_end_and_full_counters_stay_bounded() {
        let start = Instant::now();
        let offset = Arc::new(AtomicU64::new(0));
        let clock: Clock = {
            let offset = offset.clone();
            Arc::new(move || start + Duration::from_millis(offset.load(Ordering::SeqCst)))
        };
        let counters = MemoryCounters::with_clock(2, clock);
        let minute = Duration::from_secs(60);
        assert_eq!(counters.hit("a", minute).await.unwrap().count, 1);
        offset.store(10_000, Ordering::SeqCst);
        let second = counters.hit("a", minute).await.unwrap();
        assert_eq!((second.count, second.resets_in), (2, Duration::from_secs(50)));
        counters.hit("b", minute).await.unwrap();
        assert_eq!(counters.hit("c", minute).await.unwrap().count, 1, "full: not stored");
        assert_eq!(counters.hit("c", minute).await.unwrap().count, 1);
        assert_eq!(counters.hit("a", minute).await.unwrap().count, 3, "the others keep counting");
        offset.store(71_000, Ordering::SeqCst);
        assert_eq!(counters.hit("a", minute).await.unwrap().count, 1, "a new window");
        assert_eq!(counters.hit("c", minute).await.unwrap().count, 1);
        assert_eq!(counters.hit("c", minute).await.unwrap().count, 2, "room again once windows ended");
        assert_eq!(counters.count("c").await.unwrap(), 2);
        counters.clear("c").await.unwrap();
        assert_eq!(counters.count("c").await.unwrap(), 0);
    }
}
