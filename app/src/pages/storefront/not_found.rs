//! The page for anything that does not exist (HTTP 404).

use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;

/// "Not found", with a way back into the shop.
#[component]
pub fn NotFound() -> impl IntoView {
    AppError::NotFound.set_page_status();
    view! {
        <Title text="Not found"/>
        <section class="py-16 text-center" data-testid="not-found">
            <h1 class="text-3xl font-bold">"We could not find that page"</h1>
            <p class="mt-2 text-stone-700">"It may have moved or sold out for good."</p>
            <p class="mt-6"><a class="text-amber-800 underline" href="/">"Back to the shop"</a>" or "<a class="text-amber-800 underline" href="/search">"search the catalog"</a></p>
        </section>
    }
}
