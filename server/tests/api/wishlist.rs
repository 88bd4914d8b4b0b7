//! The wishlist over HTTP: a guest saves from cards and product pages, sees
//! price drops and stock, moves to the cart; the list follows into the
//! account at sign-in, and nobody else sees it.

use crate::accounts::{account, signed_in_client, PASSWORD};
use crate::helpers::*;
use entities::accounts::Role;
use entities::model::{variant, wishlist_item};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::Value;

async fn wishlist(client: &reqwest::Client, app: &TestApp) -> Value {
    let (status, body, _) = sf_as(client, app, "wishlist", &[]).await;
    assert_eq!(status, 200, "{body}");
    body
}

#[tokio::test]
async fn a_guest_saves_products_sees_price_drops_and_moves_one_to_the_cart() {
    let app = spawn_app(Db::Sqlite).await;
    let guest = new_client();
    let (cheap, p1) = variant_for_sale(&app, 3, None).await;
    let second = variant::Entity::find()
        .filter(variant::Column::ProductId.ne(p1.id))
        .filter(variant::Column::Stock.gte(1))
        .order_by_asc(variant::Column::Id)
        .one(&app.shop.db)
        .await
        .unwrap()
        .unwrap();

    let (status, body, headers) = sf_as(
        &guest,
        &app,
        "wishlist/add",
        &[("product_id", &p1.id.to_string()), ("variant_id", &cheap.id.to_string())],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        headers.get_all("set-cookie").iter().any(|c| c.to_str().unwrap().starts_with("bazaar_wishlist=")),
        "a guest gets a wishlist cookie"
    );
    let (status, ..) = sf_as(&guest, &app, "wishlist/add", &[("product_id", &second.product_id.to_string())]).await;
    assert_eq!(status, 200, "saved from a card: the product's cheapest variant");
    let (status, ..) = sf_as(&guest, &app, "wishlist/add", &[("product_id", &p1.id.to_string())]).await;
    assert_eq!(status, 200, "saving again is fine");
    let (status, ..) = sf_as(&guest, &app, "wishlist/add", &[("product_id", "999999999")]).await;
    assert_eq!(status, 404, "an unknown product");
    assert_eq!(wishlist_item::Entity::find().count(&app.shop.db).await.unwrap(), 2, "each product once");

    // The price of the first falls; the second sells out.
    let lower = cheap.price_minor - 100;
    variant::Entity::update_many()
        .col_expr(variant::Column::PriceMinor, Expr::value(lower))
        .filter(variant::Column::Id.eq(cheap.id))
        .exec(&app.shop.db)
        .await
        .unwrap();
    let saved_second = wishlist_item::Entity::find()
        .filter(wishlist_item::Column::ProductId.eq(second.product_id))
        .one(&app.shop.db)
        .await
        .unwrap()
        .unwrap();
    variant::Entity::update_many()
        .col_expr(variant::Column::Stock, Expr::value(0))
        .col_expr(variant::Column::AllowBackorder, Expr::value(false))
        .filter(variant::Column::Id.eq(saved_second.variant_id))
        .exec(&app.shop.db)
        .await
        .unwrap();
    let list = wishlist(&guest, &app).await;
    let first = list.as_array().unwrap().iter().find(|i| i["product_id"] == p1.id).unwrap();
    assert_eq!(
        (first["price_minor"].as_i64(), first["saved_price_minor"].as_i64()),
        (Some(lower), Some(cheap.price_minor))
    );
    assert_eq!(first["in_stock"], true);
    let sold = list.as_array().unwrap().iter().find(|i| i["product_id"] == second.product_id).unwrap();
    assert_eq!(sold["in_stock"], false);

    let html = guest.get(app.url("/wishlist")).send().await.unwrap().text().await.unwrap();
    assert!(
        html.contains("data-testid=\"price-dropped\"") && html.contains("Price dropped from"),
        "the page says the price fell"
    );
    assert!(html.contains("Sold out"), "and what sold out");
    assert!(
        new_client().get(app.url("/wishlist")).send().await.unwrap().text().await.unwrap().contains("wishlist-empty"),
        "another browser has its own"
    );

    let (status, body, _) =
        sf_as(&guest, &app, "wishlist/to-cart", &[("product_id", &second.product_id.to_string())]).await;
    assert_eq!(status, 409, "a sold-out product stays on the list: {body}");
    let (status, body, _) = sf_as(&guest, &app, "wishlist/to-cart", &[("product_id", &p1.id.to_string())]).await;
    assert_eq!(status, 200, "{body}");
    let list = wishlist(&guest, &app).await;
    assert_eq!(list.as_array().unwrap().len(), 1, "moved off the list");
    let html = guest.get(app.url("/cart")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains(&cheap.sku), "and into the cart");

    let (status, ..) = sf_as(&guest, &app, "wishlist/remove", &[("product_id", &second.product_id.to_string())]).await;
    assert_eq!(status, 200);
    assert_eq!(wishlist(&guest, &app).await, serde_json::json!([]));
}

#[tokio::test]
async fn a_guest_wishlist_follows_into_the_account_and_stays_private() {
    let app = spawn_app(Db::Postgres).await;
    account(&app, "saver@example.com", Role::Customer, None).await;
    account(&app, "peeker@example.com", Role::Customer, None).await;
    let (v, p) = variant_for_sale(&app, 1, None).await;
    let other =
        variant::Entity::find().filter(variant::Column::ProductId.ne(p.id)).one(&app.shop.db).await.unwrap().unwrap();

    let account_side = signed_in_client(&app, "saver@example.com").await;
    let (status, ..) =
        sf_as(&account_side, &app, "wishlist/add", &[("product_id", &other.product_id.to_string())]).await;
    assert_eq!(status, 200);

    let browser = new_client();
    sf_as(&browser, &app, "wishlist/add", &[("product_id", &p.id.to_string()), ("variant_id", &v.id.to_string())])
        .await;
    sf_as(&browser, &app, "wishlist/add", &[("product_id", &other.product_id.to_string())]).await;
    let (status, _, headers) =
        sf_as(&browser, &app, "account/sign-in", &[("email", "saver@example.com"), ("password", PASSWORD)]).await;
    assert_eq!(status, 200);
    assert!(
        headers.get_all("set-cookie").iter().any(|c| c.to_str().unwrap().starts_with("bazaar_wishlist=;")),
        "the guest cookie is cleared"
    );
    let list = wishlist(&browser, &app).await;
    let mut ids: Vec<i64> = list.as_array().unwrap().iter().map(|i| i["product_id"].as_i64().unwrap()).collect();
    ids.sort_unstable();
    let mut expected = vec![p.id, other.product_id];
    expected.sort_unstable();
    assert_eq!(ids, expected, "the guest's list and the account's, each product once");
    assert_eq!(wishlist(&account_side, &app).await.as_array().unwrap().len(), 2, "the account's other devices see it");

    let peeker = signed_in_client(&app, "peeker@example.com").await;
    assert_eq!(wishlist(&peeker, &app).await, serde_json::json!([]), "nobody else sees it");
    let (status, ..) = sf_as(&peeker, &app, "wishlist/remove", &[("product_id", &p.id.to_string())]).await;
    assert_eq!(status, 200);
    assert_eq!(wishlist(&browser, &app).await.as_array().unwrap().len(), 2, "nor can anyone else take from it");
}
