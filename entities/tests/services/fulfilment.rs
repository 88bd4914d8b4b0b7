//! Shipping and returns: only shipped units come back, a received return
//! restocks and refunds its share once.

use crate::common::*;
use crate::on_both_databases;
use entities::fulfilment::{ItemCount, NewShipment, ReturnDecision, ReturnRequest};
use entities::kernel::access::Actor;
use entities::ordering::OrderStatus;
use entities::ServiceError;

on_both_databases!(shipped_units_come_back_restocked_and_refunded_once, |db| async move {
    let shop = shop(db).await;
    let v = variants_of_vendors(&shop, 1, 3).await.remove(0);
    let order = paid_order(&shop, &[(v.id, 3)]).await;
    let admin = admin_account(&shop, "shipper@example.com").await;
    let count = |quantity| vec![ItemCount { sku: v.sku.clone(), quantity }];
    let ask = |quantity| ReturnRequest { reason: "Too small for me".into(), lines: count(quantity) };

    let early = entities::fulfilment::returns::request_return(&shop, Actor::Anonymous, &order.id, ask(1)).await;
    assert!(matches!(early, Err(ServiceError::InvalidFields(_))), "nothing has shipped: {early:?}");

    let parcel = NewShipment {
        carrier: "PostNL".into(),
        tracking_number: "3SABC123".into(),
        tracking_url: None,
        vendor: None,
        lines: count(2),
    };
    entities::fulfilment::shipments::ship(&shop, admin, &order.id, parcel).await.unwrap();
    let too_many = entities::fulfilment::returns::request_return(&shop, Actor::Anonymous, &order.id, ask(3)).await;
    assert!(matches!(too_many, Err(ServiceError::InvalidFields(_))), "only shipped units come back: {too_many:?}");
    let made = entities::fulfilment::returns::request_return(&shop, Actor::Anonymous, &order.id, ask(1)).await.unwrap();
    let rma = made[0].id.clone();

    let before = stock_of(&shop, v.id).await;
    let decide =
        |action: &str| ReturnDecision { action: action.into(), restock: true, refund: true, ..Default::default() };
    entities::fulfilment::returns::decide_return(&shop, admin, &order.id, &rma, decide("approve")).await.unwrap();
    entities::fulfilment::returns::decide_return(&shop, admin, &order.id, &rma, decide("receive")).await.unwrap();
    let again = entities::fulfilment::returns::decide_return(&shop, admin, &order.id, &rma, decide("receive")).await;

    assert!(matches!(again, Err(ServiceError::Conflict(_))), "received once: {again:?}");
    assert_eq!(stock_of(&shop, v.id).await, before + 1, "back on sale, once");
    let now = entities::ordering::view::order_by_public_id(&shop, &order.id).await.unwrap();
    assert_eq!(now.status, OrderStatus::PartiallyRefunded, "one unit's share went back");
    let refunded: i64 = now.payments.iter().map(|p| p.refunded_minor).sum();
    let goods_and_shipping = now.subtotal_minor + now.shipping_minor;
    let paid = entities::Money::from_minor(now.total_minor, now.currency.parse().unwrap());
    let share = entities::fulfilment::returns::share(paid, v.price_minor, goods_and_shipping).minor();
    assert!(share > 0 && share < now.total_minor);
    assert_eq!(refunded, share, "exactly the unit's share of what was paid");
});
