//! Checkpoints: C2SP tlog-checkpoint bodies signed as C2SP signed notes with Ed25519, checked
//! against the Go reference vectors and the `signed_note` crate, and against forgeries.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::SigningKey;
use hospes::seal::log::{
    self, Checkpoint, CheckpointError, ConsistencyProof, InclusionProof, LogError, MemoryHashStore,
    NoteVerifier, leaf_hash,
};
use signed_note::{Note, Signer, StandardSigner, StandardVerifier, VerifierList};

const ORIGIN: &str = "hospes.example/log";

/// The example key and note of Go's golang.org/x/mod/sumdb/note documentation and tests.
const PETER_SKEY: &str = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const PETER_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const PETER_NOTE: &str = "If you think cryptography is the answer to your problem,\n\
    then you don't know what your problem is.\n\
    \n\
    — PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

fn key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

fn verifier(name: &str, key: &SigningKey) -> NoteVerifier {
    NoteVerifier::new(name, &key.verifying_key()).unwrap()
}

/// A `signed_note` signer for `name` and `key`, to build notes our API would never sign.
fn their_signer(name: &str, key: &SigningKey) -> StandardSigner {
    let vkey = log::verifier_key(name, &key.verifying_key()).unwrap();
    let id = vkey.split('+').nth(1).unwrap();
    let private = [&[1u8][..], key.as_bytes()].concat();
    StandardSigner::new(&format!("PRIVATE+KEY+{name}+{id}+{}", B64.encode(private))).unwrap()
}

fn sign_text(text: &str, signer: &dyn Signer) -> String {
    let mut note = Note::new(text.as_bytes(), &[]).unwrap();
    note.add_sigs(&[signer]).unwrap();
    String::from_utf8(note.to_bytes()).unwrap()
}

fn checkpoint(size: u64) -> Checkpoint {
    Checkpoint::new(ORIGIN, size, leaf_hash(format!("root {size}").as_bytes())).unwrap()
}

#[test]
fn verifier_keys_match_the_go_reference_example() {
    let encoded = B64.decode(PETER_SKEY.splitn(5, '+').nth(4).unwrap()).unwrap();
    let seed: [u8; 32] = encoded[1..].try_into().unwrap();
    let key = SigningKey::from_bytes(&seed);
    assert_eq!(log::verifier_key("PeterNeumann", &key.verifying_key()).unwrap(), PETER_VKEY);
    let parsed = NoteVerifier::from_verifier_key(PETER_VKEY).unwrap();
    assert_eq!((parsed.name(), parsed.key_id()), ("PeterNeumann", 0xc74f20a3));
    assert_eq!(parsed.verifying_key(), &key.verifying_key());
    assert_eq!(parsed.verifier_key(), PETER_VKEY);
}

#[test]
fn the_strict_verifier_accepts_the_go_reference_note() {
    let verifier = NoteVerifier::from_verifier_key(PETER_VKEY).unwrap();
    let note = Note::from_bytes(PETER_NOTE.as_bytes()).unwrap();
    let (verified, _) = note.verify(&VerifierList::new(vec![Box::new(verifier)])).unwrap();
    assert_eq!(verified.len(), 1);
}

#[test]
fn mangled_verifier_keys_are_rejected() {
    // As the reference test does: every proper substring and every single-byte change.
    let bytes = PETER_VKEY.as_bytes();
    for i in 0..=bytes.len() {
        for j in i + 1..=bytes.len() {
            if (i, j) != (0, bytes.len()) {
                let part = String::from_utf8_lossy(&bytes[i..j]);
                assert!(NoteVerifier::from_verifier_key(&part).is_err(), "{part:?} accepted");
            }
        }
    }
    for i in 0..bytes.len() {
        let mut changed = bytes.to_vec();
        changed[i] = changed[i].wrapping_add(1);
        let changed = String::from_utf8_lossy(&changed);
        assert!(NoteVerifier::from_verifier_key(&changed).is_err(), "{changed:?} accepted");
    }
    // Another signature type, with a consistent key hash.
    let other_type = [&[2u8][..], &[7u8; 32]].concat();
    let id = signed_note::key_id("PeterNeumann", &other_type);
    let vkey = format!("PeterNeumann+{id:08x}+{}", B64.encode(other_type));
    assert_eq!(NoteVerifier::from_verifier_key(&vkey), Err(CheckpointError::UnsupportedKeyType(2)));
}

