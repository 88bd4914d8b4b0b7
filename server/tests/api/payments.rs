//! Payments through the built-in test provider: events verified by their
//! signature, stored before processing, applied exactly once whether they
//! come twice or out of order, retried with backoff, replayed by admins.

use crate::helpers::*;
use crate::on_both_databases;
use entities::model::{order, outbox, payment, payment_audit, payment_event, variant};
use entities::ordering::cart;
use entities::payments::PaymentStatus;
use entities::ports::PaymentEventKind;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::{json, Value};
use uuid::Uuid;

const TOKEN: &str = "test-admin-token-0123456789abcdef0123";

/// Places an order for one unit of a variant in stock; returns its public id.
async fn unpaid_order(app: &TestApp) -> String {
    let v = variant::Entity::find()
        .filter(variant::Column::Stock.gte(2))
        .order_by_asc(variant::Column::Id)
        .one(&app.shop.db)
        .await
        .unwrap()
        .unwrap();
    let cart_id = Uuid::new_v4();
    cart::add_item(&app.shop, cart_id, entities::VariantId::new(v.id), 1).await.unwrap();
    let body = json!({ "cart_id": cart_id.to_string(), "email": "ada@example.com",
        "shipping_address": { "name": "Ada", "line1": "Main St 1", "postal_code": "1000", "city": "Town", "country": "NL" } });
    let response = app
        .client
        .post(app.url("/api/v1/orders"))
        .header("idempotency-key", format!("pay-{}", Uuid::new_v4()))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    response.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned()
}

async fn start_payment(app: &TestApp, order: &str) -> Value {
    let response = app.client.post(app.url(&format!("/api/v1/orders/{order}/payments"))).send().await.unwrap();
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

fn event(app: &TestApp, kind: PaymentEventKind, started: &Value) -> (String, Vec<u8>) {
    app.shop
        .payments
        .get("test")
        .unwrap()
        .simulate_event(
            kind,
            started["provider_ref"].as_str().unwrap(),
            started["amount_minor"].as_i64().unwrap(),
            started["currency"].as_str().unwrap(),
        )
        .expect("the test provider simulates events")
}

async fn deliver(app: &TestApp, (signature, body): &(String, Vec<u8>)) -> (u16, Value) {
    let response = app
        .client
        .post(app.url("/api/v1/webhooks/payments"))
        .header("bazaar-signature", signature)
        .header("content-type", "application/json")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
}

async fn status_of(app: &TestApp, order: &str) -> entities::ordering::OrderStatus {
    entities::ordering::view::order_by_public_id(&app.shop, order).await.unwrap().status
}

async fn paid_events(app: &TestApp) -> u64 {
    outbox::Entity::find().filter(outbox::Column::Topic.eq("order.paid")).count(&app.shop.db).await.unwrap()
}

on_both_databases!(an_event_delivered_twice_pays_the_order_once, |db| async move {
    let app = spawn_app(db).await;
    let order = unpaid_order(&app).await;
    let started = start_payment(&app, &order).await;
    assert_eq!(started["provider"], "test");
    assert!(started["provider_ref"].as_str().unwrap().starts_with("test_pi_"));
    assert_eq!(start_payment(&app, &order).await["provider_ref"], started["provider_ref"], "one payment per order");
    let succeeded = event(&app, PaymentEventKind::Succeeded, &started);

    let (first, receipt) = deliver(&app, &succeeded).await;
    let (second, again) = deliver(&app, &succeeded).await;

    assert_eq!((first, second), (200, 200));
    assert_eq!((receipt["duplicate"].as_bool(), again["duplicate"].as_bool()), (Some(false), Some(true)));
    assert_eq!(receipt["id"], again["id"]);
    assert_eq!(status_of(&app, &order).await, entities::ordering::OrderStatus::Paid);
    let view = entities::ordering::view::order_by_public_id(&app.shop, &order).await.unwrap();
    assert_eq!(view.timeline.iter().filter(|e| e.to == Some(entities::ordering::OrderStatus::Paid)).count(), 1);
    assert_eq!(paid_events(&app).await, 1, "one confirmation goes out");
    assert_eq!(payment_event::Entity::find().count(&app.shop.db).await.unwrap(), 1, "stored once");
    let actions: Vec<String> = payment_audit::Entity::find()
        .order_by_asc(payment_audit::Column::Id)
        .all(&app.shop.db)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.action)
        .collect();
    assert_eq!(actions, ["payment.created", "event.succeeded"], "every payment action is audited");
    let p = payment::Entity::find().one(&app.shop.db).await.unwrap().unwrap();
    assert_eq!(p.status, PaymentStatus::Succeeded);
});

