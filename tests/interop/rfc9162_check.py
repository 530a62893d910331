#!/usr/bin/env python3
"""Independent checker of hospes transparency-log proofs.

Written from the text of RFC 9162 section 2.1 (Merkle Tree hashing, section 2.1.3.2
"Verifying an Inclusion Proof", section 2.1.4.2 "Verifying Consistency between Two Tree
Heads") and the C2SP tlog-checkpoint and signed-note specifications, not from hospes's code.
SHA-256 is the log's hash. Merkle checks need only the Python standard library.

Usage:
    rfc9162_check.py [--vkey VERIFIER_KEY] FILE... ('-' reads standard input)

Each FILE holds one JSON object or JSON Lines (one object per line). An object is one of:

  inclusion:   {"leaf": "<text>" | "leaf_b64": "<base64>" | "leaf_hash": "<base64>",
                "leaf_index": N, "tree_size": N, "inclusion_proof": [base64...],
                "root_hash": "<base64>"}
  consistency: {"old_size": N, "old_root": "<base64>", "new_size": N,
                "new_root": "<base64>", "consistency_proof": [base64...]}
  checkpoint:  {"checkpoint": "<signed note>", "verifier_key": "<name>+<hash>+<base64>"}
  receipt:     {"seals": [{"jws": "<compact JWS>", "log": {inclusion fields}}],
                "checkpoint": "<signed note>" (optional), "verifier_key": ... (optional)}
               Each seal's leaf is its compact JWS bytes; every seal must be included in
               the tree the checkpoint names (same size and root).

A checkpoint's signature is checked when a verifier key is given (in the object or with
--vkey). That needs the `cryptography` package, which is not in the standard library:

    python3 -m venv .venv && .venv/bin/pip install cryptography
    .venv/bin/python tests/interop/rfc9162_check.py --vkey KEY receipt.json

Exit status: 0 when every object is valid; 1 when any is not (reasons on stderr);
2 on unreadable or malformed input; 3 when a signature must be checked and
`cryptography` is missing.
"""

import base64
import binascii
import hashlib
import json
import sys

HASH_SIZE = 32


class Invalid(Exception):
    """The object is well-formed but does not prove what it claims."""


class Malformed(Exception):
    """The object cannot be read."""


class MissingPackage(Exception):
    """A check needs a package that is not installed."""


def sha256(data):
    return hashlib.sha256(data).digest()


def leaf_hash(leaf):
    # RFC 9162 2.1.1: MTH({d(0)}) = HASH(0x00 || d(0)).
    return sha256(b"\x00" + leaf)


def node_hash(left, right):
    # RFC 9162 2.1.1: HASH(0x01 || MTH(D[0:k]) || MTH(D[k:n])).
    return sha256(b"\x01" + left + right)


def b64(text, size=None, what="value"):
    """Strict standard base64 with padding; canonical (re-encodes to the same text)."""
    if not isinstance(text, str):
        raise Malformed(f"{what} is not a string")
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise Malformed(f"{what} is not base64: {text[:60]!r}")
    if base64.b64encode(raw).decode() != text:
        raise Malformed(f"{what} is not canonical base64: {text[:60]!r}")
    if size is not None and len(raw) != size:
        raise Malformed(f"{what} is {len(raw)} bytes, not {size}")
    return raw


def size_field(obj, key):
    value = obj.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0 or value >= 2**64:
        raise Malformed(f"{key} is not an unsigned 64-bit integer")
    return value


def hashes_field(obj, key):
    value = obj.get(key)
    if not isinstance(value, list):
        raise Malformed(f"{key} is not a list")
    return [b64(h, HASH_SIZE, key) for h in value]


def verify_inclusion(hash_, leaf_index, tree_size, inclusion_path, root_hash):
    """RFC 9162 2.1.3.2, step by step."""
    # 1. If leaf_index is greater than or equal to tree_size, fail.
    if leaf_index >= tree_size:
        raise Invalid(f"leaf_index {leaf_index} >= tree_size {tree_size}")
    # 2. Set fn to leaf_index and sn to tree_size - 1.
    fn, sn = leaf_index, tree_size - 1
    # 3. Set r to hash.
    r = hash_
    # 4. For each value p in the inclusion_path array:
    for p in inclusion_path:
        # a. If sn is 0, stop the iteration and fail.
        if sn == 0:
            raise Invalid("inclusion path longer than the tree is deep")
        # b. If LSB(fn) is set, or if fn is equal to sn, then:
        if fn & 1 or fn == sn:
            # i. Set r to HASH(0x01 || p || r).
            r = node_hash(p, r)
            # ii. If LSB(fn) is not set, right-shift both fn and sn equally until either
            #     LSB(fn) is set or fn is 0.
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        # Otherwise: set r to HASH(0x01 || r || p).
        else:
            r = node_hash(r, p)
        # c. Finally, right-shift both fn and sn one time.
        fn >>= 1
        sn >>= 1
    # 5. sn must be 0 and r must equal root_hash.
    if sn != 0:
        raise Invalid("inclusion path shorter than the tree is deep")
    if r != root_hash:
        raise Invalid("inclusion path leads to another root")


