//! One change to a gift card's balance.
use sea_orm::entity::prelude::*;

/// A row of `gift_card_ledger`, only ever appended to.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "gift_card_ledger")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub card_id: i64,
    pub order_id: Option<i64>,
    pub change_minor: i64,
    pub kind: String,
    pub reference: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
