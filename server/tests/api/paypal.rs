//! PayPal (Orders v2), against a local server that follows PayPal's
//! published REST API: OAuth client credentials, create order (with a
//! `payer-action` link), the buyer's approval, capture (idempotent by
//! `PayPal-Request-Id`, refused before approval and after a capture), refund
//! of a capture, and webhooks checked by `verify-webhook-signature`.

use crate::helpers::*;
use crate::on_both_databases;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use entities::model::{outbox, payment, payment_event};
use entities::ordering::OrderStatus;
use entities::payments::PaymentStatus;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use uuid::Uuid;

const CLIENT_ID: &str = "bazaar-client";
const CLIENT_SECRET: &str = "bazaar-secret";
const WEBHOOK_ID: &str = "WH-BAZAAR-TEST";
const TOKEN: &str = "test-admin-token-0123456789abcdef0123";

/// What the fake PayPal keeps.
#[derive(Default)]
struct Fake {
    base: String,
    access_tokens: Vec<String>,
    orders: HashMap<String, Value>,
    /// PayPal-Request-Id → the first answer to it.
    requests: HashMap<String, Value>,
    /// Transmission signatures it issued: (transmission id, sig) → event body.
    transmissions: HashMap<(String, String), Value>,
    /// Where it sends webhook events.
    webhook_url: Option<String>,
    refunds: Vec<Value>,
    token_requests: usize,
}

type Shared = Arc<Mutex<Fake>>;

fn error(status: StatusCode, name: &str, issue: &str) -> Response {
    (status, Json(json!({ "name": name, "message": issue, "details": [{ "issue": issue }] }))).into_response()
}

fn authorized(fake: &Fake, headers: &HeaderMap) -> bool {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|t| fake.access_tokens.iter().any(|ours| ours == t))
}

async fn oauth(State(fake): State<Shared>, headers: HeaderMap, body: String) -> Response {
    use base64::Engine;
    let expected =
        format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}")));
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(expected.as_str()) {
        return error(StatusCode::UNAUTHORIZED, "invalid_client", "Client Authentication failed");
    }
    if body != "grant_type=client_credentials" {
        return error(StatusCode::BAD_REQUEST, "unsupported_grant_type", "Grant type is not supported");
    }
    let token = format!("A21AA{}", Uuid::new_v4().simple());
    let mut f = fake.lock().unwrap();
    f.access_tokens.push(token.clone());
    f.token_requests += 1;
    Json(json!({ "scope": "https://uri.paypal.com/services/payments", "access_token": token,
        "token_type": "Bearer", "app_id": "APP-80W284485P519543T", "expires_in": 32400 }))
    .into_response()
}

