//! The catalog admin's server functions. Each one finds out who is acting
//! (one place: [`session`]), then calls one service, which asks
//! `entities::kernel::access` whether that actor may do it.

use crate::error::AppError;
use entities::catalog::VendorView;
use entities::catalog::{
    AdminCategory, AdminCategoryNode, AdminImage, AdminProduct, AdminProductFilter, AdminProductPage, AdminVariant,
    BulkAction, BulkReport, CategoryPatch, ImagePatch, ImportReport, NewCategory, NewProduct, NewVariant, ProductPatch,
    VariantPatch,
};
use leptos::prelude::*;
use leptos::server_fn::codec::{Json, MultipartData, MultipartFormData};

/// Largest CSV file the import screen takes.
pub const CSV_MAX_BYTES: usize = 50 * 1024 * 1024;

/// Name of the cookie that holds the admin session's id.
pub const ADMIN_COOKIE: &str = "bazaar_admin";

/// Whether this request comes from a signed-in admin.
#[server(prefix = "/_sf", endpoint = "admin/status")]
pub async fn admin_status() -> Result<bool, AppError> {
    Ok(ssr::actor().await?.is_staff())
}

/// Opens an admin session for whoever knows the admin token (until accounts
/// land) and sets its cookie.
#[server(prefix = "/_sf", endpoint = "admin/sign-in")]
pub async fn admin_sign_in(token: String) -> Result<(), AppError> {
    let shop = super::shop()?;
    let configured = use_context::<entities::accounts::admin_sessions::AdminToken>().unwrap_or_default();
    match entities::accounts::admin_sessions::open(&shop, &configured, &token).await {
        Ok(id) => {
            ssr::set_cookie(&id, entities::accounts::admin_sessions::SESSION_TTL.as_secs());
            Ok(())
        }
        Err(entities::ServiceError::Unauthenticated) => {
            Err(AppError::Fields(vec![("token".into(), "is not the admin token".into())]))
        }
        Err(e) => Err(AppError::from(e)),
    }
}

/// Ends the admin session and clears its cookie.
#[server(prefix = "/_sf", endpoint = "admin/sign-out")]
pub async fn admin_sign_out() -> Result<(), AppError> {
    let shop = super::shop()?;
    if let Some(id) = ssr::session_id().await {
        entities::accounts::admin_sessions::close(&shop, &id).await.map_err(AppError::from)?;
    }
    ssr::set_cookie("", 0);
    // Staff who signed in with their account leave it too.
    let parts = super::parts().await?;
    if let Some(secret) = super::cookie(&parts, super::account::SESSION_COOKIE) {
        entities::accounts::sign_in::sign_out(&shop, &secret).await.map_err(AppError::from)?;
        super::account::ssr::clear_cookies();
    }
    Ok(())
}

/// One page of the admin product list.
#[server(prefix = "/_sf", endpoint = "admin/products", input = Json)]
pub async fn admin_products(filter: AdminProductFilter) -> Result<AdminProductPage, AppError> {
    let (shop, actor) = ssr::acting().await?;
    entities::catalog::product_list::list_products(&shop, actor, &filter).await.map_err(AppError::from)
}

/// Applies one change to many products at once.
#[server(prefix = "/_sf", endpoint = "admin/bulk", input = Json)]
pub async fn admin_bulk(ids: Vec<i64>, action: BulkAction) -> Result<BulkReport, AppError> {
    let (shop, actor) = ssr::acting().await?;
    entities::catalog::product_list::bulk_update(&shop, actor, &ids, &action).await.map_err(AppError::from)
}

/// A product in any status, for its editor.
#[server(prefix = "/_sf", endpoint = "admin/product")]
pub async fn admin_load_product(id: i64) -> Result<AdminProduct, AppError> {
    let (shop, actor) = ssr::acting().await?;
    entities::catalog::products::admin_product(&shop, actor, id).await.map_err(AppError::from)
}

/// Creates a product with its variants.
#[server(prefix = "/_sf", endpoint = "admin/product/create", input = Json)]
pub async fn admin_create_product(product: NewProduct) -> Result<AdminProduct, AppError> {
    let (shop, actor) = ssr::acting().await?;
    entities::catalog::products::create_product(&shop, actor, product).await.map_err(AppError::from)
}