def verify_consistency(first, first_hash, second, second_hash, consistency_path):
    """RFC 9162 2.1.4.2, for 0 < first < second; the trivial cases (not covered by the
    algorithm) are: equal sizes need equal roots and an empty proof, and the empty tree,
    whose root is HASH() (2.1.1), is consistent with any tree by an empty proof."""
    if first > second:
        raise Invalid(f"old size {first} > new size {second}")
    if first == second:
        if consistency_path or first_hash != second_hash:
            raise Invalid("equal sizes need equal roots and an empty proof")
        return
    if first == 0:
        if consistency_path or first_hash != sha256(b""):
            raise Invalid("the empty tree needs the empty root and an empty proof")
        return
    path = list(consistency_path)
    # 1. If consistency_path is an empty array, fail.
    if not path:
        raise Invalid("empty consistency proof")
    # 2. If first is an exact power of 2, prepend first_hash to consistency_path.
    if first & (first - 1) == 0:
        path.insert(0, first_hash)
    # 3. Set fn to first - 1 and sn to second - 1.
    fn, sn = first - 1, second - 1
    # 4. If LSB(fn) is set, right-shift both fn and sn equally until LSB(fn) is not set.
    while fn & 1:
        fn >>= 1
        sn >>= 1
    # 5. Set both fr and sr to the first value in consistency_path.
    fr = sr = path[0]
    # 6. For each subsequent value c in consistency_path:
    for c in path[1:]:
        # a. If sn is 0, stop the iteration and fail.
        if sn == 0:
            raise Invalid("consistency proof longer than needed")
        # b. If LSB(fn) is set, or if fn is equal to sn, then:
        if fn & 1 or fn == sn:
            # i. fr = HASH(0x01 || c || fr); ii. sr = HASH(0x01 || c || sr)
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            # iii. If LSB(fn) is not set, right-shift fn and sn equally until either
            #      LSB(fn) is set or fn is 0.
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        # Otherwise: sr = HASH(0x01 || sr || c).
        else:
            sr = node_hash(sr, c)
        # c. Finally, right-shift both fn and sn one time.
        fn >>= 1
        sn >>= 1
    # 7. fr must equal first_hash, sr second_hash, and sn must be 0.
    if sn != 0:
        raise Invalid("consistency proof shorter than needed")
    if fr != first_hash:
        raise Invalid("consistency proof does not lead to the old root")
    if sr != second_hash:
        raise Invalid("consistency proof does not lead to the new root")


def parse_note(note):
    """C2SP signed-note: text, a blank line, then signature lines '— <name> <base64>'."""
    if not isinstance(note, str) or not note.endswith("\n"):
        raise Malformed("a signed note is text ending in a newline")
    if any(ord(ch) < 0x20 and ch != "\n" for ch in note):
        raise Malformed("control characters in the note")
    cut = note.rfind("\n\n")
    if cut < 0:
        raise Malformed("no signature block")
    text, sig_block = note[: cut + 1], note[cut + 2 :]
    sigs = []
    for line in sig_block[:-1].split("\n"):
        if not line.startswith("\u2014 "):
            raise Malformed(f"not a signature line: {line[:60]!r}")
        parts = line[2:].split(" ")
        if len(parts) != 2 or not parts[0]:
            raise Malformed(f"not a signature line: {line[:60]!r}")
        raw = b64(parts[1], None, "signature")
        if len(raw) < 5:
            raise Malformed("signature too short")
        sigs.append((parts[0], raw[:4], raw[4:]))
    return text, sigs


def parse_checkpoint_body(text):
    """C2SP tlog-checkpoint: origin, decimal tree size, base64 root hash, then extensions."""
    lines = text.split("\n")[:-1]
    if len(lines) < 3 or not lines[0] or any(line == "" for line in lines):
        raise Malformed("a checkpoint body has origin, size and root lines")
    origin, size_text, root_text = lines[0], lines[1], lines[2]
    if not size_text.isdigit() or not size_text.isascii() or str(int(size_text)) != size_text:
        raise Malformed(f"tree size {size_text!r} is not a canonical decimal")
    size = int(size_text)
    if size >= 2**64:
        raise Malformed("tree size exceeds 64 bits")
    return origin, size, b64(root_text, HASH_SIZE, "root hash")


def verify_note_signature(text, sigs, vkey):
    """Checks one signature by the verifier key '<name>+<hash hex>+<base64(0x01 || key)>'."""
    name, _, rest = vkey.partition("+")
    key_hash_hex, _, key_b64 = rest.partition("+")
    if not name or len(key_hash_hex) != 8 or not key_b64:
        raise Malformed("malformed verifier key")
    encoded = b64(key_b64, 33, "verifier key")
    if encoded[0] != 0x01:
        raise Malformed("verifier key is not Ed25519")
    # signed-note: key hash = SHA-256(key name || 0x0A || signature type || public key)[:4]
    key_hash = sha256(name.encode() + b"\n" + encoded)[:4]
    if key_hash.hex() != key_hash_hex.lower():
        raise Malformed("verifier key hash does not match its name and key")
    try:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    except ImportError:
        raise MissingPackage("checking a checkpoint signature needs the 'cryptography' package")
    public_key = Ed25519PublicKey.from_public_bytes(encoded[1:])
    mine = [sig for (sig_name, sig_hash, sig) in sigs if sig_name == name and sig_hash == key_hash]
    if not mine:
        raise Invalid(f"the note is not signed by {name}")
    for sig in mine:
        try:
            public_key.verify(sig, text.encode())
        except InvalidSignature:
            raise Invalid(f"the signature by {name} does not verify")
    return name


