//! The role × route matrix: every protected REST route and server function,
//! driven by every role, against PostgreSQL. Allowed or refused exactly as
//! `entities::kernel::access` says — and another customer's order or
//! address, or another vendor's product, is "not found" (404), never a hint
//! that it exists.

use crate::accounts::{account, signed_in_client};
use crate::helpers::*;
use crate::openapi_conformance::{documents, operation};
use entities::accounts::Role;
use entities::model::{product, vendor};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{json, Value};

const TOKEN: &str = "matrix-admin-token-0123456789abcdef";

/// The roles, in the order of each row's expectations.
const ROLES: [&str; 6] = ["anonymous", "customer A", "customer B", "vendor staff", "support", "admin"];

/// One request and what each role gets (`None`: not asked).
struct Case {
    name: &'static str,
    method: &'static str,
    path: String,
    body: Option<Value>,
    /// Form-encoded (server functions' default) instead of JSON.
    form: bool,
    expect: [Option<u16>; 6],
}

fn case(name: &'static str, method: &'static str, path: String, body: Option<Value>, expect: [u16; 6]) -> Case {
    Case { name, method, path, body, form: false, expect: expect.map(Some) }
}

#[tokio::test]
async fn every_role_against_every_protected_route() {
    let app = spawn_app_with(Db::Postgres, |s| s.api.admin_token = Some(TOKEN.into())).await;
    let vendors = vendor::Entity::find().order_by_asc(vendor::Column::Id).all(&app.shop.db).await.unwrap();
    let (own_vendor, other_vendor) = (&vendors[0], &vendors[1]);
    let product_of = |vendor_id: i64| {
        let db = app.shop.db.clone();
        async move {
            product::Entity::find()
                .filter(product::Column::VendorId.eq(vendor_id))
                .order_by_asc(product::Column::Id)
                .one(&db)
                .await
                .unwrap()
                .unwrap()
                .id
        }
    };
    let own_product = product_of(own_vendor.id).await;
    let other_product = product_of(other_vendor.id).await;

    account(&app, "a@example.com", Role::Customer, None).await;
    account(&app, "b@example.com", Role::Customer, None).await;
    account(&app, "vendor@example.com", Role::VendorStaff, Some(own_vendor.id)).await;
    account(&app, "support@example.com", Role::Support, None).await;
    account(&app, "admin@example.com", Role::Admin, None).await;
    let clients = [
        new_client(),
        signed_in_client(&app, "a@example.com").await,
        signed_in_client(&app, "b@example.com").await,
        signed_in_client(&app, "vendor@example.com").await,
        signed_in_client(&app, "support@example.com").await,
        signed_in_client(&app, "admin@example.com").await,
    ];
    let customer_a = &clients[1];

    let home = json!({ "name": "Ann", "line1": "Main St 1", "postal_code": "1000", "city": "Town", "country": "NL" });
    let address: Value =
        customer_a.post(app.url("/api/v1/me/addresses")).json(&home).send().await.unwrap().json().await.unwrap();
    let address_id = address["id"].as_i64().unwrap();
    let (v, _) = variant_for_sale(&app, 3, None).await;
    let (status, ..) =
        sf_as(customer_a, &app, "cart/add", &[("variant_id", &v.id.to_string()), ("quantity", "1")]).await;
    assert_eq!(status, 200);
    let form = [
        ("idempotency_key", "matrix-order-000001"),
        ("details[email]", "a@example.com"),
        ("details[shipping_address][name]", "Ann"),
        ("details[shipping_address][line1]", "Main St 1"),
        ("details[shipping_address][line2]", ""),
        ("details[shipping_address][postal_code]", "1000"),
        ("details[shipping_address][city]", "Town"),
        ("details[shipping_address][country]", "NL"),
        ("details[coupon]", ""),
    ];
    let (status, placed, _) = sf_as(customer_a, &app, "checkout/place", &form).await;
    assert_eq!(status, 200, "{placed}");
    let a_order = placed["id"].as_str().unwrap().to_owned();
    let guest_order = place_unpaid_order(&app, "guest@example.com", None).await;

    // Reviews: A's of the staff's vendor's product, B's of another vendor's.
    let review = json!({ "rating": 4, "title": "Good", "body": "It does what it says." });
    let written: Value = customer_a
        .post(app.url(&format!("/api/v1/products/{own_product}/reviews")))
        .json(&review)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let own_review = written["id"].as_i64().unwrap();
    let written: Value = clients[2]
        .post(app.url(&format!("/api/v1/products/{other_product}/reviews")))
        .json(&review)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let other_review = written["id"].as_i64().unwrap();
    let erasable = account(&app, "c@example.com", Role::Customer, None).await;

    let category = json!({ "name": "Matrix Category" });
    let new_product = json!({
        "vendor": own_vendor.slug, "category": "women", "title": "Matrix Lamp", "description": "", "brand": "B",
        "variants": [{ "sku": "MATRIX-1", "price_minor": 1000, "currency": "EUR", "stock": 1 }]
    });
    let mut admins_product = new_product.clone();
    admins_product["variants"][0]["sku"] = json!("MATRIX-2");

    // anonymous, customer A, customer B, vendor staff (own vendor), support, admin
    let mut cases = vec![
        case("read my account", "GET", "/api/v1/me".into(), None, [401, 200, 200, 200, 200, 200]),
        case("read my addresses", "GET", "/api/v1/me/addresses".into(), None, [401, 200, 200, 200, 200, 200]),
        case("read my orders", "GET", "/api/v1/me/orders".into(), None, [401, 200, 200, 200, 200, 200]),
        case(
            "change A's address",
            "PATCH",
            format!("/api/v1/me/addresses/{address_id}"),
            Some(home.clone()),
            [401, 200, 404, 404, 404, 404],
        ),
        case("read A's order", "GET", format!("/api/v1/orders/{a_order}"), None, [404, 200, 404, 404, 200, 200]),
        // Vendor staff see guest orders' ids in their own lists; the whole
        // order (address, email, other vendors' lines) is not theirs.
        case(
            "read a guest order by id",
            "GET",
            format!("/api/v1/orders/{guest_order}"),
            None,
            [200, 200, 200, 404, 200, 200],
        ),
        case(
            "read an order's screening",
            "GET",
            format!("/api/v1/orders/{a_order}/risk"),
            None,
            [401, 403, 403, 403, 200, 200],
        ),
        case(
            "move an order to fulfilment",
            "POST",
            format!("/api/v1/orders/{guest_order}/status"),
            Some(json!({ "status": "fulfilling" })),
            // The admin passes authorization; an unpaid order cannot be fulfilled.
            [401, 403, 403, 403, 403, 409],
        ),
        Case {
            name: "cancel A's order",
            method: "POST",
            path: format!("/api/v1/orders/{a_order}/status"),
            body: Some(json!({ "status": "cancelled" })),
            form: false,
            expect: [Some(404), None, Some(404), Some(404), None, None],
        },
        Case {
            name: "support cancels an order",
            method: "POST",
            path: format!("/api/v1/orders/{guest_order}/status"),
            body: Some(json!({ "status": "cancelled" })),
            form: false,
            // Support reads orders; it used to be able to cancel them too.
            expect: [None, None, None, None, Some(403), None],
        },
        case(
            "refund an order",
            "POST",
            format!("/api/v1/orders/{guest_order}/refunds"),
            Some(json!({ "reason": "matrix" })),
            [401, 403, 403, 403, 403, 409],
        ),
        case("read payment events", "GET", "/api/v1/payments/events".into(), None, [401, 403, 403, 403, 200, 200]),
        case(
            "list merchant webhooks",
            "GET",
            "/api/v1/webhooks/subscriptions".into(),
            None,
            [401, 403, 403, 403, 403, 200],
        ),
        case("export the catalog", "GET", "/api/v1/products/export.csv".into(), None, [401, 403, 403, 403, 403, 200]),
        case(
            "edit own vendor's product",
            "PATCH",
            format!("/api/v1/products/{own_product}"),
            Some(json!({ "brand": "Matrix" })),
            [401, 403, 403, 200, 403, 200],
        ),
        case(
            "edit another vendor's product",
            "PATCH",
            format!("/api/v1/products/{other_product}"),
            Some(json!({ "brand": "Matrix" })),
            [401, 403, 403, 404, 403, 200],
        ),
        case(
            "open another vendor's product for editing",
            "GET",
            format!("/api/v1/products/{other_product}/edit"),
            None,
            [401, 403, 403, 404, 403, 200],
        ),
        case("create a category", "POST", "/api/v1/categories".into(), Some(category), [401, 403, 403, 403, 403, 201]),
        case(
            "create a vendor",
            "POST",
            "/api/v1/vendors".into(),
            Some(json!({ "name": "Matrix Vendor", "description": "", "commission_bps": 1000 })),
            [401, 403, 403, 403, 403, 201],
        ),
        case(
            "edit another vendor's profile",
            "PATCH",
            format!("/api/v1/vendors/{}", other_vendor.slug),
            Some(json!({ "description": "Matrix" })),
            [401, 403, 403, 404, 403, 200],
        ),
        case(
            "list the admin's products (server function)",
            "POST",
            "/_sf/admin/products".into(),
            Some(json!({ "filter": { "q": "", "status": null } })),
            [401, 403, 403, 200, 403, 200],
        ),
        case(
            "list the admin's orders (server function)",
            "POST",
            "/_sf/admin/orders".into(),
            Some(json!({ "filter": {} })),
            [401, 403, 403, 403, 200, 200],
        ),
        case(
            "write a review",
            "POST",
            format!("/api/v1/products/{own_product}/reviews"),
            Some(review.clone()),
            // A reviewed it already; staff do not review.
            [401, 409, 201, 403, 403, 403],
        ),
        case(
            "change A's review",
            "PUT",
            format!("/api/v1/me/reviews/{own_review}"),
            Some(review.clone()),
            [401, 200, 404, 403, 403, 403],
        ),
        case(
            "read the review queue",
            "GET",
            "/api/v1/reviews?status=pending".into(),
            None,
            [401, 403, 403, 200, 403, 200],
        ),
        case(
            "moderate a review",
            "POST",
            format!("/api/v1/reviews/{own_review}/moderation"),
            Some(json!({ "status": "published" })),
            [401, 403, 403, 403, 403, 200],
        ),
        case(
            "reply to a review of own vendor's product",
            "PUT",
            format!("/api/v1/reviews/{own_review}/reply"),
            Some(json!({ "reply": "Thank you!" })),
            [401, 403, 403, 200, 403, 200],
        ),
        case(
            "reply to a review of another vendor's product",
            "PUT",
            format!("/api/v1/reviews/{other_review}/reply"),
            // The admin passes authorization; the review is not published.
            Some(json!({ "reply": "Thank you!" })),
            [401, 403, 403, 404, 403, 409],
        ),
        case("download my data", "GET", "/api/v1/me/data".into(), None, [401, 200, 200, 200, 200, 200]),
        case(
            "export a customer's data",
            "GET",
            format!("/api/v1/customers/{erasable}/export"),
            None,
            [401, 403, 403, 403, 403, 200],
        ),
        case(
            "read a customer's audit log",
            "GET",
            format!("/api/v1/customers/{erasable}/audit"),
            None,
            [401, 403, 403, 403, 403, 200],
        ),
        case(
            "erase a customer",
            "POST",
            format!("/api/v1/customers/{erasable}/erase"),
            None,
            [401, 403, 403, 403, 403, 200],
        ),
        Case {
            name: "read my profile (server function)",
            method: "POST",
            path: "/_sf/account/profile".into(),
            body: Some(json!({})),
            form: true,
            expect: [401, 200, 200, 200, 200, 200].map(Some),
        },
        Case {
            name: "delete A's address (server function)",
            method: "POST",
            path: "/_sf/account/addresses/delete".into(),
            body: Some(json!({ "id": address_id.to_string() })),
            form: true,
            expect: [Some(401), None, Some(404), Some(404), Some(404), Some(404)],
        },
    ];
    // The vendor creates for its own vendor; the admin for any (another SKU).
    cases.push(Case {
        name: "create a product",
        method: "POST",
        path: "/api/v1/products".into(),
        body: Some(new_product),
        form: false,
        expect: [Some(401), Some(403), Some(403), Some(201), Some(403), None],
    });
    cases.push(Case {
        name: "create a product (admin)",
        method: "POST",
        path: "/api/v1/products".into(),
        body: Some(admins_product),
        form: false,
        expect: [None, None, None, None, None, Some(201)],
    });

    let (_, _, doc) = get_json(&app, "/api/openapi.json").await;
    let mut failures = Vec::new();
    for c in &cases {
        for (role, (client, expected)) in ROLES.iter().zip(clients.iter().zip(c.expect)) {
            let Some(expected) = expected else { continue };
            let mut request =
                client.request(c.method.parse().unwrap(), app.url(&c.path)).header("accept", "application/json");
            if let Some(body) = &c.body {
                request = if c.form {
                    let pairs: Vec<(String, String)> = body
                        .as_object()
                        .unwrap()
                        .iter()
                        .map(|(k, v)| (k.clone(), v.as_str().map_or_else(|| v.to_string(), str::to_owned)))
                        .collect();
                    request.form(&pairs)
                } else {
                    request.json(body)
                };
            }
            let got = request.send().await.unwrap().status().as_u16();
            if got != expected {
                failures.push(format!("{} as {role}: expected {expected}, got {got}", c.name));
            }
            // What a REST route answers, its OpenAPI document says it may.
            if c.path.starts_with("/api/v1/") {
                match operation(&doc, c.method, &c.path) {
                    Some((template, op)) if !documents(op, got) => failures
                        .push(format!("{} as {role}: {got} is not documented for {} {template}", c.name, c.method)),
                    Some(_) => {}
                    None => failures.push(format!("{}: {} {} is not in the document", c.name, c.method, c.path)),
                }
            }
        }
    }
    assert!(failures.is_empty(), "the matrix is broken:\n{}", failures.join("\n"));

    // The admin token (bearer) is an admin too.
    let response = new_client().get(app.url("/api/v1/payments/events")).bearer_auth(TOKEN).send().await.unwrap();
    assert_eq!(response.status(), 200);
}
