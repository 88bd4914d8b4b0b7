//! Outgoing requests to addresses merchants give us (webhook URLs) reach
//! only the public internet: a name that resolves to a loopback, private or
//! link-local address (the cloud metadata service at 169.254.169.254) is
//! not connected to, and neither is such an address written in the URL.
//! Otherwise a webhook URL would let whoever may set one probe the shop's
//! own network (blind SSRF). `workers.webhooks_to_private_addresses` lifts
//! it for a shop whose receivers live on its own network (and the tests).

use entities::kernel::network::is_public;
use std::net::{IpAddr, SocketAddr};

/// A resolver that keeps only public addresses.
pub struct PublicOnly;

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let public: Vec<SocketAddr> = found.into_iter().filter(|a| is_public(a.ip())).collect();
            if public.is_empty() {
                return Err(format!("{host} resolves to no public address").into());
            }
            Ok(Box::new(public.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// Why `url` may not be sent to, when its host is an address written out
/// that is not public (names are checked when they are resolved).
pub fn refused(url: &str) -> Option<String> {
    let host = reqwest::Url::parse(url).ok()?.host_str()?.trim_matches(['[', ']']).to_owned();
    let ip: IpAddr = host.parse().ok()?;
    (!is_public(ip)).then(|| format!("{ip} is not a public address"))
}

/// The client for outgoing webhooks: no redirects (a public receiver could
/// otherwise send us on to a private one), 10 s per request, and unless
/// `private` only public addresses.
///
/// # Errors
/// When the TLS backend cannot be set up.
pub fn webhook_client(private: bool) -> reqwest::Result<reqwest::Client> {
    let builder = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        // A proxy would resolve the name itself, past the check.
        .no_proxy();
    if private {
        builder.build()
    } else {
        builder.dns_resolver(std::sync::Arc::new(PublicOnly)).build()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_written_in_the_url_are_checked() {
        assert!(refused("http://169.254.169.254/latest/meta-data").is_some());
        assert!(refused("http://[::1]:8080/hook").is_some());
        assert!(refused("http://10.0.0.5/hook").is_some());
        assert!(refused("https://hooks.example.com/x").is_none(), "names are checked when resolved");
        assert!(refused("https://93.184.216.34/x").is_none());
    }
}
