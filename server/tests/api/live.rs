//! Live stock over WebSockets: a change to a followed variant's stock
//! reaches the socket; other variants' changes do not.

use crate::helpers::*;
use entities::catalog::VariantPatch;
use entities::kernel::access::Actor;
use entities::model::variant;
use futures::StreamExt;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use std::time::Duration;

#[tokio::test]
async fn a_followed_variants_stock_changes_reach_the_socket() {
    let app = spawn_app(Db::Sqlite).await;
    let vs = variant::Entity::find()
        .filter(variant::Column::Stock.gte(1))
        .order_by_asc(variant::Column::Id)
        .all(&app.shop.db)
        .await
        .unwrap();
    let (followed, other) = (&vs[0], &vs[1]);
    let ws = app.address.replace("http://", "ws://");
    let (mut socket, _) =
        tokio_tungstenite::connect_async(format!("{ws}/ws/stock?variants={}", followed.id)).await.unwrap();
    // Let the socket's subscription settle before the changes.
    tokio::time::sleep(Duration::from_millis(100)).await;

    let set = |id: i64, stock: i32| {
        entities::catalog::variants::update_variant(
            &app.shop,
            Actor::API_TOKEN,
            entities::VariantId::new(id),
            VariantPatch { stock: Some(stock), ..Default::default() },
        )
    };
    set(other.id, 41).await.unwrap();
    set(followed.id, 37).await.unwrap();

    let message = tokio::time::timeout(Duration::from_secs(5), socket.next()).await.expect("an update arrives");
    let text = message.unwrap().unwrap().into_text().unwrap().to_string();
    let update: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(update, serde_json::json!({ "variant_id": followed.id, "available": 37 }), "only the followed variant");

    for bad in ["abc", "", "1,x"] {
        match tokio_tungstenite::connect_async(format!("{ws}/ws/stock?variants={bad}")).await {
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) => assert_eq!(response.status(), 400, "{bad:?}"),
            other => panic!("{bad:?} should be refused, got {:?}", other.map(|_| ())),
        }
    }
}
