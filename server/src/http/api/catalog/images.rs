//! Product images under `/api/v1/products/{id}/images` and `/api/v1/images`.

use crate::http::api::auth::Caller;
use crate::http::api::problem::Multipart;
use crate::http::api::problem::Problem;
use crate::http::api::problem::{Body, Path};
use axum::extract::{FromRequest, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use entities::catalog::images::{self, Upload, MAX_BYTES, MAX_FILES};
use entities::catalog::{AdminImage, ImagePatch};
use entities::Shop;
use entities::{ImageId, ProductId};

/// The largest request body an upload may have: every file at its limit,
/// plus room for the form's own bytes.
pub const MAX_BODY: usize = MAX_FILES * MAX_BYTES + 1024 * 1024;

fn product_id(text: &str) -> Result<ProductId, Problem> {
    text.parse::<ProductId>().map_err(|_| Problem::invalid_field("id", "must be a positive whole number"))
}

fn image_id(text: &str) -> Result<ImageId, Problem> {
    text.parse::<ImageId>().map_err(|_| Problem::invalid_field("id", "must be a positive whole number"))
}

/// The form of an upload (`multipart/form-data`).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // Documents the form; the handler reads it part by part.
pub struct UploadForm {
    /// One part per image (JPEG, PNG, GIF or WebP; at most 10 MB each, 8 at once).
    #[schema(value_type = Vec<String>, format = Binary)]
    files: Vec<Vec<u8>>,
    /// Text for screen readers, one per file in the same order (optional).
    alt: Option<Vec<String>>,
}

/// Uploads images of a product. They are stored as sent and answered
/// `pending`; their renditions (WebP, 200/600/1600 px wide) are made in the
/// background, after which they show as `ready` on the product page.
#[utoipa::path(
    post,
    path = "/api/v1/products/{id}/images",
    tag = "catalog admin",
    params(("id" = i64, Path, minimum = 1, description = "Product id")),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    security(("admin_token" = [])),
    responses(
        (status = 202, description = "Accepted; being processed", body = Vec<AdminImage>),
        (status = 400, description = "A file is not an image, empty, or too large; or too many", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid admin token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No product has this id", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The request is larger than all files at their limit", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn upload(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    request: axum::extract::Request,
) -> Result<Response, Problem> {
    let id = product_id(&id)?;
    // Who may, before a byte of the body is read.
    images::may_add_images(&shop, actor, id).await?;
    let Multipart(mut form) = Multipart::from_request(request, &()).await?;
    let mut uploads: Vec<Upload> = Vec::new();
    let mut alts: Vec<String> = Vec::new();
    let bad_form = |e: axum::extract::multipart::MultipartError| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            Problem::too_large(e.body_text())
        } else {
            Problem::invalid_field("files", e.body_text())
        }
    };
    while let Some(field) = form.next_field().await.map_err(bad_form)? {
        match field.name() {
            Some("files" | "file") => {
                let file_name = field.file_name().unwrap_or("a file").to_owned();
                if uploads.len() >= MAX_FILES {
                    return Err(Problem::invalid_field("files", format!("at most {MAX_FILES} files at once")));
                }
                let bytes = field.bytes().await.map_err(bad_form)?;
                uploads.push(Upload { file_name, bytes: bytes.to_vec(), alt: None });
            }
            Some("alt") => alts.push(field.text().await.map_err(bad_form)?),
            _ => {}
        }
    }
    for (upload, alt) in uploads.iter_mut().zip(alts) {
        upload.alt = Some(alt);
    }
    let created = images::add_images(&shop, actor, id, uploads).await?;
    Ok((StatusCode::ACCEPTED, Json(created)).into_response())
}

/// The uploaded images of a product, with their processing status.
#[utoipa::path(
    get,
    path = "/api/v1/products/{id}/images",
    tag = "catalog admin",
    params(("id" = i64, Path, minimum = 1, description = "Product id")),
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "The images in display order", body = Vec<AdminImage>),
        (status = 401, description = "No valid admin token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No product has this id", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> Result<Json<Vec<AdminImage>>, Problem> {
    Ok(Json(images::list_images(&shop, actor, product_id(&id)?).await?))
}

/// Deletes an uploaded image and its files.
#[utoipa::path(
    delete,
    path = "/api/v1/images/{id}",
    tag = "catalog admin",
    params(("id" = i64, Path, minimum = 1, description = "Image id")),
    security(("admin_token" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "No valid admin token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No image has this id", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, Problem> {
    let id = image_id(&id)?;
    images::delete_image(&shop, actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Changes an image's alt text or moves it in the gallery (`position`, 0 is
/// first). Answers the product's images in their new order.
#[utoipa::path(
    patch,
    path = "/api/v1/images/{id}",
    tag = "catalog admin",
    params(("id" = i64, Path, minimum = 1, description = "Image id")),
    request_body = ImagePatch,
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "The product's images in order", body = Vec<AdminImage>),
        (status = 400, description = "A field is not acceptable", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid admin token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No image has this id", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    Body(patch): Body<ImagePatch>,
) -> Result<Json<Vec<AdminImage>>, Problem> {
    let id = image_id(&id)?;
    Ok(Json(images::update_image(&shop, actor, id, patch).await?))
}
