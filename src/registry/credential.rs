//! Identity credentials: a registry's signed statement of one person's identity, carried as a QR
//! code (for example on the tenant's phone) and photographed by the landlord to pre-fill a
//! check-in.
//!
//! A credential is a compact JWS (RFC 7515 §7.1), `alg: EdDSA` (RFC 8037), `typ:
//! hospes-id-credential+jws`, signed by the registry's own key, over the canonical JSON (RFC 8785)
//! `{"iss", "iat", "exp", "person"}` where `person` has the shape of a check-in's person.

use std::collections::BTreeMap;

use ed25519_dalek::{SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::domain::Person;
use crate::seal::jws;

pub const CREDENTIAL_TYP: &str = "hospes-id-credential+jws";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialClaims {
    pub iss: String,
    /// Issued at, seconds since the Unix epoch.
    pub iat: i64,
    /// Expires at, seconds since the Unix epoch.
    pub exp: i64,
    pub person: Person,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    #[error("the QR code does not hold an identity credential")]
    NotACredential,
    #[error("the credential's signature does not verify with the registry's keys")]
    BadSignature,
    #[error("the credential has expired")]
    Expired,
}

/// Issues a credential for `person`, valid from `iat` for `ttl_secs` seconds.
pub fn issue(key: &SigningKey, issuer: &str, person: &Person, iat: i64, ttl_secs: i64) -> String {
    let kid = crate::seal::keyring::thumbprint(&key.verifying_key());
    let claims = CredentialClaims { iss: issuer.to_owned(), iat, exp: iat + ttl_secs, person: person.clone() };
    jws::sign_typed(&claims, key, &kid, CREDENTIAL_TYP).expect("claims serialise").compact
}

/// Verifies a credential's signature (strict Ed25519) against the registry's keys, its type, and
/// its validity at `now` (seconds since the Unix epoch).
pub fn verify(text: &str, keys: &BTreeMap<String, VerifyingKey>, now: i64) -> Result<CredentialClaims, CredentialError> {
    let parsed = jws::parse(text).map_err(|_| CredentialError::NotACredential)?;
    if parsed.header.typ.as_deref() != Some(CREDENTIAL_TYP) {
        return Err(CredentialError::NotACredential);
    }
    let (_, payload) = jws::verify(text, |kid| keys.get(kid)).map_err(|_| CredentialError::BadSignature)?;
    let claims: CredentialClaims = serde_json::from_slice(&payload).map_err(|_| CredentialError::NotACredential)?;
    if now >= claims.exp {
        return Err(CredentialError::Expired);
    }
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::sim::Population;

    #[test]
    fn a_credential_verifies_only_with_the_registry_key_and_before_expiry() {
        let pop = Population::generate(5, 9);
        let key = pop.credential_key();
        let person = &pop.people[0].person;
        let cred = issue(&key, "registry-sim", person, 1_000, 100);
        let keys = BTreeMap::from([(crate::seal::keyring::thumbprint(&key.verifying_key()), key.verifying_key())]);
        assert_eq!(&verify(&cred, &keys, 1_050).unwrap().person, person);
        assert_eq!(verify(&cred, &keys, 1_100), Err(CredentialError::Expired));
        let other = Population::generate(5, 10).credential_key();
        let forged = issue(&other, "registry-sim", person, 1_000, 100);
        assert_eq!(verify(&forged, &keys, 1_050), Err(CredentialError::BadSignature));
        assert_eq!(verify("hello", &keys, 1_050), Err(CredentialError::NotACredential));
    }
}
