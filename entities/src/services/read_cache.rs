//! Read-through caching of catalog reads in the `Cache` port.
//!
//! Entries live for [`CATALOG_TTL`]; that is the longest a shopper can see a
//! catalog page that is older than the database. Writes that must show at
//! once (price changes, issue 3) delete their keys; stock is always checked
//! against the database when it matters (adding to the cart, checkout).
//!
//! Loads are single-flight per key and process: when an entry expires under
//! load, one request reloads it while the others wait for that result,
//! instead of all of them hitting the database at once.

use super::ServiceResult;
use crate::ports::Cache;
use serde::{de::DeserializeOwned, Serialize};
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

type Gate = Arc<tokio::sync::Mutex<()>>;

/// One gate per key being loaded right now in this process.
static IN_FLIGHT: LazyLock<Mutex<HashMap<String, Gate>>> = LazyLock::new(Default::default);

/// How long a cached catalog read may be served.
pub const CATALOG_TTL: Duration = Duration::from_secs(30);

/// Bumped when the shape of a cached value changes, so old entries in a
/// shared Redis are never read by new code.
const VERSION: &str = "v2";

/// Returns the value cached under `key`, or loads it, caches it for `ttl`
/// and returns it. Errors are not cached. A failing cache is logged and
/// bypassed: the shop keeps working from the database.
///
/// # Errors
/// Whatever `load` returns.
pub async fn cached<T, F>(cache: &dyn Cache, key: &str, ttl: Duration, load: F) -> ServiceResult<T>
where
    T: Serialize + DeserializeOwned,
    F: Future<Output = ServiceResult<T>>,
{
    let key = format!("{VERSION}:{key}");
    if let Some(value) = lookup(cache, &key).await {
        return Ok(value);
    }
    let gate =
        IN_FLIGHT.lock().unwrap_or_else(std::sync::PoisonError::into_inner).entry(key.clone()).or_default().clone();
    let result = {
        let _turn = gate.lock().await;
        // Whoever held the gate before us may have filled the cache.
        match lookup(cache, &key).await {
            Some(value) => Ok(value),
            None => load_and_store(cache, &key, ttl, load).await,
        }
    };
    let mut in_flight = IN_FLIGHT.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    // Ours and the map's are the only handles left: nobody else waits.
    if Arc::strong_count(&gate) == 2 {
        in_flight.remove(&key);
    }
    result
}

/// The cache key of a product page.
pub fn product_key(slug: &str) -> String {
    format!("catalog:product:{slug}")
}

/// Drops a cached read (same key as given to [`cached`]). A failing cache
/// is logged: the entry then ages out within its TTL.
pub async fn invalidate(cache: &dyn Cache, key: &str) {
    if let Err(e) = cache.delete(&format!("{VERSION}:{key}")).await {
        tracing::warn!(error = %e, %key, "could not drop a cached read; it expires with its TTL");
    }
}

async fn lookup<T: DeserializeOwned>(cache: &dyn Cache, key: &str) -> Option<T> {
    match cache.get(key).await {
        Ok(Some(json)) => match serde_json::from_str(&json) {
            Ok(value) => Some(value),
            Err(e) => {
                tracing::warn!(error = %e, %key, "unreadable cache entry; reloading");
                None
            }
        },
        Ok(None) => None,
        Err(e) => {
            tracing::warn!(error = %e, "cache unavailable; reading the database");
            None
        }
    }
}

async fn load_and_store<T, F>(cache: &dyn Cache, key: &str, ttl: Duration, load: F) -> ServiceResult<T>
where
    T: Serialize,
    F: Future<Output = ServiceResult<T>>,
{
    let value = load.await?;
    match serde_json::to_string(&value) {
        Ok(json) => {
            if let Err(e) = cache.set(key, &json, ttl).await {
                tracing::warn!(error = %e, "could not fill the cache");
            }
        }
        Err(e) => tracing::warn!(error = %e, "could not serialise a value for the cache"),
    }
    Ok(value)
}
