//! Stripe, against localstripe (a fake Stripe API that `./dev.sh test`
//! starts and names in `BAZAAR_TEST_STRIPE`): PaymentIntents, confirmation
//! with a payment method made "in the browser" (here the test plays
//! Stripe.js, creating it at localstripe), 3-D Secure, declines, manual
//! capture, refunds, webhooks signed by localstripe, and reconciliation of a
//! payment whose webhook never came.
//!
//! Longer than our 600-line guide: one localstripe session set-up and its
//! helpers serve every test here; split, each part would repeat them.

use crate::helpers::*;
use entities::kernel::access::Actor;
use entities::model::{outbox, payment, payment_audit, payment_event, refund};
use entities::ordering::OrderStatus;
use entities::payments::{PaymentStatus, RefundStatus};
use entities::ServiceError;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};
use uuid::Uuid;

const TOKEN: &str = "test-admin-token-0123456789abcdef0123";
/// Visa, no authentication.
const CARD_OK: &str = "4242424242424242";
/// Asks for 3-D Secure.
const CARD_3DS: &str = "4000002760003184";
/// Declined.
const CARD_DECLINED: &str = "4000000000000341";

fn localstripe() -> Option<String> {
    crate::helpers::service_url("BAZAAR_TEST_STRIPE", "the Stripe suite (localstripe)")
}

struct StripeApp {
    app: TestApp,
    stripe: String,
    http: reqwest::Client,
    /// The secret Stripe signs this app's webhook events with.
    secret: String,
}

/// An app taking Stripe payments at localstripe; with `webhooks`, localstripe
/// sends this app its events (signed with a secret of this test's own).
async fn stripe_app(db: Db, webhooks: bool, manual_capture: bool) -> Option<StripeApp> {
    let stripe = localstripe()?;
    let secret = format!("whsec_{}", Uuid::new_v4().simple());
    let (s, w) = (stripe.clone(), secret.clone());
    let app = spawn_app_with(db, move |settings| {
        settings.api.admin_token = Some(TOKEN.to_owned().into());
        settings.payments.stripe.secret_key = Some("sk_test_bazaar".to_owned().into());
        settings.payments.stripe.publishable_key = Some("pk_test_bazaar".to_owned());
        settings.payments.stripe.webhook_secret = Some(w.into());
        settings.payments.stripe.api_base = s.clone();
        settings.payments.stripe.js_url = format!("{s}/js.stripe.com/v3/");
        settings.payments.stripe.manual_capture = manual_capture;
        // Reconciliation is driven by the tests themselves.
        settings.workers.payment_reconcile_ms = 3_600_000;
    })
    .await;
    let http = reqwest::Client::new();
    if webhooks {
        let hook = format!("{stripe}/_config/webhooks/bazaar-{}", Uuid::new_v4().simple());
        let url = app.url("/api/v1/webhooks/payments/stripe");
        let r = http.post(hook).form(&[("url", url.as_str()), ("secret", secret.as_str())]).send().await.unwrap();
        assert!(r.status().is_success(), "localstripe takes the webhook");
    }
    Some(StripeApp { app, stripe, http, secret })
}

