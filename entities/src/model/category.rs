//! A node of the category tree.
use sea_orm::entity::prelude::*;

/// A row of `categories`. `path` is the materialised path of ids from the
/// root, e.g. `/3/17/`, so a sub-tree is one `LIKE '/3/%'` away.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "categories")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub parent_id: Option<i64>,
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
    pub path: String,
    pub depth: i32,
    pub position: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
