//! Privacy (GDPR): a customer's data as one JSON document, and erasure of an
//! account. A customer does both for themselves; an admin does both on
//! request, and the audit log keeps who did it and when.
//!
//! Erasure deletes what the shop needs no longer — addresses, wishlist,
//! reviews, one-time links, sessions, two-factor seed, unsent mail (to the
//! account's address, its orders' and a pending new one) — and anonymises
//! what the law makes it keep: orders stay (amounts, lines, tax, payments,
//! for the books) without the email, IP address or delivery details; the
//! billing address an invoice must show is kept; coupon redemptions lose
//! their email. The account row stays,
//! emptied, so orders still point at something and the email can register
//! again.

use crate::catalog::reviews;
use crate::kernel::access::{authorize, Action, Actor};
use crate::kernel::audit;
use crate::kernel::UserId;
use crate::model::{
    account_token, address, cart, coupon_redemption, email, order, order_event, order_line, order_return, payment,
    payment_event, review, user, wishlist_item,
};
use crate::ordering::OrderStatus;
use crate::write_txn;
use crate::ServiceError;
use crate::ServiceResult;
use crate::Shop;
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// Orders in these states are still on their way: an account with one
/// cannot be erased until it arrives or is cancelled.
const OPEN: [OrderStatus; 4] =
    [OrderStatus::PendingPayment, OrderStatus::Paid, OrderStatus::Fulfilling, OrderStatus::Shipped];

/// The email an erased account is left with (never deliverable: `.invalid`
/// is reserved).
pub fn erased_email(user_id: UserId) -> String {
    let user_id = user_id.get();
    format!("erased-{user_id}@erased.invalid")
}

/// What an erasure removed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErasureReport {
    /// The account erased.
    pub user_id: i64,
    /// Addresses deleted.
    pub addresses: u64,
    /// Wishlist entries deleted.
    pub wishlist: u64,
    /// Reviews deleted.
    pub reviews: u64,
    /// Orders kept, anonymised.
    pub orders_anonymised: u64,
    /// Sessions ended.
    pub sessions: u64,
}

/// A customer account as an admin finds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerRecord {
    /// The account's id.
    pub id: i64,
    /// Its email.
    pub email: String,
    /// Its name.
    pub name: String,
    /// Its role.
    pub role: crate::kernel::Role,
    /// When it was made.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: chrono::DateTime<Utc>,
    /// When it was erased, if it was.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub erased_at: Option<chrono::DateTime<Utc>>,
}

fn record(u: &user::Model) -> CustomerRecord {
    CustomerRecord {
        id: u.id,
        email: u.email.clone(),
        name: u.display_name.clone(),
        role: u.role,
        created_at: u.created_at,
        erased_at: u.deleted_at,
    }
}

/// An admin looks an account up by its email.
///
/// # Errors
/// `Forbidden` unless an admin asks; `NotFound` when no account has it.
pub async fn find(shop: &Shop, actor: Actor, email: &str) -> ServiceResult<CustomerRecord> {
    authorize(actor, Action::ManageCustomers)?;
    let email = email.trim().to_lowercase();
    user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(&shop.db)
        .await?
        .map(|u| record(&u))
        .ok_or(ServiceError::NotFound("account"))
}

