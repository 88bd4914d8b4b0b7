//! `/admin/reviews`: the moderation queue (pending reviews first; any status
//! by the filter) — admins publish or reject, the product's vendor answers
//! published reviews in public.

use super::{outcome, BUTTON, BUTTON_QUIET, INPUT};
use crate::api::catalog::reviews::{admin_reviews, ModerateReview, ReplyToReview};
use crate::pages::storefront::reviews::stars;
use entities::catalog::review::{ReviewStatus, StaffReview, QUEUE_PAGE};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The review list for staff.
#[component]
pub fn ReviewsPage() -> impl IntoView {
    let query = use_query_map();
    let status =
        Memo::new(move |_| query.read().get("status").unwrap_or_else(|| ReviewStatus::Pending.as_str().into()));
    let before = Memo::new(move |_| query.read().get("before").and_then(|b| b.parse::<i64>().ok()));
    let moderate = ServerAction::<ModerateReview>::new();
    let reply = ServerAction::<ReplyToReview>::new();
    let (moderated, replied) =
        (crate::components::forms::successes(moderate), crate::components::forms::successes(reply));
    let list = Resource::new(
        move || (status.get(), before.get(), moderated.get(), replied.get()),
        |(status, before, _, _)| admin_reviews(status, before),
    );
    let mv = Signal::derive(move || moderate.value().get());
    let rv = Signal::derive(move || reply.value().get());
    view! {
        <Title text="Reviews · Admin"/>
        <h1 class="mb-4 text-2xl font-bold">"Reviews"</h1>
        <form method="get" class="mb-4 flex flex-wrap items-end gap-3" data-testid="review-filter">
            <label class="text-sm">"Show"
                <select name="status" class=INPUT>
                    {[
                        (ReviewStatus::Pending.as_str(), "Awaiting moderation"),
                        (ReviewStatus::Published.as_str(), "Published"),
                        (ReviewStatus::Rejected.as_str(), "Rejected"),
                        ("", "All"),
                    ]
                        .into_iter().map(|(value, text)| view! {
                            <option value=value selected=move || status.get() == value>{text}</option>
                        }).collect_view()}
                </select>
            </label>
            <button type="submit" class=BUTTON_QUIET>"Show"</button>
        </form>
        <div class="mb-3">{outcome(mv, |r: &StaffReview| format!("Review {} is now {}.", r.review.review.id, r.review.status.label().to_lowercase()))}</div>
        <div class="mb-3">{outcome(rv, |r: &StaffReview| format!("Your reply to review {} is saved.", r.review.review.id))}</div>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(items) if items.is_empty() => view! { <p data-testid="queue-empty">"No reviews here."</p> }.into_any(),
                    Ok(items) => {
                        let older = (items.len() as u64 == QUEUE_PAGE).then(|| items.last().map(|r| r.review.review.id)).flatten();
                        view! {
                            <ul class="space-y-4" data-testid="review-queue">
                                {items.into_iter().map(|r| staff_item(r, moderate, reply)).collect_view()}
                            </ul>
                            {older.map(|id| view! {
                                <p class="mt-4"><a class="underline" href=format!("/admin/reviews?status={}&before={id}", status.get_untracked())>"Older reviews"</a></p>
                            })}
                        }.into_any()
                    }
                    Err(error) => view! { <super::super::ErrorNotice error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn staff_item(
    r: StaffReview,
    moderate: ServerAction<ModerateReview>,
    reply: ServerAction<ReplyToReview>,
) -> impl IntoView {
    let m = r.review;
    let id = m.review.id;
    let (note_id, note_for) = (format!("note-{id}"), format!("note-{id}"));
    let reply_id = format!("reply-{id}");
    view! {
        <li class="rounded border border-stone-300 bg-white p-4" data-testid="queued-review">
            <p class="text-sm"><a class="underline" href=format!("/p/{}", m.product_slug)>{m.product_title.clone()}</a>
                {format!(" · {} · {}", m.review.author, m.status.label())}
                {m.review.verified_purchase.then_some(" · verified purchase")}</p>
            <p>{stars(m.review.rating)} " " <strong>{m.review.title.clone()}</strong></p>
            <p class="mt-1 whitespace-pre-line">{m.review.body.clone()}</p>
            <div class="mt-3 flex flex-wrap items-end gap-3">
                {(m.status != ReviewStatus::Published).then(|| view! {
                    <ActionForm action=moderate>
                        <input type="hidden" name="id" value=id/>
                        <input type="hidden" name="status" value=ReviewStatus::Published.as_str()/>
                        <input type="hidden" name="note" value=""/>
                        <button type="submit" class=BUTTON data-testid="publish">"Publish"</button>
                    </ActionForm>
                })}
                {(m.status != ReviewStatus::Rejected).then(move || view! {
                    <ActionForm action=moderate attr:class="flex items-end gap-2">
                        <input type="hidden" name="id" value=id/>
                        <input type="hidden" name="status" value=ReviewStatus::Rejected.as_str()/>
                        <label for=note_for class="text-sm">"Why (shown to the author)"
                            <input id=note_id name="note" type="text" maxlength="500" class=INPUT/>
                        </label>
                        <button type="submit" class=BUTTON_QUIET data-testid="reject">"Reject"</button>
                    </ActionForm>
                })}
            </div>
            {(m.status == ReviewStatus::Published).then(move || view! {
                <ActionForm action=reply attr:class="mt-3 space-y-2">
                    <input type="hidden" name="id" value=id/>
                    <label for=reply_id.clone() class="block text-sm font-medium">"Public reply from the seller (empty removes it)"</label>
                    <textarea id=reply_id name="reply" rows="2" class=INPUT>{m.review.reply.clone().unwrap_or_default()}</textarea>
                    <button type="submit" class=BUTTON_QUIET data-testid="send-reply">"Save the reply"</button>
                </ActionForm>
            })}
        </li>
    }
}
