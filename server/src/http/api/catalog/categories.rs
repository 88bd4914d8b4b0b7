//! Categories under `/api/v1/categories`.

use crate::http::api::auth::Caller;
use crate::http::api::problem::{created, Body, Path, Problem};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use entities::catalog::listing;
use entities::catalog::AdminCategory;
use entities::catalog::CategoryNode;
use entities::catalog::CategoryPatch;
use entities::catalog::NewCategory;
use entities::Shop;

/// The category tree.
#[utoipa::path(get, path = "/api/v1/categories", tag = "catalog", responses((status = 200, description = "Top-level categories with their sub-categories", body = Vec<CategoryNode>)))]
pub async fn tree(State(shop): State<Shop>) -> Result<Json<Vec<CategoryNode>>, Problem> {
    Ok(Json(listing::category_tree(&shop).await?))
}

/// Creates a category, at the top level or under `parent`.
#[utoipa::path(
    post,
    path = "/api/v1/categories",
    tag = "catalog admin",
    request_body = NewCategory,
    security(("admin_token" = [])),
    responses(
        (status = 201, description = "The new category", body = AdminCategory),
        (status = 400, description = "Fields are not acceptable", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid admin token", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Body(new): Body<NewCategory>,
) -> Result<Response, Problem> {
    let category = entities::catalog::taxonomy::create_category(&shop, actor, new).await?;
    Ok(created(format!("/api/v1/categories/{}", category.slug), category))
}

/// Renames, reorders or moves a category (with everything below it).
#[utoipa::path(
    patch,
    path = "/api/v1/categories/{slug}",
    tag = "catalog admin",
    params(("slug" = String, Path, description = "Category slug")),
    request_body = CategoryPatch,
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "The category after the change", body = AdminCategory),
        (status = 400, description = "A field is not acceptable", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid admin token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No category has this slug", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Path(slug): Path<String>,
    Body(patch): Body<CategoryPatch>,
) -> Result<Json<AdminCategory>, Problem> {
    Ok(Json(entities::catalog::taxonomy::update_category(&shop, actor, &slug, patch).await?))
}

/// Deletes an empty category.
#[utoipa::path(
    delete,
    path = "/api/v1/categories/{slug}",
    tag = "catalog admin",
    params(("slug" = String, Path, description = "Category slug")),
    security(("admin_token" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "No valid admin token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No category has this slug", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "It still has sub-categories or products", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Path(slug): Path<String>,
) -> Result<StatusCode, Problem> {
    entities::catalog::taxonomy::delete_category(&shop, actor, &slug).await?;
    Ok(StatusCode::NO_CONTENT)
}
