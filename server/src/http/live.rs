//! Live updates over WebSockets. One task per node follows the event bus
//! (so with Redis or RabbitMQ every node hears every change) and fans the
//! updates out to the sockets on this node: `GET /ws/stock?variants=1,2,3`
//! sends `{"variant_id":…,"available":…}` whenever those variants' stock
//! changes — the product page shows it without a reload.
//!
//! Sockets are bounded: at most `limits.websockets` on the node and
//! `limits.websockets_per_ip` from one client address (503 and 429 with
//! `Retry-After` past them), and a client's messages are capped at
//! `limits.websocket_message_bytes` (it only ever needs to close).

use crate::config::LimitSettings;
use crate::http::serve::PerAddress;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use entities::events::DomainEvent;
use entities::ports::EventStream;
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::{broadcast, Semaphore};

/// Most variants one socket may follow.
const MAX_VARIANTS: usize = 100;

/// A variant's available units, as sent to browsers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockUpdate {
    /// The variant.
    pub variant_id: i64,
    /// Units available now.
    pub available: i32,
}

/// The node's fan-out of live updates to its sockets.
#[derive(Clone)]
pub struct LiveHub {
    stock: broadcast::Sender<StockUpdate>,
    sockets: Arc<Semaphore>,
    per_address: PerAddress,
    per_address_max: usize,
    message_bytes: usize,
}

impl LiveHub {
    /// A hub within `limits`.
    pub fn new(limits: &LimitSettings) -> Self {
        Self {
            stock: broadcast::channel(1_024).0,
            sockets: Arc::new(Semaphore::new(limits.websockets)),
            per_address: PerAddress::default(),
            per_address_max: limits.websockets_per_ip,
            message_bytes: limits.websocket_message_bytes,
        }
    }

    /// Feeds the hub from the event bus until the stream ends.
    pub async fn follow(self, mut events: EventStream) {
        while let Some(event) = events.next().await {
            if let DomainEvent::StockChanged(level) = event.event {
                // No socket listening is fine.
                let _ = self.stock.send(StockUpdate { variant_id: level.variant_id.get(), available: level.available });
            }
        }
    }
}

/// Which variants a socket follows.
#[derive(Debug, Deserialize)]
pub struct StockQuery {
    /// Comma-separated variant ids.
    pub variants: String,
}

/// `GET /ws/stock?variants=…`: upgrades to a WebSocket that receives the
/// stock of those variants as it changes.
pub async fn stock(
    ws: WebSocketUpgrade,
    State(hub): State<LiveHub>,
    State(shop): State<entities::Shop>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(q): Query<StockQuery>,
) -> Response {
    let ids: Option<HashSet<i64>> =
        q.variants.split(',').filter(|s| !s.trim().is_empty()).map(|s| s.trim().parse::<i64>().ok()).collect();
    let Some(ids) = ids.filter(|ids| !ids.is_empty() && ids.len() <= MAX_VARIANTS) else {
        return (StatusCode::BAD_REQUEST, format!("variants must be 1 to {MAX_VARIANTS} comma-separated ids"))
            .into_response();
    };
    let busy = |status: StatusCode, why: &'static str| (status, [(header::RETRY_AFTER, "30")], why).into_response();
    let Ok(socket_permit) = hub.sockets.clone().try_acquire_owned() else {
        return busy(StatusCode::SERVICE_UNAVAILABLE, "too many live sockets on this server");
    };
    let client = crate::http::client_ip(&shop, peer.ip(), &headers);
    let Some(address_slot) = hub.per_address.admit(client, hub.per_address_max) else {
        return busy(StatusCode::TOO_MANY_REQUESTS, "too many live sockets from this address");
    };
    let updates = hub.stock.subscribe();
    ws.max_message_size(hub.message_bytes).max_frame_size(hub.message_bytes).on_upgrade(move |socket| async move {
        forward(socket, updates, ids).await;
        drop(socket_permit);
        drop(address_slot);
    })
}

async fn forward(mut socket: WebSocket, mut updates: broadcast::Receiver<StockUpdate>, ids: HashSet<i64>) {
    loop {
        tokio::select! {
            update = updates.recv() => match update {
                Ok(u) if ids.contains(&u.variant_id) => {
                    let Ok(text) = serde_json::to_string(&u) else { continue };
                    if socket.send(Message::Text(text.into())).await.is_err() {
                        break;
                    }
                }
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => break,
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => {}
            },
        }
    }
}