impl StripeApp {
    /// What Stripe.js does in the browser: card data to Stripe, a payment
    /// method id back. Our server never sees the number.
    async fn payment_method(&self, number: &str) -> String {
        let r = self
            .http
            .post(format!("{}/v1/payment_methods", self.stripe))
            .bearer_auth("sk_test_bazaar")
            .form(&[
                ("type", "card"),
                ("card[number]", number),
                ("card[exp_month]", "12"),
                ("card[exp_year]", "2034"),
                ("card[cvc]", "123"),
            ])
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success());
        r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned()
    }

    /// The shopper completes (or fails) 3-D Secure, as Stripe.js's modal does.
    async fn authenticate(&self, intent: &str, client_secret: &str, success: bool) {
        let r = self
            .http
            .post(format!("{}/v1/payment_intents/{intent}/_authenticate?success={success}", self.stripe))
            .json(&json!({ "key": "pk_test_bazaar", "client_secret": client_secret }))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "localstripe authenticates: {}", r.text().await.unwrap());
    }

    async fn intent(&self, id: &str) -> Value {
        self.http
            .get(format!("{}/v1/payment_intents/{id}", self.stripe))
            .bearer_auth("sk_test_bazaar")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    async fn order(&self) -> String {
        self.order_for("ada@example.com").await
    }

    async fn order_for(&self, email: &str) -> String {
        place_unpaid_order(&self.app, email, None).await
    }

    async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let r = self.app.client.post(self.app.url(path)).json(&body).send().await.unwrap();
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }

    async fn start(&self, order: &str) -> Value {
        let (status, started) = self.post(&format!("/api/v1/orders/{order}/payments?provider=stripe"), json!({})).await;
        assert_eq!(status, 201, "{started}");
        started
    }

    async fn status(&self, order: &str) -> OrderStatus {
        entities::ordering::view::order_by_public_id(&self.app.shop, order).await.unwrap().status
    }

    /// Waits (up to 15 s) for the order to reach `want` — webhooks arrive
    /// from localstripe a second after the change.
    async fn wait_for(&self, order: &str, want: OrderStatus) {
        for _ in 0..150 {
            if self.status(order).await == want {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("order {order} never became {want}; it is {}", self.status(order).await);
    }

    async fn paid_events(&self, order: &str) -> u64 {
        outbox::Entity::find()
            .filter(outbox::Column::Topic.eq("order.paid"))
            .all(&self.app.shop.db)
            .await
            .unwrap()
            .iter()
            .filter(|e| e.payload["public_id"] == order)
            .count() as u64
    }
}

#[tokio::test]
async fn a_card_payment_is_started_confirmed_and_completed_by_stripes_webhook_once() {
    let Some(s) = stripe_app(Db::Postgres, true, false).await else { return };
    let order = s.order().await;
    let started = s.start(&order).await;
    assert_eq!(started["provider"], "stripe");
    let intent = started["provider_ref"].as_str().unwrap();
    assert!(intent.starts_with("pi_"), "{started}");
    assert!(started["client_secret"].as_str().unwrap().starts_with(&format!("{intent}_secret_")));
    assert_eq!(started["browser"]["publishable_key"], "pk_test_bazaar");
    assert!(started["browser"]["script_url"].as_str().unwrap().ends_with("/js.stripe.com/v3/"));
    let at_stripe = s.intent(intent).await;
    assert_eq!(at_stripe["amount"], started["amount_minor"], "Stripe charges the order's total");
    assert_eq!(at_stripe["metadata"]["order_id"], order.as_str());
    // Starting again (a reload) gives the same intent and its secret again.
    let again = s.start(&order).await;
    assert_eq!(
        (again["provider_ref"].as_str(), again["client_secret"].as_str()),
        (Some(intent), started["client_secret"].as_str())
    );

    let pm = s.payment_method(CARD_OK).await;
    let (status, progress) = s
        .post(
            &format!("/api/v1/orders/{order}/payments/confirm"),
            json!({ "provider": "stripe", "payment_method": pm }),
        )
        .await;
    assert_eq!(status, 200, "{progress}");
    assert_eq!(progress["status"], "succeeded");
    assert_eq!(progress["order"]["status"], "paid", "Stripe's answer to the server pays the order");
    assert!(progress["client_secret"].is_null(), "no next action");

    // Stripe's webhook arrives too: stored, and changes nothing more.
    for _ in 0..150 {
        let n = payment_event::Entity::find()
            .filter(payment_event::Column::Provider.eq("stripe"))
            .filter(payment_event::Column::EventId.starts_with("evt_"))
            .filter(payment_event::Column::ProviderRef.eq(intent))
            .count(&s.app.shop.db)
            .await
            .unwrap();
        if n > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let events = payment_event::Entity::find()
        .filter(payment_event::Column::ProviderRef.eq(intent))
        .all(&s.app.shop.db)
        .await
        .unwrap();
    assert!(events.iter().any(|e| e.event_id.starts_with("evt_") && e.kind == "succeeded"), "{events:?}");
    assert!(events.iter().all(|e| e.processed_at.is_some()));
    assert!(
        events.iter().all(|e| !e.payload.to_string().contains("_secret_")),
        "the PaymentIntent's client secret is not kept"
    );
    assert_eq!(s.paid_events(&order).await, 1, "one confirmation, however many times Stripe tells us");
    let p = payment::Entity::find()
        .filter(payment::Column::ProviderRef.eq(intent))
        .one(&s.app.shop.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p.status, PaymentStatus::Succeeded);
}

#[tokio::test]
async fn three_d_secure_is_a_next_action_for_the_browser_and_the_webhook_completes_the_order() {
    let Some(s) = stripe_app(Db::Postgres, true, false).await else { return };
    let order = s.order().await;
    let started = s.start(&order).await;
    let intent = started["provider_ref"].as_str().unwrap().to_owned();
    let pm = s.payment_method(CARD_3DS).await;
    let (status, progress) = s
        .post(
            &format!("/api/v1/orders/{order}/payments/confirm"),
            json!({ "provider": "stripe", "payment_method": pm }),
        )
        .await;
    assert_eq!(status, 200, "{progress}");
    assert_eq!(progress["status"], "requires_action");
    assert_eq!(progress["order"]["status"], "pending_payment", "not paid before the shopper authenticates");
    let secret = progress["client_secret"].as_str().expect("the browser gets the secret for the next action");

    s.authenticate(&intent, secret, true).await;
    // No word from the browser: Stripe's webhook completes the order.
    s.wait_for(&order, OrderStatus::Paid).await;
    assert_eq!(s.paid_events(&order).await, 1);
    // Settling afterwards (the page asking on return) changes nothing.
    let (status, view) = s.post(&format!("/api/v1/orders/{order}/payments/settle"), json!({})).await;
    assert_eq!((status, view["status"].as_str()), (200, Some("paid")));
    assert_eq!(s.paid_events(&order).await, 1);
}

#[tokio::test]
async fn a_declined_card_gets_stripes_message_and_the_shopper_pays_with_another() {
    let Some(s) = stripe_app(Db::Sqlite, false, false).await else { return };
    let order = s.order().await;
    s.start(&order).await;
    let declined = s.payment_method(CARD_DECLINED).await;
    let (status, problem) = s
        .post(
            &format!("/api/v1/orders/{order}/payments/confirm"),
            json!({ "provider": "stripe", "payment_method": declined }),
        )
        .await;
    assert_eq!(status, 400, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "payment_method");
    assert_eq!(problem["errors"][0]["message"], "Your card was declined.");
    assert_eq!(s.status(&order).await, OrderStatus::PendingPayment);
    let declines = payment_audit::Entity::find()
        .filter(payment_audit::Column::Action.eq("payment.declined"))
        .count(&s.app.shop.db)
        .await
        .unwrap();
    assert_eq!(declines, 1, "the decline is in the audit log");

    // A second try: a fresh intent, another card, paid.
    let second = s.start(&order).await;
    let ok = s.payment_method(CARD_OK).await;
    let (status, progress) = s
        .post(
            &format!("/api/v1/orders/{order}/payments/confirm"),
            json!({ "provider": "stripe", "payment_method": ok }),
        )
        .await;
    assert_eq!(status, 200, "{progress}");
    assert_eq!(progress["order"]["status"], "paid");
    let p = payment::Entity::find()
        .filter(payment::Column::ProviderRef.eq(second["provider_ref"].as_str().unwrap()))
        .one(&s.app.shop.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p.status, PaymentStatus::Succeeded);

    // Paid: confirming again takes nothing more.
    let again = s.payment_method(CARD_OK).await;
    let (status, _) = s
        .post(
            &format!("/api/v1/orders/{order}/payments/confirm"),
            json!({ "provider": "stripe", "payment_method": again }),
        )
        .await;
    assert_eq!(status, 409, "the order no longer waits for payment");
    // Bad input: no payment method, one that is not an id, an unknown provider.
    let (status, problem) = s
        .post(
            &format!("/api/v1/orders/{order}/payments/confirm"),
            json!({ "provider": "stripe", "payment_method": " " }),
        )
        .await;
    assert_eq!((status, problem["errors"][0]["field"].as_str()), (400, Some("payment_method")));
    let (status, problem) = s
        .post(
            &format!("/api/v1/orders/{order}/payments/confirm"),
            json!({ "provider": "stripe", "payment_method": "../charges" }),
        )
        .await;
    assert_eq!((status, problem["errors"][0]["field"].as_str()), (400, Some("payment_method")));
    let (status, problem) = s.post(&format!("/api/v1/orders/{order}/payments?provider=paypal"), json!({})).await;
    assert_eq!((status, problem["errors"][0]["field"].as_str()), (400, Some("provider")));
}

#[tokio::test]
async fn a_payment_whose_webhook_never_came_is_settled_by_reconciliation() {
    // No webhooks reach this app: only asking Stripe can complete the order.
    let Some(s) = stripe_app(Db::Postgres, false, false).await else { return };
    let order = s.order().await;
    let started = s.start(&order).await;
    let intent = started["provider_ref"].as_str().unwrap().to_owned();
    let pm = s.payment_method(CARD_3DS).await;
    let (_, progress) = s
        .post(
            &format!("/api/v1/orders/{order}/payments/confirm"),
            json!({ "provider": "stripe", "payment_method": pm }),
        )
        .await;
    s.authenticate(&intent, progress["client_secret"].as_str().unwrap(), true).await;
    assert_eq!(s.status(&order).await, OrderStatus::PendingPayment, "nobody told the shop yet");

    // Too recent for the job yet.
    let now = chrono::Utc::now();
    assert_eq!(entities::payments::settle::reconcile(&s.app.shop, chrono::Duration::minutes(2), now).await.unwrap(), 0);
    assert_eq!(s.status(&order).await, OrderStatus::PendingPayment);
    // Later, the job asks Stripe and settles it — once.
    let later = now + chrono::Duration::minutes(3);
    assert_eq!(
        entities::payments::settle::reconcile(&s.app.shop, chrono::Duration::minutes(2), later).await.unwrap(),
        1
    );
    assert_eq!(s.status(&order).await, OrderStatus::Paid);
    assert_eq!(
        entities::payments::settle::reconcile(&s.app.shop, chrono::Duration::minutes(2), later).await.unwrap(),
        0,
        "nothing open"
    );
    assert_eq!(s.paid_events(&order).await, 1);
    let settled = payment_event::Entity::find()
        .filter(payment_event::Column::EventId.eq(format!("check:{intent}:succeeded")))
        .one(&s.app.shop.db)
        .await
        .unwrap()
        .expect("the answer is stored like an event");
    assert_eq!(settled.outcome.as_deref(), Some("the order is paid"));
}

#[tokio::test]
async fn with_manual_capture_the_order_is_secured_at_checkout_and_an_admin_captures_later() {
    let Some(s) = stripe_app(Db::Postgres, true, true).await else { return };
    let order = s.order().await;
    let started = s.start(&order).await;
    let intent = started["provider_ref"].as_str().unwrap().to_owned();
    assert_eq!(s.intent(&intent).await["capture_method"], "manual");
    let pm = s.payment_method(CARD_OK).await;
    let (status, progress) = s
        .post(
            &format!("/api/v1/orders/{order}/payments/confirm"),
            json!({ "provider": "stripe", "payment_method": pm }),
        )
        .await;
    assert_eq!(status, 200, "{progress}");
    assert_eq!(progress["status"], "authorized");
    assert_eq!(progress["order"]["status"], "paid", "the money is held: the order may be fulfilled");
    let p = payment::Entity::find()
        .filter(payment::Column::ProviderRef.eq(intent.as_str()))
        .one(&s.app.shop.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p.status, PaymentStatus::Authorized);
    assert_eq!(s.intent(&intent).await["status"], "requires_capture");

    // Capturing is for admins.
    let url = s.app.url(&format!("/api/v1/orders/{order}/capture"));
    let anonymous = s.app.client.post(&url).json(&json!({})).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    let too_much = s
        .app
        .client
        .post(&url)
        .bearer_auth(TOKEN)
        .json(&json!({ "amount_minor": p.amount_minor + 1 }))
        .send()
        .await
        .unwrap();
    assert_eq!(too_much.status(), 400);
    let captured = s.app.client.post(&url).bearer_auth(TOKEN).json(&json!({})).send().await.unwrap();
    assert_eq!(captured.status(), 200);
    assert_eq!(s.intent(&intent).await["status"], "succeeded");
    let p = payment::Entity::find_by_id(p.id).one(&s.app.shop.db).await.unwrap().unwrap();
    assert_eq!(p.status, PaymentStatus::Succeeded);
    // Nothing left to capture.
    let again = s.app.client.post(&url).bearer_auth(TOKEN).json(&json!({})).send().await.unwrap();
    assert_eq!(again.status(), 409);
    assert_eq!(s.paid_events(&order).await, 1, "authorized, then captured: one confirmation");
}

#[tokio::test]
async fn refunds_go_to_stripe_and_stripes_refund_events_count_once() {
    let Some(s) = stripe_app(Db::Sqlite, false, false).await else { return };
    let order = s.order().await;
    let started = s.start(&order).await;
    let intent = started["provider_ref"].as_str().unwrap().to_owned();
    let pm = s.payment_method(CARD_OK).await;
    s.post(&format!("/api/v1/orders/{order}/payments/confirm"), json!({ "provider": "stripe", "payment_method": pm }))
        .await;
    assert_eq!(s.status(&order).await, OrderStatus::Paid);
    let total = started["amount_minor"].as_i64().unwrap();

    let r = s
        .app
        .client
        .post(s.app.url(&format!("/api/v1/orders/{order}/refunds")))
        .bearer_auth(TOKEN)
        .json(&json!({ "amount_minor": 100, "reason": "scratched" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let refunds: Value = s
        .http
        .get(format!("{}/v1/refunds", s.stripe))
        .bearer_auth("sk_test_bazaar")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ours: Vec<&Value> =
        refunds["data"].as_array().unwrap().iter().filter(|r| r["payment_intent"] == intent.as_str()).collect();
    assert_eq!(ours.len(), 1, "Stripe made the refund");
    assert_eq!(ours[0]["amount"], 100);

    // Stripe reports the refund (refunded total: 100): already counted.
    // Then a refund made in Stripe's dashboard brings the total to all of it.
    for (n, refunded) in [(1, 100), (2, total)] {
        let body = json!({ "id": format!("evt_refund_{n}_{intent}"), "type": "charge.refunded",
            "data": { "object": { "id": "ch_x", "payment_intent": intent, "amount": total, "amount_refunded": refunded, "currency": "eur" } } })
        .to_string();
        let signature = stripe_signature(&s, &body);
        let r = s
            .app
            .client
            .post(s.app.url("/api/v1/webhooks/payments/stripe"))
            .header("stripe-signature", signature)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    let p = payment::Entity::find()
        .filter(payment::Column::ProviderRef.eq(intent.as_str()))
        .one(&s.app.shop.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((p.refunded_minor, p.status), (total, PaymentStatus::Refunded));
    assert_eq!(s.status(&order).await, OrderStatus::Refunded);
}

#[tokio::test]
async fn a_refund_stripe_did_not_answer_stays_held_and_is_asked_again_once() {
    let Some(s) = stripe_app(Db::Sqlite, false, false).await else { return };
    let order = s.order().await;
    let started = s.start(&order).await;
    let intent = started["provider_ref"].as_str().unwrap().to_owned();
    let pm = s.payment_method(CARD_OK).await;
    s.post(&format!("/api/v1/orders/{order}/payments/confirm"), json!({ "provider": "stripe", "payment_method": pm }))
        .await;
    assert_eq!(s.status(&order).await, OrderStatus::Paid);

    // The same shop, while Stripe cannot be reached (nothing listens on port 9).
    let mut offline = s.app.shop.clone();
    let unreachable =
        server::adapters::payments::stripe::StripePayments::new(server::adapters::payments::stripe::StripeConfig {
            secret_key: "sk_test_bazaar".to_owned().into(),
            publishable_key: "pk_test_bazaar".to_owned(),
            webhook_secret: "whsec_unused".to_owned().into(),
            api_base: "http://127.0.0.1:9".to_owned(),
            js_url: String::new(),
            manual_capture: false,
        })
        .unwrap();
    offline.payments = entities::ports::PaymentProviders::new(vec![std::sync::Arc::new(unreachable)]);
    let asked =
        entities::payments::refunds::refund(&offline, Actor::API_TOKEN, &order, Some(150), "lost in the post", None)
            .await;
    assert!(
        matches!(&asked, Err(ServiceError::Conflict(m)) if m.contains("do not refund again")),
        "the admin is told it will be asked again: {asked:?}"
    );
    let held = || {
        let (db, intent) = (s.app.shop.db.clone(), intent.clone());
        async move {
            let p = payment::Entity::find()
                .filter(payment::Column::ProviderRef.eq(intent.as_str()))
                .one(&db)
                .await
                .unwrap()
                .unwrap();
            let r = refund::Entity::find().filter(refund::Column::PaymentId.eq(p.id)).one(&db).await.unwrap().unwrap();
            (p.refunded_minor, r.status)
        }
    };
    assert_eq!(held().await, (150, RefundStatus::Pending), "no answer: the amount stays held");
    assert_eq!(s.status(&order).await, OrderStatus::Paid);

    // Stripe is back: reconciliation asks again with the same key; asking
    // once more changes nothing.
    let now = chrono::Utc::now();
    assert_eq!(
        entities::payments::refunds::retry_refunds(&s.app.shop, chrono::Duration::zero(), now).await.unwrap(),
        1
    );
    assert_eq!(
        entities::payments::refunds::retry_refunds(&s.app.shop, chrono::Duration::zero(), now).await.unwrap(),
        0
    );
    assert_eq!(held().await, (150, RefundStatus::Succeeded));
    assert_eq!(s.status(&order).await, OrderStatus::PartiallyRefunded);
    let refunds: Value = s
        .http
        .get(format!("{}/v1/refunds", s.stripe))
        .bearer_auth("sk_test_bazaar")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ours = refunds["data"].as_array().unwrap().iter().filter(|r| r["payment_intent"] == intent.as_str()).count();
    assert_eq!(ours, 1, "Stripe made one refund");
}

/// Signs `body` as Stripe would for this app's webhook endpoint.
fn stripe_signature(s: &StripeApp, body: &str) -> String {
    server::signing::sign(s.secret.as_bytes(), chrono::Utc::now().timestamp(), body.as_bytes())
}

#[tokio::test]
async fn stripe_webhooks_need_stripes_signature_and_unused_kinds_are_acknowledged() {
    let Some(s) = stripe_app(Db::Sqlite, false, false).await else { return };
    let body = json!({ "id": "evt_x", "type": "payment_intent.succeeded",
        "data": { "object": { "id": "pi_unknown", "amount": 100, "currency": "eur" } } })
    .to_string();
    let post = |signature: String, body: String| {
        s.app
            .client
            .post(s.app.url("/api/v1/webhooks/payments/stripe"))
            .header("stripe-signature", signature)
            .body(body)
            .send()
    };
    let forged = server::signing::sign(b"whsec_not_ours", chrono::Utc::now().timestamp(), body.as_bytes());
    assert_eq!(post(forged, body.clone()).await.unwrap().status(), 400);
    assert_eq!(payment_event::Entity::find().count(&s.app.shop.db).await.unwrap(), 0, "nothing stored");

    let unused =
        json!({ "id": "evt_y", "type": "customer.created", "data": { "object": { "id": "cus_1" } } }).to_string();
    let r = post(stripe_signature(&s, &unused), unused).await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["ignored"], "customer.created");
    assert_eq!(payment_event::Entity::find().count(&s.app.shop.db).await.unwrap(), 0);

    let unknown_provider =
        s.app.client.post(s.app.url("/api/v1/webhooks/payments/paypal")).body("{}").send().await.unwrap();
    assert_eq!(unknown_provider.status(), 404);
}

#[tokio::test]
async fn a_card_used_with_several_emails_adds_to_the_orders_risk() {
    let Some(s) = stripe_app(Db::Postgres, false, false).await else { return };
    let mut orders = Vec::new();
    for email in ["one@example.com", "two@example.com", "three@example.com"] {
        let order = s.order_for(email).await;
        s.start(&order).await;
        // The same card number each time: Stripe gives it the same fingerprint.
        let pm = s.payment_method(CARD_OK).await;
        let (status, progress) = s
            .post(
                &format!("/api/v1/orders/{order}/payments/confirm"),
                json!({ "provider": "stripe", "payment_method": pm }),
            )
            .await;
        assert_eq!(status, 200, "{progress}");
        orders.push(order);
    }
    let fingerprints: Vec<Option<String>> =
        payment::Entity::find().all(&s.app.shop.db).await.unwrap().into_iter().map(|p| p.card_fingerprint).collect();
    assert_eq!(fingerprints.len(), 3);
    assert!(fingerprints.iter().all(|f| f.is_some() && *f == fingerprints[0]), "{fingerprints:?}");
    let second = s.app.get_json_with_token(&format!("/api/v1/orders/{}/risk", orders[1]), TOKEN).await;
    assert_eq!(second["score"], 0, "one other email is not yet suspect");
    let third = s.app.get_json_with_token(&format!("/api/v1/orders/{}/risk", orders[2]), TOKEN).await;
    assert_eq!(third["score"], 40, "{third}");
    assert_eq!(third["reasons"][0], "the card was used with 2 other emails in 24 hours");
}

#[tokio::test]
async fn an_authorization_lost_before_capture_holds_the_order() {
    let Some(s) = stripe_app(Db::Sqlite, false, true).await else { return };
    let order = s.order().await;
    let started = s.start(&order).await;
    let intent = started["provider_ref"].as_str().unwrap().to_owned();
    let pm = s.payment_method(CARD_OK).await;
    let (_, progress) = s
        .post(
            &format!("/api/v1/orders/{order}/payments/confirm"),
            json!({ "provider": "stripe", "payment_method": pm }),
        )
        .await;
    assert_eq!(progress["status"], "authorized");
    // Stripe cancels the uncaptured PaymentIntent (after seven days, say).
    let body = json!({ "id": format!("evt_cancel_{intent}"), "type": "payment_intent.canceled",
        "data": { "object": { "id": intent, "amount": started["amount_minor"], "currency": "eur", "status": "canceled" } } })
    .to_string();
    let r = s
        .app
        .client
        .post(s.app.url("/api/v1/webhooks/payments/stripe"))
        .header("stripe-signature", stripe_signature(&s, &body))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let p = payment::Entity::find()
        .filter(payment::Column::ProviderRef.eq(intent.as_str()))
        .one(&s.app.shop.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p.status, PaymentStatus::Failed);
    let risk = s.app.get_json_with_token(&format!("/api/v1/orders/{order}/risk"), TOKEN).await;
    assert_eq!(risk["held_for_review"], true, "nothing ships without the money");
    let view = entities::ordering::view::order_by_public_id(&s.app.shop, &order).await.unwrap();
    assert!(view.timeline.iter().any(|e| e.note.contains("cancelled or expired before it was captured")));
}
