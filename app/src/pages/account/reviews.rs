//! The customer's own reviews: what they wrote and where each stands.

use crate::pages::storefront::reviews::stars;

use crate::api::catalog::reviews::{my_reviews, DeleteReview};
use crate::components::forms::{successes, CARD};
use crate::pages::ErrorNotice;
use entities::catalog::review::{MyReview, ReviewStatus};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;

/// `/account/reviews`: the customer's reviews and where each is.
#[component]
pub fn MyReviewsPage() -> impl IntoView {
    let delete = ServerAction::<DeleteReview>::new();
    let deleted = successes(delete);
    let list = Resource::new(move || deleted.get(), |_| my_reviews());
    view! {
        <Title text="Your reviews"/>
        <h1 class="mb-4 text-2xl font-bold">"Reviews"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(items) if items.is_empty() => view! {
                        <p data-testid="no-my-reviews">"You have not reviewed anything yet. Products you bought can be reviewed from their page."</p>
                    }.into_any(),
                    Ok(items) => view! {
                        <ul class="space-y-4" data-testid="my-reviews">
                            {items.into_iter().map(|r| my_review_item(r, delete)).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn my_review_item(r: MyReview, delete: ServerAction<DeleteReview>) -> impl IntoView {
    let id = r.review.id;
    let note = (r.status == ReviewStatus::Rejected && !r.moderation_note.is_empty()).then(|| r.moderation_note.clone());
    view! {
        <li class=CARD data-testid="my-review">
            <p><a class="font-medium underline" href=format!("/p/{}#reviews-heading", r.product_slug)>{r.product_title.clone()}</a></p>
            <p>{stars(r.review.rating)} " " <strong>{r.review.title.clone()}</strong></p>
            <p class="text-sm" data-testid="my-review-state">{r.status.label()}{note.map(|n| format!(": {n}"))}</p>
            <p class="mt-2 whitespace-pre-line">{r.review.body.clone()}</p>
            <ActionForm action=delete attr:class="mt-2">
                <input type="hidden" name="id" value=id/>
                <button type="submit" class="text-sm text-red-800 underline">"Delete this review"</button>
            </ActionForm>
        </li>
    }
}
