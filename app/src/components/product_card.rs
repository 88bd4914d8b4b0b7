//! Product cards and the grids they sit in.

use entities::catalog::{marked_runs, Mark, ProductCard as Card, SearchHit};
use leptos::prelude::*;

/// Text with some runs highlighted (`<mark>`).
#[component]
pub fn Marked(text: String, marks: Vec<Mark>) -> impl IntoView {
    marked_runs(&text, &marks)
        .into_iter()
        .map(|(piece, hit)| {
            let piece = piece.to_owned();
            if hit {
                view! { <mark class="bg-amber-100 text-inherit">{piece}</mark> }.into_any()
            } else {
                piece.into_any()
            }
        })
        .collect_view()
}

/// One product in a grid; `marks` highlight where a search matched the title.
#[component]
pub fn ProductCard(card: Card, #[prop(optional)] marks: Vec<Mark>) -> impl IntoView {
    let href = format!("/p/{}", card.slug);
    let save_label = card.title.clone();
    let product_id = card.id;
    view! {
        <li class="overflow-hidden rounded-lg border border-stone-200 bg-white" data-testid="product-card">
            <a href=href class="block hover:opacity-90">
                <img src=card.image_url() srcset=Some(card.image_srcset()).filter(|s| !s.is_empty())
                    sizes="(min-width: 1024px) 25vw, (min-width: 640px) 50vw, 100vw"
                    alt=card.title.clone() width="320" height="240" loading="lazy" class="aspect-[4/3] w-full bg-stone-100 object-cover"/>
                <div class="p-3">
                    <p class="text-xs uppercase tracking-wide text-stone-700">{card.brand.clone()}</p>
                    <h3 class="font-medium" data-testid="card-title"><Marked text=card.title.clone() marks/></h3>
                    <p class="mt-1 text-sm text-stone-700">"by " {card.vendor_name.clone()}</p>
                    {card.rating.map(|r| {
                        let label = format!("Rated {} out of 5 from {} reviews", r.stars(), r.count);
                        view! {
                            <p class="mt-1 text-sm text-stone-700" aria-label=label.clone() title=label>
                                <span aria-hidden="true">"★ " {r.stars()} " (" {r.count} ")"</span>
                            </p>
                        }
                    })}
                    <p class="mt-2 font-semibold">"from " {card.price_from.to_string()}</p>
                    {(!card.in_stock).then(|| view! { <p class="text-sm text-red-700">"Sold out"</p> })}
                </div>
            </a>
            <SaveButton product_id label=save_label/>
        </li>
    }
}

/// "Save" to the wishlist (`label`: the product's title, for screen
/// readers): a form that works without JavaScript; with it, the button
/// says "Saved" without a reload.
#[component]
pub fn SaveButton(
    product_id: i64,
    label: String,
    #[prop(optional)] variant_id: Option<Signal<Option<i64>>>,
) -> impl IntoView {
    let wishlist = use_context::<crate::api::ordering::wishlist::WishlistState>();
    let saved = move || wishlist.is_some_and(|w| matches!(w.add.value().get(), Some(Ok(id)) if id == product_id));
    let failed = move || {
        wishlist.and_then(|w| w.add.value().get()).and_then(|r| r.err()).is_some()
            && wishlist.and_then(|w| w.add.input().get()).is_some_and(|i| i.product_id == product_id)
    };
    let form = move |inner: AnyView| match wishlist {
        Some(w) => {
            view! { <leptos::form::ActionForm action=w.add attr:class="px-3 pb-3">{inner}</leptos::form::ActionForm> }
                .into_any()
        }
        None => inner,
    };
    form(view! {
        <input type="hidden" name="product_id" value=product_id/>
        {variant_id.map(|v| view! { <input type="hidden" name="variant_id" value=move || v.get().map(|id| id.to_string()).unwrap_or_default()/> })}
        <button type="submit" class="rounded border border-stone-500 px-2 py-1 text-sm" data-testid="save-to-wishlist">
            <span aria-hidden="true">{move || if saved() { "♥ " } else { "♡ " }}</span>
            {move || if saved() { "Saved" } else { "Save" }}
            <span class="sr-only">{format!(" {label} to your wishlist")}</span>
        </button>
        {move || failed().then(|| view! { <span role="alert" class="ml-2 text-sm text-red-800">"Could not save it."</span> })}
    }.into_any())
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

/// A grid of search hits, their matches highlighted.
#[component]
pub fn HitGrid(hits: Vec<SearchHit>) -> impl IntoView {
    view! {
        <ul class="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-3">
            {hits.into_iter().map(|hit| view! { <ProductCard card=hit.card marks=hit.title_marks/> }).collect_view()}
        </ul>
    }
}
