//! A product: pictures, description, variants and "add to cart".

use crate::api::catalog::browse::{get_product_detail, get_recommendations};
use crate::api::ordering::cart::CartState;
use crate::components::product_card::ProductGrid;
use crate::pages::ErrorNotice;
use entities::catalog::{rendition_url, srcset, ProductDetail, ProductImage, VariantView};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

/// `/p/:slug`, `?variant=<id>` for a chosen variant.
#[component]
pub fn ProductPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(move || params.read().get("slug").unwrap_or_default(), get_product_detail);
    let variant = Signal::derive(move || query.read().get("variant").and_then(|v| v.parse::<i64>().ok()));
    let image = Signal::derive(move || query.read().get("image").and_then(|v| v.parse::<i64>().ok()));
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(product) => {
                        let (id, slug) = (product.card.id, product.card.slug.clone());
                        view! {
                            <ProductView product variant image/>
                            <crate::pages::storefront::reviews::ProductReviewsSection product_id=id slug/>
                            <Recommendations product_id=id/>
                        }
                        .into_any()
                    }
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// "Frequently bought together" and "You may also like", when there are any.
#[component]
fn Recommendations(product_id: i64) -> impl IntoView {
    let found = Resource::new(move || product_id, get_recommendations);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let Ok(r) = found.await else { return ().into_any() };
                view! {
                    {(!r.together.is_empty()).then(|| view! {
                        <section class="mt-10" data-testid="bought-together">
                            <h2 class="mb-4 text-xl font-semibold">"Frequently bought together"</h2>
                            <ProductGrid cards=r.together/>
                        </section>
                    })}
                    {(!r.similar.is_empty()).then(|| view! {
                        <section class="mt-10" data-testid="similar">
                            <h2 class="mb-4 text-xl font-semibold">"You may also like"</h2>
                            <ProductGrid cards=r.similar/>
                        </section>
                    })}
                }
                .into_any()
            })}
        </Suspense>
    }
}

/// The option names of a product's variants, in order, each with its values
/// in order of first appearance.
pub fn option_axes(variants: &[VariantView]) -> Vec<(String, Vec<String>)> {
    let mut axes: Vec<(String, Vec<String>)> = Vec::new();
    for v in variants {
        for (name, value) in &v.options {
            match axes.iter_mut().find(|(n, _)| n == name) {
                Some((_, values)) if !values.contains(value) => values.push(value.clone()),
                Some(_) => {}
                None => axes.push((name.clone(), vec![value.clone()])),
            }
        }
    }
    axes
}

/// The variant shown: the one asked for, else the first that can be bought,
/// else the first.
pub fn chosen_variant(variants: &[VariantView], asked: Option<i64>) -> Option<&VariantView> {
    asked
        .and_then(|id| variants.iter().find(|v| v.id == id))
        .or_else(|| variants.iter().find(|v| v.available()))
        .or_else(|| variants.first())
}

/// The variant that has `name = value` and otherwise the options of
/// `current`; `None` when no variant is that combination.
pub fn switch_to<'a>(
    variants: &'a [VariantView],
    current: &VariantView,
    name: &str,
    value: &str,
) -> Option<&'a VariantView> {
    let wanted: Vec<(&str, &str)> = current
        .options
        .iter()
        .map(|(n, v)| if n == name { (n.as_str(), value) } else { (n.as_str(), v.as_str()) })
        .collect();
    variants.iter().find(|v| {
        v.options.len() == wanted.len() && v.options.iter().all(|(n, val)| wanted.contains(&(n.as_str(), val.as_str())))
    })
}

