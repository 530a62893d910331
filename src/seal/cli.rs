//! `hospes verify` and `hospes log verify`: offline checks of receipts and checkpoints with a
//! JWKS (a file, a URL, or the key ring's public keys), printing one line per finding.
//!
//! Exit status is the caller's: these return `Ok(true)` when everything verified.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use anyhow::Context;
use ed25519_dalek::VerifyingKey;

use super::log::{Checkpoint, ConsistencyProof, verify_checkpoint_consistency};
use super::receipt::{self, open_checkpoint};

/// The JWKS: from a file or `http(s)` URL, else the key ring in `keys_dir`.
pub async fn load_jwks(jwks: Option<&str>, keys_dir: &Path) -> anyhow::Result<serde_json::Value> {
    let jwks: serde_json::Value = match jwks {
        Some(src) if src.starts_with("http://") || src.starts_with("https://") => {
            reqwest::get(src).await?.error_for_status()?.json().await.context("fetching the JWKS")?
        }
        Some(path) => serde_json::from_str(&std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?)
            .context("reading the JWKS file")?,
        None => super::KeyRing::load(keys_dir).context("no --jwks given and no key ring in the keys directory")?.jwks(),
    };
    Ok(jwks)
}

/// The public keys of [`load_jwks`] by key id.
pub async fn load_keys(jwks: Option<&str>, keys_dir: &Path) -> anyhow::Result<BTreeMap<String, VerifyingKey>> {
    Ok(super::keyring::parse_jwks(&load_jwks(jwks, keys_dir).await?))
}

fn read_input(file: &str) -> anyhow::Result<String> {
    if file == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)?;
        Ok(s)
    } else {
        std::fs::read_to_string(file).with_context(|| format!("reading {file}"))
    }
}

/// Opens a checkpoint file (a C2SP signed note) with the keys.
fn read_checkpoint(path: &Path, keys: &BTreeMap<String, VerifyingKey>) -> anyhow::Result<Result<Checkpoint, String>> {
    let note = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(open_checkpoint(&note, keys).map_err(|e| format!("checkpoint {}: {e}", path.display())))
}

/// `hospes verify FILE [--jwks] [--checkpoint FILE]`: every seal's signature and chain, that its
/// key was valid at its signing time (the JWKS's validity periods), and —
/// when the receipt carries log proofs or a checkpoint is given — every seal's inclusion in the
/// checkpoint's tree (the given one, else the receipt's own). A single JWS has no proof to check.
pub async fn verify(
    file: &str,
    jwks: Option<&str>,
    checkpoint: Option<&Path>,
    keys_dir: &Path,
    out: &mut impl Write,
) -> anyhow::Result<bool> {
    let text = read_input(file)?;
    let jwks = load_jwks(jwks, keys_dir).await?;
    let keys = super::keyring::parse_jwks(&jwks);
    let validity = super::keyring::parse_jwks_validity(&jwks);
    let trusted = match checkpoint.map(|p| read_checkpoint(p, &keys)).transpose()? {
        Some(Err(e)) => {
            writeln!(out, "INVALID: {e}")?;
            return Ok(false);
        }
        Some(Ok(c)) => Some(c),
        None => None,
    };
    let receipt = match receipt::parse_receipt_text(&text) {
        Ok(r) => r,
        Err(e) => {
            writeln!(out, "INVALID: {e}")?;
            return Ok(false);
        }
    };
    let logged = trusted.is_some() || receipt.checkpoint.is_some() || receipt.seals.iter().any(|s| s.log.is_some());
    let result = if logged {
        receipt::verify_logged(&receipt, &keys, trusted.as_ref()).map(|v| (v.seals, Some(v.checkpoint)))
    } else {
        receipt::verify(&receipt, &keys).map(|s| (s, None))
    }
    .and_then(|(seals, checkpoint)| receipt::check_key_validity(&seals, &validity).map(|()| (seals, checkpoint)));
    match result {
        Ok((seals, checkpoint)) => {
            for s in &seals {
                writeln!(out, "ok\t{}\t{}\tkey {}", s.event, s.time, s.kid)?;
            }
            if let Some(c) = checkpoint {
                writeln!(out, "ok\tincluded in log {} at tree size {} (root {})", c.origin, c.tree_size, c.root_hash)?;
            }
            writeln!(out, "VALID: {} seal(s) of check-in {}", seals.len(), receipt.checkin_id)?;
            Ok(true)
        }
        Err(e) => {
            writeln!(out, "INVALID: {e}")?;
            Ok(false)
        }
    }
}

/// `hospes log verify --from OLD --to NEW`: both checkpoints signed by a key of the JWKS, of the
/// same log, and the older tree a prefix of the newer (RFC 9162 §2.1.4.2) by a consistency proof
/// from `proof` (a JSON file as `GET /v1/log/proof/consistency` serves) or fetched from the
/// service at `log_url`.
pub async fn log_verify(
    from: &Path,
    to: &Path,
    proof: Option<&Path>,
    log_url: Option<&str>,
    jwks: Option<&str>,
    keys_dir: &Path,
    out: &mut impl Write,
) -> anyhow::Result<bool> {
    let keys = load_keys(jwks, keys_dir).await?;
    let (old, new) = match (read_checkpoint(from, &keys)?, read_checkpoint(to, &keys)?) {
        (Ok(old), Ok(new)) => (old, new),
        (Err(e), _) | (_, Err(e)) => {
            writeln!(out, "INVALID: {e}")?;
            return Ok(false);
        }
    };
    let proof: ConsistencyProof = match (proof, log_url) {
        (Some(path), _) => serde_json::from_str(&std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?)
            .context("reading the consistency proof")?,
        (None, Some(url)) => {
            let url = format!("{}/v1/log/proof/consistency?from={}&to={}", url.trim_end_matches('/'), old.tree_size, new.tree_size);
            reqwest::get(&url).await?.error_for_status()?.json().await.context("fetching the consistency proof")?
        }
        (None, None) if old.tree_size == 0 || old.tree_size == new.tree_size => {
            ConsistencyProof { old_size: old.tree_size, new_size: new.tree_size, consistency_proof: vec![] }
        }
        (None, None) => anyhow::bail!("give the consistency proof with --proof FILE or the service with --log URL"),
    };
    if (proof.old_size, proof.new_size) != (old.tree_size, new.tree_size) {
        writeln!(out, "INVALID: the proof is from size {} to {}, the checkpoints are of sizes {} and {}",
            proof.old_size, proof.new_size, old.tree_size, new.tree_size)?;
        return Ok(false);
    }
    match verify_checkpoint_consistency(&old, &new, &proof.consistency_proof) {
        Ok(()) => {
            writeln!(out, "VALID: log {} at size {} extends size {} (nothing removed or rewritten)", new.origin, new.tree_size, old.tree_size)?;
            Ok(true)
        }
        Err(e) => {
            writeln!(out, "INVALID: {e}: the log at size {} does not extend size {}", new.tree_size, old.tree_size)?;
            Ok(false)
        }
    }
}
