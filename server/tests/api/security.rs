//! The security review's findings (issue 15), each pinned by a test that
//! failed before its fix: links that outlive a password reset, secrets
//! left in the mail queue, and the answers of unauthenticated writes.

use crate::accounts::{account, signed_in_client, PASSWORD};
use crate::helpers::*;
use entities::accounts::Role;
use entities::kernel::access::{Actor, Principal};
use entities::model::{email, vendor};
use entities::notifications::mail::MailStatus;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

const ADMIN: Actor = Actor::Admin { by: Principal::ApiToken };

#[tokio::test]
async fn a_password_reset_voids_an_email_change_asked_for_before_it() {
    // Someone who briefly had the password asks to move the account to
    // their address, and waits for the owner's reset to confirm it.
    let app = spawn_app(Db::Sqlite).await;
    account(&app, "owner@example.com", Role::Customer, None).await;
    let intruder = signed_in_client(&app, "owner@example.com").await;
    let (status, ..) =
        sf_as(&intruder, &app, "account/email", &[("new_email", "thief@example.com"), ("password", PASSWORD)]).await;
    assert_eq!(status, 200);
    let change = link_in(&file_mail(&app, "thief@example.com", "Confirm your new email", 0).await, &app.address);

    let (status, ..) = sf_as(&app.client, &app, "account/forgot", &[("email", "owner@example.com")]).await;
    assert_eq!(status, 200);
    let reset = link_in(&file_mail(&app, "owner@example.com", "Set a new password", 0).await, &app.address);
    let token = reset.split("token=").nth(1).unwrap().to_owned();
    let (status, body, _) =
        sf_as(&app.client, &app, "account/reset", &[("token", &token), ("password", "a brand new passphrase")]).await;
    assert_eq!(status, 200, "{body}");

    let (status, html) = app.get_html(change.trim_start_matches(&app.address)).await;
    assert_ne!(status, 200, "the change link is void: {html}");
    let owner = sf_as(
        &new_client(),
        &app,
        "account/sign-in",
        &[("email", "owner@example.com"), ("password", "a brand new passphrase")],
    )
    .await;
    assert_eq!(owner.0, 200, "the account keeps its address: {}", owner.1);
}

