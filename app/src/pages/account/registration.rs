//! Registration, and the pages the emailed links open (verify, confirm a new email).

use crate::components::forms::{banner, field, field_message, BUTTON, CARD};

use crate::api::accounts::passwords::confirm_email_change;
use crate::api::accounts::registration::{verify_email, Register};
use crate::error::AppError;
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/account/register`.
#[component]
pub fn RegisterPage() -> impl IntoView {
    let action = ServerAction::<Register>::new();
    let value = Signal::derive(move || action.value().get());
    view! {
        <Title text="Make an account"/>
        <section class=format!("mx-auto max-w-md {CARD}")>
            <h1 class="mb-4 text-2xl font-bold">"Make an account"</h1>
            <Show when=move || matches!(value.get(), Some(Ok(_)))
                fallback=move || view! {
                    <ActionForm action attr:class="space-y-3" attr:data-testid="register-form">
                        {banner(value)}
                        {field("name", "Your name", "text", "name", String::new(), field_message(value, &["name"]))}
                        {field("email", "Email", "email", "email", String::new(), field_message(value, &["email"]))}
                        {field("password", "Password (at least 12 characters)", "password", "new-password", String::new(), field_message(value, &["password"]))}
                        <div class="flex items-start gap-2">
                            <input id="marketing" name="marketing" type="checkbox" class="mt-1"/>
                            <label for="marketing">"Send me news and offers by email (you can stop them at any time)"</label>
                        </div>
                        <button type="submit" class=BUTTON disabled=move || action.pending().get()>"Make my account"</button>
                    </ActionForm>
                }>
                <p role="status" data-testid="register-done">
                    "Thank you. We have sent an email to the address you gave: open the link in it to confirm the address, then sign in."
                </p>
            </Show>
            <p class="mt-4 text-sm">"Have an account? " <a class="underline" href="/account/sign-in">"Sign in"</a></p>
        </section>
    }
}

/// Using the token of an emailed link (a server function's future).
type TokenUse = std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), AppError>> + Send>>;

/// A page that uses the token in its link at once (confirming an address).
fn token_page(title: &'static str, ok: &'static str, run: fn(String) -> TokenUse) -> impl IntoView {
    let query = use_query_map();
    let token = query.read_untracked().get("token").unwrap_or_default();
    let outcome = Resource::new(move || token.clone(), run);
    view! {
        <Title text=title/>
        <section class=format!("mx-auto max-w-md {CARD}")>
            <h1 class="mb-4 text-2xl font-bold">{title}</h1>
            <Suspense fallback=|| view! { <p>"One moment…"</p> }>
                {move || Suspend::new(async move {
                    match outcome.await {
                        Ok(()) => view! {
                            <p role="status" data-testid="link-ok">{ok} " "
                                <a class="underline" href="/account/sign-in">"Sign in"</a></p>
                        }.into_any(),
                        Err(e) => {
                            e.set_page_status();
                            view! { <p role="alert" data-testid="link-error">{e.to_string()}</p> }.into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}

/// `/account/verify?token=…`: the link in the verification email.
#[component]
pub fn VerifyPage() -> impl IntoView {
    token_page("Confirm your email", "Your email address is confirmed.", |t| Box::pin(verify_email(t)))
}

/// `/account/confirm-email?token=…`: the link sent to a new address.
#[component]
pub fn ConfirmEmailPage() -> impl IntoView {
    token_page("Confirm your new email", "Your sign-in address is changed.", |t| Box::pin(confirm_email_change(t)))
}
