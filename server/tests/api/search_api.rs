//! Search through the API and the storefront: combined filters with facet
//! counts that stay right, sorts, highlights, suggestions, and the page for
//! a search that found nothing.

use crate::helpers::*;
use crate::on_both_databases;
use serde_json::Value;

async fn json(app: &TestApp, path: &str) -> (u16, Value) {
    let response = app.get(path).await;
    (response.status().as_u16(), response.json().await.unwrap())
}

fn facet_count(facet: &Value, key: &str) -> u64 {
    facet.as_array().unwrap().iter().find(|v| v["key"] == key).map_or(0, |v| v["count"].as_u64().unwrap())
}

on_both_databases!(filters_of_one_facet_add_up_and_other_facets_follow, |db| async move {
    let app = spawn_app(db).await;
    let (_, everything) = json(&app, "/api/v1/search?q=").await;
    let vendors = everything["facets"]["vendors"].as_array().unwrap();
    let (a, b) = (vendors[0]["key"].as_str().unwrap(), vendors[1]["key"].as_str().unwrap());
    let (count_a, count_b) = (vendors[0]["count"].as_u64().unwrap(), vendors[1]["count"].as_u64().unwrap());

    let (status, both) = json(&app, &format!("/api/v1/search?vendor={a}&vendor={b}")).await;

    assert_eq!(status, 200);
    assert_eq!(both["total"].as_u64().unwrap(), count_a + count_b, "two vendors: products of either");
    let listed = both["facets"]["vendors"].as_array().unwrap();
    assert_eq!(listed.len(), vendors.len(), "the vendor facet still offers every vendor");
    assert_eq!(facet_count(&both["facets"]["vendors"], a), count_a, "counted without its own filter");
    let selected: Vec<&str> =
        listed.iter().filter(|v| v["selected"] == true).map(|v| v["key"].as_str().unwrap()).collect();
    assert_eq!(selected.len(), 2);
    // Other facets follow the vendor filter: their counts add up to the total.
    let by_price: u64 =
        both["facets"]["price_ranges"].as_array().unwrap().iter().map(|v| v["count"].as_u64().unwrap()).sum();
    assert_eq!(by_price, both["total"].as_u64().unwrap());

    // A brand on top narrows the hits; the brand facet counts within the vendors.
    let brand = both["facets"]["brands"][0]["key"].as_str().unwrap().to_owned();
    let brand_count = both["facets"]["brands"][0]["count"].as_u64().unwrap();
    let (_, narrowed) = json(&app, &format!("/api/v1/search?vendor={a}&vendor={b}&brand={}", encode(&brand))).await;
    assert_eq!(narrowed["total"].as_u64().unwrap(), brand_count);
    assert!(narrowed["hits"].as_array().unwrap().iter().all(|h| h["brand"] == brand.as_str()));

    // Options and stock.
    let (_, sized) = json(&app, "/api/v1/search?option=Size%3AM&in_stock=1").await;
    let sizes = sized["facets"]["options"].as_array().unwrap().iter().find(|o| o["name"] == "Size").unwrap();
    assert!(sizes["values"].as_array().unwrap().iter().any(|v| v["label"] == "M" && v["selected"] == true));
    assert!(sized["hits"].as_array().unwrap().iter().all(|h| h["in_stock"] == true));
    let ids: Vec<i64> = sized["hits"].as_array().unwrap().iter().map(|h| h["id"].as_i64().unwrap()).collect();
    for id in ids.iter().take(5) {
        let (_, product) = json(&app, &format!("/api/v1/products/{id}")).await;
        let has_m = product["variants"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["options"].as_array().unwrap().iter().any(|pair| pair[0] == "Size" && pair[1] == "M"));
        assert!(has_m, "product {id} comes in size M");
    }
});