#[tokio::test]
async fn a_password_change_voids_outstanding_links_too() {
    let app = spawn_app(Db::Sqlite).await;
    account(&app, "mover@example.com", Role::Customer, None).await;
    let me = signed_in_client(&app, "mover@example.com").await;
    let (status, ..) =
        sf_as(&me, &app, "account/email", &[("new_email", "elsewhere@example.com"), ("password", PASSWORD)]).await;
    assert_eq!(status, 200);
    let change = link_in(&file_mail(&app, "elsewhere@example.com", "Confirm your new email", 0).await, &app.address);
    let (status, ..) = sf_as(
        &me,
        &app,
        "account/password",
        &[("current_password", PASSWORD), ("new_password", "another long passphrase")],
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = app.get_html(change.trim_start_matches(&app.address)).await;
    assert_ne!(status, 200, "asked for before the change of password");
}

/// The stored body of the one email of `kind`, once the mail worker is done
/// with it.
async fn kept_body(app: &TestApp, kind: &str) -> String {
    for _ in 0..200 {
        let row = email::Entity::find().filter(email::Column::Kind.eq(kind)).one(&app.shop.db).await.unwrap();
        if let Some(row) = row.filter(|r| r.status != MailStatus::Queued) {
            assert_eq!(row.status, MailStatus::Sent);
            return row.body;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no {kind} email sent within 10 s");
}

#[tokio::test]
async fn staff_invitations_and_store_credit_codes_leave_the_mail_queue_once_sent() {
    let app = spawn_app(Db::Sqlite).await;
    entities::accounts::staff::invite_staff(&app.shop, ADMIN, "new.staff@example.com", "New Staff", "support", None)
        .await
        .unwrap();
    let invitation = file_mail(&app, "new.staff@example.com", "You are invited", 0).await;
    assert!(invitation.contains("token="), "the mail itself carries the link");
    assert_eq!(kept_body(&app, "invitation").await, "", "the set-password link is not kept");

    account(&app, "credit.owner@example.com", Role::Customer, None).await;
    let issued = entities::payments::gift_cards::issue(
        &app.shop,
        ADMIN,
        entities::payments::NewGiftCard {
            amount_minor: 2_500,
            currency: "EUR".into(),
            customer_email: Some("credit.owner@example.com".into()),
            expires_at: None,
            note: String::new(),
        },
    )
    .await
    .unwrap();
    let mail = file_mail(&app, "credit.owner@example.com", "Bazaar: you have store credit", 0).await;
    assert!(mail.contains(&issued.code), "the owner gets the code");
    let kept = kept_body(&app, "store_credit").await;
    assert!(!kept.contains(&issued.code), "the code is kept only hashed: {kept}");
}

#[tokio::test]
async fn every_operation_that_needs_credentials_answers_401_before_reading_anything() {
    // Before: `POST /api/v1/products` without credentials answered 400 (its
    // body was validated first) and deletes of unknown ids answered 404.
    let app = spawn_app(Db::Sqlite).await;
    let (status, _, doc) = get_json(&app, "/api/openapi.json").await;
    assert_eq!(status, 200);
    let mut checked = 0;
    let mut failures = Vec::new();
    for (template, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let needs = op["security"]
                .as_array()
                .is_some_and(|all| !all.is_empty() && all.iter().all(|r| r.as_object().is_some_and(|r| !r.is_empty())));
            if !needs {
                continue;
            }
            // Unknown ids, a malformed query and a body that is not JSON: all
            // of it would be refused, but credentials come first.
            let path = template
                .split('/')
                .map(|part| if part.starts_with('{') { "999999" } else { part })
                .collect::<Vec<_>>()
                .join("/");
            let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            for bearer in [None, Some("not-the-admin-token")] {
                let mut request = app
                    .client
                    .request(method.clone(), app.url(&format!("{path}?page=-1&limit=abc")))
                    .header("content-type", "application/json")
                    .body("{not json");
                if let Some(token) = bearer {
                    request = request.bearer_auth(token);
                }
                let response = request.send().await.unwrap();
                let status = response.status().as_u16();
                let kind =
                    response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
                if status != 401 || kind != "application/problem+json" {
                    failures.push(format!("{method} {template} (bearer {bearer:?}): {status} {kind}"));
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 80, "the document lists the protected operations ({checked})");
    assert!(failures.is_empty(), "{} answered before checking credentials:\n{}", failures.len(), failures.join("\n"));
}

#[tokio::test]
async fn vendor_staff_cannot_read_a_whole_order_through_its_payments() {
    // Vendor staff see the public ids of the orders they take part in; the
    // payment routes answered the full order (email, address, every
    // vendor's lines) to anyone holding the id.
    let app = spawn_app(Db::Sqlite).await;
    let id = place_unpaid_order(&app, "shopper@example.com", None).await;
    let (status, _, order) = get_json(&app, &format!("/api/v1/orders/{id}")).await;
    assert_eq!(status, 200, "the guest reads it by its id");
    let slug = order["sub_orders"][0]["vendor"].as_str().expect("a vendor");
    let vendor_id =
        vendor::Entity::find().filter(vendor::Column::Slug.eq(slug)).one(&app.shop.db).await.unwrap().unwrap().id;
    account(&app, "seller@example.com", Role::VendorStaff, Some(vendor_id)).await;
    let seller = signed_in_client(&app, "seller@example.com").await;

    for (method, path) in [
        ("GET", format!("/api/v1/orders/{id}")),
        ("POST", format!("/api/v1/orders/{id}/payments/settle")),
        ("POST", format!("/api/v1/orders/{id}/payments?provider=test")),
    ] {
        let response = seller
            .request(reqwest::Method::from_bytes(method.as_bytes()).unwrap(), app.url(&path))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        assert_eq!(status, 404, "{method} {path}: {text}");
        assert!(!text.contains("shopper@example.com"), "{method} {path} shows the shopper: {text}");
    }
    let confirm = seller
        .post(app.url(&format!("/api/v1/orders/{id}/payments/confirm")))
        .json(&serde_json::json!({ "payment_method": "pm_card_visa" }))
        .send()
        .await
        .unwrap();
    assert_eq!(confirm.status(), 404);
    let (status, own) = {
        let r = seller.get(app.url(&format!("/api/v1/vendor/orders/{id}"))).send().await.unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    };
    assert_eq!(status, 200, "the vendor's own view still works: {own}");
    assert!(!own.contains("shopper@example.com"), "and it hides the shopper's email: {own}");

    // The guest still pays with the id alone.
    let r = new_client().post(app.url(&format!("/api/v1/orders/{id}/payments/settle"))).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let settled: serde_json::Value = r.json().await.unwrap();
    assert_eq!(settled["id"], id.as_str());
}

#[tokio::test]
async fn every_answer_carries_the_security_headers_and_pages_a_nonce_policy() {
    let app = spawn_app(Db::Sqlite).await;
    let page = app.get("/").await;
    assert_eq!(page.status(), 200);
    let headers = page.headers().clone();
    let html = page.text().await.unwrap();
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "strict-origin-when-cross-origin"),
        ("cross-origin-opener-policy", "same-origin"),
    ] {
        assert_eq!(headers.get(name).and_then(|v| v.to_str().ok()), Some(value), "{name}");
    }
    let policy = headers["content-security-policy"].to_str().unwrap();
    let nonce = policy.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next()).expect("a nonce");
    assert!(nonce.len() >= 16, "{policy}");
    assert!(policy.contains("'strict-dynamic'") && policy.contains("frame-ancestors 'none'"), "{policy}");
    assert!(!policy.contains("'unsafe-inline' 'unsafe-eval'") && !policy.contains("script-src 'self' 'unsafe-inline'"));
    assert!(html.contains(&format!("nonce=\"{nonce}\"")), "the page's own scripts carry the nonce");
    let again = app.get("/").await;
    assert_ne!(again.headers()["content-security-policy"].to_str().unwrap(), policy, "a fresh nonce per page");
    assert!(headers.get("strict-transport-security").is_none(), "not over plain HTTP");

    let json = app.get("/api/v1/products?limit=1").await;
    assert_eq!(json.headers()["x-content-type-options"], "nosniff");
    assert!(json.headers()["content-security-policy"].to_str().unwrap().starts_with("default-src 'none'"));
    let missing = app.get("/api/v1/no-such-thing").await;
    assert_eq!(missing.headers()["x-frame-options"], "DENY", "errors too");

    let https = spawn_app_with(Db::Sqlite, |s| s.server.public_url = Some("https://shop.example".into())).await;
    let page = https.get("/healthz").await;
    assert_eq!(page.headers()["strict-transport-security"], "max-age=31536000; includeSubDomains");
}

#[tokio::test]
async fn metrics_answer_only_their_scraper() {
    let closed = spawn_app(Db::Sqlite).await;
    assert_eq!(closed.get("/metrics").await.status(), 404, "not served without a token");
    let app = spawn_app_with(Db::Sqlite, |s| s.api.metrics_token = Some("scrape-me-0123456789".into())).await;
    assert_eq!(app.get("/metrics").await.status(), 401);
    let wrong = app.client.get(app.url("/metrics")).bearer_auth("scrape-me-wrong").send().await.unwrap();
    assert_eq!(wrong.status(), 401);
    let right = app.client.get(app.url("/metrics")).bearer_auth("scrape-me-0123456789").send().await.unwrap();
    assert_eq!(right.status(), 200);
    assert!(right.text().await.unwrap().contains("http_requests_total"));
}

#[tokio::test]
async fn a_connection_that_never_finishes_its_request_head_is_closed() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app_with(Db::Sqlite, |s| s.limits.header_read_timeout_secs = 1).await;
    let address = app.address.trim_start_matches("http://").to_owned();
    let mut slow = tokio::net::TcpStream::connect(&address).await.unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\nHost: shop\r\nX-Slow: ").await.unwrap();
    // Held open for ever before: read until the server closes, or give up.
    let mut buffer = Vec::new();
    let closed = tokio::time::timeout(std::time::Duration::from_secs(20), slow.read_to_end(&mut buffer)).await;
    assert!(closed.is_ok(), "the server still holds a half-sent request after 20 s");
    let mut silent = tokio::net::TcpStream::connect(&address).await.unwrap();
    let closed = tokio::time::timeout(std::time::Duration::from_secs(20), silent.read_to_end(&mut buffer)).await;
    assert!(closed.is_ok(), "the server still holds a connection that never spoke after 20 s");
}

#[tokio::test]
async fn bodies_over_the_limit_are_refused_before_they_are_read() {
    let app = spawn_app_with(Db::Sqlite, |s| s.limits.body_bytes = 64 * 1024).await;
    let big = vec![b'a'; 200 * 1024];
    // A server function, an API route and the admin upload (anonymous).
    for path in ["/_sf/cart/add", "/api/v1/checkout/quote"] {
        let response = app
            .client
            .post(app.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(big.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 413, "{path}");
    }
    // Sent in chunks without a length: cut off as it streams in.
    let chunks = futures::stream::iter((0..50).map(|_| Ok::<_, std::io::Error>(vec![b'a'; 8 * 1024])));
    let response = app
        .client
        .post(app.url("/api/v1/checkout/quote"))
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);

    // Uploads: anonymous and customers are refused before any of the form.
    let form = || {
        reqwest::multipart::Form::new()
            .text("product_id", "1")
            .part("files", reqwest::multipart::Part::bytes(vec![0_u8; 1024 * 1024]).file_name("x.png"))
    };
    let anonymous = new_client().post(app.url("/_sf/admin/images/upload")).multipart(form()).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    account(&app, "customer@example.com", Role::Customer, None).await;
    let customer = signed_in_client(&app, "customer@example.com").await;
    let refused = customer.post(app.url("/_sf/admin/images/upload")).multipart(form()).send().await.unwrap();
    assert_eq!(refused.status(), 403);
    let refused = customer.post(app.url("/api/v1/products/1/images")).multipart(form()).send().await.unwrap();
    assert_eq!(refused.status(), 403);
}

#[tokio::test]
async fn writes_past_the_limit_answer_429_with_retry_after() {
    let app = spawn_app_with(Db::Sqlite, |s| {
        s.limits.writes_per_minute = 5;
        s.limits.account_emails_per_hour = 2;
    })
    .await;
    let (v, _) = variant_for_sale(&app, 2, None).await;
    let id = v.id.to_string();
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let (status, _, headers) =
            sf_as(&app.client, &app, "cart/add", &[("variant_id", &id), ("quantity", "1")]).await;
        statuses.push(status);
        if status == 429 {
            let retry: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
            assert!((1..=60).contains(&retry), "{retry}");
        }
    }
    assert_eq!(statuses, [200, 200, 200, 200, 200, 429]);
    assert_eq!(app.get("/").await.status(), 200, "reading goes on");

    // Registration has its own, stricter limit: before, each request ran
    // argon2 and could mail someone.
    let fresh = spawn_app_with(Db::Sqlite, |s| s.limits.account_emails_per_hour = 2).await;
    let mut statuses = Vec::new();
    for n in 0..3 {
        let email = format!("flood{n}@example.com");
        let form = [("email", email.as_str()), ("password", "a long enough passphrase"), ("name", "Flood")];
        statuses.push(sf_as(&fresh.client, &fresh, "account/register", &form).await.0);
    }
    assert_eq!(statuses, [200, 200, 429]);
}

