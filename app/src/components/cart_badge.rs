//! The number of items in the cart, in the header.

use leptos::prelude::*;

/// Shows `count` and says it to screen readers; follows the signal live.
#[component]
pub fn CartBadge(#[prop(into)] count: Signal<u32>) -> impl IntoView {
    let label = move || match count.get() {
        1 => "Cart, 1 item".to_owned(),
        n => format!("Cart, {n} items"),
    };
    view! {
        <a href="/cart" class="relative inline-flex items-center gap-1 rounded-full bg-stone-900 px-3 py-1 text-sm font-medium text-white" aria-label=label data-testid="cart-badge">
            "Cart "
            <span data-testid="cart-count" aria-live="polite">{move || count.get()}</span>
        </a>
    }
}
