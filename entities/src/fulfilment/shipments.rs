//! Fulfilment of orders, vendor by vendor: shipments with a carrier and a
//! tracking number (some or all of a sub-order's units: partial
//! fulfilment), their delivery, returns (RMA) with restock and refund, and
//! each vendor's list of its own sub-orders.
//!
//! A sub-order's status follows its units: `fulfilling` once some have
//! shipped, `shipped` when all have, `delivered` when every parcel arrived.
//! The order follows its sub-orders: `fulfilling` once any part moved,
//! `shipped` when every part has, `delivered` when every part arrived. Every
//! step takes the order's row lock first, so two parcels sent at once can
//! never ship more units than were bought.

use super::access::{self, Action, Actor};
use super::orders::{self, actor_name, status_of};
use super::{inventory, mail, outbox, payments, ServiceError, ServiceResult, Shop};
use crate::admin::{VendorOrder, VendorOrderFilter, VendorOrderPage, VendorOrderRow};
use crate::checkout::{ItemCount, NewShipment, ReturnDecision, ReturnRequest, ReturnView, ShipmentView};
use crate::model::{order, order_line, order_return, return_line, shipment, shipment_line, sub_order, vendor};
use crate::ports::MailMessage;
use crate::OrderStatus;
use chrono::{Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// How long after its parcel left (or arrived, when that is known) a unit
/// may be sent back.
pub const RETURN_WINDOW_DAYS: i64 = 30;

/// Carriers whose tracking page is known: a shipment with one of them and
/// no tracking URL gets this page with its number.
const CARRIER_PAGES: [(&str, &str); 6] = [
    ("dhl", "https://www.dhl.com/en/express/tracking.html?AWB="),
    ("ups", "https://www.ups.com/track?tracknum="),
    ("fedex", "https://www.fedex.com/fedextrack/?trknbr="),
    ("usps", "https://tools.usps.com/go/TrackConfirmAction?tLabels="),
    ("postnl", "https://jouw.postnl.nl/track-and-trace/"),
    ("dpd", "https://tracking.dpd.de/parcelstatus?query="),
];

/// What an order's parcels and returns add up to, for its view.
#[derive(Default)]
pub(crate) struct Parts {
    /// Per order line: units shipped, units sent back (returns not rejected).
    pub counts: HashMap<i64, (i32, i32)>,
    pub shipments: Vec<ShipmentView>,
    pub returns: Vec<ReturnView>,
}

/// Reads order `order_id`'s shipments and returns.
pub(crate) async fn parts<C: ConnectionTrait>(
    db: &C,
    order_id: i64,
    subs: &[sub_order::Model],
    lines: &[order_line::Model],
    vendors: &HashMap<i64, vendor::Model>,
) -> ServiceResult<Parts> {
    let slug_of = |sub_order_id: i64| {
        subs.iter()
            .find(|s| s.id == sub_order_id)
            .and_then(|s| vendors.get(&s.vendor_id))
            .map(|v| v.slug.clone())
            .unwrap_or_default()
    };
    let sku_of = |line_id: i64| lines.iter().find(|l| l.id == line_id).map(|l| l.sku.clone()).unwrap_or_default();
    let shipments = shipment::Entity::find()
        .filter(shipment::Column::OrderId.eq(order_id))
        .order_by_asc(shipment::Column::Id)
        .all(db)
        .await?;
    let shipment_lines = shipment_line::Entity::find()
        .filter(shipment_line::Column::ShipmentId.is_in(shipments.iter().map(|s| s.id)))
        .order_by_asc(shipment_line::Column::Id)
        .all(db)
        .await?;
    let returns = order_return::Entity::find()
        .filter(order_return::Column::OrderId.eq(order_id))
        .order_by_asc(order_return::Column::Id)
        .all(db)
        .await?;
    let return_lines = return_line::Entity::find()
        .filter(return_line::Column::ReturnId.is_in(returns.iter().map(|r| r.id)))
        .order_by_asc(return_line::Column::Id)
        .all(db)
        .await?;
    let mut counts: HashMap<i64, (i32, i32)> = HashMap::new();
    for l in &shipment_lines {
        counts.entry(l.order_line_id).or_default().0 += l.quantity;
    }
    for l in &return_lines {
        if returns.iter().any(|r| r.id == l.return_id && r.status != "rejected") {
            counts.entry(l.order_line_id).or_default().1 += l.quantity;
        }
    }
    let shipments = shipments
        .into_iter()
        .map(|s| ShipmentView {
            id: s.public_id.to_string(),
            vendor: slug_of(s.sub_order_id),
            carrier: s.carrier,
            tracking_number: s.tracking_number,
            tracking_url: s.tracking_url,
            status: s.status,
            shipped_at: s.shipped_at,
            delivered_at: s.delivered_at,
            lines: shipment_lines
                .iter()
                .filter(|l| l.shipment_id == s.id)
                .map(|l| ItemCount { sku: sku_of(l.order_line_id), quantity: l.quantity })
                .collect(),
        })
        .collect();
    let returns = returns
        .into_iter()
        .map(|r| ReturnView {
            id: r.public_id.to_string(),
            vendor: slug_of(r.sub_order_id),
            status: r.status,
            reason: r.reason,
            note: r.note,
            restocked: r.restocked,
            refund_minor: r.refund_minor,
            lines: return_lines
                .iter()
                .filter(|l| l.return_id == r.id)
                .map(|l| ItemCount { sku: sku_of(l.order_line_id), quantity: l.quantity })
                .collect(),
            created_at: r.created_at,
        })
        .collect();
    Ok(Parts { counts, shipments, returns })
}

/// Lets only admins and vendor staff with a part in the order go further;
/// to other vendors the order does not exist.
fn staff_of(actor: Actor, subs: &[sub_order::Model]) -> ServiceResult<()> {
    match actor {
        Actor::Anonymous => Err(ServiceError::Unauthenticated),
        Actor::Admin => Ok(()),
        Actor::VendorStaff { vendor_id } if subs.iter().any(|s| s.vendor_id == vendor_id) => Ok(()),
        Actor::VendorStaff { .. } => Err(ServiceError::NotFound("order")),
        Actor::Customer { .. } | Actor::Support { .. } => Err(ServiceError::Forbidden),
    }
}

/// An order, locked, with its parts and lines, read inside `txn`.
struct Locked {
    order: order::Model,
    subs: Vec<sub_order::Model>,
    lines: Vec<order_line::Model>,
}

async fn lock_order<C: ConnectionTrait>(txn: &C, public_id: &str) -> ServiceResult<Locked> {
    let found = orders::find_public(txn, public_id).await?;
    orders::lock(txn, found.id).await?;
    let order = order::Entity::find_by_id(found.id).one(txn).await?.ok_or(ServiceError::NotFound("order"))?;
    let subs = sub_order::Entity::find()
        .filter(sub_order::Column::OrderId.eq(order.id))
        .order_by_asc(sub_order::Column::Id)
        .all(txn)
        .await?;
    let lines = order_line::Entity::find()
        .filter(order_line::Column::OrderId.eq(order.id))
        .order_by_asc(order_line::Column::Id)
        .all(txn)
        .await?;
    Ok(Locked { order, subs, lines })
}

/// Units shipped per order line of order `order_id`.
async fn shipped_units<C: ConnectionTrait>(
    txn: &C,
    order_id: i64,
) -> ServiceResult<(HashMap<i64, i32>, HashMap<i64, i32>)> {
    let shipments = shipment::Entity::find().filter(shipment::Column::OrderId.eq(order_id)).all(txn).await?;
    let lines = shipment_line::Entity::find()
        .filter(shipment_line::Column::ShipmentId.is_in(shipments.iter().map(|s| s.id)))
        .all(txn)
        .await?;
    let mut shipped: HashMap<i64, i32> = HashMap::new();
    let mut delivered: HashMap<i64, i32> = HashMap::new();
    for l in lines {
        *shipped.entry(l.order_line_id).or_default() += l.quantity;
        if shipments.iter().any(|s| s.id == l.shipment_id && s.status == "delivered") {
            *delivered.entry(l.order_line_id).or_default() += l.quantity;
        }
    }
    Ok((shipped, delivered))
}

/// Trims and checks what a tracking number may hold.
fn tracking_number(text: &str) -> Result<String, &'static str> {
    let text = text.trim();
    let fine = (3..=100).contains(&text.chars().count())
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-');
    if fine {
        Ok(text.to_owned())
    } else {
        Err("must be 3 to 100 letters, digits, spaces or '-'")
    }
}