#[component]
fn ProductView(product: ProductDetail, variant: Signal<Option<i64>>, image: Signal<Option<i64>>) -> impl IntoView {
    let card = product.card.clone();
    let variants = product.variants.clone();
    // Stock as it changes (bought, restocked), pushed over a WebSocket.
    let live = RwSignal::new(std::collections::HashMap::<i64, i32>::new());
    follow_stock(variants.iter().map(|v| v.id).collect(), live);
    let chosen = Memo::new(move |_| {
        chosen_variant(&variants, variant.get()).cloned().map(|mut v| {
            if let Some(available) = live.read().get(&v.id) {
                v.stock = *available;
            }
            v
        })
    });
    let price = move || chosen.get().map(|v| v.price.to_string()).unwrap_or_default();
    let stock = move || {
        chosen.get().map(|v| match (v.available(), v.stock) {
            (false, _) => "Sold out".to_owned(),
            (true, n) if n > 0 => format!("{n} in stock"),
            _ => "Available on backorder".to_owned(),
        })
    };
    let (product_id, fallback_image) = (card.id, entities::catalog::product_image_url(card.id));
    let art = Signal::derive(move || match chosen.get() {
        Some(v) => entities::catalog::variant_image_url(product_id, v.id),
        None => fallback_image.clone(),
    });
    view! {
        <Title text=card.title.clone()/>
        <Meta name="description" content={product.description.chars().take(150).collect::<String>()}/>
        <nav aria-label="Breadcrumb" class="mb-4 text-sm text-stone-700">
            <a href="/">"Home"</a>
            {product.breadcrumbs.iter().map(|c| view! { " / " <a href=format!("/c/{}", c.slug)>{c.name.clone()}</a> }).collect_view()}
        </nav>
        <article class="grid gap-8 md:grid-cols-2">
            <Gallery images=product.images.clone() chosen=image art alt=card.title.clone() slug=card.slug.clone() variant/>
            <div>
                <p class="text-sm uppercase tracking-wide text-stone-700">{card.brand.clone()}</p>
                <h1 class="text-3xl font-bold" data-testid="product-title">{card.title.clone()}</h1>
                <p class="mt-1 text-stone-700">"Sold by " <span>{card.vendor_name.clone()}</span></p>
                <p class="mt-4 text-2xl font-semibold" data-testid="variant-price">{price}</p>
                <p class="text-sm text-stone-700" data-testid="variant-stock">{stock}</p>
                <VariantPicker variants=product.variants.clone() chosen slug=card.slug.clone()/>
                <AddToCart product=product.clone() chosen/>
                <div class="mt-3 -mx-3">
                    <crate::components::product_card::SaveButton product_id=card.id
                        label=card.title.clone()
                        variant_id=Signal::derive(move || chosen.get().map(|v| v.id))/>
                </div>
                <p class="mt-6 whitespace-pre-line">{product.description.clone()}</p>
                <dl class="mt-6 grid grid-cols-2 gap-2 text-sm">
                    {product.attributes.iter().map(|(k, v)| view! { <dt class="font-medium">{k.clone()}</dt><dd>{v.clone()}</dd> }).collect_view()}
                </dl>
            </div>
        </article>
    }
}

/// The product's pictures: its uploaded images (the chosen one large, all as
/// thumbnails that link to `?image=`), or the generated art in the chosen
/// variant's colour. An image still being processed shows a placeholder.
#[component]
fn Gallery(
    images: Vec<ProductImage>,
    chosen: Signal<Option<i64>>,
    art: Signal<String>,
    alt: String,
    slug: String,
    variant: Signal<Option<i64>>,
) -> impl IntoView {
    if images.is_empty() {
        return view! {
            <img src=move || art.get() alt=alt width="640" height="480" class="w-full rounded-lg bg-stone-100" data-testid="product-image"/>
        }
        .into_any();
    }
    let shown = {
        let images = images.clone();
        move || chosen.get().and_then(|id| images.iter().find(|i| i.id == id)).or(images.first()).cloned()
    };
    let main = move || {
        shown().map(|image| match image.folder {
            Some(folder) => view! {
                <img src=rendition_url(&folder, 1600) srcset=srcset(&folder) sizes="(min-width: 768px) 50vw, 100vw"
                    alt=image.alt width="640" height="480" class="w-full rounded-lg bg-stone-100 object-contain" data-testid="product-image"/>
            }
            .into_any(),
            None => view! {
                <div class="flex aspect-[4/3] w-full items-center justify-center rounded-lg bg-stone-100 text-stone-700"
                    role="img" aria-label=format!("{} (being prepared)", image.alt) data-testid="image-pending">
                    "Image being prepared…"
                </div>
            }
            .into_any(),
        })
    };
    let thumbs = images
        .into_iter()
        .map(|image| {
            let slug = slug.clone();
            let href = move || match variant.get() {
                Some(v) => format!("/p/{slug}?variant={v}&image={}", image.id),
                None => format!("/p/{slug}?image={}", image.id),
            };
            let picture = match &image.folder {
                Some(folder) => view! { <img src=rendition_url(folder, 200) alt="" width="80" height="60" class="h-16 w-20 rounded object-cover"/> }.into_any(),
                None => view! { <span class="flex h-16 w-20 items-center justify-center rounded bg-stone-100 text-xs">"…"</span> }.into_any(),
            };
            let label = format!("Show {}", image.alt);
            view! { <li><a href=href data-noscroll="" aria-label=label data-testid="thumbnail">{picture}</a></li> }
        })
        .collect_view();
    view! {
        <div data-testid="gallery">
            {main}
            <ul class="mt-2 flex flex-wrap gap-2" aria-label="Pictures">{thumbs}</ul>
        </div>
    }
    .into_any()
}

