//! The storefront's cart page, checkout and order page, through their
//! server functions and as rendered on the server (the browser journey is
//! in end2end/checkout.test.mjs).

use crate::helpers::*;
use crate::on_both_databases;
use entities::model::order;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::Value;

async fn sf(app: &TestApp, endpoint: &str, form: &[(&str, String)]) -> (u16, Value, reqwest::header::HeaderMap) {
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    sf_as(&app.client, app, endpoint, &form).await
}

fn address(key: &str, email: &str, country: &str) -> Vec<(&'static str, String)> {
    vec![
        ("idempotency_key", key.to_owned()),
        ("email", email.to_owned()),
        ("name", "Ada Shopper".into()),
        ("line1", "Keizersgracht 1".into()),
        ("line2", String::new()),
        ("postal_code", "1015 CJ".into()),
        ("city", "Amsterdam".into()),
        ("country", country.to_owned()),
        ("coupon", String::new()),
    ]
}

on_both_databases!(a_guest_goes_from_cart_to_order_through_the_storefront, |db| async move {
    let app = spawn_app(db).await;
    let (v, p) = variant_for_sale(&app, 3, None).await;
    let (status, _, _) = sf(&app, "cart/add", &[("variant_id", v.id.to_string()), ("quantity", "1".into())]).await;
    assert_eq!(status, 200);

    let (status, html) = app.get_html("/cart").await;
    assert_eq!(status, 200);
    assert!(html.contains(&p.title) && html.contains("data-testid=\"cart-subtotal\""), "the cart page lists the line");
    let (status, cart, _) = sf(&app, "cart/set", &[("variant_id", v.id.to_string()), ("quantity", "2".into())]).await;
    assert_eq!((status, cart["item_count"].as_u64()), (200, Some(2)), "{cart}");
    assert_eq!(cart["subtotal_minor"].as_i64(), Some(v.price_minor * 2));
    let (status, _, _) =
        sf(&app, "cart/set", &[("variant_id", v.id.to_string()), ("quantity", (v.stock + 1).to_string())]).await;
    assert_eq!(status, 409, "not more than the stock");

    let (status, html) = app.get_html("/checkout").await;
    assert_eq!(status, 200);
    assert!(html.contains("name=\"idempotency_key\""), "the form carries its key");
    let (_, key, _) = sf(&app, "checkout/key", &[]).await;
    let key = key.as_str().unwrap().to_owned();

    let (status, problem, _) = sf(&app, "checkout/place", &address(&key, "not-an-email", "NL")).await;
    assert_eq!(status, 400);
    assert!(problem.to_string().contains("email"), "{problem}");
    let (status, placed, headers) = sf(&app, "checkout/place", &address(&key, "ada@example.com", "nl")).await;
    assert_eq!(status, 200, "{placed}");
    let id = placed["id"].as_str().unwrap().to_owned();
    assert!(
        headers.get("location").is_some_and(|l| l.to_str().unwrap().ends_with(&format!("/orders/{id}"))),
        "the browser is sent to the order: {headers:?}"
    );
    let (status, again, _) = sf(&app, "checkout/place", &address(&key, "ada@example.com", "NL")).await;
    assert_eq!((status, again["id"].as_str()), (200, Some(id.as_str())), "a resent form places nothing new");
    assert_eq!(order::Entity::find().count(&app.shop.db).await.unwrap(), 1);

    let (status, html) = app.get_html(&format!("/orders/{id}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Waiting for payment") && html.contains(&p.title), "the order page shows it");
    let (status, _) = app.get_html("/orders/00000000-0000-0000-0000-000000000000").await;
    assert_eq!(status, 404);
    let (_, html) = app.get_html("/cart").await;
    assert!(html.contains("data-testid=\"cart-empty\""), "the cart is empty after the order");

    let (status, paid, _) = sf(&app, "orders/pay-test", &[("id", id.clone())]).await;
    assert_eq!((status, paid["status"].as_str()), (200, Some("paid")), "{paid}");
    let (status, again, _) = sf(&app, "orders/pay-test", &[("id", id.clone())]).await;
    assert_eq!(status, 409, "a paid order takes no second payment: {again}");
    let (_, html) = app.get_html(&format!("/orders/{id}")).await;
    assert!(html.contains(">Paid<") && !html.contains("data-testid=\"pay-test\""), "the page says paid");
});

#[tokio::test]
async fn without_javascript_the_checkout_form_posts_and_lands_on_the_order() {
    let app = spawn_app(Db::Sqlite).await;
    let (v, _) = variant_for_sale(&app, 1, None).await;
    sf(&app, "cart/add", &[("variant_id", v.id.to_string()), ("quantity", "1".into())]).await;

    let response = app
        .client
        .post(app.url("/_sf/checkout/place"))
        .header("accept", "text/html")
        .header("referer", app.url("/checkout"))
        .form(&address("nojs-key-00000001", "ada@example.com", "NL"))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 302);
    let location = response.headers()["location"].to_str().unwrap();
    assert!(location.contains("/orders/"), "{location}");
}