on_both_databases!(events_out_of_order_change_the_order_once, |db| async move {
    let app = spawn_app(db).await;
    let order = unpaid_order(&app).await;
    let started = start_payment(&app, &order).await;

    // The success overtakes the provider's earlier "processing", and a
    // stale "failed" arrives last.
    for kind in [PaymentEventKind::Succeeded, PaymentEventKind::Processing, PaymentEventKind::Failed] {
        let (status, _) = deliver(&app, &event(&app, kind, &started)).await;
        assert_eq!(status, 200);
    }

    assert_eq!(status_of(&app, &order).await, entities::ordering::OrderStatus::Paid);
    assert_eq!(payment::Entity::find().one(&app.shop.db).await.unwrap().unwrap().status, PaymentStatus::Succeeded);
    assert_eq!(paid_events(&app).await, 1);
    let outcomes: Vec<String> = payment_event::Entity::find()
        .order_by_asc(payment_event::Column::Id)
        .all(&app.shop.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.outcome.unwrap_or_default())
        .collect();
    assert_eq!(outcomes[0], "the order is paid");
    assert!(outcomes[1].starts_with("noted"), "{outcomes:?}");
    assert!(outcomes[2].starts_with("ignored"), "{outcomes:?}");
});

#[tokio::test]
async fn events_without_our_signature_are_refused_and_not_stored() {
    let app = spawn_app(Db::Sqlite).await;
    let order = unpaid_order(&app).await;
    let started = start_payment(&app, &order).await;
    let (_, body) = event(&app, PaymentEventKind::Succeeded, &started);
    let forger = server::adapters::payments::test::TestPayments::new("not-our-secret");
    let now = chrono::Utc::now().timestamp();

    let forged = deliver(&app, &(forger.sign(now, &body), body.clone())).await;
    let unsigned = app.client.post(app.url("/api/v1/webhooks/payments")).body(body.clone()).send().await.unwrap();
    let ours = server::adapters::payments::test::TestPayments::new("whsec_bazaar_test_provider");
    let stale = deliver(&app, &(ours.sign(now - 3_600, &body), body.clone())).await;
    let garbage = deliver(&app, &(ours.sign(now, b"not json"), b"not json".to_vec())).await;

    assert_eq!(forged.0, 400);
    assert_eq!(unsigned.status(), 400);
    assert_eq!(stale.0, 400, "an old event replayed later is refused");
    assert_eq!(garbage.0, 400);
    assert_eq!(payment_event::Entity::find().count(&app.shop.db).await.unwrap(), 0, "nothing was stored");
    assert_eq!(status_of(&app, &order).await, entities::ordering::OrderStatus::PendingPayment);
}

