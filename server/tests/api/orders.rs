//! Placing orders: never oversell, never place twice, price from the
//! catalog, split per vendor, hold stock until paid or expired, and move
//! only as an order's life allows. Every stock movement is in the ledger.

use crate::helpers::*;
use crate::on_both_databases;
use entities::catalog::{inventory, ProductStatus};
use entities::kernel::access::Actor;
use entities::model::{order, outbox, product, stock_ledger, stock_level, sub_order, variant, vendor};
use entities::ordering::cart;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::{json, Value};
use uuid::Uuid;

const TOKEN: &str = "test-admin-token-0123456789abcdef0123";

fn address() -> Value {
    json!({ "name": "Ada Shopper", "line1": "Keizersgracht 1", "postal_code": "1015 CJ", "city": "Amsterdam", "country": "nl" })
}

fn body(cart: Uuid) -> Value {
    json!({ "cart_id": cart.to_string(), "email": "ada@example.com", "shipping_address": address() })
}

async fn place(app: &TestApp, key: &str, body: &Value) -> (u16, Value, reqwest::header::HeaderMap) {
    let response =
        app.client.post(app.url("/api/v1/orders")).header("idempotency-key", key).json(body).send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, response.json().await.unwrap_or(Value::Null), headers)
}

/// Variants of active products, cheapest-id first, with at least `stock`
/// units, each from a different vendor when `distinct_vendors`.
async fn variants_for_sale(app: &TestApp, n: usize, stock: i32, distinct_vendors: bool) -> Vec<variant::Model> {
    let mut chosen: Vec<variant::Model> = Vec::new();
    let mut vendors = Vec::new();
    let candidates = variant::Entity::find()
        .filter(variant::Column::Stock.gte(stock))
        .order_by_asc(variant::Column::Id)
        .all(&app.shop.db);
    for v in candidates.await.unwrap() {
        let p = product::Entity::find_by_id(v.product_id).one(&app.shop.db).await.unwrap().unwrap();
        if p.status != ProductStatus::Active || (distinct_vendors && vendors.contains(&p.vendor_id)) {
            continue;
        }
        if chosen.iter().any(|c| c.currency != v.currency) {
            continue;
        }
        vendors.push(p.vendor_id);
        chosen.push(v);
        if chosen.len() == n {
            break;
        }
    }
    assert_eq!(chosen.len(), n, "the seed has enough variants for sale");
    chosen
}

async fn set_stock(app: &TestApp, variant_id: i64, stock: i32) {
    let patch =
        entities::catalog::VariantPatch { stock: Some(stock), allow_backorder: Some(false), ..Default::default() };
    entities::catalog::variants::update_variant(
        &app.shop,
        Actor::API_TOKEN,
        entities::VariantId::new(variant_id),
        patch,
    )
    .await
    .unwrap();
}

async fn available(app: &TestApp, variant_id: i64) -> i32 {
    variant::Entity::find_by_id(variant_id).one(&app.shop.db).await.unwrap().unwrap().stock
}

async fn levels(app: &TestApp, variant_id: i64) -> (i32, i32) {
    let l = stock_level::Entity::find().filter(stock_level::Column::VariantId.eq(variant_id)).all(&app.shop.db);
    l.await.unwrap().iter().fold((0, 0), |(o, r), l| (o + l.on_hand, r + l.reserved))
}

async fn assert_reconciled(app: &TestApp) {
    let drifts = inventory::reconcile(&app.shop.db).await.unwrap();
    assert!(drifts.is_empty(), "every counter matches the ledger: {drifts:?}");
}