/// The carrier's tracking page for `number`, when it is a carrier we know.
pub fn tracking_page(carrier: &str, number: &str) -> Option<String> {
    let key: String = carrier.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_ascii_lowercase();
    CARRIER_PAGES.iter().find(|(name, _)| *name == key).map(|(_, page)| format!("{page}{}", number.replace(' ', "")))
}

/// Checks a list of units against an order's lines: known SKUs, each once,
/// 1 or more units, at most `limit(line)`. Returns the lines with their
/// quantities.
fn pick<'a>(
    lines: &'a [order_line::Model],
    wanted: &[ItemCount],
    limit: impl Fn(&order_line::Model) -> i32,
    what: &str,
) -> ServiceResult<Vec<(&'a order_line::Model, i32)>> {
    let mut picked: Vec<(&order_line::Model, i32)> = Vec::new();
    let mut problems = Vec::new();
    for (i, w) in wanted.iter().enumerate() {
        let field = format!("lines[{i}]");
        let Some(line) = lines.iter().find(|l| l.sku.eq_ignore_ascii_case(w.sku.trim())) else {
            problems.push((format!("{field}.sku"), format!("no item of the order has SKU {:?}", w.sku)));
            continue;
        };
        if picked.iter().any(|(l, _)| l.id == line.id) {
            problems.push((format!("{field}.sku"), format!("{} is listed twice", line.sku)));
            continue;
        }
        let most = limit(line);
        if w.quantity < 1 || w.quantity > most {
            let message = if most == 0 {
                format!("no unit of {} can be {what}", line.sku)
            } else {
                format!("must be between 1 and {most}, the units of {} that can be {what}", line.sku)
            };
            problems.push((format!("{field}.quantity"), message));
            continue;
        }
        picked.push((line, w.quantity));
    }
    if problems.is_empty() {
        Ok(picked)
    } else {
        Err(ServiceError::InvalidFields(problems))
    }
}

