//! Lists of orders: a customer's history, and the staff's order list, order
//! page and fraud screening.

use crate::kernel::access::Actor;
use crate::kernel::UserId;
use crate::model::{order, order_line};
use crate::ordering::record::find_public;
use crate::ordering::view::order_by_public_id;
use crate::ordering::OrderStatus;
use crate::ordering::RiskView;
use crate::ServiceError;
use crate::ServiceResult;
use crate::Shop;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

/// Most orders one page of a customer's history shows.
pub const HISTORY_PAGE: u64 = 50;

/// Account `user_id`'s orders, newest first: a page of
/// [`HISTORY_PAGE`], older than the order with public id `before` when given.
///
/// # Errors
/// When the database fails; `NotFound` for a `before` that is not theirs.
pub async fn customer_orders(
    shop: &Shop,
    user_id: UserId,
    before: Option<&str>,
) -> ServiceResult<crate::ordering::OrderHistory> {
    let user_id = user_id.get();
    use sea_orm::QuerySelect;
    let mut query = order::Entity::find().filter(order::Column::UserId.eq(user_id));
    if let Some(before) = before {
        let anchor = find_public(&shop.db, before).await?;
        crate::kernel::access::own_record(user_id, anchor.user_id.unwrap_or(-1), "order")?;
        query = query.filter(order::Column::Id.lt(anchor.id));
    }
    let rows = query.order_by_desc(order::Column::Id).limit(HISTORY_PAGE + 1).all(&shop.db).await?;
    let more = rows.len() as u64 > HISTORY_PAGE;
    let ids: Vec<i64> = rows.iter().map(|o| o.id).collect();
    let counts: HashMap<i64, i64> = order_line::Entity::find()
        .select_only()
        .column(order_line::Column::OrderId)
        .column_as(Expr::col(order_line::Column::Quantity).sum(), "units")
        .filter(order_line::Column::OrderId.is_in(ids))
        .group_by(order_line::Column::OrderId)
        .into_tuple::<(i64, Option<i64>)>()
        .all(&shop.db)
        .await?
        .into_iter()
        .map(|(id, units)| (id, units.unwrap_or_default()))
        .collect();
    let orders = rows
        .into_iter()
        .take(HISTORY_PAGE as usize)
        .map(|o| {
            Ok(crate::ordering::OrderSummary {
                id: o.public_id.to_string(),
                status: o.status,
                units: counts.get(&o.id).copied().unwrap_or_default(),
                total_minor: o.total_minor,
                currency: o.currency,
                created_at: o.created_at,
            })
        })
        .collect::<ServiceResult<Vec<_>>>()?;
    Ok(crate::ordering::OrderHistory { orders, more })
}

/// Order `public_id`'s fraud screening (staff).
///
/// # Errors
/// `Unauthenticated`/`Forbidden` unless staff ask; `NotFound`.
pub async fn risk_of(shop: &Shop, actor: Actor, public_id: &str) -> ServiceResult<RiskView> {
    crate::kernel::access::authorize(actor, crate::kernel::access::Action::ViewOrders)?;
    let o = find_public(&shop.db, public_id).await?;
    Ok(RiskView {
        score: o.risk_score,
        reasons: o.risk_reasons.lines().map(str::to_owned).collect(),
        held_for_review: o.held_for_review,
        client_ip: o.client_ip,
        billing_address: o
            .billing_address
            .map(serde_json::from_value)
            .transpose()
            .map_err(|e| ServiceError::Corrupt(e.to_string()))?,
    })
}

/// Orders for staff, newest first, 50 a page (keyset on the id: as fast on
/// the millionth page as on the first).
///
/// # Errors
/// `Unauthenticated`/`Forbidden` unless staff ask; `InvalidField` for an
/// unknown status.
pub async fn admin_list(
    shop: &Shop,
    actor: Actor,
    filter: &crate::ordering::AdminOrderFilter,
) -> ServiceResult<crate::ordering::AdminOrderPage> {
    use sea_orm::QuerySelect;
    crate::kernel::access::authorize(actor, crate::kernel::access::Action::ViewOrders)?;
    const PAGE: u64 = 50;
    let mut query = order::Entity::find().order_by_desc(order::Column::Id).limit(PAGE + 1);
    if let Some(status) = filter.status.as_deref().filter(|s| !s.is_empty()) {
        let status = OrderStatus::parse(status)
            .ok_or_else(|| ServiceError::InvalidField { field: "status", message: "is not an order status".into() })?;
        query = query.filter(order::Column::Status.eq(status));
    }
    if filter.held {
        query = query.filter(order::Column::HeldForReview.eq(true));
    }
    if let Some(after) = filter.after {
        query = query.filter(order::Column::Id.lt(after));
    }
    let mut rows = query.all(&shop.db).await?;
    let next = (rows.len() as u64 > PAGE).then(|| {
        rows.truncate(PAGE as usize);
        rows.last().map(|r| r.id)
    });
    let items = rows
        .into_iter()
        .map(|o| {
            Ok(crate::ordering::AdminOrderRow {
                id: o.public_id.to_string(),
                placed_at: o.created_at,
                email: o.email,
                status: o.status,
                total_minor: o.total_minor,
                currency: o.currency,
                risk_score: o.risk_score,
                held_for_review: o.held_for_review,
            })
        })
        .collect::<ServiceResult<Vec<_>>>()?;
    Ok(crate::ordering::AdminOrderPage { items, next: next.flatten() })
}

/// An order with its screening, for staff.
///
/// # Errors
/// `Unauthenticated`/`Forbidden` unless staff ask; `NotFound`.
pub async fn admin_order(shop: &Shop, actor: Actor, public_id: &str) -> ServiceResult<crate::ordering::AdminOrder> {
    let risk = risk_of(shop, actor, public_id).await?;
    Ok(crate::ordering::AdminOrder { order: order_by_public_id(shop, public_id).await?, risk })
}
