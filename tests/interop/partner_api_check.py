#!/usr/bin/env python3
"""The partner interface checked by tools nobody at hospes wrote, against a live hospes.

1. A client generated from openapi.yaml by openapi-python-client (PyPI) submits a check-in with
   a partner key and reads its status until the registry check has run.
2. schemathesis (PyPI) runs the committed openapi.yaml against the live service with that key:
   no server error, no response outside its schema, no undocumented status code, no
   undocumented content type.

Usage: partner_api_check.py --bin target/debug/hospes [--python PY] [--max-examples N]
The Python given (default: this one) must have schemathesis and openapi-python-client.
Exits non-zero on any failure; starts and stops its own hospes (SQLite in a temporary dir).
"""

import argparse
import json
import os
import pathlib
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method, url, body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", f"Bearer {token}")
    with urllib.request.urlopen(req, timeout=30) as resp:
        return resp.status, json.loads(resp.read() or b"null")


def run(cmd, env, stdin=None):
    out = subprocess.run(cmd, env=env, input=stdin, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"FAIL: {' '.join(cmd[:3])}...: {out.stderr.strip()}")
    return out.stdout.strip()


def a_person(hospes, env):
    """A synthetic Spanish person with a valid document, as the registry simulation prints it."""
    out = run([hospes, "registry-sim", "people", "--json"], env)
    for line in out.splitlines():
        p = json.loads(line)
        if p["truth"]["document_status"] == "valid" and p["nationality"] == "ESP":
            del p["truth"]
            return p
    sys.exit("FAIL: no valid Spanish person in the simulated population")


GENERATED_CLIENT_TEST = r'''
import json, sys, time
from hospes_client import AuthenticatedClient
from hospes_client.api.checkins import submit, get
from hospes_client.models import CheckinRequest

base, key, body = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
client = AuthenticatedClient(base_url=base, token=key, raise_on_unexpected_status=True)
resp = submit.sync_detailed(client=client, body=CheckinRequest.from_dict(body))
assert resp.status_code == 202, (resp.status_code, resp.content)
accepted = resp.parsed
print("submitted", accepted.id, accepted.status)
for _ in range(100):
    view = get.sync(client=client, id=accepted.id)
    if str(view.status.value) not in ("submitted", "checking"):
        break
    time.sleep(0.1)
print("status", view.status.value)
assert view.status.value == "verified", view.status
'''


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--max-examples", default="25")
    args = ap.parse_args()
    hospes = str(pathlib.Path(args.bin).resolve())
    venv_bin = pathlib.Path(args.python).parent
    work = pathlib.Path(tempfile.mkdtemp(prefix="hospes-partner-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, HOSPES_DATA_DIR=str(work / "data"), HOSPES_KEYS_DIR=str(work / "keys"),
               HOSPES_LISTEN=f"127.0.0.1:{port}", HOSPES_PUBLIC_URL=base, HOSPES_WEBHOOK_ALLOW_PRIVATE="true",
               RUST_LOG="warn")
    env.pop("HOSPES_DATABASE_URL", None)
    server = None
    try:
        run([hospes, "migrate"], env)
        run([hospes, "users", "add", "--role", "landlord", "--email", "l@example.com", "--password-stdin"], env, PASSWORD + "\n")
        partner = run([hospes, "partners", "create", "--name", "CI agency"], env)
        key = run([hospes, "partners", "key", "--partner", partner, "--scope", "checkins:write", "--scope", "checkins:read",
                   "--scope", "webhooks:manage", "--scope", "seals:read", "--jurisdiction", "ES-M",
                   "--rate-per-minute", "100000"], env)
        server = subprocess.Popen([hospes, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=open(work / "serve.log", "w"))
        for _ in range(200):
            try:
                http("GET", f"{base}/healthz")
                break
            except Exception:
                time.sleep(0.1)
        _, login = http("POST", f"{base}/v1/auth/login", {"email": "l@example.com", "password": PASSWORD})
        _, prop = http("POST", f"{base}/v1/properties", {"name": "Flat 3B", "address": "Calle Mayor 1, Madrid",
                                                         "jurisdiction": "ES-M", "time_zone": "Europe/Madrid"}, login["token"])
        body = {"property_id": prop["id"], "stay": {"check_in": "2026-12-01T14:00:00+01:00", "check_out": "2026-12-04T11:00:00+01:00"},
                "persons": [a_person(hospes, env)], "contact": {"phone": "+34 600 000 000"}}

        print("=== a client generated by openapi-python-client")
        gen = work / "gen"
        gen.mkdir()
        (gen / "config.yaml").write_text("project_name_override: hospes-client\npackage_name_override: hospes_client\n")
        out = subprocess.run([str(venv_bin / "openapi-python-client"), "generate", "--path", str(ROOT / "openapi.yaml"),
                              "--config", str(gen / "config.yaml"), "--output-path", str(gen / "hospes-client")],
                             capture_output=True, text=True)
        print(out.stdout[-2000:], out.stderr[-2000:])
        if out.returncode != 0:
            sys.exit("FAIL: openapi-python-client could not generate a client from openapi.yaml")
        test = subprocess.run([args.python, "-c", GENERATED_CLIENT_TEST, base, key, json.dumps(body)],
                              env=dict(os.environ, PYTHONPATH=str(gen / "hospes-client")), capture_output=True, text=True)
        print(test.stdout, test.stderr[-3000:])
        if test.returncode != 0:
            sys.exit("FAIL: the generated client could not submit a check-in and read its status")

        # Twice: as the partner (the partner routes) and as a landlord (the landlord's routes);
        # every other route answers both with a documented problem.
        for who, token in (("partner key", key), ("landlord", login["token"])):
            print(f"=== schemathesis against the live service, as the {who}")
            st = subprocess.run([str(venv_bin / "st"), "run", str(ROOT / "openapi.yaml"), "--url", base,
                                 "-H", f"Authorization: Bearer {token}",
                                 "--checks", "not_a_server_error,status_code_conformance,response_schema_conformance,"
                                             "content_type_conformance,response_headers_conformance",
                                 "--exclude-path", "/v1/auth/logout",
                                 "--max-examples", args.max_examples, "--phases", "examples,coverage,fuzzing",
                                 "--seed", "1", "--no-color", "--request-timeout", "30", "--warnings", "off"],
                                cwd=work)
            if st.returncode != 0:
                sys.exit(f"FAIL: schemathesis ({who}) found responses that break openapi.yaml (see above)")
        print("OK: the generated client works and schemathesis found nothing")
    finally:
        if server:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
