//! Privacy (GDPR) over HTTP: a customer downloads their data and deletes
//! the account; an admin does both on request; what must stay (orders) is
//! kept anonymised, the rest is gone, and the audit log says who did it.

use crate::accounts::{account, order_as, set_order_status, signed_in_client, PASSWORD};
use crate::helpers::*;
use crate::on_both_databases;
use entities::accounts::Role;
use entities::model::{address, audit_entry, order, review, user, wishlist_item};
use entities::ordering::OrderStatus;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::{json, Value};

const TOKEN: &str = "privacy-admin-token-0123456789abcdef";

on_both_databases!(a_customer_downloads_their_data_and_deletes_the_account, |db| async move {
    let app = spawn_app(db).await;
    let email = "leaving@example.com";
    let id = account(&app, email, Role::Customer, None).await;
    let client = signed_in_client(&app, email).await;
    let (v, p) = variant_for_sale(&app, 3, None).await;
    let home = json!({ "name": "Lea Ving", "line1": "Canal 5", "postal_code": "1015", "city": "Amsterdam",
        "country": "NL", "phone": "+31 20 555 0100" });
    assert_eq!(client.post(app.url("/api/v1/me/addresses")).json(&home).send().await.unwrap().status(), 201);
    let (status, ..) = sf_as(&client, &app, "wishlist/add", &[("product_id", &p.id.to_string())]).await;
    assert_eq!(status, 200);
    let placed = order_as(&client, &app, email, v.id).await;
    let r = client
        .post(app.url(&format!("/api/v1/products/{}/reviews", p.id)))
        .json(&json!({ "rating": 4, "body": "Good value for the money." }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);

    // The download: one JSON file with everything.
    let r = client.get(app.url("/api/v1/me/data")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let disposition = r.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(disposition.starts_with("attachment") && disposition.contains(".json"), "{disposition}");
    let data: Value = r.json().await.unwrap();
    assert_eq!(data["account"]["email"], email);
    assert_eq!(data["addresses"][0]["city"], "Amsterdam");
    assert_eq!(data["orders"][0]["id"], placed.as_str());
    assert_eq!(data["orders"][0]["lines"][0]["sku"], v.sku.as_str());
    assert_eq!(data["wishlist"][0]["product_id"], p.id);
    assert_eq!(data["reviews"][0]["rating"], 4);

    // While the order is on its way the account stays.
    let delete =
        |password: &str| client.post(app.url("/api/v1/me/delete")).json(&json!({ "password": password })).send();
    let r = delete(PASSWORD).await.unwrap();
    assert_eq!(r.status(), 409, "{}", r.text().await.unwrap());
    set_order_status(&app, &placed, OrderStatus::Delivered).await;
    let r = delete("not my password at all").await.unwrap();
    assert_eq!(r.status(), 400);
    let r = delete(PASSWORD).await.unwrap();
    assert_eq!(r.status(), 200);
    let report: Value = r.json().await.unwrap();
    assert_eq!(
        (
            report["addresses"].as_u64(),
            report["wishlist"].as_u64(),
            report["reviews"].as_u64(),
            report["orders_anonymised"].as_u64()
        ),
        (Some(1), Some(1), Some(1), Some(1)),
        "{report}"
    );
    assert!(report["sessions"].as_u64().unwrap() >= 1, "signed out everywhere");

    // Gone: the session, the sign-in, the personal rows.
    assert_eq!(client.get(app.url("/api/v1/me")).send().await.unwrap().status(), 401);
    let (status, ..) = sf_as(&new_client(), &app, "account/sign-in", &[("email", email), ("password", PASSWORD)]).await;
    assert_ne!(status, 200, "the account cannot sign in");
    let u = user::Entity::find_by_id(id).one(&app.shop.db).await.unwrap().unwrap();
    assert!(u.deleted_at.is_some() && u.password_hash.is_none());
    assert_ne!(u.email, email);
    assert!(!u.display_name.contains("Test"));
    let db = &app.shop.db;
    assert_eq!(address::Entity::find().filter(address::Column::UserId.eq(id)).count(db).await.unwrap(), 0);
    assert_eq!(wishlist_item::Entity::find().filter(wishlist_item::Column::UserId.eq(id)).count(db).await.unwrap(), 0);
    assert_eq!(review::Entity::find().filter(review::Column::UserId.eq(id)).count(db).await.unwrap(), 0);

    // Kept: the order, for the books, without the email or where it went.
    let o = order::Entity::find().filter(order::Column::UserId.eq(id)).one(db).await.unwrap().unwrap();
    assert_eq!(o.public_id.to_string(), placed);
    assert_ne!(o.email, email);
    assert_eq!(o.shipping_address, json!({ "country": "NL" }));
    let billing = o.billing_address.unwrap();
    assert_eq!(billing["name"], "Ann Smith", "the invoice keeps its name and address");
    assert!(billing.get("phone").is_none());
    assert!(o.client_ip.is_none());
    assert!(o.total_minor > 0);

    let actions: Vec<String> = audit_entry::Entity::find()
        .filter(audit_entry::Column::Subject.eq(format!("user:{id}")))
        .order_by_asc(audit_entry::Column::Id)
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|l| format!("{} {}", l.actor, l.action))
        .collect();
    assert_eq!(actions, [format!("customer:{id} gdpr.export"), format!("customer:{id} gdpr.erase")]);

    // Nobody can take the erased accounts' addresses.
    let (status, ..) = sf_as(
        &new_client(),
        &app,
        "account/register",
        &[
            ("email", &entities::accounts::privacy::erased_email(entities::UserId::new(id + 1))),
            ("password", PASSWORD),
            ("name", "Squatter"),
        ],
    )
    .await;
    assert_eq!(status, 400, "an .invalid address is refused");
    assert!(u.totp_secret.is_none());

    // The address is free for a new account.
    let (status, body, _) =
        sf_as(&new_client(), &app, "account/register", &[("email", email), ("password", PASSWORD), ("name", "Lea")])
            .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(user::Entity::find().filter(user::Column::Email.eq(email)).count(db).await.unwrap(), 1);
});

#[tokio::test]
async fn an_admin_exports_and_erases_on_request_and_it_is_logged() {
    let app = spawn_app_with(Db::Postgres, |s| s.api.admin_token = Some(TOKEN.into())).await;
    let id = account(&app, "asks@example.com", Role::Customer, None).await;
    account(&app, "helper@example.com", Role::Support, None).await;
    let support = signed_in_client(&app, "helper@example.com").await;
    let admin = |method: reqwest::Method, path: String| new_client().request(method, app.url(&path)).bearer_auth(TOKEN);

    let found: Value = admin(reqwest::Method::GET, "/api/v1/customers?email=ASKS@example.com".into())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(found["id"], id);
    let r = admin(reqwest::Method::GET, "/api/v1/customers?email=nobody@example.com".into()).send().await.unwrap();
    assert_eq!(r.status(), 404);

    let export = format!("/api/v1/customers/{id}/export");
    assert_eq!(support.get(app.url(&export)).send().await.unwrap().status(), 403, "support does not export");
    let r = admin(reqwest::Method::GET, export.clone()).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["account"]["email"], "asks@example.com");

    let erase = format!("/api/v1/customers/{id}/erase");
    assert_eq!(support.post(app.url(&erase)).send().await.unwrap().status(), 403);
    assert_eq!(admin(reqwest::Method::POST, erase.clone()).send().await.unwrap().status(), 200);
    assert_eq!(admin(reqwest::Method::POST, erase).send().await.unwrap().status(), 404, "erased already");
    assert_eq!(admin(reqwest::Method::GET, export).send().await.unwrap().status(), 404, "nothing left to export");

    let log: Value = admin(reqwest::Method::GET, format!("/api/v1/customers/{id}/audit"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let lines: Vec<String> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|l| format!("{} {}", l["actor"].as_str().unwrap(), l["action"].as_str().unwrap()))
        .collect();
    assert_eq!(lines, ["admin:api-token gdpr.erase", "admin:api-token gdpr.export"], "newest first, naming who");

    // The admin page: the old email finds nothing; the erased account shows
    // as erased, with its log.
    let r = new_client().get(app.url("/admin/customers?email=asks@example.com")).send().await.unwrap();
    assert_eq!(r.status(), 401, "the page asks staff to sign in");
    let staff = new_client();
    let (status, ..) = sf_as(&staff, &app, "admin/sign-in", &[("token", TOKEN)]).await;
    assert_eq!(status, 200);
    let html =
        staff.get(app.url("/admin/customers?email=asks@example.com")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("data-testid=\"no-customer\""), "{html}");
    let gone = entities::accounts::privacy::erased_email(entities::UserId::new(id));
    let html =
        staff.get(app.url(&format!("/admin/customers?email={gone}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("data-testid=\"erased\"") && html.contains("gdpr.erase"), "{html}");

    // The page's erase button: the box must be ticked.
    let other = account(&app, "also@example.com", Role::Customer, None).await.to_string();
    let (status, body, _) = sf_as(&staff, &app, "admin/customers/erase", &[("id", &other)]).await;
    assert_eq!(status, 400);
    assert!(body.to_string().contains("confirm"), "{body}");
    let (status, body, _) = sf_as(&staff, &app, "admin/customers/erase", &[("id", &other), ("confirm", "yes")]).await;
    assert_eq!(status, 200);
    assert!(body.as_str().unwrap().starts_with("Erased:"), "{body}");
}

#[tokio::test]
async fn deleting_from_the_privacy_page_signs_out_and_goes_home() {
    let app = spawn_app(Db::Sqlite).await;
    account(&app, "page@example.com", Role::Customer, None).await;
    let client = signed_in_client(&app, "page@example.com").await;
    let html = client.get(app.url("/account/privacy")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("/api/v1/me/data") && html.contains("delete-account-form"), "the page offers both");
    let (status, body, _) = sf_as(&client, &app, "account/delete", &[("password", "wrong password here")]).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.to_string().contains("password"));
    let (status, ..) = sf_as(&new_client(), &app, "admin/customers/find", &[("email", "page@example.com")]).await;
    assert_eq!(status, 401, "nobody signed in finds no one");
    let (status, ..) = sf_as(&client, &app, "admin/customers/erase", &[("id", "1"), ("confirm", "yes")]).await;
    assert_eq!(status, 403, "customers erase no one");
    let (status, _, headers) = sf_as(&client, &app, "account/delete", &[("password", PASSWORD)]).await;
    assert_eq!(status, 200);
    assert_eq!(headers.get("location").and_then(|v| v.to_str().ok()), Some("/?account=deleted"));
    let cleared =
        headers.get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).any(|c| c.starts_with("bazaar_session=;"));
    assert!(cleared, "the session cookie is cleared");
    assert_eq!(client.get(app.url("/api/v1/me")).send().await.unwrap().status(), 401);
}
