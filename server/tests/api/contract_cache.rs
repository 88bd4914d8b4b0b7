//! The `Cache` contract, run against every adapter.

use crate::helpers::redis_url;
use entities::ports::Cache;
use server::adapters::{
    memory_cache::MemoryCache,
    redis_cache::{connect, RedisCache},
};
use std::time::Duration;

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

    cache.set("short", "x", Duration::from_millis(100)).await.unwrap();
    cache.set("long", "y", Duration::from_secs(60)).await.unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(cache.get("short").await.unwrap(), None, "entries expire after their ttl");
    assert_eq!(cache.get("long").await.unwrap().as_deref(), Some("y"), "others stay");

    // A two-second window: wide enough for a loaded machine to do the 21
    // increments and the nap inside it.
    let window = Duration::from_secs(2);
    assert_eq!(cache.incr("tries", window).await.unwrap(), 1, "a counter starts at one");
    let many = futures::future::join_all((0..20).map(|_| cache.incr("tries", window))).await;
    let mut counts: Vec<u64> = many.into_iter().map(Result::unwrap).collect();
    counts.sort_unstable();
    assert_eq!(counts, (2..=21).collect::<Vec<u64>>(), "concurrent increments are each counted once");
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    assert_eq!(cache.incr("tries", window).await.unwrap(), 22, "an increment does not move the end");
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    assert_eq!(cache.incr("tries", window).await.unwrap(), 1, "after the window it starts again");

    let unicode = "Crème brûlée — €12.50 🍮";
    cache.set("unicode", unicode, Duration::from_secs(60)).await.unwrap();
    assert_eq!(cache.get("unicode").await.unwrap().as_deref(), Some(unicode));
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
