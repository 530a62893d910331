#!/usr/bin/env python3
"""Partner interface figures, as ratios measured in one run against one live hospes (SQLite,
workers off so that only intake is measured):

- intake throughput of `POST /v1/checkins/batch` (100 items a request) against the same
  check-ins sent one `POST /v1/checkins` at a time;
- the time of an idempotent replay against the time of the first request with that key.

Usage: scripts/bench_partner.py --bin target/release/hospes [--count 300]
"""

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "tests" / "interop"))
from partner_api_check import PASSWORD, a_person, free_port, http, run  # noqa: E402


def post(url, body, key, extra=None):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")
    req.add_header("content-type", "application/json")
    req.add_header("authorization", f"Bearer {key}")
    for k, v in (extra or {}).items():
        req.add_header(k, v)
    with urllib.request.urlopen(req, timeout=120) as resp:
        return resp.status, resp.read()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--count", type=int, default=300)
    args = ap.parse_args()
    hospes = str(pathlib.Path(args.bin).resolve())
    work = pathlib.Path(tempfile.mkdtemp(prefix="hospes-bench-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, HOSPES_DATA_DIR=str(work / "data"), HOSPES_KEYS_DIR=str(work / "keys"),
               HOSPES_LISTEN=f"127.0.0.1:{port}", HOSPES_WORKERS="0", RUST_LOG="warn")
    env.pop("HOSPES_DATABASE_URL", None)
    run([hospes, "migrate"], env)
    run([hospes, "users", "add", "--role", "landlord", "--email", "l@example.com", "--password-stdin"], env, PASSWORD + "\n")
    partner = run([hospes, "partners", "create", "--name", "bench"], env)
    key = run([hospes, "partners", "key", "--partner", partner, "--scope", "checkins:write", "--jurisdiction", "ES-M",
               "--rate-per-minute", "100000"], env)
    server = subprocess.Popen([hospes, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                http("GET", f"{base}/healthz")
                break
            except Exception:
                time.sleep(0.1)
        _, login = http("POST", f"{base}/v1/auth/login", {"email": "l@example.com", "password": PASSWORD})
        _, prop = http("POST", f"{base}/v1/properties", {"name": "Flat", "address": "Calle Mayor 1, Madrid",
                                                         "jurisdiction": "ES-M", "time_zone": "Europe/Madrid"}, login["token"])
        body = {"property_id": prop["id"], "stay": {"check_in": "2026-12-01T14:00:00+01:00", "check_out": "2026-12-04T11:00:00+01:00"},
                "persons": [a_person(hospes, env)], "contact": {"phone": "+34 600 000 000"}}
        n = args.count - args.count % 100
        for _ in range(20):  # warm up
            post(f"{base}/v1/checkins", body, key)
        t = time.perf_counter()
        for _ in range(n):
            assert post(f"{base}/v1/checkins", body, key)[0] == 202
        single = n / (time.perf_counter() - t)
        t = time.perf_counter()
        for _ in range(n // 100):
            status, out = post(f"{base}/v1/checkins/batch", {"items": [body] * 100}, key)
            assert status == 200 and json.loads(out)["accepted"] == 100
        batch = n / (time.perf_counter() - t)
        first, replay = [], []
        for i in range(100):
            h = {"Idempotency-Key": f"bench-{i}"}
            t = time.perf_counter()
            post(f"{base}/v1/checkins", body, key, h)
            first.append(time.perf_counter() - t)
            t = time.perf_counter()
            post(f"{base}/v1/checkins", body, key, h)
            replay.append(time.perf_counter() - t)
        f, r = statistics.median(first), statistics.median(replay)
        print(f"check-ins: {n} one at a time {single:.0f}/s; in batches of 100 {batch:.0f}/s; ratio {batch / single:.2f}")
        print(f"idempotency: first request median {f * 1000:.2f} ms, replay {r * 1000:.2f} ms; replay/first {r / f:.2f}")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
