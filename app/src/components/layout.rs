//! The header: brand, search, top categories, the cart badge and the
//! mini-cart.

use super::cart_badge::CartBadge;
use super::product_card::Marked;
use crate::api::accounts::sign_in::current_account;
use crate::api::catalog::browse::{suggest, top_categories};
use crate::api::ordering::cart::CartState;
use entities::catalog::Suggestions;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// Fewest characters before suggestions are fetched.
const SUGGEST_FROM: usize = 2;

/// The site header.
#[component]
pub fn Header() -> impl IntoView {
    let cart = expect_context::<CartState>();
    let categories = Resource::new(|| (), |_| top_categories());
    let me = Resource::new(|| (), |_| current_account());
    let query = use_query_map();
    let current_q = move || query.read().get("q").unwrap_or_default();
    let count =
        Signal::derive(move || cart.summary.get().and_then(Result::ok).map(|s| s.item_count).unwrap_or_default());
    view! {
        <a href="#main" class="sr-only focus:not-sr-only">"Skip to content"</a>
        <header class="border-b border-stone-200 bg-white">
            <div class="mx-auto flex max-w-6xl flex-wrap items-center gap-4 px-4 py-3">
                <a href="/" class="text-2xl font-bold tracking-tight text-amber-700">"Bazaar"</a>
                <SearchBox current_q=Signal::derive(current_q)/>
                <a href="/wishlist" class="text-sm font-medium underline" data-testid="wishlist-link">"Wishlist"</a>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        match me.await.ok().flatten() {
                            Some(me) => view! {
                                <a href="/account" class="text-sm font-medium underline" data-testid="account-link">
                                    <span class="sr-only">"Your account: "</span>{me.name}
                                </a>
                            }.into_any(),
                            None => view! {
                                <a href="/account/sign-in" class="text-sm font-medium underline" data-testid="sign-in-link">"Sign in"</a>
                            }.into_any(),
                        }
                    })}
                </Transition>
                <div class="relative flex items-center gap-1">
                    <Transition fallback=move || view! { <CartBadge count=0u32/> }>
                        <CartBadge count/>
                    </Transition>
                    <MiniCart/>
                </div>
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

/// How many lines the mini-cart lists before "and N more".
const MINI_CART_LINES: usize = 5;

