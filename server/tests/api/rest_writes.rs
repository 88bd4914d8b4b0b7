//! Catalog writes through the REST API: the admin token, validation, and the
//! change reaching reads and search.

use crate::helpers::*;
use crate::on_both_databases;
use serde_json::{json, Value};

const TOKEN: &str = "test-admin-token-0123456789abcdef0123";

async fn patch(app: &TestApp, id: &str, token: Option<&str>, body: Value) -> (u16, Value) {
    let mut request = app.client.patch(app.url(&format!("/api/v1/products/{id}"))).json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

on_both_databases!(an_admin_renames_a_product_and_every_cached_read_follows, |db| async move {
    let app = spawn_app_with(db, |s| s.api.admin_token = Some(TOKEN.into())).await;
    let product: Value = app.get("/api/v1/products/1").await.json().await.unwrap();
    let slug = product["card"]["slug"].as_str().unwrap().to_owned();
    let category = product["breadcrumbs"].as_array().unwrap().last().unwrap()["slug"].as_str().unwrap().to_owned();
    // Every read that shows product 1, each filled into the read cache first
    // (product 1 has the lowest id, so it is on page 1 of its category).
    let reads = [
        "/api/v1/products/1".to_owned(),
        format!("/p/{slug}"),
        format!("/c/{category}"),
        // A search that finds nothing yet: its empty answer is cached too.
        "/api/v1/search?q=xylophone".to_owned(),
        "/api/v1/products?limit=1".to_owned(),
    ];
    for read in &reads {
        let (status, body) = app.get_html(read).await;
        assert_eq!(status, 200, "{read}");
        assert!(!body.contains("Xylophone"), "{read} starts with the old title");
    }

    let (status, body) = patch(&app, "1", Some(TOKEN), json!({ "title": "Xylophone Quokka Kettle" })).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["title"], "Xylophone Quokka Kettle");

    // The documented bound (docs/API.md) is the outbox relay's delay plus its
    // consumers' work — here 20 ms and a few ms — and at worst the 30 s TTL.
    // Waiting at most 5 s shows the invalidation, not the TTL, did it.
    let started = std::time::Instant::now();
    for read in &reads {
        let mut fresh = false;
        while !fresh && started.elapsed() < std::time::Duration::from_secs(5) {
            fresh = app.get_html(read).await.1.contains("Xylophone Quokka Kettle");
            if !fresh {
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
        }
        assert!(fresh, "{read} shows the new title within the bound");
    }
    let hits = search_until_found(&app, "xylophone").await;
    assert_eq!(hits.iter().map(|h| h.id).collect::<Vec<_>>(), vec![1], "the outbox carried the change to search");
});

on_both_databases!(writes_without_a_valid_admin_token_are_401_problems, |db| async move {
    let app = spawn_app_with(db, |s| s.api.admin_token = Some(TOKEN.into())).await;

    let (none, problem) = patch(&app, "1", None, json!({ "title": "Nope" })).await;
    let (wrong, _) = patch(&app, "1", Some("test-admin-token-0123456789abcdef0124"), json!({ "title": "Nope" })).await;

    assert_eq!(none, 401);
    assert_eq!(problem["title"], "Authentication required");
    assert_eq!(wrong, 401);
    let product: Value = app.get("/api/v1/products/1").await.json().await.unwrap();
    assert_ne!(product["card"]["title"], "Nope", "nothing changed");
});

#[tokio::test]
async fn with_no_token_configured_every_write_is_refused() {
    let app = spawn_app(Db::Sqlite).await;

    let (status, _) = patch(&app, "1", Some(""), json!({ "title": "Nope" })).await;

    assert_eq!(status, 401);
}

on_both_databases!(bad_product_changes_get_field_errors, |db| async move {
    let app = spawn_app_with(db, |s| s.api.admin_token = Some(TOKEN.into())).await;
    for (id, body, status, field) in [
        ("1", json!({ "title": "   " }), 400, "title"),
        ("1", json!({ "title": "x".repeat(301) }), 400, "title"),
        ("1", json!({ "status": "sold" }), 400, "status"),
        ("1", json!({ "price": 1 }), 400, "body"),
        ("abc", json!({}), 400, "id"),
    ] {
        let (got, problem) = patch(&app, id, Some(TOKEN), body.clone()).await;
        assert_eq!(got, status, "{body}");
        assert_eq!(problem["errors"][0]["field"], field, "{body}: {problem}");
    }
    let (missing, _) = patch(&app, "999999", Some(TOKEN), json!({ "title": "Fine" })).await;
    assert_eq!(missing, 404);
});

#[test]
fn a_short_admin_token_is_refused_at_start() {
    let mut settings = server::config::Settings::defaults();
    settings.api.admin_token = Some("short".into());
    assert!(settings.validate().unwrap_err().to_string().contains("api.admin_token"));
}
