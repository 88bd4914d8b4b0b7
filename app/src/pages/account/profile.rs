//! The profile: name and marketing, password and email, two-factor sign-in, signing out everywhere.

use crate::components::forms::{banner, done, field, field_as, field_message, successes, BUTTON, CARD};

use crate::api::accounts::passwords::{ChangeEmail, ChangePassword};
use crate::api::accounts::profile::{get_profile, UpdateProfile};
use crate::api::accounts::sign_in::SignOutEverywhere;
use crate::pages::ErrorNotice;
use entities::accounts::AccountView;
use leptos::{form::ActionForm, prelude::*};

/// The security page's two-factor section (staff accounts).
#[component]
fn TwoFactorSection() -> impl IntoView {
    use crate::api::accounts::sign_in::{two_factor_status, BeginTwoFactor, ConfirmTwoFactor, DisableTwoFactor};
    let begin = ServerAction::<BeginTwoFactor>::new();
    let confirm = ServerAction::<ConfirmTwoFactor>::new();
    let disable = ServerAction::<DisableTwoFactor>::new();
    let (b, c, d) = (successes(begin), successes(confirm), successes(disable));
    let state = Resource::new(move || (b.get(), c.get(), d.get()), |_| two_factor_status());
    let (bv, cv, dv) = (
        Signal::derive(move || begin.value().get()),
        Signal::derive(move || confirm.value().get()),
        Signal::derive(move || disable.value().get()),
    );
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let Ok(s) = state.await else { return ().into_any() };
                if !s.available {
                    return ().into_any();
                }
                let body = if s.enabled {
                    view! {
                        <p class="mb-3" data-testid="two-factor-on">"Two-factor sign-in is on: signing in asks for a code from your authenticator app."</p>
                        {s.required.then(|| view! { <p class="text-sm">"The shop requires it for staff accounts."</p> })}
                        {(!s.required).then(|| view! {
                            <ActionForm action=disable attr:class="space-y-3">
                                {banner(dv)}
                                {field_as("off-password", "password", "Your password", "password", "current-password", String::new(), field_message(dv, &["password"]))}
                                {field_as("off-code", "code", "A current code", "text", "one-time-code", String::new(), field_message(dv, &["code"]))}
                                <button type="submit" class="rounded border border-stone-500 px-3 py-2">"Turn two-factor sign-in off"</button>
                            </ActionForm>
                        })}
                    }.into_any()
                } else if let Some((key, uri)) = s.pending.clone() {
                    let grouped = key.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ");
                    view! {
                        <ol class="mb-3 list-decimal space-y-2 pl-5">
                            <li>"Add this key to your authenticator app (or open " <a class="underline" href=uri data-testid="otpauth-link">"this link"</a> " on your phone):"
                                <code class="mt-1 block break-all rounded bg-stone-100 p-2 text-lg" data-testid="two-factor-key">{grouped}</code></li>
                            <li>"Enter the code it shows to finish."</li>
                        </ol>
                        <ActionForm action=confirm attr:class="space-y-3" attr:data-testid="two-factor-confirm">
                            {banner(cv)}
                            {field_as("setup-code", "code", "Code from the app", "text", "one-time-code", String::new(), field_message(cv, &["code"]))}
                            <button type="submit" class=BUTTON>"Turn two-factor sign-in on"</button>
                        </ActionForm>
                    }.into_any()
                } else {
                    view! {
                        {s.required.then(|| view! {
                            <p role="alert" class="mb-3 rounded bg-amber-50 px-3 py-2 text-amber-950" data-testid="two-factor-required">
                                "The shop requires two-factor sign-in for staff: set it up to use the admin area."
                            </p>
                        })}
                        <p class="mb-3">"Protect this staff account with a code from an authenticator app at each sign-in."</p>
                        <ActionForm action=begin>
                            {banner(bv)}
                            <button type="submit" class=BUTTON data-testid="two-factor-begin">"Set up two-factor sign-in"</button>
                        </ActionForm>
                    }.into_any()
                };
                view! {
                    <section class=format!("mt-6 {CARD}") aria-labelledby="two-factor-heading">
                        <h2 id="two-factor-heading" class="mb-3 text-lg font-semibold">"Two-factor sign-in"</h2>
                        {body}
                    </section>
                }.into_any()
            })}
        </Suspense>
    }
}

