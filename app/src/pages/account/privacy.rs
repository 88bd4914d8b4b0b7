//! Privacy: downloading one's data and deleting the account.

use crate::components::forms::{banner, field, field_message, CARD};

use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;

/// `/account/privacy`: download one's data; delete the account.
#[component]
pub fn PrivacyPage() -> impl IntoView {
    let delete = ServerAction::<crate::api::accounts::privacy::DeleteAccount>::new();
    let value = Signal::derive(move || delete.value().get());
    view! {
        <Title text="Privacy"/>
        <h1 class="mb-4 text-2xl font-bold">"Privacy"</h1>
        <div class="space-y-6">
            <section class=CARD aria-labelledby="data-heading">
                <h2 id="data-heading" class="mb-2 text-lg font-semibold">"Your data"</h2>
                <p class="mb-3">"Download everything the shop holds about you — account, addresses, orders, wishlist, reviews and the emails we sent — as one JSON file."</p>
                <a href="/api/v1/me/data" download="" rel="external" class="inline-block rounded border border-stone-500 px-3 py-2" data-testid="download-data">"Download my data"</a>
                <p class="mt-3 text-sm">"Marketing email is agreed to or withdrawn on the " <a class="underline" href="/account">"profile"</a> " page."</p>
            </section>
            <section class=CARD aria-labelledby="delete-heading">
                <h2 id="delete-heading" class="mb-2 text-lg font-semibold">"Delete the account"</h2>
                <p class="mb-3">"Your addresses, wishlist, reviews and sign-in go for good. Orders stay in the shop's books, as the law requires, without your email or delivery details. An account with an order still on its way can be deleted once it has arrived."</p>
                <ActionForm action=delete attr:class="space-y-3" attr:data-testid="delete-account-form">
                    {banner(value)}
                    {field("password", "Your password, to confirm", "password", "current-password", String::new(), field_message(value, &["password"]))}
                    <button type="submit" class="rounded bg-red-800 px-4 py-2 font-medium text-white" disabled=move || delete.pending().get()>"Delete my account"</button>
                </ActionForm>
            </section>
        </div>
    }
}
