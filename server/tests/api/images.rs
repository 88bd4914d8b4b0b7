//! Uploading product images: checks, processing off the request path,
//! renditions served for a long time, metadata gone — on the local folder
//! and on S3 (moto's server, started by the test command).

use crate::helpers::*;
use crate::on_both_databases;
use image::{DynamicImage, ImageFormat};
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, PutPayload};
use serde_json::Value;
use std::io::Cursor;
use std::time::Duration;

const TOKEN: &str = "test-admin-token-0123456789abcdef0123";

fn picture(format: ImageFormat, width: u32, height: u32) -> Vec<u8> {
    let pixels = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 140]));
    let mut out = Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(pixels).write_to(&mut out, format).unwrap();
    out.into_inner()
}

/// A JPEG carrying an EXIF block with a location, as phones write them.
fn jpeg_with_exif() -> Vec<u8> {
    let plain = picture(ImageFormat::Jpeg, 320, 240);
    let mut payload = b"Exif\0\0MM\0*\0\0\0\x08GPS-SECRET-52.37N-4.89E".to_vec();
    payload.resize(64, 0);
    let length = (payload.len() + 2) as u16;
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(&payload);
    out.extend_from_slice(&plain[2..]);
    out
}

async fn upload(app: &TestApp, product: i64, files: Vec<(&str, Vec<u8>)>, token: Option<&str>) -> (u16, Value) {
    let mut form = reqwest::multipart::Form::new();
    for (name, bytes) in files {
        form = form.part("files", reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()));
    }
    let mut request = app.client.post(app.url(&format!("/api/v1/products/{product}/images"))).multipart(form);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Waits until every image of `product` is processed; returns them.
