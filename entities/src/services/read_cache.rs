//! Read-through caching of catalog reads in the `Cache` port.
//!
//! Entries live for [`CATALOG_TTL`]; that is the longest a shopper can see a
//! catalog page that is older than the database. Writes that must show at
//! once (price changes, issue 3) delete their keys; stock is always checked
//! against the database when it matters (adding to the cart, checkout).

use super::ServiceResult;
use crate::ports::Cache;
use serde::{de::DeserializeOwned, Serialize};
use std::future::Future;
use std::time::Duration;

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
    match cache.get(&key).await {
        Ok(Some(json)) => match serde_json::from_str(&json) {
            Ok(value) => return Ok(value),
            Err(e) => tracing::warn!(error = %e, %key, "unreadable cache entry; reloading"),
        },
        Ok(None) => {}
        Err(e) => tracing::warn!(error = %e, "cache unavailable; reading the database"),
    }
    let value = load.await?;
    match serde_json::to_string(&value) {
        Ok(json) => {
            if let Err(e) = cache.set(&key, &json, ttl).await {
                tracing::warn!(error = %e, "could not fill the cache");
            }
        }
        Err(e) => tracing::warn!(error = %e, "could not serialise a value for the cache"),
    }
    Ok(value)
}
