//! Vendors as the catalog names them: the rows product cards, quotes and
//! orders show.

use crate::model::vendor;
use crate::ServiceResult;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use std::collections::HashMap;

/// The vendors with ids `ids`, by id (one query).
pub(crate) async fn vendors_of<C: ConnectionTrait>(
    db: &C,
    ids: impl IntoIterator<Item = i64>,
) -> ServiceResult<HashMap<i64, vendor::Model>> {
    Ok(vendor::Entity::find()
        .filter(vendor::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|v| (v.id, v))
        .collect())
}