#[tokio::test]
async fn five_hundred_checkouts_of_ten_units_sell_exactly_ten() {
    let app = spawn_app(Db::Postgres).await;
    let v = variants_for_sale(&app, 1, 1, false).await.remove(0);
    set_stock(&app, v.id, 10).await;
    let mut carts = Vec::new();
    for _ in 0..500 {
        let id = Uuid::new_v4();
        cart::add_item(&app.shop, id, entities::VariantId::new(v.id), 1).await.unwrap();
        carts.push(id);
    }

    let attempts = carts.iter().enumerate().map(|(n, cart)| {
        let app = &app;
        let body = body(*cart);
        async move { place(app, &format!("checkout-{n:04}"), &body).await }
    });
    let results = futures::future::join_all(attempts).await;

    let placed = results.iter().filter(|(s, _, _)| *s == 201).count();
    let sold_out: Vec<&Value> = results.iter().filter(|(s, _, _)| *s == 409).map(|(_, b, _)| b).collect();
    assert_eq!(placed, 10, "exactly the stock is sold");
    assert_eq!(sold_out.len(), 490, "everyone else is told: {:?}", results.iter().map(|r| r.0).collect::<Vec<_>>());
    assert!(sold_out.iter().all(|b| b["detail"].as_str().unwrap().contains("sold out")), "{:?}", sold_out[0]);
    assert_eq!(order::Entity::find().count(&app.shop.db).await.unwrap(), 10);
    assert_eq!(available(&app, v.id).await, 0);
    assert_eq!(levels(&app, v.id).await, (10, 10), "all ten held for payment");
    assert_reconciled(&app).await;
}

on_both_databases!(an_order_is_priced_from_the_catalog_and_split_per_vendor, |db| async move {
    let app = spawn_app(db).await;
    let [a, b]: [variant::Model; 2] = variants_for_sale(&app, 2, 3, true).await.try_into().unwrap();
    set_stock(&app, b.id, 6).await;
    let before_a = available(&app, a.id).await;
    let cart_id = Uuid::new_v4();
    cart::add_item(&app.shop, cart_id, entities::VariantId::new(a.id), 2).await.unwrap();
    cart::add_item(&app.shop, cart_id, entities::VariantId::new(b.id), 1).await.unwrap();

    let mut tampered = body(cart_id);
    tampered["total_minor"] = json!(1);
    let (status, problem, _) = place(&app, "order-tampered-0001", &tampered).await;
    assert_eq!(status, 400, "a total in the request is refused, never used: {problem}");
    let response = app.client.post(app.url("/api/v1/orders")).json(&body(cart_id)).send().await.unwrap();
    assert_eq!(response.status(), 400, "the idempotency key is required");

    let (status, placed, headers) = place(&app, "order-split-0001", &body(cart_id)).await;

    assert_eq!(status, 201, "{placed}");
    let id = placed["id"].as_str().unwrap();
    assert_eq!(headers["location"], format!("/api/v1/orders/{id}").as_str());
    let expected = a.price_minor * 2 + b.price_minor;
    assert_eq!(placed["subtotal_minor"], expected);
    let shipping: i64 =
        placed["sub_orders"].as_array().unwrap().iter().map(|s| s["shipping_minor"].as_i64().unwrap()).sum();
    assert_eq!(placed["shipping_minor"], shipping, "each vendor's shipping adds up");
    assert_eq!(placed["total_minor"], expected + shipping, "prices include tax (NL): nothing is added");
    let total = expected + shipping;
    assert_eq!(placed["tax_minor"], (total * 2_100 + 6_050) / 12_100, "the 21 % VAT inside the total");
    assert_eq!(placed["status"], "pending_payment");
    assert_eq!(placed["shipping_address"]["country"], "NL");
    assert!(placed["pay_before"].is_string(), "the stock is held until a stated time");
    let subs = placed["sub_orders"].as_array().unwrap();
    assert_eq!(subs.len(), 2, "one part per vendor");
    let lines: Vec<(&str, i64)> = subs
        .iter()
        .flat_map(|s| s["lines"].as_array().unwrap())
        .map(|l| (l["sku"].as_str().unwrap(), l["quantity"].as_i64().unwrap()))
        .collect();
    assert_eq!(lines, [(a.sku.as_str(), 2), (b.sku.as_str(), 1)]);
    let rows = sub_order::Entity::find().order_by_asc(sub_order::Column::Id).all(&app.shop.db).await.unwrap();
    for row in rows {
        let v = vendor::Entity::find_by_id(row.vendor_id).one(&app.shop.db).await.unwrap().unwrap();
        assert_eq!(row.commission_bps, v.commission_bps);
        let currency = placed["currency"].as_str().unwrap().parse().unwrap();
        let subtotal = entities::Money::from_minor(row.subtotal_minor, currency);
        assert_eq!(row.commission_minor, entities::ordering::placing::commission(subtotal, v.commission_bps).minor());
    }
    assert_eq!(placed["timeline"][0]["kind"], "placed");
    let fetched: Value = app.get(&format!("/api/v1/orders/{id}")).await.json().await.unwrap();
    assert_eq!(fetched, placed, "the order reads back as placed");
    assert_eq!(app.get(&format!("/api/v1/orders/{}", Uuid::new_v4())).await.status(), 404);

    assert_eq!(cart::summary(&app.shop, cart_id).await.unwrap().item_count, 0, "the cart is emptied");
    assert_eq!(available(&app, a.id).await, before_a - 2);
    assert_eq!(available(&app, b.id).await, 5);
    let reservations = stock_ledger::Entity::find()
        .filter(stock_ledger::Column::Kind.eq("reservation"))
        .count(&app.shop.db)
        .await
        .unwrap();
    assert_eq!(reservations, 2, "each held line is in the ledger");
    let topics: Vec<String> =
        outbox::Entity::find().all(&app.shop.db).await.unwrap().into_iter().map(|e| e.topic).collect();
    assert!(topics.contains(&"order.placed".to_owned()));
    assert!(topics.contains(&"stock.low".to_owned()), "6 -> 5 crosses the low-stock line: {topics:?}");
    assert_reconciled(&app).await;
});