/// Changes a product's own fields.
#[server(prefix = "/_sf", endpoint = "admin/product/update", input = Json)]
pub async fn admin_update_product(id: i64, patch: ProductPatch) -> Result<AdminProduct, AppError> {
    let (shop, actor) = ssr::acting().await?;
    entities::catalog::products::update_product(&shop, actor, id, patch).await.map_err(AppError::from)
}

/// Deletes a product; one that has been ordered is archived instead. The
/// answer says which: `true` when it was archived.
#[server(prefix = "/_sf", endpoint = "admin/product/delete")]
pub async fn admin_delete_product(id: i64) -> Result<bool, AppError> {
    use entities::catalog::products::delete_product;
    use entities::catalog::products::Deletion;
    let (shop, actor) = ssr::acting().await?;
    Ok(delete_product(&shop, actor, id).await.map_err(AppError::from)? == Deletion::Archived)
}

/// Adds a variant to a product.
#[server(prefix = "/_sf", endpoint = "admin/variant/add", input = Json)]
pub async fn admin_add_variant(product_id: i64, variant: NewVariant) -> Result<AdminVariant, AppError> {
    let (shop, actor) = ssr::acting().await?;
    entities::catalog::variants::add_variant(&shop, actor, product_id, variant).await.map_err(AppError::from)
}

/// Changes a variant.
#[server(prefix = "/_sf", endpoint = "admin/variant/update", input = Json)]
pub async fn admin_update_variant(id: i64, patch: VariantPatch) -> Result<AdminVariant, AppError> {
    let (shop, actor) = ssr::acting().await?;
    entities::catalog::variants::update_variant(&shop, actor, id, patch).await.map_err(AppError::from)
}

/// Deletes a variant (never a product's last).
#[server(prefix = "/_sf", endpoint = "admin/variant/delete")]
pub async fn admin_delete_variant(id: i64) -> Result<(), AppError> {
    let (shop, actor) = ssr::acting().await?;
    entities::catalog::variants::delete_variant(&shop, actor, id).await.map_err(AppError::from)
}

/// A product's uploaded images with their processing status.
#[server(prefix = "/_sf", endpoint = "admin/images")]
pub async fn admin_images(product_id: i64) -> Result<Vec<AdminImage>, AppError> {
    let (shop, actor) = ssr::acting().await?;
    entities::catalog::images::list_images(&shop, actor, product_id).await.map_err(AppError::from)
}

/// Uploads images of a product: a multipart form with `product_id`, one or
/// more `files` and optionally an `alt` text for all of them.
#[server(prefix = "/_sf", endpoint = "admin/images/upload", input = MultipartFormData)]
pub async fn admin_upload_images(data: MultipartData) -> Result<Vec<AdminImage>, AppError> {
    let (shop, actor) = ssr::acting().await?;
    let form =
        ssr::read_form(data, "files", entities::catalog::images::MAX_FILES, entities::catalog::images::MAX_BYTES)
            .await?;
    let product_id: i64 = form
        .text("product_id")
        .and_then(|t| t.trim().parse().ok())
        .ok_or_else(|| AppError::Fields(vec![("product_id".into(), "is missing".into())]))?;
    let alt = form.text("alt").filter(|a| !a.trim().is_empty());
    let uploads = form
        .files
        .into_iter()
        .filter(|(name, bytes)| !(name.is_empty() && bytes.is_empty()))
        .map(|(file_name, bytes)| entities::catalog::images::Upload { file_name, bytes, alt: alt.clone() })
        .collect();
    entities::catalog::images::add_images(&shop, actor, product_id, uploads).await.map_err(AppError::from)
}

/// Changes an image's alt text or place in the gallery; answers the gallery.
#[server(prefix = "/_sf", endpoint = "admin/image/update", input = Json)]
pub async fn admin_update_image(id: i64, patch: ImagePatch) -> Result<Vec<AdminImage>, AppError> {
    let (shop, actor) = ssr::acting().await?;
    entities::catalog::images::update_image(&shop, actor, id, patch).await.map_err(AppError::from)
}

