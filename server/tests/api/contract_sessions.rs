//! The `SessionStore` contract, run against the database (SQLite and
//! PostgreSQL) and Redis.

use crate::helpers::*;
use chrono::{Duration, Utc};
use entities::accounts::Role;
use entities::ports::{SessionStore, StoredSession};
use server::adapters::sessions::database::DbSessions;
use server::adapters::sessions::redis::RedisSessions;

async fn session_contract(store: &dyn SessionStore, user: i64, other: i64) {
    let now = Utc::now();
    let live =
        StoredSession { user_id: user, created_at: now, last_seen_at: now, expires_at: now + Duration::hours(1) };
    let key = |n: u32| format!("{:064x}", u128::from(n) + u128::from(user.unsigned_abs()) * 1_000);
    assert_eq!(store.get(&key(1), now).await.unwrap(), None, "a missing session is None");
    store.insert(&key(1), &live).await.unwrap();
    store.insert(&key(2), &live).await.unwrap();
    store.insert(&key(3), &StoredSession { user_id: other, ..live.clone() }).await.unwrap();
    let got = store.get(&key(1), now).await.unwrap().expect("stored");
    assert_eq!(got.user_id, user);
    assert_eq!(got.expires_at.timestamp(), live.expires_at.timestamp());

    let later = now + Duration::minutes(5);
    store.touch(&key(1), later).await.unwrap();
    assert_eq!(store.get(&key(1), later).await.unwrap().unwrap().last_seen_at.timestamp(), later.timestamp());
    assert_eq!(
        store.get(&key(1), now + Duration::hours(2)).await.unwrap(),
        None,
        "past its absolute end a session is gone"
    );
    store.touch(&key(9), later).await.unwrap();
    assert_eq!(store.get(&key(9), later).await.unwrap(), None, "touching a missing session makes none");

    store.remove(&key(2)).await.unwrap();
    assert_eq!(store.get(&key(2), now).await.unwrap(), None);
    store.remove(&key(2)).await.unwrap();

    store.insert(&key(4), &live).await.unwrap();
    assert_eq!(store.remove_user(user).await.unwrap(), 2, "every session of the account ends");
    assert_eq!(store.get(&key(1), now).await.unwrap(), None);
    assert!(store.get(&key(3), now).await.unwrap().is_some(), "another account's session stays");
}

async fn users(app: &TestApp) -> (i64, i64) {
    let a = crate::accounts::account(app, "s1@example.com", Role::Customer, None).await;
    let b = crate::accounts::account(app, "s2@example.com", Role::Customer, None).await;
    (a, b)
}

#[tokio::test]
async fn the_database_store_keeps_the_contract_on_sqlite() {
    let app = spawn_app(Db::Sqlite).await;
    let (a, b) = users(&app).await;
    session_contract(&DbSessions::new(app.shop.db.clone()), a, b).await;
}

#[tokio::test]
async fn the_database_store_keeps_the_contract_on_postgres() {
    let app = spawn_app(Db::Postgres).await;
    let (a, b) = users(&app).await;
    let store = DbSessions::new(app.shop.db.clone());
    session_contract(&store, a, b).await;
    let now = Utc::now();
    let ended =
        StoredSession { user_id: a, created_at: now, last_seen_at: now, expires_at: now - Duration::seconds(1) };
    store.insert(&"e".repeat(64), &ended).await.unwrap();
    assert!(store.purge(now).await.unwrap() >= 1, "ended sessions are purged");
}

#[tokio::test]
async fn the_redis_store_keeps_the_contract() {
    let client = server::adapters::cache::redis::connect(&redis_url()).await.expect("Redis is running (see README)");
    let prefix = format!("bazaar-test:{}:", uuid::Uuid::new_v4());
    session_contract(&RedisSessions::new(client, prefix), 11, 12).await;
}
