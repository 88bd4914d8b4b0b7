//! A parcel a vendor sent: some or all of a sub-order's units.
use sea_orm::entity::prelude::*;

/// A row of `shipments`: carrier, tracking number and whether it arrived.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "shipments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub public_id: Uuid,
    pub order_id: i64,
    pub sub_order_id: i64,
    pub carrier: String,
    pub tracking_number: String,
    pub tracking_url: Option<String>,
    pub status: crate::fulfilment::ShipmentStatus,
    pub actor: String,
    pub shipped_at: DateTimeUtc,
    pub delivered_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
