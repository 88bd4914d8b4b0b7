//! Gift cards and store credit over HTTP: issued by admins with a code kept
//! only as a hash, spent on part of an order with a card paying the rest
//! (split tender), never spent twice however many orders race for it, given
//! back when the order is cancelled or refunded, and store credit spent by
//! its signed-in owner without the code.

use crate::accounts::{account, signed_in_client};
use crate::helpers::*;
use crate::on_both_databases;
use entities::accounts::Role;
use entities::model::{gift_card, gift_card_entry, payment};
use entities::payments::{gift_cards, PaymentStatus};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};

const TOKEN: &str = "test-admin-token-0123456789abcdef0123";

async fn send(request: reqwest::RequestBuilder) -> (u16, Value) {
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn issue(app: &TestApp, body: Value) -> (u16, Value) {
    send(app.client.post(app.url("/api/v1/gift-cards")).bearer_auth(TOKEN).json(&body)).await
}

async fn order(app: &TestApp, id: &str) -> Value {
    send(app.client.get(app.url(&format!("/api/v1/orders/{id}")))).await.1
}

async fn ledger_sum(app: &TestApp, card: i64) -> i64 {
    gift_card_entry::Entity::find()
        .filter(gift_card_entry::Column::CardId.eq(card))
        .all(&app.shop.db)
        .await
        .unwrap()
        .iter()
        .map(|e| e.change_minor)
        .sum()
}

on_both_databases!(a_gift_card_pays_part_of_an_order_a_card_the_rest_and_a_refund_puts_it_back, |db| async move {
    let app = spawn_app_with(db, |s| s.api.admin_token = Some(TOKEN.into())).await;
    let id = place_unpaid_order(&app, "gift@example.com", None).await;
    let total = order(&app, &id).await["total_minor"].as_i64().unwrap();
    assert!(total > 200, "the order costs more than the card");

    // Issuing: bad input is named; customers cannot.
    let (status, problem) =
        issue(&app, json!({ "amount_minor": 0, "currency": "XYZ", "expires_at": "2001-01-01T00:00:00Z" })).await;
    assert_eq!(status, 400);
    let text = problem.to_string();
    assert!(text.contains("amount_minor") && text.contains("currency") && text.contains("expires_at"), "{text}");
    let (status, _) =
        send(new_client().post(app.url("/api/v1/gift-cards")).json(&json!({ "amount_minor": 100, "currency": "EUR" })))
            .await;
    assert_eq!(status, 401);
    let (status, issued) = issue(&app, json!({ "amount_minor": 200, "currency": "EUR", "note": "for Ada" })).await;
    assert_eq!(status, 201, "{issued}");
    let code = issued["code"].as_str().unwrap().to_owned();
    let card = issued["card"]["id"].as_i64().unwrap();
    let stored = gift_card::Entity::find_by_id(card).one(&app.shop.db).await.unwrap().unwrap();
    assert!(!stored.code_hash.contains(&gift_cards::normalise(&code)), "only the hash is kept");
    let (_, listed) = send(app.client.get(app.url("/api/v1/gift-cards")).bearer_auth(TOKEN)).await;
    assert!(!listed.to_string().contains(&code), "the list never shows codes");

    // Anyone with the code reads its balance, however it is typed.
    let typed = code.to_lowercase().replace('-', " ");
    let (status, balance) =
        send(app.client.post(app.url("/api/v1/gift-cards/balance")).json(&json!({ "code": typed }))).await;
    assert_eq!((status, balance["balance_minor"].as_i64()), (200, Some(200)), "{balance}");
    let (status, _) =
        send(app.client.post(app.url("/api/v1/gift-cards/balance")).json(&json!({ "code": "AAAA-BBBB-CCCC-DDDD" })))
            .await;
    assert_eq!(status, 404);

    // Spent on the order: it pays 200, the rest is due.
    let redeem = format!("/api/v1/orders/{id}/gift-card");
    let (status, problem) =
        send(app.client.post(app.url(&redeem)).json(&json!({ "code": "AAAA-BBBB-CCCC-DDDD" }))).await;
    assert_eq!(status, 400, "{problem}");
    assert!(problem.to_string().contains("code"), "{problem}");
    let (status, now) = send(app.client.post(app.url(&redeem)).json(&json!({ "code": typed }))).await;
    assert_eq!(status, 200, "{now}");
    assert_eq!(now["status"], "pending_payment");
    assert_eq!(now["due_minor"].as_i64(), Some(total - 200));
    let (status, problem) = send(app.client.post(app.url(&redeem)).json(&json!({ "code": code }))).await;
    assert_eq!(status, 400, "nothing is left on it: {problem}");

    // The card pays exactly what is due, and the order is paid once.
    let started =
        entities::payments::start::start(&app.shop, entities::kernel::access::Actor::Anonymous, &id, Some("test"))
            .await
            .unwrap();
    assert_eq!(started.amount_minor, total - 200);
    entities::payments::settle::pay_with_test_provider(&app.shop, &id).await.unwrap();
    let paid = order(&app, &id).await;
    assert_eq!(paid["status"], "paid");
    assert_eq!(paid["due_minor"], 0);
    let kinds: Vec<(String, i64)> = paid["payments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["status"] == "succeeded")
        .map(|p| (p["provider"].as_str().unwrap().to_owned(), p["amount_minor"].as_i64().unwrap()))
        .collect();
    assert_eq!(kinds, [("gift_card".to_owned(), 200), ("test".to_owned(), total - 200)]);

    // A full refund gives back every payment; the card's part onto the card.
    let (status, refunded) = send(
        app.client
            .post(app.url(&format!("/api/v1/orders/{id}/refunds")))
            .bearer_auth(TOKEN)
            .json(&json!({ "reason": "sorry" })),
    )
    .await;
    assert_eq!(status, 200, "{refunded}");
    assert_eq!(refunded["status"], "refunded");
    let card_now = gift_card::Entity::find_by_id(card).one(&app.shop.db).await.unwrap().unwrap();
    assert_eq!(card_now.balance_minor, 200, "back on the card");
    assert_eq!(ledger_sum(&app, card).await, card_now.balance_minor, "the ledger adds up");
    let all_back = payment::Entity::find().all(&app.shop.db).await.unwrap();
    assert!(
        all_back.iter().filter(|p| p.status != PaymentStatus::Failed).all(|p| p.refunded_minor == p.amount_minor),
        "{all_back:?}"
    );
});

on_both_databases!(an_order_cancelled_before_it_was_paid_in_full_gives_the_card_back, |db| async move {
    let app = spawn_app_with(db, |s| s.api.admin_token = Some(TOKEN.into())).await;
    let id = place_unpaid_order(&app, "cancel@example.com", None).await;
    let (_, issued) = issue(&app, json!({ "amount_minor": 150, "currency": "EUR" })).await;
    let code = issued["code"].as_str().unwrap();
    let (status, _) =
        send(app.client.post(app.url(&format!("/api/v1/orders/{id}/gift-card"))).json(&json!({ "code": code }))).await;
    assert_eq!(status, 200);
    let (status, cancelled) =
        send(app.client.post(app.url(&format!("/api/v1/orders/{id}/status"))).json(&json!({ "status": "cancelled" })))
            .await;
    assert_eq!((status, cancelled["status"].as_str()), (200, Some("cancelled")), "{cancelled}");
    let card =
        gift_card::Entity::find_by_id(issued["card"]["id"].as_i64().unwrap()).one(&app.shop.db).await.unwrap().unwrap();
    assert_eq!(card.balance_minor, 150, "the card has its money back");
    assert_eq!(ledger_sum(&app, card.id).await, 150);
});

#[tokio::test]
async fn orders_racing_for_one_card_never_spend_more_than_it_holds() {
    let app = spawn_app_with(Db::Postgres, |s| s.api.admin_token = Some(TOKEN.into())).await;
    let mut ids = Vec::new();
    for n in 0..6 {
        ids.push(place_unpaid_order(&app, &format!("race{n}@example.com"), None).await);
    }
    let total = order(&app, &ids[0]).await["total_minor"].as_i64().unwrap();
    let worth = total * 2 + total / 2;
    let (_, issued) = issue(&app, json!({ "amount_minor": worth, "currency": "EUR" })).await;
    let code = issued["code"].as_str().unwrap().to_owned();
    let tries = ids.iter().map(|id| {
        let (app, code) = (&app, code.clone());
        async move {
            send(app.client.post(app.url(&format!("/api/v1/orders/{id}/gift-card"))).json(&json!({ "code": code })))
                .await
        }
    });
    let answers = futures::future::join_all(tries).await;
    assert!(answers.iter().all(|(s, _)| [200, 400, 409].contains(s)), "{answers:?}");
    let card =
        gift_card::Entity::find_by_id(issued["card"]["id"].as_i64().unwrap()).one(&app.shop.db).await.unwrap().unwrap();
    let spent: i64 = payment::Entity::find()
        .filter(payment::Column::Provider.eq("gift_card"))
        .all(&app.shop.db)
        .await
        .unwrap()
        .iter()
        .map(|p| p.amount_minor)
        .sum();
    assert!(card.balance_minor >= 0);
    assert_eq!(spent + card.balance_minor, worth, "every cent is either on the card or paid an order");
    assert_eq!(ledger_sum(&app, card.id).await, card.balance_minor);
    assert!(answers.iter().any(|(_, o)| o["status"] == "paid"), "the card paid at least one order in full");
}

on_both_databases!(store_credit_is_spent_by_its_signed_in_owner_without_a_code, |db| async move {
    let app = spawn_app_with(db, |s| s.api.admin_token = Some(TOKEN.into())).await;
    account(&app, "credit@example.com", Role::Customer, None).await;
    let (status, problem) =
        issue(&app, json!({ "amount_minor": 500, "currency": "EUR", "customer_email": "nobody@example.com" })).await;
    assert_eq!(status, 400, "no such account: {problem}");
    let (status, issued) =
        issue(&app, json!({ "amount_minor": 100_000, "currency": "EUR", "customer_email": "credit@example.com" }))
            .await;
    assert_eq!(status, 201, "{issued}");
    assert_eq!(issued["card"]["kind"], "store_credit");
    let mails = entities::notifications::mail::deliveries_to(&app.shop, "credit@example.com").await.unwrap();
    assert!(mails.iter().any(|m| m.kind == "store_credit"), "the owner is told");

    let client = signed_in_client(&app, "credit@example.com").await;
    let (status, credit) = send(client.get(app.url("/api/v1/me/store-credit"))).await;
    assert_eq!(status, 200);
    assert_eq!(credit[0]["balance_minor"], 100_000);
    let (v, _) = variant_for_sale(&app, 2, None).await;
    let id = crate::accounts::order_as(&client, &app, "credit@example.com", v.id).await;
    let redeem = format!("/api/v1/orders/{id}/gift-card");
    let (status, _) = send(new_client().post(app.url(&redeem)).json(&json!({}))).await;
    assert_eq!(status, 404, "another's order does not exist");
    let (status, paid) = send(client.post(app.url(&redeem)).json(&json!({}))).await;
    assert_eq!(status, 200, "{paid}");
    assert_eq!(paid["status"], "paid", "the credit covers it all");
    let total = paid["total_minor"].as_i64().unwrap();
    let (_, credit) = send(client.get(app.url("/api/v1/me/store-credit"))).await;
    assert_eq!(credit[0]["balance_minor"].as_i64(), Some(100_000 - total));
});
