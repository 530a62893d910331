//! Where a webhook may go. A target URL must be `http` or `https` with a host; every address
//! its host resolves to must be public — not loopback, private (RFC 1918, RFC 4193), link-local
//! (RFC 3927, RFC 4291), unspecified, shared (RFC 6598), documentation, multicast or broadcast —
//! unless the operator allows private targets (`HOSPES_WEBHOOK_ALLOW_PRIVATE`, for tests). The
//! delivery then connects to the address checked here (no second resolution) and follows no
//! redirect.

use std::net::{IpAddr, SocketAddr};

/// Why a target was refused (our words; never the URL).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error("the URL is not an absolute http or https URL with a host")]
    BadUrl,
    #[error("the host does not resolve")]
    Unresolved,
    #[error("the host resolves to a private, loopback or link-local address")]
    Refused,
}

impl TargetError {
    /// The short code logged with an attempt.
    pub fn code(&self) -> &'static str {
        match self {
            TargetError::BadUrl => "bad_url",
            TargetError::Unresolved => "unresolved",
            TargetError::Refused => "refused_address",
        }
    }
}

/// Checks the form of a target URL (when an endpoint is created or changed).
pub fn check_url(url: &str) -> Result<reqwest::Url, TargetError> {
    let parsed = reqwest::Url::parse(url).map_err(|_| TargetError::BadUrl)?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none_or(str::is_empty) || url.len() > 2000 {
        return Err(TargetError::BadUrl);
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(TargetError::BadUrl);
    }
    Ok(parsed)
}

/// Resolves the target's host and picks the address to connect to, refusing non-public ones
/// unless `allow_private`.
pub async fn resolve(url: &reqwest::Url, allow_private: bool) -> Result<SocketAddr, TargetError> {
    let host = url.host_str().ok_or(TargetError::BadUrl)?;
    let port = url.port_or_known_default().ok_or(TargetError::BadUrl)?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host, port)).await.map_err(|_| TargetError::Unresolved)?.collect();
    if addrs.is_empty() {
        return Err(TargetError::Unresolved);
    }
    if !allow_private && addrs.iter().any(|a| !is_public(a.ip())) {
        return Err(TargetError::Refused);
    }
    Ok(addrs[0])
}

/// Whether an address is on the public internet.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || o[0] == 0
                || (o[0] == 100 && (o[1] & 0xc0) == 64)
                || (o[0] == 192 && o[1] == 0 && o[2] == 0)
                || (o[0] == 198 && (o[1] & 0xfe) == 18)
                || o[0] >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let s = v6.segments();
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                || (s[0] == 0x2001 && s[1] == 0x0db8)
                || (s[0] == 0x64 && s[1] == 0xff9b))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_loopback_and_link_local_addresses_are_not_public() {
        for ip in ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "0.0.0.0", "100.64.0.1",
            "::1", "::", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "224.0.0.1", "255.255.255.255"]
        {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["93.184.216.34", "8.8.8.8", "2606:4700::1111"] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[tokio::test]
    async fn a_loopback_target_is_refused_unless_allowed() {
        let url = check_url("http://127.0.0.1:9/hook").unwrap();
        assert_eq!(resolve(&url, false).await, Err(TargetError::Refused));
        assert_eq!(resolve(&url, true).await.unwrap().port(), 9);
        let url = check_url("http://localhost:9/hook").unwrap();
        assert_eq!(resolve(&url, false).await, Err(TargetError::Refused));
    }

    #[test]
    fn only_absolute_http_urls_without_credentials_are_targets() {
        for bad in ["ftp://example.org/", "/relative", "http://user:pw@example.org/", "not a url", "file:///etc/passwd"] {
            assert_eq!(check_url(bad), Err(TargetError::BadUrl), "{bad}");
        }
        assert!(check_url("https://partner.example/hooks?x=1").is_ok());
    }
}
