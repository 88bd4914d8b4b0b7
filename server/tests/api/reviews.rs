//! Reviews over HTTP: one per customer per product, "verified purchase"
//! for buyers, held for moderation until an admin publishes, the vendor's
//! reply, and the product page's summary (average and distribution).

use crate::accounts::{account, order_as, set_order_status, signed_in_client};
use crate::helpers::*;
use crate::on_both_databases;
use entities::accounts::Role;
use entities::catalog::ProductStatus;
use entities::model::{audit_entry, product, review, vendor};
use entities::ordering::OrderStatus;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};

const TOKEN: &str = "reviews-admin-token-0123456789abcdef";

async fn send(request: reqwest::RequestBuilder) -> (u16, Value) {
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

on_both_databases!(reviews_are_moderated_verified_answered_and_summed_up, |db| async move {
    let app = spawn_app_with(db, |s| s.api.admin_token = Some(TOKEN.into())).await;
    let (v, p) = variant_for_sale(&app, 3, None).await;
    let reviews = format!("/api/v1/products/{}/reviews", p.id);
    account(&app, "buyer@example.com", Role::Customer, None).await;
    account(&app, "browser@example.com", Role::Customer, None).await;
    let other_vendor =
        vendor::Entity::find().filter(vendor::Column::Id.ne(p.vendor_id)).one(&app.shop.db).await.unwrap().unwrap();
    account(&app, "seller@example.com", Role::VendorStaff, Some(p.vendor_id)).await;
    account(&app, "rival@example.com", Role::VendorStaff, Some(other_vendor.id)).await;
    let buyer = signed_in_client(&app, "buyer@example.com").await;
    let browser = signed_in_client(&app, "browser@example.com").await;
    let seller = signed_in_client(&app, "seller@example.com").await;
    let rival = signed_in_client(&app, "rival@example.com").await;

    // Bought and paid: a verified purchase. An unpaid order would not be.
    let order = order_as(&buyer, &app, "buyer@example.com", v.id).await;
    set_order_status(&app, &order, OrderStatus::Delivered).await;

    let good = json!({ "rating": 5, "title": "Lovely", "body": "Sturdy, and exactly as pictured." });
    let (status, _) = send(new_client().post(app.url(&reviews)).json(&good)).await;
    assert_eq!(status, 401, "guests do not review");
    let (status, body) =
        send(buyer.post(app.url(&reviews)).json(&json!({ "rating": 7, "title": "", "body": "meh" }))).await;
    assert_eq!(status, 400);
    let fields: Vec<&str> = body["errors"].as_array().unwrap().iter().filter_map(|e| e["field"].as_str()).collect();
    assert!(fields.contains(&"rating") && fields.contains(&"body"), "both fields named: {body}");

    let (status, mine) = send(buyer.post(app.url(&reviews)).json(&good)).await;
    assert_eq!(status, 201, "{mine}");
    assert_eq!(mine["status"], "pending");
    assert_eq!(mine["verified_purchase"], true);
    assert_eq!(mine["author"], "Test P.", "first name and initial only");
    let buyer_review = mine["id"].as_i64().unwrap();
    let (status, again) = send(buyer.post(app.url(&reviews)).json(&good)).await;
    assert_eq!(status, 409, "one review per customer per product: {again}");
    let (status, other) = send(
        browser.post(app.url(&reviews)).json(&json!({ "rating": 2, "body": "Never bought it, dislike it anyway." })),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(other["verified_purchase"], false, "no order: not verified");
    let browser_review = other["id"].as_i64().unwrap();
    let (status, _) = send(seller.post(app.url(&reviews)).json(&good)).await;
    assert_eq!(status, 403, "staff do not review");

    let (_, public) = send(new_client().get(app.url(&reviews))).await;
    assert_eq!(public["summary"]["count"], 0, "nothing shows before moderation: {public}");

    // The queue: admins see both; the seller its products'; the rival none.
    let (status, queue) = send(new_client().get(app.url("/api/v1/reviews?status=pending")).bearer_auth(TOKEN)).await;
    assert_eq!(status, 200);
    assert_eq!(queue.as_array().unwrap().len(), 2);
    let (_, theirs) = send(seller.get(app.url("/api/v1/reviews?status=pending"))).await;
    assert_eq!(theirs.as_array().unwrap().len(), 2, "both are of the seller's product");
    let (_, none) = send(rival.get(app.url("/api/v1/reviews"))).await;
    assert_eq!(none, json!([]));
    let (status, _) = send(new_client().get(app.url("/api/v1/reviews?status=lost")).bearer_auth(TOKEN)).await;
    assert_eq!(status, 400, "an unknown status is named");
    let (status, _) = send(
        seller
            .post(app.url(&format!("/api/v1/reviews/{buyer_review}/moderation")))
            .json(&json!({ "status": "published" })),
    )
    .await;
    assert_eq!(status, 403, "vendors do not moderate");

    // A reply before publication is refused; the seller answers once published.
    let reply = json!({ "reply": "Thank you for your kind words." });
    let (status, _) = send(seller.put(app.url(&format!("/api/v1/reviews/{buyer_review}/reply"))).json(&reply)).await;
    assert_eq!(status, 409, "only published reviews are answered");

    let moderate = |id: i64, decision: Value| {
        new_client().post(app.url(&format!("/api/v1/reviews/{id}/moderation"))).bearer_auth(TOKEN).json(&decision)
    };
    let (status, published) = send(moderate(buyer_review, json!({ "status": "published" }))).await;
    assert_eq!((status, published["status"].as_str()), (200, Some("published")));
    let (status, _) =
        send(moderate(browser_review, json!({ "status": "rejected", "note": "Not about the product." }))).await;
    assert_eq!(status, 200);

    let (status, _) = send(rival.put(app.url(&format!("/api/v1/reviews/{buyer_review}/reply"))).json(&reply)).await;
    assert_eq!(status, 404, "another vendor's product's review does not exist for the rival");
    let (status, answered) =
        send(seller.put(app.url(&format!("/api/v1/reviews/{buyer_review}/reply"))).json(&reply)).await;
    assert_eq!(status, 200, "{answered}");

    let (_, public) = send(new_client().get(app.url(&reviews))).await;
    assert_eq!(public["summary"]["count"], 1, "{public}");
    assert_eq!(public["summary"]["average"], 5.0);
    assert_eq!(public["summary"]["distribution"], json!([0, 0, 0, 0, 1]));
    assert_eq!(public["reviews"][0]["reply"], "Thank you for your kind words.");
    assert_eq!(public["reviews"][0]["verified_purchase"], true);

    // The author of the rejected review reads why.
    let (_, mine) = send(browser.get(app.url("/api/v1/me/reviews"))).await;
    assert_eq!(mine[0]["status"], "rejected");
    assert_eq!(mine[0]["moderation_note"], "Not about the product.");

    // Another customer's review does not exist for them.
    let path = format!("/api/v1/me/reviews/{buyer_review}");
    let (status, _) = send(browser.put(app.url(&path)).json(&good)).await;
    assert_eq!(status, 404);
    let (status, _) = send(browser.delete(app.url(&path))).await;
    assert_eq!(status, 404);

    // Rewriting sends it back to moderation; the page shows none again.
    let (status, changed) =
        send(buyer.put(app.url(&path)).json(&json!({ "rating": 3, "body": "Good, but the paint chipped." }))).await;
    assert_eq!((status, changed["status"].as_str()), (200, Some("pending")));
    let (_, public) = send(new_client().get(app.url(&reviews))).await;
    assert_eq!(public["summary"]["count"], 0);
    send(moderate(buyer_review, json!({ "status": "published" }))).await;
    let (_, public) = send(new_client().get(app.url(&reviews))).await;
    assert_eq!(public["summary"]["average"], 3.0);
    assert_eq!(public["reviews"][0]["reply"], Value::Null, "the reply was to the old text");

    // The product page shows the summary and the review, server-rendered.
    let (status, html) = app.get_html(&format!("/p/{}", p.slug)).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("data-testid=\"reviews\"") && html.contains("Good, but the paint chipped."),
        "the page shows it"
    );
    assert!(html.contains("Verified purchase"));

    // Every decision is in the audit log.
    let logged = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.eq("review.moderate"))
        .count(&app.shop.db)
        .await
        .unwrap();
    assert_eq!(logged, 3);

    let (status, _) = send(buyer.delete(app.url(&path))).await;
    assert_eq!(status, 204);
    assert_eq!(
        review::Entity::find().filter(review::Column::Id.eq(buyer_review)).count(&app.shop.db).await.unwrap(),
        0
    );
    let (status, _) = send(new_client().get(app.url("/api/v1/products/999999999/reviews"))).await;
    assert_eq!(status, 404);
});