/// One group of links per option (Size, Colour…). Each value links to the
/// variant with that value and the other options kept (`?variant=`), so the
/// choice lives in the URL and works without JavaScript; a value with no such
/// variant is shown disabled. Once hydrated the router follows the links
/// without a reload and price, stock and picture follow.
#[component]
fn VariantPicker(variants: Vec<VariantView>, chosen: Memo<Option<VariantView>>, slug: String) -> impl IntoView {
    let axes = option_axes(&variants);
    if axes.is_empty() {
        return ().into_any();
    }
    view! {
        <div class="mt-4 space-y-3" data-testid="variant-picker">
            {axes.into_iter().map(|(name, values)| {
                let variants = variants.clone();
                let slug = slug.clone();
                let label_id = format!("option-{}", name.to_lowercase().replace(' ', "-"));
                let labelled_by = label_id.clone();
                let current = {
                    let name = name.clone();
                    move || chosen.get().and_then(|c| c.options.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone()))
                };
                view! {
                    <div role="group" aria-labelledby=labelled_by data-testid=format!("option-{name}")>
                        <p id=label_id class="mb-1 text-sm font-medium">{name.clone()} ": " <span>{current.clone()}</span></p>
                        <ul class="flex flex-wrap gap-2">
                            {values.into_iter().map(|value| {
                                let (variants, name, slug, current) = (variants.clone(), name.clone(), slug.clone(), current.clone());
                                move || {
                                    let here = chosen.get();
                                    let target = here.as_ref().and_then(|c| switch_to(&variants, c, &name, &value)).cloned();
                                    let selected = current().as_deref() == Some(value.as_str());
                                    let base = "inline-block rounded border px-3 py-1 text-sm";
                                    match target {
                                        Some(t) => {
                                            let class = match (selected, t.available()) {
                                                (true, _) => format!("{base} border-amber-700 bg-amber-50 font-semibold"),
                                                (false, true) => format!("{base} border-stone-300"),
                                                (false, false) => format!("{base} border-stone-300 text-stone-500 line-through"),
                                            };
                                            let label = if t.available() { value.clone() } else { format!("{value} (sold out)") };
                                            view! {
                                                <li><a href=format!("/p/{slug}?variant={}", t.id) class=class data-noscroll=""
                                                    aria-current=selected.then_some("true") data-testid="option-value">{label}</a></li>
                                            }.into_any()
                                        }
                                        None => view! {
                                            <li><span class=format!("{base} cursor-not-allowed border-dashed border-stone-300 text-stone-500")
                                                aria-disabled="true" title="Not available in this combination" data-testid="option-unavailable">{value.clone()}</span></li>
                                        }.into_any(),
                                    }
                                }
                            }).collect_view()}
                        </ul>
                    </div>
                }
            }).collect_view()}
        </div>
    }
    .into_any()
}

