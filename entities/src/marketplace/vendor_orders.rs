//! Vendors' views of their part of orders: the list with filters and one
//! part with its lines, parcels and returns.

use crate::catalog::vendors::vendors_of;
use crate::kernel::access::Actor;
use crate::marketplace::{VendorOrder, VendorOrderFilter, VendorOrderPage, VendorOrderRow};
use crate::model::{order, order_line, shipment_line, sub_order, vendor};
use crate::ordering::OrderStatus;
use crate::ServiceError;
use crate::ServiceResult;
use crate::Shop;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

/// Which vendor a list or an order is read for: vendor staff's own; an
/// admin's choice (`slug`, required with `needed`).
async fn vendor_for(shop: &Shop, actor: Actor, slug: Option<&str>, needed: bool) -> ServiceResult<Option<i64>> {
    match actor {
        Actor::VendorStaff { vendor_id, .. } => Ok(Some(vendor_id)),
        Actor::Admin { .. } => match slug.map(str::trim).filter(|s| !s.is_empty()) {
            Some(slug) => Ok(Some(
                vendor::Entity::find()
                    .filter(vendor::Column::Slug.eq(slug))
                    .one(&shop.db)
                    .await?
                    .ok_or(ServiceError::NotFound("vendor"))?
                    .id,
            )),
            None if needed => {
                Err(ServiceError::InvalidField { field: "vendor", message: "is needed: whose part to show".into() })
            }
            None => Ok(None),
        },
        Actor::Anonymous => Err(ServiceError::Unauthenticated),
        Actor::Customer { .. } | Actor::Support { .. } => Err(ServiceError::Forbidden),
    }
}

/// A vendor's sub-orders, newest first, 50 a page (keyset on the
/// sub-order's id). Vendor staff see their own; admins one vendor's or all.
///
/// # Errors
/// `Unauthenticated`/`Forbidden` unless staff ask; `NotFound` for an
/// unknown vendor; `InvalidField` for an unknown status.
pub async fn vendor_orders(shop: &Shop, actor: Actor, filter: &VendorOrderFilter) -> ServiceResult<VendorOrderPage> {
    use sea_orm::QuerySelect;
    const PAGE: u64 = 50;
    let vendor_id = vendor_for(shop, actor, filter.vendor.as_deref(), false).await?;
    let mut query = sub_order::Entity::find().order_by_desc(sub_order::Column::Id).limit(PAGE + 1);
    if let Some(id) = vendor_id {
        query = query.filter(sub_order::Column::VendorId.eq(id));
    }
    if let Some(status) = filter.status.as_deref().filter(|s| !s.is_empty()) {
        let status = OrderStatus::parse(status)
            .ok_or_else(|| ServiceError::InvalidField { field: "status", message: "is not an order status".into() })?;
        query = query.filter(sub_order::Column::Status.eq(status));
    }
    if let Some(after) = filter.after {
        query = query.filter(sub_order::Column::Id.lt(after));
    }
    let mut subs = query.all(&shop.db).await?;
    let next = if subs.len() as u64 > PAGE {
        subs.truncate(PAGE as usize);
        subs.last().map(|s| s.id)
    } else {
        None
    };
    let orders: HashMap<i64, order::Model> = order::Entity::find()
        .filter(order::Column::Id.is_in(subs.iter().map(|s| s.order_id)))
        .all(&shop.db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let lines = order_line::Entity::find()
        .filter(order_line::Column::SubOrderId.is_in(subs.iter().map(|s| s.id)))
        .all(&shop.db)
        .await?;
    let sent: Vec<(i64, i32)> = shipment_line::Entity::find()
        .filter(shipment_line::Column::OrderLineId.is_in(lines.iter().map(|l| l.id)))
        .select_only()
        .column(shipment_line::Column::OrderLineId)
        .column(shipment_line::Column::Quantity)
        .into_tuple()
        .all(&shop.db)
        .await?;
    let vendors = vendors_of(&shop.db, subs.iter().map(|s| s.vendor_id)).await?;
    let mut items = Vec::with_capacity(subs.len());
    for s in subs {
        let Some(o) = orders.get(&s.order_id) else { continue };
        let part: Vec<&order_line::Model> = lines.iter().filter(|l| l.sub_order_id == s.id).collect();
        let country = o.shipping_address.get("country").and_then(|c| c.as_str()).unwrap_or_default().to_owned();
        items.push(VendorOrderRow {
            id: o.public_id.to_string(),
            placed_at: o.created_at,
            vendor: vendors.get(&s.vendor_id).map(|v| v.slug.clone()).unwrap_or_default(),
            status: s.status,
            held_for_review: o.held_for_review,
            units: part.iter().map(|l| i64::from(l.quantity)).sum(),
            shipped: sent
                .iter()
                .filter(|(line, _)| part.iter().any(|l| l.id == *line))
                .map(|(_, q)| i64::from(*q))
                .sum(),
            subtotal_minor: s.subtotal_minor,
            currency: o.currency.clone(),
            country,
        });
    }
    Ok(VendorOrderPage { items, next })
}

/// One vendor's part of order `public_id`, as the vendor sees it: the
/// address to ship to, its lines, parcels and returns — not the other
/// vendors' parts, the payments or the customer's email.
///
/// # Errors
/// `Unauthenticated`/`Forbidden` unless staff ask; `NotFound` for an order
/// without a part of the vendor; `InvalidField` when an admin names no
/// vendor.
pub async fn vendor_order(
    shop: &Shop,
    actor: Actor,
    public_id: &str,
    slug: Option<&str>,
) -> ServiceResult<VendorOrder> {
    let vendor_id = vendor_for(shop, actor, slug, true).await?.ok_or(ServiceError::NotFound("order"))?;
    let o = crate::ordering::record::find_public(&shop.db, public_id).await?;
    let sub = sub_order::Entity::find()
        .filter(sub_order::Column::OrderId.eq(o.id))
        .filter(sub_order::Column::VendorId.eq(vendor_id))
        .one(&shop.db)
        .await?
        .ok_or(ServiceError::NotFound("order"))?;
    let view = crate::ordering::view::view_public(&shop.db, public_id).await?;
    let slug = vendor::Entity::find_by_id(vendor_id).one(&shop.db).await?.map(|v| v.slug).unwrap_or_default();
    let part = view.sub_orders.into_iter().find(|s| s.vendor == slug).ok_or(ServiceError::NotFound("order"))?;
    Ok(VendorOrder {
        id: view.id,
        placed_at: view.created_at,
        order_status: view.status,
        held_for_review: o.held_for_review,
        currency: view.currency,
        shipping_address: view.shipping_address,
        part,
        commission_minor: sub.commission_minor,
        shipments: view.shipments.into_iter().filter(|s| s.vendor == slug).collect(),
        returns: view.returns.into_iter().filter(|r| r.vendor == slug).collect(),
    })
}