#[tokio::test]
async fn the_product_page_form_writes_then_rewrites_the_one_review() {
    let app = spawn_app(Db::Sqlite).await;
    let (_, p) = variant_for_sale(&app, 1, None).await;
    account(&app, "writer@example.com", Role::Customer, None).await;
    let writer = signed_in_client(&app, "writer@example.com").await;
    let id = p.id.to_string();

    let (status, body, _) =
        sf_as(&writer, &app, "reviews/save", &[("product_id", &id), ("title", ""), ("body", "Nice enough lamp.")])
            .await;
    assert_eq!(status, 400, "no stars chosen: {body}");
    assert!(body.to_string().contains("rating"), "the rating is named: {body}");
    let (status, body, _) = sf_as(
        &writer,
        &app,
        "reviews/save",
        &[("product_id", &id), ("rating", "4"), ("title", "Nice"), ("body", "Nice enough lamp.")],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, body, _) = sf_as(
        &writer,
        &app,
        "reviews/save",
        &[("product_id", &id), ("rating", "2"), ("title", "Hm"), ("body", "The switch broke in a week.")],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let rows = review::Entity::find().filter(review::Column::ProductId.eq(p.id)).all(&app.shop.db).await.unwrap();
    assert_eq!(rows.len(), 1, "still one review");
    assert_eq!((rows[0].rating, rows[0].body.as_str()), (2, "The switch broke in a week."));

    // Signed out, the page offers to sign in; a draft product has no reviews.
    let (_, html) = app.get_html(&format!("/p/{}", p.slug)).await;
    assert!(html.contains("Sign in to write a review"), "a guest is asked to sign in");
    let (status, _, _) = sf_as(
        &new_client(),
        &app,
        "reviews/save",
        &[("product_id", &id), ("rating", "4"), ("title", ""), ("body", "Nice enough lamp.")],
    )
    .await;
    assert_eq!(status, 401);
    let draft = product::Entity::find()
        .filter(product::Column::Status.ne(ProductStatus::Active))
        .one(&app.shop.db)
        .await
        .unwrap();
    if let Some(draft) = draft {
        let (status, body, _) = sf_as(
            &writer,
            &app,
            "reviews/save",
            &[("product_id", &draft.id.to_string()), ("rating", "4"), ("title", ""), ("body", "Nice enough lamp.")],
        )
        .await;
        assert_eq!(status, 404, "{body}");
    }
}

#[tokio::test]
async fn reviews_can_be_published_at_once_by_configuration() {
    let app = spawn_app_with(Db::Sqlite, |s| s.accounts.auto_publish_reviews = true).await;
    let (_, p) = variant_for_sale(&app, 1, None).await;
    account(&app, "quick@example.com", Role::Customer, None).await;
    let quick = signed_in_client(&app, "quick@example.com").await;
    let (status, mine) = send(
        quick
            .post(app.url(&format!("/api/v1/products/{}/reviews", p.id)))
            .json(&json!({ "rating": 4, "body": "Arrived fast, works well." })),
    )
    .await;
    assert_eq!((status, mine["status"].as_str()), (201, Some("published")));
    let (_, public) = send(new_client().get(app.url(&format!("/api/v1/products/{}/reviews", p.id)))).await;
    assert_eq!(public["summary"]["count"], 1);
    assert_eq!(public["reviews"][0]["verified_purchase"], false);
}

#[tokio::test]
async fn the_review_screens_render_and_act_through_their_server_functions() {
    let app = spawn_app_with(Db::Sqlite, |s| s.api.admin_token = Some(TOKEN.into())).await;
    let (_, p) = variant_for_sale(&app, 1, None).await;
    account(&app, "screens@example.com", Role::Customer, None).await;
    let customer = signed_in_client(&app, "screens@example.com").await;
    let html = customer.get(app.url("/account/reviews")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("data-testid=\"no-my-reviews\""), "the empty state");
    let (status, body, _) = sf_as(
        &customer,
        &app,
        "reviews/save",
        &[("product_id", &p.id.to_string()), ("rating", "5"), ("title", "Great"), ("body", "Better than I hoped for.")],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let id = body["id"].as_i64().unwrap().to_string();
    let html = customer.get(app.url("/account/reviews")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Awaiting moderation") && html.contains("Better than I hoped for."), "listed with its state");
    let html = customer.get(app.url(&format!("/p/{}", p.slug))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("data-testid=\"review-form\"") && html.contains("Awaiting moderation"), "the form shows it");

    let admin = new_client();
    let (status, ..) = sf_as(&admin, &app, "admin/sign-in", &[("token", TOKEN)]).await;
    assert_eq!(status, 200);
    let html = admin.get(app.url("/admin/reviews")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("data-testid=\"queued-review\"") && html.contains("Better than I hoped for."), "queued");
    let (status, body, _) = sf_as(&admin, &app, "admin/reviews", &[("status", "lost")]).await;
    assert_eq!(status, 400, "an unknown status: {body}");
    let (status, ..) =
        sf_as(&admin, &app, "admin/reviews/moderate", &[("id", &id), ("status", "maybe"), ("note", "")]).await;
    assert_eq!(status, 400, "an unknown decision");
    let (status, ..) =
        sf_as(&customer, &app, "admin/reviews/moderate", &[("id", &id), ("status", "published"), ("note", "")]).await;
    assert_eq!(status, 403, "customers do not moderate");
    let (status, body, _) =
        sf_as(&admin, &app, "admin/reviews/moderate", &[("id", &id), ("status", "published"), ("note", "")]).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("published")), "{body}");
    let (status, body, _) =
        sf_as(&admin, &app, "admin/reviews/reply", &[("id", &id), ("reply", "Glad to hear it!")]).await;
    assert_eq!(status, 200, "{body}");
    let (_, listed, _) = sf_as(&admin, &app, "admin/reviews", &[("status", "published")]).await;
    assert_eq!(listed[0]["reply"], "Glad to hear it!");
    let html = admin.get(app.url("/admin/reviews?status=published")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("data-testid=\"send-reply\""), "a published review takes a reply");
    let html = new_client().get(app.url(&format!("/p/{}", p.slug))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Glad to hear it!") && html.contains("data-testid=\"rating-row\""), "the page shows both");

    let (status, ..) = sf_as(&customer, &app, "reviews/delete", &[("id", &id)]).await;
    assert_eq!(status, 200);
    let (_, mine, _) = sf_as(&customer, &app, "reviews/mine", &[]).await;
    assert_eq!(mine, json!([]));
}