def check_checkpoint(note, vkey):
    text, sigs = parse_note(note)
    origin, size, root = parse_checkpoint_body(text)
    if vkey is not None:
        name = verify_note_signature(text, sigs, vkey)
        if name != origin:
            raise Invalid(f"checkpoint origin {origin!r} is not the key's log {name!r}")
    return origin, size, root


def leaf_of(obj):
    if "leaf_hash" in obj:
        return b64(obj["leaf_hash"], HASH_SIZE, "leaf_hash")
    if "leaf_b64" in obj:
        return leaf_hash(b64(obj["leaf_b64"], None, "leaf_b64"))
    if isinstance(obj.get("leaf"), str):
        return leaf_hash(obj["leaf"].encode())
    raise Malformed("no leaf, leaf_b64 or leaf_hash")


def check_inclusion_fields(leaf_h, log):
    if not isinstance(log, dict):
        raise Malformed("log is not an object")
    index, size = size_field(log, "leaf_index"), size_field(log, "tree_size")
    path = hashes_field(log, "inclusion_proof")
    root = b64(log.get("root_hash"), HASH_SIZE, "root_hash")
    verify_inclusion(leaf_h, index, size, path, root)
    return size, root


def check_object(obj, vkey):
    if not isinstance(obj, dict):
        raise Malformed("not a JSON object")
    vkey = obj.get("verifier_key", vkey)
    if "seals" in obj:
        checkpoint = None
        if obj.get("checkpoint") is not None:
            checkpoint = check_checkpoint(obj["checkpoint"], vkey)
        if not isinstance(obj["seals"], list) or not obj["seals"]:
            raise Malformed("seals is not a non-empty list")
        for i, seal in enumerate(obj["seals"]):
            if not isinstance(seal, dict) or not isinstance(seal.get("jws"), str):
                raise Malformed(f"seal {i} has no jws")
            size, root = check_inclusion_fields(leaf_hash(seal["jws"].encode()), seal.get("log"))
            if checkpoint is not None and (size, root) != checkpoint[1:]:
                raise Invalid(f"seal {i} is proven in another tree than the checkpoint's")
        return "receipt"
    if "inclusion_proof" in obj:
        check_inclusion_fields(leaf_of(obj), obj)
        return "inclusion"
    if "consistency_proof" in obj:
        verify_consistency(
            size_field(obj, "old_size"),
            b64(obj.get("old_root"), HASH_SIZE, "old_root"),
            size_field(obj, "new_size"),
            b64(obj.get("new_root"), HASH_SIZE, "new_root"),
            hashes_field(obj, "consistency_proof"),
        )
        return "consistency"
    if "checkpoint" in obj:
        if vkey is None:
            raise Malformed("a checkpoint alone needs a verifier key")
        check_checkpoint(obj["checkpoint"], vkey)
        return "checkpoint"
    raise Malformed("unknown object: expected inclusion, consistency, checkpoint or receipt")


def read_objects(path):
    data = sys.stdin.read() if path == "-" else open(path, encoding="utf-8").read()
    try:
        return [json.loads(data)]
    except json.JSONDecodeError:
        pass
    try:
        return [json.loads(line) for line in data.splitlines() if line.strip()]
    except json.JSONDecodeError as e:
        raise Malformed(f"{path}: not JSON or JSON Lines: {e}")


def main(argv):
    vkey, paths = None, []
    args = iter(argv)
    for arg in args:
        if arg == "--vkey":
            vkey = next(args, None)
        elif arg in ("-h", "--help"):
            print(__doc__)
            return 0
        else:
            paths.append(arg)
    if not paths:
        print(__doc__, file=sys.stderr)
        return 2
    status, counts = 0, {}
    for path in paths:
        try:
            objects = read_objects(path)
        except (OSError, Malformed) as e:
            print(f"{path}: {e}", file=sys.stderr)
            return 2
        for n, obj in enumerate(objects, 1):
            try:
                kind = check_object(obj, vkey)
                counts[kind] = counts.get(kind, 0) + 1
            except Invalid as e:
                print(f"{path}: object {n}: INVALID: {e}", file=sys.stderr)
                status = max(status, 1)
            except Malformed as e:
                print(f"{path}: object {n}: MALFORMED: {e}", file=sys.stderr)
                status = max(status, 2)
            except MissingPackage as e:
                print(f"{path}: object {n}: {e}", file=sys.stderr)
                return 3
    summary = ", ".join(f"{v} {k}" for k, v in sorted(counts.items())) or "nothing"
    print(f"rfc9162_check: valid: {summary}")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
