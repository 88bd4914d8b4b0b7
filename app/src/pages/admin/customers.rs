//! `/admin/customers`: find an account by email and act on a customer's
//! privacy request — download their data, erase the account — with the
//! audit log of what was done to it.

use super::{outcome, FieldError, BUTTON, BUTTON_QUIET, INPUT};
use crate::api::accounts::privacy::{find_customer, CustomerCard, EraseCustomer};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The customer look-up.
#[component]
pub fn CustomersPage() -> impl IntoView {
    let query = use_query_map();
    let email = Memo::new(move |_| query.read().get("email").unwrap_or_default());
    let erase = ServerAction::<EraseCustomer>::new();
    let erased = crate::components::forms::successes(erase);
    let found = Resource::new(
        move || (email.get(), erased.get()),
        |(email, _)| async move {
            if email.trim().is_empty() {
                Ok(None)
            } else {
                find_customer(email).await.map(Some)
            }
        },
    );
    let ev = Signal::derive(move || erase.value().get());
    view! {
        <Title text="Customers · Admin"/>
        <h1 class="mb-4 text-2xl font-bold">"Customers"</h1>
        <form method="get" class="mb-4 flex flex-wrap items-end gap-3" data-testid="customer-find">
            <label class="text-sm" for="customer-email">"Email"</label>
            <input id="customer-email" name="email" type="email" required class=INPUT value=move || email.get()/>
            <button type="submit" class=BUTTON_QUIET>"Find"</button>
        </form>
        <div class="mb-3">{outcome(ev, |text: &String| text.clone())}</div>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match found.await {
                    Ok(Some(card)) => customer_card(card, erase).into_any(),
                    Ok(None) => view! { <p>"Find an account by its email to export or erase its data."</p> }.into_any(),
                    Err(crate::error::AppError::NotFound) => view! { <p role="status" data-testid="no-customer">"No account has this email."</p> }.into_any(),
                    Err(error) => view! { <super::super::ErrorNotice error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn customer_card(c: CustomerCard, erase: ServerAction<EraseCustomer>) -> impl IntoView {
    let confirm_error =
        Signal::derive(move || erase.value().get().and_then(Result::err).and_then(|e| e.field("confirm")));
    let id = c.id;
    view! {
        <section class="rounded border border-stone-300 bg-white p-4" data-testid="customer">
            <h2 class="text-lg font-semibold">{c.name.clone()}</h2>
            <p>{c.email.clone()} {format!(" · {} · since {}", c.role, c.since)}</p>
            {match c.erased.clone() {
                Some(at) => view! { <p class="mt-2 font-medium" data-testid="erased">{format!("Erased on {at}.")}</p> }.into_any(),
                None => view! {
                    <div class="mt-3 flex flex-wrap items-end gap-4">
                        <a class=BUTTON_QUIET href=format!("/api/v1/customers/{id}/export") download="" rel="external" data-testid="export">"Download their data (JSON)"</a>
                        <ActionForm action=erase attr:class="flex flex-wrap items-end gap-2">
                            <input type="hidden" name="id" value=id/>
                            <span>
                                <input id="confirm-erase" name="confirm" type="checkbox" value="yes" aria-describedby="confirm-erase-error"/>
                                <label for="confirm-erase" class="ml-1 text-sm">"The customer asked for erasure"</label>
                                <FieldError id="confirm-erase-error" message=confirm_error/>
                            </span>
                            <button type="submit" class=BUTTON data-testid="erase">"Erase the account"</button>
                        </ActionForm>
                    </div>
                }.into_any(),
            }}
            <h3 class="mt-4 font-semibold">"Audit log"</h3>
            {if c.audit.is_empty() {
                view! { <p class="text-sm">"Nothing recorded yet."</p> }.into_any()
            } else {
                view! {
                    <div class="overflow-x-auto">
                    <table class="mt-1 w-full text-left text-sm" data-testid="audit">
                        <thead><tr><th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"What"</th><th scope="col">"Detail"</th></tr></thead>
                        <tbody>
                            {c.audit.into_iter().map(|(at, who, what, detail)| view! {
                                <tr><td>{at}</td><td>{who}</td><td>{what}</td><td>{detail}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}
