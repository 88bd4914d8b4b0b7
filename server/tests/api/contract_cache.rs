//! The `Cache` contract, run against every adapter.

use crate::helpers::redis_url;
use entities::ports::Cache;
use fred::prelude::*;
use server::adapters::{
    cache::memory::{Clock, MemoryCache},
    cache::redis::{connect, RedisCache},
};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

async fn cache_contract(cache: &dyn Cache) {
    cache.ping().await.unwrap();
    assert_eq!(cache.get("missing").await.unwrap(), None, "a miss is None");

    cache.set("k", "v1", Duration::from_secs(60)).await.unwrap();
    assert_eq!(cache.get("k").await.unwrap().as_deref(), Some("v1"));

    cache.set("k", "v2", Duration::from_secs(60)).await.unwrap();
    assert_eq!(cache.get("k").await.unwrap().as_deref(), Some("v2"), "set overwrites");

    cache.delete("k").await.unwrap();
    assert_eq!(cache.get("k").await.unwrap(), None, "delete removes");
    cache.delete("k").await.unwrap();

    let window = Duration::from_secs(600);
    assert_eq!(cache.incr("tries", window).await.unwrap(), 1, "a counter starts at one");
    let many = futures::future::join_all((0..20).map(|_| cache.incr("tries", window))).await;
    let mut counts: Vec<u64> = many.into_iter().map(Result::unwrap).collect();
    counts.sort_unstable();
    assert_eq!(counts, (2..=21).collect::<Vec<u64>>(), "concurrent increments are each counted once");

    let unicode = "Crème brûlée — €12.50 🍮";
    cache.set("unicode", unicode, Duration::from_secs(60)).await.unwrap();
    assert_eq!(cache.get("unicode").await.unwrap().as_deref(), Some(unicode));
}

/// A clock the test moves by hand.
#[derive(Clone)]
pub struct ManualClock(Arc<Mutex<Instant>>);

impl ManualClock {
    pub fn new() -> Self {
        Self(Arc::new(Mutex::new(Instant::now())))
    }

    pub fn advance(&self, by: Duration) {
        *self.0.lock().unwrap() += by;
    }

    pub fn clock(&self) -> Clock {
        let now = self.0.clone();
        Arc::new(move || *now.lock().unwrap())
    }
}

#[tokio::test]
async fn memory_entries_and_counters_end_when_their_time_is_up() {
    let time = ManualClock::new();
    let cache = MemoryCache::with_clock(1 << 20, time.clock());
    cache.set("short", "x", Duration::from_secs(10)).await.unwrap();
    cache.set("long", "y", Duration::from_secs(600)).await.unwrap();
    let window = Duration::from_secs(60);
    assert_eq!(cache.incr("tries", window).await.unwrap(), 1);

    time.advance(Duration::from_secs(9));
    assert_eq!(cache.get("short").await.unwrap().as_deref(), Some("x"), "not before its ttl");
    time.advance(Duration::from_secs(2));
    assert_eq!(cache.get("short").await.unwrap(), None, "entries expire after their ttl");
    assert_eq!(cache.get("long").await.unwrap().as_deref(), Some("y"), "others stay");

    time.advance(Duration::from_secs(30));
    assert_eq!(cache.incr("tries", window).await.unwrap(), 2, "an increment does not move the end");
    time.advance(Duration::from_secs(20));
    assert_eq!(cache.incr("tries", window).await.unwrap(), 1, "after the window it starts again");
}

/// Redis keeps time itself: what the adapter controls is the expiry it asks
/// for, read back here with `PTTL` (no sleeping).
#[tokio::test]
async fn redis_entries_and_counters_get_their_ttl_and_a_window_that_does_not_move() {
    let client = connect(&redis_url()).await.expect("Redis is running (see README)");
    let prefix = format!("bazaar-test:{}:", uuid::Uuid::new_v4());
    let cache = RedisCache::new(client.clone(), prefix.clone());
    let pttl = |key: &str| {
        let (client, key) = (client.clone(), format!("{prefix}{key}"));
        async move { client.pttl::<i64, _>(key).await.unwrap() }
    };

    cache.set("short", "x", Duration::from_secs(10)).await.unwrap();
    let left = pttl("short").await;
    assert!((1..=10_000).contains(&left), "a set entry ends after its ttl ({left} ms left)");

    let window = Duration::from_secs(60);
    assert_eq!(cache.incr("tries", window).await.unwrap(), 1);
    let first = pttl("tries").await;
    assert!((1..=60_000).contains(&first), "a counter ends a window after it starts ({first} ms left)");
    assert_eq!(cache.incr("tries", window).await.unwrap(), 2);
    let second = pttl("tries").await;
    assert!((1..=first).contains(&second), "an increment does not move the end ({first} then {second} ms)");

    // Once Redis has ended the window, counting starts again.
    client.pexpire::<(), _>(format!("{prefix}tries"), 1, None).await.unwrap();
    while client.exists::<i64, _>(format!("{prefix}tries")).await.unwrap() == 1 {
        tokio::task::yield_now().await;
    }
    assert_eq!(cache.incr("tries", window).await.unwrap(), 1, "after the window it starts again");
}

#[tokio::test]
async fn the_memory_cache_keeps_the_contract() {
    cache_contract(&MemoryCache::new(1 << 20)).await;
}

#[tokio::test]
async fn the_redis_cache_keeps_the_contract() {
    let client = connect(&redis_url()).await.expect("Redis is running (see README)");
    let prefix = format!("bazaar-test:{}:", uuid::Uuid::new_v4());
    cache_contract(&RedisCache::new(client, prefix)).await;
}

#[tokio::test]
async fn redis_caches_with_different_prefixes_do_not_see_each_other() {
    let client = connect(&redis_url()).await.unwrap();
    let a = RedisCache::new(client.clone(), format!("t:{}:", uuid::Uuid::new_v4()));
    let b = RedisCache::new(client, format!("t:{}:", uuid::Uuid::new_v4()));
    a.set("k", "a", Duration::from_secs(60)).await.unwrap();
    assert_eq!(b.get("k").await.unwrap(), None);
}
