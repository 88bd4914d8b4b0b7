//! Server-rendered storefront pages.

use crate::helpers::*;
use crate::on_both_databases;
use entities::model::{category, product};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

on_both_databases!(home_page_shows_featured_products_from_the_database, |db| async move {
    let app = spawn_app(db).await;
    let featured = product::Entity::find()
        .filter(product::Column::Featured.eq(true))
        .order_by_asc(product::Column::Id)
        .one(&app.shop.db)
        .await
        .unwrap()
        .expect("the seed features products");

    let (status, html) = app.get_html("/").await;

    assert_eq!(status, 200);
    assert!(html.contains("Featured products"));
    assert!(html.contains(&featured.title), "featured product {:?} missing", featured.title);
    assert!(count(&html, "data-testid=\"product-card\"") >= 1);
    assert!(html.contains("/pkg/bazaar.js"), "the page loads the hydration script");
});

on_both_databases!(category_pages_paginate_over_the_whole_subtree, |db| async move {
    let app = spawn_app(db).await;
    let top = category::Entity::find()
        .filter(category::Column::ParentId.is_null())
        .order_by_asc(category::Column::Position)
        .one(&app.shop.db)
        .await
        .unwrap()
        .unwrap();

    let (status, first) = app.get_html(&format!("/c/{}", top.slug)).await;
    let (_, second) = app.get_html(&format!("/c/{}?page=2", top.slug)).await;

    assert_eq!(status, 200);
    assert!(first.contains(&top.name));
    assert!(first.contains("Page 1 of"), "pagination shown");
    assert!(second.contains("Page 2 of"));
    assert_eq!(count(&first, "data-testid=\"product-card\""), 24, "a full first page");
    assert_ne!(first.split("Page 1 of").next(), second.split("Page 2 of").next(), "pages differ");
});

on_both_databases!(a_product_page_shows_its_variants_and_an_add_to_cart_form, |db| async move {
    let app = spawn_app(db).await;
    let p = product::Entity::find().order_by_asc(product::Column::Id).one(&app.shop.db).await.unwrap().unwrap();

    let (status, html) = app.get_html(&format!("/p/{}", p.slug)).await;

    assert_eq!(status, 200);
    assert!(html.contains(&p.title));
    assert!(html.contains("name=\"variant_id\""));
    assert!(html.contains("data-testid=\"add-to-cart\""));
    assert!(html.contains("action=\"/_sf/cart/add\""), "the form works without JavaScript");
});

on_both_databases!(missing_products_categories_and_routes_answer_404_with_a_page, |db| async move {
    let app = spawn_app(db).await;
    for path in ["/p/no-such-product", "/c/no-such-category", "/no/such/route"] {
        let (status, html) = app.get_html(path).await;
        assert_eq!(status, 404, "{path}");
        assert!(html.contains("We could not find that page"), "{path} renders the not-found page");
    }
});

on_both_databases!(search_tolerates_a_typo_and_shows_facets, |db| async move {
    let app = spawn_app(db).await;
    let p = product::Entity::find().order_by_asc(product::Column::Id).one(&app.shop.db).await.unwrap().unwrap();
    let word = p
        .title
        .split_whitespace()
        .find(|w| w.len() >= 6)
        .unwrap_or_else(|| p.title.split_whitespace().last().unwrap())
        .to_owned();
    let mut typo: Vec<char> = word.chars().collect();
    typo.swap(1, 2);
    let typo: String = typo.into_iter().collect();
    assert_ne!(typo, word);

    let (status, html) = app.get_html(&format!("/search?q={typo}")).await;

    assert_eq!(status, 200);
    assert!(!html.contains("data-testid=\"no-results\""), "{typo} should find {word}");
    assert!(html.contains(&word), "hits mention {word}");
    for facet in ["facet-category", "facet-vendor", "facet-price"] {
        assert!(html.contains(facet), "{facet} shown");
    }
});

on_both_databases!(facet_links_narrow_the_results, |db| async move {
    let app = spawn_app(db).await;

    let (_, all) = app.get_html("/search?q=").await;
    let (_, narrowed) = app.get_html("/search?q=&vendor=lumen-electronics").await;

    let total = |html: &str| -> u64 {
        let tag = html.split("data-testid=\"result-count\"").nth(1).expect("a result count");
        let text = tag.split_once('>').expect("a closed tag").1;
        text.split_whitespace().next().unwrap().parse().unwrap()
    };
    assert_eq!(total(&all), u64::from(TEST_PRODUCTS));
    assert!(total(&narrowed) > 0 && total(&narrowed) < total(&all));
    assert!(narrowed.contains("Lumen Electronics"));
});

on_both_databases!(product_images_are_rendered_and_cacheable, |db| async move {
    let app = spawn_app(db).await;

    let found = app.get("/images/products/1.svg").await;
    let missing = app.get("/images/products/999999.svg").await;
    let bad = app.get("/images/products/x.png").await;

    assert_eq!(found.status(), 200);
    assert_eq!(found.headers()["content-type"], "image/svg+xml");
    assert!(found.headers()["cache-control"].to_str().unwrap().contains("max-age="));
    assert!(found.text().await.unwrap().starts_with("<svg"));
    assert_eq!(missing.status(), 404);
    assert_eq!(bad.status(), 404);
});

on_both_databases!(a_search_page_past_the_end_shows_the_last_page, |db| async move {
    let app = spawn_app(db).await;
    let last = u64::from(TEST_PRODUCTS).div_ceil(24);

    let (status, html) = app.get_html("/search?q=&page=4294967295").await;

    assert_eq!(status, 200);
    assert!(html.contains(&format!("Page {last} of {last}")), "clamped to the last page");
    assert_eq!(count(&html, "data-testid=\"product-card\"") as u64, u64::from(TEST_PRODUCTS) - (last - 1) * 24);
});

#[tokio::test]
async fn pages_are_gzip_compressed_for_browsers_that_accept_it() {
    let app = spawn_app(Db::Sqlite).await;

    let response = app.client.get(app.url("/")).header("accept-encoding", "gzip").send().await.unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-encoding"], "gzip");
}