#[test]
fn small_order_public_keys_are_refused() {
    // The identity point: a signature by "anyone" verifies under it with non-strict checks.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let weak = ed25519_dalek::VerifyingKey::from_bytes(&identity).unwrap();
    assert_eq!(NoteVerifier::new(ORIGIN, &weak), Err(CheckpointError::WeakKey));
    let encoded = [&[1u8][..], &identity].concat();
    let id = signed_note::key_id(ORIGIN, &encoded);
    let vkey = format!("{ORIGIN}+{id:08x}+{}", B64.encode(encoded));
    assert_eq!(NoteVerifier::from_verifier_key(&vkey), Err(CheckpointError::WeakKey));
}

#[test]
fn a_signed_checkpoint_has_the_c2sp_shape_and_opens() {
    let key = key(1);
    let cp = checkpoint(42);
    let note = cp.sign(&key).unwrap();
    let lines: Vec<&str> = note.lines().collect();
    assert_eq!(&lines[..4], &[ORIGIN, "42", &cp.root_hash.to_base64(), ""]);
    assert_eq!(lines.len(), 5);
    let (name, sig) = lines[4].strip_prefix("— ").unwrap().split_once(' ').unwrap();
    assert_eq!(name, ORIGIN);
    let sig = B64.decode(sig).unwrap();
    assert_eq!(sig.len(), 4 + 64);
    assert_eq!(u32::from_be_bytes(sig[..4].try_into().unwrap()), verifier(ORIGIN, &key).key_id());
    assert!(note.ends_with('\n'));

    assert_eq!(Checkpoint::open(&note, &verifier(ORIGIN, &key)).unwrap(), cp);
    // The verifier key string round-trips into the same verifier.
    let vkey = log::verifier_key(ORIGIN, &key.verifying_key()).unwrap();
    assert_eq!(Checkpoint::open(&note, &NoteVerifier::from_verifier_key(&vkey).unwrap()).unwrap(), cp);
}

#[test]
fn our_notes_match_the_signed_note_crate_byte_for_byte() {
    let key = key(2);
    let cp = checkpoint(7);
    let ours = cp.sign(&key).unwrap();
    assert_eq!(ours, sign_text(&cp.to_text(), &their_signer(ORIGIN, &key)));
    // And its own (non-strict) verifier, built from our verifier key string, accepts ours.
    let vkey = log::verifier_key(ORIGIN, &key.verifying_key()).unwrap();
    let theirs = StandardVerifier::new(&vkey).unwrap();
    Note::from_bytes(ours.as_bytes()).unwrap().verify(&VerifierList::new(vec![Box::new(theirs)])).unwrap();
}

#[test]
fn a_forged_checkpoint_signature_is_rejected() {
    let key = key(3);
    let trusted = verifier(ORIGIN, &key);
    let note = checkpoint(10).sign(&key).unwrap();

    // A flipped bit in the signature bytes.
    let sig_line = note.lines().last().unwrap();
    let (prefix, sig) = sig_line.rsplit_once(' ').unwrap();
    let mut raw = B64.decode(sig).unwrap();
    raw[20] ^= 0x10;
    let forged = note.replace(sig_line, &format!("{prefix} {}", B64.encode(&raw)));
    assert!(matches!(Checkpoint::open(&forged, &trusted), Err(CheckpointError::BadSignature(_))));

    // The body changed under a valid signature: a bigger tree, another root.
    let bigger = note.replacen("\n10\n", "\n11\n", 1);
    assert!(matches!(Checkpoint::open(&bigger, &trusted), Err(CheckpointError::BadSignature(_))));
    let other_root = note.replace(&checkpoint(10).root_hash.to_base64(), &leaf_hash(b"x").to_base64());
    assert!(matches!(Checkpoint::open(&other_root, &trusted), Err(CheckpointError::BadSignature(_))));

    // Signed by another key under the log's name: no signature of the trusted key.
    let impostor = checkpoint(10).sign(&self::key(4)).unwrap();
    assert!(matches!(Checkpoint::open(&impostor, &trusted), Err(CheckpointError::NotSignedByKey(_))));

    // A malleated signature (S + ℓ, the group order) is refused by strict verification.
    let mut raw = B64.decode(sig).unwrap();
    let s = &mut raw[4 + 32..];
    let ell: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];
    let mut carry = 0u16;
    for i in 0..32 {
        let sum = s[i] as u16 + ell[i] as u16 + carry;
        s[i] = sum as u8;
        carry = sum >> 8;
    }
    let malleated = note.replace(sig_line, &format!("{prefix} {}", B64.encode(&raw)));
    assert!(Checkpoint::open(&malleated, &trusted).is_err());
}

