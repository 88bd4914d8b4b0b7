//! A way to ship: the shop's own, or one vendor's.
use sea_orm::entity::prelude::*;

/// A row of `shipping_methods`. `kind` is `flat` or `weight`; `countries` is
/// a JSON list of country codes (empty: everywhere).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "shipping_methods")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub vendor_id: Option<i64>,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub base_minor: i64,
    pub per_kg_minor: i64,
    pub free_over_minor: Option<i64>,
    pub currency: String,
    pub countries: Json,
    pub position: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