/// Deletes an image and its renditions.
#[server(prefix = "/_sf", endpoint = "admin/image/delete")]
pub async fn admin_delete_image(id: i64) -> Result<(), AppError> {
    let (shop, actor) = ssr::acting().await?;
    entities::catalog::images::delete_image(&shop, actor, id).await.map_err(AppError::from)
}

/// Every category in tree order, with counts.
#[server(prefix = "/_sf", endpoint = "admin/categories")]
pub async fn admin_categories() -> Result<Vec<AdminCategoryNode>, AppError> {
    let (shop, actor) = ssr::acting().await?;
    entities::catalog::taxonomy::list_categories(&shop, actor).await.map_err(AppError::from)
}

/// Creates a category.
#[server(prefix = "/_sf", endpoint = "admin/category/create", input = Json)]
pub async fn admin_create_category(category: NewCategory) -> Result<AdminCategory, AppError> {
    let (shop, actor) = ssr::acting().await?;
    entities::catalog::taxonomy::create_category(&shop, actor, category).await.map_err(AppError::from)
}

/// Renames, reorders or moves a category (with its subtree).
#[server(prefix = "/_sf", endpoint = "admin/category/update", input = Json)]
pub async fn admin_update_category(slug: String, patch: CategoryPatch) -> Result<AdminCategory, AppError> {
    let (shop, actor) = ssr::acting().await?;
    entities::catalog::taxonomy::update_category(&shop, actor, &slug, patch).await.map_err(AppError::from)
}

/// Deletes an empty category.
#[server(prefix = "/_sf", endpoint = "admin/category/delete")]
pub async fn admin_delete_category(slug: String) -> Result<(), AppError> {
    let (shop, actor) = ssr::acting().await?;
    entities::catalog::taxonomy::delete_category(&shop, actor, &slug).await.map_err(AppError::from)
}

/// The vendors, for the editor's and the list's choices.
#[server(prefix = "/_sf", endpoint = "admin/vendors")]
pub async fn admin_vendors() -> Result<Vec<VendorView>, AppError> {
    let (shop, actor) = ssr::acting().await?;
    entities::kernel::access::catalog_staff(actor).map_err(AppError::from)?;
    entities::catalog::listing::vendors(&shop).await.map_err(AppError::from)
}

/// The latest payment events with what applying them did.
#[server(prefix = "/_sf", endpoint = "admin/payment-events")]
pub async fn admin_payment_events() -> Result<Vec<entities::payments::EventRecord>, AppError> {
    let (shop, actor) = ssr::acting().await?;
    entities::payments::inbox::list_events(&shop, actor, 100).await.map_err(AppError::from)
}

/// A page of orders for staff.
#[server(prefix = "/_sf", endpoint = "admin/orders", input = Json)]
pub async fn admin_orders(
    filter: entities::ordering::AdminOrderFilter,
) -> Result<entities::ordering::AdminOrderPage, AppError> {
    let (shop, actor) = ssr::acting().await?;
    entities::ordering::order_lists::admin_list(&shop, actor, &filter).await.map_err(AppError::from)
}

/// An order with its fraud screening, for staff.
#[server(prefix = "/_sf", endpoint = "admin/order")]
pub async fn admin_order(id: String) -> Result<entities::ordering::AdminOrder, AppError> {
    let (shop, actor) = ssr::acting().await?;
    entities::ordering::order_lists::admin_order(&shop, actor, &id).await.map_err(AppError::from)
}

/// Captures an order's authorized payment (Stripe's manual capture; cash
/// collected on delivery).
#[server(prefix = "/_sf", endpoint = "admin/order/capture")]
pub async fn admin_capture(id: String) -> Result<entities::ordering::OrderView, AppError> {
    let (shop, actor) = ssr::acting().await?;
    entities::payments::settle::capture(&shop, actor, &id, None).await.map_err(AppError::from)
}

