//! Use cases, one module per area. Each public function carries out one use
//! case, inside one database transaction where it writes.

pub mod access;
pub mod accounts;
pub mod addresses;
pub mod admin_sessions;
pub mod audit;
pub mod cart;
pub mod catalog;
pub mod catalog_admin;
pub mod catalog_api;
pub mod catalog_csv;
pub mod catalog_taxonomy;
pub mod coupons;
pub mod fulfilment;
pub mod gift_cards;
pub mod images;
pub mod inventory;
pub mod mail;
pub mod network;
pub mod orders;
pub mod outbox;
pub mod payments;
pub mod pricing;
pub mod privacy;
pub mod read_cache;
pub mod recommend;
pub mod reviews;
pub mod sealing;
pub mod search;
pub mod shipping_admin;
pub mod two_factor;
pub mod validate;
pub mod webhooks;
pub mod wishlist;

use crate::ports::{Cache, EventBus, PortError, SearchIndex, SessionStore};
use sea_orm::{DatabaseConnection, DatabaseTransaction, DbErr, TransactionTrait};
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
    /// The event bus.
    pub bus: Arc<dyn EventBus>,
    /// Files: uploaded images and their renditions (a local folder, or S3).
    pub objects: Arc<dyn object_store::ObjectStore>,
    /// Product views not yet written (for "trending").
    pub views: recommend::ViewCounter,
    /// The payment providers (the first is the default).
    pub payments: crate::ports::PaymentProviders,
    /// How the shop sells.
    pub settings: ShopSettings,
    /// Signed-in sessions (the database, or Redis).
    pub sessions: Arc<dyn SessionStore>,
    /// Accounts: links in emails, session lifetimes, sign-in limits.
    pub accounts: accounts::AccountSettings,
    /// The key that seals secrets kept in the database.
    pub secret_key: sealing::SecretKey,
    /// The proxies whose `X-Forwarded-For` names the client.
    pub proxies: network::TrustedProxies,
}

/// How the shop sells (from configuration).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShopSettings {
    /// Whether catalog prices include tax (the part is shown), or tax is
    /// added at checkout.
    pub prices_include_tax: bool,
    /// Fraud screening's limits.
    pub risk: crate::fraud::RiskRules,
}

impl Default for ShopSettings {
    fn default() -> Self {
        Self { prices_include_tax: true, risk: crate::fraud::RiskRules::default() }
    }
}

/// Starts a transaction that will write. On SQLite it takes the write lock
/// at once (`BEGIN IMMEDIATE`): a transaction that reads first and writes
/// later fails at once with "database is locked" when another connection
/// wrote in between, whatever the busy timeout; taking the lock up front
/// makes it wait its turn instead. Other databases start as usual.
///
/// # Errors
/// When the database fails.
pub async fn write_txn(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    use sea_orm::{SqliteTransactionMode, TransactionOptions};
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    })
    .await
}

/// Why a use case did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The thing asked for does not exist (or the caller may not see it).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The request is not acceptable; the message is safe to show.
    #[error("{0}")]
    Invalid(String),
    /// One input field is not acceptable; both parts are safe to show.
    #[error("{field} {message}")]
    InvalidField {
        /// The field's name as the client sent it.
        field: &'static str,
        /// What is wrong with it.
        message: String,
    },
    /// Several input fields are not acceptable: `(field, message)` pairs,
    /// both safe to show. Fields of list items are named like `variants[2].sku`.
    #[error("{}", describe_fields(.0))]
    InvalidFields(Vec<(String, String)>),
    /// The caller is known but may not do this.
    #[error("not allowed")]
    Forbidden,
    /// The caller must identify itself first.
    #[error("authentication required")]
    Unauthenticated,
    /// The request conflicts with the current state; the message is safe to show.
    #[error("{0}")]
    Conflict(String),
    /// Too many attempts in a short time; the message says when to retry.
    #[error("{0}")]
    RateLimited(String),
    /// The database failed.
    #[error("database error: {0}")]
    Database(#[from] DbErr),
    /// A port's adapter failed (a refusal to show becomes `Conflict`).
    #[error(transparent)]
    Port(PortError),
    /// A genuine provider event of a kind the shop does not use: answered
    /// as received, nothing stored.
    #[error("ignored event kind {0}")]
    Ignored(String),
    /// Stored data could not be read back.
    #[error("corrupt data: {0}")]
    Corrupt(String),
}

impl From<PortError> for ServiceError {
    fn from(e: PortError) -> Self {
        match e {
            PortError::Declined { message, .. } => Self::Conflict(message),
            other => Self::Port(other),
        }
    }
}

fn describe_fields(errors: &[(String, String)]) -> String {
    errors.iter().map(|(field, message)| format!("{field} {message}")).collect::<Vec<_>>().join("; ")
}

/// Result of a use case.
pub type ServiceResult<T> = Result<T, ServiceError>;
