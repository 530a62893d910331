#!/usr/bin/env python3
"""Verify a hospes receipt with an independent JOSE implementation (jwcrypto).

Usage: jose_verify_receipt.py RECEIPT.json JWKS.json

Checks, for every seal of the receipt: the compact JWS verifies (RFC 7515, alg EdDSA per
RFC 8037) with the key its `kid` names in the JWKS; its payload names the receipt's check-in;
and each seal's `prev` is base64url(SHA-256) of the previous seal's compact serialization.
Exit 0 only when all of that holds. Needs: pip install jwcrypto.
"""
import base64
import hashlib
import json
import sys

from jwcrypto import jwk, jws


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def main() -> int:
    receipt = json.load(open(sys.argv[1], encoding="utf-8"))
    keys = jwk.JWKSet.from_json(open(sys.argv[2], encoding="utf-8").read())
    previous = None
    for index, seal in enumerate(receipt["seals"]):
        compact = seal["jws"]
        token = jws.JWS()
        token.allowed_algs = ["EdDSA"]
        try:
            token.deserialize(compact)
            key = keys.get_key(token.jose_header["kid"])
            if key is None:
                print(f"seal {index}: unknown key {token.jose_header['kid']}")
                return 1
            token.verify(key, alg="EdDSA")
        except Exception as e:  # jwcrypto raises several exception types
            print(f"seal {index}: {type(e).__name__}: {e}")
            return 1
        payload = json.loads(token.payload)
        if payload["checkin"] != receipt["checkin_id"]:
            print(f"seal {index}: another check-in")
            return 1
        expected_prev = None if previous is None else b64url(hashlib.sha256(previous.encode()).digest())
        if index > 0 and payload.get("prev") != expected_prev:
            print(f"seal {index}: broken prev chain")
            return 1
        previous = compact
        print(f"ok {payload['event']} {payload['time']}")
    print(f"VALID: {len(receipt['seals'])} seal(s) verified by jwcrypto")
    return 0


if __name__ == "__main__":
    sys.exit(main())
