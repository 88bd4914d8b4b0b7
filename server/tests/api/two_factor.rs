//! Two-factor sign-in (TOTP) for staff, the admins' requirement of it, and
//! staff invitations, over HTTP.

use crate::accounts::{account, signed_in_client, PASSWORD};
use crate::helpers::*;
use entities::accounts::two_factor;
use entities::accounts::Role;
use entities::model::{user, vendor};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};

const TOKEN: &str = "two-factor-admin-token-0123456789abcdef";

fn now() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp()).unwrap()
}

/// The account's code at `unix` seconds, from its sealed seed.
async fn code(app: &TestApp, user_id: i64, unix: u64) -> String {
    let u = user::Entity::find_by_id(user_id).one(&app.shop.db).await.unwrap().unwrap();
    two_factor::code_at(&app.shop, u.totp_secret.as_deref().expect("a seed"), unix).unwrap()
}

/// Sets up two-factor sign-in for the signed-in `client` (account `id`)
/// with the code of the current step; answers the time that code was for.
async fn set_up(app: &TestApp, client: &reqwest::Client, id: i64) -> u64 {
    let (status, begun, _) = sf_as(client, app, "account/two-factor/begin", &[]).await;
    assert_eq!(status, 200, "{begun}");
    let (key, uri) = (begun["pending"][0].as_str().unwrap(), begun["pending"][1].as_str().unwrap());
    assert!(uri.starts_with("otpauth://totp/") && uri.contains(&format!("secret={key}")), "{uri}");
    let stored = user::Entity::find_by_id(id).one(&app.shop.db).await.unwrap().unwrap().totp_secret.unwrap();
    assert!(!stored.contains(key), "the seed is sealed at rest");
    let (status, body, _) = sf_as(client, app, "account/two-factor/confirm", &[("code", "000000")]).await;
    assert_eq!(status, 400, "a wrong code: {body}");
    assert!(body.to_string().contains("code"));
    let at = now();
    let right = code(app, id, at).await;
    let (status, body, _) = sf_as(client, app, "account/two-factor/confirm", &[("code", &right)]).await;
    assert_eq!(status, 200, "{body}");
    at
}

