//! Local payment methods: bank transfer with a reference (the stock held for
//! days, the money recorded by staff) and cash on delivery (confirmed at
//! once, collected by capturing on delivery).

use crate::helpers::*;
use crate::on_both_databases;
use entities::model::{order, outbox, payment, reservation};
use entities::payments::PaymentStatus;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};
use uuid::Uuid;

const TOKEN: &str = "test-admin-token-0123456789abcdef0123";

async fn local_app(db: Db) -> TestApp {
    spawn_app_with(db, |s| {
        s.api.admin_token = Some(TOKEN.to_owned().into());
        s.payments.bank_transfer.account_holder = Some("Bazaar Demo BV".into());
        s.payments.bank_transfer.iban = Some("NL91 ABNA 0417 1643 00".into());
        s.payments.bank_transfer.bic = Some("ABNANL2A".into());
        s.payments.bank_transfer.hold_hours = 72;
        s.payments.cash_on_delivery = true;
    })
    .await
}

async fn post(app: &TestApp, path: &str, token: Option<&str>) -> (u16, Value) {
    let mut request = app.client.post(app.url(path)).json(&json!({}));
    if let Some(t) = token {
        request = request.bearer_auth(t);
    }
    let r = request.send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

async fn paid_count(app: &TestApp, order: &str) -> usize {
    outbox::Entity::find()
        .filter(outbox::Column::Topic.eq("order.paid"))
        .all(&app.shop.db)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.payload["public_id"] == order)
        .count()
}

