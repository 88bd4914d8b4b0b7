//! Paying and refunding: the order moves with the money, refunds never
//! exceed what was paid, and the audit log names the person who acted.

use crate::common::*;
use crate::on_both_databases;
use entities::model::payment_audit;
use entities::ordering::OrderStatus;
use entities::ServiceError;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

on_both_databases!(refunds_add_up_to_the_payment_and_name_the_admin, |db| async move {
    let shop = shop(db).await;
    let v = variants_of_vendors(&shop, 1, 2).await.remove(0);
    let order = paid_order(&shop, &[(v.id, 2)]).await;
    assert_eq!(order.status, OrderStatus::Paid);
    let admin = admin_account(&shop, "refunder@example.com").await;
    let refunds = entities::payments::refunds::refund;

    let part = refunds(&shop, admin, &order.id, Some(100), "A scratch", None).await.unwrap();
    assert_eq!(part.status, OrderStatus::PartiallyRefunded);
    let too_much = refunds(&shop, admin, &order.id, Some(order.total_minor), "Again", None).await;
    assert!(
        matches!(&too_much, Err(ServiceError::InvalidField { field: "amount_minor", .. })),
        "more than is left: {too_much:?}"
    );
    let rest = refunds(&shop, admin, &order.id, None, "Sent back", None).await.unwrap();
    assert_eq!(rest.status, OrderStatus::Refunded);
    let nothing_left = refunds(&shop, admin, &order.id, Some(1), "Once more", None).await;
    assert!(
        matches!(nothing_left, Err(ServiceError::Conflict(_)) | Err(ServiceError::InvalidField { .. })),
        "nothing is left to refund: {nothing_left:?}"
    );

    let Actor::Admin { by: Principal::Account(admin_id) } = admin else { unreachable!() };
    let entries = payment_audit::Entity::find()
        .filter(payment_audit::Column::Action.eq("refund.created"))
        .order_by_asc(payment_audit::Column::Id)
        .all(&shop.db)
        .await
        .unwrap();
    let amounts: Vec<i64> = entries.iter().map(|e| e.detail["amount_minor"].as_i64().unwrap()).collect();
    assert_eq!(amounts, [100, order.total_minor - 100], "each refund once, adding up to the payment");
    for entry in &entries {
        assert_eq!(entry.actor, format!("admin:{admin_id}"), "the person, not just the role");
    }
});

on_both_databases!(only_an_admin_refunds, |db| async move {
    let shop = shop(db).await;
    let v = variants_of_vendors(&shop, 1, 1).await.remove(0);
    let order = paid_order(&shop, &[(v.id, 1)]).await;
    let refunds = entities::payments::refunds::refund;

    let anonymous = refunds(&shop, Actor::Anonymous, &order.id, Some(1), "", None).await;
    let customer = refunds(&shop, Actor::Customer { user_id: 1 }, &order.id, Some(1), "", None).await;

    assert!(matches!(anonymous, Err(ServiceError::Unauthenticated)), "{anonymous:?}");
    assert!(matches!(customer, Err(ServiceError::Forbidden)), "{customer:?}");
    let now = entities::ordering::view::order_by_public_id(&shop, &order.id).await.unwrap();
    assert_eq!(now.status, OrderStatus::Paid, "nothing moved");
});

use entities::kernel::access::{Actor, Principal};