#[tokio::test]
async fn staff_sign_in_with_a_code_that_works_once_and_few_wrong_tries() {
    let app = spawn_app(Db::Sqlite).await;
    let id = account(&app, "boss@example.com", Role::Admin, None).await;
    let boss = signed_in_client(&app, "boss@example.com").await;
    let set_at = set_up(&app, &boss, id).await;
    let (_, status_now, _) = sf_as(&boss, &app, "account/two-factor", &[]).await;
    assert_eq!(status_now["enabled"], true);

    // The password alone opens no session: a ticket, and the code page.
    let sign_in = |client: &reqwest::Client| {
        let client = client.clone();
        let app = &app;
        async move { sf_as(&client, app, "account/sign-in", &[("email", "boss@example.com"), ("password", PASSWORD)]).await }
    };
    let phone = new_client();
    let (status, _, headers) = sign_in(&phone).await;
    assert_eq!(status, 200);
    assert_eq!(headers.get("location").unwrap(), "/account/sign-in/code");
    let cookies: Vec<&str> = headers.get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).collect();
    assert!(cookies.iter().any(|c| c.starts_with("bazaar_2fa=") && c.contains("HttpOnly")), "{cookies:?}");
    assert!(!cookies.iter().any(|c| c.starts_with("bazaar_session=")), "no session yet");
    assert_eq!(phone.get(app.url("/api/v1/me")).send().await.unwrap().status(), 401);

    // The code of the step used for the set-up does not work twice.
    let used = code(&app, id, set_at).await;
    let (status, ..) = sf_as(&phone, &app, "account/sign-in/code", &[("code", &used)]).await;
    assert_eq!(status, 400, "a code is accepted once");
    let next = code(&app, id, now() + 30).await;
    let (status, body, headers) = sf_as(&phone, &app, "account/sign-in/code", &[("code", &next)]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(headers.get("location").unwrap(), "/admin", "staff go to the admin area");
    assert_eq!(phone.get(app.url("/api/v1/me")).send().await.unwrap().status(), 200);

    // Five wrong codes spend the ticket.
    let laptop = new_client();
    sign_in(&laptop).await;
    for _ in 0..5 {
        let (status, ..) = sf_as(&laptop, &app, "account/sign-in/code", &[("code", "123 456")]).await;
        assert_eq!(status, 400);
    }
    let (status, body, _) = sf_as(&laptop, &app, "account/sign-in/code", &[("code", "123456")]).await;
    assert_eq!(status, 429, "{body}");
    let (status, ..) =
        sf_as(&laptop, &app, "account/sign-in/code", &[("code", &code(&app, id, now() + 30).await)]).await;
    assert_eq!(status, 400, "the ticket is gone");
    let (status, ..) = sf_as(&new_client(), &app, "account/sign-in/code", &[("code", "123456")]).await;
    assert_eq!(status, 400, "no ticket at all");

    // New tickets do not start the count again: ten wrong codes in the
    // window pause the account's sign-in.
    let tablet = new_client();
    let mut statuses = Vec::new();
    for _ in 0..5 {
        sign_in(&tablet).await;
        let (status, ..) = sf_as(&tablet, &app, "account/sign-in/code", &[("code", "999999")]).await;
        statuses.push(status);
    }
    assert_eq!(statuses, [400, 400, 400, 400, 429], "6 wrong so far, 4 more reach 10");
    let (status, body, _) = sign_in(&new_client()).await;
    assert_eq!(status, 429, "even the right password gets no new ticket: {body}");

    // (The window passes.)
    app.shop.cache.delete(&format!("2fa-wrong:{id}")).await.unwrap();

    // Off again with the password and a fresh code.
    let (status, ..) =
        sf_as(&boss, &app, "account/two-factor/disable", &[("password", "wrong password!!"), ("code", "000000")]).await;
    assert_eq!(status, 400);
    // (The steps around now are used up; as if a minute passed, the last
    // step used is set back, so the current code counts as new.)
    user::Entity::update_many()
        .col_expr(user::Column::TotpLastStep, sea_orm::sea_query::Expr::value(i64::try_from(now() / 30).unwrap() - 1))
        .filter(user::Column::Id.eq(id))
        .exec(&app.shop.db)
        .await
        .unwrap();
    let later = code(&app, id, now()).await;
    let (status, body, _) =
        sf_as(&boss, &app, "account/two-factor/disable", &[("password", PASSWORD), ("code", &later)]).await;
    assert_eq!(status, 200, "{body}");
    let (status, _, headers) = sign_in(&new_client()).await;
    assert_eq!((status, headers.get("location").unwrap().to_str().unwrap()), (200, "/admin"));

    // Customers do not use it.
    account(&app, "shopper@example.com", Role::Customer, None).await;
    let shopper = signed_in_client(&app, "shopper@example.com").await;
    let (status, ..) = sf_as(&shopper, &app, "account/two-factor/begin", &[]).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn admins_require_it_of_staff_and_invite_staff() {
    let app = spawn_app_with(Db::Postgres, |s| s.api.admin_token = Some(TOKEN.into())).await;
    let vendors = vendor::Entity::find().all(&app.shop.db).await.unwrap();
    let own = &vendors[0];
    let vendor_id = account(&app, "seller@example.com", Role::VendorStaff, Some(own.id)).await;
    let seller = signed_in_client(&app, "seller@example.com").await;
    account(&app, "shopper@example.com", Role::Customer, None).await;
    let shopper = signed_in_client(&app, "shopper@example.com").await;
    let admin = new_client();
    let (status, ..) = sf_as(&admin, &app, "admin/sign-in", &[("token", TOKEN)]).await;
    assert_eq!(status, 200);

    let (status, ..) = sf_as(&shopper, &app, "admin/staff/two-factor", &[("required", "yes")]).await;
    assert_eq!(status, 403, "customers do not decide");
    let (status, body, _) = sf_as(&admin, &app, "admin/staff/two-factor", &[("required", "yes")]).await;
    assert_eq!((status, &body), (200, &json!(true)));

    // Without it the vendor's account acts as nobody, but can set it up.
    let product = entities::model::product::Entity::find()
        .filter(entities::model::product::Column::VendorId.eq(own.id))
        .one(&app.shop.db)
        .await
        .unwrap()
        .unwrap();
    let edit = |client: &reqwest::Client| {
        client.patch(app.url(&format!("/api/v1/products/{}", product.id))).json(&json!({ "brand": "Twofold" })).send()
    };
    assert_eq!(edit(&seller).await.unwrap().status(), 401, "not until two-factor sign-in is on");
    let (_, me, _) = sf_as(&seller, &app, "account/me", &[]).await;
    assert_eq!(me["needs_two_factor"], true, "{me}");
    let html = seller.get(app.url("/account")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("two-factor-required"), "the account page says so");
    set_up(&app, &seller, vendor_id).await;
    assert_eq!(edit(&seller).await.unwrap().status(), 200, "allowed once it is on");
    let (status, ..) = sf_as(
        &seller,
        &app,
        "account/two-factor/disable",
        &[("password", PASSWORD), ("code", &code(&app, vendor_id, now() + 30).await)],
    )
    .await;
    assert_eq!(status, 409, "not while required");

    // Invitations: the email's link sets the password, then the person signs in.
    let form = [("email", "helper@example.com"), ("name", "Hel Per"), ("role", "support"), ("vendor", "")];
    let (status, ..) = sf_as(&seller, &app, "admin/staff/invite", &form).await;
    assert_eq!(status, 403, "vendors do not invite");
    let (status, body, _) =
        sf_as(&admin, &app, "admin/staff/invite", &[("email", "x"), ("name", ""), ("role", "vendor"), ("vendor", "")])
            .await;
    assert_eq!(status, 400);
    let text = body.to_string();
    assert!(text.contains("email") && text.contains("name") && text.contains("vendor"), "{text}");
    let (status, body, _) = sf_as(&admin, &app, "admin/staff/invite", &form).await;
    assert_eq!(status, 200, "{body}");
    let (status, ..) = sf_as(&admin, &app, "admin/staff/invite", &form).await;
    assert_eq!(status, 409, "the email has an account");
    let (_, listed, _) = sf_as(&admin, &app, "admin/staff", &[]).await;
    let helper = listed[0].as_array().unwrap().iter().find(|m| m["email"] == "helper@example.com").unwrap().clone();
    assert_eq!((helper["role"].as_str(), helper["active"].as_bool()), (Some("support"), Some(false)));
    assert_eq!(listed[1], true, "required");

    let logged = entities::model::audit_entry::Entity::find()
        .filter(entities::model::audit_entry::Column::Action.eq("staff.invite"))
        .one(&app.shop.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((logged.actor.as_str(), logged.detail.as_str()), ("admin:api-token", "support"), "no email in the log");
    let mail = file_mail(&app, "helper@example.com", "You are invited", 0).await;
    let token = link_in(&mail, &app.address).split("token=").nth(1).unwrap().to_owned();
    let (status, ..) =
        sf_as(&new_client(), &app, "account/reset", &[("token", &token), ("password", "helper's own passphrase")])
            .await;
    assert_eq!(status, 200);
    let (status, _, headers) = sf_as(
        &new_client(),
        &app,
        "account/sign-in",
        &[("email", "helper@example.com"), ("password", "helper's own passphrase")],
    )
    .await;
    assert_eq!((status, headers.get("location").unwrap().to_str().unwrap()), (200, "/admin"));
    let (_, listed, _) = sf_as(&admin, &app, "admin/staff", &[]).await;
    let active: Vec<&Value> = listed[0].as_array().unwrap().iter().filter(|m| m["active"] == true).collect();
    assert!(active.iter().any(|m| m["email"] == "helper@example.com"));
    let html = admin.get(app.url("/admin/staff")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("helper@example.com") && html.contains("invite-form"), "the page lists and invites");
}
