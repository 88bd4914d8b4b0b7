//! Vendors kept by admins: creating, changing (name, description, commission
//! rate) and removing them. The catalog shows them; a change reaches search
//! and the cached pages through the outbox.

use crate::catalog::taxonomy::slug_field;
use crate::catalog::taxonomy::DESCRIPTION_MAX;
use crate::catalog::taxonomy::NAME_MAX;
use crate::events::outbox;
use crate::events::{DomainEvent, VendorChanged};
use crate::kernel::access::{authorize, catalog_staff, Action, Actor};
use crate::kernel::validate::{unique_violation, Check};
use crate::kernel::VendorId;
use crate::model::{product, vendor};
use crate::ServiceError;
use crate::ServiceResult;
use crate::Shop;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
};
use serde::{Deserialize, Serialize};

/// A new vendor.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewVendor {
    /// Display name, 1–200 characters.
    pub name: String,
    /// URL slug; made from the name when absent.
    pub slug: Option<String>,
    /// About the vendor.
    #[serde(default)]
    pub description: String,
    /// The shop's commission on the vendor's sales in basis points (0–10,000; default 1,000 = 10 %).
    pub commission_bps: Option<i32>,
}

/// Changes to a vendor; absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VendorPatch {
    /// New display name.
    pub name: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New commission in basis points; admins only.
    pub commission_bps: Option<i32>,
}

/// A vendor as an admin sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminVendor {
    /// Database id.
    pub id: i64,
    /// URL slug.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// About the vendor.
    pub description: String,
    /// Commission in basis points.
    pub commission_bps: i32,
}

fn admin_vendor(v: vendor::Model) -> AdminVendor {
    AdminVendor { id: v.id, slug: v.slug, name: v.name, description: v.description, commission_bps: v.commission_bps }
}

async fn find_vendor<C: ConnectionTrait>(db: &C, slug: &str) -> ServiceResult<Option<vendor::Model>> {
    Ok(vendor::Entity::find().filter(vendor::Column::Slug.eq(slug)).one(db).await?)
}

/// Creates a vendor.
///
/// # Errors
/// `Unauthenticated`/`Forbidden` unless an admin acts; `InvalidFields`.
#[tracing::instrument(skip(shop, new), fields(name = %new.name))]
pub async fn create_vendor(shop: &Shop, actor: Actor, new: NewVendor) -> ServiceResult<AdminVendor> {
    authorize(actor, Action::ManageVendors)?;
    let mut check = Check::default();
    let name = check.text("name", &new.name, NAME_MAX);
    let slug = slug_field(&mut check, new.slug.as_deref(), &name);
    let description = check.long_text("description", &new.description, DESCRIPTION_MAX);
    let commission = new.commission_bps.unwrap_or(1_000);
    check_commission(&mut check, commission);
    let txn = crate::write_txn(&shop.db).await?;
    if !slug.is_empty() && find_vendor(&txn, &slug).await?.is_some() {
        check.fail("slug", "is already used by another vendor");
    }
    check.done()?;
    let row = vendor::ActiveModel {
        slug: Set(slug),
        name: Set(name),
        description: Set(description),
        commission_bps: Set(commission),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| unique_violation(e, "slug", "is already used by another vendor"))?;
    outbox::record(&txn, DomainEvent::VendorChanged(VendorChanged { vendor_id: VendorId::new(row.id) })).await?;
    txn.commit().await?;
    Ok(admin_vendor(row))
}

fn check_commission(check: &mut Check, bps: i32) {
    if !(0..=10_000).contains(&bps) {
        check.fail("commission_bps", "must be between 0 and 10000 (basis points)");
    }
}

/// Changes the vendor `slug`. Its own staff may change the name and
/// description; the commission only an admin.
///
/// # Errors
/// `NotFound` for an unknown vendor (or another vendor's, to its staff);
/// `Forbidden` for a commission change by vendor staff; `InvalidFields`.
#[tracing::instrument(skip(shop, patch))]
pub async fn update_vendor(shop: &Shop, actor: Actor, slug: &str, patch: VendorPatch) -> ServiceResult<AdminVendor> {
    catalog_staff(actor)?;
    let mut check = Check::default();
    let name = patch.name.as_deref().map(|n| check.text("name", n, NAME_MAX));
    let description = patch.description.as_deref().map(|d| check.long_text("description", d, DESCRIPTION_MAX));
    if let Some(bps) = patch.commission_bps {
        check_commission(&mut check, bps);
    }
    let txn = crate::write_txn(&shop.db).await?;
    let current = find_vendor(&txn, slug).await?.ok_or(ServiceError::NotFound("vendor"))?;
    authorize(actor, Action::EditVendorProfile { vendor_id: current.id })?;
    if patch.commission_bps.is_some() {
        authorize(actor, Action::ManageVendors)?;
    }
    check.done()?;
    let mut row: vendor::ActiveModel = current.into();
    if let Some(v) = name {
        row.name = Set(v);
    }
    if let Some(v) = description {
        row.description = Set(v);
    }
    if let Some(v) = patch.commission_bps {
        row.commission_bps = Set(v);
    }
    let saved = row.update(&txn).await?;
    outbox::record(&txn, DomainEvent::VendorChanged(VendorChanged { vendor_id: VendorId::new(saved.id) })).await?;
    txn.commit().await?;
    Ok(admin_vendor(saved))
}

/// Deletes the vendor `slug`.
///
/// # Errors
/// `NotFound` for an unknown vendor; `Conflict` while it has products or
/// staff accounts.
#[tracing::instrument(skip(shop))]
pub async fn delete_vendor(shop: &Shop, actor: Actor, slug: &str) -> ServiceResult<()> {
    authorize(actor, Action::ManageVendors)?;
    let txn = crate::write_txn(&shop.db).await?;
    let current = find_vendor(&txn, slug).await?.ok_or(ServiceError::NotFound("vendor"))?;
    let products = product::Entity::find().filter(product::Column::VendorId.eq(current.id)).count(&txn).await?;
    if products > 0 {
        return Err(ServiceError::Conflict(format!(
            "The vendor has {products} products; delete them or give them to another vendor first."
        )));
    }
    let staff = crate::model::user::Entity::find()
        .filter(crate::model::user::Column::VendorId.eq(current.id))
        .count(&txn)
        .await?;
    if staff > 0 {
        return Err(ServiceError::Conflict(format!("The vendor has {staff} staff accounts; remove them first.")));
    }
    vendor::Entity::delete_by_id(current.id).exec(&txn).await?;
    outbox::record(&txn, DomainEvent::VendorChanged(VendorChanged { vendor_id: VendorId::new(current.id) })).await?;
    txn.commit().await?;
    Ok(())
}
