//! A product: pictures, description, variants and "add to cart".

use super::ErrorNotice;
use crate::api::{cart::CartState, catalog::get_product_detail};
use entities::views::ProductDetail;
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

/// `/p/:slug`.
#[component]
pub fn ProductPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(move || params.read().get("slug").unwrap_or_default(), get_product_detail);
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(product) => view! { <ProductView product/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ProductView(product: ProductDetail) -> impl IntoView {
    let card = product.card.clone();
    view! {
        <Title text=card.title.clone()/>
        <Meta name="description" content={product.description.chars().take(150).collect::<String>()}/>
        <nav aria-label="Breadcrumb" class="mb-4 text-sm text-stone-700">
            <a href="/">"Home"</a>
            {product.breadcrumbs.iter().map(|c| view! { " / " <a href=format!("/c/{}", c.slug)>{c.name.clone()}</a> }).collect_view()}
        </nav>
        <article class="grid gap-8 md:grid-cols-2">
            <img src=card.image_url() alt=card.title.clone() width="640" height="480" class="w-full rounded-lg bg-stone-100"/>
            <div>
                <p class="text-sm uppercase tracking-wide text-stone-700">{card.brand.clone()}</p>
                <h1 class="text-3xl font-bold" data-testid="product-title">{card.title.clone()}</h1>
                <p class="mt-1 text-stone-700">"Sold by " <span>{card.vendor_name.clone()}</span></p>
                <p class="mt-4 text-2xl font-semibold">"from " {card.price_from.to_string()}</p>
                <AddToCart product=product.clone()/>
                <p class="mt-6 whitespace-pre-line">{product.description.clone()}</p>
                <dl class="mt-6 grid grid-cols-2 gap-2 text-sm">
                    {product.attributes.iter().map(|(k, v)| view! { <dt class="font-medium">{k.clone()}</dt><dd>{v.clone()}</dd> }).collect_view()}
                </dl>
            </div>
        </article>
    }
}

/// The variant choice and the add-to-cart form. Without JavaScript it posts
/// and the server redirects back here; with it, only the badge changes.
#[component]
fn AddToCart(product: ProductDetail) -> impl IntoView {
    let cart = expect_context::<CartState>();
    let first_available = product.variants.iter().position(|v| v.available());
    let variant_ids: Vec<i64> = product.variants.iter().map(|v| v.id).collect();
    // The action is shared by every product page; only speak of additions
    // from this one.
    let message = move || {
        cart.add.value().get().and_then(|result| match result {
            Ok(added) if variant_ids.contains(&added.variant_id) => Some(
                view! { <p class="text-green-800" role="status" data-testid="cart-message">"Added to your cart."</p> }
                    .into_any(),
            ),
            Ok(_) => None,
            Err(e) => Some(
                view! { <p class="text-red-700" role="alert" data-testid="cart-message">{e.to_string()}</p> }
                    .into_any(),
            ),
        })
    };
    view! {
        <ActionForm action=cart.add attr:class="mt-6 space-y-4">
            <fieldset>
                <legend class="mb-2 font-medium">"Choose an option"</legend>
                <div class="space-y-2">
                    {product.variants.iter().enumerate().map(|(i, v)| {
                        let id = format!("variant-{}", v.id);
                        let sold_out = !v.available();
                        view! {
                            <div class="flex items-center gap-2">
                                <input type="radio" name="variant_id" id=id.clone() value=v.id.to_string() checked=Some(i) == first_available disabled=sold_out required=true/>
                                <label for=id>
                                    {v.label()} " — " {v.price.to_string()}
                                    {match (sold_out, v.stock) {
                                        (true, _) => " (sold out)".to_owned(),
                                        (false, n) if n > 0 => format!(" ({n} in stock)"),
                                        _ => " (on backorder)".to_owned(),
                                    }}
                                </label>
                            </div>
                        }
                    }).collect_view()}
                </div>
            </fieldset>
            <div class="flex items-end gap-3">
                <label class="block text-sm">"Quantity"
                    <input type="number" name="quantity" value="1" min="1" max="99" class="ml-2 w-20 rounded border border-stone-300 px-2 py-1"/>
                </label>
                <button type="submit" class="rounded bg-amber-700 px-5 py-2 font-medium text-white disabled:opacity-50"
                    disabled=first_available.is_none() data-testid="add-to-cart">"Add to cart"</button>
            </div>
            {message}
        </ActionForm>
    }
}
