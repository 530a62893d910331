//! The population registry, behind the [`Registry`] trait: an HTTP adapter for a registry reached
//! over the network ([`http::HttpRegistry`]) and a simulated registry with a synthetic population
//! ([`sim::SimulatedRegistry`]) that runs in-process by default and as its own server
//! (`hospes registry-sim`).
//!
//! The protocol is data-minimising: hospes sends the claims needed for one check (one person's
//! names, birth date and document) and receives per-field comparison results and the document's
//! status ([`crate::domain::PersonCheck`]), never the registry's record.

use std::collections::BTreeMap;
use std::time::Duration;

use async_trait::async_trait;
use ed25519_dalek::VerifyingKey;
use serde::{Deserialize, Serialize};

use crate::domain::{DocumentKind, Person, PersonCheck};

pub mod breaker;
pub mod credential;
pub mod http;
pub mod server;
pub mod sim;

/// What hospes asks the registry about one person: the claims needed for one check, no more.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct IdentityClaim {
    pub document: ClaimDocument,
    pub family_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second_family_name: Option<String>,
    pub given_names: String,
    /// ISO 8601 date.
    pub birth_date: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ClaimDocument {
    #[serde(rename = "type")]
    pub kind: DocumentKind,
    pub number: String,
    /// ISO 3166-1 alpha-3.
    pub issuing_country: String,
}

impl From<&Person> for IdentityClaim {
    fn from(p: &Person) -> Self {
        IdentityClaim {
            document: ClaimDocument {
                kind: p.document.kind,
                number: p.document.number.clone(),
                issuing_country: p.document.issuing_country.clone(),
            },
            family_name: p.family_name.clone(),
            second_family_name: p.second_family_name.clone(),
            given_names: p.given_names.clone(),
            birth_date: p.birth_date.format("%Y-%m-%d").to_string(),
        }
    }
}

/// Why the registry gave no usable answer. Every variant is transient from hospes's point of
/// view except [`RegistryError::Protocol`], which is retried too (the registry may be mid-deploy)
/// but never taken as an answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    #[error("registry unavailable: {0}")]
    Unavailable(String),
    #[error("registry timed out")]
    Timeout,
    #[error("registry asked us to slow down")]
    RateLimited { retry_after: Option<Duration> },
    #[error("registry answered something we do not understand: {0}")]
    Protocol(String),
    /// The circuit breaker is open: the registry was not asked (see [`breaker`]).
    #[error("registry circuit open")]
    CircuitOpen { retry_after: Duration },
}

impl RegistryError {
    /// A delay the registry asked for, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            RegistryError::RateLimited { retry_after } => *retry_after,
            RegistryError::CircuitOpen { retry_after } => Some(*retry_after),
            _ => None,
        }
    }

    /// A short label for metrics and logs.
    pub fn kind(&self) -> &'static str {
        match self {
            RegistryError::Unavailable(_) => "unavailable",
            RegistryError::Timeout => "timeout",
            RegistryError::RateLimited { .. } => "rate_limited",
            RegistryError::Protocol(_) => "protocol",
            RegistryError::CircuitOpen { .. } => "circuit_open",
        }
    }
}

#[async_trait]
pub trait Registry: Send + Sync + 'static {
    /// Checks one person's claims.
    async fn check(&self, claim: &IdentityClaim) -> Result<PersonCheck, RegistryError>;
    /// The public keys with which the registry signs identity credentials, by key id.
    async fn credential_keys(&self) -> Result<BTreeMap<String, VerifyingKey>, RegistryError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_is_asked_only_the_claims_one_check_needs() {
        let person: Person = serde_json::from_value(serde_json::json!({
            "given_names": "Ana", "family_name": "Ruiz", "birth_date": "1990-01-02", "nationality": "ESP", "sex": "F",
            "document": {"type": "id_card", "number": "12345678Z", "issuing_country": "ESP", "support_number": "ABC123456"},
            "guardian": {"person": 1, "relationship": "parent"}
        }))
        .unwrap();
        let claim = serde_json::to_value(IdentityClaim::from(&person)).unwrap();
        let mut keys: Vec<&str> = claim.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort();
        assert_eq!(keys, ["birth_date", "document", "family_name", "given_names"]);
        let mut doc: Vec<&str> = claim["document"].as_object().unwrap().keys().map(String::as_str).collect();
        doc.sort();
        assert_eq!(doc, ["issuing_country", "number", "type"], "no nationality, sex, support number or guardian");
    }
}
