//! Stock per variant per warehouse. Every movement — adjustment,
//! reservation, release, sale, return — changes the counters in
//! `stock_levels` with a conditional update and appends a ledger row in the
//! same transaction; `variants.stock` is kept as the units available over
//! all warehouses (on hand minus reserved), which is what shoppers see.
//!
//! Lock order, everywhere: the stock level row, then the variant row. Stock
//! never goes below zero unless the variant allows backorders.

use crate::catalog::ReservationStatus;
use crate::events::outbox;
use crate::events::{DomainEvent, StockLevel};
use crate::kernel::VariantId;
use crate::model::{reservation, reservation_line, stock_ledger, stock_level, variant, warehouse};
use crate::ServiceError;
use crate::ServiceResult;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Order, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use uuid::Uuid;

/// At or below this many available units a variant is low on stock and
/// `stock.low` is raised (once, as it crosses).
pub const LOW_STOCK: i32 = 5;

/// How long a reservation holds stock for an unpaid order.
pub const RESERVATION_TTL: chrono::Duration = chrono::Duration::minutes(15);

/// The kinds of ledger rows.
pub mod kind {
    /// Stock counted in or out by hand (or the opening count).
    pub const ADJUSTMENT: &str = "adjustment";
    /// Units held for an unpaid order.
    pub const RESERVATION: &str = "reservation";
    /// Held units given back (expiry, cancellation).
    pub const RELEASE: &str = "release";
    /// Held units sold (payment arrived).
    pub const SALE: &str = "sale";
    /// Sold units back on the shelf.
    pub const RETURN: &str = "return";
}

/// The warehouse stock is counted in by default: the lowest position.
async fn default_warehouse<C: ConnectionTrait>(db: &C) -> ServiceResult<i64> {
    warehouse::Entity::find()
        .order_by_asc(warehouse::Column::Position)
        .order_by_asc(warehouse::Column::Id)
        .one(db)
        .await?
        .map(|w| w.id)
        .ok_or_else(|| ServiceError::Corrupt("no warehouse exists".into()))
}

/// Changes one level's counters, appends the ledger row and keeps the
/// variant's available count; raises `stock.low` when it crosses
/// [`LOW_STOCK`]. The level must exist.
#[allow(clippy::too_many_arguments)]
async fn movement<C: ConnectionTrait>(
    txn: &C,
    variant_id: i64,
    warehouse_id: i64,
    kind: &str,
    on_hand_change: i32,
    reserved_change: i32,
    reference: &str,
) -> ServiceResult<()> {
    let now = Utc::now();
    let updated = stock_level::Entity::update_many()
        .col_expr(stock_level::Column::OnHand, Expr::col(stock_level::Column::OnHand).add(on_hand_change))
        .col_expr(stock_level::Column::Reserved, Expr::col(stock_level::Column::Reserved).add(reserved_change))
        .col_expr(stock_level::Column::UpdatedAt, Expr::value(now))
        .filter(stock_level::Column::VariantId.eq(variant_id))
        .filter(stock_level::Column::WarehouseId.eq(warehouse_id))
        .exec(txn)
        .await?;
    if updated.rows_affected != 1 {
        return Err(ServiceError::Corrupt(format!(
            "no stock level for variant {variant_id} in warehouse {warehouse_id}"
        )));
    }
    ledger(txn, variant_id, warehouse_id, kind, on_hand_change, reserved_change, reference, now).await?;
    available_changed(txn, variant_id, on_hand_change - reserved_change).await
}