/// Records that an order's bank transfer arrived.
#[server(prefix = "/_sf", endpoint = "admin/order/transfer-received")]
pub async fn admin_transfer_received(id: String) -> Result<entities::ordering::OrderView, AppError> {
    let (shop, actor) = ssr::acting().await?;
    entities::payments::settle::record_received(&shop, actor, &id).await.map_err(AppError::from)
}

/// Releases an order held for review.
#[server(prefix = "/_sf", endpoint = "admin/order/release")]
pub async fn admin_release_review(id: String) -> Result<entities::ordering::RiskView, AppError> {
    let (shop, actor) = ssr::acting().await?;
    entities::ordering::life::release_review(&shop, actor, &id).await.map_err(AppError::from)
}

/// Refunds an order in full (empty amount) or in part (`amount`, in the
/// currency's unit, e.g. `12.50`).
#[server(prefix = "/_sf", endpoint = "admin/order/refund")]
pub async fn admin_refund(
    id: String,
    amount: String,
    reason: String,
) -> Result<entities::ordering::OrderView, AppError> {
    let (shop, actor) = ssr::acting().await?;
    let order = entities::ordering::view::order_by_public_id(&shop, &id).await.map_err(AppError::from)?;
    let amount_minor = match amount.trim() {
        "" => None,
        text => {
            let currency =
                order.currency.parse::<entities::Currency>().map_err(|e| AppError::Invalid(e.to_string()))?;
            match entities::Money::parse_decimal(text, currency) {
                Ok(money) => Some(money.minor()),
                Err(_) => {
                    return Err(AppError::Fields(vec![("amount".into(), "must be an amount such as 12.50".into())]));
                }
            }
        }
    };
    entities::payments::refunds::refund(&shop, actor, &id, amount_minor, &reason, None).await.map_err(AppError::from)
}

/// Applies a payment event again (idempotent).
#[server(prefix = "/_sf", endpoint = "admin/payment-events/replay")]
pub async fn admin_replay_payment_event(id: i64) -> Result<entities::payments::EventRecord, AppError> {
    let (shop, actor) = ssr::acting().await?;
    entities::payments::inbox::replay(&shop, actor, id).await.map_err(AppError::from)
}

/// Imports products from an uploaded CSV file (field `file`): the good rows
/// are applied, each bad one is reported with its line and reason.
#[server(prefix = "/_sf", endpoint = "admin/import", input = MultipartFormData)]
pub async fn admin_import_csv(data: MultipartData) -> Result<ImportReport, AppError> {
    let (shop, actor) = ssr::acting().await?;
    entities::kernel::access::catalog_staff(actor).map_err(AppError::from)?;
    let form = ssr::read_form(data, "file", 1, CSV_MAX_BYTES).await?;
    let Some((_, bytes)) = form.files.into_iter().find(|(_, bytes)| !bytes.is_empty()) else {
        return Err(AppError::Fields(vec![("file".into(), "choose a CSV file".into())]));
    };
    let text =
        String::from_utf8(bytes).map_err(|_| AppError::Fields(vec![("file".into(), "is not UTF-8 text".into())]))?;
    entities::catalog::csv::import(&shop, actor, &text).await.map_err(AppError::from)
}

/// Who is acting, decided once per request from the admin cookie.
#[cfg(feature = "ssr")]
pub mod session {
    use super::ADMIN_COOKIE;
    use entities::kernel::access::Actor;
    use entities::Shop;
    use http::header::{HOST, ORIGIN};
    use http::request::Parts;
    use http::Method;

    /// The admin session id in the request's cookie, if any.
    pub fn session_id(parts: &Parts) -> Option<String> {
        crate::api::cookie(parts, ADMIN_COOKIE)
    }

