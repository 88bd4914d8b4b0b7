//! The OpenAPI 3.1 document: this part holds what is not a route (title,
//! tags, the shared schemas, the security scheme); each context's router
//! adds its routes' paths (see [`super::routes`]).

use super::problem::{FieldError, Problem};
use axum::body::Bytes;
use axum::http::header;
use axum::routing::{get, MethodRouter};
use utoipa::OpenApi;

/// The document's frame; the paths come from the context routers.
#[derive(OpenApi)]
#[openapi(
    info(title = "Bazaar API", description = "The catalog and orders of a Bazaar marketplace. Errors are RFC 9457 problem details."),
    modifiers(&AdminTokenScheme),
    components(schemas(Problem, FieldError, entities::events::DomainEvent)),
    tags(
        (name = "catalog", description = "Products, variants, categories and vendors, as shoppers see them"),
        (name = "catalog admin", description = "Changing the catalog: admins, or the vendor that owns the record"),
        (name = "orders", description = "Placing orders from carts and following them"),
        (name = "fulfilment", description = "Shipments with tracking, partial fulfilment, returns (RMA); vendors' own sub-orders"),
        (name = "payments", description = "Paying orders; the payment provider's webhook; received events for admins"),
        (name = "account", description = "The signed-in customer (session cookie): profile, addresses, orders"),
        (name = "reviews", description = "Ratings and reviews: reading, writing one's own, moderation and vendors' replies"),
        (name = "privacy", description = "Personal data (GDPR): export and erasure, by the customer or an admin (logged)"),
        (name = "webhooks", description = "Merchants' outgoing webhooks: signed, retried, in order per subscriber"),
    )
)]
pub struct ApiDoc;

/// Declares the credentials: the `admin_token` bearer scheme, and the
/// session cookie of a signed-in account (customer or staff).
struct AdminTokenScheme;

impl utoipa::Modify for AdminTokenScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("admin_token", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
        components.add_security_scheme(
            "session_cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                app::session::SESSION_COOKIE,
                "The session of a signed-in account, as set by the sign-in page",
            ))),
        );
    }
}

/// The answers every operation can give whatever its handler does, added
/// where the handler's annotation does not say them already: they come from
/// the pieces all routes share (the parameter and body extractors, the body
/// size limit, the credentials), so they are stated once here.
pub fn add_shared_answers(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::security::SecurityRequirement;
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
    let problem = |description: &str| {
        RefOr::T(
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/problem+json",
                    ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build(),
                )
                .build(),
        )
    };
    for (path, item) in doc.paths.paths.iter_mut() {
        let operations = [
            (false, &mut item.get),
            (true, &mut item.put),
            (true, &mut item.post),
            (true, &mut item.delete),
            (true, &mut item.patch),
        ];
        for (write, op) in operations {
            let Some(op) = op else { continue };
            let has_body = op.request_body.is_some();
            let has_params = op.parameters.as_ref().is_some_and(|p| !p.is_empty()) || path.contains('{');
            let has_credential = op.security.as_ref().is_some_and(|s| !s.is_empty());
            let names = serde_json::to_value(&op.security).unwrap_or_default().to_string();
            if names.contains("admin_token") && !names.contains("session_cookie") {
                // Whatever takes the admin token takes a signed-in staff
                // account's session too.
                let security = op.security.get_or_insert_with(Vec::new);
                security.push(SecurityRequirement::new("session_cookie", Vec::<String>::new()));
            }
            let mut wanted = Vec::new();
            if has_params || has_body {
                wanted.push(("400", "A parameter or the body is malformed or out of range; `errors` names it"));
            }
            if has_credential {
                wanted.push(("401", "No valid credential"));
                wanted.push(("403", "The credential may not do this"));
            }
            // A key in the path names a record that may not exist; routes
            // with other path parameters (a slug, a country, an order's
            // public id) say their 404 themselves, or have none (an upsert).
            let has_key = op.parameters.iter().flatten().any(|p| {
                p.parameter_in == utoipa::openapi::path::ParameterIn::Path
                    && serde_json::to_value(&p.schema).is_ok_and(|s| s["type"] == "integer")
            });
            if has_key {
                wanted.push(("404", "No such record (or not one the caller may see)"));
            }
            if has_body {
                wanted.push(("413", "The body is larger than this route takes"));
            }
            wanted.push((
                "408",
                "Not answered within the server's time limit; nothing was done or it may be tried again",
            ));
            if write {
                wanted.push((
                    "429",
                    "Too many requests from this address or account; `Retry-After` says when to try again",
                ));
            }
            wanted.push(("500", "An unexpected failure, logged with the request's id"));
            wanted.push((
                "503",
                "The server is too busy for this kind of request now; `Retry-After` says when to try again",
            ));
            for (status, description) in wanted {
                op.responses.responses.entry(status.to_owned()).or_insert_with(|| problem(description));
            }
        }
    }
}

/// The viewer page: Scalar's API reference, served from our own site
/// (`/vendor/`, copied from npm by `dev.sh`), so the docs work offline.
const VIEWER: &str = r#"<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Bazaar API</title>
</head>
<body>
  <div id="app">
    <p>The API reference viewer needs JavaScript. The OpenAPI document itself is at
      <a href="/api/openapi.json">/api/openapi.json</a>.</p>
  </div>
  <script src="/vendor/scalar-api-reference.js"></script>
  <script>
    if (window.Scalar) {
      Scalar.createApiReference('#app', { url: '/api/openapi.json', hideClientButton: true, withDefaultFonts: false });
    } else {
      document.querySelector('#app p').textContent =
        'The viewer is not installed on this server (run ./dev.sh store once); the OpenAPI document is at /api/openapi.json.';
    }
  </script>
