//! The real `bazaar` binary killed with SIGKILL between storing a payment
//! event and applying it: after a restart the order still becomes paid —
//! once — and the provider's redelivery changes nothing.

use entities::ports::{PaymentEventKind, PaymentProvider};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::os::unix::process::ExitStatusExt;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Starts the binary on the shop in `dir`; answers it and its address.
fn start(dir: &tempfile::TempDir, kill_at: Option<&str>) -> (Child, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bazaar"));
    cmd.current_dir(dir.path())
        .env_remove("DATABASE_URL")
        .env_remove("REDIS_URL")
        .env_remove("MEILI_URL")
        .env("BAZAAR__DATA_DIR", dir.path().join("data"))
        .env("BAZAAR__SERVER__PORT", "0")
        .env("BAZAAR__SEED__PRODUCTS", "60")
        .env("BAZAAR__WORKERS__PAYMENT_RETRY_MS", "100")
        .env("BAZAAR__LOG__FILTER", "warn")
        .env("BAZAAR__SERVER__SITE_ROOT", dir.path().join("site"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    match kill_at {
        Some(point) => cmd.env("BAZAAR_TEST_KILL_AT", point),
        None => cmd.env_remove("BAZAAR_TEST_KILL_AT"),
    };
    let mut child = cmd.spawn().expect("the binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let address = line.split_whitespace().find(|w| w.starts_with("http://")).unwrap_or_default().to_owned();
    assert!(address.starts_with("http://127.0.0.1:"), "{line}");
    (child, address)
}

async fn json(response: reqwest::Response) -> Value {
    response.json().await.unwrap()
}

#[tokio::test]
async fn a_server_killed_after_storing_a_payment_event_pays_the_order_after_restart() {
    let dir = tempfile::tempdir().unwrap();
    let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap();
    let (mut child, base) = start(&dir, Some("after-storing-payment-event"));

    // An order for whatever is in stock, and its payment.
    let mut cart = None;
    for variant in 1..200 {
        let response = client
            .post(format!("{base}/_sf/cart/add"))
            .header("accept", "application/json")
            .form(&[("variant_id", variant.to_string()), ("quantity", "1".into())])
            .send()
            .await
            .unwrap();
        if response.status() == 200 {
            let cookie = response.headers()["set-cookie"].to_str().unwrap().to_owned();
            cart = Some(cookie.split(';').next().unwrap().trim_start_matches("bazaar_cart=").to_owned());
            break;
        }
    }
    let cart = cart.expect("something is in stock");
    let placed = client
        .post(format!("{base}/api/v1/orders"))
        .header("idempotency-key", "crash-test-order-1")
        .json(&json!({ "cart_id": cart, "email": "ada@example.com",
            "shipping_address": { "name": "Ada", "line1": "Main St 1", "postal_code": "1000", "city": "Town", "country": "NL" } }))
        .send()
        .await
        .unwrap();
    assert_eq!(placed.status(), 201);
    let order = json(placed).await["id"].as_str().unwrap().to_owned();
    let started = json(client.post(format!("{base}/api/v1/orders/{order}/payments")).send().await.unwrap()).await;
    let provider = server::adapters::payments::test::TestPayments::new("whsec_bazaar_test_provider");
    let (signature, body) = provider
        .simulate_event(
            PaymentEventKind::Succeeded,
            started["provider_ref"].as_str().unwrap(),
            started["amount_minor"].as_i64().unwrap(),
            "EUR",
        )
        .unwrap();
    let deliver = |base: String| {
        client
            .post(format!("{base}/api/v1/webhooks/payments"))
            .header("bazaar-signature", signature.clone())
            .body(body.clone())
            .send()
    };

    let answer = deliver(base.clone()).await;

    assert!(answer.is_err(), "the server died before answering");
    let status = child.wait().unwrap();
    assert_eq!(status.signal(), Some(libc::SIGKILL), "killed with SIGKILL: {status:?}");

    let (mut child, base) = start(&dir, None);
    let mut paid = Value::Null;
    for _ in 0..100 {
        paid = json(client.get(format!("{base}/api/v1/orders/{order}")).send().await.unwrap()).await;
        if paid["status"] == "paid" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(paid["status"], "paid", "the stored event was applied after the restart: {paid}");
    let redelivered = json(deliver(base.clone()).await.unwrap()).await;
    assert_eq!(redelivered["duplicate"], true, "the provider's retry is recognised");
    let after = json(client.get(format!("{base}/api/v1/orders/{order}")).send().await.unwrap()).await;
    let paid_moves = after["timeline"].as_array().unwrap().iter().filter(|e| e["to"] == "paid").count();
    assert_eq!(paid_moves, 1, "paid once");
    child.kill().unwrap();
    child.wait().unwrap();
}