#[tokio::test]
async fn registering_an_existing_address_tells_its_owner_once_a_day() {
    let app = spawn_app(Db::Sqlite).await;
    account(&app, "owner@example.com", Role::Customer, None).await;
    for _ in 0..3 {
        let form = [("email", "owner@example.com"), ("password", "a long enough passphrase"), ("name", "Someone")];
        assert_eq!(sf_as(&new_client(), &app, "account/register", &form).await.0, 200);
    }
    file_mail(&app, "owner@example.com", "You already have an account", 0).await;
    let told = email::Entity::find().filter(email::Column::Kind.eq("account_exists")).all(&app.shop.db).await.unwrap();
    assert_eq!(told.len(), 1, "one notice, not one per attempt");
}

#[tokio::test]
async fn a_saturated_node_sheds_browsing_and_search_but_takes_carts() {
    // With room for one request at a time, browsing and search are over
    // their share at once; carts and checkout are not.
    let app = spawn_app_with(Db::Sqlite, |s| s.limits.max_in_flight = 1).await;
    for path in ["/", "/search?q=wool", "/api/v1/products"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 503, "{path}");
        assert!(response.headers().contains_key("retry-after"), "{path}");
    }
    let (v, _) = variant_for_sale(&app, 2, None).await;
    let (status, body, _) =
        sf_as(&app.client, &app, "cart/add", &[("variant_id", &v.id.to_string()), ("quantity", "1")]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(app.get("/healthz").await.status(), 200);
}

