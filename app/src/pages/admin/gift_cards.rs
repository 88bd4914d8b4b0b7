//! `/admin/gift-cards`: issue a gift card (or store credit of a customer's
//! account) and see its code once; the cards with their balances, and
//! "Disable".

use super::{FieldError, BUTTON, BUTTON_QUIET, INPUT};
use crate::api::payments::gift_cards::{admin_gift_cards, AdminDisableGiftCard, AdminIssueGiftCard};
use crate::components::forms::successes;
use crate::components::lists::StaffTable;
use crate::components::money;
use entities::payments::GiftCardStatus;
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;

/// The gift card page.
#[component]
pub fn GiftCardsPage() -> impl IntoView {
    let issue = ServerAction::<AdminIssueGiftCard>::new();
    let disable = ServerAction::<AdminDisableGiftCard>::new();
    let (issued_n, disabled_n) = (successes(issue), successes(disable));
    let cards = Resource::new(move || (issued_n.get(), disabled_n.get()), |_| admin_gift_cards());
    let error = move |field: &'static str| {
        Signal::derive(move || issue.value().get().and_then(Result::err).and_then(|e| e.field(field)))
    };
    let issued = move || {
        issue.value().get().and_then(Result::ok).map(|i| {
            view! {
                <p role="status" class="rounded bg-green-50 px-3 py-2 text-green-800" data-testid="issued">
                    {format!("Issued {} — code ", money(i.card.initial_minor, &i.card.currency))}
                    <code class="font-bold" data-testid="issued-code">{i.code}</code>
                    ". Write it down or hand it over now: it is not shown again."
                </p>
            }
        })
    };
    view! {
        <Title text="Gift cards · Admin"/>
        <h1 class="mb-4 text-2xl font-bold">"Gift cards and store credit"</h1>
        {super::outcome(Signal::derive(move || disable.value().get()), |c| format!("Card …{} disabled.", c.last4))}
        {issued}
        <ActionForm action=issue attr:class="mb-6 grid max-w-3xl gap-3 rounded border border-stone-300 bg-white p-3 md:grid-cols-2" attr:data-testid="issue-form">
            <div>
                <label class="block text-sm font-medium" for="gc-amount">"Amount"</label>
                <input id="gc-amount" name="amount" class=INPUT inputmode="decimal" placeholder="25.00" required aria-describedby="gc-amount-error"/>
                <FieldError id="gc-amount-error" message=Signal::derive(move || error("amount").get().or_else(|| error("amount_minor").get()))/>
            </div>
            <div>
                <label class="block text-sm font-medium" for="gc-currency">"Currency"</label>
                <input id="gc-currency" name="currency" class=INPUT value="EUR" aria-describedby="gc-currency-error"/>
                <FieldError id="gc-currency-error" message=error("currency")/>
            </div>
            <div>
                <label class="block text-sm font-medium" for="gc-email">"Store credit of (a customer's email; empty: a gift card)"</label>
                <input id="gc-email" name="customer_email" type="email" class=INPUT aria-describedby="gc-email-error"/>
                <FieldError id="gc-email-error" message=error("customer_email")/>
            </div>
            <div>
                <label class="block text-sm font-medium" for="gc-note">"Note (for staff)"</label>
                <input id="gc-note" name="note" class=INPUT/>
            </div>
            <button type="submit" class=BUTTON data-testid="issue">"Issue"</button>
        </ActionForm>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match cards.await {
                    Ok(cards) if cards.is_empty() => view! { <p>"No gift cards yet."</p> }.into_any(),
                    Ok(cards) => view! {
                        <StaffTable caption="Gift cards">
                                <thead class="bg-stone-100"><tr>
                                    <th class="p-2">"Code"</th><th class="p-2">"Kind"</th><th class="p-2 text-right">"Balance"</th>
                                    <th class="p-2 text-right">"Worth"</th><th class="p-2">"Status"</th><th class="p-2">"Note"</th><th class="p-2"></th>
                                </tr></thead>
                                <tbody>
                                    {cards.into_iter().map(|c| view! {
                                        <tr class="border-t border-stone-200" data-testid="gift-card-row">
                                            <td class="p-2 font-mono">{format!("…{}", c.last4)}</td>
                                            <td class="p-2">{c.kind.replace('_', " ")}</td>
                                            <td class="p-2 text-right tabular-nums">{money(c.balance_minor, &c.currency)}</td>
                                            <td class="p-2 text-right tabular-nums">{money(c.initial_minor, &c.currency)}</td>
                                            <td class="p-2">{c.status.as_str()}</td>
                                            <td class="p-2">{c.note.clone()}</td>
                                            <td class="p-2">{(c.status == GiftCardStatus::Active).then(|| view! {
                                                <ActionForm action=disable>
                                                    <input type="hidden" name="id" value=c.id/>
                                                    <button type="submit" class=BUTTON_QUIET>"Disable"</button>
                                                </ActionForm>
                                            })}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                        </StaffTable>
                    }.into_any(),
                    Err(error) => view! { <super::super::ErrorNotice error/> }.into_any(),
                }
            })}
        </Transition>
    }
}
