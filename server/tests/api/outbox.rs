//! The transactional outbox and its relay.

use crate::helpers::*;
use crate::on_both_databases;
use entities::events::outbox as relay;
use entities::events::{CartItemAdded, DomainEvent, ProductChanged};
use entities::model::outbox;
use entities::{ProductId, VariantId};
use futures::StreamExt;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, TransactionTrait};
use std::time::Duration;

fn product_changed(id: i64, slug: &str) -> DomainEvent {
    DomainEvent::ProductChanged(ProductChanged { product_id: ProductId::new(id), slug: slug.to_owned() })
}

on_both_databases!(an_event_recorded_in_a_transaction_reaches_subscribers_once, |db| async move {
    // The app's relay waits an hour before its first pass: this test drives it.
    let app = spawn_app_with(db, |s| s.workers.outbox_interval_ms = 3_600_000).await;
    let mut events = app.shop.bus.subscribe().await.unwrap();
    let txn = app.shop.db.begin().await.unwrap();
    let happened = DomainEvent::CartItemAdded(CartItemAdded { variant_id: VariantId::new(1), quantity: 1 });
    let id = relay::record(&txn, happened.clone()).await.unwrap();
    txn.commit().await.unwrap();

    let first = relay::relay_batch(&app.shop.db, app.shop.bus.as_ref(), 100).await.unwrap();
    let second = relay::relay_batch(&app.shop.db, app.shop.bus.as_ref(), 100).await.unwrap();

    assert_eq!(first, 1);
    assert_eq!(second, 0, "a published event is not sent again");
    let event = tokio::time::timeout(Duration::from_secs(5), events.next()).await.unwrap().unwrap();
    assert_eq!(event.id, id);
    assert_eq!(event.event, happened);
    assert_eq!(event.version, entities::events::SCHEMA_VERSION);
    let pending =
        outbox::Entity::find().filter(outbox::Column::PublishedAt.is_null()).count(&app.shop.db).await.unwrap();
    assert_eq!(pending, 0);
});

on_both_databases!(an_event_in_a_rolled_back_transaction_is_never_published, |db| async move {
    let app = spawn_app_with(db, |s| s.workers.outbox_interval_ms = 3_600_000).await;
    let txn = app.shop.db.begin().await.unwrap();
    let never = DomainEvent::CartItemAdded(CartItemAdded { variant_id: VariantId::new(1), quantity: 2 });
    relay::record(&txn, never).await.unwrap();
    txn.rollback().await.unwrap();

    let published = relay::relay_batch(&app.shop.db, app.shop.bus.as_ref(), 100).await.unwrap();

    assert_eq!(published, 0);
});

on_both_databases!(a_product_change_reaches_the_search_index_through_the_outbox, |db| async move {
    use entities::model::product;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let app = spawn_app(db).await;
    let p = product::Entity::find_by_id(1).one(&app.shop.db).await.unwrap().unwrap();
    let txn = app.shop.db.begin().await.unwrap();
    let mut changed: product::ActiveModel = p.into();
    changed.title = Set("Zanzibar Quokka Lantern".to_owned());
    changed.update(&txn).await.unwrap();
    relay::record(&txn, product_changed(1, "zanzibar-quokka-lantern")).await.unwrap();
    txn.commit().await.unwrap();

    let found = search_until_found(&app, "quokka").await;

    assert_eq!(found.iter().map(|h| h.id).collect::<Vec<_>>(), vec![1], "the indexer picked up the change");
    assert_eq!(found[0].title, "Zanzibar Quokka Lantern");
});

#[tokio::test]
async fn with_rabbitmq_configured_events_travel_through_it() {
    use entities::model::product;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let amqp = std::env::var("BAZAAR_TEST_AMQP").unwrap_or_else(|_| "amqp://guest:guest@127.0.0.1:5672/%2f".to_owned());
    let exchange = format!("bazaar-test-{}", uuid::Uuid::new_v4());
    let app = spawn_app_with(Db::Sqlite, |s| {
        s.amqp.url = Some(amqp.clone().into());
        s.amqp.exchange = exchange.clone();
    })
    .await;
    assert_eq!(app.shop.bus.name(), "rabbitmq");
    let p = product::Entity::find_by_id(2).one(&app.shop.db).await.unwrap().unwrap();
    let txn = app.shop.db.begin().await.unwrap();
    let mut changed: product::ActiveModel = p.into();
    changed.title = Set("Rabbit Quokka Teapot".to_owned());
    changed.update(&txn).await.unwrap();
    relay::record(&txn, product_changed(2, "rabbit-quokka-teapot")).await.unwrap();
    txn.commit().await.unwrap();

    let found = search_until_found(&app, "rabbit quokka").await;

    assert_eq!(found.iter().map(|h| h.id).collect::<Vec<_>>(), vec![2], "the indexer heard it over RabbitMQ");
    let (status, body) = app.get_html("/readyz").await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("rabbitmq"), "readiness names the bus: {body}");
    let connection = lapin::Connection::connect(&amqp, lapin::ConnectionProperties::default()).await.unwrap();
    let channel = connection.create_channel().await.unwrap();
    channel.exchange_delete(&exchange, lapin::options::ExchangeDeleteOptions::default()).await.unwrap();
}
