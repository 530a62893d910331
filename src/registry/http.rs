//! The HTTP adapter for a population registry that speaks hospes's registry protocol
//! (`POST /v1/checks`, `GET /.well-known/jwks.json`; see `docs/registry-protocol.md`).
//!
//! reqwest with rustls, one pooled client, a timeout per request. Any answer that is not a
//! complete, well-formed `200` becomes a [`RegistryError`]: nothing is ever inferred from a
//! timeout, a truncated body or an unknown status.

use std::collections::BTreeMap;
use std::time::Duration;

use async_trait::async_trait;
use ed25519_dalek::VerifyingKey;

use super::{IdentityClaim, Registry, RegistryError};
use crate::domain::PersonCheck;

#[derive(Debug, Clone)]
pub struct HttpRegistry {
    base: String,
    client: reqwest::Client,
}

/// TLS material for reaching the registry: a client certificate for mutual TLS and an extra CA.
#[derive(Default)]
pub struct Tls {
    /// Certificate chain and private key, PEM, concatenated.
    pub identity_pem: Option<Vec<u8>>,
    /// A CA certificate, PEM.
    pub ca_pem: Option<Vec<u8>>,
}

impl HttpRegistry {
    /// A client for the registry at `base` (e.g. `http://127.0.0.1:9090`), with `timeout` per
    /// request.
    pub fn new(base: &str, timeout: Duration) -> Result<HttpRegistry, RegistryError> {
        Self::with_tls(base, timeout, Tls::default())
    }

    /// As [`HttpRegistry::new`], with mutual TLS and/or an extra trusted CA.
    pub fn with_tls(base: &str, timeout: Duration, tls: Tls) -> Result<HttpRegistry, RegistryError> {
        let bad = |what: &str, e: reqwest::Error| RegistryError::Unavailable(format!("{what}: {e}"));
        let mut builder = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .pool_idle_timeout(Duration::from_secs(60))
            .redirect(reqwest::redirect::Policy::none());
        if let Some(pem) = tls.identity_pem {
            builder = builder.identity(reqwest::Identity::from_pem(&pem).map_err(|e| bad("client certificate", e))?);
        }
        if let Some(pem) = tls.ca_pem {
            builder = builder.add_root_certificate(reqwest::Certificate::from_pem(&pem).map_err(|e| bad("CA certificate", e))?);
        }
        let client = builder.build().map_err(|e| bad("HTTP client", e))?;
        Ok(HttpRegistry { base: base.trim_end_matches('/').to_owned(), client })
    }
}

fn transport(e: reqwest::Error) -> RegistryError {
    if e.is_timeout() { RegistryError::Timeout } else { RegistryError::Unavailable(e.without_url().to_string()) }
}

fn retry_after(resp: &reqwest::Response) -> Option<Duration> {
    let value = resp.headers().get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

#[async_trait]
impl Registry for HttpRegistry {
    async fn check(&self, claim: &IdentityClaim) -> Result<PersonCheck, RegistryError> {
        let resp = self.client.post(format!("{}/v1/checks", self.base)).json(claim).send().await.map_err(transport)?;
        let status = resp.status();
        if status == reqwest::StatusCode::TOO_MANY_REQUESTS {
            return Err(RegistryError::RateLimited { retry_after: retry_after(&resp) });
        }
        if status.is_server_error() {
            return Err(RegistryError::Unavailable(format!("status {}", status.as_u16())));
        }
        if status != reqwest::StatusCode::OK {
            return Err(RegistryError::Protocol(format!("status {}", status.as_u16())));
        }
        let body = resp.bytes().await.map_err(transport)?;
        serde_json::from_slice::<PersonCheck>(&body).map_err(|e| RegistryError::Protocol(format!("body: {}", e.classify_name())))
    }

    async fn credential_keys(&self) -> Result<BTreeMap<String, VerifyingKey>, RegistryError> {
        let resp = self.client.get(format!("{}/.well-known/jwks.json", self.base)).send().await.map_err(transport)?;
        if !resp.status().is_success() {
            return Err(RegistryError::Unavailable(format!("status {}", resp.status().as_u16())));
        }
        let body = resp.bytes().await.map_err(transport)?;
        let jwks: serde_json::Value =
            serde_json::from_slice(&body).map_err(|_| RegistryError::Protocol("jwks is not JSON".into()))?;
        Ok(crate::seal::keyring::parse_jwks(&jwks))
    }
}

trait ClassifyName {
    fn classify_name(&self) -> &'static str;
}

impl ClassifyName for serde_json::Error {
    /// The kind of a JSON error without its text (which may quote the body).
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "io",
            serde_json::error::Category::Syntax => "malformed JSON",
            serde_json::error::Category::Data => "unexpected shape",
            serde_json::error::Category::Eof => "truncated",
        }
    }
}
