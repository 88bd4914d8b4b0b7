//! Placing orders: totals, stock held exactly once, idempotent keys.

use crate::common::*;
use crate::on_both_databases;
use entities::kernel::access::Actor;
use entities::ordering::OrderStatus;
use entities::ServiceError;

on_both_databases!(an_order_is_placed_once_per_key_and_holds_its_stock, |db| async move {
    let shop = shop(db).await;
    let lines = variants_of_vendors(&shop, 2, 3).await;
    let (a, b) = (&lines[0], &lines[1]);
    let (stock_a, stock_b) = (stock_of(&shop, a.id).await, stock_of(&shop, b.id).await);

    let cart = fill_cart(&shop, &[(a.id, 2), (b.id, 1)]).await.unwrap();
    let (order, fresh) = place_cart(&shop, "order-key-000001", cart).await.unwrap();

    assert!(fresh);
    assert_eq!(order.status, OrderStatus::PendingPayment);
    assert_eq!(order.sub_orders.len(), 2, "one part per vendor");
    assert_eq!(order.subtotal_minor, 2 * a.price_minor + b.price_minor);
    assert_eq!(
        order.total_minor,
        order.subtotal_minor + order.shipping_minor - order.discount_minor
            + if order.tax_included { 0 } else { order.tax_minor }
    );
    assert_eq!(stock_of(&shop, a.id).await, stock_a - 2, "held at once");
    assert_eq!(stock_of(&shop, b.id).await, stock_b - 1);

    // The same key again (a retried request) answers the same order and
    // holds nothing more; with another cart it is refused.
    let (again, fresh) = place_cart(&shop, "order-key-000001", cart).await.unwrap();
    assert!(!fresh);
    assert_eq!(again.id, order.id);
    let other = place(&shop, "order-key-000001", &[(a.id, 1)]).await;
    assert!(matches!(other, Err(ServiceError::Conflict(_))), "a key names one order: {other:?}");
    assert_eq!(stock_of(&shop, a.id).await, stock_a - 2);
    let drifts = entities::catalog::inventory::reconcile(&shop.db).await.unwrap();
    assert!(drifts.is_empty(), "every counter matches the stock ledger: {drifts:?}");
});

on_both_databases!(an_order_for_more_than_is_in_stock_is_refused_and_holds_nothing, |db| async move {
    let shop = shop(db).await;
    let v = variants_of_vendors(&shop, 1, 1).await.remove(0);
    let patch = entities::catalog::VariantPatch { stock: Some(2), allow_backorder: Some(false), ..Default::default() };
    entities::catalog::variants::update_variant(&shop, Actor::API_TOKEN, entities::VariantId::new(v.id), patch)
        .await
        .unwrap();

    let (first, _) = place(&shop, "order-key-000002", &[(v.id, 2)]).await.unwrap();
    let refused = place(&shop, "order-key-000003", &[(v.id, 1)]).await;

    assert_eq!(first.status, OrderStatus::PendingPayment);
    assert!(
        matches!(refused, Err(ServiceError::Conflict(_)) | Err(ServiceError::Invalid(_))),
        "nothing is left to sell: {refused:?}"
    );
    assert_eq!(stock_of(&shop, v.id).await, 0, "never below zero");
    let drifts = entities::catalog::inventory::reconcile(&shop.db).await.unwrap();
    assert!(drifts.is_empty(), "every counter matches the stock ledger: {drifts:?}");
});
