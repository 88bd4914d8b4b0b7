//! The home page: featured products.

use crate::api::catalog::browse::{featured_products, trending_products};
use crate::components::product_card::ProductGrid;
use crate::pages::ErrorNotice;
use leptos::prelude::*;
use leptos_meta::Title;

/// The storefront's front page.
#[component]
pub fn HomePage() -> impl IntoView {
    let featured = Resource::new(|| (), |_| featured_products());
    let trending = Resource::new(|| (), |_| trending_products());
    view! {
        <Title text="Home"/>
        <section class="mb-8 rounded-xl bg-amber-100 p-8">
            <h1 class="text-3xl font-bold">"Welcome to Bazaar"</h1>
            <p class="mt-2 text-stone-700">"Independent vendors, one cart."</p>
        </section>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                // Shown once shoppers have looked at something; a new shop has no trend yet.
                trending.await.ok().filter(|cards| !cards.is_empty()).map(|cards| view! {
                    <section class="mb-8" data-testid="trending">
                        <h2 class="mb-4 text-xl font-semibold">"Trending now"</h2>
                        <ProductGrid cards/>
                    </section>
                })
            })}
        </Suspense>
        <h2 class="mb-4 text-xl font-semibold">"Featured products"</h2>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match featured.await {
                    Ok(cards) => view! { <ProductGrid cards/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