async fn document(conn: &impl ConnectionTrait, u: &user::Model) -> ServiceResult<Value> {
    let addresses = address::Entity::find()
        .filter(address::Column::UserId.eq(u.id))
        .order_by_asc(address::Column::Id)
        .all(conn)
        .await?;
    let orders =
        order::Entity::find().filter(order::Column::UserId.eq(u.id)).order_by_asc(order::Column::Id).all(conn).await?;
    let lines = order_line::Entity::find()
        .filter(order_line::Column::OrderId.is_in(orders.iter().map(|o| o.id)))
        .order_by_asc(order_line::Column::Id)
        .all(conn)
        .await?;
    let wishlist = wishlist_item::Entity::find()
        .filter(wishlist_item::Column::UserId.eq(u.id))
        .order_by_asc(wishlist_item::Column::Id)
        .all(conn)
        .await?;
    let written = review::Entity::find()
        .filter(review::Column::UserId.eq(u.id))
        .order_by_asc(review::Column::Id)
        .all(conn)
        .await?;
    let mail = email::Entity::find()
        .filter(email::Column::Recipient.eq(u.email.clone()))
        .order_by_asc(email::Column::Id)
        .all(conn)
        .await?;
    Ok(json!({
        "format": "bazaar-personal-data/1",
        "exported_at": Utc::now(),
        "account": {
            "id": u.id,
            "email": u.email,
            "name": u.display_name,
            "role": u.role,
            "created_at": u.created_at,
            "email_verified_at": u.email_verified_at,
            "marketing_consent_at": u.marketing_consent_at,
        },
        "addresses": addresses.iter().map(|a| json!({
            "name": a.name, "line1": a.line1, "line2": a.line2, "postal_code": a.postal_code,
            "city": a.city, "country": a.country, "phone": a.phone,
            "default_shipping": a.default_shipping, "default_billing": a.default_billing,
            "created_at": a.created_at,
        })).collect::<Vec<_>>(),
        "orders": orders.iter().map(|o| json!({
            "id": o.public_id,
            "placed_at": o.created_at,
            "status": o.status,
            "email": o.email,
            "currency": o.currency,
            "subtotal_minor": o.subtotal_minor,
            "shipping_minor": o.shipping_minor,
            "tax_minor": o.tax_minor,
            "discount_minor": o.discount_minor,
            "total_minor": o.total_minor,
            "shipping_address": o.shipping_address,
            "billing_address": o.billing_address,
            "ip_address": o.client_ip,
            "lines": lines.iter().filter(|l| l.order_id == o.id).map(|l| json!({
                "sku": l.sku, "title": l.title, "options": l.options, "quantity": l.quantity,
                "unit_price_minor": l.unit_price_minor, "line_total_minor": l.line_total_minor,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "wishlist": wishlist.iter().map(|w| json!({
            "product_id": w.product_id, "variant_id": w.variant_id,
            "saved_price_minor": w.saved_price_minor, "currency": w.currency, "saved_at": w.created_at,
        })).collect::<Vec<_>>(),
        "reviews": written.iter().map(|r| json!({
            "product_id": r.product_id, "rating": r.rating, "title": r.title, "body": r.body,
            "status": r.status, "verified_purchase": r.verified_purchase, "written_at": r.created_at,
        })).collect::<Vec<_>>(),
        "emails": mail.iter().map(|m| json!({
            "subject": m.subject, "kind": m.kind, "status": m.status,
            "queued_at": m.created_at, "sent_at": m.sent_at,
        })).collect::<Vec<_>>(),
    }))
}

/// Account `user_id`'s data as one JSON document, for an admin acting on
/// the customer's request (logged).
///
/// # Errors
/// `Forbidden` for anyone but admins; `NotFound` for no such account or an
/// erased one.
pub async fn export(shop: &Shop, actor: Actor, user_id: UserId) -> ServiceResult<Value> {
    let user_id = user_id.get();
    authorize(actor, Action::ManageCustomers)?;
    export_document(shop, actor, user_id).await
}

/// The signed-in account's own data (`actor` is the session's), logged
/// like any export.
///
/// # Errors
/// When the database fails.
pub async fn export_own(shop: &Shop, actor: Actor, user_id: UserId) -> ServiceResult<Value> {
    let user_id = user_id.get();
    export_document(shop, actor, user_id).await
}

async fn export_document(shop: &Shop, actor: Actor, user_id: i64) -> ServiceResult<Value> {
    let txn = write_txn(&shop.db).await?;
    let u = user::Entity::find_by_id(user_id)
        .filter(user::Column::DeletedAt.is_null())
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound("account"))?;
    let doc = document(&txn, &u).await?;
    audit::record(&txn, actor, "gdpr.export", &format!("user:{user_id}"), "").await?;
    txn.commit().await?;
    Ok(doc)
}

/// Erases account `user_id` on an admin's order (logged).
///
/// # Errors
/// `Forbidden` unless an admin asks; `NotFound`; `Conflict` while an order
/// of the account is on its way.
pub async fn erase(shop: &Shop, actor: Actor, user_id: UserId) -> ServiceResult<ErasureReport> {
    let user_id = user_id.get();
    authorize(actor, Action::ManageCustomers)?;
    erase_account(shop, actor, user_id).await
}

/// A customer deletes their own account, confirming with the password.
///
/// # Errors
/// `InvalidFields("password")` for a wrong password; `Conflict` while an
/// order is on its way.
pub async fn delete_own(shop: &Shop, user_id: UserId, password: &str) -> ServiceResult<ErasureReport> {
    let user_id = user_id.get();
    let u = crate::accounts::credentials::live_user(&shop.db, user_id).await?;
    if !crate::accounts::credentials::matches_off_thread(password.to_owned(), u.password_hash.clone()).await {
        return Err(ServiceError::InvalidFields(vec![("password".into(), "is not your password".into())]));
    }
    if u.role != crate::kernel::Role::Customer {
        return Err(ServiceError::Conflict("Staff accounts are closed by an admin, not from the account page.".into()));
    }
    erase_account(shop, Actor::Customer { user_id }, user_id).await
}

/// The delivery address an erased order keeps: its country (for the books).
fn country_only(address: &Value) -> Value {
    json!({ "country": address.get("country").cloned().unwrap_or(Value::Null) })
}

/// The billing address an invoice keeps: name and postal address, no phone
/// or email.
fn invoice_address(address: &Value) -> Value {
    let keep = ["name", "company", "line1", "line2", "postal_code", "city", "region", "country", "vat_id"];
    Value::Object(
        address
            .as_object()
            .map(|fields| {
                fields.iter().filter(|(k, _)| keep.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect()
            })
            .unwrap_or_default(),
    )
}

async fn erase_account(shop: &Shop, actor: Actor, user_id: i64) -> ServiceResult<ErasureReport> {
    let txn = write_txn(&shop.db).await?;
    let u = user::Entity::find_by_id(user_id)
        .filter(user::Column::DeletedAt.is_null())
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound("account"))?;
    // The account's orders, and those placed as a guest with its address.
    let orders = order::Entity::find()
        .filter(
            sea_orm::Condition::any().add(order::Column::UserId.eq(user_id)).add(
                sea_orm::Condition::all()
                    .add(order::Column::UserId.is_null())
                    // Typed at checkout in any case; accounts keep it lowercased.
                    .add(sea_orm::sea_query::ExprTrait::eq(
                        Expr::expr(sea_orm::sea_query::Func::lower(Expr::col(order::Column::Email))),
                        u.email.to_lowercase(),
                    )),
            ),
        )
        .all(&txn)
        .await?;
    let open = orders.iter().filter(|o| OPEN.contains(&o.status)).count();
    if open > 0 {
        return Err(ServiceError::Conflict(format!(
            "{open} order(s) of this account are still on their way; the account can be deleted once they have arrived or been cancelled."
        )));
    }
    let gone = erased_email(crate::kernel::UserId::new(user_id));
    let mut report = ErasureReport { user_id, ..ErasureReport::default() };
    report.addresses =
        address::Entity::delete_many().filter(address::Column::UserId.eq(user_id)).exec(&txn).await?.rows_affected;
    report.wishlist = wishlist_item::Entity::delete_many()
        .filter(wishlist_item::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?
        .rows_affected;
    report.reviews = reviews::erase_author(&txn, crate::kernel::UserId::new(user_id)).await?;
    // Every address this person was written to: the account's, each order's,
    // and a change of email still pending.
    let mut addresses_used: Vec<String> = vec![u.email.clone()];
    addresses_used.extend(orders.iter().map(|o| o.email.clone()));
    addresses_used.extend(
        account_token::Entity::find()
            .filter(account_token::Column::UserId.eq(user_id))
            .all(&txn)
            .await?
            .into_iter()
            .filter_map(|t| t.new_email),
    );
    addresses_used.sort();
    addresses_used.dedup();
    account_token::Entity::delete_many().filter(account_token::Column::UserId.eq(user_id)).exec(&txn).await?;
    cart::Entity::update_many()
        .col_expr(cart::Column::UserId, Expr::value(Option::<i64>::None))
        .filter(cart::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?;
    // Mail: what was not sent yet never will be; what was sent keeps its
    // subject and time, not the address or the text.
    email::Entity::delete_many()
        .filter(email::Column::Recipient.is_in(addresses_used.clone()))
        .filter(email::Column::Status.ne(crate::notifications::mail::MailStatus::Sent))
        .exec(&txn)
        .await?;
    email::Entity::update_many()
        .col_expr(email::Column::Recipient, Expr::value(gone.clone()))
        .col_expr(email::Column::Body, Expr::value(String::new()))
        .filter(email::Column::Recipient.is_in(addresses_used))
        .exec(&txn)
        .await?;
    coupon_redemption::Entity::update_many()
        .col_expr(coupon_redemption::Column::Email, Expr::value(gone.clone()))
        .filter(coupon_redemption::Column::OrderId.is_in(orders.iter().map(|o| o.id)))
        .exec(&txn)
        .await?;
    let order_ids: Vec<i64> = orders.iter().map(|o| o.id).collect();
    // Free text about the person: return reasons and notes, and every note
    // of the orders' timelines (they quote return reasons, staff notes);
    // the timeline keeps what happened and when.
    order_return::Entity::update_many()
        .col_expr(order_return::Column::Reason, Expr::value("(erased)"))
        .col_expr(order_return::Column::Note, Expr::value(String::new()))
        .filter(order_return::Column::OrderId.is_in(order_ids.clone()))
        .exec(&txn)
        .await?;
    order_event::Entity::update_many()
        .col_expr(order_event::Column::Note, Expr::value(String::new()))
        .filter(order_event::Column::OrderId.is_in(order_ids.clone()))
        .exec(&txn)
        .await?;
    // What payment providers sent about these orders' payments (names,
    // emails, billing details) is not kept either; amounts and outcomes are.
    let references: Vec<String> = payment::Entity::find()
        .filter(payment::Column::OrderId.is_in(order_ids))
        .all(&txn)
        .await?
        .into_iter()
        .map(|p| p.provider_ref)
        .collect();
    payment_event::Entity::update_many()
        .col_expr(payment_event::Column::Payload, Expr::value(json!({ "erased": true })))
        .filter(payment_event::Column::ProviderRef.is_in(references))
        .exec(&txn)
        .await?;
    for o in orders {
        let billing = o.billing_address.clone().unwrap_or_else(|| o.shipping_address.clone());
        let mut a: order::ActiveModel = o.clone().into();
        a.email = Set(gone.clone());
        a.client_ip = Set(None);
        a.shipping_address = Set(country_only(&o.shipping_address));
        a.billing_address = Set(Some(invoice_address(&billing)));
        a.update(&txn).await?;
        report.orders_anonymised += 1;
    }
    let mut a: user::ActiveModel = u.into();
    a.email = Set(gone);
    a.display_name = Set("Erased account".into());
    a.password_hash = Set(None);
    a.marketing_consent_at = Set(None);
    a.email_verified_at = Set(None);
    a.totp_secret = Set(None);
    a.totp_enabled_at = Set(None);
    a.deleted_at = Set(Some(Utc::now()));
    a.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        "gdpr.erase",
        &format!("user:{user_id}"),
        &format!(
            "addresses {}, wishlist {}, reviews {}, orders anonymised {}",
            report.addresses, report.wishlist, report.reviews, report.orders_anonymised
        ),
    )
    .await?;
    txn.commit().await?;
    report.sessions = shop.sessions.remove_user(user_id).await?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_erased_order_keeps_the_invoice_address_and_the_delivery_country_only() {
        let shipped = json!({"name": "Ada L", "line1": "1 Road", "postal_code": "1011", "city": "Amsterdam",
            "country": "NL", "phone": "+31 6 1234", "email": "ada@example.com"});
        assert_eq!(country_only(&shipped), json!({"country": "NL"}));
        let kept = invoice_address(&shipped);
        assert_eq!(kept["name"], "Ada L");
        assert_eq!(kept["city"], "Amsterdam");
        assert!(kept.get("phone").is_none() && kept.get("email").is_none(), "{kept}");
        assert_eq!(invoice_address(&json!(null)), json!({}));
        assert!(erased_email(UserId::new(7)).ends_with(".invalid"));
    }
}
