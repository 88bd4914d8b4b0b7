//! Changing categories (a tree kept as materialised paths like `/3/17/42/`)
//! and vendors. Changes record `category.changed` or `vendor.changed` in the
//! outbox in the same transaction: the indexer re-indexes the products they
//! touch and the cache drops catalog reads.

use crate::catalog::AdminCategoryNode;
use crate::catalog::{AdminCategory, CategoryPatch, NewCategory};
use crate::events::outbox;
use crate::events::{CategoryChanged, DomainEvent};
use crate::kernel::access::{authorize, catalog_staff, Action, Actor};
use crate::kernel::validate::{unique_violation, Check};
use crate::kernel::CategoryId;
use crate::kernel::Slug;
use crate::model::{category, product};
use crate::ServiceError;
use crate::ServiceResult;
use crate::Shop;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QuerySelect,
};
use std::collections::HashMap;

/// How deep the tree may go (0 is the top level).
pub const MAX_DEPTH: i32 = 5;

pub(crate) const NAME_MAX: usize = 200;

pub(crate) const DESCRIPTION_MAX: usize = 5_000;

pub(crate) fn slug_field(check: &mut Check, given: Option<&str>, name: &str) -> String {
    let parsed = match given {
        Some(text) => Slug::parse(text),
        None => Slug::from_title(name),
    };
    match parsed {
        Ok(slug) => slug.to_string(),
        Err(e) => {
            check.fail("slug", e.to_string());
            String::new()
        }
    }
}

fn admin_category(c: category::Model, parent: Option<String>) -> AdminCategory {
    AdminCategory { id: c.id, slug: c.slug, name: c.name, parent, depth: c.depth, position: c.position }
}

async fn category_changed<C: ConnectionTrait>(txn: &C, c: &category::Model) -> ServiceResult<()> {
    let changed = CategoryChanged { category_id: CategoryId::new(c.id), path: c.path.clone() };
    outbox::record(txn, DomainEvent::CategoryChanged(changed)).await?;
    Ok(())
}

async fn find_category<C: ConnectionTrait>(db: &C, slug: &str) -> ServiceResult<Option<category::Model>> {
    Ok(category::Entity::find().filter(category::Column::Slug.eq(slug)).one(db).await?)
}

/// Creates a category.
///
/// # Errors
/// `Unauthenticated`/`Forbidden` unless an admin acts; `InvalidFields` for
/// a bad or taken slug, an unknown parent or a tree deeper than [`MAX_DEPTH`].
#[tracing::instrument(skip(shop, new), fields(name = %new.name))]
pub async fn create_category(shop: &Shop, actor: Actor, new: NewCategory) -> ServiceResult<AdminCategory> {
    authorize(actor, Action::EditCategories)?;
    let mut check = Check::default();
    let name = check.text("name", &new.name, NAME_MAX);
    let slug = slug_field(&mut check, new.slug.as_deref(), &name);
    let txn = crate::write_txn(&shop.db).await?;
    let parent = match &new.parent {
        Some(p) => {
            let found = find_category(&txn, p).await?;
            match &found {
                None => check.fail("parent", format!("no category has the slug {p:?}")),
                Some(parent) if parent.depth >= MAX_DEPTH => {
                    check.fail("parent", format!("categories nest at most {} levels deep", MAX_DEPTH + 1));
                }
                Some(_) => {}
            }
            found
        }
        None => None,
    };
    if !slug.is_empty() && find_category(&txn, &slug).await?.is_some() {
        check.fail("slug", "is already used by another category");
    }
    check.done()?;
    let row = category::ActiveModel {
        parent_id: Set(parent.as_ref().map(|p| p.id)),
        slug: Set(slug),
        name: Set(name),
        // The path needs the new id: written right after the insert.
        path: Set(String::new()),
        depth: Set(parent.as_ref().map_or(0, |p| p.depth + 1)),
        position: Set(new.position),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| unique_violation(e, "slug", "is already used by another category"))?;
    let path = format!("{}{}/", parent.as_ref().map_or("/", |p| p.path.as_str()), row.id);
    let mut active: category::ActiveModel = row.into();
    active.path = Set(path);
    let row = active.update(&txn).await?;
    category_changed(&txn, &row).await?;
    txn.commit().await?;
    Ok(admin_category(row, parent.map(|p| p.slug)))
}

