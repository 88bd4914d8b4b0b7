//! Fulfilment over HTTP: vendors ship their own part of an order in one or
//! more parcels with tracking numbers, the order follows its parts to
//! delivered; customers send units back, and staff approve, receive (with
//! restock) and refund them. Vendors see their own sub-orders only.

use crate::accounts::{account, signed_in_client};
use crate::helpers::*;
use crate::on_both_databases;
use entities::accounts::Role;
use entities::catalog::{inventory, ProductStatus};
use entities::model::{email, outbox, payment, product, shipment, stock_ledger, variant};
use entities::ordering::cart;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{json, Value};
use uuid::Uuid;

const TOKEN: &str = "test-admin-token-0123456789abcdef0123";

async fn send(request: reqwest::RequestBuilder) -> (u16, Value) {
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Two variants for sale of two different vendors, with their vendors' ids.
async fn two_vendors(app: &TestApp) -> [(variant::Model, i64); 2] {
    let mut found: Vec<(variant::Model, i64)> = Vec::new();
    let candidates = variant::Entity::find().filter(variant::Column::Stock.gte(5)).order_by_asc(variant::Column::Id);
    for v in candidates.all(&app.shop.db).await.unwrap() {
        let p = product::Entity::find_by_id(v.product_id).one(&app.shop.db).await.unwrap().unwrap();
        let fits = found.first().is_none_or(|(first, vendor)| *vendor != p.vendor_id && first.currency == v.currency);
        if p.status == ProductStatus::Active && fits {
            found.push((v, p.vendor_id));
            if found.len() == 2 {
                break;
            }
        }
    }
    found.try_into().expect("the seed has two vendors' variants for sale")
}

/// Places and pays (test provider) an order of `lines` as a guest; answers its id.
async fn paid_order(app: &TestApp, lines: &[(i64, i32)]) -> String {
    let cart_id = Uuid::new_v4();
    for (variant, quantity) in lines {
        cart::add_item(&app.shop, cart_id, entities::VariantId::new(*variant), *quantity).await.unwrap();
    }
    let body = json!({ "cart_id": cart_id.to_string(), "email": "buyer@example.com",
        "shipping_address": { "name": "Ada", "line1": "Main St 1", "postal_code": "1000", "city": "Town", "country": "NL" } });
    let (status, placed) = send(
        app.client.post(app.url("/api/v1/orders")).header("idempotency-key", Uuid::new_v4().to_string()).json(&body),
    )
    .await;
    assert_eq!(status, 201, "{placed}");
    let id = placed["id"].as_str().unwrap().to_owned();
    entities::payments::settle::pay_with_test_provider(&app.shop, &id).await.unwrap();
    id
}

async fn order(app: &TestApp, id: &str) -> Value {
    send(app.client.get(app.url(&format!("/api/v1/orders/{id}")))).await.1
}

fn part<'a>(order: &'a Value, vendor_slug: &str) -> &'a Value {
    order["sub_orders"].as_array().unwrap().iter().find(|s| s["vendor"] == vendor_slug).unwrap()
}

async fn slug(app: &TestApp, vendor_id: i64) -> String {
    entities::model::vendor::Entity::find_by_id(vendor_id).one(&app.shop.db).await.unwrap().unwrap().slug
}

