//! The accept loop. `axum::serve` reads request heads without a deadline
//! and takes every connection offered; this one closes a connection whose
//! request head is not complete within `limits.header_read_timeout_secs`
//! (a slow-header client would otherwise hold it forever), keeps at most
//! `limits.max_connections` open, and at most
//! `limits.max_connections_per_ip` from one client address (an IPv6 /64;
//! trusted proxies are not limited, the shoppers behind them are counted by
//! the rate limits instead). On shutdown it stops accepting and lets open
//! requests finish for up to [`DRAIN`].

use crate::config::LimitSettings;
use axum::extract::connect_info::ConnectInfo;
use axum::Router;
use entities::kernel::network::{limit_key, TrustedProxies};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::collections::HashMap;
use std::future::Future;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// How long open requests may take to finish once shutdown begins.
pub const DRAIN: Duration = Duration::from_secs(10);

/// Open connections per client address, with the one that counts them.
#[derive(Clone, Default)]
pub struct PerAddress {
    open: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

/// One admitted connection of an address; dropping it frees the place.
pub struct AddressSlot {
    open: Arc<Mutex<HashMap<IpAddr, usize>>>,
    key: IpAddr,
}

impl PerAddress {
    /// Admits one more from `ip` when fewer than `max` are open.
    pub fn admit(&self, ip: IpAddr, max: usize) -> Option<AddressSlot> {
        let key = limit_key(ip);
        let mut open = self.open.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let count = open.entry(key).or_insert(0);
        if *count >= max {
            return None;
        }
        *count += 1;
        Some(AddressSlot { open: self.open.clone(), key })
    }

    /// How many are open from `ip`'s address.
    pub fn open(&self, ip: IpAddr) -> usize {
        let open = self.open.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        open.get(&limit_key(ip)).copied().unwrap_or(0)
    }
}

impl Drop for AddressSlot {
    fn drop(&mut self) {
        let mut open = self.open.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(count) = open.get_mut(&self.key) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.key);
            }
        }
    }
}

/// Serves `app` on `listener` within `limits` until `shutdown` completes.
///
/// # Errors
/// Never for a single connection's failure; only when the loop cannot go on.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: &LimitSettings,
    proxies: TrustedProxies,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    // HTTP/1.1 only: its head timer runs from the connection's first read,
    // where HTTP/2's preface has no deadline (a load balancer speaks HTTP/2
    // to browsers when wanted).
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(Duration::from_secs(limits.header_read_timeout_secs))
        .max_buf_size(64 * 1024);
    let builder = Arc::new(builder);
    let connections = Arc::new(Semaphore::new(limits.max_connections));
    let per_address = PerAddress::default();
    // Told when shutdown begins; each connection then finishes its request
    // and closes. The count of open ones says when all have.
    let (stopping, stop_signal) = tokio::sync::watch::channel(false);
    let open = Arc::new(Semaphore::new(0));
    let mut spawned = 0_u32;
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, say: wait rather than spin.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(permit) = connections.clone().try_acquire_owned() else {
            metrics::counter!("bazaar_connections_refused_total", "why" => "node").increment(1);
            continue;
        };
        let slot = if proxies.trusts(peer.ip()) {
            None
        } else {
            match per_address.admit(peer.ip(), limits.max_connections_per_ip) {
                Some(slot) => Some(slot),
                None => {
                    metrics::counter!("bazaar_connections_refused_total", "why" => "address").increment(1);
                    continue;
                }
            }
        };
        let _ = stream.set_nodelay(true);
        // The peer's address reaches handlers (fraud screening's IP rule).
        let service = TowerToHyperService::new(app.clone().map_request(
            move |mut request: axum::extract::Request<hyper::body::Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                request
            },
        ));
        let builder = builder.clone();
        let connection = builder.serve_connection(TokioIo::new(stream), service).with_upgrades();
        let mut stop_signal = stop_signal.clone();
        let open = open.clone();
        spawned += 1;
        tokio::spawn(async move {
            tokio::pin!(connection);
            let ended = tokio::select! {
                ended = connection.as_mut() => ended,
                () = async { drop(stop_signal.wait_for(|stop| *stop).await) } => {
                    connection.as_mut().graceful_shutdown();
                    connection.await
                }
            };
            if let Err(e) = ended {
                tracing::debug!(error = %e, %peer, "connection ended with an error");
            }
            drop(permit);
            drop(slot);
            open.add_permits(1);
        });
    }
    drop(listener);
    let _ = stopping.send(true);
    if tokio::time::timeout(DRAIN, open.acquire_many(spawned)).await.is_err() {
        tracing::warn!("requests still open after {DRAIN:?}; stopping anyway");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_gets_its_share_and_its_place_back() {
        let per = PerAddress::default();
        let a: IpAddr = "2001:db8::1".parse().unwrap();
        let same_64: IpAddr = "2001:db8::ffff".parse().unwrap();
        let first = per.admit(a, 2).unwrap();
        let _second = per.admit(same_64, 2).unwrap();
        assert!(per.admit(a, 2).is_none(), "a /64 is one address");
        assert!(per.admit("2001:db8:0:1::1".parse().unwrap(), 2).is_some(), "another /64 is not");
        drop(first);
        assert_eq!(per.open(a), 1);
        assert!(per.admit(a, 2).is_some());
    }
}
