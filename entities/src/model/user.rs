//! A user account (customer, vendor staff, support or admin).
use sea_orm::entity::prelude::*;

/// A row of `users`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Lower-cased; unique.
    #[sea_orm(unique)]
    pub email: String,
    /// argon2id PHC string; `None` until a password is set (and after erasure).
    pub password_hash: Option<String>,
    pub display_name: String,
    /// `customer`, `vendor`, `support` or `admin`.
    pub role: crate::kernel::Role,
    pub vendor_id: Option<i64>,
    pub created_at: DateTimeUtc,
    /// When the owner proved the address is theirs; sign-in needs it.
    pub email_verified_at: Option<DateTimeUtc>,
    /// A vendor account that owns its vendor (may manage its staff).
    pub vendor_owner: bool,
    /// When marketing email was agreed to; `None`: not agreed or withdrawn.
    pub marketing_consent_at: Option<DateTimeUtc>,
    /// When the account was erased (its personal data removed).
    pub deleted_at: Option<DateTimeUtc>,
    /// The TOTP secret, sealed with the shop's secret key (set up, or on).
    pub totp_secret: Option<String>,
    /// When two-factor sign-in was turned on (off: `None`).
    pub totp_enabled_at: Option<DateTimeUtc>,
    /// The last TOTP time step accepted (a code works once).
    pub totp_last_step: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
