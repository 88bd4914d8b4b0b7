//! A shipping method's code is unique among its owner's methods (a
//! vendor's, or the shop's own), so a shopper's choice names one method.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        db.execute_unprepared(
            "CREATE UNIQUE INDEX ux_shipping_methods_vendor_code ON shipping_methods (vendor_id, code) \
             WHERE vendor_id IS NOT NULL",
        )
        .await?;
        db.execute_unprepared(
            "CREATE UNIQUE INDEX ux_shipping_methods_shop_code ON shipping_methods (code) WHERE vendor_id IS NULL",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        db.execute_unprepared("DROP INDEX ux_shipping_methods_vendor_code").await?;
        db.execute_unprepared("DROP INDEX ux_shipping_methods_shop_code").await?;
        Ok(())
    }
}
