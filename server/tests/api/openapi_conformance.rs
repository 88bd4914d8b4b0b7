//! The OpenAPI document against the server. Users generate clients from the
//! document, so it must state every constraint the server enforces and
//! every status a route can answer. Two checks: rules every operation of the
//! document keeps, and requests generated from the document itself (valid
//! ones, and ones that break each stated constraint) whose answers must be
//! among the operation's documented responses, as problem details when they
//! are errors, and never a 500.

use crate::helpers::*;
use serde_json::{json, Map, Value};

const TOKEN: &str = "conformance-admin-token-0123456789abcdef";

/// The document's operation for a concrete request path, if any.
pub fn operation<'a>(doc: &'a Value, method: &str, path: &str) -> Option<(&'a str, &'a Value)> {
    let path = path.split('?').next().unwrap_or(path);
    let wanted: Vec<&str> = path.trim_matches('/').split('/').collect();
    doc["paths"].as_object()?.iter().find_map(|(template, item)| {
        let parts: Vec<&str> = template.trim_matches('/').split('/').collect();
        let fits = parts.len() == wanted.len()
            && parts.iter().zip(&wanted).all(|(t, w)| (t.starts_with('{') && t.ends_with('}')) || t == w);
        let op = &item[method.to_ascii_lowercase()];
        (fits && op.is_object()).then_some((template.as_str(), op))
    })
}

/// Whether the document lists `status` among the operation's responses.
pub fn documents(op: &Value, status: u16) -> bool {
    op["responses"].get(status.to_string()).is_some() || op["responses"].get("default").is_some()
}

/// The parameter's schema type (`integer`, `string`, …), ignoring `null`.
fn type_of(schema: &Value) -> &str {
    match &schema["type"] {
        Value::String(t) => t.as_str(),
        Value::Array(types) => types.iter().filter_map(Value::as_str).find(|t| *t != "null").unwrap_or(""),
        _ => "",
    }
}

