//! Who is on the other end of a request. Behind a load balancer or reverse
//! proxy every connection comes from the proxy, and the shopper's address is
//! in `X-Forwarded-For` — but anyone can send that header, so it is only
//! believed from the proxies the shop names (`server.trusted_proxies`). The
//! per-IP sign-in limit and fraud screening use the address found here.

use ipnet::IpNet;
use std::net::IpAddr;

/// The proxies whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Addresses (`10.0.0.5`) and networks (`10.0.0.0/8`, `fd00::/8`).
    ///
    /// # Errors
    /// A message naming the entry that is neither.
    pub fn parse(entries: &[String]) -> Result<Self, String> {
        entries
            .iter()
            .map(|e| {
                let e = e.trim();
                e.parse::<IpNet>()
                    .or_else(|_| e.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| format!("`{e}` is not an IP address or network (10.0.0.0/8)"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Self)
    }

    /// Whether `ip` is one of the trusted proxies.
    pub fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client's address: the peer's, unless the peer is a trusted proxy;
    /// then the nearest address in `forwarded_for` (read from the right)
    /// that is not itself a trusted proxy. A malformed entry stops the walk
    /// at the last address known good.
    pub fn client_ip(&self, peer: IpAddr, forwarded_for: Option<&str>) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let mut client = peer;
        for hop in forwarded_for.unwrap_or_default().rsplit(',') {
            match hop.trim().parse::<IpAddr>() {
                Ok(ip) => {
                    client = ip;
                    if !self.trusts(ip) {
                        break;
                    }
                }
                Err(_) => break,
            }
        }
        client
    }
}

/// The address limits count a client under: an IPv4 address as it is, an
/// IPv6 address by its /64 network (one subscriber is usually given a
/// whole /64, and can pick a fresh address in it for every request). An
/// IPv4 address mapped into IPv6 counts as the IPv4 address.
pub fn limit_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let mut segments = v6.segments();
                segments[4..].fill(0);
                IpAddr::V6(segments.into())
            }
        },
    }
}

/// Whether `ip` is an address of the public internet: not loopback,
/// private, link-local (the cloud metadata service at 169.254.169.254),
/// shared (100.64.0.0/10), unique-local, multicast, documentation or
/// unspecified. Outgoing webhooks go only to such addresses, so a merchant's
/// URL cannot reach into the shop's own network.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 198 && (b == 18 || b == 19))
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || first == 0x2001 && v6.segments()[1] == 0x0db8)
        }
    }
}

/// A request's path and query as the logs may keep them: no query value
/// (reset, verification and email-change links carry their token there,
/// PayPal its order token), and no order's public id (whoever holds a
/// guest order's id may read and pay it), just the names.
pub fn loggable_uri(path_and_query: &str) -> String {
    let (path, query) = path_and_query.split_once('?').unwrap_or((path_and_query, ""));
    let mut out = String::with_capacity(path.len() + 8);
    let mut after_orders = false;
    for (i, segment) in path.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        if after_orders && !segment.is_empty() && !matches!(segment, "quote" | "export.csv") {
            out.push_str("{id}");
        } else {
            out.push_str(segment);
        }
        after_orders = segment == "orders";
    }
    if !query.is_empty() {
        let names: Vec<&str> = query.split('&').map(|pair| pair.split('=').next().unwrap_or("")).collect();
        out.push('?');
        out.push_str(&names.iter().map(|n| format!("{n}=…")).collect::<Vec<_>>().join("&"));
    }
    out
}

/// Every `X-Forwarded-For` line of a request, joined in order (a proxy may
/// add its own line rather than append to the client's).
pub fn forwarded_for<'a>(lines: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let lines: Vec<&str> = lines.into_iter().collect();
    (!lines.is_empty()).then(|| lines.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn logged_addresses_keep_no_token_and_no_order_id() {
        assert_eq!(loggable_uri("/account/reset?token=s3cret&x=1"), "/account/reset?token=…&x=…");
        assert_eq!(loggable_uri("/orders/ord_abc123/paypal-return?token=PP"), "/orders/{id}/paypal-return?token=…");
        assert_eq!(loggable_uri("/api/v1/orders/ord_abc/payments/settle"), "/api/v1/orders/{id}/payments/settle");
        assert_eq!(loggable_uri("/api/v1/orders/quote"), "/api/v1/orders/quote");
        assert_eq!(loggable_uri("/p/wool-sweater"), "/p/wool-sweater");
    }

    #[test]
    fn only_public_addresses_are_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "224.0.0.1",
        ] {
            assert!(!is_public(ip(private)), "{private}");
        }
        for public in ["93.184.216.34", "2606:4700::1111", "8.8.8.8"] {
            assert!(is_public(ip(public)), "{public}");
        }
    }

    #[test]
    fn limits_count_an_ipv6_client_by_its_64() {
        assert_eq!(limit_key(ip("2001:db8:1:2:aaaa::1")), limit_key(ip("2001:db8:1:2:ffff:1:2:3")));
        assert_ne!(limit_key(ip("2001:db8:1:2::1")), limit_key(ip("2001:db8:1:3::1")));
        assert_eq!(limit_key(ip("203.0.113.7")), ip("203.0.113.7"));
        assert_eq!(limit_key(ip("::ffff:203.0.113.7")), ip("203.0.113.7"));
    }

    #[test]
    fn forwarded_for_is_believed_from_trusted_proxies_only() {
        let proxies = TrustedProxies::parse(&["10.0.0.0/8".into(), "192.168.1.5".into()]).unwrap();
        let shopper = ip("203.0.113.7");
        assert_eq!(proxies.client_ip(shopper, Some("1.2.3.4")), shopper, "a client cannot name itself");
        assert_eq!(proxies.client_ip(ip("10.1.2.3"), Some("203.0.113.7")), shopper);
        assert_eq!(
            proxies.client_ip(ip("10.1.2.3"), Some("1.2.3.4, 203.0.113.7, 192.168.1.5")),
            shopper,
            "the nearest untrusted hop, not a spoofed first entry"
        );
        assert_eq!(proxies.client_ip(ip("10.1.2.3"), None), ip("10.1.2.3"));
        assert_eq!(proxies.client_ip(ip("10.1.2.3"), Some("junk, 192.168.1.5")), ip("192.168.1.5"));
        assert_eq!(TrustedProxies::default().client_ip(ip("10.1.2.3"), Some("203.0.113.7")), ip("10.1.2.3"));
        assert!(TrustedProxies::parse(&["10.0.0.0/33".into()]).unwrap_err().contains("10.0.0.0/33"));
        assert!(TrustedProxies::parse(&["::1".into(), "fd00::/8".into()]).is_ok());
        let joined = forwarded_for(["198.51.100.9", "203.0.113.7"]).unwrap();
        assert_eq!(proxies.client_ip(ip("10.1.2.3"), Some(&joined)), shopper, "a proxy's own header line counts");
        assert_eq!(forwarded_for([]), None);
    }
}
