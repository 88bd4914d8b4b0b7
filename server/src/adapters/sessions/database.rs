//! The embedded session store: the `sessions` table of the shop's own
//! database (SQLite or PostgreSQL), so sessions survive restarts with
//! nothing else installed.

use chrono::{DateTime, Utc};
use entities::model::session;
use entities::ports::{PortError, SessionStore, StoredSession};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

const SERVICE: &str = "database";

fn failed(e: sea_orm::DbErr) -> PortError {
    PortError::unavailable(SERVICE, e)
}

/// Sessions in the database.
#[derive(Clone)]
pub struct DbSessions {
    db: DatabaseConnection,
}

impl DbSessions {
    /// A store over the shop's database.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    /// Deletes sessions that ended before `now`; returns how many.
    ///
    /// # Errors
    /// When the database fails.
    pub async fn purge(&self, now: DateTime<Utc>) -> Result<u64, PortError> {
        let done = session::Entity::delete_many()
            .filter(session::Column::ExpiresAt.lt(now))
            .exec(&self.db)
            .await
            .map_err(failed)?;
        Ok(done.rows_affected)
    }
}

#[async_trait::async_trait]
impl SessionStore for DbSessions {
    fn name(&self) -> &'static str {
        SERVICE
    }

    async fn insert(&self, key: &str, s: &StoredSession) -> Result<(), PortError> {
        session::Entity::insert(session::ActiveModel {
            id_hash: Set(key.to_owned()),
            user_id: Set(s.user_id),
            created_at: Set(s.created_at),
            last_seen_at: Set(s.last_seen_at),
            expires_at: Set(s.expires_at),
        })
        .exec_without_returning(&self.db)
        .await
        .map(|_| ())
        .map_err(failed)
    }

    async fn get(&self, key: &str, now: DateTime<Utc>) -> Result<Option<StoredSession>, PortError> {
        let row = session::Entity::find_by_id(key.to_owned())
            .filter(session::Column::ExpiresAt.gt(now))
            .one(&self.db)
            .await
            .map_err(failed)?;
        Ok(row.map(|r| StoredSession {
            user_id: r.user_id,
            created_at: r.created_at,
            last_seen_at: r.last_seen_at,
            expires_at: r.expires_at,
        }))
    }

    async fn touch(&self, key: &str, at: DateTime<Utc>) -> Result<(), PortError> {
        session::Entity::update_many()
            .col_expr(session::Column::LastSeenAt, Expr::value(at))
            .filter(session::Column::IdHash.eq(key))
            .exec(&self.db)
            .await
            .map(|_| ())
            .map_err(failed)
    }

    async fn remove(&self, key: &str) -> Result<(), PortError> {
        session::Entity::delete_by_id(key.to_owned()).exec(&self.db).await.map(|_| ()).map_err(failed)
    }

    async fn remove_user(&self, user_id: i64) -> Result<u64, PortError> {
        let done = session::Entity::delete_many()
            .filter(session::Column::UserId.eq(user_id))
            .exec(&self.db)
            .await
            .map_err(failed)?;
        Ok(done.rows_affected)
    }
}