on_both_databases!(a_retried_request_returns_the_same_order_and_never_a_second, |db| async move {
    let app = spawn_app(db).await;
    let v = variants_for_sale(&app, 1, 3, false).await.remove(0);
    let cart_id = Uuid::new_v4();
    cart::add_item(&app.shop, cart_id, entities::VariantId::new(v.id), 1).await.unwrap();
    let before = available(&app, v.id).await;

    let (first, placed, _) = place(&app, "retry-key-0001", &body(cart_id)).await;
    let (second, again, headers) = place(&app, "retry-key-0001", &body(cart_id)).await;
    let same = body(cart_id);
    let concurrent = futures::future::join_all((0..8).map(|_| place(&app, "retry-key-0001", &same))).await;

    assert_eq!((first, second), (201, 200));
    assert_eq!(again["id"], placed["id"]);
    assert_eq!(headers["idempotent-replayed"], "true");
    assert!(concurrent.iter().all(|(s, o, _)| *s == 200 && o["id"] == placed["id"]));
    assert_eq!(order::Entity::find().count(&app.shop.db).await.unwrap(), 1);
    assert_eq!(available(&app, v.id).await, before - 1, "stock was held once");

    // Tabs placing one cart at once, each with its own key: one order.
    let shared = Uuid::new_v4();
    cart::add_item(&app.shop, shared, entities::VariantId::new(v.id), 1).await.unwrap();
    let shared_body = body(shared);
    let keys: Vec<String> = (0..4).map(|n| format!("tab-key-000{n}")).collect();
    let tabs = futures::future::join_all(keys.iter().map(|k| place(&app, k, &shared_body))).await;
    let statuses: Vec<u16> = tabs.iter().map(|(s, ..)| *s).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| matches!(s, 201 | 400 | 409)), "the others are told why: {statuses:?}");
    let of_shared = order::Entity::find().filter(order::Column::CartId.eq(shared)).count(&app.shop.db).await.unwrap();
    assert_eq!(of_shared, 1);

    // A retry after the cart was filled again (and that item sold out)
    // still answers with the order its key placed.
    cart::add_item(&app.shop, cart_id, entities::VariantId::new(v.id), 1).await.unwrap();
    set_stock(&app, v.id, 0).await;
    let (status, again, _) = place(&app, "retry-key-0001", &body(cart_id)).await;
    assert_eq!((status, again["id"].as_str()), (200, placed["id"].as_str()), "{again}");
    set_stock(&app, v.id, 3).await;

    let other_cart = Uuid::new_v4();
    cart::add_item(&app.shop, other_cart, entities::VariantId::new(v.id), 1).await.unwrap();
    let (status, problem, _) = place(&app, "retry-key-0001", &body(other_cart)).await;
    assert_eq!(status, 409, "a key belongs to one cart: {problem}");
    let (status, problem, _) = place(&app, "retry-key-0002", &body(Uuid::new_v4())).await;
    assert_eq!(status, 400, "an empty cart places nothing: {problem}");
    let (status, problem, _) = place(&app, "bad key", &body(other_cart)).await;
    assert_eq!(status, 400, "{problem}");
    let bad = json!({ "cart_id": other_cart.to_string(), "email": "nope", "shipping_address": { "name": "", "line1": "x", "postal_code": "1", "city": "y", "country": "Netherlands" } });
    let (status, problem, _) = place(&app, "retry-key-0003", &bad).await;
    assert_eq!(status, 400);
    let fields: Vec<&str> =
        problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["email", "shipping_address.country", "shipping_address.name"], "{problem}");
});

