//! Product cards and the grid they sit in.

use entities::views::ProductCard as Card;
use leptos::prelude::*;

/// One product in a grid.
#[component]
pub fn ProductCard(card: Card) -> impl IntoView {
    let href = format!("/p/{}", card.slug);
    view! {
        <li class="overflow-hidden rounded-lg border border-stone-200 bg-white" data-testid="product-card">
            <a href=href class="block hover:opacity-90">
                <img src=card.image_url() alt=card.title.clone() width="320" height="240" loading="lazy" class="aspect-[4/3] w-full bg-stone-100 object-cover"/>
                <div class="p-3">
                    <p class="text-xs uppercase tracking-wide text-stone-700">{card.brand.clone()}</p>
                    <h3 class="font-medium">{card.title.clone()}</h3>
                    <p class="mt-1 text-sm text-stone-700">"by " {card.vendor_name.clone()}</p>
                    <p class="mt-2 font-semibold">"from " {card.price_from.to_string()}</p>
                    {(!card.in_stock).then(|| view! { <p class="text-sm text-red-700">"Sold out"</p> })}
                </div>
            </a>
        </li>
    }
}

/// A responsive grid of product cards.
#[component]
pub fn ProductGrid(cards: Vec<Card>) -> impl IntoView {
    view! {
        <ul class="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-4">
            {cards.into_iter().map(|card| view! { <ProductCard card/> }).collect_view()}
        </ul>
    }
}