on_both_databases!(vendors_ship_their_parts_in_parcels_and_the_order_follows_to_delivered, |db| async move {
    let app = spawn_app_with(db, |s| s.api.admin_token = Some(TOKEN.into())).await;
    let [(a, vendor_a), (b, vendor_b)] = two_vendors(&app).await;
    let (slug_a, slug_b) = (slug(&app, vendor_a).await, slug(&app, vendor_b).await);
    account(&app, "packer@example.com", Role::VendorStaff, Some(vendor_a)).await;
    account(&app, "helper@example.com", Role::Support, None).await;
    let packer = signed_in_client(&app, "packer@example.com").await;
    let support = signed_in_client(&app, "helper@example.com").await;
    let id = paid_order(&app, &[(a.id, 2), (b.id, 1)]).await;
    let ship = format!("/api/v1/orders/{id}/shipments");

    // Nobody, customers and support do not ship.
    let parcel =
        json!({ "carrier": "DHL", "tracking_number": "JD0146 0001", "lines": [{ "sku": a.sku, "quantity": 1 }] });
    assert_eq!(send(new_client().post(app.url(&ship)).json(&parcel)).await.0, 401);
    assert_eq!(send(support.post(app.url(&ship)).json(&parcel)).await.0, 403);
    // Bad input is named field by field, and nothing ships.
    let (status, problem) = send(
        packer
            .post(app.url(&ship))
            .json(&json!({ "carrier": "", "tracking_number": "<x>", "tracking_url": "ftp://x" })),
    )
    .await;
    assert_eq!(status, 400, "{problem}");
    let text = problem.to_string();
    assert!(text.contains("carrier") && text.contains("tracking_number") && text.contains("tracking_url"), "{text}");
    let (status, problem) = send(
        packer
            .post(app.url(&ship))
            .json(&json!({ "carrier": "DHL", "tracking_number": "JD01", "lines": [{ "sku": a.sku, "quantity": 3 }] })),
    )
    .await;
    assert_eq!(status, 400, "more units than were bought: {problem}");
    assert!(problem.to_string().contains("lines[0].quantity"), "{problem}");
    let (status, _) = send(
        packer
            .post(app.url(&ship))
            .json(&json!({ "carrier": "DHL", "tracking_number": "JD01", "lines": [{ "sku": b.sku, "quantity": 1 }] })),
    )
    .await;
    assert_eq!(status, 404, "another vendor's units are not the packer's to ship");

    // Vendor A ships one unit of two: its part and the order are fulfilling.
    let (status, first) = send(packer.post(app.url(&ship)).json(&parcel)).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(first["vendor"], slug_a.as_str());
    assert_eq!(first["tracking_url"], "https://www.dhl.com/en/express/tracking.html?AWB=JD01460001", "DHL's page");
    assert_eq!(first["lines"], json!([{ "sku": a.sku, "quantity": 1 }]));
    let now = order(&app, &id).await;
    assert_eq!(now["status"], "fulfilling");
    assert_eq!(part(&now, &slug_a)["status"], "fulfilling");
    assert_eq!(part(&now, &slug_b)["status"], "paid", "the other vendor's part has not moved");
    assert_eq!(part(&now, &slug_a)["lines"][0]["shipped"], 1);

    // The rest of A's part (no lines: all that is left), then nothing is left.
    let (status, second) =
        send(packer.post(app.url(&ship)).json(&json!({ "carrier": "Bike courier", "tracking_number": "R-77" }))).await;
    assert_eq!(status, 201, "{second}");
    assert_eq!(second["lines"], json!([{ "sku": a.sku, "quantity": 1 }]));
    assert_eq!(second["tracking_url"], Value::Null, "an unknown carrier has no page");
    let (status, _) =
        send(packer.post(app.url(&ship)).json(&json!({ "carrier": "DHL", "tracking_number": "JD02" }))).await;
    assert_eq!(status, 409, "everything of A's part has shipped");
    let now = order(&app, &id).await;
    assert_eq!(part(&now, &slug_a)["status"], "shipped");
    assert_eq!(now["status"], "fulfilling", "B's part has not shipped yet");

    // An admin ships B's part, naming the vendor: the order has shipped.
    let (status, problem) = send(
        app.client
            .post(app.url(&ship))
            .bearer_auth(TOKEN)
            .json(&json!({ "carrier": "UPS", "tracking_number": "1Z999" })),
    )
    .await;
    assert_eq!(status, 400, "two vendors: which part? {problem}");
    let (status, third) = send(
        app.client
            .post(app.url(&ship))
            .bearer_auth(TOKEN)
            .json(&json!({ "carrier": "UPS", "tracking_number": "1Z999", "vendor": slug_b })),
    )
    .await;
    assert_eq!(status, 201, "{third}");
    let now = order(&app, &id).await;
    assert_eq!(now["status"], "shipped");
    assert_eq!(now["shipments"].as_array().unwrap().len(), 3);

    // The customer was emailed each tracking number.
    let mails = email::Entity::find()
        .filter(email::Column::Recipient.eq("buyer@example.com"))
        .filter(email::Column::Kind.eq("shipment"))
        .order_by_asc(email::Column::Id)
        .all(&app.shop.db)
        .await
        .unwrap();
    assert_eq!(mails.len(), 3);
    assert!(mails[0].body.contains("JD0146 0001") && mails[0].body.contains(&id), "{}", mails[0].body);

    // Delivered parcel by parcel: the order is delivered when all arrived.
    for (who, parcel) in [(&packer, &first), (&packer, &second)] {
        let path = format!("/api/v1/orders/{id}/shipments/{}/delivered", parcel["id"].as_str().unwrap());
        let (status, done) = send(who.post(app.url(&path))).await;
        assert_eq!((status, done["status"].as_str()), (200, Some("delivered")), "{done}");
    }
    let path = format!("/api/v1/orders/{id}/shipments/{}/delivered", third["id"].as_str().unwrap());
    assert_eq!(send(packer.post(app.url(&path))).await.0, 404, "B's parcel is not A's to mark");
    assert_eq!(order(&app, &id).await["status"], "shipped");
    assert_eq!(send(app.client.post(app.url(&path)).bearer_auth(TOKEN)).await.0, 200);
    assert_eq!(send(app.client.post(app.url(&path)).bearer_auth(TOKEN)).await.0, 200, "again: no change");
    let now = order(&app, &id).await;
    assert_eq!(now["status"], "delivered");
    assert_eq!(part(&now, &slug_b)["status"], "delivered");
    let moves: Vec<&str> = now["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "status_changed")
        .map(|e| e["to"].as_str().unwrap())
        .collect();
    assert_eq!(moves, ["paid", "fulfilling", "shipped", "delivered"], "each move once, in order");
    let topics: Vec<String> =
        outbox::Entity::find().all(&app.shop.db).await.unwrap().into_iter().map(|e| e.topic).collect();
    assert_eq!(topics.iter().filter(|t| *t == "shipment.created").count(), 3);
    assert_eq!(topics.iter().filter(|t| *t == "shipment.delivered").count(), 3, "not again for the repeat");

    // The vendor's own list and view: its part only, no email, no payments.
    let (status, list) = send(packer.get(app.url("/api/v1/vendor/orders"))).await;
    assert_eq!(status, 200, "{list}");
    let row = list["items"].as_array().unwrap().iter().find(|r| r["id"] == id.as_str()).unwrap().clone();
    assert_eq!(
        (row["units"].as_i64(), row["shipped"].as_i64(), row["country"].as_str()),
        (Some(2), Some(2), Some("NL"))
    );
    assert!(list["items"].as_array().unwrap().iter().all(|r| r["vendor"] == slug_a.as_str()));
    let (status, mine) = send(packer.get(app.url(&format!("/api/v1/vendor/orders/{id}")))).await;
    assert_eq!(status, 200, "{mine}");
    assert_eq!(mine["part"]["vendor"], slug_a.as_str());
    assert_eq!(mine["shipments"].as_array().unwrap().len(), 2, "its own parcels only");
    assert!(!mine.to_string().contains("buyer@example.com"), "the customer's email stays with the shop");
    assert_eq!(mine["shipping_address"]["city"], "Town");
    let other = paid_order(&app, &[(b.id, 1)]).await;
    assert_eq!(send(packer.get(app.url(&format!("/api/v1/vendor/orders/{other}")))).await.0, 404);
    assert_eq!(send(support.get(app.url("/api/v1/vendor/orders"))).await.0, 403);
    let (status, all) =
        send(app.client.get(app.url(&format!("/api/v1/vendor/orders?vendor={slug_b}"))).bearer_auth(TOKEN)).await;
    assert_eq!(status, 200);
    assert_eq!(all["items"].as_array().unwrap().len(), 2, "an admin reads B's list: {all}");
    let (status, _) = send(app.client.get(app.url(&format!("/api/v1/vendor/orders/{id}"))).bearer_auth(TOKEN)).await;
    assert_eq!(status, 400, "an admin names the vendor");
});

on_both_databases!(unpaid_and_held_orders_do_not_ship, |db| async move {
    let app = spawn_app_with(db, |s| s.api.admin_token = Some(TOKEN.into())).await;
    let id = place_unpaid_order(&app, "early@example.com", None).await;
    let ship = format!("/api/v1/orders/{id}/shipments");
    let parcel = json!({ "carrier": "DHL", "tracking_number": "JD77" });
    let (status, problem) = send(app.client.post(app.url(&ship)).bearer_auth(TOKEN).json(&parcel)).await;
    assert_eq!(status, 409, "{problem}");
    assert!(problem["detail"].as_str().unwrap().contains("pending payment"), "{problem}");
    entities::payments::settle::pay_with_test_provider(&app.shop, &id).await.unwrap();
    entities::model::order::Entity::update_many()
        .col_expr(entities::model::order::Column::HeldForReview, Expr::value(true))
        .exec(&app.shop.db)
        .await
        .unwrap();
    let (status, problem) = send(app.client.post(app.url(&ship)).bearer_auth(TOKEN).json(&parcel)).await;
    assert_eq!(status, 409, "held for review: {problem}");
    assert!(shipment::Entity::find().all(&app.shop.db).await.unwrap().is_empty());
});

on_both_databases!(returns_are_asked_for_approved_received_restocked_and_refunded, |db| async move {
    let app = spawn_app_with(db, |s| s.api.admin_token = Some(TOKEN.into())).await;
    let [(a, vendor_a), (_, vendor_b)] = two_vendors(&app).await;
    account(&app, "rival@example.com", Role::VendorStaff, Some(vendor_b)).await;
    account(&app, "owner@example.com", Role::VendorStaff, Some(vendor_a)).await;
    let rival = signed_in_client(&app, "rival@example.com").await;
    let owner = signed_in_client(&app, "owner@example.com").await;
    let id = paid_order(&app, &[(a.id, 3)]).await;
    let returns = format!("/api/v1/orders/{id}/returns");

    // Nothing has shipped: nothing can come back.
    let ask =
        |quantity: i32, reason: &str| json!({ "reason": reason, "lines": [{ "sku": a.sku, "quantity": quantity }] });
    let (status, problem) = send(new_client().post(app.url(&returns)).json(&ask(1, "Too small"))).await;
    assert_eq!(status, 400, "{problem}");
    assert!(problem.to_string().contains("no unit of"), "{problem}");

    let ship = json!({ "carrier": "PostNL", "tracking_number": "3SABC", "lines": [{ "sku": a.sku, "quantity": 2 }] });
    let (status, _) = send(owner.post(app.url(&format!("/api/v1/orders/{id}/shipments"))).json(&ship)).await;
    assert_eq!(status, 201);

    let (status, problem) = send(new_client().post(app.url(&returns)).json(&ask(3, "Too small"))).await;
    assert_eq!(status, 400, "only shipped units come back: {problem}");
    let (status, problem) = send(new_client().post(app.url(&returns)).json(&ask(1, "x"))).await;
    assert_eq!(status, 400, "a reason is needed: {problem}");
    let (status, made) = send(new_client().post(app.url(&returns)).json(&ask(1, "Too small for me"))).await;
    assert_eq!(status, 201, "whoever holds a guest order's id asks: {made}");
    let rma = made[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(made[0]["status"], "requested");
    let (status, _) = send(new_client().post(app.url(&returns)).json(&ask(2, "And the other two"))).await;
    assert_eq!(status, 400, "one shipped unit is left to send back");
    let now = order(&app, &id).await;
    assert_eq!(now["sub_orders"][0]["lines"][0]["returned"], 1);

    // Staff decide: the other vendor cannot; a refusal needs a note.
    let decide = format!("{returns}/{rma}/decision");
    assert_eq!(send(rival.post(app.url(&decide)).json(&json!({ "action": "approve" }))).await.0, 404);
    assert_eq!(send(new_client().post(app.url(&decide)).json(&json!({ "action": "approve" }))).await.0, 401);
    assert_eq!(send(owner.post(app.url(&decide)).json(&json!({ "action": "reject" }))).await.0, 400);
    assert_eq!(send(owner.post(app.url(&decide)).json(&json!({ "action": "shred" }))).await.0, 400);
    let (status, approved) = send(owner.post(app.url(&decide)).json(&json!({ "action": "approve" }))).await;
    assert_eq!((status, approved["status"].as_str()), (200, Some("approved")), "{approved}");
    assert_eq!(send(owner.post(app.url(&decide)).json(&json!({ "action": "approve" }))).await.0, 409);

    // Received with restock and refund: the unit is on sale again, in the
    // ledger, and its share of the payment went back.
    let before = variant::Entity::find_by_id(a.id).one(&app.shop.db).await.unwrap().unwrap().stock;
    let (status, received) =
        send(owner.post(app.url(&decide)).json(&json!({ "action": "receive", "restock": true, "refund": true }))).await;
    assert_eq!(status, 200, "{received}");
    assert_eq!((received["status"].as_str(), received["restocked"].as_bool()), (Some("received"), Some(true)));
    let after = variant::Entity::find_by_id(a.id).one(&app.shop.db).await.unwrap().unwrap().stock;
    assert_eq!(after, before + 1, "back on sale");
    let reference = format!("return:{rma}");
    let ledger = stock_ledger::Entity::find()
        .filter(stock_ledger::Column::Reference.eq(reference.as_str()))
        .all(&app.shop.db)
        .await
        .unwrap();
    assert_eq!(ledger.len(), 1);
    assert_eq!((ledger[0].kind.as_str(), ledger[0].on_hand_change), ("return", 1));
    assert!(inventory::reconcile(&app.shop.db).await.unwrap().is_empty(), "counters match the ledger");
    let now = order(&app, &id).await;
    let total = now["total_minor"].as_i64().unwrap();
    let goods_and_shipping = now["subtotal_minor"].as_i64().unwrap() + now["shipping_minor"].as_i64().unwrap();
    let paid = entities::Money::from_minor(total, now["currency"].as_str().unwrap().parse().unwrap());
    let expected = entities::fulfilment::returns::share(paid, a.price_minor, goods_and_shipping).minor();
    assert!(expected > 0 && expected < total);
    assert_eq!(received["refund_minor"].as_i64(), Some(expected), "one unit's share of what was paid");
    let paid = payment::Entity::find().order_by_asc(payment::Column::Id).all(&app.shop.db).await.unwrap();
    assert_eq!((paid.len(), paid[0].refunded_minor), (1, expected), "one payment, refunded that much");
    assert_eq!(now["status"], "partially_refunded");
    assert_eq!(send(owner.post(app.url(&decide)).json(&json!({ "action": "receive" }))).await.0, 409, "once");

    // The window closes 30 days after the parcel.
    shipment::Entity::update_many()
        .col_expr(shipment::Column::ShippedAt, Expr::value(chrono::Utc::now() - chrono::Duration::days(31)))
        .exec(&app.shop.db)
        .await
        .unwrap();
    let (status, problem) = send(new_client().post(app.url(&returns)).json(&ask(1, "Changed my mind"))).await;
    assert_eq!(status, 409, "{problem}");
    assert!(problem["detail"].as_str().unwrap().contains("30 days"), "{problem}");
});