/// `/account`: the profile, the password, the email and the sessions.
#[component]
pub fn ProfilePage() -> impl IntoView {
    let update = ServerAction::<UpdateProfile>::new();
    let saved = successes(update);
    let profile = Resource::new(move || saved.get(), |_| get_profile());
    let picks = Resource::new(|| (), |_| crate::api::accounts::profile::my_recommendations());
    let two_factor = view! { <TwoFactorSection/> };
    view! {
        <h1 class="mb-4 text-2xl font-bold">"Profile and security"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match profile.await {
                    Ok(p) => profile_forms(p, update).into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
        {two_factor}
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match picks.await {
                    Ok(cards) if !cards.is_empty() => view! {
                        <section class="mt-8" aria-labelledby="picks-heading" data-testid="recommended">
                            <h2 id="picks-heading" class="mb-4 text-xl font-semibold">"Recommended for you"</h2>
                            <crate::components::product_card::ProductGrid cards/>
                        </section>
                    }.into_any(),
                    _ => ().into_any(),
                }
            })}
        </Suspense>
    }
}

fn profile_forms(p: AccountView, update: ServerAction<UpdateProfile>) -> impl IntoView {
    let password = ServerAction::<ChangePassword>::new();
    let email = ServerAction::<ChangeEmail>::new();
    let everywhere = ServerAction::<SignOutEverywhere>::new();
    let (uv, pv, ev) = (
        Signal::derive(move || update.value().get()),
        Signal::derive(move || password.value().get()),
        Signal::derive(move || email.value().get()),
    );
    let consent_note =
        p.marketing_consent_at.map(|at| format!("Agreed on {}.", at.format("%Y-%m-%d %H:%M UTC"))).unwrap_or_default();
    view! {
        <div class="space-y-6">
            <section class=CARD aria-labelledby="profile-heading">
                <h2 id="profile-heading" class="mb-3 text-lg font-semibold">"Profile"</h2>
                <p class="mb-3 text-sm">"Signed in as " <strong data-testid="profile-email">{p.email.clone()}</strong></p>
                <ActionForm action=update attr:class="space-y-3" attr:data-testid="profile-form">
                    {banner(uv)}
                    {done(uv, "Saved.")}
                    {field("name", "Your name", "text", "name", p.name.clone(), field_message(uv, &["name"]))}
                    <div class="flex items-start gap-2">
                        <input id="profile-marketing" name="marketing" type="checkbox" class="mt-1" checked=p.marketing_consent/>
                        <label for="profile-marketing">"Send me news and offers by email " <span class="text-sm text-stone-700">{consent_note}</span></label>
                    </div>
                    <button type="submit" class=BUTTON>"Save"</button>
                </ActionForm>
            </section>
            <section class=CARD aria-labelledby="password-heading">
                <h2 id="password-heading" class="mb-3 text-lg font-semibold">"Password"</h2>
                <ActionForm action=password attr:class="space-y-3">
                    {banner(pv)}
                    {done(pv, "Your password is changed; other devices were signed out.")}
                    {field("current_password", "Current password", "password", "current-password", String::new(), field_message(pv, &["current_password"]))}
                    {field("new_password", "New password (at least 12 characters)", "password", "new-password", String::new(), field_message(pv, &["new_password"]))}
                    <button type="submit" class=BUTTON>"Change the password"</button>
                </ActionForm>
            </section>
            <section class=CARD aria-labelledby="email-heading">
                <h2 id="email-heading" class="mb-3 text-lg font-semibold">"Sign-in email"</h2>
                <ActionForm action=email attr:class="space-y-3">
                    {banner(ev)}
                    {done(ev, "We have sent a link to the new address; the change happens when you open it.")}
                    {field("new_email", "New email", "email", "email", String::new(), field_message(ev, &["new_email"]))}
                    {field("password", "Your password", "password", "current-password", String::new(), field_message(ev, &["password"]))}
                    <button type="submit" class=BUTTON>"Change the email"</button>
                </ActionForm>
            </section>
            <section class=CARD aria-labelledby="devices-heading">
                <h2 id="devices-heading" class="mb-3 text-lg font-semibold">"Devices"</h2>
                <ActionForm action=everywhere>
                    <button type="submit" class="rounded border border-stone-500 px-3 py-2" data-testid="sign-out-everywhere">
                        "Sign out of all devices"
                    </button>
                </ActionForm>
            </section>
        </div>
    }
}
