//! Creating, changing and deleting products, variants, categories and
//! vendors through the REST API, and the changes reaching reads and search.

use crate::helpers::*;
use crate::on_both_databases;
use sea_orm::EntityTrait;
use serde_json::{json, Value};
use std::time::Duration;

const TOKEN: &str = "test-admin-token-0123456789abcdef0123";

/// Sends a request with the admin token (or none) and returns status and JSON body.
async fn call(app: &TestApp, method: &str, path: &str, token: Option<&str>, body: Option<Value>) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = app.client.request(method, app.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn admin(app: &TestApp, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    call(app, method, path, Some(TOKEN), body).await
}

async fn admin_app(db: Db) -> TestApp {
    spawn_app_with(db, |s| s.api.admin_token = Some(TOKEN.into())).await
}

/// Polls `probe` until it returns true, for up to 5 s (the outbox relay and
/// its consumers run asynchronously); returns whether it did.
async fn eventually<F, Fut>(mut probe: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..100 {
        if probe().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

/// A field of product `id`'s card as the storefront API shows it.
async fn card_field(app: &TestApp, id: i64, field: &str) -> Value {
    let product: Value = app.get(&format!("/api/v1/products/{id}")).await.json().await.unwrap();
    product["card"][field].clone()
}

fn new_product(title: &str, skus: &[(&str, i64)]) -> Value {
    json!({
        "vendor": "northwind-outfitters",
        "category": "women",
        "title": title,
        "description": "Made for a test.",
        "brand": "Testbrand",
        "attributes": { "Material": "Felt" },
        "variants": skus.iter().map(|(sku, price)| json!({
            "sku": sku, "price_minor": price, "currency": "EUR", "stock": 5, "options": { "Size": sku }
        })).collect::<Vec<_>>(),
    })
}

/// A vendor and a category slug that exist in the seed.
async fn seeded_vendor_and_category(app: &TestApp) -> (String, String) {
    let vendors: Value = app.get("/api/v1/vendors").await.json().await.unwrap();
    let tree: Value = app.get("/api/v1/categories").await.json().await.unwrap();
    (vendors[0]["slug"].as_str().unwrap().to_owned(), tree[0]["slug"].as_str().unwrap().to_owned())
}

fn with_seeded(mut product: Value, vendor: &str, category: &str) -> Value {
    product["vendor"] = json!(vendor);
    product["category"] = json!(category);
    product
}

on_both_databases!(a_product_is_created_as_a_draft_published_and_found, |db| async move {
    let app = admin_app(db).await;
    let (vendor, category) = seeded_vendor_and_category(&app).await;
    let body =
        with_seeded(new_product("Quixotic Felt Zeppelin", &[("ZEP-S", 2500), ("ZEP-L", 1900)]), &vendor, &category);

    let response = app.client.post(app.url("/api/v1/products")).bearer_auth(TOKEN).json(&body).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let created: Value = response.json().await.unwrap();
    let id = created["id"].as_i64().unwrap();

    assert_eq!(location, format!("/api/v1/products/{id}"));
    assert_eq!(created["status"], "draft");
    assert_eq!(created["slug"], "quixotic-felt-zeppelin");
    assert_eq!(created["vendor"], vendor.as_str());
    assert_eq!(created["variants"].as_array().unwrap().len(), 2);
    assert_eq!(created["variants"][0]["sku"], "ZEP-S");
    assert_eq!(created["attributes"]["Material"], "Felt");
    // A draft is not for sale: hidden from shoppers, visible to its editor.
    assert_eq!(app.get(&format!("/api/v1/products/{id}")).await.status(), 404);
    let (status, draft) = admin(&app, "GET", &format!("/api/v1/products/{id}/edit"), None).await;
    assert_eq!((status, draft["title"].as_str()), (200, Some("Quixotic Felt Zeppelin")));

    let (status, _) = admin(&app, "PATCH", &format!("/api/v1/products/{id}"), Some(json!({"status": "active"}))).await;
    assert_eq!(status, 200);
    let product: Value = app.get(&format!("/api/v1/products/{id}")).await.json().await.unwrap();
    assert_eq!(product["card"]["price_from"]["minor"], 1900, "the cheapest variant's price");
    let hits = search_until_found(&app, "zeppelin").await;
    assert_eq!(hits.iter().map(|h| h.id).collect::<Vec<_>>(), vec![id], "the outbox carried it to search");

    // A second product with the same title gets its own slug.
    let (status, twin) = admin(&app, "POST", "/api/v1/products", Some(body)).await;
    assert_eq!(status, 400, "its SKUs are taken: {twin}");
    let other = with_seeded(new_product("Quixotic Felt Zeppelin", &[("ZEP-XL", 3000)]), &vendor, &category);
    let (status, twin) = admin(&app, "POST", "/api/v1/products", Some(other)).await;
    assert_eq!((status, twin["slug"].as_str()), (201, Some("quixotic-felt-zeppelin-2")));
});

on_both_databases!(a_bad_product_gets_every_field_error_at_once, |db| async move {
    let app = admin_app(db).await;
    let (vendor, category) = seeded_vendor_and_category(&app).await;
    let seeded: Value = app.get("/api/v1/products/1").await.json().await.unwrap();
    let taken_sku = seeded["variants"][0]["sku"].as_str().unwrap().to_owned();
    let body = json!({
        "vendor": "no-such-vendor",
        "category": "no-such-category",
        "title": "  ",
        "brand": "Fine",
        "variants": [
            { "sku": "OK-1", "price_minor": 100, "currency": "EUR" },
            { "sku": "ok-1", "price_minor": -5, "currency": "USD" },
            { "sku": taken_sku, "price_minor": 100, "currency": "EUR", "stock": -1 },
        ],
    });

    let (status, problem) = admin(&app, "POST", "/api/v1/products", Some(body)).await;

    assert_eq!(status, 400, "{problem}");
    let fields: Vec<&str> =
        problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    for expected in [
        "title",
        "variants[1].price_minor",
        "variants",
        "variants[1].sku",
        "vendor",
        "category",
        "variants[2].stock",
        "variants[2].sku",
    ] {
        assert!(fields.contains(&expected), "{expected} missing from {fields:?}");
    }
    let (status, problem) = admin(
        &app,
        "POST",
        "/api/v1/products",
        Some(json!({"vendor": vendor, "category": category, "title": "T", "brand": "B", "variants": []})),
    )
    .await;
    assert_eq!((status, problem["errors"][0]["field"].as_str()), (400, Some("variants")));
    let (status, problem) = admin(&app, "POST", "/api/v1/products", Some(json!({"title": 3}))).await;
    assert_eq!((status, problem["errors"][0]["field"].as_str()), (400, Some("body")));
    let listed: Value = app.get("/api/v1/products?limit=100&sort=newest").await.json().await.unwrap();
    assert!(listed["items"].as_array().unwrap().iter().all(|p| p["brand"] != "Fine"), "nothing was created");
});

on_both_databases!(variants_are_added_changed_and_deleted_with_the_price_following, |db| async move {
    let app = admin_app(db).await;
    let (vendor, category) = seeded_vendor_and_category(&app).await;
    let mut body = with_seeded(new_product("Variant Test Lamp", &[("LAMP-A", 5000)]), &vendor, &category);
    body["status"] = json!("active");
    let (_, created) = admin(&app, "POST", "/api/v1/products", Some(body)).await;
    let id = created["id"].as_i64().unwrap();
    let first = created["variants"][0]["id"].as_i64().unwrap();

    let (status, added) = admin(
        &app,
        "POST",
        &format!("/api/v1/products/{id}/variants"),
        Some(json!({"sku": "lamp-b", "price_minor": 3000, "currency": "EUR", "stock": 2, "weight_grams": 1250})),
    )
    .await;
    assert_eq!((status, added["sku"].as_str()), (201, Some("LAMP-B")), "{added}");
    assert_eq!(added["weight_grams"], 1250);
    let second = added["id"].as_i64().unwrap();
    assert!(
        eventually(|| async { card_field(&app, id, "price_from").await["minor"].as_i64() == Some(3000) }).await,
        "a cheaper variant lowers the price"
    );

    let (status, changed) =
        admin(&app, "PATCH", &format!("/api/v1/variants/{second}"), Some(json!({"price_minor": 7000}))).await;
    assert_eq!((status, changed["price_minor"].as_i64()), (200, Some(7000)));
    assert_eq!(changed["weight_grams"], 1250, "a patch without a weight keeps it");
    let (status, changed) =
        admin(&app, "PATCH", &format!("/api/v1/variants/{second}"), Some(json!({"weight_grams": 300}))).await;
    assert_eq!((status, changed["weight_grams"].as_i64()), (200, Some(300)));
    let stored = entities::model::variant::Entity::find_by_id(second).one(&app.shop.db).await.unwrap().unwrap();
    assert_eq!(stored.weight_grams, 300, "what shipping by weight reads");
    let (status, problem) =
        admin(&app, "PATCH", &format!("/api/v1/variants/{second}"), Some(json!({"weight_grams": -1}))).await;
    assert_eq!((status, problem["errors"][0]["field"].as_str()), (400, Some("weight_grams")), "{problem}");
    assert!(
        eventually(|| async { card_field(&app, id, "price_from").await["minor"].as_i64() == Some(5000) }).await,
        "the price follows the change"
    );

    let (status, problem) = admin(
        &app,
        "POST",
        &format!("/api/v1/products/{id}/variants"),
        Some(json!({"sku": "LAMP-C", "price_minor": 1, "currency": "USD"})),
    )
    .await;
    assert_eq!((status, problem["errors"][0]["field"].as_str()), (400, Some("currency")));
    let (status, problem) =
        admin(&app, "PATCH", &format!("/api/v1/variants/{second}"), Some(json!({"sku": "LAMP-A"}))).await;
    assert_eq!((status, problem["errors"][0]["field"].as_str()), (400, Some("sku")), "SKUs stay unique");

    let (status, _) = admin(&app, "DELETE", &format!("/api/v1/variants/{first}"), None).await;
    assert_eq!(status, 204);
    assert!(eventually(|| async { card_field(&app, id, "price_from").await["minor"].as_i64() == Some(7000) }).await);
    let (status, problem) = admin(&app, "DELETE", &format!("/api/v1/variants/{second}"), None).await;
    assert_eq!(status, 409, "the last variant stays: {problem}");
    let (status, _) = admin(&app, "DELETE", "/api/v1/variants/999999", None).await;
    assert_eq!(status, 404);
});

on_both_databases!(a_deleted_product_leaves_reads_search_and_carts, |db| async move {
    let app = admin_app(db).await;
    let product: Value = app.get("/api/v1/products/3").await.json().await.unwrap();
    let variant = product["variants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["stock"].as_i64() > Some(0))
        .expect("product 3 has a variant in stock")["id"]
        .as_i64()
        .unwrap();
    let word = product["card"]["title"].as_str().unwrap().split(' ').next_back().unwrap().to_lowercase();
    let added = app
        .client
        .post(app.url("/_sf/cart/add"))
        .form(&[("variant_id", variant.to_string()), ("quantity", "1".into())])
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert!(added.status().is_success() || added.status().is_redirection(), "{}", added.status());

    let (status, _) = admin(&app, "DELETE", "/api/v1/products/3", None).await;

    assert_eq!(status, 204);
    assert!(eventually(|| async { app.get("/api/v1/products/3").await.status() == 404 }).await);
    let (status, _) = admin(&app, "DELETE", "/api/v1/products/3", None).await;
    assert_eq!(status, 404, "gone");
    assert!(
        eventually(|| async {
            let query = entities::ports::SearchQuery { text: word.clone(), limit: 1000, ..Default::default() };
            app.shop.search.search(&query).await.unwrap().hits.iter().all(|h| h.id != 3)
        })
        .await,
        "search dropped it"
    );
    let summary: Value = app
        .client
        .post(app.url("/_sf/cart/summary"))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap_or(Value::Null);
    assert_eq!(summary["item_count"], 0, "its cart line went with it: {summary}");
});

on_both_databases!(categories_are_created_moved_renamed_and_deleted, |db| async move {
    let app = admin_app(db).await;
    let (status, top) = admin(&app, "POST", "/api/v1/categories", Some(json!({"name": "Zen Garden Supplies"}))).await;
    assert_eq!(
        (status, top["slug"].as_str(), top["depth"].as_i64()),
        (201, Some("zen-garden-supplies"), Some(0)),
        "{top}"
    );
    let (status, child) = admin(
        &app,
        "POST",
        "/api/v1/categories",
        Some(json!({"name": "Bonsai Seeds", "parent": "zen-garden-supplies"})),
    )
    .await;
    assert_eq!(
        (status, child["parent"].as_str(), child["depth"].as_i64()),
        (201, Some("zen-garden-supplies"), Some(1))
    );
    let (status, leaf) =
        admin(&app, "POST", "/api/v1/categories", Some(json!({"name": "Juniper Seeds", "parent": "bonsai-seeds"})))
            .await;
    assert_eq!((status, leaf["depth"].as_i64()), (201, Some(2)));
    let (status, problem) =
        admin(&app, "POST", "/api/v1/categories", Some(json!({"name": "Zen Garden Supplies"}))).await;
    assert_eq!((status, problem["errors"][0]["field"].as_str()), (400, Some("slug")), "slugs are unique");

    // Moving "bonsai-seeds" to the top level carries "juniper-seeds" along.
    let (status, moved) = admin(&app, "PATCH", "/api/v1/categories/bonsai-seeds", Some(json!({"parent": null}))).await;
    assert_eq!((status, moved["depth"].as_i64(), moved["parent"].clone()), (200, Some(0), Value::Null));
    let tree: Value = app.get("/api/v1/categories").await.json().await.unwrap();
    let seeds = tree.as_array().unwrap().iter().find(|c| c["slug"] == "bonsai-seeds").expect("bonsai-seeds at the top");
    assert_eq!(seeds["children"][0]["slug"], "juniper-seeds");
    let (status, problem) =
        admin(&app, "PATCH", "/api/v1/categories/bonsai-seeds", Some(json!({"parent": "juniper-seeds"}))).await;
    assert_eq!((status, problem["errors"][0]["field"].as_str()), (400, Some("parent")), "no cycles");

    // A product in the leaf keeps the subtree listing right after the move.
    let (vendor, _) = seeded_vendor_and_category(&app).await;
    let mut body = with_seeded(new_product("Heirloom Tomato Packet", &[("TOM-1", 350)]), &vendor, "juniper-seeds");
    body["status"] = json!("active");
    let (status, product) = admin(&app, "POST", "/api/v1/products", Some(body)).await;
    assert_eq!(status, 201, "{product}");
    let listed: Value = app.get("/api/v1/products?category=bonsai-seeds").await.json().await.unwrap();
    assert_eq!(listed["items"][0]["id"], product["id"]);

    let (status, renamed) =
        admin(&app, "PATCH", "/api/v1/categories/bonsai-seeds", Some(json!({"name": "Quillwort & Bonsai"}))).await;
    assert_eq!((status, renamed["name"].as_str()), (200, Some("Quillwort & Bonsai")));
    assert!(
        eventually(|| async { app.get_html("/c/bonsai-seeds").await.1.contains("Quillwort &amp; Bonsai") }).await,
        "the cached category page follows the rename"
    );
    let hits = search_until_found(&app, "quillwort").await;
    assert_eq!(hits.first().map(|h| h.id), product["id"].as_i64(), "search re-indexed the category's products");

    let (status, _) = admin(&app, "DELETE", "/api/v1/categories/bonsai-seeds", None).await;
    assert_eq!(status, 409, "it has a sub-category");
    let (status, _) = admin(&app, "DELETE", "/api/v1/categories/juniper-seeds", None).await;
    assert_eq!(status, 409, "it has a product");
    let (status, _) = admin(&app, "DELETE", "/api/v1/categories/zen-garden-supplies", None).await;
    assert_eq!(status, 204, "empty now");
    let (status, _) = admin(&app, "DELETE", "/api/v1/categories/zen-garden-supplies", None).await;
    assert_eq!(status, 404);
});

on_both_databases!(vendors_are_created_renamed_and_deleted, |db| async move {
    let app = admin_app(db).await;
    let (status, vendor) = admin(
        &app,
        "POST",
        "/api/v1/vendors",
        Some(json!({"name": "Fjord Ceramics", "description": "Bowls.", "commission_bps": 1250})),
    )
    .await;
    assert_eq!(
        (status, vendor["slug"].as_str(), vendor["commission_bps"].as_i64()),
        (201, Some("fjord-ceramics"), Some(1250))
    );
    let (status, problem) =
        admin(&app, "POST", "/api/v1/vendors", Some(json!({"name": "X", "commission_bps": 20000}))).await;
    assert_eq!((status, problem["errors"][0]["field"].as_str()), (400, Some("commission_bps")));

    let (_, category) = seeded_vendor_and_category(&app).await;
    let mut body = with_seeded(new_product("Glazed Fjord Bowl", &[("FJ-1", 2400)]), "fjord-ceramics", &category);
    body["status"] = json!("active");
    let (_, product) = admin(&app, "POST", "/api/v1/products", Some(body)).await;
    let id = product["id"].as_i64().unwrap();
    assert_eq!(card_field(&app, id, "vendor_name").await.as_str(), Some("Fjord Ceramics"), "fills the cache");

    let (status, _) =
        admin(&app, "PATCH", "/api/v1/vendors/fjord-ceramics", Some(json!({"name": "Fjord & Sons"}))).await;
    assert_eq!(status, 200);
    assert!(eventually(|| async { card_field(&app, id, "vendor_name").await.as_str() == Some("Fjord & Sons") }).await);
    let query = entities::ports::SearchQuery { text: "glazed fjord bowl".into(), limit: 1, ..Default::default() };
    assert!(
        eventually(|| async {
            app.shop.search.search(&query).await.unwrap().hits.first().map(|h| h.vendor_name.clone())
                == Some("Fjord & Sons".into())
        })
        .await,
        "search re-indexed the vendor's products"
    );

    let (status, _) = admin(&app, "DELETE", "/api/v1/vendors/fjord-ceramics", None).await;
    assert_eq!(status, 409, "it has a product");
    admin(&app, "DELETE", &format!("/api/v1/products/{id}"), None).await;
    let (status, _) = admin(&app, "DELETE", "/api/v1/vendors/fjord-ceramics", None).await;
    assert_eq!(status, 204);
    assert_eq!(app.get("/api/v1/vendors/fjord-ceramics").await.status(), 404);
});

#[tokio::test]
async fn every_write_route_refuses_a_caller_without_the_token() {
    let app = admin_app(Db::Sqlite).await;
    let routes = [
        ("POST", "/api/v1/products"),
        ("PATCH", "/api/v1/products/1"),
        ("DELETE", "/api/v1/products/1"),
        ("GET", "/api/v1/products/1/edit"),
        ("POST", "/api/v1/products/1/variants"),
        ("PATCH", "/api/v1/variants/1"),
        ("DELETE", "/api/v1/variants/1"),
        ("POST", "/api/v1/categories"),
        ("PATCH", "/api/v1/categories/women"),
        ("DELETE", "/api/v1/categories/women"),
        ("POST", "/api/v1/vendors"),
        ("PATCH", "/api/v1/vendors/northwind-outfitters"),
        ("DELETE", "/api/v1/vendors/northwind-outfitters"),
    ];
    for (method, path) in routes {
        // A body that would be valid enough to reach the service.
        let body = json!({});
        let (status, problem) = call(&app, method, path, None, Some(body)).await;
        assert!(status == 401 || status == 400, "{method} {path}: {status}");
        if status == 400 {
            // Only the body shape may be judged before the caller (a missing required field).
            assert_eq!(problem["errors"][0]["field"], "body", "{method} {path}: {problem}");
            let (status, _) = call(&app, method, path, None, Some(minimal_body(path))).await;
            assert_eq!(status, 401, "{method} {path} with a well-formed body");
        }
    }
    assert_eq!(app.get("/api/v1/products/1").await.status(), 200, "nothing was deleted");
}

fn minimal_body(path: &str) -> Value {
    if path.ends_with("/variants") {
        json!({"sku": "ABC-1", "price_minor": 1, "currency": "EUR"})
    } else if path.starts_with("/api/v1/products") {
        json!({"category": "c", "title": "t", "brand": "b", "variants": []})
    } else {
        json!({"name": "n"})
    }
}

on_both_databases!(lists_sort_by_price_newest_and_rating_across_pages, |db| async move {
    let app = spawn_app(db).await;
    for (sort, key) in [("price", "price"), ("-price", "price"), ("newest", "id"), ("rating", "rating"), ("id", "id")] {
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut url = format!("/api/v1/products?limit=100&sort={}", urlencode(sort));
            if let Some(c) = &cursor {
                url.push_str(&format!("&cursor={c}"));
            }
            let page: Value = app.get(&url).await.json().await.unwrap();
            for item in page["items"].as_array().unwrap() {
                let value = match key {
                    "price" => item["price_from"]["minor"].as_i64().unwrap(),
                    "rating" => item["rating"]["average_centi"].as_i64().unwrap_or(0),
                    _ => item["id"].as_i64().unwrap(),
                };
                seen.push((value, item["id"].as_i64().unwrap()));
            }
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => break,
            }
        }
        assert_eq!(seen.len(), TEST_PRODUCTS as usize, "{sort}: every product exactly once");
        let mut ids: Vec<i64> = seen.iter().map(|(_, id)| *id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), TEST_PRODUCTS as usize, "{sort}: no duplicates across pages");
        let keys: Vec<i64> = seen.iter().map(|(k, _)| *k).collect();
        let ascending = keys.windows(2).all(|w| w[0] <= w[1]);
        let descending = keys.windows(2).all(|w| w[0] >= w[1]);
        match sort {
            "price" | "id" => assert!(ascending, "{sort} ascends"),
            _ => assert!(descending, "{sort} descends"),
        }
    }
    let first: Value = app.get("/api/v1/products?limit=5&sort=price").await.json().await.unwrap();
    let cursor = first["next_cursor"].as_str().unwrap();
    let (status, problem) =
        call(&app, "GET", &format!("/api/v1/products?sort=rating&cursor={cursor}"), None, None).await;
    assert_eq!((status, problem["errors"][0]["field"].as_str()), (400, Some("cursor")), "cursors are bound to a sort");
    let (status, problem) = call(&app, "GET", "/api/v1/products?sort=cheapest", None, None).await;
    assert_eq!((status, problem["errors"][0]["field"].as_str()), (400, Some("sort")));
});

fn urlencode(text: &str) -> String {
    text.replace('-', "%2D")
}

on_both_databases!(the_product_page_picks_variants_by_their_options, |db| async move {
    let app = admin_app(db).await;
    let (vendor, category) = seeded_vendor_and_category(&app).await;
    // S comes in Red and Blue; M only in Red, and that one is sold out.
    let variant = |sku: &str, size: &str, colour: &str, price: i64, stock: i32| {
        json!({"sku": sku, "price_minor": price, "currency": "EUR", "stock": stock,
               "options": {"Size": size, "Colour": colour}})
    };
    let body = json!({
        "vendor": vendor, "category": category, "title": "Picker Test Hoodie", "brand": "Testbrand", "status": "active",
        "variants": [
            variant("HOOD-S-RED", "S", "Red", 3000, 2),
            variant("HOOD-S-BLUE", "S", "Blue", 3200, 5),
            variant("HOOD-M-RED", "M", "Red", 3400, 0),
        ],
    });
    let (status, created) = admin(&app, "POST", "/api/v1/products", Some(body)).await;
    assert_eq!(status, 201, "{created}");
    let slug = created["slug"].as_str().unwrap().to_owned();
    let id_of = |sku: &str| {
        created["variants"].as_array().unwrap().iter().find(|v| v["sku"] == sku).unwrap()["id"].as_i64().unwrap()
    };
    let (s_red, s_blue, m_red) = (id_of("HOOD-S-RED"), id_of("HOOD-S-BLUE"), id_of("HOOD-M-RED"));

    let (status, first) = app.get_html(&format!("/p/{slug}")).await;
    assert_eq!(status, 200);
    assert!(first.contains("€30.00"), "the first variant in stock is shown");
    assert!(first.contains(&format!(r#"href="/p/{slug}?variant={s_blue}""#)), "Blue links to the blue S");
    assert!(first.contains(&format!(r#"href="/p/{slug}?variant={m_red}""#)), "M links to the red M");
    assert!(first.contains(&format!(r#"/images/products/{}/variants/{s_red}.svg"#, created["id"])));

    let (_, blue) = app.get_html(&format!("/p/{slug}?variant={s_blue}")).await;
    assert!(blue.contains("€32.00") && blue.contains("5 in stock"), "price and stock follow the choice");
    assert!(blue.contains(r#"data-testid="option-unavailable""#), "there is no blue M");
    let (_, sold_out) = app.get_html(&format!("/p/{slug}?variant={m_red}")).await;
    assert!(sold_out.contains("Sold out"));
    assert!(sold_out.contains("disabled"), "a sold-out choice cannot be added to the cart");

    let red = app.get(&format!("/images/products/{}/variants/{s_red}.svg", created["id"])).await;
    let blue = app.get(&format!("/images/products/{}/variants/{s_blue}.svg", created["id"])).await;
    assert_eq!(red.status(), 200);
    assert_ne!(red.text().await.unwrap(), blue.text().await.unwrap(), "each colour has its picture");
    let other = app.get(&format!("/images/products/1/variants/{s_red}.svg")).await;
    assert_eq!(other.status(), 404, "a variant of another product");
});