/// Ships units of order `public_id`: one parcel, of one vendor's part, with
/// its carrier and tracking number. Admins ship any part; vendor staff their
/// own. The part and the order move on (see the module's description), the
/// timeline says what left, `shipment.created` goes to the outbox and the
/// customer is emailed the tracking number.
///
/// # Errors
/// `Unauthenticated`/`Forbidden` unless staff act; `NotFound` for an
/// unknown order or another vendor's; `InvalidField(s)` for a bad carrier,
/// tracking number or URL, unknown SKUs, lines of two vendors, or more
/// units than are left to ship; `Conflict` when the order is unpaid,
/// cancelled, refunded, held for review, or has nothing left to ship.
#[tracing::instrument(skip(shop, input))]
pub async fn ship(shop: &Shop, actor: Actor, public_id: &str, input: NewShipment) -> ServiceResult<ShipmentView> {
    access::catalog_staff(actor)?;
    let mut check = super::validate::Check::default();
    let carrier = check.text("carrier", &input.carrier, 60);
    let number = tracking_number(&input.tracking_number).unwrap_or_else(|message| {
        check.fail("tracking_number", message);
        String::new()
    });
    let url = match input.tracking_url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        Some(u) if u.starts_with("https://") && u.len() <= 500 && !u.contains(char::is_whitespace) => {
            Some(u.to_owned())
        }
        Some(_) => {
            check.fail("tracking_url", "must be an https:// address of at most 500 characters");
            None
        }
        None => tracking_page(&carrier, &number),
    };
    check.done()?;

    let txn = super::write_txn(&shop.db).await?;
    let Locked { order: o, subs, lines } = lock_order(&txn, public_id).await?;
    staff_of(actor, &subs)?;
    let status = status_of(&o.status)?;
    if !matches!(
        status,
        OrderStatus::Paid | OrderStatus::Fulfilling | OrderStatus::Shipped | OrderStatus::PartiallyRefunded
    ) {
        return Err(ServiceError::Conflict(format!(
            "An order that is {} cannot ship.",
            status.as_str().replace('_', " ")
        )));
    }
    if o.held_for_review {
        return Err(ServiceError::Conflict("The order is held for review; it ships once staff release it.".into()));
    }
    // Which part ships: the lines' vendor, the vendor named, the caller's, or the only one.
    let sub = if let Some(first) = input.lines.first() {
        let line = lines.iter().find(|l| l.sku.eq_ignore_ascii_case(first.sku.trim()));
        match line.and_then(|l| subs.iter().find(|s| s.id == l.sub_order_id)) {
            Some(s) => s,
            None => {
                return Err(ServiceError::InvalidFields(vec![(
                    "lines[0].sku".into(),
                    format!("no item of the order has SKU {:?}", first.sku),
                )]))
            }
        }
    } else if let Some(slug) = input.vendor.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let v = vendor::Entity::find().filter(vendor::Column::Slug.eq(slug)).one(&txn).await?;
        match v.and_then(|v| subs.iter().find(|s| s.vendor_id == v.id)) {
            Some(s) => s,
            None => {
                return Err(ServiceError::InvalidField { field: "vendor", message: "has no part in this order".into() })
            }
        }
    } else if let Actor::VendorStaff { vendor_id } = actor {
        subs.iter().find(|s| s.vendor_id == vendor_id).ok_or(ServiceError::NotFound("order"))?
    } else if let [only] = subs.as_slice() {
        only
    } else {
        return Err(ServiceError::InvalidField {
            field: "vendor",
            message: "is needed: the order has several vendors' parts".into(),
        });
    };
    access::authorize(actor, Action::FulfilOrder { vendor_id: sub.vendor_id })?;
    let (shipped, _) = shipped_units(&txn, o.id).await?;
    let left = |l: &order_line::Model| l.quantity - shipped.get(&l.id).copied().unwrap_or(0);
    let part: Vec<order_line::Model> = lines.iter().filter(|l| l.sub_order_id == sub.id).cloned().collect();
    let picked: Vec<(&order_line::Model, i32)> = if input.lines.is_empty() {
        part.iter().map(|l| (l, left(l))).filter(|(_, q)| *q > 0).collect()
    } else {
        if let Some(stray) =
            input.lines.iter().position(|w| !part.iter().any(|l| l.sku.eq_ignore_ascii_case(w.sku.trim())))
        {
            if lines.iter().any(|l| l.sku.eq_ignore_ascii_case(input.lines[stray].sku.trim())) {
                return Err(ServiceError::InvalidField {
                    field: "lines",
                    message: "hold items of two vendors: send one shipment per vendor".into(),
                });
            }
        }
        pick(&part, &input.lines, left, "shipped")?
    };
    if picked.is_empty() {
        return Err(ServiceError::Conflict("Everything of this part has shipped already.".into()));
    }
    let now = Utc::now();
    let row = shipment::ActiveModel {
        public_id: Set(Uuid::new_v4()),
        order_id: Set(o.id),
        sub_order_id: Set(sub.id),
        carrier: Set(carrier.clone()),
        tracking_number: Set(number.clone()),
        tracking_url: Set(url.clone()),
        status: Set("shipped".to_owned()),
        actor: Set(actor_name(actor).to_owned()),
        shipped_at: Set(now),
        delivered_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    for (line, quantity) in &picked {
        shipment_line::ActiveModel {
            shipment_id: Set(row.id),
            order_line_id: Set(line.id),
            quantity: Set(*quantity),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    let units: i32 = picked.iter().map(|(_, q)| q).sum();
    let vendor_name = vendor::Entity::find_by_id(sub.vendor_id).one(&txn).await?.map(|v| v.name).unwrap_or_default();
    let note = format!("{vendor_name}: {units} unit(s) shipped with {carrier}, tracking number {number}.");
    orders::event(&txn, o.id, actor_name(actor), "shipped", None, None, &note).await?;
    outbox::record(
        &txn,
        "shipment.created",
        serde_json::json!({
            "order_id": o.id, "public_id": o.public_id, "shipment": row.public_id,
            "carrier": carrier, "tracking_number": number, "tracking_url": url, "units": units,
        }),
    )
    .await?;
    let items = picked.iter().map(|(l, q)| format!("  {q} × {} ({})", l.title, l.sku)).collect::<Vec<_>>().join("\n");
    let follow = url.as_deref().map(|u| format!("\nFollow it: {u}\n")).unwrap_or_default();
    let page = format!("{}/orders/{}", shop.accounts.public_url.trim_end_matches('/'), o.public_id);
    mail::queue(
        &txn,
        &MailMessage {
            to: o.email.clone(),
            subject: format!("{}: your order is on its way", shop.accounts.shop_name),
            text: format!(
                "Good news: part of your order has shipped.\n\n{items}\n\nCarrier: {carrier}\nTracking number: {number}\n{follow}\nYour order: {page}\n"
            ),
        },
        "shipment",
    )
    .await?;
    settle(&txn, &o, actor_name(actor)).await?;
    let view = view_of_shipment(&txn, &row, &lines, &subs).await?;
    txn.commit().await?;
    Ok(view)
}

/// Marks shipment `shipment_id` of order `public_id` delivered (staff of its
/// vendor, or admins); the part and the order move on when everything
/// arrived. Safe to repeat.
///
/// # Errors
/// As [`ship`]; `NotFound` for an unknown shipment.
pub async fn mark_delivered(
    shop: &Shop,
    actor: Actor,
    public_id: &str,
    shipment_id: &str,
) -> ServiceResult<ShipmentView> {
    access::catalog_staff(actor)?;
    let txn = super::write_txn(&shop.db).await?;
    let Locked { order: o, subs, lines } = lock_order(&txn, public_id).await?;
    staff_of(actor, &subs)?;
    let id = Uuid::parse_str(shipment_id.trim()).map_err(|_| ServiceError::NotFound("shipment"))?;
    let row = shipment::Entity::find()
        .filter(shipment::Column::PublicId.eq(id))
        .filter(shipment::Column::OrderId.eq(o.id))
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound("shipment"))?;
    let sub = subs.iter().find(|s| s.id == row.sub_order_id).ok_or(ServiceError::NotFound("shipment"))?;
    access::authorize(actor, Action::FulfilOrder { vendor_id: sub.vendor_id })?;
    if row.status != "delivered" {
        shipment::Entity::update_many()
            .col_expr(shipment::Column::Status, Expr::value("delivered"))
            .col_expr(shipment::Column::DeliveredAt, Expr::value(Utc::now()))
            .filter(shipment::Column::Id.eq(row.id))
            .exec(&txn)
            .await?;
        let note = format!("The parcel {} ({}) was delivered.", row.tracking_number, row.carrier);
        orders::event(&txn, o.id, actor_name(actor), "delivered", None, None, &note).await?;
        outbox::record(
            &txn,
            "shipment.delivered",
            serde_json::json!({ "order_id": o.id, "public_id": o.public_id, "shipment": row.public_id }),
        )
        .await?;
        settle(&txn, &o, actor_name(actor)).await?;
    }
    let row = shipment::Entity::find_by_id(row.id).one(&txn).await?.ok_or(ServiceError::NotFound("shipment"))?;
    let view = view_of_shipment(&txn, &row, &lines, &subs).await?;
    txn.commit().await?;
    Ok(view)
}

async fn view_of_shipment<C: ConnectionTrait>(
    txn: &C,
    row: &shipment::Model,
    lines: &[order_line::Model],
    subs: &[sub_order::Model],
) -> ServiceResult<ShipmentView> {
    let vendors = vendors_of(txn, subs.iter().map(|s| s.vendor_id)).await?;
    let parts = parts(txn, row.order_id, subs, lines, &vendors).await?;
    parts.shipments.into_iter().find(|s| s.id == row.public_id.to_string()).ok_or(ServiceError::NotFound("shipment"))
}

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

/// Moves each sub-order of `o` to where its units are, and the order to
/// where its sub-orders are (through `fulfilling` and `shipped` when it
/// skips them). Never moves anything back.
async fn settle<C: ConnectionTrait>(txn: &C, o: &order::Model, actor: &str) -> ServiceResult<()> {
    use OrderStatus::{Delivered, Fulfilling, Shipped};
    fn rank(s: OrderStatus) -> u8 {
        match s {
            OrderStatus::Fulfilling => 1,
            OrderStatus::Shipped => 2,
            OrderStatus::Delivered => 3,
            _ => 0,
        }
    }
    let subs = sub_order::Entity::find().filter(sub_order::Column::OrderId.eq(o.id)).all(txn).await?;
    let lines = order_line::Entity::find().filter(order_line::Column::OrderId.eq(o.id)).all(txn).await?;
    let (shipped, delivered) = shipped_units(txn, o.id).await?;
    let mut targets = Vec::with_capacity(subs.len());
    for s in &subs {
        let part: Vec<&order_line::Model> = lines.iter().filter(|l| l.sub_order_id == s.id).collect();
        let bought: i32 = part.iter().map(|l| l.quantity).sum();
        let sent: i32 = part.iter().map(|l| shipped.get(&l.id).copied().unwrap_or(0)).sum();
        let arrived: i32 = part.iter().map(|l| delivered.get(&l.id).copied().unwrap_or(0)).sum();
        let target = if bought > 0 && arrived >= bought {
            Some(Delivered)
        } else if bought > 0 && sent >= bought {
            Some(Shipped)
        } else if sent > 0 {
            Some(Fulfilling)
        } else {
            None
        };
        if let Some(t) = target {
            if s.status != t.as_str() && rank(status_of(&s.status)?) < rank(t) {
                sub_order::Entity::update_many()
                    .col_expr(sub_order::Column::Status, Expr::value(t.as_str()))
                    .filter(sub_order::Column::Id.eq(s.id))
                    .exec(txn)
                    .await?;
            }
        }
        targets.push(target);
    }
    let target = if targets.iter().all(|t| *t == Some(Delivered)) {
        Delivered
    } else if targets.iter().all(|t| matches!(t, Some(Shipped | Delivered))) {
        Shipped
    } else if targets.iter().any(Option::is_some) {
        Fulfilling
    } else {
        return Ok(());
    };
    for step in [Fulfilling, Shipped, Delivered] {
        if rank(step) > rank(target) {
            break;
        }
        let current = order::Entity::find_by_id(o.id).one(txn).await?.ok_or(ServiceError::NotFound("order"))?;
        let from = status_of(&current.status)?;
        if from == target || (rank(from) >= rank(target) && rank(from) > 0) {
            break;
        }
        let to = if from.can_become(target) { target } else { step };
        if rank(from) >= rank(to) || !from.can_become(to) {
            continue;
        }
        let note = format!(
            "Changed from {from} to {to}: {}.",
            match to {
                Delivered => "everything arrived",
                Shipped => "everything has shipped",
                _ => "the first units have shipped",
            }
        );
        orders::move_order(txn, &current, to, actor, &note, false).await?;
        if to == target {
            break;
        }
    }
    Ok(())
}

/// Asks to send units of order `public_id` back (its customer, whoever
/// holds a guest order's id, or staff): units that shipped, within
/// [`RETURN_WINDOW_DAYS`] of their parcel leaving (or arriving), not sent
/// back already. One return is made per vendor, each handled by that
/// vendor; `return.requested` goes to the outbox.
///
/// # Errors
/// `NotFound` for an order `actor` may not read; `InvalidField(s)` for a
/// short reason, unknown SKUs or too many units; `Conflict` when the window
/// has closed.
#[tracing::instrument(skip(shop, request))]
pub async fn request_return(
    shop: &Shop,
    actor: Actor,
    public_id: &str,
    request: ReturnRequest,
) -> ServiceResult<Vec<ReturnView>> {
    let txn = super::write_txn(&shop.db).await?;
    let Locked { order: o, subs, lines } = lock_order(&txn, public_id).await?;
    access::read_order(actor, o.user_id)?;
    if matches!(status_of(&o.status)?, OrderStatus::Cancelled | OrderStatus::Refunded) {
        return Err(ServiceError::Conflict(format!("The order is {}: there is nothing to send back.", o.status)));
    }
    let reason = request.reason.trim().to_owned();
    let mut problems = Vec::new();
    if !(3..=1000).contains(&reason.chars().count()) {
        problems.push(("reason".to_owned(), "must be 3 to 1000 characters".to_owned()));
    }
    if request.lines.is_empty() {
        problems.push(("lines".to_owned(), "must name at least one item to send back".to_owned()));
    }
    if !problems.is_empty() {
        return Err(ServiceError::InvalidFields(problems));
    }
    let vendors = vendors_of(&txn, subs.iter().map(|s| s.vendor_id)).await?;
    let before = parts(&txn, o.id, &subs, &lines, &vendors).await?;
    let picked = pick(
        &lines,
        &request.lines,
        |l| before.counts.get(&l.id).map_or(0, |(shipped, returned)| shipped - returned),
        "sent back",
    )?;
    // The window: from the latest parcel holding units of the line.
    let now = Utc::now();
    let shipments = shipment::Entity::find().filter(shipment::Column::OrderId.eq(o.id)).all(&txn).await?;
    let held = shipment_line::Entity::find()
        .filter(shipment_line::Column::ShipmentId.is_in(shipments.iter().map(|s| s.id)))
        .all(&txn)
        .await?;
    let mut by_part: BTreeMap<i64, Vec<(&order_line::Model, i32)>> = BTreeMap::new();
    for (line, quantity) in picked {
        let last = shipments
            .iter()
            .filter(|s| held.iter().any(|h| h.shipment_id == s.id && h.order_line_id == line.id))
            .map(|s| s.delivered_at.unwrap_or(s.shipped_at))
            .max();
        if last.is_some_and(|at| now - at > Duration::days(RETURN_WINDOW_DAYS)) {
            return Err(ServiceError::Conflict(format!(
                "{} can be sent back within {RETURN_WINDOW_DAYS} days of delivery; please contact the shop.",
                line.title
            )));
        }
        by_part.entry(line.sub_order_id).or_default().push((line, quantity));
    }
    let mut ids = Vec::new();
    for (sub_id, picked) in &by_part {
        let row = order_return::ActiveModel {
            public_id: Set(Uuid::new_v4()),
            order_id: Set(o.id),
            sub_order_id: Set(*sub_id),
            status: Set("requested".to_owned()),
            reason: Set(reason.clone()),
            note: Set(String::new()),
            restocked: Set(false),
            refund_minor: Set(0),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        for (line, quantity) in picked {
            return_line::ActiveModel {
                return_id: Set(row.id),
                order_line_id: Set(line.id),
                quantity: Set(*quantity),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
        let units: i32 = picked.iter().map(|(_, q)| q).sum();
        orders::event(
            &txn,
            o.id,
            actor_name(actor),
            "return_requested",
            None,
            None,
            &format!("Return of {units} unit(s) asked for: {reason}"),
        )
        .await?;
        outbox::record(
            &txn,
            "return.requested",
            serde_json::json!({ "order_id": o.id, "public_id": o.public_id, "return": row.public_id, "units": units }),
        )
        .await?;
        ids.push(row.public_id.to_string());
    }
    let made =
        parts(&txn, o.id, &subs, &lines, &vendors).await?.returns.into_iter().filter(|r| ids.contains(&r.id)).collect();
    txn.commit().await?;
    Ok(made)
}

/// What staff do with return `return_id` of order `public_id`:
/// - `approve` a requested return (the customer sends the parcel);
/// - `reject` a requested or approved one, with a note to the customer;
/// - `receive` it (the parcel came back): with `restock`, its units go back
///   on sale (a `return` in the stock ledger, into the warehouse they were
///   sold from); with `refund`, the units' share of what was paid is
///   refunded through the order's payment (goods and shipping weighed by
///   price, so discounts and tax are shared out with them).
///
/// Admins act on any return, vendor staff on their own part's. Each step
/// is on the timeline and in the outbox (`return.<status>`).
///
/// # Errors
/// As [`ship`]; `NotFound` for an unknown return; `InvalidField(s)` for an
/// unknown action or a rejection without a note; `Conflict` for a step the
/// return's status does not allow; `Port` when the refund fails (the return
/// stays received: refund it by hand).
#[tracing::instrument(skip(shop, decision))]
pub async fn decide_return(
    shop: &Shop,
    actor: Actor,
    public_id: &str,
    return_id: &str,
    decision: ReturnDecision,
) -> ServiceResult<ReturnView> {
    access::catalog_staff(actor)?;
    let action = decision.action.trim().to_ascii_lowercase();
    let note = decision.note.trim().chars().take(1000).collect::<String>();
    if !["approve", "reject", "receive"].contains(&action.as_str()) {
        return Err(ServiceError::InvalidField {
            field: "action",
            message: "must be approve, reject or receive".into(),
        });
    }
    if action == "reject" && note.is_empty() {
        return Err(ServiceError::InvalidField { field: "note", message: "must tell the customer why".into() });
    }
    let txn = super::write_txn(&shop.db).await?;
    let Locked { order: o, subs, lines } = lock_order(&txn, public_id).await?;
    staff_of(actor, &subs)?;
    let id = Uuid::parse_str(return_id.trim()).map_err(|_| ServiceError::NotFound("return"))?;
    let row = order_return::Entity::find()
        .filter(order_return::Column::PublicId.eq(id))
        .filter(order_return::Column::OrderId.eq(o.id))
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound("return"))?;
    let sub = subs.iter().find(|s| s.id == row.sub_order_id).ok_or(ServiceError::NotFound("return"))?;
    access::authorize(actor, Action::FulfilOrder { vendor_id: sub.vendor_id })?;
    let to = match (action.as_str(), row.status.as_str()) {
        ("approve", "requested") => "approved",
        ("reject", "requested" | "approved") => "rejected",
        ("receive", "requested" | "approved") => "received",
        (_, from) => {
            let done = match action.as_str() {
                "approve" => "approved",
                "reject" => "rejected",
                _ => "received",
            };
            return Err(ServiceError::Conflict(format!("A return that is {from} cannot be {done}.")));
        }
    };
    let items: Vec<(order_line::Model, i32)> = return_line::Entity::find()
        .filter(return_line::Column::ReturnId.eq(row.id))
        .all(&txn)
        .await?
        .into_iter()
        .filter_map(|rl| lines.iter().find(|l| l.id == rl.order_line_id).map(|l| (l.clone(), rl.quantity)))
        .collect();
    let mut restocked = false;
    if to == "received" && decision.restock {
        let reference = format!("return:{}", row.public_id);
        for (line, quantity) in &items {
            restocked |=
                inventory::return_units(&txn, o.reservation_id, line.variant_id, *quantity, &reference).await?;
        }
    }
    // A refund is recorded with the receipt, in one transaction: should the
    // process stop before the provider is asked, reconciliation asks.
    let mut recorded = Vec::new();
    if to == "received" && decision.refund {
        let goods: i64 = items.iter().map(|(l, q)| l.unit_price_minor * i64::from(*q)).sum();
        let mut owed = share(o.total_minor, goods, o.subtotal_minor + o.shipping_minor);
        // From the payments with the most left first (a card, then a gift card).
        let mut paid: Vec<crate::model::payment::Model> = crate::model::payment::Entity::find()
            .filter(crate::model::payment::Column::OrderId.eq(o.id))
            .filter(crate::model::payment::Column::Status.eq("succeeded"))
            .all(&txn)
            .await?
            .into_iter()
            .filter(|p| p.refunded_minor < p.amount_minor)
            .collect();
        paid.sort_by_key(|p| (std::cmp::Reverse(p.amount_minor - p.refunded_minor), p.id));
        for p in paid {
            if owed <= 0 {
                break;
            }
            let part = Ord::min(owed, p.amount_minor - p.refunded_minor);
            let reason = format!("return {}", row.public_id);
            recorded.push(
                payments::record_refund(&txn, actor_name(actor), &o, Some(part), &reason, Some(&p.provider_ref))
                    .await?,
            );
            owed -= part;
        }
    }
    let refund_minor: i64 = recorded.iter().map(|(r, _)| r.amount_minor).sum();
    let moved = order_return::Entity::update_many()
        .col_expr(order_return::Column::Status, Expr::value(to))
        .col_expr(
            order_return::Column::Note,
            Expr::value(if note.is_empty() { row.note.clone() } else { note.clone() }),
        )
        .col_expr(order_return::Column::Restocked, Expr::value(restocked))
        .col_expr(order_return::Column::RefundMinor, Expr::value(row.refund_minor + refund_minor))
        .col_expr(order_return::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(order_return::Column::Id.eq(row.id))
        .filter(order_return::Column::Status.eq(row.status.as_str()))
        .exec(&txn)
        .await?;
    if moved.rows_affected != 1 {
        return Err(ServiceError::Conflict("The return changed meanwhile; look at it again.".into()));
    }
    let units: i32 = items.iter().map(|(_, q)| q).sum();
    let said = match to {
        "approved" => format!("Return of {units} unit(s) approved: please send it back."),
        "rejected" => format!("Return of {units} unit(s) refused: {note}"),
        _ => format!("Return of {units} unit(s) received{}.", if restocked { "; back on sale" } else { "" }),
    };
    orders::event(&txn, o.id, actor_name(actor), &format!("return_{to}"), None, None, &said).await?;
    outbox::record(
        &txn,
        &format!("return.{to}"),
        serde_json::json!({ "order_id": o.id, "public_id": o.public_id, "return": row.public_id, "units": units }),
    )
    .await?;
    txn.commit().await?;

    // Then the providers are asked; a refusal takes its part off the return.
    let mut refused = None;
    for (refund, pay) in &recorded {
        match payments::ask_for_refund(shop, refund, pay).await? {
            payments::Asked::Done | payments::Asked::NoAnswer(_) => {}
            payments::Asked::Refused(e) => {
                order_return::Entity::update_many()
                    .col_expr(
                        order_return::Column::RefundMinor,
                        Expr::col(order_return::Column::RefundMinor).sub(refund.amount_minor),
                    )
                    .filter(order_return::Column::Id.eq(row.id))
                    .exec(&shop.db)
                    .await?;
                refused = Some(e);
            }
        }
    }
    if let Some(e) = refused {
        return Err(e);
    }
    let vendors = vendors_of(&shop.db, subs.iter().map(|s| s.vendor_id)).await?;
    parts(&shop.db, o.id, &subs, &lines, &vendors)
        .await?
        .returns
        .into_iter()
        .find(|r| r.id == row.public_id.to_string())
        .ok_or(ServiceError::NotFound("return"))
}

/// `part` of `whole`'s share of `total`, rounded half up.
pub fn share(total: i64, part: i64, whole: i64) -> i64 {
    if whole <= 0 {
        return 0;
    }
    let exact = i128::from(total) * i128::from(part);
    let whole = i128::from(whole);
    i64::try_from((exact * 2 + whole) / (whole * 2)).unwrap_or(i64::MAX)
}

/// Which vendor a list or an order is read for: vendor staff's own; an
/// admin's choice (`slug`, required with `needed`).
async fn vendor_for(shop: &Shop, actor: Actor, slug: Option<&str>, needed: bool) -> ServiceResult<Option<i64>> {
    match actor {
        Actor::VendorStaff { vendor_id } => Ok(Some(vendor_id)),
        Actor::Admin => match slug.map(str::trim).filter(|s| !s.is_empty()) {
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
        query = query.filter(sub_order::Column::Status.eq(status.as_str()));
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
            status: status_of(&s.status)?,
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
    let o = orders::find_public(&shop.db, public_id).await?;
    let sub = sub_order::Entity::find()
        .filter(sub_order::Column::OrderId.eq(o.id))
        .filter(sub_order::Column::VendorId.eq(vendor_id))
        .one(&shop.db)
        .await?
        .ok_or(ServiceError::NotFound("order"))?;
    let view = orders::view_public(&shop.db, public_id).await?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_share_is_rounded_half_up_and_never_divides_by_zero() {
        assert_eq!(share(12_100, 5_000, 10_000), 6_050);
        assert_eq!(share(100, 1, 3), 33, "33.33 rounds down");
        assert_eq!(share(100, 2, 3), 67, "66.67 rounds up");
        assert_eq!(share(5, 1, 2), 3, "2.5 rounds up");
        assert_eq!(share(100, 1, 0), 0);
    }

    #[test]
    fn known_carriers_get_their_tracking_page() {
        assert_eq!(
            tracking_page("DHL", "JD01 4600").as_deref(),
            Some("https://www.dhl.com/en/express/tracking.html?AWB=JD014600")
        );
        assert_eq!(tracking_page("Post NL", "3S123").as_deref(), Some("https://jouw.postnl.nl/track-and-trace/3S123"));
        assert_eq!(tracking_page("Bike courier", "123"), None);
    }

    #[test]
    fn tracking_numbers_are_checked() {
        assert_eq!(tracking_number(" 1Z 999-AA1 ").as_deref(), Ok("1Z 999-AA1"));
        assert!(tracking_number("12").is_err());
        assert!(tracking_number("abc<script>").is_err());
        assert!(tracking_number(&"9".repeat(101)).is_err());
    }
}
