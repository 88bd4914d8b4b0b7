//! The scaled cache: Redis through fred, keys under a prefix.

use entities::ports::{Cache, PortError};
use fred::prelude::*;
use std::time::Duration;

const SERVICE: &str = "redis";

/// A client builder for `url` that reconnects forever (backing off up to
/// 5 s) and gives up on a command after 2 s, so a Redis restart heals by
/// itself and a hung Redis never blocks a request for long.
///
/// # Errors
/// When the URL is malformed.
pub fn builder(url: &str) -> Result<Builder, PortError> {
    let config = Config::from_url(url).map_err(|e| PortError::unavailable(SERVICE, e))?;
    let mut builder = Builder::from_config(config);
    builder
        .set_policy(ReconnectPolicy::new_exponential(0, 100, 5_000, 2))
        .with_connection_config(|c| c.connection_timeout = Duration::from_secs(5))
        .with_performance_config(|p| p.default_command_timeout = Duration::from_secs(2));
    Ok(builder)
}

/// Connects a fred client to `url` (see [`builder`]).
///
/// # Errors
/// When the URL is malformed or the server does not answer.
pub async fn connect(url: &str) -> Result<Client, PortError> {
    let client = builder(url)?.build().map_err(|e| PortError::unavailable(SERVICE, e))?;
    client.init().await.map_err(|e| PortError::unavailable(SERVICE, e))?;
    Ok(client)
}

/// A cache in Redis; every key gets `prefix` in front.
#[derive(Clone)]
pub struct RedisCache {
    client: Client,
    prefix: String,
}

impl RedisCache {
    /// A cache over a connected client.
    pub fn new(client: Client, prefix: impl Into<String>) -> Self {
        Self { client, prefix: prefix.into() }
    }

    fn key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }
}

#[async_trait::async_trait]
impl Cache for RedisCache {
    fn name(&self) -> &'static str {
        SERVICE
    }

    async fn get(&self, key: &str) -> Result<Option<String>, PortError> {
        self.client.get(self.key(key)).await.map_err(|e| PortError::unavailable(SERVICE, e))
    }

    async fn set(&self, key: &str, value: &str, ttl: Duration) -> Result<(), PortError> {
        let millis = i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX).max(1);
        self.client
            .set::<(), _, _>(self.key(key), value, Some(Expiration::PX(millis)), None, false)
            .await
            .map_err(|e| PortError::unavailable(SERVICE, e))
    }

    async fn delete(&self, key: &str) -> Result<(), PortError> {
        self.client.del::<i64, _>(self.key(key)).await.map(|_| ()).map_err(|e| PortError::unavailable(SERVICE, e))
    }

    async fn incr(&self, key: &str, window: Duration) -> Result<u64, PortError> {
        let key = self.key(key);
        let millis = i64::try_from(window.as_millis()).unwrap_or(i64::MAX).max(1);
        // Create it with its expiry first (only when missing): INCR keeps the
        // expiry, so no crash between the two leaves a counter that never ends.
        self.client
            .set::<(), _, _>(&key, 0, Some(Expiration::PX(millis)), Some(SetOptions::NX), false)
            .await
            .map_err(|e| PortError::unavailable(SERVICE, e))?;
        let count: i64 = self.client.incr(&key).await.map_err(|e| PortError::unavailable(SERVICE, e))?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    async fn ping(&self) -> Result<(), PortError> {
        self.client.ping::<String>(None).await.map(|_| ()).map_err(|e| PortError::unavailable(SERVICE, e))
    }
}