async fn processed(app: &TestApp, product: i64) -> Vec<Value> {
    for _ in 0..200 {
        let images: Value = app.get_json_with_token(&format!("/api/v1/products/{product}/images"), TOKEN).await;
        let images = images.as_array().unwrap().clone();
        if !images.is_empty() && images.iter().all(|i| i["status"] != "pending") {
            return images;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("images of product {product} still pending after 10 s");
}

async fn upload_flow(app: &TestApp) {
    let (status, accepted) = upload(
        app,
        2,
        vec![("photo.jpg", jpeg_with_exif()), ("wide.png", picture(ImageFormat::Png, 900, 300))],
        Some(TOKEN),
    )
    .await;
    assert_eq!(status, 202, "{accepted}");
    assert!(accepted.as_array().unwrap().iter().all(|i| i["status"] == "pending"), "processing happens later");
    // Until the renditions exist the product page shows a placeholder.
    let product: Value = app.get("/api/v1/products/2").await.json().await.unwrap();
    let slug = product["card"]["slug"].as_str().unwrap().to_owned();

    let images = processed(app, 2).await;

    assert_eq!(images.len(), 2);
    assert!(images.iter().all(|i| i["status"] == "ready"), "{images:?}");
    let renditions: Vec<String> =
        images[0]["renditions"].as_array().unwrap().iter().map(|r| r.as_str().unwrap().to_owned()).collect();
    assert_eq!(renditions.len(), 3);
    for url in &renditions {
        let response = app.get(url).await;
        assert_eq!(response.status(), 200, "{url}");
        assert_eq!(response.headers()["content-type"], "image/webp");
        assert!(response.headers()["cache-control"].to_str().unwrap().contains("immutable"));
        let bytes = response.bytes().await.unwrap();
        image::load_from_memory_with_format(&bytes, ImageFormat::WebP).expect("a real WebP");
    }
    let wide = &images[1]["renditions"];
    let full = app.get(wide[2].as_str().unwrap()).await.bytes().await.unwrap();
    assert_eq!(image::load_from_memory(&full).unwrap().width(), 900, "never enlarged");
    // The original kept is the picture alone: the location is gone.
    let original_url = renditions[0].replace("w200.webp", "original.jpg");
    let original = app.get(&original_url).await.bytes().await.unwrap();
    assert!(!original.windows(10).any(|w| w == b"GPS-SECRET"), "metadata is stripped");
    assert!(!original.windows(4).any(|w| w == b"Exif"));
    // The upload as it came is neither kept nor served.
    let folder = renditions[0].trim_start_matches("/media/").trim_end_matches("/w200.webp").to_owned();
    assert_eq!(app.get(&format!("/media/{folder}/upload")).await.status(), 404);

    // Shoppers see the images: the product page gallery and the card.
    let mut page = String::new();
    for _ in 0..100 {
        page = app.get_html(&format!("/p/{slug}")).await.1;
        if page.contains("srcset=") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(page.contains(&format!("/media/{folder}/w1600.webp")), "the gallery shows the first image");
    assert!(page.contains("600w"), "with a srcset");
    let listed: Value = app.get("/api/v1/products?limit=2").await.json().await.unwrap();
    assert_eq!(listed["items"][1]["image_folder"], folder.as_str(), "cards use the upload");

    // Moving the second image first reorders the gallery; the card follows.
    let second = images[1]["id"].as_i64().unwrap();
    let reordered: Value = app
        .client
        .patch(app.url(&format!("/api/v1/images/{second}")))
        .bearer_auth(TOKEN)
        .json(&serde_json::json!({ "position": 0, "alt": "A wide test picture" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let order: Vec<i64> = reordered.as_array().unwrap().iter().map(|i| i["id"].as_i64().unwrap()).collect();
    assert_eq!(order, [second, images[0]["id"].as_i64().unwrap()]);
    assert_eq!(reordered[0]["alt"], "A wide test picture");
    let wide_folder = images[1]["renditions"][0]
        .as_str()
        .unwrap()
        .trim_start_matches("/media/")
        .trim_end_matches("/w200.webp")
        .to_owned();
    let listed: Value = app.get("/api/v1/products?limit=2").await.json().await.unwrap();
    assert_eq!(listed["items"][1]["image_folder"], wide_folder.as_str(), "the first image is the card's");

    // Deleting removes it and its files.
    let id = images[0]["id"].as_i64().unwrap();
    let deleted = app.client.delete(app.url(&format!("/api/v1/images/{id}"))).bearer_auth(TOKEN).send().await.unwrap();
    assert_eq!(deleted.status(), 204);
    assert_eq!(app.get(&renditions[0]).await.status(), 404);
}

on_both_databases!(uploaded_images_are_processed_in_the_background_and_served, |db| async move {
    let app = spawn_app_with(db, |s| s.api.admin_token = Some(TOKEN.into())).await;
    upload_flow(&app).await;
});

#[tokio::test]
async fn files_that_are_not_images_are_refused_whatever_their_name() {
    let app = spawn_app_with(Db::Sqlite, |s| s.api.admin_token = Some(TOKEN.into())).await;

    let (status, problem) = upload(
        &app,
        3,
        vec![("cat.png", b"<html>not a picture</html>".to_vec()), ("ok.png", picture(ImageFormat::Png, 10, 10))],
        Some(TOKEN),
    )
    .await;
    let (empty, _) = upload(&app, 3, vec![("empty.jpg", Vec::new())], Some(TOKEN)).await;
    let (anonymous, _) = upload(&app, 3, vec![("ok.png", picture(ImageFormat::Png, 10, 10))], None).await;
    let (missing, _) = upload(&app, 999_999, vec![("ok.png", picture(ImageFormat::Png, 10, 10))], Some(TOKEN)).await;
    let too_many: Vec<(&str, Vec<u8>)> = (0..13).map(|_| ("x.png", picture(ImageFormat::Png, 4, 4))).collect();
    let (crowded, crowd_problem) = upload(&app, 3, too_many, Some(TOKEN)).await;

    assert_eq!(status, 400);
    assert_eq!(problem["errors"][0]["field"], "files[0]");
    assert!(problem["errors"][0]["message"].as_str().unwrap().contains("not a JPEG, PNG, GIF or WebP"));
    assert_eq!(problem["errors"].as_array().unwrap().len(), 1, "the good file is not blamed");
    assert_eq!(empty, 400);
    assert_eq!(anonymous, 401);
    assert_eq!(missing, 404);
    assert_eq!(crowded, 400, "{crowd_problem}");
    let images: Value = app.get_json_with_token("/api/v1/products/3/images", TOKEN).await;
    assert_eq!(images.as_array().unwrap().len(), 0, "a refused upload stores nothing");
}

/// moto's S3 server, when the test command started one.
fn s3_endpoint() -> Option<String> {
    crate::helpers::service_url("BAZAAR_TEST_S3", "the S3 suite (moto)")
}

async fn s3_bucket(endpoint: &str) -> String {
    let bucket = format!("bazaar-test-{}", uuid::Uuid::new_v4().simple());
    let created = reqwest::Client::new().put(format!("{endpoint}/{bucket}")).send().await.expect("moto answers");
    assert!(created.status().is_success(), "create bucket: {}", created.status());
    bucket
}

fn s3_settings(s: &mut server::config::Settings, endpoint: &str, bucket: &str) {
    s.objects.s3_bucket = Some(bucket.to_owned());
    s.objects.s3_endpoint = Some(endpoint.to_owned());
    s.objects.s3_allow_http = true;
    s.objects.s3_access_key_id = Some("testing".to_owned());
    s.objects.s3_secret_access_key = Some("testing".into());
}

/// The object-store contract our code relies on: put, get, list, delete,
/// and "not found" as its own error.
async fn objects_contract(store: &dyn ObjectStore) {
    let key = ObjectPath::from("images/contract/w200.webp");
    store.put(&key, PutPayload::from(b"first".to_vec())).await.unwrap();
    store.put(&key, PutPayload::from(b"second".to_vec())).await.unwrap();
    assert_eq!(store.get(&key).await.unwrap().bytes().await.unwrap().as_ref(), b"second", "a put replaces");
    let listed: Vec<_> =
        futures::StreamExt::collect::<Vec<_>>(store.list(Some(&ObjectPath::from("images/contract")))).await;
    assert_eq!(listed.len(), 1);
    store.delete(&key).await.unwrap();
    assert!(matches!(store.get(&key).await, Err(object_store::Error::NotFound { .. })));
}

#[tokio::test]
async fn the_local_folder_keeps_the_object_store_contract() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = server::config::Settings::defaults();
    settings.data_dir = dir.path().to_path_buf();
    objects_contract(server::startup::connect_objects(&settings).unwrap().as_ref()).await;
}

#[tokio::test]
async fn s3_keeps_the_object_store_contract_and_serves_uploads() {
    let Some(endpoint) = s3_endpoint() else { return };
    let bucket = s3_bucket(&endpoint).await;
    let mut settings = server::config::Settings::defaults();
    s3_settings(&mut settings, &endpoint, &bucket);
    objects_contract(server::startup::connect_objects(&settings).unwrap().as_ref()).await;

    let app = spawn_app_with(Db::Sqlite, |s| {
        s.api.admin_token = Some(TOKEN.into());
        s3_settings(s, &endpoint, &bucket);
    })
    .await;
    upload_flow(&app).await;
}
