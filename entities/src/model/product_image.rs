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
    /// For generated art, the key of the SVG; for an upload, the folder
    /// (`images/<uuid>`) that holds its original and renditions.
    pub object_key: String,
    pub alt: String,
    /// `pending` until renditions exist, then `ready`; `failed` when the
    /// file could not be processed (see `error`).
    pub status: crate::catalog::ImageStatus,
    /// `art` (generated from the title) or `upload`.
    pub kind: String,
    /// Pixel size of the processed original.
    pub width: Option<i32>,
    /// Pixel size of the processed original.
    pub height: Option<i32>,
    /// Why processing failed, in words a shop owner understands.
    pub error: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
