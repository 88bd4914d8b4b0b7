//! Reviews on the product page (summary, distribution, the reviews with
//! "verified purchase" and the vendor's reply, and the form to write one),
//! and `/account/reviews`: the customer's own with where each is in
//! moderation.

use crate::api::catalog::reviews::{get_product_reviews, get_reviewer, Reviewer, SaveReview};
use crate::components::forms::{banner, field_message, successes, BUTTON, CARD, INPUT};
use crate::pages::ErrorNotice;
use entities::catalog::review::{ProductReviews, RatingSummary, ReviewStatus, ReviewView};
use leptos::{form::ActionForm, prelude::*};
use leptos_router::hooks::use_query_map;

/// A rating as stars: drawn for the eye, said in words for screen readers.
pub fn stars(rating: i16) -> impl IntoView {
    let full = usize::try_from(rating.clamp(0, 5)).unwrap_or(0);
    view! {
        <span class="text-amber-800" aria-hidden="true">{"★".repeat(full)}{"☆".repeat(5 - full)}</span>
        <span class="sr-only">{format!("Rated {rating} out of 5")}</span>
    }
}

fn summary_view(s: &RatingSummary) -> impl IntoView {
    if s.count == 0 {
        return view! { <p data-testid="no-reviews">"No reviews yet."</p> }.into_any();
    }
    let rows = (1..=5_usize)
        .rev()
        .map(|n| {
            let count = s.distribution[n - 1];
            let pct = s.percent(n);
            view! {
                <li class="flex items-center gap-2 text-sm" data-testid="rating-row">
                    <span class="w-14">{format!("{n} star{}", if n == 1 { "" } else { "s" })}</span>
                    <span class="h-2 w-40 rounded bg-stone-200" aria-hidden="true">
                        <span class="block h-2 rounded bg-amber-700" style=format!("width: {pct}%")></span>
                    </span>
                    <span class="tabular-nums">{format!("{count} ({pct}%)")}</span>
                </li>
            }
        })
        .collect_view();
    let average = s.average;
    view! {
        <div class="flex flex-wrap items-start gap-8">
            <p data-testid="rating-average">
                <span class="text-3xl font-bold">{format!("{average:.1}")}</span>
                " out of 5 · "
                <span data-testid="rating-count">{format!("{} review{}", s.count, if s.count == 1 { "" } else { "s" })}</span>
            </p>
            <ul aria-label="How many gave each rating" class="space-y-1">{rows}</ul>
        </div>
    }
    .into_any()
}

fn review_item(r: ReviewView) -> impl IntoView {
    view! {
        <li class="border-t border-stone-200 py-4" data-testid="review">
            <p>{stars(r.rating)} " " <strong>{r.title.clone()}</strong></p>
            <p class="text-sm text-stone-700">
                {format!("{} · {}", r.author, r.created_at.format("%Y-%m-%d"))}
                {r.verified_purchase.then(|| view! { " · " <span class="font-medium text-green-900" data-testid="verified">"Verified purchase"</span> })}
            </p>
            <p class="mt-2 whitespace-pre-line">{r.body.clone()}</p>
            {r.reply.clone().map(|reply| view! {
                <div class="mt-2 rounded bg-stone-100 p-3 text-sm" data-testid="vendor-reply">
                    <p class="font-medium">"The seller replied:"</p>
                    <p class="whitespace-pre-line">{reply}</p>
                </div>
            })}
        </li>
    }
}