#[tokio::test]
async fn sign_in_limits_survive_a_flood_of_cached_searches() {
    // The counters lived in the same bounded cache as search results: a
    // burst of distinct searches evicted them and reset the limit.
    let app = spawn_app_with(Db::Sqlite, |s| {
        s.cache.max_bytes = 64 * 1024;
        s.accounts.failed_sign_ins_per_account = 3;
    })
    .await;
    account(&app, "target@example.com", Role::Customer, None).await;
    for _ in 0..3 {
        let wrong = [("email", "target@example.com"), ("password", "not the password at all")];
        assert_eq!(sf_as(&new_client(), &app, "account/sign-in", &wrong).await.0, 400);
    }
    let right = [("email", "target@example.com"), ("password", PASSWORD)];
    assert_eq!(sf_as(&new_client(), &app, "account/sign-in", &right).await.0, 429, "paused");
    for n in 0..200 {
        let (status, ..) = get_json(&app, &format!("/api/v1/search?q=wool+{n}&limit=50")).await;
        assert_eq!(status, 200);
    }
    assert_eq!(sf_as(&new_client(), &app, "account/sign-in", &right).await.0, 429, "still paused");
}

#[tokio::test]
async fn unpaid_orders_that_hold_stock_are_limited_per_email_and_address() {
    // Before: anonymous guest orders were unlimited, each holding stock.
    let app = spawn_app_with(Db::Sqlite, |s| {
        s.fraud.unpaid_per_email = 2;
        s.fraud.unpaid_per_ip = 3;
    })
    .await;
    assert_eq!(try_place_order(&app, "hoarder@example.com", None, 5).await.0, 201);
    let (status, first) = try_place_order(&app, "hoarder@example.com", None, 5).await;
    assert_eq!(status, 201);
    let (status, problem) = try_place_order(&app, "hoarder@example.com", None, 5).await;
    assert_eq!(status, 429, "a third unpaid order of one email: {problem}");
    assert_eq!(try_place_order(&app, "other@example.com", None, 5).await.0, 201);
    let (status, problem) = try_place_order(&app, "third@example.com", None, 5).await;
    assert_eq!(status, 429, "a fourth unpaid order from one address: {problem}");

    // Cancelling one makes room again.
    let id = first["id"].as_str().unwrap();
    let cancelled = app
        .client
        .post(app.url(&format!("/api/v1/orders/{id}/status")))
        .json(&serde_json::json!({ "status": "cancelled" }))
        .send()
        .await
        .unwrap();
    assert_eq!(cancelled.status(), 200);
    assert_eq!(try_place_order(&app, "hoarder@example.com", None, 5).await.0, 201);
}