#[test]
fn a_checkpoint_of_another_log_is_rejected() {
    let key = key(5);
    // Correctly signed by the trusted key, but naming another origin in its body.
    let text = format!("other.example/log\n3\n{}\n", leaf_hash(b"r").to_base64());
    let note = sign_text(&text, &their_signer(ORIGIN, &key));
    assert_eq!(
        Checkpoint::open(&note, &verifier(ORIGIN, &key)),
        Err(CheckpointError::WrongOrigin { expected: ORIGIN.into(), found: "other.example/log".into() })
    );
    // A genuine checkpoint of another log, checked with this log's verifier.
    let other = Checkpoint::new("other.example/log", 3, leaf_hash(b"r")).unwrap().sign(&key).unwrap();
    assert!(matches!(Checkpoint::open(&other, &verifier(ORIGIN, &key)), Err(CheckpointError::NotSignedByKey(_))));
}

#[test]
fn malformed_notes_are_rejected() {
    let key = key(6);
    let trusted = verifier(ORIGIN, &key);
    let good = checkpoint(5).sign(&key).unwrap();
    let body = checkpoint(5).to_text();
    for bad in [
        String::new(),
        body.clone(),                                 // no signature block
        format!("{body}\n"),                          // empty signature block
        good.trim_end().to_string(),                  // no final newline
        good.replace("\n\n", "\n"),                   // no blank line
        good.replace('\n', "\r\n"),                   // CR LF
        good.replace("— ", "- "),                     // ASCII dash
        good.replace("— hospes", "—  hospes"),        // double space
        format!("{good}garbage\n"),                   // trailing junk line
        good.replacen('=', "", 2),                    // unpadded signature base64 (and root)
    ] {
        assert!(Checkpoint::open(&bad, &trusted).is_err(), "{bad:?} opened");
    }
    let root = leaf_hash(b"r").to_base64();
    let signer = their_signer(ORIGIN, &key);
    // Validly signed notes whose text is not a checkpoint.
    for text in [
        format!("{ORIGIN}\n5\n"),                          // no root
        format!("{ORIGIN}\n05\n{root}\n"),                 // non-canonical size
        format!("{ORIGIN}\n+5\n{root}\n"),
        format!("{ORIGIN}\n-1\n{root}\n"),
        format!("{ORIGIN}\n18446744073709551616\n{root}\n"), // 2^64
        format!("{ORIGIN}\n5\n{}\n", B64.encode([0u8; 31])), // 31-byte root
        format!("{ORIGIN}\n5\n{}\n", root.trim_end_matches('=')),
        format!("{ORIGIN}\n5\n{root}\n\nextra\n"),            // blank line inside
    ] {
        let note = sign_text(&text, &signer);
        assert_eq!(Checkpoint::open(&note, &trusted), Err(CheckpointError::MalformedCheckpoint), "{text:?}");
    }
}

#[test]
fn witness_cosignatures_by_unknown_keys_are_ignored() {
    let key = key(7);
    let cp = checkpoint(9);
    let mut note = Note::from_bytes(cp.sign(&key).unwrap().as_bytes()).unwrap();
    note.add_sigs(&[&their_signer("witness.example", &self::key(8))]).unwrap();
    let cosigned = String::from_utf8(note.to_bytes()).unwrap();
    assert_eq!(cosigned.lines().count(), 6);
    assert_eq!(Checkpoint::open(&cosigned, &verifier(ORIGIN, &key)).unwrap(), cp);
}

