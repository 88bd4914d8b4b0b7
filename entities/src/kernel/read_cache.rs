//! Read-through caching of catalog reads in the `Cache` port.
//!
//! Catalog reads are cached under a *generation*: a value kept in the cache
//! itself (so every node sharing a Redis agrees on it) and replaced when the
//! catalog changes. A change makes every older entry unreachable at once —
//! product pages, category pages, the home page and searches alike.
//!
//! - [`Scope::Catalog`] (pages read from the database) moves on when the
//!   cache invalidator sees a `product.changed`, `category.changed` or
//!   `vendor.changed` event from the outbox.
//! - [`Scope::Search`] (search results) moves on when the indexer has applied
//!   such an event to the index, so a search never caches a result from
//!   before the index caught up.
//!
//! A read after a write is therefore old for at most the outbox relay's
//! delay plus the indexer's (well under a second on one node), and never
//! longer than [`CATALOG_TTL`] even when events are late or the cache fails.
//! Stock is always checked against the database when it matters (adding to
//! the cart, checkout).
//!
//! Loads are single-flight per key and process: when an entry expires under
//! load, one request reloads it while the others wait for that result,
//! instead of all of them hitting the database at once.

use crate::ports::Cache;
use crate::ServiceResult;
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
const VERSION: &str = "v3";

/// How long a generation marker lives; far longer than any entry, and when
/// it has gone the next change sets it again.
const GENERATION_TTL: Duration = Duration::from_secs(7 * 24 * 3600);

/// The families of cached reads that move to a new generation together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Reads from the catalog tables.
    Catalog,
    /// Reads from the search index.
    Search,
}

impl Scope {
    fn generation_key(self) -> String {
        match self {
            Self::Catalog => format!("{VERSION}:generation:catalog"),
            Self::Search => format!("{VERSION}:generation:search"),
        }
    }
}

/// [`cached`] for [`CATALOG_TTL`] under the current generation of `scope`.
///
/// # Errors
/// Whatever `load` returns.
pub async fn cached_in<T, F>(cache: &dyn Cache, scope: Scope, key: &str, load: F) -> ServiceResult<T>
where
    T: Serialize + DeserializeOwned,
    F: Future<Output = ServiceResult<T>>,
{
    let generation = match cache.get(&scope.generation_key()).await {
        Ok(Some(generation)) => generation,
        Ok(None) => "0".to_owned(),
        Err(e) => {
            // The entry lookup below fails the same way and the read goes to the database.
            tracing::debug!(error = %e, "cache unavailable");
            "0".to_owned()
        }
    };
    cached(cache, &format!("{key}@{generation}"), CATALOG_TTL, load).await
}

/// Moves `scope` to a new generation named `generation` (an event id):
/// every entry cached before is never read again. Setting the same
/// generation twice (a redelivered event, or every node handling the same
/// event) is harmless. A failing cache is logged; entries then age out
/// within [`CATALOG_TTL`].
pub async fn new_generation(cache: &dyn Cache, scope: Scope, generation: &str) {
    if let Err(e) = cache.set(&scope.generation_key(), generation, GENERATION_TTL).await {
        tracing::warn!(error = %e, ?scope, "could not move cached reads to a new generation; they expire with their TTL");
    }
}

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
