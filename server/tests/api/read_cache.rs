//! Read-through caching of catalog reads.

use crate::contract_cache::ManualClock;
use entities::kernel::read_cache::cached;
use entities::ServiceError;
use entities::ServiceResult;
use server::adapters::cache::memory::MemoryCache;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

async fn load(loads: &AtomicU32, value: u32) -> ServiceResult<u32> {
    loads.fetch_add(1, Ordering::SeqCst);
    Ok(value)
}

#[tokio::test]
async fn a_cached_read_loads_once_until_its_ttl_runs_out() {
    let time = ManualClock::new();
    let cache = MemoryCache::with_clock(1 << 20, time.clock());
    let loads = AtomicU32::new(0);
    let ttl = Duration::from_secs(30);

    let first = cached(&cache, "k", ttl, load(&loads, 1)).await.unwrap();
    time.advance(Duration::from_secs(29));
    let second = cached(&cache, "k", ttl, load(&loads, 2)).await.unwrap();
    time.advance(Duration::from_secs(2));
    let third = cached(&cache, "k", ttl, load(&loads, 3)).await.unwrap();

    assert_eq!((first, second, third), (1, 1, 3), "served from the cache until the ttl ends");
    assert_eq!(loads.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn errors_are_not_cached() {
    let cache = MemoryCache::new(1 << 20);
    let failed: ServiceResult<u32> =
        cached(&cache, "k", Duration::from_secs(60), async { Err(ServiceError::NotFound("thing")) }).await;
    let loads = AtomicU32::new(0);

    let then = cached(&cache, "k", Duration::from_secs(60), load(&loads, 7)).await.unwrap();

    assert!(failed.is_err());
    assert_eq!(then, 7);
    assert_eq!(loads.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn concurrent_misses_of_one_key_load_it_once() {
    let cache = MemoryCache::new(1 << 20);
    let loads = AtomicU32::new(0);
    let slow_load = || async {
        loads.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(100)).await;
        Ok::<u32, ServiceError>(42)
    };

    let results =
        futures::future::join_all((0..20).map(|_| cached(&cache, "hot", Duration::from_secs(60), slow_load()))).await;

    assert!(results.iter().all(|r| matches!(r, Ok(42))));
    assert_eq!(loads.load(Ordering::SeqCst), 1, "one load served all twenty readers");
}