on_both_databases!(a_bank_transfer_holds_the_stock_for_days_and_staff_record_the_money, |db| async move {
    let app = local_app(db).await;
    let order = place_unpaid_order(&app, "ada@example.com", None).await;
    let (status, started) = post(&app, &format!("/api/v1/orders/{order}/payments?provider=bank_transfer"), None).await;
    assert_eq!(status, 201, "{started}");
    let reference = started["provider_ref"].as_str().unwrap().to_owned();
    assert!(reference.starts_with("BT-") && reference.len() == 14, "{reference}");
    // Asking again gives the same reference.
    let (_, again) = post(&app, &format!("/api/v1/orders/{order}/payments?provider=bank_transfer"), None).await;
    assert_eq!(again["provider_ref"], reference.as_str());

    // The stock is held for three days, not checkout's minutes.
    let o = order::Entity::find()
        .filter(order::Column::PublicId.eq(order.parse::<Uuid>().unwrap()))
        .one(&app.shop.db)
        .await
        .unwrap()
        .unwrap();
    let held = reservation::Entity::find_by_id(o.reservation_id.unwrap()).one(&app.shop.db).await.unwrap().unwrap();
    let hours = (held.expires_at - chrono::Utc::now()).num_minutes() as f64 / 60.0;
    assert!((71.5..=72.1).contains(&hours), "held for {hours} hours");
    let (_, view) = post(&app, &format!("/api/v1/orders/{order}/payments/settle"), None).await;
    assert_eq!(view["status"], "pending_payment");
    assert_eq!(view["payments"][0]["reference"], reference.as_str());
    assert!(view["timeline"].as_array().unwrap().iter().any(|e| e["note"].as_str().unwrap().contains(&reference)));
    // The expiry sweep of checkout's 15 minutes does not cancel it.
    let in_an_hour = chrono::Utc::now() + chrono::Duration::hours(1);
    entities::ordering::life::expire_reservations(&app.shop, in_an_hour).await.unwrap();
    assert_eq!(
        entities::ordering::view::order_by_public_id(&app.shop, &order).await.unwrap().status,
        entities::ordering::OrderStatus::PendingPayment
    );

    // Nobody can confirm (and so fail) a bank transfer from the browser.
    let r = app
        .client
        .post(app.url(&format!("/api/v1/orders/{order}/payments/confirm")))
        .json(&json!({ "provider": "bank_transfer", "payment_method": "pm_x" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // Only staff record the money.
    let path = format!("/api/v1/orders/{order}/payments/received");
    assert_eq!(post(&app, &path, None).await.0, 401);
    let (status, paid) = post(&app, &path, Some(TOKEN)).await;
    assert_eq!(status, 200, "{paid}");
    assert_eq!(paid["status"], "paid");
    assert_eq!(paid["payments"][0]["status"], "succeeded");
    // Twice is not twice.
    assert_eq!(post(&app, &path, Some(TOKEN)).await.0, 409);
    assert_eq!(paid_count(&app, &order).await, 1);
});

on_both_databases!(cash_on_delivery_confirms_at_once_and_is_collected_on_delivery, |db| async move {
    let app = local_app(db).await;
    let order = place_unpaid_order(&app, "ada@example.com", None).await;
    let (status, _) = post(&app, &format!("/api/v1/orders/{order}/payments?provider=cash_on_delivery"), None).await;
    assert_eq!(status, 201);
    let view = entities::ordering::view::order_by_public_id(&app.shop, &order).await.unwrap();
    assert_eq!(view.status, entities::ordering::OrderStatus::Paid, "confirmed for fulfilment at once");
    assert_eq!(view.payments[0].status, PaymentStatus::Authorized, "the money is still to be collected");
    assert_eq!(paid_count(&app, &order).await, 1);
    // Nothing to record by hand; staff capture the cash on delivery.
    assert_eq!(post(&app, &format!("/api/v1/orders/{order}/payments/received"), Some(TOKEN)).await.0, 409);
    let (status, collected) = post(&app, &format!("/api/v1/orders/{order}/capture"), Some(TOKEN)).await;
    assert_eq!(status, 200, "{collected}");
    assert_eq!(collected["payments"][0]["status"], "succeeded");
    assert_eq!(paid_count(&app, &order).await, 1, "collected, not paid twice");
    let p = payment::Entity::find()
        .filter(payment::Column::Provider.eq("cash_on_delivery"))
        .count(&app.shop.db)
        .await
        .unwrap();
    assert_eq!(p, 1);
});

#[tokio::test]
async fn the_order_page_offers_the_local_methods_and_shows_the_transfer_details() {
    let app = local_app(Db::Sqlite).await;
    let order = place_unpaid_order(&app, "ada@example.com", None).await;
    let (status, html) = app.get_html(&format!("/orders/{order}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("data-testid=\"choose-bank_transfer\""), "offered");
    assert!(html.contains("data-testid=\"choose-cash_on_delivery\""));
    assert!(!html.contains("data-testid=\"stripe-box\""), "no Stripe in this shop");

    let (_, started) = post(&app, &format!("/api/v1/orders/{order}/payments?provider=bank_transfer"), None).await;
    let (_, html) = app.get_html(&format!("/orders/{order}")).await;
    assert!(html.contains("data-testid=\"transfer-box\""));
    assert!(html.contains("NL91 ABNA 0417 1643 00") && html.contains("Bazaar Demo BV"));
    assert!(html.contains(started["provider_ref"].as_str().unwrap()), "the reference is shown");

    let cod = place_unpaid_order(&app, "ada@example.com", None).await;
    post(&app, &format!("/api/v1/orders/{cod}/payments?provider=cash_on_delivery"), None).await;
    let (_, html) = app.get_html(&format!("/orders/{cod}")).await;
    assert!(html.contains("Confirmed — pay on delivery"), "not shown as paid");
}

on_both_databases!(
    bank_transfers_started_together_share_one_payment_and_an_ended_one_is_a_clear_409,
    |db| async move {
        let app = local_app(db).await;
        let order = place_unpaid_order(&app, "twice@example.com", None).await;
        let path = format!("/api/v1/orders/{order}/payments?provider=bank_transfer");
        let (a, b) = tokio::join!(post(&app, &path, None), post(&app, &path, None));
        assert!(matches!(a.0, 200 | 201) && matches!(b.0, 200 | 201), "both answered: {a:?} {b:?}");
        assert_eq!(a.1["provider_ref"], b.1["provider_ref"], "one reference");
        let o = order::Entity::find()
            .filter(order::Column::PublicId.eq(order.parse::<Uuid>().unwrap()))
            .one(&app.shop.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            payment::Entity::find().filter(payment::Column::OrderId.eq(o.id)).count(&app.shop.db).await.unwrap(),
            1
        );

        // A transfer that ended (failed) cannot be started again: 409, not 500.
        payment::Entity::update_many()
            .col_expr(payment::Column::Status, sea_orm::sea_query::Expr::value(PaymentStatus::Failed))
            .filter(payment::Column::OrderId.eq(o.id))
            .exec(&app.shop.db)
            .await
            .unwrap();
        let (status, body) = post(&app, &path, None).await;
        assert_eq!(status, 409, "{body}");
        assert!(body.to_string().contains("choose another way to pay"), "{body}");
    }
);
