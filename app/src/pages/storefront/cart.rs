//! `/cart`: the shopper's cart, each line's quantity changed or taken out
//! with a plain form (works without JavaScript), and the way to checkout.

use crate::api::ordering::cart::{get_cart, CartState, SetCartQuantity};
use crate::components::money;
use crate::pages::ErrorNotice;
use entities::ordering::{CartLineView, CartView};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;

/// The cart page.
#[component]
pub fn CartPage() -> impl IntoView {
    let set = ServerAction::<SetCartQuantity>::new();
    let cart = Resource::new(move || set.version().get(), |_| get_cart());
    // The header's badge follows changes made here.
    if let Some(state) = use_context::<CartState>() {
        Effect::new(move |_| {
            if set.version().get() > 0 {
                state.summary.refetch();
            }
        });
    }
    let error = move || set.value().get().and_then(Result::err);
    view! {
        <Title text="Your cart"/>
        <h1 class="mb-4 text-2xl font-bold">"Your cart"</h1>
        {move || error().map(|e| view! { <p role="alert" class="mb-3 rounded bg-red-50 px-3 py-2 text-red-800" data-testid="cart-error">{e.to_string()}</p> })}
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match cart.await {
                    Ok(view) => cart_view(view, set),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn cart_view(cart: CartView, set: ServerAction<SetCartQuantity>) -> AnyView {
    if cart.lines.is_empty() {
        return view! {
            <section class="rounded border border-stone-200 bg-white p-6 text-center" data-testid="cart-empty">
                <p class="mb-3">"Your cart is empty."</p>
                <a href="/" class="rounded bg-amber-700 px-4 py-2 font-medium text-white">"Keep shopping"</a>
            </section>
        }
        .into_any();
    }
    let subtotal = money(cart.subtotal_minor, &cart.currency);
    let can_order = !cart.mixed_currencies;
    view! {
        <ul class="divide-y divide-stone-200 rounded border border-stone-200 bg-white" data-testid="cart-lines">
            {cart.lines.into_iter().map(|line| line_view(line, set)).collect_view()}
        </ul>
        <div class="mt-4 flex flex-wrap items-center justify-end gap-4">
            <p class="text-lg">"Subtotal: " <strong data-testid="cart-subtotal">{subtotal}</strong></p>
            {if can_order {
                view! { <a href="/checkout" class="rounded bg-amber-700 px-4 py-2 font-medium text-white" data-testid="to-checkout">"Checkout"</a> }.into_any()
            } else {
                view! { <p role="alert">"Your cart holds items in different currencies; order them separately."</p> }.into_any()
            }}
        </div>
    }
    .into_any()
}

fn line_view(line: CartLineView, set: ServerAction<SetCartQuantity>) -> impl IntoView {
    let options = line.options.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join(", ");
    let max = if line.allow_backorder { 99 } else { line.available.clamp(line.quantity.max(1), 99) };
    let input_id = format!("qty-{}", line.variant_id);
    let label = format!("Quantity of {}", line.title);
    view! {
        <li class="flex flex-wrap items-center gap-4 p-3" data-testid="cart-line">
            <img src=line.image.clone() alt="" width="64" height="64" class="h-16 w-16 rounded object-cover"/>
            <div class="min-w-48 flex-1">
                <a class="font-medium underline" href=format!("/p/{}", line.slug)>{line.title.clone()}</a>
                <p class="text-sm text-stone-700">{options}</p>
                <p class="text-sm text-stone-700">{money(line.unit_price_minor, &line.currency)} " each"</p>
            </div>
            <ActionForm action=set attr:class="flex items-center gap-2">
                <input type="hidden" name="variant_id" value=line.variant_id.to_string()/>
                <label for=input_id.clone() class="sr-only">{label}</label>
                <input id=input_id type="number" name="quantity" min="1" max=max.to_string() value=line.quantity.to_string()
                    class="w-20 rounded border border-stone-400 px-2 py-1" data-testid="cart-quantity"/>
                <button type="submit" class="rounded border border-stone-400 px-3 py-1">"Update"</button>
            </ActionForm>
            <ActionForm action=set>
                <input type="hidden" name="variant_id" value=line.variant_id.to_string()/>
                <input type="hidden" name="quantity" value="0"/>
                <button type="submit" class="rounded px-3 py-1 text-red-800 underline" data-testid="cart-remove"
                    aria-label=format!("Remove {}", line.title)>"Remove"</button>
            </ActionForm>
            <p class="w-24 text-right font-medium tabular-nums" data-testid="line-total">{money(line.line_total_minor, &line.currency)}</p>
        </li>
    }
}
