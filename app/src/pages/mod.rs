//! One module per route.

pub mod account;
pub mod admin;
pub mod cart;
pub mod category;
pub mod checkout;
pub mod home;
pub mod not_found;
pub mod order;
pub mod product;
pub mod reviews;
pub mod search;
pub mod wishlist;

use crate::error::AppError;
use leptos::prelude::*;

/// Shows an error in place of a page and sets the matching HTTP status.
#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    error.set_page_status();
    match error {
        AppError::NotFound => view! { <not_found::NotFound/> }.into_any(),
        other => view! {
            <section role="alert" class="rounded border border-red-300 bg-red-50 p-4">
                <h1 class="text-xl font-semibold">"Sorry"</h1>
                <p>{other.to_string()}</p>
            </section>
        }
        .into_any(),
    }
}
