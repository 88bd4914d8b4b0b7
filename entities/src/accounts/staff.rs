//! Staff accounts: the first admin (from the command line), staff made and
//! invited by admins, and the list of staff.

use crate::accounts::credentials::account_email;
use crate::accounts::credentials::find_by_email;
use crate::accounts::credentials::hash_password;
use crate::accounts::credentials::link;
use crate::accounts::credentials::new_token;
use crate::accounts::credentials::send;
use crate::accounts::MIN_PASSWORD_CHARS;
use crate::kernel::access::Actor;
use crate::kernel::Email;
use crate::kernel::Role;
use crate::kernel::VendorId;
use crate::model::user;
use crate::write_txn;
use crate::ServiceError;
use crate::ServiceResult;
use crate::Shop;
use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
};

/// Creates an admin account with an argon2id-hashed password (its email
/// counts as confirmed: whoever runs the command owns the shop).
///
/// # Errors
/// `Invalid` for a short password, `Conflict` when the email has an account.
#[tracing::instrument(skip(db, password), fields(email = %email))]
pub async fn create_admin(
    db: &DatabaseConnection,
    email: &Email,
    display_name: &str,
    password: &str,
) -> ServiceResult<i64> {
    create_staff(db, email, display_name, password, Role::Admin, None).await
}

/// Creates a signed-in-ready staff account: `admin`, `support`, or `vendor`
/// (staff of `vendor_id`).
///
/// # Errors
/// `Invalid` for a short password or a vendor role without a vendor,
/// `Conflict` when the email has an account.
pub async fn create_staff(
    db: &DatabaseConnection,
    email: &Email,
    display_name: &str,
    password: &str,
    role: Role,
    vendor_id: Option<VendorId>,
) -> ServiceResult<i64> {
    let vendor_id = vendor_id.map(VendorId::get);
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(ServiceError::Invalid(format!("The password must be at least {MIN_PASSWORD_CHARS} characters.")));
    }
    if (role == Role::VendorStaff) != vendor_id.is_some() {
        return Err(ServiceError::Invalid("A vendor account needs its vendor; other roles have none.".into()));
    }
    let email = email.as_str().to_lowercase();
    if find_by_email(db, &email).await?.is_some() {
        return Err(ServiceError::Conflict(format!("{email} already has an account.")));
    }
    let hash = hash_password(password)?;
    let now = Utc::now();
    let created = staff_row(email, Some(hash), display_name.to_owned(), role, vendor_id, now).insert(db).await?;
    Ok(created.id)
}

/// A new staff account's row: its email counts as confirmed (an admin, or
/// whoever runs the command, vouches for it); no password until one is set.
fn staff_row(
    email: String,
    password_hash: Option<String>,
    name: String,
    role: Role,
    vendor_id: Option<i64>,
    now: chrono::DateTime<Utc>,
) -> user::ActiveModel {
    user::ActiveModel {
        email: Set(email),
        password_hash: Set(password_hash),
        display_name: Set(name),
        role: Set(role),
        vendor_id: Set(vendor_id),
        created_at: Set(now),
        email_verified_at: Set(Some(now)),
        vendor_owner: Set(false),
        marketing_consent_at: Set(None),
        deleted_at: Set(None),
        ..Default::default()
    }
}

/// Days an invitation link to a staff account lasts.
pub const INVITATION_DAYS: i64 = 3;

/// An admin invites a staff member: the account is made without a
/// password, and an emailed link lets them choose one (logged).
///
/// # Errors
/// `Forbidden` for anyone but admins; `InvalidFields` for a bad email, name
/// or role (a vendor role needs its vendor, by slug); `Conflict` when the
/// email has an account.
pub async fn invite_staff(
    shop: &Shop,
    actor: Actor,
    email: &str,
    name: &str,
    role: &str,
    vendor: Option<&str>,
) -> ServiceResult<i64> {
    crate::kernel::access::authorize(actor, crate::kernel::access::Action::ManageStaff)?;
    let vendor = vendor.map(str::trim).filter(|v| !v.is_empty());
    let mut errors = Vec::new();
    let email = match account_email(email) {
        Ok(e) => Some(e),
        Err(_) => {
            errors.push(("email".to_owned(), "is not an email address".to_owned()));
            None
        }
    };
    let name = name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 200 {
        errors.push(("name".to_owned(), "must be 1 to 200 characters".to_owned()));
    }
    let role = Role::parse(role).filter(|r| crate::accounts::two_factor::for_role(*r));
    match role {
        None => errors.push(("role".to_owned(), "must be admin, support or vendor".to_owned())),
        Some(r) if (r == Role::VendorStaff) != vendor.is_some() => {
            errors.push(("vendor".to_owned(), "choose the vendor of vendor staff (and only theirs)".to_owned()));
        }
        Some(_) => {}
    }
    let (Some(email), Some(role)) = (email.filter(|_| errors.is_empty()), role) else {
        return Err(ServiceError::InvalidFields(errors));
    };
    let txn = write_txn(&shop.db).await?;
    if find_by_email(&txn, &email).await?.is_some() {
        return Err(ServiceError::Conflict(format!("{email} already has an account.")));
    }
    let vendor_id = match vendor {
        Some(slug) => Some(
            crate::model::vendor::Entity::find()
                .filter(crate::model::vendor::Column::Slug.eq(slug))
                .one(&txn)
                .await?
                .ok_or_else(|| ServiceError::InvalidFields(vec![("vendor".into(), "is not a vendor".into())]))?
                .id,
        ),
        None => None,
    };
    let now = Utc::now();
    let created =
        staff_row(email.clone(), None, name.clone(), role, vendor_id, now).insert(&txn).await.map_err(|e| {
            if crate::kernel::validate::is_unique_violation(&e) {
                ServiceError::Conflict(format!("{email} already has an account."))
            } else {
                e.into()
            }
        })?;
    let secret = new_token(&txn, created.id, "reset", None, Duration::days(INVITATION_DAYS)).await?;
    let shop_name = &shop.accounts.shop_name;
    send(
        &txn,
        &email,
        format!("You are invited to {shop_name}"),
        format!(
            "Hello {name},\n\nYou have a staff account at {shop_name}. Choose your password with this link (it works once, for {INVITATION_DAYS} days):\n\n{}\n\nThen sign in at {}/account/sign-in.\n",
            link(shop, "/account/reset", &secret),
            shop.accounts.public_url
        ),
        "invitation",
    )
    .await?;
    crate::kernel::audit::record(&txn, actor, "staff.invite", &format!("user:{}", created.id), role.as_str()).await?;
    txn.commit().await?;
    Ok(created.id)
}

/// The staff accounts (admins, support, vendor staff), for admins.
///
/// # Errors
/// `Forbidden` for anyone but admins.
pub async fn staff_list(shop: &Shop, actor: Actor) -> ServiceResult<Vec<crate::accounts::StaffMember>> {
    crate::kernel::access::authorize(actor, crate::kernel::access::Action::ManageStaff)?;
    let rows = user::Entity::find()
        .filter(user::Column::Role.is_in(Role::STAFF))
        .filter(user::Column::DeletedAt.is_null())
        .order_by_asc(user::Column::Id)
        .all(&shop.db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|u| crate::accounts::StaffMember {
            id: u.id,
            email: u.email,
            name: u.display_name,
            role: u.role,
            vendor_id: u.vendor_id,
            two_factor: u.totp_enabled_at.is_some(),
            active: u.password_hash.is_some(),
        })
        .collect())
}
