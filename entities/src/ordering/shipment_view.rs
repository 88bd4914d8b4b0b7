//! An order's parcels and returns as people read them: shipments with their
//! carrier's tracking page, returns, and how much of each line was shipped
//! and returned. Fulfilment writes them; the order's view and fulfilment's
//! answers read them through here.

use crate::catalog::vendors::vendors_of;
use crate::fulfilment::ItemCount;
use crate::fulfilment::ReturnStatus;
use crate::model::{order_line, order_return, return_line, shipment, shipment_line, sub_order, vendor};
use crate::ordering::{ReturnView, ShipmentView};
use crate::ServiceError;
use crate::ServiceResult;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

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
        if returns.iter().any(|r| r.id == l.return_id && r.status != ReturnStatus::Rejected) {
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

/// The carrier's tracking page for `number`, when it is a carrier we know.
pub fn tracking_page(carrier: &str, number: &str) -> Option<String> {
    let key: String = carrier.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_ascii_lowercase();
    CARRIER_PAGES.iter().find(|(name, _)| *name == key).map(|(_, page)| format!("{page}{}", number.replace(' ', "")))
}

pub(crate) async fn view_of_shipment<C: ConnectionTrait>(
    txn: &C,
    row: &shipment::Model,
    lines: &[order_line::Model],
    subs: &[sub_order::Model],
) -> ServiceResult<ShipmentView> {
    let vendors = vendors_of(txn, subs.iter().map(|s| s.vendor_id)).await?;
    let parts = parts(txn, row.order_id, subs, lines, &vendors).await?;
    parts.shipments.into_iter().find(|s| s.id == row.public_id.to_string()).ok_or(ServiceError::NotFound("shipment"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_carriers_get_their_tracking_page() {
        assert_eq!(
            tracking_page("DHL", "JD01 4600").as_deref(),
            Some("https://www.dhl.com/en/express/tracking.html?AWB=JD014600")
        );
        assert_eq!(tracking_page("Post NL", "3S123").as_deref(), Some("https://jouw.postnl.nl/track-and-trace/3S123"));
        assert_eq!(tracking_page("Bike courier", "123"), None);
    }
}
