//! A customer's address book: at most [`MAX_ADDRESSES`] addresses, one
//! default for shipping and one for billing. Every function acts for the
//! signed-in account `me`; another account's address does not exist to it.

use crate::accounts::{AddressInput, AddressView};
use crate::kernel::access::own_record;
use crate::kernel::validate::Check;
use crate::kernel::Address;
use crate::model::address;
use crate::write_txn;
use crate::ServiceError;
use crate::ServiceResult;
use crate::Shop;
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};

/// Most addresses one account keeps.
pub const MAX_ADDRESSES: u64 = 20;

fn checked(input: &AddressInput) -> ServiceResult<AddressInput> {
    let mut check = Check::default();
    let base = Address {
        name: input.name.clone(),
        line1: input.line1.clone(),
        line2: input.line2.clone(),
        postal_code: input.postal_code.clone(),
        city: input.city.clone(),
        country: input.country.clone(),
    };
    let clean = crate::ordering::placing::check_address(&mut check, &base, "address");
    let phone = check.long_text("address.phone", &input.phone, 40);
    if !phone.chars().all(|c| c.is_ascii_digit() || " +-()./".contains(c)) {
        check.fail("address.phone", "may hold only digits, spaces and + - ( ) . /");
    }
    check.done()?;
    Ok(AddressInput {
        name: clean.name,
        line1: clean.line1,
        line2: clean.line2,
        postal_code: clean.postal_code,
        city: clean.city,
        country: clean.country,
        phone,
        default_shipping: input.default_shipping,
        default_billing: input.default_billing,
    })
}

fn view(row: address::Model) -> AddressView {
    AddressView {
        id: row.id,
        address: AddressInput {
            name: row.name,
            line1: row.line1,
            line2: row.line2,
            postal_code: row.postal_code,
            city: row.city,
            country: row.country,
            phone: row.phone,
            default_shipping: row.default_shipping,
            default_billing: row.default_billing,
        },
    }
}

/// Clears the other defaults of `me` that `input` takes over.
async fn take_defaults<C: ConnectionTrait>(db: &C, me: i64, except: i64, input: &AddressInput) -> ServiceResult<()> {
    for (wanted, column) in [
        (input.default_shipping, address::Column::DefaultShipping),
        (input.default_billing, address::Column::DefaultBilling),
    ] {
        if wanted {
            address::Entity::update_many()
                .col_expr(column, Expr::value(false))
                .filter(address::Column::UserId.eq(me))
                .filter(address::Column::Id.ne(except))
                .exec(db)
                .await?;
        }
    }
    Ok(())
}

/// The address book of `me`, defaults first.
///
/// # Errors
/// When the database fails.
pub async fn list(shop: &Shop, me: i64) -> ServiceResult<Vec<AddressView>> {
    Ok(address::Entity::find()
        .filter(address::Column::UserId.eq(me))
        .order_by_desc(address::Column::DefaultShipping)
        .order_by_desc(address::Column::DefaultBilling)
        .order_by_asc(address::Column::Id)
        .all(&shop.db)
        .await?
        .into_iter()
        .map(view)
        .collect())
}

/// Adds an address. The first one becomes both defaults.
///
/// # Errors
/// `InvalidFields` for bad fields; `Conflict` past [`MAX_ADDRESSES`].
pub async fn add(shop: &Shop, me: i64, input: &AddressInput) -> ServiceResult<AddressView> {
    let mut input = checked(input)?;
    let txn = write_txn(&shop.db).await?;
    let count = address::Entity::find().filter(address::Column::UserId.eq(me)).count(&txn).await?;
    if count >= MAX_ADDRESSES {
        return Err(ServiceError::Conflict(format!("An address book holds at most {MAX_ADDRESSES} addresses.")));
    }
    if count == 0 {
        input.default_shipping = true;
        input.default_billing = true;
    }
    let row = address::ActiveModel {
        user_id: Set(me),
        name: Set(input.name.clone()),
        line1: Set(input.line1.clone()),
        line2: Set(input.line2.clone()),
        postal_code: Set(input.postal_code.clone()),
        city: Set(input.city.clone()),
        country: Set(input.country.clone()),
        phone: Set(input.phone.clone()),
        default_shipping: Set(input.default_shipping),
        default_billing: Set(input.default_billing),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    take_defaults(&txn, me, row.id, &input).await?;
    txn.commit().await?;
    Ok(view(row))
}

async fn mine<C: ConnectionTrait>(db: &C, me: i64, id: i64) -> ServiceResult<address::Model> {
    let row = address::Entity::find_by_id(id).one(db).await?.ok_or(ServiceError::NotFound("address"))?;
    own_record(me, row.user_id, "address")?;
    Ok(row)
}

/// Changes address `id` of `me`.
///
/// # Errors
/// `NotFound` when it is not theirs; `InvalidFields` for bad fields.
pub async fn update(shop: &Shop, me: i64, id: i64, input: &AddressInput) -> ServiceResult<AddressView> {
    let input = checked(input)?;
    let txn = write_txn(&shop.db).await?;
    let row = mine(&txn, me, id).await?;
    let mut active: address::ActiveModel = row.clone().into();
    active.name = Set(input.name.clone());
    active.line1 = Set(input.line1.clone());
    active.line2 = Set(input.line2.clone());
    active.postal_code = Set(input.postal_code.clone());
    active.city = Set(input.city.clone());
    active.country = Set(input.country.clone());
    active.phone = Set(input.phone.clone());
    // A default is moved by choosing another, not by unticking it.
    active.default_shipping = Set(input.default_shipping || row.default_shipping);
    active.default_billing = Set(input.default_billing || row.default_billing);
    let updated = active.update(&txn).await?;
    take_defaults(&txn, me, id, &input).await?;
    txn.commit().await?;
    Ok(view(updated))
}

/// Deletes address `id` of `me`; a default it was passes to the oldest
/// address left.
///
/// # Errors
/// `NotFound` when it is not theirs.
pub async fn delete(shop: &Shop, me: i64, id: i64) -> ServiceResult<()> {
    let txn = write_txn(&shop.db).await?;
    let row = mine(&txn, me, id).await?;
    address::Entity::delete_by_id(id).exec(&txn).await?;
    if row.default_shipping || row.default_billing {
        if let Some(next) = address::Entity::find()
            .filter(address::Column::UserId.eq(me))
            .order_by_asc(address::Column::Id)
            .one(&txn)
            .await?
        {
            let mut active: address::ActiveModel = next.clone().into();
            active.default_shipping = Set(next.default_shipping || row.default_shipping);
            active.default_billing = Set(next.default_billing || row.default_billing);
            active.update(&txn).await?;
        }
    }
    txn.commit().await?;
    Ok(())
}
