//! Load of placing orders at an offered rate (bench/run.sh place): fills one
//! cart per order beforehand, then sends `POST /api/v1/orders` (each with its
//! own idempotency key) on a fixed schedule — open loop, so a slow answer
//! does not slow the offered rate, and each latency counts from the moment
//! its request was due (time spent queueing in the client counts too).
//!
//! usage: place_orders <base url> <admin token> [rate per s] [seconds] [hot variants]

use futures::StreamExt;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const WARM_UP_SECS: u64 = 5;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let base = args.get(1).cloned().unwrap_or_else(|| "http://127.0.0.1:3080".into());
    let token = args.get(2).cloned().expect("the admin token is the second argument");
    let rate: u64 = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(200);
    let seconds: u64 = args.get(4).and_then(|a| a.parse().ok()).unwrap_or(30);
    let hot: usize = args.get(5).and_then(|a| a.parse().ok()).unwrap_or(50);
    let http = reqwest::Client::builder().pool_max_idle_per_host(256).build().expect("an HTTP client");

    // The variants every order buys one of, with plenty in stock.
    let mut variants = Vec::new();
    let list: Value = get(&http, &format!("{base}/api/v1/products?limit=100")).await;
    for card in list["items"].as_array().expect("products") {
        if card["price_from"]["currency"] != "EUR" {
            continue;
        }
        let product: Value = get(&http, &format!("{base}/api/v1/products/{}", card["id"])).await;
        let id = product["variants"][0]["id"].as_i64().expect("a variant");
        let raised = http
            .patch(format!("{base}/api/v1/variants/{id}"))
            .bearer_auth(&token)
            .json(&json!({ "stock": 1_000_000 }))
            .send()
            .await
            .expect("the store answers");
        assert!(raised.status().is_success(), "stock raised: {}", raised.status());
        variants.push(id);
        if variants.len() == hot {
            break;
        }
    }

    // One cart per order, filled through the storefront's own endpoint.
    let total = (rate * (WARM_UP_SECS + seconds)) as usize;
    let filled = Instant::now();
    let carts: Vec<String> = futures::stream::iter(0..total)
        .map(|n| {
            let (http, base, variant) = (&http, &base, variants[n % variants.len()]);
            async move {
                let cart = uuid::Uuid::new_v4().to_string();
                let added = http
                    .post(format!("{base}/_sf/cart/add"))
                    .header("accept", "application/json")
                    .header("cookie", format!("bazaar_cart={cart}"))
                    .form(&[("variant_id", variant.to_string()), ("quantity", "1".into())])
                    .send()
                    .await
                    .expect("the store answers");
                assert!(added.status().is_success(), "cart filled: {}", added.status());
                cart
            }
        })
        .buffer_unordered(16)
        .collect()
        .await;
    eprintln!("{} carts filled in {:.1} s", carts.len(), filled.elapsed().as_secs_f64());

    // The schedule: order n is due at start + n / rate.
    let start = tokio::time::Instant::now() + Duration::from_millis(500);
    let mut tasks = Vec::with_capacity(total);
    for (n, cart) in carts.into_iter().enumerate() {
        let due = start + Duration::from_micros(n as u64 * 1_000_000 / rate);
        let (http, base) = (http.clone(), base.clone());
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep_until(due).await;
            let body = json!({ "cart_id": cart, "email": format!("load{n}@example.com"),
                "shipping_address": { "name": "Load Test", "line1": "Main St 1", "postal_code": "1015 CJ", "city": "Amsterdam", "country": "NL" } });
            let answer = http
                .post(format!("{base}/api/v1/orders"))
                .header("idempotency-key", uuid::Uuid::new_v4().to_string())
                .json(&body)
                .send()
                .await;
            let status = match answer {
                Ok(r) => {
                    let status = r.status().as_u16();
                    let _ = r.bytes().await;
                    status
                }
                Err(_) => 0,
            };
            (n, status, due.elapsed())
        }));
    }
    let mut latencies = Vec::new();
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    for task in tasks {
        let (n, status, took) = task.await.expect("a request task");
        if n < (rate * WARM_UP_SECS) as usize {
            continue;
        }
        *statuses.entry(status).or_default() += 1;
        latencies.push(took);
    }
    let ran = start.elapsed().as_secs_f64();
    latencies.sort();
    let at =
        |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)].as_secs_f64() * 1000.0;
    println!(
        "offered {rate} orders/s for {seconds} s after a {WARM_UP_SECS} s warm-up, {hot} variants; run took {ran:.1} s"
    );
    println!("answers: {statuses:?}");
    println!(
        "latency from due time (ms): p50 {:.1}, p95 {:.1}, p99 {:.1}, max {:.1}",
        at(0.50),
        at(0.95),
        at(0.99),
        at(1.0)
    );
}

async fn get(http: &reqwest::Client, url: &str) -> Value {
    http.get(url).send().await.expect("the store answers").json().await.expect("JSON")
}