/// The add-to-cart form for the chosen variant. Without JavaScript it posts
/// and the server redirects back here; with it, only the badge changes.
#[component]
fn AddToCart(product: ProductDetail, chosen: Memo<Option<VariantView>>) -> impl IntoView {
    let cart = expect_context::<CartState>();
    let first_available = move || chosen.get().filter(VariantView::available).map(|v| v.id);
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
            <input type="hidden" name="variant_id" value=move || first_available().map(|id| id.to_string()).unwrap_or_default()/>
            <div class="flex items-end gap-3">
                <label class="block text-sm">"Quantity"
                    <input type="number" name="quantity" value="1" min="1" max="99" class="ml-2 w-20 rounded border border-stone-300 px-2 py-1"/>
                </label>
                <button type="submit" class="rounded bg-amber-700 px-5 py-2 font-medium text-white disabled:opacity-50"
                    disabled=move || first_available().is_none() data-testid="add-to-cart">"Add to cart"</button>
            </div>
            {message}
        </ActionForm>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use entities::{Currency, Money};

    fn v(id: i64, size: &str, colour: &str, stock: i32) -> VariantView {
        VariantView {
            id,
            sku: format!("SKU-{id}"),
            options: vec![("Size".into(), size.into()), ("Colour".into(), colour.into())],
            price: Money::from_minor(1000 + id, Currency::Eur),
            stock,
            allow_backorder: false,
        }
    }

    #[test]
    fn the_picker_offers_each_option_once_and_only_real_combinations() {
        // S comes in red and blue, M only in red (sold out).
        let variants = vec![v(1, "S", "Red", 0), v(2, "S", "Blue", 4), v(3, "M", "Red", 0)];
        assert_eq!(
            option_axes(&variants),
            vec![
                ("Size".to_owned(), vec!["S".to_owned(), "M".to_owned()]),
                ("Colour".to_owned(), vec!["Red".to_owned(), "Blue".to_owned()])
            ]
        );
        let shown = chosen_variant(&variants, None).unwrap();
        assert_eq!(shown.id, 2, "the first one that can be bought");
        assert_eq!(chosen_variant(&variants, Some(3)).unwrap().id, 3, "the one asked for");
        assert_eq!(chosen_variant(&variants, Some(99)).unwrap().id, 2, "an unknown id is ignored");
        assert_eq!(switch_to(&variants, shown, "Colour", "Red").map(|v| v.id), Some(1));
        assert_eq!(switch_to(&variants, shown, "Size", "M").map(|v| v.id), None, "no blue M: disabled");
        let red_s = &variants[0];
        assert_eq!(switch_to(&variants, red_s, "Size", "M").map(|v| v.id), Some(3));
    }
}

/// A variant's stock as the server pushes it.
#[cfg(feature = "hydrate")]
#[derive(serde::Deserialize)]
struct StockUpdate {
    variant_id: i64,
    available: i32,
}

/// Opens `/ws/stock` for `ids` once the page is live in the browser, and
/// writes each update into `live`. The socket closes itself when the page's
/// signals are gone (the shopper navigated away).
#[cfg(feature = "hydrate")]
fn follow_stock(ids: Vec<i64>, live: RwSignal<std::collections::HashMap<i64, i32>>) {
    use wasm_bindgen::{closure::Closure, JsCast};
    Effect::new(move |_| {
        let Some(window) = web_sys::window() else { return };
        let location = window.location();
        let scheme = if location.protocol().ok().as_deref() == Some("https:") { "wss" } else { "ws" };
        let Ok(host) = location.host() else { return };
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let Ok(socket) = web_sys::WebSocket::new(&format!("{scheme}://{host}/ws/stock?variants={list}")) else {
            return;
        };
        let this = socket.clone();
        let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            let Some(update) = e.data().as_string().and_then(|t| serde_json::from_str::<StockUpdate>(&t).ok()) else {
                return;
            };
            if live.try_update(|m| m.insert(update.variant_id, update.available)).is_none() {
                let _ = this.close();
            }
        });
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
    });
}

/// On the server the page is rendered once; nothing to follow.
#[cfg(not(feature = "hydrate"))]
fn follow_stock(_ids: Vec<i64>, _live: RwSignal<std::collections::HashMap<i64, i32>>) {}
