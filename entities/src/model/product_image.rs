//! An image of a product, kept in the object store.
use sea_orm::entity::prelude::*;

/// A row of `product_images`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "product_images")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub product_id: i64,
    pub position: i32,
    /// Key of the original in the object store.
    pub object_key: String,
    pub alt: String,
    /// `pending` until renditions exist, then `ready`.
    pub status: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
