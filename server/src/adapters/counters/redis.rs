//! Rate-limit counters in Redis, so every node counts in the same place.
//! Keys live under their own prefix; give Redis a `maxmemory-policy` that
//! does not evict keys with an expiry (`noeviction`, or a Redis of its own),
//! or a full Redis may reset a limit (docs/SECURITY.md).

use entities::ports::{Counters, Hit, PortError};
use fred::prelude::*;
use fred::types::{Expiration, SetOptions};
use std::time::Duration;

const SERVICE: &str = "redis";

/// Counters in Redis; every key gets `prefix` in front.
#[derive(Clone)]
pub struct RedisCounters {
    client: Client,
    prefix: String,
}

impl RedisCounters {
    /// Counters on `client` under `prefix`.
    pub fn new(client: Client, prefix: impl Into<String>) -> Self {
        Self { client, prefix: prefix.into() }
    }
}

#[async_trait::async_trait]
impl Counters for RedisCounters {
    fn name(&self) -> &'static str {
        SERVICE
    }

    async fn hit(&self, key: &str, window: Duration) -> Result<Hit, PortError> {
        let key = format!("{}{key}", self.prefix);
        let millis = i64::try_from(window.as_millis()).unwrap_or(i64::MAX).max(1);
        // Made with its expiry first (only when missing): INCR keeps the
        // expiry. Should the key end between the two, INCR makes it anew
        // without one, which the PTTL below catches.
        let pipeline = self.client.pipeline();
        let unavailable = |e: fred::error::Error| PortError::unavailable(SERVICE, e);
        pipeline
            .set::<(), _, _>(&key, 0, Some(Expiration::PX(millis)), Some(SetOptions::NX), false)
            .await
            .map_err(unavailable)?;
        pipeline.incr::<(), _>(&key).await.map_err(unavailable)?;
        pipeline.pttl::<(), _>(&key).await.map_err(unavailable)?;
        let (_, count, mut left): (Option<String>, i64, i64) = pipeline.all().await.map_err(unavailable)?;
        if left < 0 {
            // The window ended between SET NX and INCR, which made the key
            // anew without an expiry: give it its window now, or it would
            // count for ever.
            self.client.pexpire::<(), _>(&key, millis, None).await.map_err(unavailable)?;
            left = millis;
        }
        Ok(Hit {
            count: u64::try_from(count).unwrap_or(0),
            resets_in: Duration::from_millis(u64::try_from(left).unwrap_or(0)).max(Duration::from_secs(1)),
        })
    }

    async fn count(&self, key: &str) -> Result<u64, PortError> {
        let value: Option<i64> =
            self.client.get(format!("{}{key}", self.prefix)).await.map_err(|e| PortError::unavailable(SERVICE, e))?;
        Ok(value.and_then(|v| u64::try_from(v).ok()).unwrap_or(0))
    }

    async fn clear(&self, key: &str) -> Result<(), PortError> {
        self.client.del::<(), _>(format!("{}{key}", self.prefix)).await.map_err(|e| PortError::unavailable(SERVICE, e))
    }
}
