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
        ("details[email]", email.to_owned()),
        ("details[shipping_address][name]", "Ada Shopper".into()),
        ("details[shipping_address][line1]", "Keizersgracht 1".into()),
        ("details[shipping_address][line2]", String::new()),
        ("details[shipping_address][postal_code]", "1015 CJ".into()),
        ("details[shipping_address][city]", "Amsterdam".into()),
        ("details[shipping_address][country]", country.to_owned()),
        ("details[coupon]", String::new()),
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

/// The checkout form's first step, as the browser posts it; `billing_city`
/// given asks for a separate billing address.
fn step_one(email: &str, country: &str, billing_city: Option<&str>) -> Vec<(&'static str, String)> {
    let mut form = address("unused-key-0001", email, country);
    form.remove(0);
    if let Some(city) = billing_city {
        form.extend([
            ("details[separate_billing]", "true".to_owned()),
            ("details[billing_address][name]", "Ada Payer".into()),
            ("details[billing_address][line1]", "Oudegracht 2".into()),
            ("details[billing_address][postal_code]", "3511 AB".into()),
            ("details[billing_address][city]", city.to_owned()),
            ("details[billing_address][country]", "NL".into()),
        ]);
    }
    form
}

on_both_databases!(checkout_steps_name_every_bad_field_and_quote_each_vendors_delivery, |db| async move {
    let app = spawn_app(db).await;
    let (v, _) = variant_for_sale(&app, 3, None).await;
    sf(&app, "cart/add", &[("variant_id", v.id.to_string()), ("quantity", "1".into())]).await;

    // Step 1 checks every field at once, the billing address's too.
    let (status, problem, _) = sf(&app, "checkout/quote", &step_one("not-an-email", "NL", Some(""))).await;
    assert_eq!(status, 400, "{problem}");
    let text = problem.to_string();
    assert!(text.contains("\"email\"") && text.contains("billing_address.city"), "{text}");
    let (status, problem, _) = sf(&app, "checkout/quote", &step_one("ada@example.com", "Holland", None)).await;
    assert_eq!(status, 400);
    assert!(problem.to_string().contains("shipping_address.country"), "{problem}");

    // Then the delivery: each vendor's ways to ship there, the cheapest chosen.
    let (status, quote, _) = sf(&app, "checkout/quote", &step_one("ada@example.com", "NL", Some("Utrecht"))).await;
    assert_eq!(status, 200, "{quote}");
    let part = &quote["vendors"][0];
    let codes: Vec<&str> =
        part["shipping_options"].as_array().unwrap().iter().map(|o| o["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["standard", "express"], "cheapest first: {part}");
    assert_eq!(part["shipping_method"], "standard");
    assert_eq!(quote["subtotal_minor"].as_i64(), Some(v.price_minor));

    // Choosing express for the vendor prices it in.
    let vendor_field = format!("details[shipping][{}]", part["vendor"].as_str().unwrap());
    let mut express: Vec<(&str, String)> = step_one("ada@example.com", "NL", Some("Utrecht"));
    express.push((vendor_field.as_str(), "express".into()));
    let (status, dearer, _) = sf(&app, "checkout/quote", &express).await;
    assert_eq!((status, dearer["vendors"][0]["shipping_method"].as_str()), (200, Some("express")), "{dearer}");
    let express_price = part["shipping_options"][1]["price_minor"].as_i64().unwrap();
    assert_eq!(dearer["shipping_minor"].as_i64(), Some(express_price));
    let mut unknown: Vec<(&str, String)> = step_one("ada@example.com", "NL", None);
    unknown.push((vendor_field.as_str(), "teleport".into()));
    let (status, problem, _) = sf(&app, "checkout/quote", &unknown).await;
    assert_eq!(status, 400);
    assert!(problem.to_string().contains("shipping"), "{problem}");

    // Placing with those choices costs what the quote said, billed elsewhere.
    let mut place = express.clone();
    place.push(("idempotency_key", "steps-key-000001".into()));
    let (status, placed, _) = sf(&app, "checkout/place", &place).await;
    assert_eq!(status, 200, "{placed}");
    assert_eq!(placed["total_minor"], dearer["total_minor"]);
    assert_eq!(placed["sub_orders"][0]["shipping_method"], "express");
    let stored = order::Entity::find().one(&app.shop.db).await.unwrap().unwrap();
    assert_eq!(stored.billing_address.unwrap()["city"], "Utrecht", "the billing address is kept");
});
