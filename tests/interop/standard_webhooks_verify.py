#!/usr/bin/env python3
"""Verifies a webhook hospes sent, with implementations nobody at hospes wrote.

- `v1` (HMAC-SHA256): the Standard Webhooks reference library for Python (`standardwebhooks`).
- `v1a` (Ed25519): PyNaCl (libsodium), with the key published at /.well-known/webhook-keys
  (`whpk_` + base64), over `{webhook-id}.{webhook-timestamp}.{body}`, within the same five-minute
  tolerance the reference library applies to `v1`.

Input: a JSON file {"headers": {...}, "body": "<the exact body>", "secret": "whsec_...",
"public_key": "whpk_..."}. Checks the webhook as received, then a tampered body and a stale
timestamp, which both schemes must refuse. Prints one line per check; exits 1 on any surprise.
"""

import base64
import json
import sys
import time

import nacl.exceptions
import nacl.signing
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

TOLERANCE_SECONDS = 5 * 60


def v1_ok(secret, headers, body):
    try:
        Webhook(secret).verify(body, headers)
        return True
    except WebhookVerificationError:
        return False


def v1a_ok(public_key, headers, body):
    ts = int(headers["webhook-timestamp"])
    if abs(time.time() - ts) > TOLERANCE_SECONDS:
        return False
    key = nacl.signing.VerifyKey(base64.b64decode(public_key.removeprefix("whpk_")))
    content = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body.encode()
    for versioned in headers["webhook-signature"].split(" "):
        version, sig = versioned.split(",", 1)
        if version != "v1a":
            continue
        try:
            key.verify(content, base64.b64decode(sig))
            return True
        except nacl.exceptions.BadSignatureError:
            pass
    return False


def main():
    case = json.load(open(sys.argv[1]))
    headers = {k.lower(): v for k, v in case["headers"].items()}
    body, secret, public_key = case["body"], case["secret"], case["public_key"]
    tampered = body.replace('"status":"', '"status":"x', 1)
    assert tampered != body
    stale = dict(headers, **{"webhook-timestamp": str(int(headers["webhook-timestamp"]) - 3600)})
    checks = [
        ("v1 as received", v1_ok(secret, headers, body), True),
        ("v1a as received", v1a_ok(public_key, headers, body), True),
        ("v1 tampered body", v1_ok(secret, headers, tampered), False),
        ("v1a tampered body", v1a_ok(public_key, headers, tampered), False),
        ("v1 stale timestamp", v1_ok(secret, stale, body), False),
        ("v1a stale timestamp", v1a_ok(public_key, stale, body), False),
        ("v1 another secret", v1_ok("whsec_" + base64.b64encode(b"k" * 32).decode(), headers, body), False),
    ]
    failed = 0
    for name, got, want in checks:
        ok = got == want
        failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {'accepted' if got else 'refused'}")
    if failed:
        sys.exit(1)
    print("VALID: v1 and v1a verify; tampered and stale webhooks are refused")


if __name__ == "__main__":
    main()
