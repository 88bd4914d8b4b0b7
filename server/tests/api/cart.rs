//! "Add to cart" as a server function, with and without JavaScript.

use crate::helpers::*;
use crate::on_both_databases;
use entities::catalog::ProductStatus;
use entities::model::{product, variant};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

async fn variant_with_stock(app: &TestApp, at_least: i32) -> (variant::Model, product::Model) {
    let v = variant::Entity::find()
        .filter(variant::Column::Stock.gte(at_least))
        .order_by_asc(variant::Column::Id)
        .one(&app.shop.db)
        .await
        .unwrap()
        .expect("some variant has stock");
    let p = product::Entity::find_by_id(v.product_id).one(&app.shop.db).await.unwrap().unwrap();
    (v, p)
}

async fn add(app: &TestApp, variant_id: i64, quantity: i32) -> reqwest::Response {
    app.client
        .post(app.url("/_sf/cart/add"))
        .header("accept", "application/json")
        .form(&[("variant_id", variant_id.to_string()), ("quantity", quantity.to_string())])
        .send()
        .await
        .unwrap()
}

/// The badge count of the client's cart, through the summary server function.
async fn cart_count(app: &TestApp) -> u64 {
    let summary: serde_json::Value = app
        .client
        .post(app.url("/_sf/cart/summary"))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    summary["item_count"].as_u64().expect("a count")
}

on_both_databases!(adding_to_the_cart_sets_a_cookie_and_counts_items, |db| async move {
    let app = spawn_app(db).await;
    let (v, p) = variant_with_stock(&app, 4).await;

    let first = add(&app, v.id, 2).await;
    let cookie = first.headers().get("set-cookie").map(|c| c.to_str().unwrap().to_owned());
    let first: serde_json::Value = first.json().await.unwrap();
    let second: serde_json::Value = add(&app, v.id, 2).await.json().await.unwrap();

    assert_eq!(first["cart"]["item_count"], 2);
    assert_eq!(second["cart"]["item_count"], 4);
    assert_eq!(first["variant_id"], v.id);
    let cookie = cookie.expect("the first add sets the cart cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    let (_, html) = app.get_html(&format!("/p/{}", p.slug)).await;
    assert!(
        html.contains("data-testid=\"cart-count\" aria-live=\"polite\">4<"),
        "the badge is rendered with the count"
    );
});

on_both_databases!(adding_more_than_the_stock_is_refused_with_a_clear_message, |db| async move {
    let app = spawn_app(db).await;
    let (v, _) = variant_with_stock(&app, 1).await;

    let response = add(&app, v.id, v.stock + 1).await;

    assert_eq!(response.status(), 409);
    let body = response.text().await.unwrap();
    assert!(body.contains(&format!("Only {} left in stock", v.stock)), "{body}");
    assert_eq!(cart_count(&app).await, 0, "nothing was added");
});

on_both_databases!(bad_cart_input_gets_a_4xx_not_a_500, |db| async move {
    let app = spawn_app(db).await;

    let unknown = add(&app, 999_999_999, 1).await;
    let zero = add(&app, 1, 0).await;

    assert_eq!(unknown.status(), 404);
    assert_eq!(zero.status(), 400);
    assert!(zero.text().await.unwrap().contains("Quantity must be between 1 and 99"));
});

#[tokio::test]
async fn without_javascript_the_form_post_redirects_back_to_the_product() {
    let app = spawn_app(Db::Sqlite).await;
    let (v, p) = variant_with_stock(&app, 1).await;
    let product_url = app.url(&format!("/p/{}", p.slug));

    let response = app
        .client
        .post(app.url("/_sf/cart/add"))
        .header("accept", "text/html")
        .header("referer", &product_url)
        .form(&[("variant_id", v.id.to_string()), ("quantity", "1".to_owned())])
        .send()
        .await
        .unwrap();

    assert!(response.status().is_redirection(), "{}", response.status());
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(location.trim_end_matches('?'), product_url, "back to the page the form was on");
    let (_, html) = app.get_html(&format!("/p/{}", p.slug)).await;
    assert!(html.contains("aria-live=\"polite\">1<"));
}

on_both_databases!(concurrent_adds_to_one_cart_line_are_all_counted, |db| async move {
    let app = spawn_app(db).await;
    let (v, _) = variant_with_stock(&app, 20).await;
    // The first add creates the cart and its cookie; the rest race each other.
    assert_eq!(add(&app, v.id, 1).await.status(), 200);

    let racing = (0..15).map(|_| add(&app, v.id, 1));
    let statuses: Vec<u16> = futures::future::join_all(racing).await.iter().map(|r| r.status().as_u16()).collect();

    assert!(statuses.iter().all(|s| *s == 200), "every add succeeds: {statuses:?}");
    assert_eq!(cart_count(&app).await, 16, "no add was lost");
});

on_both_databases!(a_variant_of_a_product_not_for_sale_cannot_be_added, |db| async move {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let app = spawn_app(db).await;
    let (v, p) = variant_with_stock(&app, 1).await;
    let mut draft: product::ActiveModel = p.into();
    draft.status = Set(ProductStatus::Draft);
    draft.update(&app.shop.db).await.unwrap();

    let response = add(&app, v.id, 1).await;

    assert_eq!(response.status(), 404);
});
