//! Fraud screening: orders scored when placed (velocity per email and IP,
//! large totals, billing elsewhere than shipping); a paid order at or above
//! the review score is held — not fulfilled until staff release it.

use crate::helpers::*;
use crate::on_both_databases;
use entities::model::outbox;
use entities::ordering::cart;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};
use uuid::Uuid;

const TOKEN: &str = "test-admin-token-0123456789abcdef0123";

async fn risk(app: &TestApp, order: &str) -> Value {
    app.get_json_with_token(&format!("/api/v1/orders/{order}/risk"), TOKEN).await
}

async fn pay(app: &TestApp, order: &str) {
    let r = app
        .client
        .post(app.url("/_sf/orders/pay-test"))
        .header("accept", "application/json")
        .form(&[("id", order)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

async fn to_status(app: &TestApp, order: &str, status: &str) -> u16 {
    let r = app
        .client
        .post(app.url(&format!("/api/v1/orders/{order}/status")))
        .bearer_auth(TOKEN)
        .json(&json!({ "status": status }))
        .send()
        .await
        .unwrap();
    r.status().as_u16()
}

on_both_databases!(a_fast_buyer_billed_abroad_is_held_for_review_until_released, |db| async move {
    let app = spawn_app_with(db, |s| s.api.admin_token = Some(TOKEN.to_owned().into())).await;
    // An ordinary order: nothing seen, paid, fulfilled.
    let calm = place_unpaid_order(&app, "calm@example.com", None).await;
    let r = risk(&app, &calm).await;
    assert_eq!((r["score"].as_i64(), r["reasons"].as_array().map(Vec::len)), (Some(0), Some(0)), "{r}");
    assert!(r["client_ip"].as_str().unwrap().starts_with("127."), "where it came from is kept: {r}");
    pay(&app, &calm).await;
    assert_eq!(to_status(&app, &calm, "fulfilling").await, 200);

    // Three orders from one email, then a fourth billed in another country.
    for _ in 0..3 {
        place_unpaid_order(&app, "fast@example.com", None).await;
    }
    let suspect = place_unpaid_order(&app, "fast@example.com", Some("US")).await;
    let r = risk(&app, &suspect).await;
    assert_eq!(r["score"], 60, "{r}");
    let reasons: Vec<&str> = r["reasons"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(reasons, ["3 earlier orders from this email in 24 hours", "billed in US, shipped to NL"]);
    assert_eq!(r["billing_address"]["city"], "New York");
    assert_eq!(r["held_for_review"], false, "not before it is paid");

    pay(&app, &suspect).await;
    let view = entities::ordering::view::order_by_public_id(&app.shop, &suspect).await.unwrap();
    assert_eq!(view.status, entities::ordering::OrderStatus::Paid, "the payment is taken");
    assert_eq!(risk(&app, &suspect).await["held_for_review"], true);
    assert!(view.timeline.iter().any(|e| e.note.starts_with("Held for review (risk 60)")));
    let held = outbox::Entity::find()
        .filter(outbox::Column::Topic.eq("order.held_for_review"))
        .count(&app.shop.db)
        .await
        .unwrap();
    assert_eq!(held, 1, "staff are told");
    assert_eq!(to_status(&app, &suspect, "fulfilling").await, 409, "not fulfilled while held");

    // Only staff see the screening and release the order.
    let anonymous = app.client.get(app.url(&format!("/api/v1/orders/{suspect}/risk"))).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    let release = format!("/api/v1/orders/{suspect}/review/release");
    assert_eq!(app.client.post(app.url(&release)).send().await.unwrap().status(), 401);
    let r = app.client.post(app.url(&release)).bearer_auth(TOKEN).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["held_for_review"], false);
    assert_eq!(app.client.post(app.url(&release)).bearer_auth(TOKEN).send().await.unwrap().status(), 409);
    assert_eq!(to_status(&app, &suspect, "fulfilling").await, 200);
});

#[tokio::test]
async fn a_bad_billing_address_is_a_field_error() {
    let app = spawn_app(Db::Sqlite).await;
    let (v, _) = variant_for_sale(&app, 2, None).await;
    let cart_id = Uuid::new_v4();
    cart::add_item(&app.shop, cart_id, entities::VariantId::new(v.id), 1).await.unwrap();
    let body = json!({ "cart_id": cart_id.to_string(), "email": "ada@example.com",
        "shipping_address": { "name": "Ada", "line1": "Main St 1", "postal_code": "1000", "city": "Town", "country": "NL" },
        "billing_address": { "name": "Ada", "line1": "", "postal_code": "1000", "city": "Town", "country": "Holland" } });
    let r = app
        .client
        .post(app.url("/api/v1/orders"))
        .header("idempotency-key", "bad-billing")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let problem: Value = r.json().await.unwrap();
    let fields: Vec<&str> =
        problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert!(fields.contains(&"billing_address.country") && fields.contains(&"billing_address.line1"), "{problem}");
}
