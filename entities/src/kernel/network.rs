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

    fn trusts(&self, ip: IpAddr) -> bool {
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
