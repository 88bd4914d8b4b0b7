//! Recommendations: trending from views, bought together from carts,
//! similar from content; on the product and home pages.

use crate::helpers::*;
use crate::on_both_databases;
use entities::accounts::Role;
use entities::model::product_view_count;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;
use std::time::Duration;

async fn product(app: &TestApp, id: i64) -> Value {
    app.get(&format!("/api/v1/products/{id}")).await.json().await.unwrap()
}

/// Adds the first variant in stock of each product to a new shopper's cart.
async fn cart_with(app: &TestApp, products: &[i64]) {
    let shopper = reqwest::Client::builder().cookie_store(true).build().unwrap();
    for id in products {
        let detail = product(app, *id).await;
        let variant = detail["variants"].as_array().unwrap().iter().find(|v| v["stock"].as_i64() > Some(0));
        let Some(variant) = variant else { continue };
        let added = shopper
            .post(app.url("/_sf/cart/add"))
            .header("accept", "application/json")
            .form(&[("variant_id", variant["id"].to_string()), ("quantity", "1".to_owned())])
            .send()
            .await
            .unwrap();
        assert!(added.status().is_success(), "add {id}: {}", added.status());
    }
}

fn ids(cards: &Value) -> Vec<i64> {
    cards.as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect()
}

/// Products of the seed that have a variant in stock, from `from` on.
async fn in_stock(app: &TestApp, from: i64, count: usize) -> Vec<i64> {
    let mut found = Vec::new();
    let mut id = from;
    while found.len() < count {
        let detail = product(app, id).await;
        if detail["variants"].as_array().is_some_and(|vs| vs.iter().any(|v| v["stock"].as_i64() > Some(0))) {
            found.push(id);
        }
        id += 1;
    }
    found
}

on_both_databases!(products_in_the_same_carts_are_bought_together, |db| async move {
    let app = spawn_app(db).await;
    let p = in_stock(&app, 10, 3).await;
    cart_with(&app, &[p[0], p[1]]).await;
    cart_with(&app, &[p[0], p[1], p[2]]).await;
    cart_with(&app, &[p[2]]).await;

    let (status, found) = {
        let response = app.get(&format!("/api/v1/products/{}/recommendations", p[0])).await;
        (response.status().as_u16(), response.json::<Value>().await.unwrap())
    };

    assert_eq!(status, 200);
    assert_eq!(ids(&found["together"]), [p[1], p[2]], "by the number of shared carts");
    assert_eq!(app.get("/api/v1/products/999999/recommendations").await.status(), 404);
});

on_both_databases!(similar_products_share_the_category, |db| async move {
    let app = spawn_app(db).await;
    let this = product(&app, 5).await;
    let leaf = this["breadcrumbs"].as_array().unwrap().last().unwrap()["slug"].clone();

    let found: Value = app.get("/api/v1/products/5/recommendations").await.json().await.unwrap();

    let similar = ids(&found["similar"]);
    assert!(!similar.is_empty() && !similar.contains(&5), "{similar:?}");
    let first = product(&app, similar[0]).await;
    assert_eq!(first["breadcrumbs"].as_array().unwrap().last().unwrap()["slug"], leaf, "the same category first");
    let (_, page) = app.get_html(&format!("/p/{}", this["card"]["slug"].as_str().unwrap())).await;
    assert!(page.contains("You may also like"));
});

on_both_databases!(the_most_viewed_products_trend, |db| async move {
    let app = spawn_app(db).await;
    let slug = |p: &Value| p["card"]["slug"].as_str().unwrap().to_owned();
    let (a, b) = (product(&app, 21).await, product(&app, 22).await);
    for _ in 0..3 {
        assert_eq!(app.get_html(&format!("/p/{}", slug(&b))).await.0, 200);
    }
    app.get_html(&format!("/p/{}", slug(&a))).await;

    // The counter writes its tallies every 50 ms here (5 s by default).
    let mut written = 0;
    for _ in 0..100 {
        let rows = product_view_count::Entity::find()
            .filter(product_view_count::Column::ProductId.is_in([21, 22]))
            .all(&app.shop.db)
            .await
            .unwrap();
        written = rows.iter().map(|r| r.views).sum::<i64>();
        if written == 4 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(written, 4, "every view counted once");

    let trending: Value = app.get("/api/v1/trending").await.json().await.unwrap();
    assert_eq!(ids(&trending)[..2], [22, 21], "most viewed first");
    let (_, home) = app.get_html("/").await;
    assert!(home.contains("Trending now"));
});

#[tokio::test]
async fn the_dashboard_recommends_from_what_the_customer_saved_and_bought() {
    let app = spawn_app(Db::Sqlite).await;
    crate::accounts::account(&app, "picks@example.com", Role::Customer, None).await;
    let client = crate::accounts::signed_in_client(&app, "picks@example.com").await;
    let picks = |client: reqwest::Client| {
        let url = app.url("/_sf/account/recommendations");
        async move {
            let r = client.post(url).header("accept", "application/json").send().await.unwrap();
            assert_eq!(r.status(), 200);
            r.json::<Value>().await.unwrap()
        }
    };
    let (_, saved) = variant_for_sale(&app, 1, None).await;
    let (status, ..) = sf_as(&client, &app, "wishlist/add", &[("product_id", &saved.id.to_string())]).await;
    assert_eq!(status, 200);
    let got = picks(client.clone()).await;
    let ids: Vec<i64> = got.as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect();
    assert!(!ids.is_empty(), "something to recommend");
    assert!(!ids.contains(&saved.id), "not what is saved already");
    let like = entities::catalog::recommend::for_product(&app.shop, entities::ProductId::new(saved.id)).await.unwrap();
    let closest = like.together.first().or(like.similar.first()).map(|c| c.id);
    assert_eq!(ids.first().copied(), closest, "the saved product's closest match leads");
    let html = client.get(app.url("/account")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("data-testid=\"recommended\""), "the dashboard shows them");
    let r = new_client()
        .post(app.url("/_sf/account/recommendations"))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401, "for signed-in customers only");
}
