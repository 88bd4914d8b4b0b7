//! CSV export and import of products.

use crate::helpers::*;
use crate::on_both_databases;
use serde_json::Value;

const TOKEN: &str = "test-admin-token-0123456789abcdef0123";

async fn import(app: &TestApp, csv: &str) -> (u16, Value) {
    let response = app
        .client
        .post(app.url("/api/v1/products/import"))
        .bearer_auth(TOKEN)
        .header("content-type", "text/csv")
        .body(csv.to_owned())
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
}

async fn export(app: &TestApp) -> String {
    let response = app.client.get(app.url("/api/v1/products/export.csv")).bearer_auth(TOKEN).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    response.text().await.unwrap()
}

on_both_databases!(an_import_applies_the_good_rows_and_names_each_bad_one, |db| async move {
    let app = spawn_app_with(db, |s| s.api.admin_token = Some(TOKEN.into())).await;
    let vendors: Value = app.get("/api/v1/vendors").await.json().await.unwrap();
    let tree: Value = app.get("/api/v1/categories").await.json().await.unwrap();
    let (vendor, category) = (vendors[0]["slug"].as_str().unwrap(), tree[0]["slug"].as_str().unwrap());
    let csv = format!(
        "slug,status,vendor,category,title,brand,attributes,sku,options,price_minor,currency,stock\n\
         csv-lamp,active,{vendor},{category},Csv Brass Lamp,Lumo,Material=Brass,CSV-LAMP-S,Size=S,4900,EUR,3\n\
         csv-lamp,active,{vendor},{category},Csv Brass Lamp,Lumo,Material=Brass,CSV-LAMP-L,Size=L,5900,EUR,1\n\
         csv-lamp,active,{vendor},{category},Csv Brass Lamp,Lumo,Material=Brass,CSV-LAMP-X,Size=XL,12.50,EUR,1\n\
         csv-rug,active,{vendor},no-such-category,Csv Wool Rug,Lumo,,CSV-RUG-1,,9900,EUR,2\n\
         csv-mug,draft,{vendor},{category},Csv Mug,Lumo,,CSV-MUG-1,,1200,EUR,10\n\
         csv-mug,draft,{vendor},{category},Csv Mug,Lumo,,CSV-MUG-1,,1300,EUR,10\n"
    );

    let (status, report) = import(&app, &csv).await;

    assert_eq!(status, 200, "{report}");
    assert_eq!(report["products_created"], 2, "{report}");
    assert_eq!(report["variants_created"], 3);
    let errors: Vec<(u64, String)> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["line"].as_u64().unwrap(), e["message"].as_str().unwrap().to_owned()))
        .collect();
    let lines: Vec<u64> = errors.iter().map(|(l, _)| *l).collect();
    assert_eq!(lines, [4, 5, 7], "{errors:?}");
    assert!(errors[0].1.contains("price_minor"), "{errors:?}");
    assert!(errors[1].1.contains("category"), "{errors:?}");
    assert!(errors[2].1.contains("sku"), "a SKU twice in one product: {errors:?}");
    let lamp = search_until_found(&app, "brass lamp").await;
    assert_eq!(lamp.first().map(|c| c.price_from.minor()), Some(4900), "the lamp with its two good variants");

    let (status, problem) = import(&app, "title,colour\nx,y\n").await;
    assert_eq!(status, 400, "an unknown column is refused: {problem}");
    assert!(problem["detail"].as_str().unwrap().contains("colour"));
});

on_both_databases!(an_exported_catalog_imports_back_as_updates, |db| async move {
    let app = spawn_app_with(db, |s| s.api.admin_token = Some(TOKEN.into())).await;
    let csv = export(&app).await;
    let mut rows = csv.lines();
    let header = rows.next().unwrap();
    assert!(header.starts_with("product_id,slug,status,vendor,category,title"));
    let variants = rows.clone().count();
    let product: Value = app.get("/api/v1/products/1").await.json().await.unwrap();
    assert!(variants >= 400, "every product, a row per variant: {variants}");

    // Product 1's first row, with a new price.
    let first = rows.next().unwrap();
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(first.as_bytes());
    let mut record: Vec<String> = reader.records().next().unwrap().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(record[0], "1");
    record[12] = "777".to_owned();
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(header.split(',')).unwrap();
    out.write_record(&record).unwrap();
    let edited = String::from_utf8(out.into_inner().unwrap()).unwrap();

    let (status, report) = import(&app, &edited).await;

    assert_eq!(status, 200, "{report}");
    assert_eq!(
        (report["products_updated"].as_u64(), report["variants_updated"].as_u64()),
        (Some(1), Some(1)),
        "{report}"
    );
    assert!(report["errors"].as_array().unwrap().is_empty());
    let sku = &record[10];
    let edited: Value = app.get_json_with_token("/api/v1/products/1/edit", TOKEN).await;
    let variant = edited["variants"].as_array().unwrap().iter().find(|v| v["sku"] == sku.as_str()).unwrap().clone();
    assert_eq!(variant["price_minor"], 777);
    assert_eq!(edited["title"], product["card"]["title"], "the other columns round-trip unchanged");
});

#[tokio::test]
async fn csv_needs_the_admin_token() {
    let app = spawn_app_with(Db::Sqlite, |s| s.api.admin_token = Some(TOKEN.into())).await;
    assert_eq!(app.get("/api/v1/products/export.csv").await.status(), 401);
    let response = app.client.post(app.url("/api/v1/products/import")).body("sku\n").send().await.unwrap();
    assert_eq!(response.status(), 401);
}
