//! The pages, grouped by who they are for: the storefront (shoppers), the
//! account (a signed-in customer) and the admin area (staff). One module
//! per route.

pub mod account;
pub mod admin;
pub mod storefront;

use crate::error::AppError;
use leptos::prelude::*;

/// Shows an error in place of a page and sets the matching HTTP status.
#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    error.set_page_status();
    match error {
        AppError::NotFound => view! { <storefront::not_found::NotFound/> }.into_any(),
        other => view! {
            <section role="alert" class="rounded border border-red-300 bg-red-50 p-4">
                <h1 class="text-xl font-semibold">"Sorry"</h1>
                <p>{other.to_string()}</p>
            </section>
        }
        .into_any(),
    }
}