/// Renames, reorders or moves the category `slug`. A move carries the whole
/// subtree along (every path below it is rewritten in the same transaction).
///
/// # Errors
/// `NotFound` for an unknown slug; `InvalidFields` for a move under itself
/// or one of its descendants, an unknown parent, or a tree too deep.
#[tracing::instrument(skip(shop, patch))]
pub async fn update_category(
    shop: &Shop,
    actor: Actor,
    slug: &str,
    patch: CategoryPatch,
) -> ServiceResult<AdminCategory> {
    authorize(actor, Action::EditCategories)?;
    let mut check = Check::default();
    let name = patch.name.as_deref().map(|n| check.text("name", n, NAME_MAX));
    let txn = crate::write_txn(&shop.db).await?;
    let current = find_category(&txn, slug).await?.ok_or(ServiceError::NotFound("category"))?;
    let subtree =
        category::Entity::find().filter(category::Column::Path.starts_with(current.path.as_str())).all(&txn).await?;
    let new_parent = match &patch.parent {
        Some(Some(p)) => match find_category(&txn, p).await? {
            None => {
                check.fail("parent", format!("no category has the slug {p:?}"));
                None
            }
            Some(parent) if parent.path.starts_with(&current.path) => {
                check.fail("parent", "must not be the category itself or one below it");
                None
            }
            Some(parent) => {
                let below = subtree.iter().map(|c| c.depth - current.depth).max().unwrap_or(0);
                if parent.depth + 1 + below > MAX_DEPTH {
                    check.fail("parent", format!("categories nest at most {} levels deep", MAX_DEPTH + 1));
                }
                Some(Some(parent))
            }
        },
        Some(None) => Some(None),
        None => None,
    };
    check.done()?;
    let mut row: category::ActiveModel = current.clone().into();
    if let Some(v) = name {
        row.name = Set(v);
    }
    if let Some(v) = patch.position {
        row.position = Set(v);
    }
    if let Some(parent) = &new_parent {
        let prefix = parent.as_ref().map_or("/".to_owned(), |p| p.path.clone());
        let depth_change = parent.as_ref().map_or(0, |p| p.depth + 1) - current.depth;
        row.parent_id = Set(parent.as_ref().map(|p| p.id));
        row.path = Set(format!("{prefix}{}/", current.id));
        row.depth = Set(current.depth + depth_change);
        for below in subtree.iter().filter(|c| c.id != current.id) {
            let rest = &below.path[current.path.len()..];
            let mut moved: category::ActiveModel = below.clone().into();
            moved.path = Set(format!("{prefix}{}/{rest}", current.id));
            moved.depth = Set(below.depth + depth_change);
            moved.update(&txn).await?;
        }
    }
    let saved = row.update(&txn).await?;
    category_changed(&txn, &saved).await?;
    let parent_slug = match saved.parent_id {
        Some(id) => category::Entity::find_by_id(id).one(&txn).await?.map(|p| p.slug),
        None => None,
    };
    txn.commit().await?;
    Ok(admin_category(saved, parent_slug))
}

/// Deletes the category `slug`.
///
/// # Errors
/// `NotFound` for an unknown slug; `Conflict` while it has sub-categories or
/// products (move them first).
#[tracing::instrument(skip(shop))]
pub async fn delete_category(shop: &Shop, actor: Actor, slug: &str) -> ServiceResult<()> {
    authorize(actor, Action::EditCategories)?;
    let txn = crate::write_txn(&shop.db).await?;
    let current = find_category(&txn, slug).await?.ok_or(ServiceError::NotFound("category"))?;
    let children = category::Entity::find().filter(category::Column::ParentId.eq(current.id)).count(&txn).await?;
    if children > 0 {
        return Err(ServiceError::Conflict(format!(
            "The category has {children} sub-categories; move or delete them first."
        )));
    }
    let products = product::Entity::find().filter(product::Column::CategoryId.eq(current.id)).count(&txn).await?;
    if products > 0 {
        return Err(ServiceError::Conflict(format!(
            "The category has {products} products; move them to another category first."
        )));
    }
    category::Entity::delete_by_id(current.id).exec(&txn).await?;
    category_changed(&txn, &current).await?;
    txn.commit().await?;
    Ok(())
}

/// Every category in tree order (each followed by the ones below it,
/// siblings by position and name), with how many products and
/// sub-categories each holds directly.
///
/// # Errors
/// `Unauthenticated` for anonymous callers; `Database`.
pub async fn list_categories(shop: &Shop, actor: Actor) -> ServiceResult<Vec<AdminCategoryNode>> {
    catalog_staff(actor)?;
    let all = category::Entity::find().all(&shop.db).await?;
    let counts: HashMap<i64, i64> = product::Entity::find()
        .select_only()
        .column(product::Column::CategoryId)
        .column_as(product::Column::Id.count(), "n")
        .group_by(product::Column::CategoryId)
        .into_tuple::<(i64, i64)>()
        .all(&shop.db)
        .await?
        .into_iter()
        .collect();
    let slugs: HashMap<i64, String> = all.iter().map(|c| (c.id, c.slug.clone())).collect();
    let mut below: HashMap<Option<i64>, Vec<category::Model>> = HashMap::new();
    for c in all {
        below.entry(c.parent_id).or_default().push(c);
    }
    for siblings in below.values_mut() {
        siblings.sort_by(|a, b| (a.position, &a.name).cmp(&(b.position, &b.name)));
    }
    let mut out = Vec::with_capacity(slugs.len());
    // Depth first, from the top level, without recursion.
    let mut stack: Vec<category::Model> = below.remove(&None).unwrap_or_default().into_iter().rev().collect();
    while let Some(c) = stack.pop() {
        let children = below.remove(&Some(c.id)).unwrap_or_default();
        let parent = c.parent_id.and_then(|id| slugs.get(&id).cloned());
        out.push(AdminCategoryNode {
            products: counts.get(&c.id).copied().unwrap_or(0).max(0) as u64,
            children: children.len() as u32,
            category: admin_category(c, parent),
        });
        stack.extend(children.into_iter().rev());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_patch_tells_absent_from_null() {
        let absent: CategoryPatch = serde_json::from_str(r#"{"name": "Shoes"}"#).unwrap();
        let null: CategoryPatch = serde_json::from_str(r#"{"parent": null}"#).unwrap();
        let moved: CategoryPatch = serde_json::from_str(r#"{"parent": "men"}"#).unwrap();
        assert_eq!(absent.parent, None);
        assert_eq!(null.parent, Some(None));
        assert_eq!(moved.parent, Some(Some("men".to_owned())));
    }

    #[test]
    fn slugs_come_from_names_unless_given() {
        let mut check = Check::default();
        assert_eq!(slug_field(&mut check, None, "Rain Jackets"), "rain-jackets");
        assert_eq!(slug_field(&mut check, Some("coats"), "Rain Jackets"), "coats");
        assert!(check.is_ok());
        slug_field(&mut check, Some("Not A Slug!"), "x");
        assert!(!check.is_ok());
    }
}
