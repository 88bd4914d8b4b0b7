//! Vendors under `/api/v1/vendors`.

use crate::http::api::auth::Caller;
use crate::http::api::problem::{created, Body, Path, Problem};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use entities::catalog::listing;
use entities::catalog::VendorView;
use entities::marketplace::vendors::AdminVendor;
use entities::marketplace::vendors::NewVendor;
use entities::marketplace::vendors::VendorPatch;
use entities::Shop;

/// All vendors, by name.
#[utoipa::path(get, path = "/api/v1/vendors", tag = "catalog", responses((status = 200, description = "Every vendor", body = Vec<VendorView>)))]
pub async fn list(State(shop): State<Shop>) -> Result<Json<Vec<VendorView>>, Problem> {
    Ok(Json(listing::vendors(&shop).await?))
}

/// One vendor.
#[utoipa::path(
    get,
    path = "/api/v1/vendors/{slug}",
    tag = "catalog",
    params(("slug" = String, Path, description = "Vendor slug")),
    responses(
        (status = 200, description = "The vendor", body = VendorView),
        (status = 404, description = "No vendor has this slug", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_one(State(shop): State<Shop>, Path(slug): Path<String>) -> Result<Json<VendorView>, Problem> {
    Ok(Json(listing::vendor_by_slug(&shop, &slug).await?))
}

/// Creates a vendor (admins).
#[utoipa::path(
    post,
    path = "/api/v1/vendors",
    tag = "catalog admin",
    request_body = NewVendor,
    security(("admin_token" = [])),
    responses(
        (status = 201, description = "The new vendor", body = AdminVendor),
        (status = 400, description = "Fields are not acceptable", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid admin token", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Body(new): Body<NewVendor>,
) -> Result<Response, Problem> {
    let vendor = entities::marketplace::vendors::create_vendor(&shop, actor, new).await?;
    Ok(created(format!("/api/v1/vendors/{}", vendor.slug), vendor))
}

/// Changes a vendor's name, description or (admins) commission.
#[utoipa::path(
    patch,
    path = "/api/v1/vendors/{slug}",
    tag = "catalog admin",
    params(("slug" = String, Path, description = "Vendor slug")),
    request_body = VendorPatch,
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "The vendor after the change", body = AdminVendor),
        (status = 400, description = "A field is not acceptable", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid admin token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No vendor has this slug", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Path(slug): Path<String>,
    Body(patch): Body<VendorPatch>,
) -> Result<Json<AdminVendor>, Problem> {
    Ok(Json(entities::marketplace::vendors::update_vendor(&shop, actor, &slug, patch).await?))
}

/// Deletes a vendor that has no products and no staff.
#[utoipa::path(
    delete,
    path = "/api/v1/vendors/{slug}",
    tag = "catalog admin",
    params(("slug" = String, Path, description = "Vendor slug")),
    security(("admin_token" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "No valid admin token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No vendor has this slug", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "It still has products or staff", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Path(slug): Path<String>,
) -> Result<StatusCode, Problem> {
    entities::marketplace::vendors::delete_vendor(&shop, actor, &slug).await?;
    Ok(StatusCode::NO_CONTENT)
}