#[tokio::test]
async fn a_failing_event_is_kept_retried_with_backoff_and_replayable() {
    // The test retries by hand; the app's own retry worker stays asleep.
    let app = spawn_app_with(Db::Sqlite, |s| {
        s.api.admin_token = Some(TOKEN.into());
        s.workers.payment_retry_ms = 3_600_000;
    })
    .await;
    let order = unpaid_order(&app).await;
    // The provider's event overtakes our own record of the payment.
    let early = json!({ "provider_ref": "test_pi_early", "amount_minor": 100, "currency": "EUR" });

    let (status, receipt) = deliver(&app, &event(&app, PaymentEventKind::Succeeded, &early)).await;

    assert_eq!(status, 200, "stored even though it cannot be applied yet");
    let stored = payment_event::Entity::find_by_id(receipt["id"].as_i64().unwrap()).one(&app.shop.db).await.unwrap();
    let stored = stored.unwrap();
    assert!(stored.processed_at.is_none());
    assert_eq!(stored.attempts, 1);
    assert!(stored.last_error.as_deref().unwrap_or_default().contains("no payment test_pi_early"));
    assert!(
        stored.next_attempt_at > chrono::Utc::now() + chrono::Duration::milliseconds(1500),
        "it waits before retrying"
    );
    assert_eq!(entities::payments::inbox::process_due(&app.shop, chrono::Utc::now()).await.unwrap(), 0, "not due yet");

    let o = order::Entity::find().one(&app.shop.db).await.unwrap().unwrap();
    let now = chrono::Utc::now();
    payment::ActiveModel {
        order_id: Set(o.id),
        provider: Set("test".into()),
        provider_ref: Set("test_pi_early".into()),
        status: Set(PaymentStatus::Pending),
        amount_minor: Set(o.total_minor),
        currency: Set(o.currency.clone()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&app.shop.db)
    .await
    .unwrap();
    let tried = entities::payments::inbox::process_due(&app.shop, now + chrono::Duration::minutes(1)).await.unwrap();
    assert_eq!(tried, 1);
    assert_eq!(status_of(&app, &order).await, entities::ordering::OrderStatus::Paid, "the retry applied it");

    let listed = app.client.get(app.url("/api/v1/payments/events")).send().await.unwrap();
    assert_eq!(listed.status(), 401, "the list is for admins");
    let listed: Value = app
        .client
        .get(app.url("/api/v1/payments/events"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed[0]["attempts"], 2);
    assert_eq!(listed[0]["outcome"], "the order is paid");
    let replayed = app
        .client
        .post(app.url(&format!("/api/v1/payments/events/{}/replay", stored.id)))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(replayed.status(), 200);
    let replayed: Value = replayed.json().await.unwrap();
    assert_eq!(replayed["outcome"], "already succeeded; nothing to do", "a replay pays nothing twice");
    assert_eq!(paid_events(&app).await, 1);
}

#[tokio::test]
async fn a_payment_arriving_after_the_order_expired_is_flagged_for_refund() {
    let app = spawn_app(Db::Sqlite).await;
    let order = unpaid_order(&app).await;
    let started = start_payment(&app, &order).await;
    entities::ordering::life::expire_reservations(&app.shop, chrono::Utc::now() + chrono::Duration::minutes(16))
        .await
        .unwrap();

    let (status, _) = deliver(&app, &event(&app, PaymentEventKind::Succeeded, &started)).await;

    assert_eq!(status, 200);
    assert_eq!(status_of(&app, &order).await, entities::ordering::OrderStatus::Cancelled, "stock already went back");
    let e = payment_event::Entity::find().one(&app.shop.db).await.unwrap().unwrap();
    assert!(e.outcome.unwrap().contains("needs a refund"));
    let flagged = payment_audit::Entity::find()
        .filter(payment_audit::Column::Action.eq("payment.needs_refund"))
        .count(&app.shop.db);
    assert_eq!(flagged.await.unwrap(), 1);
    let response = app.client.post(app.url(&format!("/api/v1/orders/{order}/payments"))).send().await.unwrap();
    assert_eq!(response.status(), 409, "a cancelled order takes no new payment");
}

/// An order paid through the test provider; answers its id and total.
async fn paid_order(app: &TestApp) -> (String, i64) {
    let order = unpaid_order(app).await;
    let started = start_payment(app, &order).await;
    let (status, _) = deliver(app, &event(app, PaymentEventKind::Succeeded, &started)).await;
    assert_eq!(status, 200);
    (order, started["amount_minor"].as_i64().unwrap())
}

async fn refund(app: &TestApp, order: &str, body: Value, token: Option<&str>) -> (u16, Value) {
    let mut request = app.client.post(app.url(&format!("/api/v1/orders/{order}/refunds"))).json(&body);
    if let Some(t) = token {
        request = request.bearer_auth(t);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
}

on_both_databases!(refunds_give_back_at_most_what_was_paid, |db| async move {
    let app = spawn_app_with(db, |s| s.api.admin_token = Some(TOKEN.into())).await;
    let (order, paid) = paid_order(&app).await;
    assert!(paid >= 3, "a total worth splitting");

    assert_eq!(refund(&app, &order, json!({ "amount_minor": 1 }), None).await.0, 401, "admins only");
    let (status, part) = refund(&app, &order, json!({ "amount_minor": 1, "reason": "scratched" }), Some(TOKEN)).await;
    assert_eq!(status, 200, "{part}");
    assert_eq!(part["status"], "partially_refunded");
    let (status, second) = refund(&app, &order, json!({ "amount_minor": 1 }), Some(TOKEN)).await;
    assert_eq!(status, 200);
    assert_eq!(second["status"], "partially_refunded");
    let notes: Vec<&str> = second["timeline"].as_array().unwrap().iter().filter_map(|e| e["note"].as_str()).collect();
    assert_eq!(notes.iter().filter(|n| n.starts_with("Refunded 1 ")).count(), 2, "each refund is on the timeline");
    let (status, problem) = refund(&app, &order, json!({ "amount_minor": paid }), Some(TOKEN)).await;
    assert_eq!(status, 400, "more than is left: {problem}");
    assert_eq!(problem["errors"][0]["field"], "amount_minor");

    let (status, full) = refund(&app, &order, json!({}), Some(TOKEN)).await;
    assert_eq!(status, 200, "the rest: {full}");
    assert_eq!(full["status"], "refunded");
    let p = payment::Entity::find().one(&app.shop.db).await.unwrap().unwrap();
    assert_eq!((p.refunded_minor, p.status), (paid, PaymentStatus::Refunded));
    assert_eq!(refund(&app, &order, json!({}), Some(TOKEN)).await.0, 409, "nothing is left");
    let actions = payment_audit::Entity::find()
        .filter(payment_audit::Column::Action.eq("refund.created"))
        .count(&app.shop.db)
        .await
        .unwrap();
    assert_eq!(actions, 3, "every refund is audited");

    let unpaid = unpaid_order(&app).await;
    assert_eq!(refund(&app, &unpaid, json!({}), Some(TOKEN)).await.0, 409, "nothing was paid");
});

#[tokio::test]
async fn racing_refunds_never_exceed_the_payment() {
    let app = spawn_app_with(Db::Postgres, |s| s.api.admin_token = Some(TOKEN.into())).await;
    let (order, paid) = paid_order(&app).await;
    let results = futures::future::join_all((0..8).map(|_| refund(&app, &order, json!({}), Some(TOKEN)))).await;
    let won = results.iter().filter(|(s, _)| *s == 200).count();
    assert_eq!(won, 1, "one refund of the whole amount: {:?}", results.iter().map(|r| r.0).collect::<Vec<_>>());
    assert!(results.iter().all(|(s, _)| [200, 409, 400].contains(s)));
    let p = payment::Entity::find().one(&app.shop.db).await.unwrap().unwrap();
    assert_eq!(p.refunded_minor, paid);
}

#[tokio::test]
async fn a_dispute_flags_the_order_once() {
    let app = spawn_app(Db::Sqlite).await;
    let order = unpaid_order(&app).await;
    let started = start_payment(&app, &order).await;
    deliver(&app, &event(&app, PaymentEventKind::Succeeded, &started)).await;
    let dispute = event(&app, PaymentEventKind::DisputeOpened, &started);

    let (first, _) = deliver(&app, &dispute).await;
    let (again, receipt) = deliver(&app, &dispute).await;
    // Another event about the same dispute (the provider's update, a replay).
    let (other, _) = deliver(&app, &event(&app, PaymentEventKind::DisputeOpened, &started)).await;
    assert_eq!(other, 200);

    assert_eq!((first, again, receipt["duplicate"].as_bool()), (200, 200, Some(true)));
    let view = entities::ordering::view::order_by_public_id(&app.shop, &order).await.unwrap();
    assert!(view.disputed, "the order is flagged");
    assert_eq!(view.status, entities::ordering::OrderStatus::Paid, "a dispute does not move the order by itself");
    assert_eq!(view.timeline.iter().filter(|e| e.kind == "disputed").count(), 1);
    let flagged = outbox::Entity::find().filter(outbox::Column::Topic.eq("order.disputed")).count(&app.shop.db);
    assert_eq!(flagged.await.unwrap(), 1, "staff are told once");
}

on_both_databases!(payments_started_at_once_in_two_tabs_are_one_payment, |db| async move {
    // Each start asks the provider for a new payment first; the unique index
    // on open payments lets one in, and the others answer with it.
    let app = spawn_app(db).await;
    let order = unpaid_order(&app).await;
    let starts = (0..6).map(|_| {
        entities::payments::start::start(&app.shop, entities::kernel::access::Actor::Anonymous, &order, Some("test"))
    });
    let started: Vec<_> = futures::future::join_all(starts).await.into_iter().map(Result::unwrap).collect();
    let open = payment::Entity::find()
        .filter(payment::Column::Status.eq(PaymentStatus::Pending))
        .all(&app.shop.db)
        .await
        .unwrap();
    assert_eq!(open.len(), 1, "one open payment: {open:?}");
    assert!(started.iter().all(|s| s.provider_ref == open[0].provider_ref), "every tab pays the same one");
});

#[tokio::test]
async fn two_successes_applied_at_the_same_moment_pay_the_order_once() {
    // PostgreSQL applies them side by side; the order's row lock serialises them.
    let app = spawn_app(Db::Postgres).await;
    for _ in 0..4 {
        let order = unpaid_order(&app).await;
        let started = start_payment(&app, &order).await;
        let (a, b) =
            (event(&app, PaymentEventKind::Succeeded, &started), event(&app, PaymentEventKind::Succeeded, &started));
        let signed = server::adapters::payments::test::signed;
        let first = entities::payments::inbox::store(&app.shop, "test", &signed(&a.0), &a.1).await.unwrap();
        let second = entities::payments::inbox::store(&app.shop, "test", &signed(&b.0), &b.1).await.unwrap();
        tokio::join!(
            entities::payments::inbox::apply_stored(&app.shop, first.id),
            entities::payments::inbox::apply_stored(&app.shop, second.id)
        );
        assert_eq!(status_of(&app, &order).await, entities::ordering::OrderStatus::Paid);
        let paid = outbox::Entity::find()
            .filter(outbox::Column::Topic.eq("order.paid"))
            .all(&app.shop.db)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.payload["public_id"] == order.as_str())
            .count();
        assert_eq!(paid, 1, "one confirmation");
    }
    let false_alarms = payment_audit::Entity::find()
        .filter(payment_audit::Column::Action.eq("payment.needs_refund"))
        .count(&app.shop.db)
        .await
        .unwrap();
    assert_eq!(false_alarms, 0, "a lost race is not a payment after expiry");
}

#[tokio::test]
async fn a_payment_short_of_the_total_is_kept_at_what_came_and_the_order_is_held() {
    let app = spawn_app_with(Db::Sqlite, |s| s.api.admin_token = Some(TOKEN.to_owned().into())).await;
    let order = unpaid_order(&app).await;
    let started = start_payment(&app, &order).await;
    let asked = started["amount_minor"].as_i64().unwrap();
    let short = json!({ "provider_ref": started["provider_ref"], "amount_minor": asked - 100, "currency": started["currency"] });
    let (status, _) = deliver(&app, &event(&app, PaymentEventKind::Succeeded, &short)).await;
    assert_eq!(status, 200);
    assert_eq!(status_of(&app, &order).await, entities::ordering::OrderStatus::Paid);
    let p = payment::Entity::find().one(&app.shop.db).await.unwrap().unwrap();
    assert_eq!(p.amount_minor, asked - 100, "refunds can only give back what came");
    let risk = app.get_json_with_token(&format!("/api/v1/orders/{order}/risk"), TOKEN).await;
    assert_eq!(risk["held_for_review"], true, "staff look before it ships");
}
