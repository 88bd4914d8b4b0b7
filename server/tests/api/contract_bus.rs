//! The `EventBus` contract, run against every adapter.

use crate::helpers::redis_url;
use entities::events::{CartItemAdded, DomainEvent, Envelope as Event, SCHEMA_VERSION};
use entities::ports::{EventBus, EventStream};
use entities::VariantId;
use futures::StreamExt;
use server::adapters::{bus::memory::MemoryBus, bus::redis::RedisBus};
use std::time::Duration;

fn event(n: u32) -> Event {
    let added = CartItemAdded { variant_id: VariantId::new(i64::from(n)), quantity: 1 };
    Event { id: uuid::Uuid::new_v4(), version: SCHEMA_VERSION, event: DomainEvent::CartItemAdded(added) }
}

async fn next(stream: &mut EventStream) -> Event {
    tokio::time::timeout(Duration::from_secs(5), stream.next()).await.expect("event arrives").expect("stream open")
}

/// `publisher` and `subscriber_side` may be the same bus (one node) or two
/// buses on the same backend (two nodes).
async fn bus_contract(publisher: &dyn EventBus, subscriber_side: &dyn EventBus) {
    publisher.ping().await.unwrap();
    let mut a = subscriber_side.subscribe().await.unwrap();
    let mut b = subscriber_side.subscribe().await.unwrap();
    let sent: Vec<Event> = (1..=3).map(event).collect();
    for e in &sent {
        publisher.publish(e).await.unwrap();
    }
    for e in &sent {
        assert_eq!(&next(&mut a).await, e, "every subscriber gets every event, in order");
        assert_eq!(&next(&mut b).await, e);
    }
    let mut late = subscriber_side.subscribe().await.unwrap();
    let after = event(4);
    publisher.publish(&after).await.unwrap();
    assert_eq!(next(&mut late).await, after, "a late subscriber sees events from then on");
}

#[tokio::test]
async fn the_memory_bus_keeps_the_contract() {
    let bus = MemoryBus::new(64);
    bus_contract(&bus, &bus).await;
}

#[tokio::test]
async fn a_slow_subscriber_of_the_memory_bus_loses_nothing() {
    // A queue of 4 and 50 events: publishing waits for the slow reader
    // (the outbox keeps the rest meanwhile); one that went away is skipped.
    let bus = MemoryBus::new(4);
    let mut slow = bus.subscribe().await.unwrap();
    drop(bus.subscribe().await.unwrap());
    let sent: Vec<Event> = (1..=50).map(event).collect();
    let publisher = {
        let (bus, sent) = (bus.clone(), sent.clone());
        tokio::spawn(async move {
            for e in &sent {
                bus.publish(e).await.unwrap();
            }
        })
    };
    for e in &sent {
        tokio::time::sleep(Duration::from_millis(2)).await;
        assert_eq!(&next(&mut slow).await, e, "every event, in order");
    }
    tokio::time::timeout(Duration::from_secs(5), publisher).await.expect("publishing finished").unwrap();
}

#[tokio::test]
async fn publishing_with_no_subscribers_is_not_an_error() {
    MemoryBus::new(4).publish(&event(1)).await.unwrap();
}

#[tokio::test]
async fn the_redis_bus_keeps_the_contract_across_two_nodes() {
    let channel = format!("bazaar-test:{}", uuid::Uuid::new_v4());
    let node_a = RedisBus::connect(&redis_url(), channel.clone()).await.expect("Redis is running (see README)");
    let node_b = RedisBus::connect(&redis_url(), channel).await.unwrap();
    bus_contract(&node_a, &node_b).await;
    bus_contract(&node_b, &node_b).await;
}

/// The RabbitMQ server the tests use.
fn amqp_url() -> String {
    std::env::var("BAZAAR_TEST_AMQP").unwrap_or_else(|_| "amqp://guest:guest@127.0.0.1:5672/%2f".to_owned())
}

#[tokio::test]
async fn the_rabbitmq_bus_keeps_the_contract_across_two_nodes() {
    use server::adapters::bus::amqp::AmqpBus;
    let exchange = format!("bazaar-test-{}", uuid::Uuid::new_v4());
    let node_a = AmqpBus::connect(&amqp_url(), &exchange).await.expect("RabbitMQ is running (see README)");
    let node_b = AmqpBus::connect(&amqp_url(), &exchange).await.unwrap();
    bus_contract(&node_a, &node_b).await;
    bus_contract(&node_b, &node_b).await;
    assert_eq!(node_a.name(), "rabbitmq");

    // The test's exchange is durable, like the real one: remove it.
    let connection = lapin::Connection::connect(&amqp_url(), lapin::ConnectionProperties::default()).await.unwrap();
    let channel = connection.create_channel().await.unwrap();
    channel.exchange_delete(&exchange, lapin::options::ExchangeDeleteOptions::default()).await.unwrap();
}
