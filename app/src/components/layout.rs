//! The header: brand, search, top categories and the cart badge.

use super::cart_badge::CartBadge;
use crate::api::{cart::CartState, catalog::top_categories};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The site header.
#[component]
pub fn Header() -> impl IntoView {
    let cart = expect_context::<CartState>();
    let categories = Resource::new(|| (), |_| top_categories());
    let query = use_query_map();
    let current_q = move || query.read().get("q").unwrap_or_default();
    let count =
        Signal::derive(move || cart.summary.get().and_then(Result::ok).map(|s| s.item_count).unwrap_or_default());
    view! {
        <a href="#main" class="sr-only focus:not-sr-only">"Skip to content"</a>
        <header class="border-b border-stone-200 bg-white">
            <div class="mx-auto flex max-w-6xl flex-wrap items-center gap-4 px-4 py-3">
                <a href="/" class="text-2xl font-bold tracking-tight text-amber-700">"Bazaar"</a>
                <form action="/search" method="get" role="search" class="flex flex-1 gap-2">
                    <label for="site-search" class="sr-only">"Search products"</label>
                    <input id="site-search" type="search" name="q" prop:value=current_q placeholder="Search products, brands, vendors…"
                        class="w-full rounded border border-stone-300 px-3 py-2" data-testid="search-input"/>
                    <button type="submit" class="rounded bg-amber-700 px-4 py-2 font-medium text-white">"Search"</button>
                </form>
                <Transition fallback=move || view! { <CartBadge count=0u32/> }>
                    <CartBadge count/>
                </Transition>
            </div>
            <nav aria-label="Categories" class="mx-auto max-w-6xl px-4 pb-2">
                <Transition fallback=|| ()>
                    <ul class="flex flex-wrap gap-x-4 gap-y-1 text-sm">
                        {move || Suspend::new(async move {
                            categories.await.unwrap_or_default().into_iter().map(|c| view! {
                                <li><a class="text-stone-700 hover:text-amber-700" href=format!("/c/{}", c.slug)>{c.name}</a></li>
                            }).collect_view()
                        })}
                    </ul>
                </Transition>
            </nav>
        </header>
    }
}
