//! `/admin/payments`: the payment events received from the provider, with
//! what applying each did, its tries and last error, and a button to apply
//! one again (safe: applying is idempotent).

use super::BUTTON_QUIET;
use crate::api::payments::admin_payments::{admin_payment_events, AdminReplayPaymentEvent};
use crate::components::lists::StaffTable;
use entities::payments::EventRecord;
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;

/// The payment events page.
#[component]
pub fn PaymentsPage() -> impl IntoView {
    let replay = ServerAction::<AdminReplayPaymentEvent>::new();
    let events = Resource::new(move || replay.version().get(), |_| admin_payment_events());
    let result = Signal::derive(move || replay.value().get());
    view! {
        <Title text="Payment events · Admin"/>
        <h1 class="mb-2 text-2xl font-bold">"Payment events"</h1>
        <p class="mb-4 text-sm text-stone-700">
            "What the payment provider told us, newest first. Each event is applied once; applying it again changes nothing that already happened."
        </p>
        {super::outcome(result, |e| format!("Event {} applied again: {}", e.event_id, e.outcome.clone().unwrap_or_default()))}
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match events.await {
                    Ok(list) => table(list, replay),
                    Err(error) => view! { <super::super::ErrorNotice error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn table(list: Vec<EventRecord>, replay: ServerAction<AdminReplayPaymentEvent>) -> AnyView {
    if list.is_empty() {
        return view! { <p data-testid="no-payment-events">"No payment events yet."</p> }.into_any();
    }
    view! {
        <StaffTable caption="Payment events">
                <thead class="bg-stone-100">
                    <tr>
                        <th class="p-2">"Received"</th><th class="p-2">"Event"</th><th class="p-2">"Kind"</th>
                        <th class="p-2">"Payment"</th><th class="p-2">"Outcome"</th><th class="p-2">"Tries"</th>
                        <th class="p-2"><span class="sr-only">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {list.into_iter().map(|e| {
                        let state = match (&e.processed_at, &e.last_error) {
                            (Some(_), _) => e.outcome.clone().unwrap_or_default(),
                            (None, Some(error)) => format!("failed: {error} (will retry)"),
                            (None, None) => "waiting".to_owned(),
                        };
                        view! {
                            <tr class="border-t border-stone-200" data-testid="payment-event">
                                <td class="p-2 whitespace-nowrap">{e.received_at.format("%Y-%m-%d %H:%M:%S").to_string()}</td>
                                <td class="p-2 font-mono text-xs">{e.event_id.clone()}</td>
                                <td class="p-2">{e.kind.clone()}</td>
                                <td class="p-2 font-mono text-xs">{e.provider_ref.clone()}</td>
                                <td class="p-2" data-testid="payment-event-outcome">{state}</td>
                                <td class="p-2 tabular-nums">{e.attempts}</td>
                                <td class="p-2">
                                    <ActionForm action=replay>
                                        <input type="hidden" name="id" value=e.id.to_string()/>
                                        <button type="submit" class=BUTTON_QUIET data-testid="replay">"Replay"</button>
                                    </ActionForm>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
        </StaffTable>
    }
    .into_any()
}
