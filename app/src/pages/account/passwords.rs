//! A forgotten password: asking for the link, and choosing a new one.

use crate::components::forms::{banner, done, field, field_message, BUTTON, CARD};

use crate::api::accounts::passwords::{ForgotPassword, ResetPassword};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/account/forgot`.
#[component]
pub fn ForgotPage() -> impl IntoView {
    let action = ServerAction::<ForgotPassword>::new();
    let value = Signal::derive(move || action.value().get());
    view! {
        <Title text="Forgot your password"/>
        <section class=format!("mx-auto max-w-md {CARD}")>
            <h1 class="mb-4 text-2xl font-bold">"Set a new password"</h1>
            <ActionForm action attr:class="space-y-3">
                {banner(value)}
                {done(value, "If this address has an account, we have sent it a link to set a new password.")}
                {field("email", "Email", "email", "email", String::new(), field_message(value, &["email"]))}
                <button type="submit" class=BUTTON disabled=move || action.pending().get()>"Send me a link"</button>
            </ActionForm>
        </section>
    }
}

/// `/account/reset?token=…`: the link in the reset email.
#[component]
pub fn ResetPage() -> impl IntoView {
    let action = ServerAction::<ResetPassword>::new();
    let value = Signal::derive(move || action.value().get());
    let token = use_query_map().read_untracked().get("token").unwrap_or_default();
    view! {
        <Title text="Choose a new password"/>
        <section class=format!("mx-auto max-w-md {CARD}")>
            <h1 class="mb-4 text-2xl font-bold">"Choose a new password"</h1>
            <ActionForm action attr:class="space-y-3">
                {banner(value)}
                {move || matches!(value.get(), Some(Ok(_))).then(|| view! {
                    <p role="status" class="rounded bg-green-50 px-3 py-2 text-green-900" data-testid="form-ok">
                        "Your password is changed, and every device was signed out. "
                        <a class="underline" href="/account/sign-in">"Sign in"</a>
                    </p>
                })}
                <input type="hidden" name="token" value=token/>
                {field("password", "New password (at least 12 characters)", "password", "new-password", String::new(), field_message(value, &["password"]))}
                <button type="submit" class=BUTTON disabled=move || action.pending().get()>"Set the password"</button>
            </ActionForm>
        </section>
    }
}
