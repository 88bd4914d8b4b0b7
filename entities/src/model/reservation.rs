//! Stock held for an order until it is paid or the hold expires.
use sea_orm::entity::prelude::*;

/// A row of `reservations`; its [`ReservationStatus`](crate::catalog::ReservationStatus) is
/// `active`, `converted` or `released`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reservations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub status: crate::catalog::ReservationStatus,
    pub expires_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
