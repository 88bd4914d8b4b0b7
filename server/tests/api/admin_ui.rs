//! The catalog admin area: its sign-in and session, the server functions
//! behind its screens (list, bulk actions, editor, images, category tree,
//! CSV import) and the pages themselves as rendered on the server.

use crate::helpers::*;
use crate::on_both_databases;
use entities::catalog::ProductStatus;
use entities::model::{outbox, product, variant};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::{json, Value};

const TOKEN: &str = "test-admin-token-0123456789abcdef0123";

async fn admin_app(db: Db) -> TestApp {
    spawn_app_with(db, |s| s.api.admin_token = Some(TOKEN.into())).await
}

/// Signs the app's client in; returns the Set-Cookie header.
async fn sign_in(app: &TestApp) -> String {
    let response = app
        .client
        .post(app.url("/_sf/admin/sign-in"))
        .header("accept", "application/json")
        .form(&[("token", TOKEN)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.headers().get("set-cookie").expect("a session cookie").to_str().unwrap().to_owned()
}

/// Calls a JSON-encoded admin server function.
async fn call(app: &TestApp, endpoint: &str, args: Value) -> (u16, Value) {
    let response = app
        .client
        .post(app.url(&format!("/_sf/admin/{endpoint}")))
        .header("accept", "application/json")
        .json(&args)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

/// Calls a form-encoded admin server function (the default encoding).
async fn call_form(app: &TestApp, endpoint: &str, args: &[(&str, String)]) -> (u16, Value) {
    let response = app
        .client
        .post(app.url(&format!("/_sf/admin/{endpoint}")))
        .header("accept", "application/json")
        .form(args)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

async fn list(app: &TestApp, filter: Value) -> Value {
    let (status, page) = call(app, "products", json!({ "filter": filter })).await;
    assert_eq!(status, 200, "{page}");
    page
}

fn ids(page: &Value) -> Vec<i64> {
    page["rows"].as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()).collect()
}

#[tokio::test]
async fn only_the_admin_token_opens_the_admin_and_signing_out_closes_it() {
    let app = admin_app(Db::Sqlite).await;

    let (status, html) = app.get_html("/admin").await;
    assert_eq!(status, 401, "signed out, the admin answers 401");
    assert!(html.contains("data-testid=\"admin-sign-in\""), "and shows the sign-in form");
    let (status, _) = call(&app, "products", json!({ "filter": {} })).await;
    assert_eq!(status, 401, "the functions refuse anonymous callers");
    let export = app.get("/api/v1/products/export.csv").await;
    assert_eq!(export.status(), 401);

    let wrong = app
        .client
        .post(app.url("/_sf/admin/sign-in"))
        .header("accept", "application/json")
        .form(&[("token", "not-the-token-not-the-token-not-the")])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 400);
    assert!(wrong.headers().get("set-cookie").is_none(), "a wrong token gets no session");
    assert!(wrong.text().await.unwrap().contains("is not the admin token"));

    let cookie = sign_in(&app).await;
    assert!(cookie.starts_with("bazaar_admin="), "{cookie}");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=43200"] {
        assert!(cookie.contains(attribute), "{attribute} in {cookie}");
    }
    assert!(!cookie.contains(TOKEN), "the cookie carries a session id, never the token");

    let (status, html) = app.get_html("/admin").await;
    assert_eq!(status, 200);
    assert!(html.contains("products match"), "the product list renders on the server");
    let first = product::Entity::find().order_by_desc(product::Column::CreatedAt).one(&app.shop.db).await.unwrap();
    assert!(html.contains(&first.unwrap().title), "newest first");
    let export = app.get("/api/v1/products/export.csv").await;
    assert_eq!(export.status(), 200, "the REST export takes the admin session too");
    for page in ["/admin/categories", "/admin/import", "/admin/products/new", "/admin/products/1"] {
        let (status, html) = app.get_html(page).await;
        assert_eq!(status, 200, "{page}");
        assert!(html.contains("Bazaar admin"), "{page} has the admin frame");
    }
    let (status, _) = app.get_html("/admin/products/999999").await;
    assert_eq!(status, 404, "an unknown product's editor is a 404");

    let (status, _) = call_form(&app, "sign-out", &[]).await;
    assert_eq!(status, 200);
    let (status, _) = app.get_html("/admin").await;
    assert_eq!(status, 401, "signed out again");
}

#[tokio::test]
async fn a_write_from_another_site_acts_as_nobody_even_with_the_cookie() {
    let app = admin_app(Db::Sqlite).await;
    sign_in(&app).await;
    let bulk = |headers: Vec<(&'static str, String)>| {
        let mut request = app
            .client
            .post(app.url("/_sf/admin/bulk"))
            .header("accept", "application/json")
            .json(&json!({ "ids": [1], "action": { "action": "publish" } }));
        for (name, value) in headers {
            request = request.header(name, value);
        }
        request.send()
    };
    let host = app.address.trim_start_matches("http://").to_owned();

    let evil_origin = bulk(vec![("origin", "https://evil.example".into())]).await.unwrap();
    let cross_site = bulk(vec![("sec-fetch-site", "cross-site".into())]).await.unwrap();
    let same_origin =
        bulk(vec![("origin", format!("http://{host}")), ("sec-fetch-site", "same-origin".into())]).await.unwrap();

    assert_eq!(evil_origin.status(), 401);
    assert_eq!(cross_site.status(), 401);
    assert_eq!(same_origin.status(), 200, "{}", same_origin.text().await.unwrap());
}

on_both_databases!(the_list_filters_sorts_and_pages_over_every_status, |db| async move {
    let app = admin_app(db).await;
    sign_in(&app).await;
    let all = list(&app, json!({})).await;
    let total = all["total"].as_u64().unwrap();
    assert_eq!(total, TEST_PRODUCTS as u64);

    let (status, _) = call(&app, "bulk", json!({ "ids": [2, 3, 5], "action": { "action": "archive" } })).await;
    assert_eq!(status, 200);
    let archived = list(&app, json!({ "status": "archived", "sort": "id" })).await;
    assert_eq!(ids(&archived), [2, 3, 5], "archived products stay in the admin list");
    assert_eq!(archived["total"], 3);

    let v = variant::Entity::find_by_id(7).one(&app.shop.db).await.unwrap().unwrap();
    let by_sku = list(&app, json!({ "q": v.sku.to_lowercase() })).await;
    assert_eq!(ids(&by_sku), [v.product_id], "a SKU finds its product, in any case");
    let p = product::Entity::find_by_id(9).one(&app.shop.db).await.unwrap().unwrap();
    let word = p.title.split_whitespace().last().unwrap().to_uppercase();
    let by_title = list(&app, json!({ "q": word, "limit": 100 })).await;
    assert!(ids(&by_title).contains(&9), "a title word finds it: {word}");
    let nothing = list(&app, json!({ "q": "%" })).await;
    assert_eq!(nothing["total"].as_u64(), Some(total), "LIKE wildcards are only text");

    let cheap_first = list(&app, json!({ "sort": "price", "limit": 20 })).await;
    let prices: Vec<i64> =
        cheap_first["rows"].as_array().unwrap().iter().map(|r| r["price_from_minor"].as_i64().unwrap()).collect();
    assert!(prices.windows(2).all(|w| w[0] <= w[1]), "{prices:?}");

    let vendor = cheap_first["rows"][0]["vendor"].as_str().unwrap().to_owned();
    let vendors: Value = app.get("/api/v1/vendors").await.json().await.unwrap();
    let slug = vendors.as_array().unwrap().iter().find(|v| v["name"] == vendor.as_str()).unwrap()["slug"].clone();
    let of_vendor = list(&app, json!({ "vendor": slug, "limit": 100 })).await;
    assert!(of_vendor["rows"].as_array().unwrap().iter().all(|r| r["vendor"] == vendor.as_str()));

    // Every page by cursor, newest first: each product once.
    let mut seen = Vec::new();
    let mut cursor = Value::Null;
    loop {
        let page = list(&app, json!({ "limit": 37, "cursor": cursor })).await;
        seen.extend(ids(&page));
        cursor = page["next_cursor"].clone();
        if cursor.is_null() {
            break;
        }
    }
    let mut unique = seen.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!((seen.len(), unique.len()), (total as usize, total as usize));

    let (status, body) = call(&app, "products", json!({ "filter": { "status": "sold" } })).await;
    assert_eq!(status, 400);
    assert!(body.to_string().contains("status"), "{body}");
    let (status, _) = call(&app, "products", json!({ "filter": { "sort": "price", "cursor": "p1" } })).await;
    assert_eq!(status, 400, "a cursor of another sort is refused");
});

on_both_databases!(bulk_actions_change_every_chosen_product_or_none, |db| async move {
    let app = admin_app(db).await;
    sign_in(&app).await;
    let chosen = [11_i64, 12, 13];
    let before: Vec<variant::Model> = variant::Entity::find()
        .filter(variant::Column::ProductId.is_in(chosen))
        .order_by_asc(variant::Column::Id)
        .all(&app.shop.db)
        .await
        .unwrap();
    let events_before = outbox::Entity::find().count(&app.shop.db).await.unwrap();

    let (status, report) =
        call(&app, "bulk", json!({ "ids": chosen, "action": { "action": "adjust_price", "basis_points": 1050 } }))
            .await;
    assert_eq!((status, report["changed"].as_u64()), (200, Some(3)), "{report}");
    let after: Vec<variant::Model> = variant::Entity::find()
        .filter(variant::Column::ProductId.is_in(chosen))
        .order_by_asc(variant::Column::Id)
        .all(&app.shop.db)
        .await
        .unwrap();
    for (old, new) in before.iter().zip(&after) {
        let expected = (old.price_minor * 11_050 + 5_000) / 10_000;
        assert_eq!(new.price_minor, expected, "{} +10.5 %, rounded half up", old.sku);
    }
    for id in chosen {
        let p = product::Entity::find_by_id(id).one(&app.shop.db).await.unwrap().unwrap();
        let cheapest = after.iter().filter(|v| v.product_id == id).map(|v| v.price_minor).min().unwrap();
        assert_eq!(p.price_from_minor, cheapest, "the list price follows");
    }
    let events = outbox::Entity::find().count(&app.shop.db).await.unwrap();
    assert_eq!(events - events_before, 3, "one product.changed per product, for search and the cache");

    let tree: Value = app.get("/api/v1/categories").await.json().await.unwrap();
    let target = tree[1]["slug"].as_str().unwrap().to_owned();
    let (status, _) =
        call(&app, "bulk", json!({ "ids": chosen, "action": { "action": "move_to_category", "category": target } }))
            .await;
    assert_eq!(status, 200);
    let moved = list(&app, json!({ "category": target, "limit": 100 })).await;
    for id in chosen {
        assert!(ids(&moved).contains(&id), "{id} is in {target}");
    }
    let (status, _) = call(&app, "bulk", json!({ "ids": chosen, "action": { "action": "unpublish" } })).await;
    assert_eq!(status, 200);
    let drafts = list(&app, json!({ "status": "draft", "sort": "id" })).await;
    assert_eq!(ids(&drafts), chosen);

    // All or nothing: one unknown id and nobody is published.
    let (status, _) = call(&app, "bulk", json!({ "ids": [11, 999_999], "action": { "action": "publish" } })).await;
    assert_eq!(status, 404);
    let p = product::Entity::find_by_id(11).one(&app.shop.db).await.unwrap().unwrap();
    assert_eq!(p.status, ProductStatus::Draft);

    for (args, field) in [
        (json!({ "ids": [], "action": { "action": "publish" } }), "ids"),
        (json!({ "ids": [11], "action": { "action": "adjust_price", "basis_points": 0 } }), "percent"),
        (json!({ "ids": [11], "action": { "action": "adjust_price", "basis_points": -10_000 } }), "percent"),
        (json!({ "ids": [11], "action": { "action": "adjust_price", "basis_points": 100_001 } }), "percent"),
        (json!({ "ids": [11], "action": { "action": "move_to_category", "category": "nowhere" } }), "category"),
    ] {
        let (status, body) = call(&app, "bulk", args.clone()).await;
        assert_eq!(status, 400, "{args}: {body}");
        assert!(body.to_string().contains(field), "{args} names {field}: {body}");
    }
    let (status, _) =
        call(&app, "bulk", json!({ "ids": (1..=501).collect::<Vec<i64>>(), "action": { "action": "publish" } })).await;
    assert_eq!(status, 400, "at most 500 at once");
});

#[tokio::test]
async fn the_editor_functions_create_change_and_delete_a_product() {
    let app = admin_app(Db::Sqlite).await;
    sign_in(&app).await;
    let tree: Value = app.get("/api/v1/categories").await.json().await.unwrap();
    let category = tree[0]["slug"].as_str().unwrap().to_owned();
    let new = |second_sku: &str| {
        json!({ "product": {
            "vendor": null, "category": category, "title": "Admin Teak Stool", "description": "",
            "brand": "Holt", "attributes": { "Wood": "Teak" }, "status": "draft", "featured": false,
            "variants": [
                { "sku": "TEAK-S", "options": { "Size": "S" }, "price_minor": 8900, "currency": "EUR", "stock": 2, "allow_backorder": false },
                { "sku": second_sku, "options": { "Size": "L" }, "price_minor": 9900, "currency": "EUR", "stock": 1, "allow_backorder": false }
            ]
        }})
    };

    let (status, body) = call(&app, "product/create", new("bad sku!")).await;
    assert_eq!(status, 400);
    let fields: Vec<String> =
        body["Fields"].as_array().unwrap().iter().map(|f| f[0].as_str().unwrap().into()).collect();
    assert!(fields.contains(&"variants[1].sku".to_owned()), "{body}");
    assert!(fields.contains(&"vendor".to_owned()), "an admin names the vendor: {body}");

    let vendors: Value = app.get("/api/v1/vendors").await.json().await.unwrap();
    let mut good = new("TEAK-L");
    good["product"]["vendor"] = vendors[0]["slug"].clone();
    let (status, created) = call(&app, "product/create", good).await;
    assert_eq!(status, 200, "{created}");
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["variants"].as_array().unwrap().len(), 2);

    let (status, changed) =
        call(&app, "product/update", json!({ "id": id, "patch": { "title": "Admin Oak Stool", "status": "active" } }))
            .await;
    assert_eq!((status, changed["title"].as_str()), (200, Some("Admin Oak Stool")));
    let (status, added) = call(
        &app,
        "variant/add",
        json!({ "product_id": id, "variant": { "sku": "TEAK-M", "options": { "Size": "M" }, "price_minor": 9400, "currency": "EUR", "stock": 0, "allow_backorder": true } }),
    )
    .await;
    assert_eq!(status, 200, "{added}");
    let variant_id = added["id"].as_i64().unwrap();
    let (status, body) =
        call(&app, "variant/update", json!({ "id": variant_id, "patch": { "price_minor": -1 } })).await;
    assert_eq!(status, 400);
    assert!(body.to_string().contains("price_minor"), "{body}");
    let (status, _) = call(&app, "variant/update", json!({ "id": variant_id, "patch": { "price_minor": 9500 } })).await;
    assert_eq!(status, 200);
    let (status, _) = call_form(&app, "variant/delete", &[("id", variant_id.to_string())]).await;
    assert_eq!(status, 200);
    let (_, fetched) = call_form(&app, "product", &[("id", id.to_string())]).await;
    let skus: Vec<&str> = fetched["variants"].as_array().unwrap().iter().map(|v| v["sku"].as_str().unwrap()).collect();
    assert_eq!(skus, ["TEAK-S", "TEAK-L"]);

    let (status, _) = call_form(&app, "product/delete", &[("id", id.to_string())]).await;
    assert_eq!(status, 200);
    let (status, _) = call_form(&app, "product", &[("id", id.to_string())]).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn the_category_tree_comes_in_tree_order_and_changes_in_place() {
    let app = admin_app(Db::Sqlite).await;
    sign_in(&app).await;
    let (status, tree) = call_form(&app, "categories", &[]).await;
    assert_eq!(status, 200);
    let nodes = tree.as_array().unwrap();
    let mut open: Vec<String> = Vec::new();
    for n in nodes {
        let depth = n["category"]["depth"].as_u64().unwrap() as usize;
        assert!(depth <= open.len(), "a category follows its parent");
        open.truncate(depth);
        assert_eq!(n["category"]["parent"].as_str(), open.last().map(String::as_str), "{n}");
        open.push(n["category"]["slug"].as_str().unwrap().to_owned());
    }
    let counted: u64 = nodes.iter().map(|n| n["products"].as_u64().unwrap()).sum();
    assert_eq!(counted, TEST_PRODUCTS as u64, "every product counted once");

    let top = nodes[0]["category"]["slug"].as_str().unwrap().to_owned();
    let (status, created) =
        call(&app, "category/create", json!({ "category": { "name": "Garden Gnomes", "parent": top, "position": 0 } }))
            .await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(created["slug"], "garden-gnomes");
    let (status, body) =
        call(&app, "category/create", json!({ "category": { "name": "Garden Gnomes", "parent": top, "position": 0 } }))
            .await;
    assert_eq!(status, 400, "the slug is taken");
    assert!(body.to_string().contains("slug"), "{body}");
    let (status, moved) = call(
        &app,
        "category/update",
        json!({ "slug": "garden-gnomes", "patch": { "parent": null, "name": "Gnomes" } }),
    )
    .await;
    assert_eq!(status, 200, "{moved}");
    assert_eq!((moved["depth"].as_i64(), moved["name"].as_str()), (Some(0), Some("Gnomes")));
    let (status, body) = call_form(&app, "category/delete", &[("slug", top.clone())]).await;
    assert_eq!(status, 409, "a category with sub-categories stays: {body}");
    let (status, _) = call_form(&app, "category/delete", &[("slug", "garden-gnomes".into())]).await;
    assert_eq!(status, 200);
    let (_, tree) = call_form(&app, "categories", &[]).await;
    assert!(!tree.to_string().contains("garden-gnomes"));
}

fn png() -> Vec<u8> {
    let pixels = image::RgbImage::from_fn(8, 8, |x, y| image::Rgb([x as u8 * 30, y as u8 * 30, 90]));
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(pixels).write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

#[tokio::test]
async fn images_and_csv_files_upload_through_the_admin_forms() {
    let app = admin_app(Db::Sqlite).await;
    sign_in(&app).await;
    let upload = |files: Vec<(&'static str, Vec<u8>)>| {
        let mut form = reqwest::multipart::Form::new().text("product_id", "4").text("alt", "A stool from the side");
        for (name, bytes) in files {
            form = form.part("files", reqwest::multipart::Part::bytes(bytes).file_name(name));
        }
        app.client.post(app.url("/_sf/admin/images/upload")).header("accept", "application/json").multipart(form).send()
    };

    let refused = upload(vec![("notes.png", b"just some text".to_vec())]).await.unwrap();
    assert_eq!(refused.status(), 400);
    assert!(refused.text().await.unwrap().contains("files[0]"), "the bad file is named");
    let accepted = upload(vec![("stool.png", png())]).await.unwrap();
    assert_eq!(accepted.status(), 200);
    let images: Value = accepted.json().await.unwrap();
    assert_eq!(images[0]["alt"], "A stool from the side");
    assert_eq!(images[0]["status"], "pending", "processing happens off the request path");
    let mut ready = false;
    for _ in 0..100 {
        let (_, list) = call_form(&app, "images", &[("product_id", "4".into())]).await;
        ready = list[0]["status"] == "ready";
        if ready {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(ready, "the renditions were made");

    let export = app.get("/api/v1/products/export.csv").await.text().await.unwrap();
    let mut lines: Vec<String> = export.lines().take(3).map(str::to_owned).collect();
    // Line 3 gets a price that is not a number; line 2 stays good.
    let header: Vec<&str> = lines[0].split(',').collect();
    let price_at = header.iter().position(|h| *h == "price_minor").unwrap();
    let mut cells: Vec<String> = lines[2].split(',').map(str::to_owned).collect();
    cells[price_at] = "lots".into();
    lines[2] = cells.join(",");
    let csv = lines.join("\n") + "\n";
    let form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(csv.into_bytes()).file_name("products.csv"));
    let response =
        app.client.post(app.url("/_sf/admin/import")).header("accept", "application/json").multipart(form).send();
    let response = response.await.unwrap();
    assert_eq!(response.status(), 200);
    let report: Value = response.json().await.unwrap();
    assert_eq!(report["errors"].as_array().unwrap().len(), 1, "{report}");
    assert_eq!(report["errors"][0]["line"], 3);
    assert_eq!(report["variants_updated"], 1, "the good row is applied: {report}");

    let empty = reqwest::multipart::Form::new().text("other", "x");
    let response =
        app.client.post(app.url("/_sf/admin/import")).header("accept", "application/json").multipart(empty).send();
    let response = response.await.unwrap();
    assert_eq!(response.status(), 400);
    assert!(response.text().await.unwrap().contains("choose a CSV file"));
}

#[tokio::test]
async fn admins_see_payment_events_and_can_replay_one() {
    use entities::model::{payment_event, variant};
    let app = admin_app(Db::Sqlite).await;
    let v = variant::Entity::find()
        .filter(variant::Column::Stock.gte(2))
        .order_by_asc(variant::Column::Id)
        .one(&app.shop.db)
        .await
        .unwrap()
        .unwrap();
    let cart_id = uuid::Uuid::new_v4();
    entities::ordering::cart::add_item(&app.shop, cart_id, entities::VariantId::new(v.id), 1).await.unwrap();
    let input = entities::ordering::PlaceOrder {
        cart_id: cart_id.to_string(),
        email: "ada@example.com".into(),
        shipping_address: entities::kernel::Address {
            name: "Ada".into(),
            line1: "Main St 1".into(),
            line2: String::new(),
            postal_code: "1000".into(),
            city: "Town".into(),
            country: "NL".into(),
        },
        shipping: Default::default(),
        coupon: None,
        billing_address: None,
        client_ip: None,
    };
    let (order, _) = entities::ordering::placing::place_order(
        &app.shop,
        entities::kernel::access::Actor::Anonymous,
        "admin-payments-1",
        input,
    )
    .await
    .unwrap();
    let paid = app
        .client
        .post(app.url("/_sf/orders/pay-test"))
        .header("accept", "application/json")
        .form(&[("id", order.id.clone())])
        .send()
        .await
        .unwrap();
    assert_eq!(paid.status(), 200);
    let event = payment_event::Entity::find().one(&app.shop.db).await.unwrap().unwrap();

    let (status, _) = app.get_html("/admin/payments").await;
    assert_eq!(status, 401, "for admins only");
    sign_in(&app).await;
    let (status, html) = app.get_html("/admin/payments").await;
    assert_eq!(status, 200);
    assert!(
        html.contains(&event.event_id) && html.contains("the order is paid"),
        "the event and its outcome are listed"
    );
    let (status, replayed) = call_form(&app, "payment-events/replay", &[("id", event.id.to_string())]).await;
    assert_eq!(status, 200, "{replayed}");
    assert_eq!(replayed["outcome"], "already succeeded; nothing to do");
}

async fn pay_test(app: &TestApp, order: &str) {
    let (status, _) = call_form_at(app, "/_sf/orders/pay-test", &[("id", order.to_owned())]).await;
    assert_eq!(status, 200);
}

async fn call_form_at(app: &TestApp, path: &str, args: &[(&str, String)]) -> (u16, Value) {
    let response = app.client.post(app.url(path)).header("accept", "application/json").form(args).send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

#[tokio::test]
async fn admins_find_orders_release_held_ones_record_transfers_and_refund() {
    let app = spawn_app_with(Db::Sqlite, |s| {
        s.api.admin_token = Some(TOKEN.into());
        s.payments.bank_transfer.account_holder = Some("Bazaar Demo BV".into());
        s.payments.bank_transfer.iban = Some("NL91ABNA0417164300".into());
        // A staging shop: the test provider beside a real method, with a
        // webhook secret of its own.
        s.payments.test_provider = Some(true);
        s.payments.test_webhook_secret = "whsec_admin_ui_staging_0123456789".into();
    })
    .await;
    let calm = place_unpaid_order(&app, "calm@example.com", None).await;
    pay_test(&app, &calm).await;
    for _ in 0..3 {
        place_unpaid_order(&app, "fast@example.com", None).await;
    }
    let suspect = place_unpaid_order(&app, "fast@example.com", Some("US")).await;
    pay_test(&app, &suspect).await;
    let transfer = place_unpaid_order(&app, "slow@example.com", None).await;
    let r = app
        .client
        .post(app.url(&format!("/api/v1/orders/{transfer}/payments?provider=bank_transfer")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);

    let (status, _) = call(&app, "orders", json!({ "filter": {} })).await;
    assert_eq!(status, 401, "for admins only");
    sign_in(&app).await;
    let (status, page) = call(&app, "orders", json!({ "filter": {} })).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["items"].as_array().unwrap().len(), 6);
    assert_eq!(page["items"][0]["id"], transfer.as_str(), "newest first");
    let (_, held) = call(&app, "orders", json!({ "filter": { "held": true } })).await;
    let held: Vec<&str> = held["items"].as_array().unwrap().iter().map(|o| o["id"].as_str().unwrap()).collect();
    assert_eq!(held, [suspect.as_str()]);
    let (status, bad) = call(&app, "orders", json!({ "filter": { "status": "lost" } })).await;
    assert_eq!(status, 400, "{bad}");

    let (status, html) = app.get_html("/admin/orders?held=1").await;
    assert_eq!(status, 200);
    assert!(html.contains(&suspect) && !html.contains(&calm), "the filter lives in the URL");
    let (_, html) = app.get_html(&format!("/admin/orders/{suspect}")).await;
    assert!(html.contains("held for review") && html.contains("billed in US, shipped to NL"), "the reasons are shown");
    assert!(html.contains("data-testid=\"release\""));

    let (status, risk) = call_form(&app, "order/release", &[("id", suspect.clone())]).await;
    assert_eq!((status, risk["held_for_review"].as_bool()), (200, Some(false)), "{risk}");
    let (status, paid) = call_form(&app, "order/transfer-received", &[("id", transfer.clone())]).await;
    assert_eq!((status, paid["status"].as_str()), (200, Some("paid")), "{paid}");

    let (status, problem) =
        call_form(&app, "order/refund", &[("id", calm.clone()), ("amount", "1,5x".into()), ("reason", String::new())])
            .await;
    assert_eq!(status, 400, "{problem}");
    let (status, refunded) = call_form(
        &app,
        "order/refund",
        &[("id", calm.clone()), ("amount", "1.00".into()), ("reason", "scratch".into())],
    )
    .await;
    assert_eq!((status, refunded["status"].as_str()), (200, Some("partially_refunded")), "{refunded}");
    assert_eq!(refunded["payments"][0]["refunded_minor"], 100);
}