#[test]
fn invalid_origins_are_refused() {
    for origin in ["", "has space", "a+b", "tab\there", "new\nline"] {
        assert!(matches!(Checkpoint::new(origin, 1, leaf_hash(b"")), Err(CheckpointError::InvalidOrigin(_))));
        assert!(NoteVerifier::new(origin, &key(1).verifying_key()).is_err());
    }
}

fn jws(i: u64) -> String {
    format!("eyJhbGciOiJFZERTQSJ9.eyJldmVudCI6InN1Ym1pdHRlZCIsImkiOj{i}fQ.c2lnbmF0dXJl{i}")
}

/// The receipt path end to end: a seal's `log` part against a signed checkpoint, as
/// `hospes verify --checkpoint` runs it, and two checkpoints as `hospes log verify` does.
#[test]
fn a_receipt_seal_verifies_against_its_signed_checkpoint() {
    let key = key(9);
    let trusted = verifier(ORIGIN, &key);
    let mut store = MemoryHashStore::new();
    let leaves: Vec<String> = (0..25).map(jws).collect();
    let appended = store.append(&leaves[..20]).unwrap();
    let old_note = Checkpoint::new(ORIGIN, 20, appended.root_hash).unwrap().sign(&key).unwrap();
    let appended = store.append(&leaves[20..]).unwrap();
    let new_note = Checkpoint::new(ORIGIN, 25, appended.root_hash).unwrap().sign(&key).unwrap();

    let checkpoint = Checkpoint::open(&new_note, &trusted).unwrap();
    let proof = InclusionProof {
        leaf_index: 11,
        tree_size: 25,
        inclusion_proof: store.inclusion_proof(25, 11).unwrap(),
        root_hash: store.root_hash(25).unwrap(),
    };
    // The receipt's JSON shape.
    let json = serde_json::to_value(&proof).unwrap();
    assert_eq!(json["leaf_index"], 11);
    assert_eq!(json["tree_size"], 25);
    assert!(json["inclusion_proof"][0].as_str().unwrap().ends_with('='));
    let proof: InclusionProof = serde_json::from_value(json).unwrap();
    proof.verify_against_checkpoint(leaves[11].as_bytes(), &checkpoint).unwrap();
    assert_eq!(proof.verify_against_checkpoint(leaves[12].as_bytes(), &checkpoint), Err(LogError::InvalidProof));

    let old = Checkpoint::open(&old_note, &trusted).unwrap();
    assert!(matches!(
        proof.verify_against_checkpoint(leaves[11].as_bytes(), &old),
        Err(LogError::CheckpointSizeMismatch { proof_size: 25, checkpoint_size: 20 })
    ));
    let mut other_root = proof.clone();
    other_root.root_hash = old.root_hash;
    other_root.tree_size = 20;
    assert_eq!(other_root.verify_against_checkpoint(leaves[11].as_bytes(), &Checkpoint { root_hash: leaf_hash(b"z"), ..old.clone() }), Err(LogError::RootMismatch));

    let consistency = ConsistencyProof { old_size: 20, new_size: 25, consistency_proof: store.consistency_proof(20, 25).unwrap() };
    let consistency: ConsistencyProof = serde_json::from_str(&serde_json::to_string(&consistency).unwrap()).unwrap();
    log::verify_checkpoint_consistency(&old, &checkpoint, &consistency.consistency_proof).unwrap();
    let mut elsewhere = checkpoint.clone();
    elsewhere.origin = "other.example/log".into();
    assert!(matches!(
        log::verify_checkpoint_consistency(&old, &elsewhere, &consistency.consistency_proof),
        Err(LogError::OriginMismatch { .. })
    ));
    // A malformed hash in a receipt is a JSON error, not a panic.
    let bad = r#"{"leaf_index":0,"tree_size":1,"inclusion_proof":["AAAA"],"root_hash":"AAAA"}"#;
    assert!(serde_json::from_str::<InclusionProof>(bad).is_err());
}
