//! The REST API's product reads and its problem-details errors.

use crate::helpers::*;
use crate::on_both_databases;
use serde_json::Value;

on_both_databases!(cursor_pages_walk_every_product_exactly_once, |db| async move {
    let app = spawn_app(db).await;
    let mut seen = Vec::new();
    let mut path = "/api/v1/products?limit=100".to_owned();

    loop {
        let (status, _, page) = get_json(&app, &path).await;
        assert_eq!(status, 200);
        seen.extend(page["items"].as_array().unwrap().iter().map(|p| p["id"].as_i64().unwrap()));
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/products?limit=100&cursor={cursor}"),
            None => break,
        }
    }

    let mut sorted = seen.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted, seen, "in id order, without repeats");
    assert_eq!(seen.len(), TEST_PRODUCTS as usize, "every product once");
});

on_both_databases!(filters_narrow_the_list_to_a_vendor_and_a_category_subtree, |db| async move {
    let app = spawn_app(db).await;

    let (_, _, vendor) = get_json(&app, "/api/v1/products?vendor=lumen-electronics&limit=100").await;
    let (_, _, category) = get_json(&app, "/api/v1/products?category=electronics&limit=100").await;

    let vendors: Vec<&str> =
        vendor["items"].as_array().unwrap().iter().map(|p| p["vendor_name"].as_str().unwrap()).collect();
    assert!(!vendors.is_empty());
    assert!(vendors.iter().all(|v| *v == "Lumen Electronics"));
    // Lumen Electronics sells only in Electronics, and is its only vendor.
    assert_eq!(category["items"].as_array().unwrap().len(), vendors.len());
});

on_both_databases!(bad_list_input_gets_a_problem_naming_the_field, |db| async move {
    let app = spawn_app(db).await;
    for (path, field) in [
        ("/api/v1/products?limit=0", "limit"),
        ("/api/v1/products?limit=1000", "limit"),
        ("/api/v1/products?limit=ten", "limit"),
        ("/api/v1/products?cursor=bogus", "cursor"),
        ("/api/v1/products?category=no-such-category", "category"),
        ("/api/v1/products?vendor=nobody", "vendor"),
    ] {
        let (status, content_type, problem) = get_json(&app, path).await;
        assert_eq!(status, 400, "{path}");
        assert_eq!(content_type, "application/problem+json", "{path}");
        assert_eq!(problem["status"], 400);
        assert_eq!(problem["errors"][0]["field"], field, "{path}: {problem}");
    }
});

on_both_databases!(a_product_by_id_has_its_variants_and_unknown_ids_are_404_problems, |db| async move {
    let app = spawn_app(db).await;

    let (ok, _, product) = get_json(&app, "/api/v1/products/1").await;
    let (missing, content_type, problem) = get_json(&app, "/api/v1/products/999999").await;
    let (bad, _, bad_problem) = get_json(&app, "/api/v1/products/abc").await;
    let (no_route, _, _) = get_json(&app, "/api/v1/no-such-thing").await;

    assert_eq!(ok, 200);
    assert_eq!(product["card"]["id"], 1);
    assert!(!product["variants"].as_array().unwrap().is_empty());
    assert_eq!(missing, 404);
    assert_eq!(content_type, "application/problem+json");
    assert_eq!(problem["title"], "Not found");
    assert_eq!(bad, 400);
    assert_eq!(bad_problem["errors"][0]["field"], "id");
    assert_eq!(no_route, 404);
});

on_both_databases!(vendors_and_the_category_tree_are_listed, |db| async move {
    let app = spawn_app(db).await;

    let (_, _, vendors) = get_json(&app, "/api/v1/vendors").await;
    let (_, _, one) = get_json(&app, "/api/v1/vendors/oakleaf-books").await;
    let (missing, _, _) = get_json(&app, "/api/v1/vendors/nobody").await;
    let (_, _, tree) = get_json(&app, "/api/v1/categories").await;

    assert_eq!(vendors.as_array().unwrap().len(), 10);
    assert_eq!(one["name"], "Oakleaf Books");
    assert_eq!(missing, 404);
    let departments = tree.as_array().unwrap();
    assert_eq!(departments.len(), 8);
    assert_eq!(departments[0]["name"], "Clothing");
    let count = |node: &Value| -> usize {
        fn walk(n: &Value) -> usize {
            1 + n["children"].as_array().unwrap().iter().map(walk).sum::<usize>()
        }
        walk(node)
    };
    assert_eq!(departments.iter().map(count).sum::<usize>(), 64, "every category once");
});

