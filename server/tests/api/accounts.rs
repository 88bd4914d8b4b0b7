//! Accounts over HTTP: registration with the emailed link, sign-in and its
//! limits, sessions (cookie, idle and absolute ends, sign out everywhere),
//! password reset and change, change of email, CSRF, the guest cart
//! following the shopper, the address book and the order history.
//!
//! Longer than our 600-line guide: the `account` and `signed_in_client`
//! helpers other areas import live here with the flows they were made for.

use crate::helpers::*;
use crate::on_both_databases;
use entities::accounts::Role;
use entities::model::{cart, order, session, user};
use entities::notifications::mail::MailStatus;
use entities::ordering::OrderStatus;
use entities::Email;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};

pub const PASSWORD: &str = "correct horse battery staple";

/// Makes a confirmed account with `role` (vendor staff of `vendor_id`).
pub async fn account(app: &TestApp, email: &str, role: Role, vendor_id: Option<i64>) -> i64 {
    entities::accounts::staff::create_staff(
        &app.shop.db,
        &Email::parse(email).unwrap(),
        "Test Person",
        PASSWORD,
        role,
        vendor_id.map(entities::VendorId::new),
    )
    .await
    .unwrap()
}

/// A new client signed in as `email`.
pub async fn signed_in_client(app: &TestApp, email: &str) -> reqwest::Client {
    let client = new_client();
    let (status, body, _) = sf_as(&client, app, "account/sign-in", &[("email", email), ("password", PASSWORD)]).await;
    assert_eq!(status, 200, "{email} signs in: {body}");
    client
}

async fn me(client: &reqwest::Client, app: &TestApp) -> (u16, Value) {
    let response = client.get(app.url("/api/v1/me")).send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
}

