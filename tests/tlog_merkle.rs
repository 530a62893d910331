//! The transparency log's Merkle tree: known answers from RFC 6962's reference implementation,
//! agreement with an independent crate (`ct-merkle`), tampering, and the stored-hash plan that
//! the database layer relies on.

use hospes::seal::log::{
    self, EMPTY_ROOT, Hash, HashReader, LogError, MemoryHashStore, PrefetchedHashes, leaf_hash,
};
use proptest::prelude::*;

fn h(hex_text: &str) -> Hash {
    Hash::from_slice(&hex::decode(hex_text).unwrap()).unwrap()
}

/// The Certificate Transparency reference leaves (RFC 6962 test data, as in
/// transparency-dev/merkle and the CT C++/Go code).
fn reference_leaves() -> Vec<Vec<u8>> {
    ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]
        .iter()
        .map(|x| hex::decode(x).unwrap())
        .collect()
}

/// Root hashes of the first 0..=8 reference leaves.
const REFERENCE_ROOTS: [&str; 9] = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

/// (leaf index, tree size, proof) from the reference inclusion vectors.
fn reference_inclusion_proofs() -> Vec<(u64, u64, Vec<Hash>)> {
    vec![
        (0, 8, vec![
            h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
        ]),
        (5, 8, vec![
            h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
            h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
            h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ]),
        (2, 3, vec![h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")]),
        (1, 5, vec![
            h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        ]),
        (0, 1, vec![]),
    ]
}

/// (old size, new size, proof) from the reference consistency vectors.
fn reference_consistency_proofs() -> Vec<(u64, u64, Vec<Hash>)> {
    vec![
        (1, 1, vec![]),
        (1, 8, vec![
            h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
        ]),
        (6, 8, vec![
            h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
            h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
            h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ]),
        (2, 5, vec![
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        ]),
        (6, 7, vec![
            h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
            h("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"),
            h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ]),
    ]
}

fn reference_log() -> MemoryHashStore {
    let mut store = MemoryHashStore::new();
    for leaf in reference_leaves() {
        store.append(&[leaf]).unwrap();
    }
    store
}

fn root(n: usize) -> Hash {
    h(REFERENCE_ROOTS[n])
}

/// A leaf shaped like a seal: a compact JWS of a few hundred bytes, unique per `i`.
fn jws(i: u64) -> Vec<u8> {
    let payload = format!("{{\"checkin\":\"{i:016x}\",\"event\":\"submitted\",\"pad\":\"{}\"}}", "x".repeat(300));
    format!("eyJhbGciOiJFZERTQSIsImtpZCI6ImsxIn0.{}.{}", hex::encode(payload), "s".repeat(86)).into_bytes()
}

fn log_of(size: u64) -> MemoryHashStore {
    let mut store = MemoryHashStore::new();
    let leaves: Vec<Vec<u8>> = (0..size).map(jws).collect();
    store.append(&leaves).unwrap();
    store
}

#[test]
fn roots_match_the_rfc6962_reference_vectors() {
    assert_eq!(EMPTY_ROOT, root(0));
    let store = reference_log();
    for n in 0..=8 {
        assert_eq!(store.root_hash(n).unwrap(), root(n as usize), "size {n}");
    }
}

#[test]
fn a_batch_append_stores_the_same_hashes_as_single_appends() {
    let one_by_one = reference_log();
    let mut batch = MemoryHashStore::new();
    let appended = batch.append(&reference_leaves()).unwrap();
    assert_eq!(batch.stored_hashes(), one_by_one.stored_hashes());
    assert_eq!(appended.root_hash, root(8));
    assert_eq!((appended.old_size, appended.tree_size, appended.first_stored_index), (0, 8, 0));
    assert_eq!(appended.hashes.len() as u64, log::stored_hash_count(8));
    // Two batches in a row land where a single batch would.
    let mut two = MemoryHashStore::new();
    two.append(&reference_leaves()[..3]).unwrap();
    let second = two.append(&reference_leaves()[3..]).unwrap();
    assert_eq!(second.first_stored_index, log::stored_hash_count(3));
    assert_eq!(two.stored_hashes(), one_by_one.stored_hashes());
}

#[test]
fn inclusion_proofs_match_the_reference_vectors() {
    let store = reference_log();
    let leaves = reference_leaves();
    for (index, size, proof) in reference_inclusion_proofs() {
        assert_eq!(store.inclusion_proof(size, index).unwrap(), proof, "leaf {index} of {size}");
        let leaf = leaf_hash(&leaves[index as usize]);
        log::verify_inclusion(&leaf, index, size, &proof, &root(size as usize)).unwrap();
    }
}

#[test]
fn consistency_proofs_match_the_reference_vectors() {
    let store = reference_log();
    for (old, new, proof) in reference_consistency_proofs() {
        assert_eq!(store.consistency_proof(old, new).unwrap(), proof, "{old} -> {new}");
        log::verify_consistency(old, &root(old as usize), new, &root(new as usize), &proof).unwrap();
    }
}

fn flipped(proof: &[Hash], i: usize, bit: u8) -> Vec<Hash> {
    let mut p = proof.to_vec();
    p[i].0[0] ^= bit;
    p
}

#[test]
fn corrupted_reference_inclusion_proofs_are_rejected() {
    let some = h("abacaba000000000000000000000000000000000000000000060061e00123456");
    let leaves = reference_leaves();
    for (index, size, proof) in reference_inclusion_proofs() {
        let r = root(size as usize);
        let leaf = leaf_hash(&leaves[index as usize]);
        let mut probes: Vec<(u64, u64, Hash, Hash, Vec<Hash>, String)> = vec![
            (index.wrapping_sub(1), size, r, leaf, proof.clone(), "index - 1".into()),
            (index + 1, size, r, leaf, proof.clone(), "index + 1".into()),
            (index ^ 2, size, r, leaf, proof.clone(), "index ^ 2".into()),
            (index, size * 2, r, leaf, proof.clone(), "size * 2".into()),
            (index, size / 2, r, leaf, proof.clone(), "size / 2".into()),
            (index, size, r, leaf_hash(b"WrongLeaf"), proof.clone(), "wrong leaf".into()),
            (index, size, EMPTY_ROOT, leaf, proof.clone(), "empty root".into()),
            (index, size, some, leaf, proof.clone(), "random root".into()),
            (index, size, r, leaf, [proof.clone(), vec![r]].concat(), "trailing root".into()),
            (index, size, r, leaf, [vec![r], proof.clone()].concat(), "preceding root".into()),
        ];
        for i in 0..proof.len() {
            probes.push((index, size, r, leaf, flipped(&proof, i, 8), format!("flipped bit in proof[{i}]")));
        }
        if !proof.is_empty() {
            probes.push((index, size, r, leaf, proof[..proof.len() - 1].to_vec(), "removed component".into()));
        }
        if proof.len() > 1 {
            let inserted = [vec![proof[0], some], proof[1..].to_vec()].concat();
            probes.push((index, size, r, leaf, inserted, "inserted component".into()));
        }
        for (i, s, r, l, p, what) in probes {
            // A probe that changes nothing (index ^ 2 == index when...) is not a corruption.
            if (i, s, r, l, &p) == (index, size, root(size as usize), leaf, &proof) {
                continue;
            }
            assert!(log::verify_inclusion(&l, i, s, &p, &r).is_err(), "{what} verified for leaf {index} of {size}");
        }
    }
}

#[test]
fn corrupted_reference_consistency_proofs_are_rejected() {
    for (old, new, proof) in reference_consistency_proofs() {
        if proof.is_empty() {
            continue;
        }
        let (r1, r2) = (root(old as usize), root(new as usize));
        let wrong = h("abacaba000000000000000000000000000000000000000000060061e00123456");
        let mut probes: Vec<(u64, u64, Hash, Hash, Vec<Hash>, String)> = vec![
            (old - 1, new, r1, r2, proof.clone(), "old - 1".into()),
            (old + 1, new, r1, r2, proof.clone(), "old + 1".into()),
            (old ^ 2, new, r1, r2, proof.clone(), "old ^ 2".into()),
            (old, new * 2, r1, r2, proof.clone(), "new * 2".into()),
            (old, new / 2, r1, r2, proof.clone(), "new / 2".into()),
            (old, new, wrong, r2, proof.clone(), "wrong old root".into()),
            (old, new, r1, wrong, proof.clone(), "wrong new root".into()),
            (old, new, r2, r1, proof.clone(), "swapped roots".into()),
            (old, new, r1, r2, vec![], "empty proof".into()),
            (old, new, r1, r2, [proof.clone(), vec![r1]].concat(), "trailing old root".into()),
            (old, new, r1, r2, [proof.clone(), vec![r2]].concat(), "trailing new root".into()),
            (old, new, r1, r2, [vec![r1], proof.clone()].concat(), "preceding old root".into()),
            (old, new, r1, r2, [vec![proof[0]], proof.clone()].concat(), "preceding proof[0]".into()),
            (old, new, r1, r2, proof[..proof.len() - 1].to_vec(), "truncated".into()),
        ];
        for i in 0..proof.len() {
            probes.push((old, new, r1, r2, flipped(&proof, i, 16), format!("flipped bit in proof[{i}]")));
        }
        for (o, n, a, b, p, what) in probes {
            assert!(log::verify_consistency(o, &a, n, &b, &p).is_err(), "{what} verified for {old} -> {new}");
        }
    }
}

#[test]
fn trivial_consistency_needs_an_empty_proof_and_matching_roots() {
    let (a, b) = (leaf_hash(b"a"), leaf_hash(b"b"));
    // Equal sizes: equal roots, empty proof.
    assert!(log::verify_consistency(0, &EMPTY_ROOT, 0, &EMPTY_ROOT, &[]).is_ok());
    assert!(log::verify_consistency(1, &a, 1, &a, &[]).is_ok());
    assert!(log::verify_consistency(1, &a, 1, &b, &[]).is_err());
    assert!(log::verify_consistency(1, &a, 1, &a, &[a]).is_err());
    // The empty tree is a prefix of every tree, and has the empty root.
    assert!(log::verify_consistency(0, &EMPTY_ROOT, 5, &b, &[]).is_ok());
    assert!(log::verify_consistency(0, &a, 5, &b, &[]).is_err());
    assert!(log::verify_consistency(0, &EMPTY_ROOT, 5, &b, &[EMPTY_ROOT]).is_err());
    // Time does not run backwards; a bigger tree needs a proof.
    assert!(matches!(log::verify_consistency(2, &a, 1, &b, &[]), Err(LogError::TreeSizeOutOfRange { .. })));
    assert!(log::verify_consistency(1, &a, 2, &b, &[]).is_err());
}

#[test]
fn inclusion_needs_the_leaf_inside_the_tree() {
    let a = leaf_hash(b"a");
    assert!(log::verify_inclusion(&a, 0, 1, &[], &a).is_ok());
    for (index, size) in [(0, 0), (1, 0), (1, 1), (2, 1)] {
        assert!(log::verify_inclusion(&a, index, size, &[], &a).is_err(), "{index} of {size}");
    }
    assert!(log::verify_inclusion(&a, 0, 1, &[], &EMPTY_ROOT).is_err());
    // An absurdly long proof is refused before any hashing.
    assert_eq!(log::verify_inclusion(&a, 0, 2, &vec![a; 10_000], &a), Err(LogError::InvalidProof));
}

/// `ct-merkle` is an independent RFC 6962 implementation (its own tree layout and proof code).
#[test]
fn roots_and_proofs_agree_with_ct_merkle() {
    use ct_merkle::mem_backed_tree::MemoryBackedTree;
    let mut theirs: MemoryBackedTree<sha2_v011::Sha256, Vec<u8>> = MemoryBackedTree::new();
    let mut ours = MemoryHashStore::new();
    for size in 1..=70u64 {
        let leaf = jws(size * 7919);
        theirs.push(leaf.clone());
        ours.append(&[leaf]).unwrap();
        assert_eq!(theirs.root().as_bytes().as_slice(), ours.root_hash(size).unwrap().as_bytes(), "root {size}");
        for index in 0..size {
            let proof: Vec<u8> = ours.inclusion_proof(size, index).unwrap().iter().flat_map(|h| h.0).collect();
            assert_eq!(theirs.prove_inclusion(index as usize).as_bytes(), proof.as_slice(), "inclusion {index} of {size}");
        }
        for old in 1..size {
            let proof: Vec<u8> = ours.consistency_proof(old, size).unwrap().iter().flat_map(|h| h.0).collect();
            let their_proof = theirs.prove_consistency((size - old) as usize);
            assert_eq!(their_proof.as_bytes(), proof.as_slice(), "consistency {old} -> {size}");
        }
    }
}

#[test]
fn a_proof_for_another_leaf_does_not_verify() {
    let store = log_of(20);
    let root = store.root_hash(20).unwrap();
    let proof_of_3 = store.inclusion_proof(20, 3).unwrap();
    log::verify_inclusion(&leaf_hash(&jws(3)), 3, 20, &proof_of_3, &root).unwrap();
    assert_eq!(log::verify_inclusion(&leaf_hash(&jws(4)), 3, 20, &proof_of_3, &root), Err(LogError::InvalidProof));
    assert_eq!(log::verify_inclusion(&leaf_hash(&jws(4)), 4, 20, &proof_of_3, &root), Err(LogError::InvalidProof));
    // The same leaf claimed in a tree of another shape. (A size whose path has the same shape,
    // 17..=32 here, gives the same root: the checkpoint, not the proof, authenticates the size.)
    for size in [4, 16, 33, 40] {
        assert!(log::verify_inclusion(&leaf_hash(&jws(3)), 3, size, &proof_of_3, &root).is_err(), "size {size}");
    }
    // One flipped byte of the leaf (a changed seal).
    let mut changed = jws(3);
    changed[40] ^= 1;
    assert!(log::verify_inclusion(&leaf_hash(&changed), 3, 20, &proof_of_3, &root).is_err());
}

#[test]
fn a_rewritten_log_fails_consistency_with_an_earlier_tree_head() {
    let honest = log_of(10);
    let old_root = honest.root_hash(10).unwrap();

    // Altered: seal 3 replaced, then the log grows on.
    let mut altered_leaves: Vec<Vec<u8>> = (0..15).map(jws).collect();
    altered_leaves[3] = b"eyJhbGciOiJFZERTQSJ9.forged.sig".to_vec();
    // Deleted: seal 7 removed, later seals shifted down, then the log grows on.
    let mut deleted_leaves: Vec<Vec<u8>> = (0..16).map(jws).collect();
    deleted_leaves.remove(7);
    // Truncated and regrown: the last seal dropped and replaced by another.
    let mut regrown_leaves: Vec<Vec<u8>> = (0..9).map(jws).collect();
    regrown_leaves.extend((100..106).map(jws));

    for (what, leaves) in [("altered", altered_leaves), ("deleted", deleted_leaves), ("regrown", regrown_leaves)] {
        let mut rewritten = MemoryHashStore::new();
        rewritten.append(&leaves).unwrap();
        let new_size = rewritten.tree_size();
        let new_root = rewritten.root_hash(new_size).unwrap();
        let proof = rewritten.consistency_proof(10, new_size).unwrap();
        assert_eq!(
            log::verify_consistency(10, &old_root, new_size, &new_root, &proof),
            Err(LogError::InvalidProof),
            "{what} log passed"
        );
    }
    // The honest log, grown, passes.
    let mut grown = log_of(10);
    grown.append(&(10..15).map(jws).collect::<Vec<_>>()).unwrap();
    let proof = grown.consistency_proof(10, 15).unwrap();
    log::verify_consistency(10, &old_root, 15, &grown.root_hash(15).unwrap(), &proof).unwrap();
}

fn prefetch(store: &MemoryHashStore, indexes: &[u64]) -> PrefetchedHashes {
    let hashes = store.read_hashes(indexes).unwrap();
    indexes.iter().copied().zip(hashes).collect()
}

fn log2_ceil(n: u64) -> usize {
    (64 - n.saturating_sub(1).leading_zeros()) as usize
}

#[test]
fn an_append_needs_only_the_planned_stored_hashes() {
    for size in 0..70u64 {
        let base = log_of(size);
        for count in [1u64, 2, 3, 7, 16, 33] {
            let need = log::indexes_for_append(size, count).unwrap();
            assert!(need.len() <= 2 * log2_ceil(size + 1) + 1, "{} hashes for {size}+{count}", need.len());
            assert!(need.iter().all(|&i| i < log::stored_hash_count(size)));
            let leaves: Vec<Vec<u8>> = (size..size + count).map(jws).collect();
            let appended = log::append_leaves(size, &leaves, &prefetch(&base, &need)).unwrap();
            let mut expected = base.clone();
            let direct = expected.append(&leaves).unwrap();
            assert_eq!(appended, direct, "{size}+{count}");
            assert_eq!(appended.rows().next().map(|(i, _)| i), Some(log::stored_hash_count(size)));
        }
    }
}

#[test]
fn roots_and_proofs_need_only_the_planned_stored_hashes() {
    let store = log_of(67);
    for size in 0..=67u64 {
        let need = log::indexes_for_root(size).unwrap();
        assert_eq!(need.len() as u32, size.count_ones());
        assert_eq!(log::root_hash(size, &prefetch(&store, &need)).unwrap(), store.root_hash(size).unwrap());
        for index in 0..size {
            let need = log::indexes_for_inclusion_proof(size, index).unwrap();
            assert!(need.len() <= 2 * log2_ceil(size) + 1);
            let proof = log::inclusion_proof(size, index, &prefetch(&store, &need)).unwrap();
            assert_eq!(proof, store.inclusion_proof(size, index).unwrap());
        }
        for old in 0..=size {
            let need = log::indexes_for_consistency_proof(old, size).unwrap();
            let proof = log::consistency_proof(old, size, &prefetch(&store, &need)).unwrap();
            assert_eq!(proof, store.consistency_proof(old, size).unwrap());
        }
    }
}

#[test]
fn a_missing_stored_hash_is_reported_by_index() {
    let store = log_of(13);
    let need = log::indexes_for_inclusion_proof(13, 5).unwrap();
    let mut partial = prefetch(&store, &need[1..]);
    assert_eq!(log::inclusion_proof(13, 5, &partial), Err(LogError::MissingHash(need[0])));
    partial.insert(need[0], store.read_hashes(&need[..1]).unwrap()[0]);
    assert!(log::inclusion_proof(13, 5, &partial).is_ok());
    assert_eq!(log::append_leaves(13, &[jws(13)], &PrefetchedHashes::new()).unwrap_err(), LogError::MissingHash(
        log::indexes_for_append(13, 1).unwrap()[0]
    ));
}

#[test]
fn sizes_and_indexes_out_of_range_are_errors_not_panics() {
    let store = log_of(5);
    assert!(matches!(log::inclusion_proof(5, 5, &store), Err(LogError::LeafIndexOutOfRange { .. })));
    assert!(matches!(log::consistency_proof(6, 5, &store), Err(LogError::TreeSizeOutOfRange { .. })));
    assert!(matches!(store.root_hash(6), Err(LogError::TreeSizeOutOfRange { .. })));
    assert!(log::indexes_for_append(log::MAX_TREE_SIZE, 1).is_err());
    assert!(log::indexes_for_append(u64::MAX, 1).is_err());
    assert!(log::indexes_for_root(u64::MAX).is_err());
    // Verification takes any u64 a receipt may carry.
    let a = leaf_hash(b"a");
    assert!(log::verify_inclusion(&a, u64::MAX - 1, u64::MAX, &[a; 64], &a).is_err());
    assert!(log::verify_consistency(u64::MAX - 1, &a, u64::MAX, &a, &[a; 3]).is_err());
}

#[test]
fn stored_hash_indexes_are_dense_and_invertible() {
    let mut next = 0;
    for n in 0..300u64 {
        assert_eq!(log::stored_hash_index(0, n), next);
        next += 1 + (n + 1).trailing_zeros() as u64;
        assert_eq!(log::stored_hash_count(n + 1), next);
    }
    for index in 0..600 {
        let (level, n) = log::split_stored_hash_index(index);
        assert_eq!(log::stored_hash_index(level, n), index);
    }
}

#[test]
fn hashes_are_strict_padded_base64() {
    let a = leaf_hash(b"a");
    assert_eq!(Hash::from_base64(&a.to_base64()).unwrap(), a);
    assert_eq!(serde_json::to_string(&a).unwrap(), format!("\"{}\"", a.to_base64()));
    let text = a.to_base64();
    for bad in [
        text.trim_end_matches('=').to_string(),          // unpadded
        text.replace('+', "-").replace('/', "_"),         // URL-safe alphabet (when it differs)
        format!("{text}AAAA"),                            // 35 bytes
        "AAAA".to_string(),                               // 3 bytes
        "not base64!".to_string(),
    ] {
        if bad != text {
            assert!(Hash::from_base64(&bad).is_err(), "{bad:?} accepted");
        }
    }
    // Non-canonical trailing bits: the last character before '=' must end in zero bits.
    let mut chars: Vec<char> = text.chars().collect();
    let last = chars.len() - 2;
    let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let pos = alphabet.find(chars[last]).unwrap();
    chars[last] = alphabet.chars().nth(pos | 1).unwrap();
    let non_canonical: String = chars.into_iter().collect();
    if non_canonical != text {
        assert!(Hash::from_base64(&non_canonical).is_err());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Every inclusion and consistency proof of random trees verifies, and a changed byte in the
    /// proof, the leaf or the root makes it fail.
    #[test]
    fn every_proof_of_a_random_tree_verifies(size in 1u64..3000, picks in proptest::collection::vec(any::<u64>(), 6), byte in 0usize..32, bit in 0u8..8) {
        let store = log_of(size);
        let root = store.root_hash(size).unwrap();
        for pick in &picks {
            let index = pick % size;
            let proof = store.inclusion_proof(size, index).unwrap();
            let leaf = leaf_hash(&jws(index));
            prop_assert!(log::verify_inclusion(&leaf, index, size, &proof, &root).is_ok());
            let mut bad_root = root;
            bad_root.0[byte] ^= 1 << bit;
            prop_assert!(log::verify_inclusion(&leaf, index, size, &proof, &bad_root).is_err());
            if !proof.is_empty() {
                let mut bad = proof.clone();
                let k = (*pick as usize / 7) % bad.len();
                bad[k].0[byte] ^= 1 << bit;
                prop_assert!(log::verify_inclusion(&leaf, index, size, &bad, &root).is_err());
            }

            let old = pick % (size + 1);
            let old_root = store.root_hash(old).unwrap();
            let proof = store.consistency_proof(old, size).unwrap();
            prop_assert!(log::verify_consistency(old, &old_root, size, &root, &proof).is_ok());
            if !proof.is_empty() {
                let mut bad = proof.clone();
                let k = (*pick as usize / 11) % bad.len();
                bad[k].0[byte] ^= 1 << bit;
                prop_assert!(log::verify_consistency(old, &old_root, size, &root, &bad).is_err());
            }
            if old > 0 && old < size {
                let mut bad_old = old_root;
                bad_old.0[byte] ^= 1 << bit;
                prop_assert!(log::verify_consistency(old, &bad_old, size, &root, &proof).is_err());
            }
        }
    }

    /// Whatever a hostile receipt claims, verification answers with an error, never a panic.
    #[test]
    fn verification_of_arbitrary_input_never_panics(
        index in any::<u64>(), size in any::<u64>(), old in any::<u64>(), len in 0usize..80, seed in any::<u8>()
    ) {
        let proof: Vec<Hash> = (0..len).map(|i| leaf_hash(&[seed, i as u8])).collect();
        let root = leaf_hash(&[seed]);
        let _ = log::verify_inclusion(&root, index, size, &proof, &root);
        let _ = log::verify_inclusion(&root, index % size.max(1), size, &proof, &root);
        let _ = log::verify_consistency(old, &root, size, &root, &proof);
        let _ = log::verify_consistency(old % size.max(1), &root, size, &root, &proof);
    }

    /// Appending in random batches gives the same log as appending one leaf at a time.
    #[test]
    fn random_batches_build_the_same_log(batches in proptest::collection::vec(1u64..40, 1..12)) {
        let mut batched = MemoryHashStore::new();
        for count in &batches {
            let start = batched.tree_size();
            let leaves: Vec<Vec<u8>> = (start..start + count).map(jws).collect();
            batched.append(&leaves).unwrap();
        }
        let single = {
            let mut s = MemoryHashStore::new();
            for i in 0..batched.tree_size() { s.append(&[jws(i)]).unwrap(); }
            s
        };
        prop_assert_eq!(batched.stored_hashes(), single.stored_hashes());
    }
}
