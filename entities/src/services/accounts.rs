//! User accounts. Sign-up, sessions and roles grow here (issue 4); the
//! foundation needs the first admin.

use super::{ServiceError, ServiceResult};
use crate::domain::Email;
use crate::model::user;
use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
use argon2::Argon2;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

/// Shortest password we accept.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// Creates an admin account with an argon2id-hashed password.
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
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(ServiceError::Invalid(format!("The password must be at least {MIN_PASSWORD_CHARS} characters.")));
    }
    if user::Entity::find().filter(user::Column::Email.eq(email.as_str())).one(db).await?.is_some() {
        return Err(ServiceError::Conflict(format!("{email} already has an account.")));
    }
    let hash = hash_password(password)?;
    let created = user::ActiveModel {
        email: Set(email.as_str().to_owned()),
        password_hash: Set(Some(hash)),
        display_name: Set(display_name.to_owned()),
        role: Set("admin".to_owned()),
        vendor_id: Set(None),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(created.id)
}

/// Hashes a password with argon2id and a random salt (PHC string).
///
/// # Errors
/// `Corrupt` if hashing fails, which only happens with broken parameters.
pub fn hash_password(password: &str) -> ServiceResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ServiceError::Corrupt(format!("password hashing failed: {e}")))
}
