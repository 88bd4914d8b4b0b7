//! The storefront pages' Content-Security-Policy. Each page gets its own
//! nonce (Leptos adds it to the hydration scripts it writes); the policy,
//! made by the server from its settings with `{nonce}` where the nonce
//! goes, is sent as the page's header from [`crate::shell`]. Scripts run
//! only when they carry the nonce or are loaded by one that does
//! (`'strict-dynamic'`: Stripe.js, loaded by `/stripe-pay.js`).

/// The policy with `{nonce}` in place of each page's nonce.
#[derive(Clone, Debug)]
pub struct PagePolicy(pub std::sync::Arc<str>);

/// The nonce of the page being rendered, for a `<script>` of our own.
pub fn nonce() -> Option<String> {
    leptos::nonce::use_nonce().map(|n| n.to_string())
}

/// Sends the page's policy with its nonce (on the server; nothing in the
/// browser).
pub fn send_page_policy() {
    #[cfg(feature = "ssr")]
    {
        use leptos::prelude::use_context;
        let (Some(policy), Some(nonce), Some(response)) =
            (use_context::<PagePolicy>(), nonce(), use_context::<leptos_axum::ResponseOptions>())
        else {
            return;
        };
        if let Ok(value) = http::HeaderValue::from_str(&policy.0.replace("{nonce}", &nonce)) {
            response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
        }
    }
}
