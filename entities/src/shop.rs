//! The shop as the use cases see it: the database and the ports, built once
//! by the server and shared (cheap to clone), and how the shop sells.

use crate::ports::{Cache, Counters, EventBus, SearchIndex, SessionStore};
use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// The database and the ports: everything a use case may touch. Built once by
/// the server and shared (cheap to clone).
#[derive(Clone)]
pub struct Shop {
    /// The database (SQLite or PostgreSQL).
    pub db: DatabaseConnection,
    /// The search index.
    pub search: Arc<dyn SearchIndex>,
    /// The cache.
    pub cache: Arc<dyn Cache>,
    /// Rate-limit counters (never evicted by the cache's traffic).
    pub counters: Arc<dyn Counters>,
    /// The event bus.
    pub bus: Arc<dyn EventBus>,
    /// Files: uploaded images and their renditions (a local folder, or S3).
    pub objects: Arc<dyn object_store::ObjectStore>,
    /// Product views not yet written (for "trending").
    pub views: crate::catalog::recommend::ViewCounter,
    /// The payment providers (the first is the default).
    pub payments: crate::ports::PaymentProviders,
    /// How the shop sells.
    pub settings: ShopSettings,
    /// Signed-in sessions (the database, or Redis).
    pub sessions: Arc<dyn SessionStore>,
    /// Accounts: links in emails, session lifetimes, sign-in limits.
    pub accounts: crate::accounts::credentials::AccountSettings,
    /// The key that seals secrets kept in the database.
    pub secret_key: crate::kernel::sealing::SecretKey,
    /// The proxies whose `X-Forwarded-For` names the client.
    pub proxies: crate::kernel::network::TrustedProxies,
}

/// How the shop sells (from configuration).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShopSettings {
    /// Whether catalog prices include tax (the part is shown), or tax is
    /// added at checkout.
    pub prices_include_tax: bool,
    /// Fraud screening's limits.
    pub risk: crate::ordering::fraud::RiskRules,
}

impl Default for ShopSettings {
    fn default() -> Self {
        Self { prices_include_tax: true, risk: crate::ordering::fraud::RiskRules::default() }
    }
}