on_both_databases!(searches_sort_and_highlight, |db| async move {
    let app = spawn_app(db).await;

    let (_, cheap_first) = json(&app, "/api/v1/search?q=sweater&sort=price").await;
    let (_, best_first) = json(&app, "/api/v1/search?q=&sort=rating").await;
    let (_, typo) = json(&app, "/api/v1/search?q=sweatr").await;

    let prices: Vec<i64> =
        cheap_first["hits"].as_array().unwrap().iter().map(|h| h["price_from"]["minor"].as_i64().unwrap()).collect();
    assert!(prices.len() > 1 && prices.windows(2).all(|w| w[0] <= w[1]), "{prices:?}");
    let ratings: Vec<i64> = best_first["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["rating"]["average_centi"].as_i64().unwrap_or(0))
        .collect();
    assert!(ratings.windows(2).all(|w| w[0] >= w[1]), "{ratings:?}");
    let hit = &typo["hits"][0];
    let title = hit["title"].as_str().unwrap();
    let mark = &hit["title_marks"][0];
    let marked = &title[mark["start"].as_u64().unwrap() as usize..mark["end"].as_u64().unwrap() as usize];
    assert_eq!(marked, "Sweater", "the typo's match is marked");
    let (_, html) = app.get_html("/search?q=sweatr").await;
    assert!(html.contains("<mark"), "the storefront shows the marks");
});

on_both_databases!(a_search_that_finds_nothing_offers_a_way_on, |db| async move {
    let app = spawn_app(db).await;

    let (_, nothing) = json(&app, "/api/v1/search?q=sweater+zqxjkv").await;
    let (_, filtered) = json(&app, "/api/v1/search?q=sweater&price=250-plus&vendor=oakleaf-books").await;
    let (status, html) = app.get_html("/search?q=sweater+zqxjkv").await;

    assert_eq!(nothing["total"], 0);
    let help = &nothing["help"];
    assert_eq!(help["try_instead"][0]["key"], "sweater", "the word that finds something");
    assert!(!help["popular"].as_array().unwrap().is_empty(), "popular products instead of a blank");
    assert_eq!(filtered["total"], 0, "no books are sweaters");
    assert!(filtered["help"]["without_filters"].as_u64().unwrap() > 0);
    assert_eq!(status, 200);
    assert!(html.contains("data-testid=\"no-results\""));
    assert!(html.contains("Popular right now"));
    assert!(html.contains("data-testid=\"try-instead\""));
});

on_both_databases!(suggestions_follow_what_is_typed, |db| async move {
    let app = spawn_app(db).await;

    let (status, typed) = json(&app, "/api/v1/search/suggest?q=swea").await;
    let (_, empty) = json(&app, "/api/v1/search/suggest?q=").await;

    assert_eq!(status, 200);
    let products = typed["products"].as_array().unwrap();
    assert!(!products.is_empty());
    assert!(products.iter().all(|p| p["title"].as_str().unwrap().contains("Sweater")), "{products:?}");
    assert!(products.iter().all(|p| !p["title_marks"].as_array().unwrap().is_empty()));
    let (_, knit) = json(&app, "/api/v1/search/suggest?q=knitw").await;
    assert!(knit["categories"].as_array().unwrap().iter().any(|c| c["name"] == "Knitwear"), "{knit}");
    assert_eq!(empty["products"].as_array().unwrap().len(), 0);
});

#[tokio::test]
async fn the_storefront_searches_through_its_server_function_after_hydration() {
    let app = spawn_app(Db::Sqlite).await;
    let (request, _) = entities::catalog::SearchRequest::from_params([("q", "sweater"), ("option", "Size:M")]);

    let response = app
        .client
        .post(app.url("/_sf/catalog/search"))
        .header("accept", "application/json")
        .json(&serde_json::json!({ "request": request }))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    let found: entities::catalog::SearchResults = response.json().await.unwrap();
    assert!(found.total > 0);
    assert!(found.facets.options.iter().any(|o| o.name == "Size" && o.values.iter().any(|v| v.selected)));
}

#[tokio::test]
async fn bad_search_parameters_are_each_named() {
    let app = spawn_app(Db::Sqlite).await;

    let (status, problem) = json(&app, "/api/v1/search?q=x&rating=9&sort=cheapest&option=M&page=0").await;

    assert_eq!(status, 400);
    let fields: Vec<&str> =
        problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["rating", "sort", "option", "page"]);
}

fn encode(text: &str) -> String {
    entities::catalog::encode(text)
}

on_both_databases!(a_category_page_has_a_filter_sidebar_that_keeps_the_category, |db| async move {
    let app = spawn_app(db).await;
    let tree: Value = app.get("/api/v1/categories").await.json().await.unwrap();
    let department = tree[0]["slug"].as_str().unwrap();

    let (status, html) = app.get_html(&format!("/c/{department}")).await;

    assert_eq!(status, 200);
    assert!(html.contains(r#"data-testid="facet-vendor""#), "the sidebar is rendered on the server");
    let link = format!("/search?q=&amp;category={department}&amp;vendor=");
    assert!(html.contains(&link), "a vendor filter keeps the category: {link}");
});