on_both_databases!(a_shopper_registers_confirms_the_email_and_signs_in, |db| async move {
    let app = spawn_app(db).await;
    let client = new_client();
    let email = "Ann.Smith@Example.com";
    let form = [("email", email), ("password", PASSWORD), ("name", "Ann Smith"), ("marketing", "on")];

    let (status, body, _) =
        sf_as(&client, &app, "account/register", &[("email", "nope"), ("password", "short"), ("name", "")]).await;
    assert_eq!(status, 400);
    let text = body.to_string();
    assert!(
        text.contains("email") && text.contains("password") && text.contains("name"),
        "every field's problem: {text}"
    );

    let (status, first, _) = sf_as(&client, &app, "account/register", &form).await;
    assert_eq!(status, 200, "{first}");
    let (status, again, _) = sf_as(&client, &app, "account/register", &form).await;
    assert_eq!((status, &again), (200, &first), "registering a taken email answers the same");
    assert_eq!(
        user::Entity::find().filter(user::Column::Email.eq("ann.smith@example.com")).count(&app.shop.db).await.unwrap(),
        1
    );

    let lower = "ann.smith@example.com";
    let verify = file_mail(&app, lower, "Confirm your email", 0).await;
    let exists = file_mail(&app, lower, "You already have an account", 0).await;
    assert!(exists.contains("/account/forgot"), "the owner is told, with a way back in: {exists}");

    let (status, body, _) = sf_as(&client, &app, "account/sign-in", &[("email", email), ("password", PASSWORD)]).await;
    assert_eq!(status, 409, "not yet confirmed: {body}");
    assert!(body.to_string().contains("confirm your email"), "{body}");

    let link = link_in(&verify, &app.address);
    let path = link.trim_start_matches(&app.address);
    assert!(path.starts_with("/account/verify?token="), "{link}");
    let (status, html) = app.get_html(path).await;
    assert_eq!(status, 200);
    assert!(html.contains("data-testid=\"link-ok\""), "the link confirms the address");
    let (status, html) = app.get_html(path).await;
    assert_eq!(status, 400, "a link works once");
    assert!(html.contains("not valid or has expired"));

    let wrong = sf_as(&client, &app, "account/sign-in", &[("email", email), ("password", "wrong password here")]).await;
    let unknown =
        sf_as(&client, &app, "account/sign-in", &[("email", "nobody@example.com"), ("password", PASSWORD)]).await;
    assert_eq!(wrong.0, 400);
    assert_eq!((wrong.0, &wrong.1), (unknown.0, &unknown.1), "a wrong password and an unknown email look the same");
    assert!(wrong.1.to_string().contains(entities::accounts::credentials::WRONG_CREDENTIALS));
    assert_eq!(me(&client, &app).await.0, 401);

    let (status, _, headers) =
        sf_as(&client, &app, "account/sign-in", &[("email", email), ("password", PASSWORD)]).await;
    assert_eq!(status, 200);
    let cookie = headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("bazaar_session="))
        .expect("a session cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain http here: {cookie}");
    assert!(headers.get("location").is_some_and(|l| l == "/account"), "on to the account: {headers:?}");
    let secret = cookie.trim_start_matches("bazaar_session=").split(';').next().unwrap();
    assert!(
        session::Entity::find_by_id(secret.to_owned()).one(&app.shop.db).await.unwrap().is_none(),
        "the id is not stored"
    );
    assert!(
        session::Entity::find_by_id(entities::kernel::secrets::digest(secret))
            .one(&app.shop.db)
            .await
            .unwrap()
            .is_some(),
        "its digest is"
    );

    let (status, profile) = me(&client, &app).await;
    assert_eq!(status, 200);
    assert_eq!((profile["email"].as_str(), profile["name"].as_str()), (Some(lower), Some("Ann Smith")));
    assert_eq!(profile["marketing_consent"], true);
    let (_, html) = client.get(app.url("/account")).send().await.map(|r| (r.status(), r)).unwrap();
    let html = html.text().await.unwrap();
    assert!(html.contains("data-testid=\"profile-email\"") && html.contains(lower), "the dashboard shows the account");

    let response = client
        .patch(app.url("/api/v1/me"))
        .json(&json!({ "name": "Ann S.", "marketing_consent": false }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let (_, profile) = me(&client, &app).await;
    assert_eq!(
        (profile["name"].as_str(), &profile["marketing_consent"]),
        (Some("Ann S."), &json!(false)),
        "consent withdrawn"
    );

    let (status, _, headers) = sf_as(&client, &app, "account/sign-out", &[]).await;
    assert_eq!(status, 200);
    assert!(headers.get_all("set-cookie").iter().any(|c| c.to_str().unwrap().starts_with("bazaar_session=;")));
    assert_eq!(me(&client, &app).await.0, 401);
    assert_eq!(session::Entity::find().count(&app.shop.db).await.unwrap(), 0, "the session is gone from the store");
});

#[tokio::test]
async fn sign_in_is_limited_per_account_and_per_ip() {
    let app = spawn_app_with(Db::Sqlite, |s| {
        s.accounts.failed_sign_ins_per_account = 3;
        s.accounts.sign_ins_per_ip = 6;
    })
    .await;
    account(&app, "limit@example.com", Role::Customer, None).await;
    account(&app, "other@example.com", Role::Customer, None).await;
    let client = new_client();
    for _ in 0..3 {
        let (status, ..) =
            sf_as(&client, &app, "account/sign-in", &[("email", "limit@example.com"), ("password", "not it at all")])
                .await;
        assert_eq!(status, 400);
    }
    let (status, body, _) =
        sf_as(&client, &app, "account/sign-in", &[("email", "LIMIT@example.com"), ("password", PASSWORD)]).await;
    assert_eq!(status, 429, "the account is paused, even with the right password: {body}");
    assert!(body.to_string().contains("Too many sign-in attempts"), "{body}");
    let (status, ..) =
        sf_as(&client, &app, "account/sign-in", &[("email", "other@example.com"), ("password", PASSWORD)]).await;
    assert_eq!(status, 200, "another account from the same address still signs in");
    let (status, ..) =
        sf_as(&client, &app, "account/sign-in", &[("email", "other@example.com"), ("password", PASSWORD)]).await;
    assert_eq!(status, 200);
    let (status, ..) =
        sf_as(&client, &app, "account/sign-in", &[("email", "other@example.com"), ("password", PASSWORD)]).await;
    assert_eq!(status, 429, "the seventh attempt from one IP address is refused");
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_ip_limit_counts_each_shopper() {
    let app = spawn_app_with(Db::Sqlite, |s| {
        s.accounts.sign_ins_per_ip = 2;
        s.server.trusted_proxies = vec!["127.0.0.0/8".into()];
    })
    .await;
    account(&app, "proxied@example.com", Role::Customer, None).await;
    let attempt = |forwarded: &'static str| {
        let url = app.url("/_sf/account/sign-in");
        async move {
            new_client()
                .post(url)
                .header("accept", "application/json")
                .header("x-forwarded-for", forwarded)
                .form(&[("email", "proxied@example.com"), ("password", PASSWORD)])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(attempt("203.0.113.1").await, 200);
    assert_eq!(attempt("203.0.113.1").await, 200);
    assert_eq!(attempt("203.0.113.1").await, 429, "one shopper's third attempt");
    assert_eq!(attempt("203.0.113.2").await, 200, "another shopper behind the same proxy is not limited");
    assert_eq!(attempt("198.51.100.9, 203.0.113.1").await, 429, "a spoofed first entry changes nothing");
    // A proxy that adds its own header line: the client's line comes first.
    let two_lines = new_client()
        .post(app.url("/_sf/account/sign-in"))
        .header("accept", "application/json")
        .header("x-forwarded-for", "203.0.113.1")
        .header("x-forwarded-for", "203.0.113.5")
        .form(&[("email", "proxied@example.com"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(two_lines.status(), 200, "the proxy's line names the shopper");

    // Without trusting the proxy, the header is ignored: one address, one limit.
    let strict = spawn_app_with(Db::Sqlite, |s| s.accounts.sign_ins_per_ip = 2).await;
    account(&strict, "direct@example.com", Role::Customer, None).await;
    let mut statuses = Vec::new();
    for forwarded in ["203.0.113.1", "203.0.113.2", "203.0.113.3"] {
        let r = new_client()
            .post(strict.url("/_sf/account/sign-in"))
            .header("accept", "application/json")
            .header("x-forwarded-for", forwarded)
            .form(&[("email", "direct@example.com"), ("password", PASSWORD)])
            .send()
            .await
            .unwrap();
        statuses.push(r.status().as_u16());
    }
    assert_eq!(statuses, [200, 200, 429], "a made-up header does not escape the limit");
}

#[tokio::test]
async fn a_password_reset_by_emailed_link_signs_out_every_device() {
    let app = spawn_app(Db::Sqlite).await;
    account(&app, "reset@example.com", Role::Customer, None).await;
    let phone = signed_in_client(&app, "reset@example.com").await;
    let laptop = signed_in_client(&app, "reset@example.com").await;

    let known = sf_as(&app.client, &app, "account/forgot", &[("email", "reset@example.com")]).await;
    let unknown = sf_as(&app.client, &app, "account/forgot", &[("email", "ghost@example.com")]).await;
    assert_eq!((known.0, &known.1), (unknown.0, &unknown.1), "the same answer whether the email has an account");
    assert_eq!(known.0, 200);
    let mail = file_mail(&app, "reset@example.com", "Set a new password", 0).await;
    let link = link_in(&mail, &app.address);
    let token = link.split("token=").nth(1).unwrap().to_owned();
    let (status, html) = app.get_html(link.trim_start_matches(&app.address)).await;
    assert_eq!(status, 200);
    assert!(html.contains("name=\"token\""), "the page is a form; opening the link uses nothing");

    let (status, body, _) =
        sf_as(&app.client, &app, "account/reset", &[("token", &token), ("password", "short")]).await;
    assert_eq!(status, 400);
    assert!(body.to_string().contains("at least 12"), "{body}");
    let new_password = "a brand new passphrase";
    let (status, ..) =
        sf_as(&app.client, &app, "account/reset", &[("token", &token), ("password", new_password)]).await;
    assert_eq!(status, 200);
    assert_eq!(me(&phone, &app).await.0, 401, "every device is signed out");
    assert_eq!(me(&laptop, &app).await.0, 401);
    let (status, ..) =
        sf_as(&app.client, &app, "account/reset", &[("token", &token), ("password", "yet another passphrase")]).await;
    assert_eq!(status, 400, "the link works once");
    let (status, ..) =
        sf_as(&phone, &app, "account/sign-in", &[("email", "reset@example.com"), ("password", PASSWORD)]).await;
    assert_eq!(status, 400, "the old password is gone");
    let (status, ..) =
        sf_as(&phone, &app, "account/sign-in", &[("email", "reset@example.com"), ("password", new_password)]).await;
    assert_eq!(status, 200);
    file_mail(&app, "reset@example.com", "Your Bazaar password was changed", 0).await;
    let delivery = entities::notifications::mail::deliveries_to(&app.shop, "reset@example.com").await.unwrap();
    let reset = delivery.iter().find(|d| d.kind == "password_reset").unwrap();
    assert_eq!(reset.status, MailStatus::Sent);
    let kept = entities::model::email::Entity::find()
        .filter(entities::model::email::Column::Kind.eq("password_reset"))
        .one(&app.shop.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(kept.body, "", "the queue keeps no working link once sent");
}

#[tokio::test]
async fn changing_the_password_and_the_email() {
    let app = spawn_app(Db::Sqlite).await;
    account(&app, "change@example.com", Role::Customer, None).await;
    account(&app, "taken@example.com", Role::Customer, None).await;
    let here = signed_in_client(&app, "change@example.com").await;
    let elsewhere = signed_in_client(&app, "change@example.com").await;

    let (status, body, _) =
        sf_as(&here, &app, "account/password", &[("current_password", "not my password"), ("new_password", "x")]).await;
    assert_eq!(status, 400);
    let text = body.to_string();
    assert!(text.contains("current_password") && text.contains("new_password"), "{text}");
    let new_password = "another fine passphrase";
    let (status, ..) =
        sf_as(&here, &app, "account/password", &[("current_password", PASSWORD), ("new_password", new_password)]).await;
    assert_eq!(status, 200);
    assert_eq!(me(&here, &app).await.0, 200, "this device stays signed in, with a new session");
    assert_eq!(me(&elsewhere, &app).await.0, 401, "other devices are signed out");

    let (status, body, _) =
        sf_as(&here, &app, "account/email", &[("new_email", "new@example.com"), ("password", PASSWORD)]).await;
    assert_eq!(status, 400, "the password is checked: {body}");
    let (status, ..) =
        sf_as(&here, &app, "account/email", &[("new_email", "taken@example.com"), ("password", new_password)]).await;
    assert_eq!(status, 200, "a taken address answers the same");
    file_mail(&app, "taken@example.com", "Someone tried to use your address", 0).await;
    let (status, ..) =
        sf_as(&here, &app, "account/email", &[("new_email", "New@Example.com"), ("password", new_password)]).await;
    assert_eq!(status, 200);
    file_mail(&app, "change@example.com", "A change of your Bazaar email was asked for", 0).await;
    let mail = file_mail(&app, "new@example.com", "Confirm your new email", 0).await;
    assert_eq!(me(&here, &app).await.1["email"], "change@example.com", "nothing changes before the link is opened");
    let link = link_in(&mail, &app.address);
    let (status, html) = app.get_html(link.trim_start_matches(&app.address)).await;
    assert_eq!(status, 200, "{html}");
    assert_eq!(me(&here, &app).await.1["email"], "new@example.com");
    let (status, ..) =
        sf_as(&new_client(), &app, "account/sign-in", &[("email", "new@example.com"), ("password", new_password)])
            .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn sessions_end_when_idle_at_their_absolute_end_and_everywhere_at_once() {
    let app = spawn_app_with(Db::Sqlite, |s| {
        s.accounts.session_idle_hours = 1;
        s.accounts.session_absolute_hours = 24;
    })
    .await;
    account(&app, "idle@example.com", Role::Customer, None).await;
    let idle = signed_in_client(&app, "idle@example.com").await;
    let old = signed_in_client(&app, "idle@example.com").await;
    let fresh = signed_in_client(&app, "idle@example.com").await;
    let rows = session::Entity::find().all(&app.shop.db).await.unwrap();
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(|r| r.expires_at - r.created_at == chrono::Duration::hours(24)));
    // Make one idle for two hours and another past its absolute end.
    let now = chrono::Utc::now();
    session::Entity::update_many()
        .col_expr(session::Column::LastSeenAt, Expr::value(now - chrono::Duration::hours(2)))
        .filter(session::Column::IdHash.eq(rows[0].id_hash.clone()))
        .exec(&app.shop.db)
        .await
        .unwrap();
    session::Entity::update_many()
        .col_expr(session::Column::ExpiresAt, Expr::value(now - chrono::Duration::minutes(1)))
        .filter(session::Column::IdHash.eq(rows[1].id_hash.clone()))
        .exec(&app.shop.db)
        .await
        .unwrap();
    let statuses = [me(&idle, &app).await.0, me(&old, &app).await.0, me(&fresh, &app).await.0];
    let mut sorted = statuses;
    sorted.sort_unstable();
    assert_eq!(sorted, [200, 401, 401], "the idle and the expired session end, the fresh one lasts");

    let (status, ended, _) = sf_as(&fresh, &app, "account/sign-out-everywhere", &[]).await;
    assert_eq!(status, 200);
    assert!(ended.as_u64().is_some_and(|n| n >= 1), "{ended}");
    assert_eq!(me(&fresh, &app).await.0, 401);
    let user = user::Entity::find()
        .filter(user::Column::Email.eq("idle@example.com"))
        .one(&app.shop.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        session::Entity::find().filter(session::Column::UserId.eq(user.id)).count(&app.shop.db).await.unwrap(),
        0
    );
}

#[tokio::test]
async fn a_state_changing_request_from_another_site_acts_as_nobody() {
    let app = spawn_app(Db::Sqlite).await;
    account(&app, "csrf@example.com", Role::Customer, None).await;
    let client = signed_in_client(&app, "csrf@example.com").await;
    let forged = client
        .post(app.url("/_sf/account/profile/update"))
        .header("accept", "application/json")
        .header("origin", "http://evil.example")
        .header("sec-fetch-site", "cross-site")
        .form(&[("name", "Hacked")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 401, "the session cookie is ignored");
    let forged = client
        .patch(app.url("/api/v1/me"))
        .header("origin", "http://evil.example")
        .json(&json!({ "name": "Hacked", "marketing_consent": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 401, "the REST API too (Origin of another host)");
    let (_, profile) = me(&client, &app).await;
    assert_eq!(profile["name"], "Test Person", "nothing changed");
    let login = new_client()
        .post(app.url("/_sf/account/sign-in"))
        .header("accept", "application/json")
        .header("sec-fetch-site", "cross-site")
        .form(&[("email", "csrf@example.com"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 403, "no signing in from another site's form");
    let same = client
        .post(app.url("/_sf/account/profile/update"))
        .header("accept", "application/json")
        .header("sec-fetch-site", "same-origin")
        .form(&[("name", "Still Me")])
        .send()
        .await
        .unwrap();
    assert_eq!(same.status(), 200, "the shop's own pages work");
}

pub async fn add_to_cart(client: &reqwest::Client, app: &TestApp, variant: i64, quantity: i32) {
    let (status, body, _) =
        sf_as(client, app, "cart/add", &[("variant_id", &variant.to_string()), ("quantity", &quantity.to_string())])
            .await;
    assert_eq!(status, 200, "{body}");
}

/// Places an order as the signed-in `client` for one unit of variant
/// `variant` (shipped to the Netherlands); answers its public id.
pub async fn order_as(client: &reqwest::Client, app: &TestApp, email: &str, variant: i64) -> String {
    add_to_cart(client, app, variant, 1).await;
    let key = uuid::Uuid::new_v4().to_string();
    let form = [
        ("idempotency_key", key.as_str()),
        ("details[email]", email),
        ("details[shipping_address][name]", "Ann Smith"),
        ("details[shipping_address][line1]", "Main St 1"),
        ("details[shipping_address][line2]", ""),
        ("details[shipping_address][postal_code]", "1000"),
        ("details[shipping_address][city]", "Town"),
        ("details[shipping_address][country]", "NL"),
        ("details[coupon]", ""),
    ];
    let (status, placed, _) = sf_as(client, app, "checkout/place", &form).await;
    assert_eq!(status, 200, "{placed}");
    placed["id"].as_str().unwrap().to_owned()
}

/// Moves order `public_id` to `status` directly (a test's short cut past
/// payment and fulfilment).
pub async fn set_order_status(app: &TestApp, public_id: &str, status: OrderStatus) {
    order::Entity::update_many()
        .col_expr(order::Column::Status, Expr::value(status))
        .filter(order::Column::PublicId.eq(uuid::Uuid::parse_str(public_id).unwrap()))
        .exec(&app.shop.db)
        .await
        .unwrap();
}

fn cart_cookie(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("bazaar_cart="))
        .map(|c| c.split(';').next().unwrap().to_owned())
}

#[tokio::test]
async fn the_guest_cart_follows_the_shopper_into_the_account() {
    let app = spawn_app(Db::Sqlite).await;
    let me_id = account(&app, "cart@example.com", Role::Customer, None).await;
    let (first, _) = variant_for_sale(&app, 5, None).await;
    let client = new_client();
    add_to_cart(&client, &app, first.id, 2).await;
    let (status, _, headers) =
        sf_as(&client, &app, "account/sign-in", &[("email", "cart@example.com"), ("password", PASSWORD)]).await;
    assert_eq!(status, 200);
    let kept = cart_cookie(&headers).expect("the cart cookie is set again");
    let owned =
        cart::Entity::find_by_id(uuid::Uuid::parse_str(&kept).unwrap()).one(&app.shop.db).await.unwrap().unwrap();
    assert_eq!(owned.user_id, Some(me_id), "the guest cart became the account's");

    let (_, _, headers) = sf_as(&client, &app, "account/sign-out", &[]).await;
    assert!(
        headers.get_all("set-cookie").iter().any(|c| c.to_str().unwrap().starts_with("bazaar_cart=;")),
        "the cart leaves with the shopper"
    );
    let (_, html) = {
        let r = client.get(app.url("/cart")).send().await.unwrap();
        (r.status(), r.text().await.unwrap())
    };
    assert!(html.contains("data-testid=\"cart-empty\""), "a signed-out browser shows no cart");

    add_to_cart(&client, &app, first.id, 1).await;
    let (status, _, headers) =
        sf_as(&client, &app, "account/sign-in", &[("email", "cart@example.com"), ("password", PASSWORD)]).await;
    assert_eq!(status, 200);
    let merged = uuid::Uuid::parse_str(&cart_cookie(&headers).unwrap()).unwrap();
    let view = entities::ordering::cart::view(&app.shop, merged).await.unwrap();
    assert_eq!(view.lines.len(), 1);
    assert_eq!(view.lines[0].quantity, 3, "the kept cart and the new guest cart are merged");
    let other_device = signed_in_client(&app, "cart@example.com").await;
    let r = other_device.get(app.url("/cart")).send().await.unwrap();
    assert!(r.text().await.unwrap().contains(&first.sku), "signing in elsewhere brings the account's cart");
}

#[tokio::test]
async fn orders_placed_while_signed_in_are_shown_to_their_customer_only() {
    let app =
        spawn_app_with(Db::Sqlite, |s| s.api.admin_token = Some("matrix-admin-token-0123456789abcdef".into())).await;
    let owner_id = account(&app, "owner@example.com", Role::Customer, None).await;
    account(&app, "stranger@example.com", Role::Customer, None).await;
    let owner = signed_in_client(&app, "owner@example.com").await;
    let stranger = signed_in_client(&app, "stranger@example.com").await;
    let (v, _) = variant_for_sale(&app, 3, None).await;

    let history = owner.get(app.url("/api/v1/me/orders")).send().await.unwrap().json::<Value>().await.unwrap();
    assert_eq!(history["orders"], json!([]), "an empty history");
    let (status, html) = {
        let r = owner.get(app.url("/account/orders")).send().await.unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    };
    assert_eq!(status, 200);
    assert!(html.contains("data-testid=\"no-orders\""), "the empty state");

    add_to_cart(&owner, &app, v.id, 1).await;
    let form = [
        ("idempotency_key", "signed-in-order-0001"),
        ("details[email]", "owner@example.com"),
        ("details[shipping_address][name]", "Owner"),
        ("details[shipping_address][line1]", "Main St 1"),
        ("details[shipping_address][line2]", ""),
        ("details[shipping_address][postal_code]", "1000"),
        ("details[shipping_address][city]", "Town"),
        ("details[shipping_address][country]", "NL"),
        ("details[coupon]", ""),
    ];
    let (status, placed, _) = sf_as(&owner, &app, "checkout/place", &form).await;
    assert_eq!(status, 200, "{placed}");
    let id = placed["id"].as_str().unwrap().to_owned();
    let row = order::Entity::find().filter(order::Column::UserId.eq(owner_id)).one(&app.shop.db).await.unwrap();
    assert!(row.is_some(), "the order is the account's");

    let history = owner.get(app.url("/api/v1/me/orders")).send().await.unwrap().json::<Value>().await.unwrap();
    assert_eq!(history["orders"][0]["id"], id.as_str());
    assert_eq!(history["orders"][0]["units"], 1);
    let html = owner.get(app.url("/account/orders")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains(&format!("/orders/{id}")), "the history links the order");
    assert!(stranger
        .get(app.url("/api/v1/me/orders"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .contains("\"orders\":[]"));

    let path = format!("/api/v1/orders/{id}");
    assert_eq!(owner.get(app.url(&path)).send().await.unwrap().status(), 200);
    assert_eq!(stranger.get(app.url(&path)).send().await.unwrap().status(), 404, "another customer: no such order");
    assert_eq!(new_client().get(app.url(&path)).send().await.unwrap().status(), 404, "nobody signed in: no such order");
    let staff =
        new_client().get(app.url(&path)).bearer_auth("matrix-admin-token-0123456789abcdef").send().await.unwrap();
    assert_eq!(staff.status(), 200, "staff read it");
    let r = stranger.get(app.url(&format!("/orders/{id}"))).send().await.unwrap();
    assert_eq!(r.status(), 404, "the order page too");
    let guest = place_unpaid_order(&app, "guest@example.com", None).await;
    assert_eq!(
        stranger.get(app.url(&format!("/api/v1/orders/{guest}"))).send().await.unwrap().status(),
        200,
        "a guest order is read by its id"
    );
}

#[tokio::test]
async fn the_address_book_keeps_one_default_of_each_kind() {
    let app = spawn_app(Db::Sqlite).await;
    account(&app, "book@example.com", Role::Customer, None).await;
    account(&app, "nosy@example.com", Role::Customer, None).await;
    let client = signed_in_client(&app, "book@example.com").await;
    let nosy = signed_in_client(&app, "nosy@example.com").await;
    let home = json!({ "name": "Ann", "line1": "Main St 1", "postal_code": "1000", "city": "Town", "country": "nl" });

    let bad = client.post(app.url("/api/v1/me/addresses")).json(&json!({ "name": "", "line1": "x", "postal_code": "1", "city": "c", "country": "Netherlands", "phone": "call me" })).send().await.unwrap();
    assert_eq!(bad.status(), 400);
    let text = bad.text().await.unwrap();
    assert!(
        text.contains("address.name") && text.contains("address.country") && text.contains("address.phone"),
        "{text}"
    );

    let first: Value =
        client.post(app.url("/api/v1/me/addresses")).json(&home).send().await.unwrap().json().await.unwrap();
    assert_eq!(
        (first["country"].as_str(), &first["default_shipping"], &first["default_billing"]),
        (Some("NL"), &json!(true), &json!(true)),
        "the first is both defaults"
    );
    let mut work = home.clone();
    work["line1"] = json!("Office Park 9");
    work["default_shipping"] = json!(true);
    let second: Value =
        client.post(app.url("/api/v1/me/addresses")).json(&work).send().await.unwrap().json().await.unwrap();
    let list: Value = client.get(app.url("/api/v1/me/addresses")).send().await.unwrap().json().await.unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2);
    let by_id = |id: &Value| list.as_array().unwrap().iter().find(|a| a["id"] == *id).unwrap().clone();
    assert_eq!(by_id(&second["id"])["default_shipping"], true);
    assert_eq!(by_id(&first["id"])["default_shipping"], false, "one default shipping address");
    assert_eq!(by_id(&first["id"])["default_billing"], true);

    let path = format!("/api/v1/me/addresses/{}", first["id"]);
    assert_eq!(
        nosy.patch(app.url(&path)).json(&home).send().await.unwrap().status(),
        404,
        "another's address does not exist"
    );
    assert_eq!(nosy.delete(app.url(&path)).send().await.unwrap().status(), 404);
    assert_eq!(new_client().get(app.url("/api/v1/me/addresses")).send().await.unwrap().status(), 401);

    let response = client.delete(app.url(&path)).send().await.unwrap();
    assert_eq!(response.status(), 204);
    let list: Value = client.get(app.url("/api/v1/me/addresses")).send().await.unwrap().json().await.unwrap();
    assert_eq!(list[0]["default_billing"], true, "the billing default passed on");
    for n in 0..19 {
        let mut a = home.clone();
        a["line1"] = json!(format!("Street {n}"));
        assert_eq!(client.post(app.url("/api/v1/me/addresses")).json(&a).send().await.unwrap().status(), 201);
    }
    assert_eq!(
        client.post(app.url("/api/v1/me/addresses")).json(&home).send().await.unwrap().status(),
        409,
        "at most 20"
    );

    let html = client.get(app.url("/account/addresses")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Office Park 9") && html.contains("Default shipping"), "the page lists them");
}

#[tokio::test]
async fn the_dashboard_asks_to_sign_in_first() {
    let app = spawn_app(Db::Sqlite).await;
    for path in ["/account", "/account/addresses", "/account/orders"] {
        let (status, html) = app.get_html(path).await;
        assert_eq!(status, 401, "{path}");
        assert!(html.contains("data-testid=\"please-sign-in\""), "{path}");
    }
    for path in ["/account/sign-in", "/account/register", "/account/forgot"] {
        let (status, html) = app.get_html(path).await;
        assert_eq!(status, 200, "{path}");
        assert!(html.contains("<form") && html.contains("<label"), "{path} is a labelled form");
    }
    let (_, html) = app.get_html("/").await;
    assert!(html.contains("data-testid=\"sign-in-link\""), "the header offers to sign in");
}