#[tokio::test]
async fn fraud_screening_can_refuse_an_order_outright() {
    // Every order is "very large" here, which scores 50.
    let app = spawn_app_with(Db::Sqlite, |s| {
        s.fraud.large_order_minor = 1;
        s.fraud.block_score = 50;
    })
    .await;
    let (status, problem) = try_place_order(&app, "risky@example.com", None, 5).await;
    assert_eq!(status, 403, "{problem}");
    let orders = entities::model::order::Entity::find().all(&app.shop.db).await.unwrap();
    assert!(orders.is_empty(), "nothing is placed, nothing held");
}

#[tokio::test]
async fn erasure_reaches_guest_orders_provider_payloads_and_timeline_notes() {
    use entities::model::{order, order_event, payment, payment_event};
    let app = spawn_app(Db::Sqlite).await;
    let user_id = account(&app, "erase.me@example.com", Role::Customer, None).await;
    // Bought as a guest with the same address, paid, delivered.
    let id = place_unpaid_order(&app, "erase.me@example.com", None).await;
    entities::payments::settle::pay_with_test_provider(&app.shop, &id).await.unwrap();
    crate::accounts::set_order_status(&app, &id, entities::ordering::OrderStatus::Delivered).await;
    let public_id = uuid::Uuid::parse_str(&id).unwrap();
    let row =
        order::Entity::find().filter(order::Column::PublicId.eq(public_id)).one(&app.shop.db).await.unwrap().unwrap();
    let reference = payment::Entity::find()
        .filter(payment::Column::OrderId.eq(row.id))
        .one(&app.shop.db)
        .await
        .unwrap()
        .unwrap()
        .provider_ref;
    let events = || payment_event::Entity::find().filter(payment_event::Column::ProviderRef.eq(reference.clone()));
    assert!(!events().all(&app.shop.db).await.unwrap().is_empty(), "the provider's event is stored");

    entities::accounts::privacy::erase(&app.shop, ADMIN, entities::UserId::new(user_id)).await.unwrap();

    let row = order::Entity::find_by_id(row.id).one(&app.shop.db).await.unwrap().unwrap();
    assert_ne!(row.email, "erase.me@example.com", "the guest order under the same email is anonymised");
    assert_eq!(row.shipping_address, serde_json::json!({ "country": "NL" }));
    for event in events().all(&app.shop.db).await.unwrap() {
        assert_eq!(event.payload, serde_json::json!({ "erased": true }), "no provider payload is kept");
    }
    let notes: Vec<String> = order_event::Entity::find()
        .filter(order_event::Column::OrderId.eq(row.id))
        .all(&app.shop.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.note)
        .collect();
    assert!(!notes.is_empty() && notes.iter().all(String::is_empty), "{notes:?}");
}