#[allow(clippy::too_many_arguments)]
async fn ledger<C: ConnectionTrait>(
    txn: &C,
    variant_id: i64,
    warehouse_id: i64,
    kind: &str,
    on_hand_change: i32,
    reserved_change: i32,
    reference: &str,
    at: DateTime<Utc>,
) -> ServiceResult<()> {
    stock_ledger::ActiveModel {
        variant_id: Set(variant_id),
        warehouse_id: Set(warehouse_id),
        kind: Set(kind.to_owned()),
        on_hand_change: Set(on_hand_change),
        reserved_change: Set(reserved_change),
        reference: Set(Some(reference.chars().take(100).collect())),
        created_at: Set(at),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// Moves the variant's available count by `change` and raises the events
/// that follow from it.
async fn available_changed<C: ConnectionTrait>(txn: &C, variant_id: i64, change: i32) -> ServiceResult<()> {
    if change == 0 {
        return Ok(());
    }
    // One statement: the new count comes back from the update.
    let update = Query::update()
        .table(variant::Entity)
        .value(variant::Column::Stock, Expr::col(variant::Column::Stock).add(change))
        .and_where(variant::Column::Id.eq(variant_id))
        .returning_col(variant::Column::Stock)
        .to_owned();
    let row = txn.query_one(&update).await?.ok_or(ServiceError::NotFound("variant"))?;
    let now: i32 = row.try_get("", "stock")?;
    let before = now - change;
    let level = StockLevel { variant_id: VariantId::new(variant_id), available: now };
    outbox::record(txn, DomainEvent::StockChanged(level)).await?;
    if now <= LOW_STOCK && before > LOW_STOCK {
        outbox::record(txn, DomainEvent::StockLow(level)).await?;
    }
    Ok(())
}

/// Gives a new variant its stock level in the default warehouse, with the
/// opening count in the ledger (the variant row already says `quantity`).
///
/// # Errors
/// `Database`; `Corrupt` when no warehouse exists.
pub(crate) async fn open_stock<C: ConnectionTrait>(txn: &C, variant_id: i64, quantity: i32) -> ServiceResult<()> {
    let warehouse_id = default_warehouse(txn).await?;
    let now = Utc::now();
    stock_level::ActiveModel {
        variant_id: Set(variant_id),
        warehouse_id: Set(warehouse_id),
        on_hand: Set(quantity),
        reserved: Set(0),
        updated_at: Set(now),
    }
    .insert(txn)
    .await?;
    if quantity != 0 {
        ledger(txn, variant_id, warehouse_id, kind::ADJUSTMENT, quantity, 0, "opening stock", now).await?;
    }
    Ok(())
}

/// Gives every variant without a stock level one in the default warehouse,
/// from its `stock` column, with an opening ledger row (the seed's bulk
/// path). Returns how many it opened.
///
/// # Errors
/// `Database`; `Corrupt` when no warehouse exists.
pub async fn open_missing_levels<C: ConnectionTrait>(db: &C) -> ServiceResult<u64> {
    let warehouse_id = default_warehouse(db).await?;
    let now = Utc::now();
    let without_level = variant::Entity::find()
        .select_only()
        .column(variant::Column::Id)
        .filter(variant::Column::Id.not_in_subquery(
            stock_level::Entity::find().select_only().column(stock_level::Column::VariantId).into_query(),
        ))
        .into_query();
    let ledger_rows = Query::insert()
        .into_table(stock_ledger::Entity)
        .columns([
            stock_ledger::Column::VariantId,
            stock_ledger::Column::WarehouseId,
            stock_ledger::Column::Kind,
            stock_ledger::Column::OnHandChange,
            stock_ledger::Column::ReservedChange,
            stock_ledger::Column::Reference,
            stock_ledger::Column::CreatedAt,
        ])
        .select_from(
            Query::select()
                .column(variant::Column::Id)
                .expr(Expr::val(warehouse_id))
                .expr(Expr::val(kind::ADJUSTMENT))
                .column(variant::Column::Stock)
                .expr(Expr::val(0))
                .expr(Expr::val("opening stock"))
                .expr(Expr::val(now))
                .from(variant::Entity)
                .and_where(variant::Column::Id.in_subquery(without_level.clone()))
                .and_where(variant::Column::Stock.ne(0))
                .to_owned(),
        )
        .map_err(|e| ServiceError::Corrupt(e.to_string()))?
        .to_owned();
    db.execute(&ledger_rows).await?;
    let levels = Query::insert()
        .into_table(stock_level::Entity)
        .columns([
            stock_level::Column::VariantId,
            stock_level::Column::WarehouseId,
            stock_level::Column::OnHand,
            stock_level::Column::Reserved,
            stock_level::Column::UpdatedAt,
        ])
        .select_from(
            Query::select()
                .column(variant::Column::Id)
                .expr(Expr::val(warehouse_id))
                .column(variant::Column::Stock)
                .expr(Expr::val(0))
                .expr(Expr::val(now))
                .from(variant::Entity)
                .and_where(variant::Column::Id.in_subquery(without_level))
                .to_owned(),
        )
        .map_err(|e| ServiceError::Corrupt(e.to_string()))?
        .to_owned();
    Ok(db.execute(&levels).await?.rows_affected())
}

/// Sets how many units of a variant are available (the admin's "stock"
/// field) by counting the difference in or out of the default warehouse,
/// as an adjustment in the ledger.
///
/// # Errors
/// `Database`; `Corrupt` when the variant has no stock level.
pub(crate) async fn set_available<C: ConnectionTrait>(
    txn: &C,
    variant_id: i64,
    available: i32,
    reference: &str,
) -> ServiceResult<()> {
    let warehouse_id = default_warehouse(txn).await?;
    // The level first (lock order), then read the total.
    stock_level::Entity::update_many()
        .col_expr(stock_level::Column::OnHand, Expr::col(stock_level::Column::OnHand))
        .filter(stock_level::Column::VariantId.eq(variant_id))
        .filter(stock_level::Column::WarehouseId.eq(warehouse_id))
        .exec(txn)
        .await?;
    let levels = stock_level::Entity::find().filter(stock_level::Column::VariantId.eq(variant_id)).all(txn).await?;
    let current: i32 = levels.iter().map(|l| l.on_hand - l.reserved).sum();
    let change = available - current;
    if change != 0 {
        movement(txn, variant_id, warehouse_id, kind::ADJUSTMENT, change, 0, reference).await?;
    }
    Ok(())
}

/// One line to reserve.
#[derive(Debug, Clone)]
pub(crate) struct Wanted {
    pub variant_id: i64,
    pub quantity: i32,
    pub allow_backorder: bool,
    /// How the shopper knows the item, for the sold-out message.
    pub label: String,
}

/// Holds stock for every line until `expires_at`, all or nothing. Each
/// line takes its units from one warehouse, the first (by position) that
/// has them, with an update that only succeeds while enough is available —
/// so concurrent checkouts can never together take more than there is.
///
/// # Errors
/// `Conflict` naming the first line that is sold out (or short);
/// `Database`. The caller's transaction must then be rolled back.
pub(crate) async fn reserve<C: ConnectionTrait>(
    txn: &C,
    reservation_id: Uuid,
    lines: &[Wanted],
    expires_at: DateTime<Utc>,
) -> ServiceResult<()> {
    let now = Utc::now();
    reservation::ActiveModel {
        id: Set(reservation_id),
        status: Set(ReservationStatus::Active),
        expires_at: Set(expires_at),
        created_at: Set(now),
    }
    .insert(txn)
    .await?;
    for line in lines {
        let Some(warehouse_id) = take(txn, line, now).await? else {
            // Read again after losing: the message says what is left now.
            let levels =
                stock_level::Entity::find().filter(stock_level::Column::VariantId.eq(line.variant_id)).all(txn).await?;
            let left: i32 = levels.iter().map(|l| Ord::max(l.on_hand - l.reserved, 0)).sum();
            return Err(ServiceError::Conflict(if left == 0 || left >= line.quantity {
                format!("Sorry, {} is sold out.", line.label)
            } else {
                format!("Only {left} of {} left in stock.", line.label)
            }));
        };
        ledger(
            txn,
            line.variant_id,
            warehouse_id,
            kind::RESERVATION,
            0,
            line.quantity,
            &reservation_id.to_string(),
            now,
        )
        .await?;
        available_changed(txn, line.variant_id, -line.quantity).await?;
        reservation_line::ActiveModel {
            reservation_id: Set(reservation_id),
            variant_id: Set(line.variant_id),
            warehouse_id: Set(warehouse_id),
            quantity: Set(line.quantity),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

/// Takes a line's units from the first warehouse (by position) that has
/// them; answers which, or none when none has. The usual case is one
/// statement; when a racing checkout changed the levels between its pick
/// and its update, it reads the levels and tries them in turn, up to three
/// rounds, as stock freed by a racing cancellation may show up between them.
async fn take<C: ConnectionTrait>(txn: &C, line: &Wanted, now: DateTime<Utc>) -> ServiceResult<Option<i64>> {
    if let Some(taken) = take_at_once(txn, line, now).await? {
        return Ok(Some(taken));
    }
    let warehouses: HashMap<i64, i32> =
        warehouse::Entity::find().all(txn).await?.into_iter().map(|w| (w.id, w.position)).collect();
    for _ in 0..3 {
        let mut levels =
            stock_level::Entity::find().filter(stock_level::Column::VariantId.eq(line.variant_id)).all(txn).await?;
        levels.sort_by_key(|l| (warehouses.get(&l.warehouse_id).copied().unwrap_or(i32::MAX), l.warehouse_id));
        let mut any_had_enough = false;
        for level in &levels {
            let had_enough = line.allow_backorder || level.on_hand - level.reserved >= line.quantity;
            any_had_enough |= had_enough;
            if !had_enough {
                continue;
            }
            let mut update = stock_level::Entity::update_many()
                .col_expr(stock_level::Column::Reserved, Expr::col(stock_level::Column::Reserved).add(line.quantity))
                .col_expr(stock_level::Column::UpdatedAt, Expr::value(now))
                .filter(stock_level::Column::VariantId.eq(line.variant_id))
                .filter(stock_level::Column::WarehouseId.eq(level.warehouse_id));
            if !line.allow_backorder {
                // The guard that makes overselling impossible: checked by the
                // database on the row it locks, whatever was read above.
                update = update.filter(
                    Expr::col(stock_level::Column::OnHand)
                        .sub(Expr::col(stock_level::Column::Reserved))
                        .gte(line.quantity),
                );
            }
            if update.exec(txn).await?.rows_affected == 1 {
                return Ok(Some(level.warehouse_id));
            }
        }
        if !any_had_enough {
            return Ok(None);
        }
    }
    Ok(None)
}

/// `UPDATE stock_levels SET reserved = reserved + q WHERE variant_id = v AND
/// warehouse_id IN (the first warehouse by position that has q) AND on_hand -
/// reserved >= q RETURNING warehouse_id`: the pick and the guarded update in
/// one round trip. The guard is checked again on the locked row, so a race
/// makes it take nothing (the caller then goes level by level), never too
/// much.
async fn take_at_once<C: ConnectionTrait>(txn: &C, line: &Wanted, now: DateTime<Utc>) -> ServiceResult<Option<i64>> {
    // Qualified by the table's name: in the pick it names the pick's own
    // row, in the update the row updated.
    let enough = || {
        Expr::col((stock_level::Entity, stock_level::Column::OnHand))
            .sub(Expr::col((stock_level::Entity, stock_level::Column::Reserved)))
            .gte(line.quantity)
    };
    let mut pick = Query::select()
        .column((stock_level::Entity, stock_level::Column::WarehouseId))
        .from(stock_level::Entity)
        .inner_join(
            warehouse::Entity,
            Expr::col((warehouse::Entity, warehouse::Column::Id))
                .equals((stock_level::Entity, stock_level::Column::WarehouseId)),
        )
        .and_where(Expr::col((stock_level::Entity, stock_level::Column::VariantId)).eq(line.variant_id))
        .order_by((warehouse::Entity, warehouse::Column::Position), Order::Asc)
        .order_by((warehouse::Entity, warehouse::Column::Id), Order::Asc)
        .limit(1)
        .to_owned();
    let mut update = Query::update()
        .table(stock_level::Entity)
        .value(stock_level::Column::Reserved, Expr::col(stock_level::Column::Reserved).add(line.quantity))
        .value(stock_level::Column::UpdatedAt, now)
        .and_where(stock_level::Column::VariantId.eq(line.variant_id))
        .returning_col(stock_level::Column::WarehouseId)
        .to_owned();
    if !line.allow_backorder {
        pick.and_where(enough());
        update.and_where(enough());
    }
    update.and_where(stock_level::Column::WarehouseId.in_subquery(pick));
    match txn.query_one(&update).await? {
        Some(row) => Ok(Some(row.try_get("", "warehouse_id")?)),
        None => Ok(None),
    }
}

/// Ends an active reservation: `sold` turns its units into sales (payment
/// arrived), otherwise they go back on sale. A reservation that already
/// ended is left alone, so this is safe to repeat. Returns whether it acted.
///
/// # Errors
/// `Database`.
pub(crate) async fn finish<C: ConnectionTrait>(txn: &C, reservation_id: Uuid, sold: bool) -> ServiceResult<bool> {
    let status = if sold { ReservationStatus::Converted } else { ReservationStatus::Released };
    let claimed = reservation::Entity::update_many()
        .col_expr(reservation::Column::Status, Expr::value(status))
        .filter(reservation::Column::Id.eq(reservation_id))
        .filter(reservation::Column::Status.eq(ReservationStatus::Active))
        .exec(txn)
        .await?;
    if claimed.rows_affected == 0 {
        return Ok(false);
    }
    let lines = reservation_line::Entity::find()
        .filter(reservation_line::Column::ReservationId.eq(reservation_id))
        .order_by_asc(reservation_line::Column::Id)
        .all(txn)
        .await?;
    let reference = reservation_id.to_string();
    for l in lines {
        if sold {
            movement(txn, l.variant_id, l.warehouse_id, kind::SALE, -l.quantity, -l.quantity, &reference).await?;
        } else {
            movement(txn, l.variant_id, l.warehouse_id, kind::RELEASE, 0, -l.quantity, &reference).await?;
        }
    }
    Ok(true)
}

/// Puts the units a converted reservation sold back on the shelf (an order
/// cancelled after payment), as returns in the ledger.
///
/// # Errors
/// `Database`; `Corrupt` when a line's stock level is gone.
pub(crate) async fn restock<C: ConnectionTrait>(txn: &C, reservation_id: Uuid) -> ServiceResult<()> {
    let lines = reservation_line::Entity::find()
        .filter(reservation_line::Column::ReservationId.eq(reservation_id))
        .order_by_asc(reservation_line::Column::Id)
        .all(txn)
        .await?;
    let reference = reservation_id.to_string();
    for l in lines {
        movement(txn, l.variant_id, l.warehouse_id, kind::RETURN, l.quantity, 0, &reference).await?;
    }
    Ok(())
}

/// Puts `quantity` units of variant `variant_id` that a customer sent back
/// on the shelf, as a `return` in the ledger: into the warehouse the order's
/// reservation took them from (`reservation_id`), else the default one.
/// Returns false, changing nothing, when the variant no longer exists.
///
/// # Errors
/// `Database`.
pub(crate) async fn return_units<C: ConnectionTrait>(
    txn: &C,
    reservation_id: Option<Uuid>,
    variant_id: i64,
    quantity: i32,
    reference: &str,
) -> ServiceResult<bool> {
    let taken_from = match reservation_id {
        Some(id) => reservation_line::Entity::find()
            .filter(reservation_line::Column::ReservationId.eq(id))
            .filter(reservation_line::Column::VariantId.eq(variant_id))
            .order_by_asc(reservation_line::Column::Id)
            .one(txn)
            .await?
            .map(|l| l.warehouse_id),
        None => None,
    };
    let warehouse_id = match taken_from {
        Some(id) => id,
        None => default_warehouse(txn).await?,
    };
    let level = stock_level::Entity::find()
        .filter(stock_level::Column::VariantId.eq(variant_id))
        .filter(stock_level::Column::WarehouseId.eq(warehouse_id))
        .one(txn)
        .await?;
    if level.is_none() {
        return Ok(false);
    }
    movement(txn, variant_id, warehouse_id, kind::RETURN, quantity, 0, reference).await?;
    Ok(true)
}

/// A counter that does not match the ledger (or the variant's available
/// count that does not match its levels).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Drift {
    /// The variant.
    pub variant_id: i64,
    /// The warehouse, or none for the variant's available count.
    pub warehouse_id: Option<i64>,
    /// Which counter: `on_hand`, `reserved` or `available`.
    pub counter: String,
    /// What the counter says.
    pub recorded: i64,
    /// What the ledger (or the levels) add up to.
    pub expected: i64,
}

/// Checks every stock counter against the ledger, and every variant's
/// available count against its levels; lists each one that drifted.
///
/// # Errors
/// `Database`.
pub async fn reconcile<C: ConnectionTrait>(db: &C) -> ServiceResult<Vec<Drift>> {
    let sums: Vec<(i64, i64, Option<i64>, Option<i64>)> = stock_ledger::Entity::find()
        .select_only()
        .column(stock_ledger::Column::VariantId)
        .column(stock_ledger::Column::WarehouseId)
        .column_as(Expr::cust("SUM(on_hand_change)"), "on_hand")
        .column_as(Expr::cust("SUM(reserved_change)"), "reserved")
        .group_by(stock_ledger::Column::VariantId)
        .group_by(stock_ledger::Column::WarehouseId)
        .into_tuple()
        .all(db)
        .await?;
    let sums: HashMap<(i64, i64), (i64, i64)> =
        sums.into_iter().map(|(v, w, o, r)| ((v, w), (o.unwrap_or(0), r.unwrap_or(0)))).collect();
    let levels = stock_level::Entity::find().all(db).await?;
    let mut drifts = Vec::new();
    let mut available: HashMap<i64, i64> = HashMap::new();
    for l in &levels {
        let (on_hand, reserved) = sums.get(&(l.variant_id, l.warehouse_id)).copied().unwrap_or((0, 0));
        for (counter, recorded, expected) in
            [("on_hand", i64::from(l.on_hand), on_hand), ("reserved", i64::from(l.reserved), reserved)]
        {
            if recorded != expected {
                drifts.push(Drift {
                    variant_id: l.variant_id,
                    warehouse_id: Some(l.warehouse_id),
                    counter: counter.into(),
                    recorded,
                    expected,
                });
            }
        }
        *available.entry(l.variant_id).or_default() += i64::from(l.on_hand - l.reserved);
    }
    let variants: Vec<(i64, i32)> = variant::Entity::find()
        .select_only()
        .column(variant::Column::Id)
        .column(variant::Column::Stock)
        .into_tuple()
        .all(db)
        .await?;
    for (id, stock) in variants {
        let expected = available.get(&id).copied().unwrap_or(0);
        if i64::from(stock) != expected {
            drifts.push(Drift {
                variant_id: id,
                warehouse_id: None,
                counter: "available".into(),
                recorded: i64::from(stock),
                expected,
            });
        }
    }
    drifts.sort_by_key(|d| (d.variant_id, d.warehouse_id, d.counter.clone()));
    Ok(drifts)
}