    /// Whether a state-changing request was sent by another site's page:
    /// the browser says so (`Sec-Fetch-Site`), or its `Origin` names
    /// another host than the one addressed. Requests without either header
    /// come from programs, not from a page, and pass.
    pub fn cross_site(parts: &Parts) -> bool {
        if matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS) {
            return false;
        }
        let header = |name| parts.headers.get(name).and_then(|v: &http::HeaderValue| v.to_str().ok());
        if let Some(site) = header(http::HeaderName::from_static("sec-fetch-site")) {
            return !matches!(site, "same-origin" | "none");
        }
        match (header(ORIGIN), header(HOST)) {
            (Some(origin), Some(host)) => {
                origin.split_once("://").map(|(_, rest)| rest.trim_end_matches('/')) != Some(host)
            }
            (Some(_), None) => true,
            _ => false,
        }
    }

    /// The acting party of a request: an admin while the session in its
    /// cookie is open, else nobody. A state-changing request from another
    /// site acts as nobody, whatever cookie the browser attached (CSRF).
    pub async fn actor_from_parts(shop: &Shop, parts: &Parts) -> Actor {
        let Some(id) = session_id(parts) else {
            return Actor::Anonymous;
        };
        if cross_site(parts) {
            tracing::warn!(method = %parts.method, uri = %parts.uri, "cross-site request with the admin cookie refused");
            return Actor::Anonymous;
        }
        match entities::accounts::admin_sessions::actor(shop, &id).await {
            Ok(actor) => actor,
            Err(e) => {
                tracing::error!(error = %e, "admin session lookup failed");
                Actor::Anonymous
            }
        }
    }
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::ADMIN_COOKIE;
    use crate::error::AppError;
    use entities::kernel::access::Actor;
    use entities::Shop;
    use leptos::server_fn::codec::MultipartData;

    use crate::api::parts;

    /// The acting party of this request (a signed-in account, or the
    /// admin token's session).
    pub async fn actor() -> Result<Actor, AppError> {
        let shop = crate::api::shop()?;
        Ok(crate::api::account::session::actor(&shop, &parts().await?).await)
    }

    /// The shop and the acting party.
    pub async fn acting() -> Result<(Shop, Actor), AppError> {
        let shop = crate::api::shop()?;
        let actor = crate::api::account::session::actor(&shop, &parts().await?).await;
        Ok((shop, actor))
    }

    /// The session id in this request's cookie.
    pub async fn session_id() -> Option<String> {
        super::session::session_id(&parts().await.ok()?)
    }

    /// Sends the admin cookie: HttpOnly, SameSite=Strict (never sent along
    /// with another site's request), Secure over TLS, for `max_age` seconds
    /// (0 clears it).
    pub fn set_cookie(id: &str, max_age: u64) {
        let secure = crate::api::over_tls();
        crate::api::send_cookie(&format!(
            "{ADMIN_COOKIE}={id}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{}",
            if secure { "; Secure" } else { "" }
        ));
    }

    /// A multipart form read into memory: its text fields and the files of
    /// field `file_field` (name, bytes). Stops with a field message at more
    /// than `max_files` files or a file over the upload limit.
    pub struct Form {
        pub texts: Vec<(String, String)>,
        pub files: Vec<(String, Vec<u8>)>,
    }

    impl Form {
        pub fn text(&self, name: &str) -> Option<String> {
            self.texts.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
        }
    }

    pub async fn read_form(
        data: MultipartData,
        file_field: &str,
        max_files: usize,
        limit: usize,
    ) -> Result<Form, AppError> {
        let invalid = |message: String| AppError::Fields(vec![(file_field.to_owned(), message)]);
        let mut multipart = data.into_inner().ok_or_else(|| invalid("is not a form upload".into()))?;
        let mut form = Form { texts: Vec::new(), files: Vec::new() };
        while let Some(mut field) = multipart.next_field().await.map_err(|e| invalid(e.to_string()))? {
            let name = field.name().unwrap_or_default().to_owned();
            if name == file_field {
                if form.files.len() >= max_files {
                    return Err(invalid(format!("at most {max_files} files at once")));
                }
                let file_name = field.file_name().unwrap_or_default().to_owned();
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(|e| invalid(e.to_string()))? {
                    if bytes.len() + chunk.len() > limit {
                        return Err(invalid(format!("{file_name} is larger than {} MB", limit / (1024 * 1024))));
                    }
                    bytes.extend_from_slice(&chunk);
                }
                form.files.push((file_name, bytes));
            } else {
                form.texts.push((name, field.text().await.map_err(|e| invalid(e.to_string()))?));
            }
        }
        Ok(form)
    }
}
