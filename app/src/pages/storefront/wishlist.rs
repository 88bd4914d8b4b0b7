//! `/wishlist`: the products a shopper saved, with their price now (and
//! whether it dropped since), their stock, "move to cart" and "remove".
//! A guest's list lives in a cookie and follows into the account at sign-in.

use crate::api::ordering::wishlist::{get_wishlist, RemoveFromWishlist, WishlistToCart};
use crate::components::money;
use crate::pages::ErrorNotice;
use entities::ordering::WishlistItemView;
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;

/// The wishlist page.
#[component]
pub fn WishlistPage() -> impl IntoView {
    let remove = ServerAction::<RemoveFromWishlist>::new();
    let to_cart = ServerAction::<WishlistToCart>::new();
    let list = Resource::new(move || (remove.version().get(), to_cart.version().get()), |_| get_wishlist());
    let cart = expect_context::<crate::api::ordering::cart::CartState>();
    // The header's badge follows a move to the cart.
    Effect::new(move |_| {
        if matches!(to_cart.value().get(), Some(Ok(()))) {
            cart.summary.refetch();
        }
    });
    let problem = move || {
        to_cart.value().get().and_then(Result::err).map(|e| {
            view! { <p role="alert" class="mb-3 rounded bg-red-50 px-3 py-2 text-red-900" data-testid="wishlist-error">{e.to_string()}</p> }
        })
    };
    view! {
        <Title text="Wishlist"/>
        <h1 class="mb-4 text-2xl font-bold">"Wishlist"</h1>
        {problem}
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(items) if items.is_empty() => view! {
                        <p data-testid="wishlist-empty">"Nothing saved yet. Use “Save” on a product to keep it here."</p>
                    }.into_any(),
                    Ok(items) => view! {
                        <ul class="divide-y divide-stone-200 rounded border border-stone-300 bg-white" data-testid="wishlist">
                            {items.into_iter().map(|item| row(item, remove, to_cart)).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn row(
    item: WishlistItemView,
    remove: ServerAction<RemoveFromWishlist>,
    to_cart: ServerAction<WishlistToCart>,
) -> impl IntoView {
    let dropped =
        item.price_dropped().then(|| format!("Price dropped from {}", money(item.saved_price_minor, &item.currency)));
    let stock = if !item.for_sale {
        "No longer for sale"
    } else if item.in_stock {
        "In stock"
    } else {
        "Sold out"
    };
    let can_buy = item.in_stock;
    let title = item.title.clone();
    view! {
        <li class="flex flex-wrap items-center justify-between gap-3 p-4" data-testid="wishlist-item">
            <div>
                <a class="font-medium underline" href=format!("/p/{}", item.slug)>{item.title.clone()}</a>
                <p class="text-sm" data-testid="wishlist-stock">{stock}</p>
                {dropped.map(|d| view! { <p class="text-sm font-medium text-green-900" data-testid="price-dropped">{d}</p> })}
            </div>
            <p class="tabular-nums font-semibold" data-testid="wishlist-price">{money(item.price_minor, &item.currency)}</p>
            <div class="flex gap-2">
                <ActionForm action=to_cart>
                    <input type="hidden" name="product_id" value=item.product_id/>
                    <button type="submit" class="rounded bg-amber-800 px-3 py-1 font-medium text-white disabled:opacity-50"
                        disabled=!can_buy data-testid="move-to-cart">"Move to cart"<span class="sr-only">{format!(": {title}")}</span></button>
                </ActionForm>
                <ActionForm action=remove>
                    <input type="hidden" name="product_id" value=item.product_id/>
                    <button type="submit" class="rounded border border-stone-500 px-3 py-1"
                        data-testid="remove-from-wishlist">"Remove"<span class="sr-only">{format!(" {} from the wishlist", item.title)}</span></button>
                </ActionForm>
            </div>
        </li>
    }
}