/// A button beside the badge that opens what is in the cart — lines,
/// subtotal, "View cart" and "Checkout" — without leaving the page. The
/// lines are read when it opens (and again after each add while open);
/// Escape or the button closes it. Without JavaScript the badge is the
/// link to the cart page.
#[component]
fn MiniCart() -> impl IntoView {
    let cart = expect_context::<CartState>();
    let open = RwSignal::new(false);
    let lines = LocalResource::new(move || {
        let (is_open, _) = (open.get(), cart.add.version().get());
        async move {
            if is_open {
                Some(crate::api::ordering::cart::get_cart().await)
            } else {
                None
            }
        }
    });
    let panel = move || {
        let body = move || match lines.get() {
            None | Some(None) => view! { <p class="text-sm">"Loading…"</p> }.into_any(),
            Some(Some(Err(e))) => view! { <p role="alert" class="text-sm text-red-800">{e.to_string()}</p> }.into_any(),
            Some(Some(Ok(c))) if c.lines.is_empty() => {
                view! { <p class="text-sm" data-testid="mini-cart-empty">"Your cart is empty."</p> }.into_any()
            }
            Some(Some(Ok(c))) => {
                let more = c.lines.len().saturating_sub(MINI_CART_LINES);
                let subtotal = crate::components::money(c.subtotal_minor, &c.currency);
                view! {
                    <ul class="space-y-1 text-sm">
                        {c.lines.into_iter().take(MINI_CART_LINES).map(|l| view! {
                            <li class="flex justify-between gap-2" data-testid="mini-cart-line">
                                <a class="underline" href=format!("/p/{}", l.slug)>{format!("{} × {}", l.quantity, l.title)}</a>
                                <span class="tabular-nums">{crate::components::money(l.line_total_minor, &l.currency)}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                    {(more > 0).then(|| view! { <p class="mt-1 text-sm text-stone-700">{format!("and {more} more")}</p> })}
                    <p class="mt-2 flex justify-between border-t border-stone-200 pt-2 text-sm font-semibold">
                        <span>"Subtotal"</span><span data-testid="mini-cart-subtotal">{subtotal}</span>
                    </p>
                    <div class="mt-3 flex gap-2">
                        <a href="/cart" class="rounded border border-stone-400 px-3 py-1 text-sm font-medium">"View cart"</a>
                        <a href="/checkout" class="rounded bg-amber-700 px-3 py-1 text-sm font-medium text-white">"Checkout"</a>
                    </div>
                }.into_any()
            }
        };
        open.get().then(|| view! {
            <div id="mini-cart" role="region" aria-label="What is in your cart" data-testid="mini-cart"
                class="absolute right-0 top-full z-30 mt-2 w-80 rounded border border-stone-300 bg-white p-3 shadow-lg">
                {body}
            </div>
        })
    };
    view! {
        <div class="contents" on:keydown=move |ev| if ev.key() == "Escape" { open.set(false) }>
            <button type="button" class="rounded-full border border-stone-400 px-2 py-1 text-sm" data-testid="mini-cart-toggle"
                aria-controls="mini-cart" aria-expanded=move || if open.get() { "true" } else { "false" }
                aria-label=move || if open.get() { "Hide the cart" } else { "Show what is in the cart" }
                on:click=move |_| open.update(|o| *o = !*o)>
                {move || if open.get() { "▴" } else { "▾" }}
            </button>
            {panel}
        </div>
    }
}

/// The search form, with suggestions as the shopper types (once hydrated;
/// without JavaScript it is a plain GET form).
#[component]
fn SearchBox(current_q: Signal<String>) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let suggestions = LocalResource::new(move || {
        let q = typed.get();
        async move {
            if q.trim().chars().count() < SUGGEST_FROM {
                return Suggestions::default();
            }
            suggest(q).await.unwrap_or_default()
        }
    });
    let shown = move || {
        suggestions.get().filter(|s| !(s.products.is_empty() && s.categories.is_empty() && s.brands.is_empty()))
    };
    view! {
        <form action="/search" method="get" role="search" class="relative flex flex-1 gap-2">
            <label for="site-search" class="sr-only">"Search products"</label>
            <input id="site-search" type="search" name="q" prop:value=move || current_q.get() autocomplete="off"
                placeholder="Search products, brands, vendors…" aria-describedby="search-suggestions"
                class="w-full rounded border border-stone-300 px-3 py-2" data-testid="search-input"
                on:input:target=move |ev| typed.set(ev.target().value())
                on:keydown=move |ev| if ev.key() == "Escape" { typed.set(String::new()) }/>
            <button type="submit" class="rounded bg-amber-700 px-4 py-2 font-medium text-white">"Search"</button>
            <div id="search-suggestions" aria-live="polite"
                class="absolute left-0 top-full z-10 mt-1 w-full max-w-xl rounded border border-stone-200 bg-white shadow empty:hidden">
                {move || shown().map(|s| view! {
                    <div class="p-2 text-sm" data-testid="suggestions">
                        <p class="sr-only">"Suggestions"</p>
                        <ul>
                            {s.products.into_iter().map(|p| view! {
                                <li><a class="block rounded px-2 py-1 hover:bg-stone-100" href=format!("/p/{}", p.slug) data-testid="suggestion">
                                    <Marked text=p.title marks=p.title_marks/>
                                </a></li>
                            }).collect_view()}
                            {s.categories.into_iter().map(|c| view! {
                                <li><a class="block rounded px-2 py-1 hover:bg-stone-100" href=format!("/c/{}", c.slug)>
                                    "In category: " {c.name}
                                </a></li>
                            }).collect_view()}
                            {s.brands.into_iter().map(|b| {
                                let href = entities::catalog::SearchRequest { brands: vec![b.clone()], page: 1, ..Default::default() }.href(1);
                                view! { <li><a class="block rounded px-2 py-1 hover:bg-stone-100" href=href>"Brand: " {b}</a></li> }
                            }).collect_view()}
                        </ul>
                    </div>
                })}
            </div>
        </form>
    }
}