/// The reviews section of a product page (`?reviews=<page>` pages it).
#[component]
pub fn ProductReviewsSection(product_id: i64, slug: String) -> impl IntoView {
    let query = use_query_map();
    let page = Memo::new(move |_| query.read().get("reviews").and_then(|p| p.parse::<u64>().ok()).unwrap_or(1));
    let save = ServerAction::<SaveReview>::new();
    let saved = successes(save);
    let list = Resource::new(move || (page.get(), saved.get()), move |(page, _)| get_product_reviews(product_id, page));
    let me = Resource::new(move || saved.get(), move |_| get_reviewer(product_id));
    let slug_for_pages = slug.clone();
    view! {
        <section class="mt-10" aria-labelledby="reviews-heading" data-testid="reviews">
            <h2 id="reviews-heading" class="mb-4 text-xl font-semibold">"Reviews"</h2>
            <Suspense fallback=|| view! { <p>"Loading reviews…"</p> }>
                {move || {
                    let slug = slug_for_pages.clone();
                    Suspend::new(async move {
                        match list.await {
                            Ok(r) => reviews_list(r, slug).into_any(),
                            Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        }
                    })
                }}
            </Suspense>
            <Suspense fallback=|| ()>
                {move || {
                    let slug = slug.clone();
                    Suspend::new(async move {
                        match me.await {
                            Ok(who) => review_form(who, product_id, slug, save).into_any(),
                            Err(_) => ().into_any(),
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}

fn reviews_list(r: ProductReviews, slug: String) -> impl IntoView {
    let (page, pages) = (r.page, r.pages);
    let link = move |n: u64, text: &'static str| {
        view! { <a class="underline" href=format!("/p/{slug}?reviews={n}#reviews-heading") data-noscroll="">{text}</a> }
    };
    view! {
        {summary_view(&r.summary)}
        <ul class="mt-4" data-testid="review-list">{r.reviews.into_iter().map(review_item).collect_view()}</ul>
        {(pages > 1).then(|| view! {
            <nav aria-label="Review pages" class="mt-2 flex gap-4 text-sm">
                {(page > 1).then(|| link(page - 1, "Newer reviews"))}
                <span>{format!("Page {page} of {pages}")}</span>
                {(page < pages).then(|| link(page + 1, "Older reviews"))}
            </nav>
        })}
    }
}

fn review_form(who: Reviewer, product_id: i64, slug: String, save: ServerAction<SaveReview>) -> impl IntoView {
    if !who.signed_in {
        return view! {
            <p class="mt-4" data-testid="review-sign-in">
                <a class="underline" href=format!("/account/sign-in?next=/p/{slug}")>"Sign in to write a review"</a>
            </p>
        }
        .into_any();
    }
    if !who.may_review {
        return ().into_any();
    }
    let value = Signal::derive(move || save.value().get());
    let (rating, title, body, heading, note) = match &who.mine {
        Some(m) => (
            m.review.rating,
            m.review.title.clone(),
            m.review.body.clone(),
            "Your review",
            match m.status {
                ReviewStatus::Rejected if !m.moderation_note.is_empty() => {
                    format!("{} — {}", m.status.label(), m.moderation_note)
                }
                status => status.label().to_owned(),
            },
        ),
        None => (0, String::new(), String::new(), "Write a review", String::new()),
    };
    let rating_error = field_message(value, &["rating"]);
    let title_error = field_message(value, &["title"]);
    let body_error = field_message(value, &["body"]);
    view! {
        <section class=format!("mt-6 {CARD}") aria-labelledby="write-review-heading">
            <h3 id="write-review-heading" class="mb-2 text-lg font-semibold">{heading}</h3>
            {(!note.is_empty()).then(|| view! { <p class="mb-2 text-sm" data-testid="my-review-status">{note}</p> })}
            <ActionForm action=save attr:class="space-y-3" attr:data-testid="review-form">
                {banner(value)}
                {move || matches!(value.get(), Some(Ok(_))).then(|| view! {
                    <p role="status" class="rounded bg-green-50 px-3 py-2 text-green-900" data-testid="review-saved">
                        "Thank you. Your review is saved; it appears here once a moderator has read it."
                    </p>
                })}
                <input type="hidden" name="product_id" value=product_id/>
                <fieldset aria-describedby="rating-error">
                    <legend class="font-medium">"Your rating"</legend>
                    <div class="flex flex-wrap gap-3">
                        {(1..=5_i16).map(|n| {
                            let id = format!("rating-{n}");
                            view! {
                                <span class="flex items-center gap-1">
                                    <input id=id.clone() type="radio" name="rating" value=n checked=rating == n required=true/>
                                    <label for=id>{format!("{n} star{}", if n == 1 { "" } else { "s" })}</label>
                                </span>
                            }
                        }).collect_view()}
                    </div>
                    <p id="rating-error" class="mt-1 text-sm text-red-800" aria-live="polite" data-testid="field-error">{move || rating_error.get()}</p>
                </fieldset>
                <div>
                    <label for="review-title" class="block font-medium">"Headline (optional)"</label>
                    <input id="review-title" name="title" type="text" maxlength="120" value=title class=INPUT
                        aria-invalid=move || title_error.get().is_some().then_some("true") aria-describedby="review-title-error"/>
                    <p id="review-title-error" class="mt-1 text-sm text-red-800" aria-live="polite" data-testid="field-error">{move || title_error.get()}</p>
                </div>
                <div>
                    <label for="review-body" class="block font-medium">"Your review (at least 10 characters)"</label>
                    <textarea id="review-body" name="body" rows="4" required=true class=INPUT
                        aria-invalid=move || body_error.get().is_some().then_some("true") aria-describedby="review-body-error">{body}</textarea>
                    <p id="review-body-error" class="mt-1 text-sm text-red-800" aria-live="polite" data-testid="field-error">{move || body_error.get()}</p>
                </div>
                <button type="submit" class=BUTTON disabled=move || save.pending().get()>"Send the review"</button>
            </ActionForm>
        </section>
    }
    .into_any()
}