async fn create_order(State(fake): State<Shared>, headers: HeaderMap, Json(body): Json<Value>) -> Response {
    let mut f = fake.lock().unwrap();
    if !authorized(&f, &headers) {
        return error(StatusCode::UNAUTHORIZED, "AUTHENTICATION_FAILURE", "Authentication failed");
    }
    let request_id = headers.get("paypal-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned);
    if let Some(previous) = request_id.as_ref().and_then(|r| f.requests.get(r)) {
        return Json(previous.clone()).into_response();
    }
    let unit = &body["purchase_units"][0];
    let value = unit["amount"]["value"].as_str().unwrap_or_default();
    let well_formed = body["intent"] == "CAPTURE"
        && unit["amount"]["currency_code"].as_str().is_some_and(|c| c.len() == 3)
        && !value.is_empty()
        && value.chars().all(|c| c.is_ascii_digit() || c == '.')
        && value.split('.').nth(1).is_none_or(|d| d.len() == 2);
    if !well_formed {
        return error(StatusCode::BAD_REQUEST, "INVALID_REQUEST", "INVALID_PARAMETER_VALUE");
    }
    let id = Uuid::new_v4().simple().to_string()[..17].to_ascii_uppercase();
    let order = json!({
        "id": id,
        "intent": "CAPTURE",
        "status": "PAYER_ACTION_REQUIRED",
        "purchase_units": [{ "reference_id": unit["reference_id"], "custom_id": unit["custom_id"], "amount": unit["amount"] }],
        "payment_source": body["payment_source"],
        "links": [
            { "href": format!("{}/v2/checkout/orders/{id}", f.base), "rel": "self", "method": "GET" },
            { "href": format!("{}/checkoutnow?token={id}", f.base), "rel": "payer-action", "method": "GET" }
        ]
    });
    f.orders.insert(id, order.clone());
    if let Some(r) = request_id {
        f.requests.insert(r, order.clone());
    }
    (StatusCode::OK, Json(order)).into_response()
}

async fn get_order(State(fake): State<Shared>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let f = fake.lock().unwrap();
    if !authorized(&f, &headers) {
        return error(StatusCode::UNAUTHORIZED, "AUTHENTICATION_FAILURE", "Authentication failed");
    }
    match f.orders.get(&id) {
        Some(order) => Json(order.clone()).into_response(),
        None => error(StatusCode::NOT_FOUND, "RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID"),
    }
}

/// The buyer approves on PayPal's page and is sent back to the shop.
async fn checkoutnow(State(fake): State<Shared>, Query(q): Query<HashMap<String, String>>) -> Response {
    let mut f = fake.lock().unwrap();
    let Some(order) = q.get("token").and_then(|t| f.orders.get_mut(t)) else {
        return error(StatusCode::NOT_FOUND, "RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID");
    };
    if order["status"] == "PAYER_ACTION_REQUIRED" {
        order["status"] = json!("APPROVED");
    }
    let back = order["payment_source"]["paypal"]["experience_context"]["return_url"].as_str().unwrap_or_default();
    Redirect::to(&format!("{back}?token={}&PayerID=FAKEPAYER42", order["id"].as_str().unwrap())).into_response()
}

async fn capture(State(fake): State<Shared>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let (answer, event) = {
        let mut f = fake.lock().unwrap();
        if !authorized(&f, &headers) {
            return error(StatusCode::UNAUTHORIZED, "AUTHENTICATION_FAILURE", "Authentication failed");
        }
        let request_id = headers.get("paypal-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned);
        if let Some(previous) = request_id.as_ref().and_then(|r| f.requests.get(r)) {
            return (StatusCode::CREATED, Json(previous.clone())).into_response();
        }
        let Some(order) = f.orders.get_mut(&id) else {
            return error(StatusCode::NOT_FOUND, "RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID");
        };
        match order["status"].as_str() {
            Some("APPROVED") => {}
            Some("COMPLETED") => {
                return error(StatusCode::UNPROCESSABLE_ENTITY, "UNPROCESSABLE_ENTITY", "ORDER_ALREADY_CAPTURED")
            }
            _ => return error(StatusCode::UNPROCESSABLE_ENTITY, "UNPROCESSABLE_ENTITY", "ORDER_NOT_APPROVED"),
        }
        let capture_id = format!("CAP{}", &Uuid::new_v4().simple().to_string()[..14].to_ascii_uppercase());
        let amount = order["purchase_units"][0]["amount"].clone();
        let capture = json!({ "id": capture_id, "status": "COMPLETED", "amount": amount,
            "custom_id": order["purchase_units"][0]["custom_id"], "final_capture": true,
            "supplementary_data": { "related_ids": { "order_id": id } } });
        order["status"] = json!("COMPLETED");
        order["purchase_units"][0]["payments"] = json!({ "captures": [capture.clone()] });
        let answer = order.clone();
        if let Some(r) = request_id {
            f.requests.insert(r, answer.clone());
        }
        let event = json!({ "id": format!("WH-{}", Uuid::new_v4().simple()), "event_version": "1.0",
            "resource_type": "capture", "event_type": "PAYMENT.CAPTURE.COMPLETED", "resource": capture });
        (answer, event)
    };
    send_webhook(fake.clone(), event);
    (StatusCode::CREATED, Json(answer)).into_response()
}

/// Delivers an event the way PayPal does: signed headers the receiver checks
/// with `verify-webhook-signature`.
fn send_webhook(fake: Shared, event: Value) {
    let (url, id, sig) = {
        let mut f = fake.lock().unwrap();
        let Some(url) = f.webhook_url.clone() else { return };
        let (id, sig) = (Uuid::new_v4().to_string(), format!("sig-{}", Uuid::new_v4().simple()));
        f.transmissions.insert((id.clone(), sig.clone()), event.clone());
        (url, id, sig)
    };
    tokio::spawn(async move {
        let _ = reqwest::Client::new()
            .post(url)
            .header("paypal-transmission-id", id)
            .header("paypal-transmission-time", chrono::Utc::now().to_rfc3339())
            .header("paypal-transmission-sig", sig)
            .header("paypal-cert-url", "https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42")
            .header("paypal-auth-algo", "SHA256withRSA")
            .json(&event)
            .send()
            .await;
    });
}

async fn refund(
    State(fake): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(body): Json<Value>,
) -> Response {
    let mut f = fake.lock().unwrap();
    if !authorized(&f, &headers) {
        return error(StatusCode::UNAUTHORIZED, "AUTHENTICATION_FAILURE", "Authentication failed");
    }
    let known = f.orders.values().any(|o| o["purchase_units"][0]["payments"]["captures"][0]["id"] == id.as_str());
    if !known {
        return error(StatusCode::NOT_FOUND, "RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID");
    }
    let refund = json!({ "id": format!("REF{}", &Uuid::new_v4().simple().to_string()[..12]), "status": "COMPLETED",
        "amount": body["amount"], "capture": id });
    f.refunds.push(refund.clone());
    (StatusCode::CREATED, Json(refund)).into_response()
}

async fn verify(State(fake): State<Shared>, headers: HeaderMap, Json(body): Json<Value>) -> Response {
    let f = fake.lock().unwrap();
    if !authorized(&f, &headers) {
        return error(StatusCode::UNAUTHORIZED, "AUTHENTICATION_FAILURE", "Authentication failed");
    }
    let key = (
        body["transmission_id"].as_str().unwrap_or_default().to_owned(),
        body["transmission_sig"].as_str().unwrap_or_default().to_owned(),
    );
    let genuine = body["webhook_id"] == WEBHOOK_ID && f.transmissions.get(&key) == Some(&body["webhook_event"]);
    Json(json!({ "verification_status": if genuine { "SUCCESS" } else { "FAILURE" } })).into_response()
}

/// Starts the fake PayPal on a free port.
async fn fake_paypal() -> (String, Shared) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let fake: Shared = Arc::new(Mutex::new(Fake { base: base.clone(), ..Default::default() }));
    let app = Router::new()
        .route("/v1/oauth2/token", post(oauth))
        .route("/v2/checkout/orders", post(create_order))
        .route("/v2/checkout/orders/{id}", get(get_order))
        .route("/v2/checkout/orders/{id}/capture", post(capture))
        .route("/v2/payments/captures/{id}/refund", post(refund))
        .route("/v1/notifications/verify-webhook-signature", post(verify))
        .route("/checkoutnow", get(checkoutnow))
        .with_state(fake.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, fake)
}

struct PayPalApp {
    app: TestApp,
    fake: Shared,
}

async fn paypal_app(db: Db, webhooks: bool) -> PayPalApp {
    let (base, fake) = fake_paypal().await;
    let b = base.clone();
    let app = spawn_app_with(db, move |s| {
        s.api.admin_token = Some(TOKEN.to_owned().into());
        s.payments.paypal.client_id = Some(CLIENT_ID.into());
        s.payments.paypal.client_secret = Some(CLIENT_SECRET.to_owned().into());
        s.payments.paypal.webhook_id = Some(WEBHOOK_ID.into());
        s.payments.paypal.api_base = b;
        s.workers.payment_reconcile_ms = 3_600_000;
    })
    .await;
    if webhooks {
        fake.lock().unwrap().webhook_url = Some(app.url("/api/v1/webhooks/payments/paypal"));
    }
    PayPalApp { app, fake }
}

impl PayPalApp {
    async fn order(&self) -> String {
        place_unpaid_order(&self.app, "ada@example.com", None).await
    }

    async fn start(&self, order: &str) -> Value {
        let r = self
            .app
            .client
            .post(self.app.url(&format!("/api/v1/orders/{order}/payments?provider=paypal")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        r.json().await.unwrap()
    }

    /// The buyer follows the approval link at PayPal, approves, and comes
    /// back to the shop's return address; answers where the shop sent them.
    async fn approve_and_return(&self, started: &Value) -> (u16, String) {
        let approve = started["redirect_url"].as_str().expect("an approval link");
        let at_paypal = self.app.client.get(approve).send().await.unwrap();
        assert_eq!(at_paypal.status(), 303);
        let back = at_paypal.headers()["location"].to_str().unwrap().to_owned();
        assert!(back.starts_with(&self.app.address), "PayPal sends the buyer back to the shop: {back}");
        let r = self.app.client.get(back).send().await.unwrap();
        (r.status().as_u16(), r.headers().get("location").map(|l| l.to_str().unwrap().to_owned()).unwrap_or_default())
    }

    async fn status(&self, order: &str) -> OrderStatus {
        entities::ordering::view::order_by_public_id(&self.app.shop, order).await.unwrap().status
    }

    async fn paid_events(&self, order: &str) -> usize {
        outbox::Entity::find()
            .filter(outbox::Column::Topic.eq("order.paid"))
            .all(&self.app.shop.db)
            .await
            .unwrap()
            .iter()
            .filter(|e| e.payload["public_id"] == order)
            .count()
    }
}

on_both_databases!(a_paypal_payment_is_approved_by_the_buyer_and_captured_by_the_shop_once, |db| async move {
    let p = paypal_app(db, true).await;
    let order = p.order().await;
    let started = p.start(&order).await;
    assert_eq!(started["provider"], "paypal");
    let paypal_order = started["provider_ref"].as_str().unwrap().to_owned();
    {
        let f = p.fake.lock().unwrap();
        let at_paypal = &f.orders[&paypal_order];
        assert_eq!(at_paypal["purchase_units"][0]["custom_id"], order.as_str());
        assert_eq!(at_paypal["purchase_units"][0]["amount"]["currency_code"], "EUR");
    }
    let total = entities::ordering::view::order_by_public_id(&p.app.shop, &order).await.unwrap().total_minor;
    let value = p.fake.lock().unwrap().orders[&paypal_order]["purchase_units"][0]["amount"]["value"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(value, format!("{}.{:02}", total / 100, total % 100), "PayPal is asked for the order's total");
    // Asking again (a second click) gives the same PayPal order.
    assert_eq!(p.start(&order).await["provider_ref"], paypal_order.as_str());
    assert_eq!(p.status(&order).await, OrderStatus::PendingPayment, "not paid before the buyer approves");

    let (status, location) = p.approve_and_return(&started).await;
    assert_eq!((status, location.as_str()), (303, format!("/orders/{order}").as_str()), "back to the order page");
    assert_eq!(p.status(&order).await, OrderStatus::Paid, "captured on the buyer's return");
    // PayPal's PAYMENT.CAPTURE.COMPLETED arrives too, is verified with PayPal, and changes nothing more.
    for _ in 0..100 {
        let events = payment_event::Entity::find()
            .filter(payment_event::Column::Provider.eq("paypal"))
            .all(&p.app.shop.db)
            .await
            .unwrap();
        if events.iter().any(|e| e.event_id.starts_with("WH-")) && events.iter().all(|e| e.outcome.is_some()) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let webhook = payment_event::Entity::find()
        .filter(payment_event::Column::EventId.starts_with("WH-"))
        .one(&p.app.shop.db)
        .await
        .unwrap()
        .expect("PayPal's webhook was stored");
    assert_eq!(webhook.provider_ref, paypal_order);
    // The capture's answer and the webhook race: whichever came first paid
    // the order, the other found it done.
    let outcomes: Vec<String> = payment_event::Entity::find()
        .filter(payment_event::Column::ProviderRef.eq(paypal_order.as_str()))
        .all(&p.app.shop.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.outcome.unwrap_or_default())
        .collect();
    assert_eq!(outcomes.len(), 2, "{outcomes:?}");
    assert_eq!(outcomes.iter().filter(|o| *o == "the order is paid").count(), 1, "{outcomes:?}");
    assert_eq!(outcomes.iter().filter(|o| o.contains("nothing to do")).count(), 1, "{outcomes:?}");
    assert_eq!(p.paid_events(&order).await, 1);
    // Coming back again (a reload of the return address) captures nothing twice.
    let back = format!("/orders/{order}/paypal-return?token={paypal_order}&PayerID=FAKEPAYER42");
    let again = p.app.client.get(p.app.url(&back)).send().await.unwrap();
    assert_eq!(again.status(), 303);
    assert_eq!(p.paid_events(&order).await, 1);

    // Refunds go to the capture.
    let r = p
        .app
        .client
        .post(p.app.url(&format!("/api/v1/orders/{order}/refunds")))
        .bearer_auth(TOKEN)
        .json(&json!({ "amount_minor": 150 }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let refunds = p.fake.lock().unwrap().refunds.clone();
    assert_eq!(refunds.len(), 1);
    assert_eq!(refunds[0]["amount"], json!({ "currency_code": "EUR", "value": "1.50" }));
    assert!(refunds[0]["capture"].as_str().unwrap().starts_with("CAP"));
});

#[tokio::test]
async fn an_approved_payment_whose_buyer_never_came_back_is_captured_by_reconciliation() {
    let p = paypal_app(Db::Postgres, false).await;
    let order = p.order().await;
    let started = p.start(&order).await;
    // The buyer approves at PayPal and closes the window.
    let approve = started["redirect_url"].as_str().unwrap();
    assert_eq!(p.app.client.get(approve).send().await.unwrap().status(), 303);
    assert_eq!(p.status(&order).await, OrderStatus::PendingPayment);

    let later = chrono::Utc::now() + chrono::Duration::minutes(3);
    assert_eq!(
        entities::payments::settle::reconcile(&p.app.shop, chrono::Duration::minutes(2), later).await.unwrap(),
        1
    );
    assert_eq!(p.status(&order).await, OrderStatus::Paid);
    assert_eq!(p.fake.lock().unwrap().orders[started["provider_ref"].as_str().unwrap()]["status"], "COMPLETED");
    assert_eq!(
        entities::payments::settle::reconcile(&p.app.shop, chrono::Duration::minutes(2), later).await.unwrap(),
        0
    );
    assert_eq!(p.paid_events(&order).await, 1);
    let pay = payment::Entity::find()
        .filter(payment::Column::Provider.eq("paypal"))
        .one(&p.app.shop.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(pay.status, PaymentStatus::Succeeded);
}

#[tokio::test]
async fn paypal_webhooks_are_verified_with_paypal_and_a_return_without_approval_pays_nothing() {
    let p = paypal_app(Db::Sqlite, false).await;
    let order = p.order().await;
    let started = p.start(&order).await;
    let paypal_order = started["provider_ref"].as_str().unwrap();

    // A forged event: PayPal does not know its signature.
    let forged = json!({ "id": "WH-FORGED", "event_type": "PAYMENT.CAPTURE.COMPLETED", "resource_type": "capture",
        "resource": { "id": "CAPX", "status": "COMPLETED", "amount": { "currency_code": "EUR", "value": "1.00" },
            "supplementary_data": { "related_ids": { "order_id": paypal_order } } } });
    let r = p
        .app
        .client
        .post(p.app.url("/api/v1/webhooks/payments/paypal"))
        .header("paypal-transmission-id", "x")
        .header("paypal-transmission-sig", "forged")
        .header("paypal-transmission-time", "2026-11-24T10:00:00Z")
        .header("paypal-cert-url", "https://api.sandbox.paypal.com/v1/notifications/certs/CERT")
        .header("paypal-auth-algo", "SHA256withRSA")
        .json(&forged)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(payment_event::Entity::find().count(&p.app.shop.db).await.unwrap(), 0, "nothing stored");
    let unsigned = p.app.client.post(p.app.url("/api/v1/webhooks/payments/paypal")).json(&forged).send().await.unwrap();
    assert_eq!(unsigned.status(), 400);

    // Coming back without having approved: PayPal refuses the capture; the
    // order still waits, and the shopper is sent back to it.
    let back = format!("/orders/{order}/paypal-return?token={paypal_order}&PayerID=X");
    let r = p.app.client.get(p.app.url(&back)).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(p.status(&order).await, OrderStatus::PendingPayment);
    // A token that is not this order's payment is refused.
    let wrong =
        p.app.client.get(p.app.url(&format!("/orders/{order}/paypal-return?token=NOTOURS"))).send().await.unwrap();
    assert_eq!(wrong.status(), 404);
    assert_eq!(p.fake.lock().unwrap().token_requests, 1, "the access token is reused until it expires");
}

#[tokio::test]
async fn the_order_page_sends_the_shopper_to_paypal_and_says_when_paypal_is_down() {
    let p = paypal_app(Db::Sqlite, false).await;
    let order = p.order().await;
    let (status, html) = p.app.get_html(&format!("/orders/{order}")).await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!("action=\"/orders/{order}/paypal\"")), "a plain form, working without JavaScript");
    let r = p.app.client.post(p.app.url(&format!("/orders/{order}/paypal"))).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_owned();
    let base = p.fake.lock().unwrap().base.clone();
    assert!(to.starts_with(&format!("{base}/checkoutnow?token=")), "to PayPal's approval page: {to}");

    // PayPal unreachable: back to the order, which says so.
    let app = spawn_app_with(Db::Sqlite, |s| {
        s.payments.paypal.client_id = Some(CLIENT_ID.into());
        s.payments.paypal.client_secret = Some(CLIENT_SECRET.to_owned().into());
        s.payments.paypal.webhook_id = Some(WEBHOOK_ID.into());
        s.payments.paypal.api_base = "http://127.0.0.1:9".into();
    })
    .await;
    let broken = PayPalApp { app, fake: p.fake.clone() };
    let order = broken.order().await;
    let r = broken.app.client.post(broken.app.url(&format!("/orders/{order}/paypal"))).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let back = r.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(back, format!("/orders/{order}?payment_error=paypal"));
    let (_, html) = broken.app.get_html(&back).await;
    assert!(html.contains("PayPal could not be reached"));
    assert_eq!(broken.status(&order).await, OrderStatus::PendingPayment);
}
