//! At most one open (`pending`) payment per order and provider: two tabs
//! starting a card payment at once make one payment, not two. Payments left
//! open twice before this (the race it closes) keep the newest open; the
//! older ones are marked failed, as the browser can no longer reach them.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        db.execute_unprepared(
            "UPDATE payments SET status = 'failed' WHERE status = 'pending' AND id NOT IN \
             (SELECT MAX(id) FROM payments WHERE status = 'pending' GROUP BY order_id, provider)",
        )
        .await?;
        db.execute_unprepared(
            "CREATE UNIQUE INDEX ux_payments_one_open ON payments (order_id, provider) WHERE status = 'pending'",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection().execute_unprepared("DROP INDEX ux_payments_one_open").await?;
        Ok(())
    }
}
