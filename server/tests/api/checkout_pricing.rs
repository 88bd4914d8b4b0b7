//! What an order costs: shipping per vendor (flat, by weight, free over a
//! threshold; the vendor's own methods first), tax by destination included
//! or added, and coupons whose limits hold under concurrent orders.

use crate::helpers::*;
use crate::on_both_databases;
use entities::accounts::Role;
use entities::model::{coupon, order, product, shipping_method, variant};
use entities::ordering::cart;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};
use uuid::Uuid;

async fn cheap_variant(app: &TestApp, below: i64) -> variant::Model {
    variant_for_sale(app, 30, Some(below)).await.0
}

async fn cart_with(app: &TestApp, v: &variant::Model, quantity: i32) -> Uuid {
    let id = Uuid::new_v4();
    cart::add_item(&app.shop, id, entities::VariantId::new(v.id), quantity).await.unwrap();
    id
}

async fn quote(app: &TestApp, body: Value) -> (u16, Value) {
    let response = app.client.post(app.url("/api/v1/checkout/quote")).json(&body).send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

async fn add_coupon(
    app: &TestApp,
    code: &str,
    kind: &str,
    value: i64,
    max_uses: Option<i32>,
    per_customer: Option<i32>,
) {
    coupon::ActiveModel {
        code: Set(code.into()),
        kind: Set(kind.into()),
        value: Set(value),
        currency: Set(Some("EUR".into())),
        min_spend_minor: Set(0),
        max_uses: Set(max_uses),
        max_uses_per_customer: Set(per_customer),
        used_count: Set(0),
        starts_at: Set(None),
        ends_at: Set(None),
        active: Set(true),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&app.shop.db)
    .await
    .unwrap();
}

fn order_body(cart: Uuid, email: &str, coupon: Option<&str>) -> Value {
    json!({ "cart_id": cart.to_string(), "email": email, "coupon": coupon,
        "shipping_address": { "name": "Ada", "line1": "Main St 1", "postal_code": "1000", "city": "Town", "country": "DE" } })
}

on_both_databases!(shipping_is_chosen_per_vendor_and_taxed_by_destination, |db| async move {
    let app = spawn_app(db).await;
    let v = cheap_variant(&app, 2_000).await;
    let cart_id = cart_with(&app, &v, 1).await;

    let (status, q) = quote(&app, json!({ "cart_id": cart_id.to_string(), "country": "nl" })).await;
    assert_eq!(status, 200, "{q}");
    let part = &q["vendors"][0];
    let options: Vec<(&str, i64)> = part["shipping_options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["code"].as_str().unwrap(), o["price_minor"].as_i64().unwrap()))
        .collect();
    let express = 995 + 200 * ((i64::from(v.weight_grams) + 999) / 1_000);
    assert_eq!(options, [("standard", 495), ("express", express)], "flat, and by the started kilogram");
    assert_eq!(part["shipping_method"], "standard", "the cheapest unless chosen");
    let total = v.price_minor + 495;
    assert_eq!(q["total_minor"], total);
    assert_eq!(q["tax_minor"], (total * 2_100 + 6_050) / 12_100, "21 % Dutch VAT inside the total");

    let vendor = part["vendor"].as_str().unwrap().to_owned();
    let body = json!({ "cart_id": cart_id.to_string(), "country": "US", "shipping": { vendor.clone(): "express" } });
    let (_, us) = quote(&app, body).await;
    assert_eq!(us["vendors"][0]["shipping_minor"], express, "the chosen method");
    assert_eq!((us["tax_minor"].as_i64(), us["tax_name"].as_str()), (Some(0), Some("No sales tax collected")));

    // A vendor with its own method uses it instead of the shop's, where it ships.
    let vendor_id = product::Entity::find_by_id(v.product_id).one(&app.shop.db).await.unwrap().unwrap().vendor_id;
    shipping_method::ActiveModel {
        vendor_id: Set(Some(vendor_id)),
        code: Set("local".into()),
        name: Set("Local courier".into()),
        kind: Set("flat".into()),
        base_minor: Set(300),
        per_kg_minor: Set(0),
        free_over_minor: Set(Some(1)),
        currency: Set("EUR".into()),
        countries: Set(json!(["NL"])),
        position: Set(0),
        ..Default::default()
    }
    .insert(&app.shop.db)
    .await
    .unwrap();
    let (_, local) = quote(&app, json!({ "cart_id": cart_id.to_string(), "country": "NL" })).await;
    assert_eq!(local["vendors"][0]["shipping_options"].as_array().unwrap().len(), 1);
    assert_eq!(local["vendors"][0]["shipping_minor"], 0, "free over its threshold");
    let (status, problem) = quote(&app, json!({ "cart_id": cart_id.to_string(), "country": "DE" })).await;
    assert_eq!(status, 400, "the vendor ships only to NL: {problem}");
    assert_eq!(problem["errors"][0]["field"], "shipping");

    let (status, _) = quote(&app, json!({ "cart_id": cart_id.to_string(), "country": "Germany" })).await;
    assert_eq!(status, 400);
    let (status, _) = quote(&app, json!({ "cart_id": Uuid::new_v4().to_string(), "country": "NL" })).await;
    assert_eq!(status, 400, "an empty cart has no quote");
});

#[tokio::test]
async fn prices_can_exclude_tax_and_then_it_is_added() {
    let app = spawn_app_with(Db::Sqlite, |s| s.checkout.prices_include_tax = false).await;
    let v = cheap_variant(&app, 2_000).await;
    let cart_id = cart_with(&app, &v, 1).await;
    let (_, q) = quote(&app, json!({ "cart_id": cart_id.to_string(), "country": "DE" })).await;
    let net = v.price_minor + 495;
    let tax = (net * 1_900 + 5_000) / 10_000;
    assert_eq!((q["tax_minor"].as_i64(), q["total_minor"].as_i64()), (Some(tax), Some(net + tax)));
    assert_eq!(q["tax_included"], false);
}

on_both_databases!(coupons_discount_and_their_limits_hold, |db| async move {
    let app = spawn_app(db).await;
    let v = cheap_variant(&app, 2_000).await;
    add_coupon(&app, "TENOFF", "percent", 1_000, None, None).await;
    add_coupon(&app, "SHIPFREE", "free_shipping", 0, None, Some(1)).await;
    add_coupon(&app, "FIVE", "fixed", 500, Some(5), None).await;
    let cart_id = cart_with(&app, &v, 2).await;

    let (_, q) = quote(&app, json!({ "cart_id": cart_id.to_string(), "country": "NL", "coupon": "tenoff" })).await;
    let subtotal = v.price_minor * 2;
    let shipping = if subtotal >= 5_000 { 0 } else { 495 };
    let off = (subtotal * 1_000 + 5_000) / 10_000;
    assert_eq!((q["discount_minor"].as_i64(), q["coupon"].as_str()), (Some(off), Some("TENOFF")));
    assert_eq!(q["total_minor"], subtotal + shipping - off);
    let (status, bad) = quote(&app, json!({ "cart_id": cart_id.to_string(), "country": "NL", "coupon": "NOPE" })).await;
    assert_eq!(status, 400);
    assert_eq!(bad["errors"][0]["field"], "coupon");

    // Free shipping, once per customer.
    let place = |cart: Uuid, email: &'static str, coupon: Option<&'static str>| {
        let app = &app;
        async move {
            let response = app
                .client
                .post(app.url("/api/v1/orders"))
                .header("idempotency-key", Uuid::new_v4().to_string())
                .json(&order_body(cart, email, coupon))
                .send()
                .await
                .unwrap();
            (response.status().as_u16(), response.json::<Value>().await.unwrap())
        }
    };
    let (status, first) = place(cart_id, "ada@example.com", Some("shipfree")).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(first["discount_minor"], first["shipping_minor"]);
    assert_eq!(first["coupon"], "SHIPFREE");
    let (status, again) = place(cart_with(&app, &v, 1).await, "ada@example.com", Some("SHIPFREE")).await;
    assert_eq!(status, 400, "once per customer: {again}");
    let (status, _) = place(cart_with(&app, &v, 1).await, "bob@example.com", Some("SHIPFREE")).await;
    assert_eq!(status, 201, "another customer may");

    // Five uses in all, however many orders race for them.
    let mut carts = Vec::new();
    for _ in 0..12 {
        carts.push(cart_with(&app, &v, 1).await);
    }
    let results = futures::future::join_all(carts.iter().map(|c| place(*c, "crowd@example.com", Some("FIVE")))).await;
    let won = results.iter().filter(|(s, _)| *s == 201).count();
    let used_up = results.iter().filter(|(s, b)| *s == 400 && b.to_string().contains("used up")).count();
    assert_eq!((won, used_up), (5, 7), "{:?}", results.iter().map(|r| r.0).collect::<Vec<_>>());
    let five = coupon::Entity::find().filter(coupon::Column::Code.eq("FIVE")).one(&app.shop.db).await.unwrap().unwrap();
    assert_eq!(five.used_count, 5);
    let with_five =
        order::Entity::find().filter(order::Column::CouponCode.eq("FIVE")).count(&app.shop.db).await.unwrap();
    assert_eq!(with_five, 5, "a refused coupon places no order and holds no stock");
});

on_both_databases!(admins_make_coupons_that_checkout_takes_and_switch_them_off, |db| async move {
    const TOKEN: &str = "test-admin-token-0123456789abcdef0123";
    let app = spawn_app_with(db, |s| s.api.admin_token = Some(TOKEN.into())).await;
    let call = |method: reqwest::Method, path: &str, body: Option<Value>| {
        let mut request = app.client.request(method, app.url(path)).bearer_auth(TOKEN);
        if let Some(body) = body {
            request = request.json(&body);
        }
        async move {
            let response = request.send().await.unwrap();
            (response.status().as_u16(), response.json::<Value>().await.unwrap_or(Value::Null))
        }
    };

    // Every bad field at once; nothing is made.
    let (status, problem) = call(
        reqwest::Method::POST,
        "/api/v1/coupons",
        Some(json!({ "code": "x", "kind": "fixed", "value": 0, "max_uses": 0, "ends_at": "2020-01-01T00:00:00Z" })),
    )
    .await;
    assert_eq!(status, 400, "{problem}");
    let fields: Vec<&str> =
        problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["code", "value", "currency", "max_uses", "ends_at"], "{problem}");
    assert_eq!(coupon::Entity::find().count(&app.shop.db).await.unwrap(), 0);

    // A 15 % coupon, made over the API, is what checkout takes.
    let (status, made) = call(
        reqwest::Method::POST,
        "/api/v1/coupons",
        Some(json!({ "code": " spring-15 ", "kind": "percent", "value": 1_500, "max_uses": 100 })),
    )
    .await;
    assert_eq!(status, 201, "{made}");
    assert_eq!((made["code"].as_str(), made["active"].as_bool()), (Some("SPRING-15"), Some(true)));
    let (status, problem) =
        call(reqwest::Method::POST, "/api/v1/coupons", Some(json!({ "code": "SPRING-15", "kind": "free_shipping" })))
            .await;
    assert_eq!((status, problem["errors"][0]["field"].as_str()), (400, Some("code")), "codes are unique");
    let v = cheap_variant(&app, 2_000).await;
    let cart_id = cart_with(&app, &v, 2).await;
    let body = json!({ "cart_id": cart_id.to_string(), "country": "NL", "coupon": "spring-15" });
    let (status, q) = quote(&app, body.clone()).await;
    assert_eq!(status, 200, "{q}");
    assert_eq!(q["discount_minor"].as_i64(), Some((v.price_minor * 2 * 1_500 + 5_000) / 10_000));

    // Listed with its uses; the total limit cannot go below one.
    let (status, list) = call(reqwest::Method::GET, "/api/v1/coupons", None).await;
    assert_eq!((status, list[0]["code"].as_str(), list[0]["used_count"].as_i64()), (200, Some("SPRING-15"), Some(0)));
    let id = made["id"].as_i64().unwrap();
    let path = format!("/api/v1/coupons/{id}");
    let (status, problem) = call(reqwest::Method::PATCH, &path, Some(json!({ "max_uses": 0 }))).await;
    assert_eq!((status, problem["errors"][0]["field"].as_str()), (400, Some("max_uses")), "{problem}");

    // Switched off, checkout refuses it; on again, it takes it.
    let (status, off) = call(reqwest::Method::PATCH, &path, Some(json!({ "active": false }))).await;
    assert_eq!((status, off["active"].as_bool()), (200, Some(false)));
    let (status, refused) = quote(&app, body.clone()).await;
    assert_eq!((status, refused["errors"][0]["field"].as_str()), (400, Some("coupon")), "{refused}");
    call(reqwest::Method::PATCH, &path, Some(json!({ "active": true }))).await;
    assert_eq!(quote(&app, body).await.0, 200);
    let (status, _) = call(reqwest::Method::PATCH, "/api/v1/coupons/999999", Some(json!({ "active": false }))).await;
    assert_eq!(status, 404);

    // Only admins: vendors and support are refused, anonymous callers too.
    let p = product::Entity::find_by_id(v.product_id).one(&app.shop.db).await.unwrap().unwrap();
    crate::accounts::account(&app, "seller@example.com", Role::VendorStaff, Some(p.vendor_id)).await;
    crate::accounts::account(&app, "helper@example.com", Role::Support, None).await;
    for who in ["seller@example.com", "helper@example.com"] {
        let client = crate::accounts::signed_in_client(&app, who).await;
        let status = client.get(app.url("/api/v1/coupons")).send().await.unwrap().status().as_u16();
        assert_eq!(status, 403, "{who}");
    }
    let status = new_client().get(app.url("/api/v1/coupons")).send().await.unwrap().status().as_u16();
    assert_eq!(status, 401);
    let logged =
        entities::kernel::audit::entries(&app.shop.db, entities::kernel::access::Actor::API_TOKEN, None).await.unwrap();
    assert!(logged.iter().any(|e| e.action == "coupon.created"), "made and changed coupons are audited");
});

on_both_databases!(staff_keep_the_ways_to_ship_and_admins_the_tax_rates, |db| async move {
    const TOKEN: &str = "test-admin-token-0123456789abcdef0123";
    let app = spawn_app_with(db, |s| s.api.admin_token = Some(TOKEN.into())).await;
    let send = |request: reqwest::RequestBuilder| async move {
        let response = request.send().await.unwrap();
        (response.status().as_u16(), response.json::<Value>().await.unwrap_or(Value::Null))
    };
    let admin = |method: reqwest::Method, path: &str| app.client.request(method, app.url(path)).bearer_auth(TOKEN);
    let v = cheap_variant(&app, 2_000).await;
    let cart_id = cart_with(&app, &v, 1).await;
    let codes = |q: &Value| -> Vec<String> {
        q["vendors"][0]["shipping_options"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["code"].as_str().unwrap().to_owned())
            .collect()
    };
    let to = |country: &str| json!({ "cart_id": cart_id.to_string(), "country": country });

    // Every bad field at once.
    let (status, problem) = send(admin(reqwest::Method::POST, "/api/v1/shipping-methods").json(&json!({
        "code": "Pick Up!", "name": "", "kind": "drone", "base_minor": -1, "currency": "XYZ", "countries": ["Holland"]
    })))
    .await;
    assert_eq!(status, 400, "{problem}");
    let fields: Vec<&str> =
        problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["code", "name", "kind", "base_minor", "currency", "countries"]);

    // The shop's own pickup, free, to the Netherlands only: offered there, cheapest.
    let pickup = json!({ "code": "pickup", "name": "Pick up in Amsterdam", "kind": "flat", "base_minor": 0,
        "currency": "EUR", "countries": ["nl"], "position": 5 });
    let (status, made) = send(admin(reqwest::Method::POST, "/api/v1/shipping-methods").json(&pickup)).await;
    assert_eq!(status, 201, "{made}");
    assert_eq!((made["vendor"].clone(), made["countries"].clone()), (Value::Null, json!(["NL"])));
    let (status, problem) = send(admin(reqwest::Method::POST, "/api/v1/shipping-methods").json(&pickup)).await;
    assert_eq!((status, problem["errors"][0]["field"].as_str()), (400, Some("code")), "codes are unique per owner");
    let (_, nl) = quote(&app, to("NL")).await;
    assert_eq!(codes(&nl), ["pickup", "standard", "express"], "{nl}");
    let (_, de) = quote(&app, to("DE")).await;
    assert_eq!(codes(&de), ["standard", "express"], "not offered in Germany");

    // A vendor's staff keep their own vendor's methods; the vendor then ships only by them.
    let p = product::Entity::find_by_id(v.product_id).one(&app.shop.db).await.unwrap().unwrap();
    crate::accounts::account(&app, "shipper@example.com", Role::VendorStaff, Some(p.vendor_id)).await;
    let staff = crate::accounts::signed_in_client(&app, "shipper@example.com").await;
    let courier = json!({ "code": "courier", "name": "Bike courier", "kind": "weight", "base_minor": 700,
        "per_kg_minor": 100, "currency": "EUR" });
    let (status, own) = send(staff.post(app.url("/api/v1/shipping-methods")).json(&courier)).await;
    assert_eq!(status, 201, "{own}");
    assert!(own["vendor"].is_string(), "made as the vendor's own: {own}");
    let (_, nl) = quote(&app, to("NL")).await;
    assert_eq!(codes(&nl), ["courier"], "the vendor's own methods replace the shop's");
    let (status, list) = send(staff.get(app.url("/api/v1/shipping-methods"))).await;
    assert_eq!(status, 200);
    assert_eq!(list.as_array().unwrap().len(), 4, "the shop's three and its own: {list}");
    let shop_method = format!("/api/v1/shipping-methods/{}", made["id"]);
    assert_eq!(send(staff.put(app.url(&shop_method)).json(&courier)).await.0, 403, "not the shop's methods");
    assert_eq!(send(staff.delete(app.url(&shop_method))).await.0, 403);
    let other_vendor = entities::model::vendor::Entity::find()
        .filter(entities::model::vendor::Column::Id.ne(p.vendor_id))
        .one(&app.shop.db)
        .await
        .unwrap()
        .unwrap();
    let mut theirs = courier.clone();
    theirs["vendor"] = json!(other_vendor.slug);
    assert_eq!(
        send(staff.post(app.url("/api/v1/shipping-methods")).json(&theirs)).await.0,
        404,
        "nor another vendor's"
    );

    // Replaced and deleted: the shop's methods apply again.
    let own_path = format!("/api/v1/shipping-methods/{}", own["id"]);
    let mut dearer = courier.clone();
    dearer["base_minor"] = json!(900);
    let (status, replaced) = send(staff.put(app.url(&own_path)).json(&dearer)).await;
    assert_eq!((status, replaced["base_minor"].as_i64()), (200, Some(900)), "{replaced}");
    assert_eq!(send(staff.delete(app.url(&own_path))).await.0, 204);
    assert_eq!(send(staff.delete(app.url(&own_path))).await.0, 404);
    let (_, nl) = quote(&app, to("NL")).await;
    assert_eq!(codes(&nl), ["pickup", "standard", "express"]);

    // Tax rates: set, used by quotes, removed (then 0), admins only.
    let (status, problem) =
        send(admin(reqwest::Method::PUT, "/api/v1/tax-rates/Holland").json(&json!({ "rate_bps": 20_000, "name": "" })))
            .await;
    assert_eq!(status, 400);
    let fields: Vec<&str> =
        problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["country", "rate_bps", "name"]);
    let (status, set) = send(
        admin(reqwest::Method::PUT, "/api/v1/tax-rates/nl").json(&json!({ "rate_bps": 900, "name": "Reduced VAT" })),
    )
    .await;
    assert_eq!((status, set["country"].as_str(), set["rate_bps"].as_i64()), (200, Some("NL"), Some(900)), "{set}");
    let (_, nl) = quote(&app, to("NL")).await;
    assert_eq!((nl["tax_rate_bps"].as_i64(), nl["tax_name"].as_str()), (Some(900), Some("Reduced VAT")));
    let (status, rates) = send(admin(reqwest::Method::GET, "/api/v1/tax-rates")).await;
    assert_eq!(status, 200);
    assert!(rates.as_array().unwrap().iter().any(|r| r["country"] == "NL" && r["rate_bps"] == 900));
    assert_eq!(
        send(staff.put(app.url("/api/v1/tax-rates/NL")).json(&json!({ "rate_bps": 0, "name": "x" }))).await.0,
        403
    );
    assert_eq!(send(admin(reqwest::Method::DELETE, "/api/v1/tax-rates/NL")).await.0, 204);
    assert_eq!(send(admin(reqwest::Method::DELETE, "/api/v1/tax-rates/NL")).await.0, 404);
    let (_, nl) = quote(&app, to("NL")).await;
    assert_eq!(nl["tax_minor"], 0, "no rate: no tax");
});