on_both_databases!(an_unpaid_order_expires_and_its_stock_goes_back_on_sale, |db| async move {
    let app = spawn_app(db).await;
    let v = variants_for_sale(&app, 1, 2, false).await.remove(0);
    let before = available(&app, v.id).await;
    let cart_id = Uuid::new_v4();
    cart::add_item(&app.shop, cart_id, entities::VariantId::new(v.id), 2).await.unwrap();
    let (_, placed, _) = place(&app, "expiry-key-0001", &body(cart_id)).await;
    let id = placed["id"].as_str().unwrap();

    let early = entities::ordering::life::expire_reservations(&app.shop, chrono::Utc::now()).await.unwrap();
    let late =
        entities::ordering::life::expire_reservations(&app.shop, chrono::Utc::now() + chrono::Duration::minutes(16))
            .await
            .unwrap();

    assert_eq!((early, late), (0, 1), "only a reservation past its time expires");
    let order = entities::ordering::view::order_by_public_id(&app.shop, id).await.unwrap();
    assert_eq!(order.status, entities::ordering::OrderStatus::Cancelled);
    assert_eq!(order.timeline.last().unwrap().actor, "system");
    assert_eq!(available(&app, v.id).await, before, "the stock is back");
    assert_eq!(levels(&app, v.id).await.1, 0, "nothing is held");
    let late_payment = entities::ordering::record::record_payment(&app.shop, id, "pay_late").await;
    assert!(matches!(late_payment, Err(entities::ServiceError::Conflict(_))), "{late_payment:?}");
    assert_reconciled(&app).await;
});