</body>
</html>
"#;

/// The viewer's Content-Security-Policy: scripts from our own site and the
/// page's one inline script by its hash; Scalar's own styles inline.
fn viewer_policy() -> &'static str {
    static POLICY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    POLICY.get_or_init(|| {
        use base64::Engine;
        use sha2::Digest;
        let inline =
            VIEWER.split("<script>").nth(1).and_then(|rest| rest.split("</script>").next()).unwrap_or_default();
        let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(inline.as_bytes()));
        format!(
            "default-src 'self'; script-src 'self' 'sha256-{hash}'; style-src 'self' 'unsafe-inline'; \
             img-src 'self' data:; font-src 'self' data:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
        )
    })
}

/// `GET /api/docs`: the API reference viewer.
pub async fn viewer() -> axum::response::Response {
    use axum::response::IntoResponse;
    ([(header::CONTENT_SECURITY_POLICY, viewer_policy())], axum::response::Html(VIEWER)).into_response()
}

/// The document as JSON, with its `webhooks`: what the shop POSTs to
/// merchants' subscriptions, one entry per event type, made from the
/// `DomainEvent` schema (so a new event is described as soon as it exists).
/// utoipa has no model for OpenAPI 3.1's `webhooks`, so they are added to
/// the JSON.
pub fn with_webhooks(doc: &utoipa::openapi::OpenApi) -> serde_json::Value {
    use serde_json::json;
    let mut value = serde_json::to_value(doc).expect("the OpenAPI document serializes");
    let variants = value["components"]["schemas"]["DomainEvent"]["oneOf"].as_array().cloned().unwrap_or_default();
    let mut webhooks = serde_json::Map::new();
    for variant in variants {
        let Some(topic) = variant["properties"]["type"]["enum"][0].as_str() else { continue };
        let description = variant["description"].as_str().unwrap_or_default().to_owned();
        let body = json!({
            "type": "object",
            "required": ["id", "topic", "version", "created_at", "data"],
            "properties": {
                "id": { "type": "string", "format": "uuid", "description": "The event's id: the same on every retry (`Bazaar-Event-Id`); deliveries are at least once, so key on it" },
                "topic": { "type": "string", "enum": [topic] },
                "version": { "type": "integer", "minimum": 1, "description": "The schema version of `data`" },
                "created_at": { "type": "string", "format": "date-time" },
                "data": variant["properties"]["data"].clone(),
            }
        });
        let operation = json!({
            "post": {
                "summary": format!("{topic}: {description}"),
                "description": "Sent to each subscription whose topics include this one, in order per subscriber, retried with growing delays until a 2xx answer (at most 8 tries; then the delivery is given up and shows as failed in the subscription's deliveries). `Bazaar-Signature` is `t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<body>\" with the subscription's secret>`.",
                "tags": ["webhooks"],
                "parameters": [
                    { "name": "Bazaar-Signature", "in": "header", "required": true, "schema": { "type": "string" } },
                    { "name": "Bazaar-Event-Id", "in": "header", "required": true, "schema": { "type": "string", "format": "uuid" } }
                ],
                "requestBody": { "required": true, "content": { "application/json": { "schema": body } } },
                "responses": { "2XX": { "description": "Received; anything else is retried" } }
            }
        });
        webhooks.insert(topic.to_owned(), operation);
    }
    value["webhooks"] = serde_json::Value::Object(webhooks);
    value
}

/// `GET /api/openapi.json`: the document assembled from the routers,
/// written once when the routes are made.
pub fn document<S: Clone + Send + Sync + 'static>(doc: &utoipa::openapi::OpenApi) -> MethodRouter<S> {
    let body: Bytes = serde_json::to_vec(&with_webhooks(doc)).expect("the OpenAPI document serializes").into();
    get(move || {
        let body = body.clone();
        async move { ([(header::CONTENT_TYPE, "application/json")], body) }
    })
}

/// A string parameter that takes one of `values`.
fn one_of<'a>(values: impl IntoIterator<Item = &'a str>) -> utoipa::openapi::Object {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    ObjectBuilder::new().schema_type(Type::String).enum_values(Some(values)).build()
}

/// `sort` of the product list, from the list's own table.
pub fn product_sorts() -> utoipa::openapi::Object {
    one_of(entities::catalog::listing::ProductSort::NAMES.iter().map(|(name, _)| *name))
}

/// `sort` of a search, from the search's own table.
pub fn search_sorts() -> utoipa::openapi::Object {
    one_of(entities::catalog::SEARCH_SORTS.iter().map(|(name, _)| *name))
}

/// `price` of a search: the price ranges' keys.
pub fn price_ranges() -> utoipa::openapi::Object {
    one_of(entities::catalog::PRICE_RANGES.iter().map(|(key, ..)| *key))
}

/// A status filter of orders (and vendors' parts of them).
pub fn order_statuses() -> utoipa::openapi::Object {
    one_of(entities::ordering::OrderStatus::ALL.iter().map(|s| s.as_str()))
}

/// A status filter of reviews.
pub fn review_statuses() -> utoipa::openapi::Object {
    one_of(entities::catalog::review::ReviewStatus::ALL.iter().map(|s| s.as_str()))
}
