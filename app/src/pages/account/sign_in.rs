//! Signing in: the password and the two-factor code.

use crate::components::forms::{banner, field, field_message, BUTTON, CARD, INPUT};

use crate::api::accounts::sign_in::SignIn;
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/account/sign-in`.
#[component]
pub fn SignInPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let query = use_query_map();
    let next = query.read_untracked().get("next").unwrap_or_default();
    let value = Signal::derive(move || action.value().get());
    view! {
        <Title text="Sign in"/>
        <section class=format!("mx-auto max-w-md {CARD}")>
            <h1 class="mb-4 text-2xl font-bold">"Sign in"</h1>
            <ActionForm action attr:class="space-y-3" attr:data-testid="sign-in-form">
                {banner(value)}
                <input type="hidden" name="next" value=next/>
                {field("email", "Email", "email", "username", String::new(), field_message(value, &["email"]))}
                {field("password", "Password", "password", "current-password", String::new(), field_message(value, &["password"]))}
                <button type="submit" class=BUTTON disabled=move || action.pending().get()>"Sign in"</button>
            </ActionForm>
            <p class="mt-4 text-sm">
                <a class="underline" href="/account/forgot">"Forgot your password?"</a>
                " · "
                <a class="underline" href="/account/register">"Make an account"</a>
            </p>
        </section>
    }
}

/// `/account/sign-in/code`: the second step for accounts with two-factor
/// sign-in.
#[component]
pub fn SignInCodePage() -> impl IntoView {
    let action = ServerAction::<crate::api::accounts::sign_in::SignInCode>::new();
    let next = use_query_map().read_untracked().get("next").unwrap_or_default();
    let value = Signal::derive(move || action.value().get());
    view! {
        <Title text="Your sign-in code"/>
        <section class=format!("mx-auto max-w-md {CARD}")>
            <h1 class="mb-4 text-2xl font-bold">"Your sign-in code"</h1>
            <p class="mb-3">"Enter the six-digit code your authenticator app shows for this shop."</p>
            <ActionForm action attr:class="space-y-3" attr:data-testid="code-form">
                {banner(value)}
                <input type="hidden" name="next" value=next/>
                <div>
                    <label for="code" class="block font-medium">"Code"</label>
                    <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required
                        pattern="[0-9 ]{6,8}" class=INPUT
                        aria-invalid=move || field_message(value, &["code"]).get().is_some().then_some("true")
                        aria-describedby="code-error"/>
                    <p id="code-error" class="mt-1 text-sm text-red-800" aria-live="polite" data-testid="field-error">
                        {move || field_message(value, &["code"]).get()}
                    </p>
                </div>
                <button type="submit" class=BUTTON disabled=move || action.pending().get()>"Sign in"</button>
            </ActionForm>
            <p class="mt-4 text-sm"><a class="underline" href="/account/sign-in">"Start again"</a></p>
        </section>
    }
}
