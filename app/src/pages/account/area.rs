//! The account area's frame: its navigation, and "please sign in" for guests.

use crate::components::forms::CARD;

use crate::api::accounts::sign_in::current_account;
use crate::error::AppError;
use crate::pages::ErrorNotice;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Outlet;

/// The frame of the dashboard (`/account/…`): its navigation and the page,
/// or a way to sign in.
#[component]
pub fn AccountArea() -> impl IntoView {
    let me = Resource::new(|| (), |_| current_account());
    let owner = Owner::current().expect("the account area renders under an owner");
    let body = move || {
        let state = me.get();
        let owner = owner.clone();
        Unsuspend::new(move || match state {
            Some(Ok(Some(me))) => owner.with(|| dashboard_frame(me.name)),
            Some(Ok(None)) => {
                AppError::SignIn.set_page_status();
                view! {
                    <section class=format!("mx-auto max-w-md {CARD}") data-testid="please-sign-in">
                        <h1 class="mb-2 text-2xl font-bold">"Your account"</h1>
                        <p>"Please " <a class="underline" href="/account/sign-in?next=/account">"sign in"</a>
                           " or " <a class="underline" href="/account/register">"make an account"</a> "."</p>
                    </section>
                }
                .into_any()
            }
            Some(Err(error)) => view! { <ErrorNotice error/> }.into_any(),
            None => view! { <p>"Loading…"</p> }.into_any(),
        })
    };
    view! {
        <Title text="Your account"/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>{body}</Transition>
    }
}

fn dashboard_frame(name: String) -> AnyView {
    let link =
        "block rounded px-3 py-2 hover:bg-stone-200 aria-[current=page]:bg-stone-800 aria-[current=page]:text-white";
    view! {
        <div class="grid gap-6 md:grid-cols-[12rem_1fr]">
            <nav aria-label="Your account" class="text-sm">
                <p class="mb-2 font-semibold" data-testid="account-name">{name}</p>
                <ul class="space-y-1">
                    <li><a class=link href="/account">"Profile and security"</a></li>
                    <li><a class=link href="/account/addresses">"Addresses"</a></li>
                    <li><a class=link href="/account/orders">"Orders"</a></li>
                    <li><a class=link href="/account/reviews">"Reviews"</a></li>
                    <li><a class=link href="/wishlist">"Wishlist"</a></li>
                    <li><a class=link href="/account/privacy">"Privacy"</a></li>
                </ul>
                <form method="post" action="/_sf/account/sign-out" class="mt-4">
                    <button type="submit" class="rounded border border-stone-500 px-3 py-1" data-testid="sign-out">"Sign out"</button>
                </form>
            </nav>
            <div class="min-w-0"><Outlet/></div>
        </div>
    }
    .into_any()
}