#[tokio::test]
async fn every_operation_states_its_constraints_and_common_answers() {
    let app = spawn_app(Db::Sqlite).await;
    let (status, _, doc) = get_json(&app, "/api/openapi.json").await;
    assert_eq!(status, 200);

    let mut failures = Vec::new();
    for (template, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let name = format!("{} {template}", method.to_uppercase());
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            let mut need = |status: u16, why: &str| {
                if !documents(op, status) {
                    failures.push(format!("{name}: {why}, but {status} is not documented"));
                }
            };
            if op["requestBody"].is_object() || !params.is_empty() {
                need(400, "it reads parameters or a body that can be malformed");
            }
            if op["requestBody"].is_object() {
                need(413, "it reads a body, which has a size limit");
            }
            if op["security"].is_array() {
                need(401, "it names a credential");
                need(403, "it names a credential that may not be enough");
            }
            let has_key = params.iter().any(|p| p["in"] == "path" && type_of(&p["schema"]) == "integer");
            if has_key {
                need(404, "its path names a record by its key");
            }
            need(500, "anything can fail unexpectedly");
            need(503, "a saturated server sheds requests");
            need(408, "every request has a time limit");
            if method.as_str() != "get" {
                need(429, "writes are rate-limited");
            }
            for p in &params {
                let pname = p["name"].as_str().unwrap_or("?");
                let schema = &p["schema"];
                if p["in"] == "path" && type_of(schema) == "integer" && schema["minimum"].is_null() {
                    failures.push(format!("{name}: the integer path parameter {pname} states no minimum"));
                }
                if pname == "limit" && (schema["minimum"].is_null() || schema["maximum"].is_null()) {
                    failures.push(format!("{name}: {pname} states no minimum and maximum"));
                }
                if pname == "page" && schema["minimum"].is_null() {
                    failures.push(format!("{name}: {pname} states no minimum"));
                }
                if ["sort", "status"].contains(&pname) && !schema["enum"].is_array() {
                    failures.push(format!("{name}: {pname} does not list its values"));
                }
            }
            for (status, response) in op["responses"].as_object().unwrap() {
                if status.starts_with('4') || status.starts_with('5') {
                    let problem = &response["content"]["application/problem+json"];
                    if !problem.is_object() {
                        failures.push(format!("{name}: {status} is not described as a problem"));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "the document leaves out:\n{}", failures.join("\n"));
}

#[tokio::test]
async fn the_document_describes_every_webhook_and_docs_list_every_event() {
    let app = spawn_app(Db::Sqlite).await;
    let (_, _, doc) = get_json(&app, "/api/openapi.json").await;
    let events = include_str!("../../../docs/EVENTS.md");

    let kinds = doc["components"]["schemas"]["DomainEvent"]["oneOf"].as_array().unwrap();
    let webhooks = doc["webhooks"].as_object().unwrap();
    assert_eq!(webhooks.len(), kinds.len(), "one webhook per event type");
    assert!(webhooks.contains_key("order.placed") && webhooks.contains_key("stock.low"));
    for (topic, hook) in webhooks {
        let body = &hook["post"]["requestBody"]["content"]["application/json"]["schema"];
        assert_eq!(body["properties"]["topic"]["enum"][0], topic.as_str());
        let data =
            body["properties"]["data"]["$ref"].as_str().unwrap_or_else(|| panic!("{topic}: data names its schema"));
        let name = data.rsplit('/').next().unwrap();
        assert!(doc["components"]["schemas"][name].is_object(), "{topic}: {name} is described");
        assert!(events.contains(&format!("`{topic}`")), "docs/EVENTS.md lists {topic}");
    }
}

/// A value the document says is valid for a parameter.
fn valid_value(p: &Value, samples: &Map<String, Value>) -> String {
    let schema = &p["schema"];
    if let Some(first) = schema["enum"].as_array().and_then(|e| e.first()) {
        return first.as_str().map_or_else(|| first.to_string(), str::to_owned);
    }
    let name = p["name"].as_str().unwrap_or_default();
    if let Some(sample) = samples.get(name) {
        return sample.as_str().map_or_else(|| sample.to_string(), str::to_owned);
    }
    match type_of(schema) {
        "integer" | "number" => schema["minimum"].as_i64().unwrap_or(1).max(1).to_string(),
        "boolean" => "true".into(),
        _ => "unknown-value".into(),
    }
}

/// One request made from the document, and what it must answer if the
/// document is right (`None`: any documented status).
struct Probe {
    why: String,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Option<Result<Value, &'static str>>,
    must: Option<u16>,
}

/// The probes of one operation: a valid request, then one per stated
/// constraint broken (a value past a maximum or under a minimum, outside an
/// enum, of the wrong type, a required parameter left out, a body that is
/// not JSON or misses its fields).
fn probes(template: &str, op: &Value, samples: &Map<String, Value>) -> Vec<Probe> {
    let params = op["parameters"].as_array().cloned().unwrap_or_default();
    let fill = |overrides: &[(&str, Option<String>)]| {
        let mut path = template.to_owned();
        let mut query = Vec::new();
        let mut headers = Vec::new();
        for p in &params {
            let name = p["name"].as_str().unwrap();
            let value = match overrides.iter().find(|(n, _)| *n == name) {
                Some((_, v)) => v.clone(),
                None if p["in"] == "path" || p["required"] == true => Some(valid_value(p, samples)),
                None => None,
            };
            let Some(value) = value else { continue };
            match p["in"].as_str().unwrap() {
                "path" => path = path.replace(&format!("{{{name}}}"), &value),
                "query" => query.push((name.to_owned(), value)),
                "header" => headers.push((name.to_owned(), value)),
                _ => {}
            }
        }
        (path, query, headers)
    };
    let has_body = op["requestBody"].is_object();
    let json_body = op["requestBody"]["content"]["application/json"].is_object();
    let body = || if json_body { Some(Ok(json!({}))) } else { None };
    let mut out = Vec::new();
    let (path, query, headers) = fill(&[]);
    out.push(Probe { why: "valid parameters".into(), path, query, headers, body: body(), must: None });
    for p in &params {
        let name = p["name"].as_str().unwrap();
        let schema = &p["schema"];
        let mut bad = Vec::new();
        if let Some(max) = schema["maximum"].as_i64() {
            bad.push((format!("{name} past its maximum"), Some((max + 1).to_string())));
        }
        if let Some(min) = schema["minimum"].as_i64() {
            bad.push((format!("{name} under its minimum"), Some((min - 1).to_string())));
        }
        if schema["enum"].is_array() {
            bad.push((format!("{name} outside its values"), Some("not-one-of-them".into())));
        }
        if ["integer", "number"].contains(&type_of(schema)) {
            bad.push((format!("{name} not a number"), Some("abc".into())));
        }
        if p["required"] == true && p["in"] != "path" {
            bad.push((format!("{name} left out"), None));
        }
        for (why, value) in bad {
            let (path, query, headers) = fill(&[(name, value)]);
            out.push(Probe { why, path, query, headers, body: body(), must: Some(400) });
        }
    }
    if has_body && json_body {
        let (path, query, headers) = fill(&[]);
        out.push(Probe {
            why: "a body that is not JSON".into(),
            path,
            query,
            headers,
            body: Some(Err("{not json")),
            must: Some(400),
        });
    }
    out
}

#[tokio::test]
async fn requests_made_from_the_document_get_documented_answers() {
    let app = spawn_app_with(Db::Sqlite, |s| s.api.admin_token = Some(TOKEN.into())).await;
    let (_, _, doc) = get_json(&app, "/api/openapi.json").await;
    let order = place_unpaid_order(&app, "conformance@example.com", None).await;
    let samples: Map<String, Value> = [("id", json!(order)), ("country", json!("NL")), ("provider", json!("test"))]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();

    let mut failures = Vec::new();
    let mut asked = 0;
    for (template, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            // Order ids are strings; other `{id}`s are numbers.
            let mut samples = samples.clone();
            let id_is_string = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|p| p["name"] == "id" && p["in"] == "path" && type_of(&p["schema"]) == "string");
            if !id_is_string {
                samples.remove("id");
            }
            for probe in probes(template, op, &samples) {
                for token in [None, Some(TOKEN)] {
                    let method_name = method.to_uppercase();
                    let mut request =
                        app.client.request(method_name.parse().unwrap(), app.url(&probe.path)).query(&probe.query);
                    for (name, value) in &probe.headers {
                        request = request.header(name.as_str(), value.as_str());
                    }
                    if let Some(token) = token {
                        request = request.bearer_auth(token);
                    }
                    request = match &probe.body {
                        Some(Ok(body)) => request.json(body),
                        Some(Err(raw)) => request.header("content-type", "application/json").body(*raw),
                        None => request,
                    };
                    let response = request.send().await.unwrap();
                    asked += 1;
                    let status = response.status().as_u16();
                    let kind = response.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned());
                    let who = if token.is_some() { "admin" } else { "anonymous" };
                    let name = format!("{} {} ({}; {who})", method.to_uppercase(), probe.path, probe.why);
                    if !documents(op, status) {
                        failures.push(format!("{name}: answered {status}, not documented"));
                    }
                    if let Some(must) = probe.must {
                        // A refusal for want of the right credential comes
                        // first; a record that does not exist, too.
                        let refused = op["security"].is_array() && [401, 403].contains(&status);
                        if status != must && !refused && status != 404 {
                            failures.push(format!("{name}: answered {status}, not {must}"));
                        }
                    }
                    if status >= 400 && kind.as_deref() != Some("application/problem+json") {
                        failures.push(format!("{name}: answered {status} as {kind:?}, not a problem"));
                    }
                    if status >= 500 && status != 502 && status != 503 {
                        failures.push(format!("{name}: answered {status}"));
                    }
                }
            }
        }
    }
    assert!(asked > 300, "only {asked} requests were made");
    assert!(
        failures.is_empty(),
        "{} of {asked} answers disagree with the document:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
