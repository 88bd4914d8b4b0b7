//! The scaled session store: Redis, shared by every node. Each session is
//! a key that expires at the session's absolute end; each account has a set
//! of its session keys, for "sign out of all devices".

use chrono::{DateTime, Utc};
use entities::ports::{PortError, SessionStore, StoredSession};
use fred::prelude::*;
use serde::{Deserialize, Serialize};

const SERVICE: &str = "redis";

fn failed(e: Error) -> PortError {
    PortError::unavailable(SERVICE, e)
}

#[derive(Serialize, Deserialize)]
struct Stored {
    user_id: i64,
    created_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
}

/// Sessions in Redis, keys under a prefix.
#[derive(Clone)]
pub struct RedisSessions {
    client: Client,
    prefix: String,
}

impl RedisSessions {
    /// A store over a connected client.
    pub fn new(client: Client, prefix: impl Into<String>) -> Self {
        Self { client, prefix: prefix.into() }
    }

    fn session_key(&self, key: &str) -> String {
        format!("{}session:{key}", self.prefix)
    }

    fn user_key(&self, user_id: i64) -> String {
        format!("{}user-sessions:{user_id}", self.prefix)
    }

    async fn read(&self, key: &str) -> Result<Option<Stored>, PortError> {
        let raw: Option<String> = self.client.get(self.session_key(key)).await.map_err(failed)?;
        raw.map(|r| serde_json::from_str(&r).map_err(|e| PortError::bad_data(SERVICE, e))).transpose()
    }
}

fn millis_until(end: DateTime<Utc>) -> i64 {
    (end - Utc::now()).num_milliseconds().max(1)
}

#[async_trait::async_trait]
impl SessionStore for RedisSessions {
    fn name(&self) -> &'static str {
        SERVICE
    }

    async fn insert(&self, key: &str, s: &StoredSession) -> Result<(), PortError> {
        let value = serde_json::to_string(&Stored {
            user_id: s.user_id,
            created_at: s.created_at,
            last_seen_at: s.last_seen_at,
            expires_at: s.expires_at,
        })
        .map_err(|e| PortError::bad_data(SERVICE, e))?;
        let ttl = millis_until(s.expires_at);
        self.client
            .set::<(), _, _>(self.session_key(key), value, Some(Expiration::PX(ttl)), None, false)
            .await
            .map_err(failed)?;
        let user = self.user_key(s.user_id);
        self.client.sadd::<i64, _, _>(&user, key).await.map_err(failed)?;
        // The set lives as long as its longest session.
        let current: i64 = self.client.pttl(&user).await.map_err(failed)?;
        if current < ttl {
            self.client.pexpire::<bool, _>(&user, ttl, None).await.map_err(failed)?;
        }
        Ok(())
    }

    async fn get(&self, key: &str, now: DateTime<Utc>) -> Result<Option<StoredSession>, PortError> {
        Ok(self.read(key).await?.filter(|s| s.expires_at > now).map(|s| StoredSession {
            user_id: s.user_id,
            created_at: s.created_at,
            last_seen_at: s.last_seen_at,
            expires_at: s.expires_at,
        }))
    }

    async fn touch(&self, key: &str, at: DateTime<Utc>) -> Result<(), PortError> {
        let Some(mut s) = self.read(key).await? else {
            return Ok(());
        };
        s.last_seen_at = at;
        let value = serde_json::to_string(&s).map_err(|e| PortError::bad_data(SERVICE, e))?;
        // Only while it still exists, keeping its expiry.
        self.client
            .set::<(), _, _>(self.session_key(key), value, Some(Expiration::KEEPTTL), Some(SetOptions::XX), false)
            .await
            .map_err(failed)
    }

    async fn remove(&self, key: &str) -> Result<(), PortError> {
        if let Some(s) = self.read(key).await? {
            self.client.srem::<i64, _, _>(self.user_key(s.user_id), key).await.map_err(failed)?;
        }
        self.client.del::<i64, _>(self.session_key(key)).await.map(|_| ()).map_err(failed)
    }

    async fn remove_user(&self, user_id: i64) -> Result<u64, PortError> {
        let user = self.user_key(user_id);
        let keys: Vec<String> = self.client.smembers(&user).await.map_err(failed)?;
        let mut removed = 0_u64;
        for key in &keys {
            removed += u64::try_from(self.client.del::<i64, _>(self.session_key(key)).await.map_err(failed)?)
                .unwrap_or_default();
        }
        self.client.del::<i64, _>(&user).await.map_err(failed)?;
        Ok(removed)
    }
}