on_both_databases!(payment_sells_the_stock_and_an_order_moves_only_as_its_life_allows, |db| async move {
    let app = spawn_app_with(db, |s| s.api.admin_token = Some(TOKEN.into())).await;
    let v = variants_for_sale(&app, 1, 3, false).await.remove(0);
    let (on_hand, _) = levels(&app, v.id).await;
    let cart_id = Uuid::new_v4();
    cart::add_item(&app.shop, cart_id, entities::VariantId::new(v.id), 1).await.unwrap();
    let (_, placed, _) = place(&app, "life-key-0001", &body(cart_id)).await;
    let id = placed["id"].as_str().unwrap().to_owned();
    let status = |to: &str, token: Option<&str>| {
        let mut request =
            app.client.post(app.url(&format!("/api/v1/orders/{id}/status"))).json(&json!({ "status": to }));
        if let Some(t) = token {
            request = request.bearer_auth(t);
        }
        async move {
            let response = request.send().await.unwrap();
            (response.status().as_u16(), response.json::<Value>().await.unwrap())
        }
    };

    entities::ordering::record::record_payment(&app.shop, &id, "pay_1").await.unwrap();
    let twice = entities::ordering::record::record_payment(&app.shop, &id, "pay_1").await.unwrap();
    assert_eq!(twice.status, entities::ordering::OrderStatus::Paid);
    assert_eq!(
        twice.timeline.iter().filter(|e| e.to == Some(entities::ordering::OrderStatus::Paid)).count(),
        1,
        "paid once"
    );
    assert_eq!(levels(&app, v.id).await, (on_hand - 1, 0), "held units became a sale");

    assert_eq!(status("shipped", Some(TOKEN)).await.0, 409, "paid orders are fulfilled before they ship");
    assert_eq!(status("fulfilling", None).await.0, 401, "only staff move orders through fulfilment");
    assert_eq!(status("cancelled", None).await.0, 409, "a paid order is cancelled by the shop only");
    assert_eq!(status("fulfilling", Some(TOKEN)).await.0, 200);
    assert_eq!(status("cancelled", Some(TOKEN)).await.0, 409, "a fulfilling order cannot be cancelled");
    assert_eq!(status("paid", Some(TOKEN)).await.0, 409, "paid comes from the payment");
    assert_eq!(status("shipped", Some(TOKEN)).await.0, 200);
    let (code, delivered) = status("delivered", Some(TOKEN)).await;
    assert_eq!(code, 200);
    let moves: Vec<&str> = delivered["timeline"].as_array().unwrap().iter().filter_map(|e| e["to"].as_str()).collect();
    assert_eq!(moves, ["pending_payment", "paid", "fulfilling", "shipped", "delivered"]);
    assert!(delivered["sub_orders"].as_array().unwrap().iter().all(|s| s["status"] == "delivered"));

    // The customer calls off an unpaid order: its stock goes back.
    let cart_id = Uuid::new_v4();
    cart::add_item(&app.shop, cart_id, entities::VariantId::new(v.id), 1).await.unwrap();
    let before = available(&app, v.id).await;
    let (_, second, _) = place(&app, "life-key-0002", &body(cart_id)).await;
    let response = app
        .client
        .post(app.url(&format!("/api/v1/orders/{}/status", second["id"].as_str().unwrap())))
        .json(&json!({ "status": "cancelled" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(available(&app, v.id).await, before);
    assert_reconciled(&app).await;
});

#[tokio::test]
async fn a_product_that_was_ordered_is_archived_instead_of_deleted() {
    let app = spawn_app_with(Db::Sqlite, |s| s.api.admin_token = Some(TOKEN.into())).await;
    let [ordered, other]: [variant::Model; 2] = variants_for_sale(&app, 2, 1, true).await.try_into().unwrap();
    let cart_id = Uuid::new_v4();
    cart::add_item(&app.shop, cart_id, entities::VariantId::new(ordered.id), 1).await.unwrap();
    let (status, _, _) = place(&app, "archive-key-0001", &body(cart_id)).await;
    assert_eq!(status, 201);

    let delete = |id: i64| app.client.delete(app.url(&format!("/api/v1/products/{id}"))).bearer_auth(TOKEN).send();
    let kept = delete(ordered.product_id).await.unwrap();
    let gone = delete(other.product_id).await.unwrap();

    assert_eq!(kept.status(), 200);
    let kept: Value = kept.json().await.unwrap();
    assert_eq!(kept["status"], "archived", "orders keep their product on record");
    assert!(product::Entity::find_by_id(ordered.product_id).one(&app.shop.db).await.unwrap().is_some());
    assert_eq!(gone.status(), 204, "a product nobody ordered is deleted");
    assert!(product::Entity::find_by_id(other.product_id).one(&app.shop.db).await.unwrap().is_none());
    let deleting_held =
        entities::catalog::variants::delete_variant(&app.shop, Actor::API_TOKEN, entities::VariantId::new(ordered.id))
            .await;
    assert!(deleting_held.is_err(), "a variant with held units stays");
}

#[tokio::test]
async fn reconciliation_reports_a_counter_that_drifted_from_the_ledger() {
    let app = spawn_app(Db::Sqlite).await;
    assert_reconciled(&app).await;
    let v = variants_for_sale(&app, 1, 1, false).await.remove(0);
    app.shop
        .db
        .execute_unprepared(&format!("UPDATE stock_levels SET on_hand = on_hand + 3 WHERE variant_id = {}", v.id))
        .await
        .unwrap();

    let drifts = inventory::reconcile(&app.shop.db).await.unwrap();

    let found: Vec<(&str, i64, i64)> = drifts.iter().map(|d| (d.counter.as_str(), d.recorded, d.expected)).collect();
    let on_hand = i64::from(levels(&app, v.id).await.0);
    let stock = i64::from(v.stock);
    assert_eq!(found, [("available", stock, stock + 3), ("on_hand", on_hand, on_hand - 3)]);
    assert!(drifts.iter().all(|d| d.variant_id == v.id));
}