#[tokio::test]
async fn the_openapi_document_describes_every_api_route() {
    let app = spawn_app(Db::Sqlite).await;

    let (status, _, doc) = get_json(&app, "/api/openapi.json").await;

    assert_eq!(status, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"), "OpenAPI 3.1");
    for path in [
        "/api/v1/products",
        "/api/v1/products/{id}",
        "/api/v1/search",
        "/api/v1/vendors",
        "/api/v1/vendors/{slug}",
        "/api/v1/categories",
    ] {
        assert!(doc["paths"][path]["get"].is_object(), "{path} is documented");
    }
    for schema in ["ProductList", "ProductDetail", "Money", "Problem", "CategoryNode", "SearchResults", "ProductPatch"]
    {
        assert!(doc["components"]["schemas"][schema].is_object(), "{schema} schema");
    }
    for (path, method) in [
        ("/api/v1/products", "post"),
        ("/api/v1/products/{id}", "patch"),
        ("/api/v1/products/{id}", "delete"),
        ("/api/v1/products/{id}/edit", "get"),
        ("/api/v1/products/{id}/variants", "post"),
        ("/api/v1/variants/{id}", "patch"),
        ("/api/v1/variants/{id}", "delete"),
        ("/api/v1/categories", "post"),
        ("/api/v1/categories/{slug}", "patch"),
        ("/api/v1/categories/{slug}", "delete"),
        ("/api/v1/vendors", "post"),
        ("/api/v1/vendors/{slug}", "patch"),
        ("/api/v1/vendors/{slug}", "delete"),
    ] {
        let operation = &doc["paths"][path][method];
        assert!(operation.is_object(), "{method} {path} is documented");
        assert!(operation["security"][0]["admin_token"].is_array(), "{method} {path} names its credential");
    }
    for schema in ["NewProduct", "NewVariant", "AdminProduct", "VariantPatch", "NewCategory", "NewVendor"] {
        assert!(doc["components"]["schemas"][schema].is_object(), "{schema} schema");
    }
    assert!(doc["components"]["securitySchemes"]["admin_token"].is_object());
    let params: Vec<&str> = doc["paths"]["/api/v1/products"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(params, ["category", "vendor", "limit", "cursor", "sort"]);
}

#[tokio::test]
async fn the_api_docs_page_shows_the_openapi_document() {
    let app = spawn_app(Db::Sqlite).await;

    let response = app.get("/api/docs").await;

    assert_eq!(response.status(), 200);
    let response_policy =
        response.headers().get("content-security-policy").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let html = response.text().await.unwrap();
    assert!(html.contains(r#"src="/vendor/scalar-api-reference.js""#), "the viewer comes from our own site");
    assert!(html.contains("'/api/openapi.json'"), "it shows our document");
    assert!(!html.contains("https://"), "nothing loads from elsewhere, so the docs work offline");
    let policy = response_policy.expect("the viewer has its own policy");
    assert!(policy.contains("script-src 'self' 'sha256-"), "its inline script runs by its hash: {policy}");
}

on_both_databases!(the_search_api_answers_hits_and_facets_and_refuses_bad_pages, |db| async move {
    let app = spawn_app(db).await;

    let (status, _, found) = get_json(&app, "/api/v1/search?q=sweatr").await;
    let (_, _, narrowed) = get_json(&app, "/api/v1/search?q=&vendor=oakleaf-books").await;
    let (bad_page, _, problem) = get_json(&app, "/api/v1/search?q=x&page=0").await;
    let (too_long, _, _) = get_json(&app, &format!("/api/v1/search?q={}", "a".repeat(201))).await;

    assert_eq!(status, 200);
    assert!(found["total"].as_u64().unwrap() > 0, "the typo still finds sweaters");
    assert!(found["hits"][0]["title"].as_str().unwrap().contains("Sweater"));
    assert!(!found["facets"]["vendors"].as_array().unwrap().is_empty());
    let vendors: Vec<&str> =
        narrowed["hits"].as_array().unwrap().iter().map(|h| h["vendor_name"].as_str().unwrap()).collect();
    assert!(!vendors.is_empty() && vendors.iter().all(|v| *v == "Oakleaf Books"));
    assert_eq!(bad_page, 400);
    assert_eq!(problem["errors"][0]["field"], "page");
    assert_eq!(too_long, 400);
});
