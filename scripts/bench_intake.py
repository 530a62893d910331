#!/usr/bin/env python3
"""Intake benchmark: `POST /v1/checkins` (one person) against the raw database engine doing the
same writes, in the same run, on the same machine.

    cargo build --release
    python3 scripts/bench_intake.py --bin target/release/hospes [--db sqlite,postgres]
        [--concurrency 1,16,64] [--duration 60] [--photos DIR]

For each database and each concurrency it runs, one after the other:

* hospes: `hospes serve` (release, HOSPES_WORKERS=0 so that only intake touches the database)
  loaded by `wrk` (Debian's package) with a Lua script that cycles through 500 different tenants
  from the simulated registry's population, submitting with the property's invitation;
* raw: the same four INSERTs that one accepted check-in makes (checkins, checkin_persons, seals,
  jobs), in one transaction, with the bytes of a real accepted check-in (encrypted columns, JWS)
  and fresh keys, at the same concurrency: `pgbench -f` with a generated script on PostgreSQL; on
  SQLite a small Python program with hospes's pragmas (WAL, synchronous=FULL, foreign keys,
  secure_delete, BEGIN IMMEDIATE; one connection per client).

It prints a Markdown table: throughput (check-ins or transactions per second), p50/p99 latency
(ms), the ratio hospes/raw, and the peak resident memory (VmHWM) of `serve`. With `--photos DIR`
(made by scripts/make_big_photos.py) it also uploads ten 12 MP photos at once to
`POST /v1/credentials/scan` on a fresh `serve` and reports its peak resident memory.
Nothing here is an assertion: the figures go into the README.
"""
import argparse
import json
import os
import random
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

PASSWORD = "bench password 123"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def request(port, method, path, body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method)
    req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def wait_ready(port, timeout=120):
    end = time.time() + timeout
    while time.time() < end:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2):
                return
        except Exception:
            time.sleep(0.2)
    raise SystemExit("hospes did not become ready")


def vm_hwm_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


class Service:
    """One `hospes serve` on its own database, with a landlord, a property and tenants."""

    def __init__(self, bin, db_url, tmp, workers=0, extra_env=None):
        self.port = free_port()
        self.env = dict(os.environ, HOSPES_DATABASE_URL=db_url, HOSPES_KEYS_DIR=os.path.join(tmp, "keys"),
                        HOSPES_LISTEN=f"127.0.0.1:{self.port}", HOSPES_WORKERS=str(workers), HOSPES_LOG="warn",
                        **(extra_env or {}))
        self.bin = bin
        self.log = open(os.path.join(tmp, f"serve-{self.port}.log"), "w")
        self.proc = subprocess.Popen([bin, "serve"], env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        wait_ready(self.port)
        add = subprocess.run([bin, "users", "add", "--role", "landlord", "--email", f"bench{self.port}@example.com",
                              "--password-stdin"], input=PASSWORD + "\n", env=self.env, capture_output=True, text=True)
        assert add.returncode == 0, add.stderr
        _, login = request(self.port, "POST", "/v1/auth/login", {"email": f"bench{self.port}@example.com", "password": PASSWORD})
        self.token = login["token"]
        _, prop = request(self.port, "POST", "/v1/properties",
                          {"name": "Bench", "address": "Calle 1", "jurisdiction": "ES-M", "time_zone": "Europe/Madrid"}, self.token)
        self.invitation = prop["invitation_url"].rsplit("/", 1)[1]
        people = subprocess.run([bin, "registry-sim", "people", "--json"], capture_output=True, text=True, check=True).stdout
        self.people = [{k: v for k, v in json.loads(line).items() if k != "truth"} for line in people.splitlines()]

    def body(self, person):
        return {"invitation": self.invitation, "persons": [person], "contact": {"phone": "+34 600 000 000"},
                "stay": {"check_in": "2026-12-01T14:00:00+01:00", "check_out": "2026-12-03T11:00:00+01:00"}}

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def wrk(service, concurrency, duration, tmp):
    bodies = [json.dumps(service.body(p)) for p in random.Random(3).sample(service.people, min(500, len(service.people)))]
    lua = os.path.join(tmp, "post.lua")
    with open(lua, "w") as f:
        f.write("local bodies = {\n")
        for b in bodies:
            f.write("  [==[" + b + "]==],\n")
        f.write("}\nlocal i = 0\n"
                "request = function()\n  i = i + 1\n"
                "  return wrk.format('POST', '/v1/checkins', {['Content-Type'] = 'application/json'}, bodies[(i % #bodies) + 1])\nend\n")
    threads = min(2, concurrency)
    out = subprocess.run(["wrk", "-t", str(threads), "-c", str(concurrency), "-d", f"{duration}s", "--latency", "-s", lua,
                          f"http://127.0.0.1:{service.port}"], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)

    def pct(p):
        m = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)\b", out)
        v, unit = float(m.group(1)), m.group(2)
        return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v
    return {"rate": rps, "p50": pct(50), "p99": pct(99), "non2xx": int(non2xx.group(1)) if non2xx else 0,
            "errors": errors.group(1) if errors else ""}


# --- the raw engines -------------------------------------------------------------------------

TABLES = [("checkins", "id"), ("checkin_persons", "checkin_id"), ("seals", "checkin_id"), ("jobs", "checkin_id")]
SKIP = {"seals": {"id"}, "jobs": {"id"}}


def pg_literals(url, checkin_id):
    """The columns and SQL literals of one accepted check-in's rows, per table."""
    rows = {}
    for table, key in TABLES:
        cols = [c for c in subprocess.run(
            ["psql", url, "-At", "-c", f"SELECT column_name FROM information_schema.columns WHERE table_name = '{table}' "
             "AND table_schema = current_schema() ORDER BY ordinal_position"],
            capture_output=True, text=True, check=True).stdout.split() if c not in SKIP.get(table, set())]
        sel = " || E'\\x1f' || ".join(f"quote_nullable({c})" for c in cols)
        vals = subprocess.run(["psql", url, "-At", "-c", f"SELECT {sel} FROM {table} WHERE {key} = '{checkin_id}' LIMIT 1"],
                              capture_output=True, text=True, check=True).stdout.rstrip("\n").split("\x1f")
        rows[table] = dict(zip(cols, vals))
    return rows


def pgbench(url, checkin_id, concurrency, duration, tmp):
    rows = pg_literals(url, checkin_id)
    new_id = "'raw-' || :client_id || '-' || :r"
    rows["checkins"]["id"] = new_id
    rows["checkins"]["receipt_token_hash"] = "decode(md5('raw-' || :client_id || '-' || :r), 'hex')"
    for t in ("checkin_persons", "seals", "jobs"):
        rows[t]["checkin_id"] = new_id
    script = os.path.join(tmp, "intake.sql")
    with open(script, "w") as f:
        f.write("\\set r random(1, 1000000000000)\nBEGIN;\n")
        for table, _ in TABLES:
            cols = list(rows[table])
            f.write(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join(rows[table][c] for c in cols)});\n")
        f.write("END;\n")
    out = subprocess.run(["pgbench", "-n", "-c", str(concurrency), "-j", str(min(2, concurrency)), "-T", str(duration),
                          "-r", "-f", script, "--log", "--log-prefix", os.path.join(tmp, "pgbench"), url],
                         capture_output=True, text=True, cwd=tmp)
    if out.returncode != 0:
        raise SystemExit(f"pgbench failed: {out.stderr}")
    tps = float(re.search(r"tps = ([\d.]+)", out.stdout).group(1))
    lat = []
    for name in os.listdir(tmp):
        if name.startswith("pgbench."):
            with open(os.path.join(tmp, name)) as f:
                lat += [int(line.split()[2]) / 1000 for line in f]
            os.unlink(os.path.join(tmp, name))
    lat.sort()
    return {"rate": tps, "p50": lat[len(lat) // 2], "p99": lat[int(len(lat) * 0.99)]}


def sqlite_raw(path, checkin_id, concurrency, duration):
    src = sqlite3.connect(path)
    src.row_factory = sqlite3.Row
    rows = {}
    for table, key in TABLES:
        r = src.execute(f"SELECT * FROM {table} WHERE {key} = ? LIMIT 1", (checkin_id,)).fetchone()
        rows[table] = {k: r[k] for k in r.keys() if k not in SKIP.get(table, set())}
    src.close()
    stop = time.time() + duration
    latencies = []
    lock = threading.Lock()

    def client(n):
        db = sqlite3.connect(path, isolation_level=None, timeout=30, check_same_thread=False)
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON", "secure_delete=ON", "busy_timeout=30000"):
            db.execute(f"PRAGMA {pragma}")
        stmts = [(f"INSERT INTO {t} ({', '.join(rows[t])}) VALUES ({', '.join('?' * len(rows[t]))})", t) for t, _ in TABLES]
        mine, i = [], 0
        while time.time() < stop:
            i += 1
            new_id = f"raw-{n}-{i}-{random.random()}"
            t0 = time.perf_counter()
            db.execute("BEGIN IMMEDIATE")
            for sql, t in stmts:
                values = dict(rows[t])
                if t == "checkins":
                    values["id"] = new_id
                    values["receipt_token_hash"] = os.urandom(32)
                else:
                    values["checkin_id"] = new_id
                db.execute(sql, list(values.values()))
            db.execute("COMMIT")
            mine.append((time.perf_counter() - t0) * 1000)
        with lock:
            latencies.extend(mine)
        db.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(concurrency)]
    t0 = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.time() - t0
    latencies.sort()
    return {"rate": len(latencies) / elapsed, "p50": latencies[len(latencies) // 2], "p99": latencies[int(len(latencies) * 0.99)]}


def photos_memory(bin, photos, tmp):
    files = sorted(os.path.join(photos, f) for f in os.listdir(photos) if f.startswith("12mp") and f.endswith(".jpg"))
    if not files:
        raise SystemExit(f"no 12mp*.jpg in {photos} (make them with scripts/make_big_photos.py)")
    svc = Service(bin, f"sqlite://{tmp}/photos.db", tmp)
    try:
        before = vm_hwm_mb(svc.proc.pid)
        picks = [files[i % len(files)] for i in range(10)]
        t0 = time.time()
        procs = [subprocess.Popen(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", f"authorization: Bearer {svc.token}",
                                   "-F", f"photo=@{p}", f"http://127.0.0.1:{svc.port}/v1/credentials/scan"],
                                  stdout=subprocess.PIPE, text=True) for p in picks]
        codes = [p.communicate()[0] for p in procs]
        elapsed = time.time() - t0
        return before, vm_hwm_mb(svc.proc.pid), codes, elapsed
    finally:
        svc.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--db", default="sqlite,postgres")
    ap.add_argument("--concurrency", default="1,16,64")
    ap.add_argument("--duration", type=int, default=60)
    ap.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    ap.add_argument("--photos", help="directory with 12mp*.jpg photos: measure memory while ten decode at once")
    ap.add_argument("--service-env", action="append", default=[], help="KEY=VALUE for `serve` (e.g. pool sizes)")
    args = ap.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")
    extra = dict(kv.split("=", 1) for kv in args.service_env)
    results = []
    for db in args.db.split(","):
        tmp = tempfile.mkdtemp(prefix=f"hospes-bench-{db}-")
        if db == "postgres":
            name = "hospes_bench"
            subprocess.run(["psql", f"{args.postgres}/postgres", "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True)
            subprocess.run(["psql", f"{args.postgres}/postgres", "-qc", f"CREATE DATABASE {name}"], check=True)
            url = f"{args.postgres}/{name}"
        else:
            url = f"sqlite://{tmp}/hospes.db"
        svc = Service(args.bin, url, tmp, extra_env=extra)
        try:
            status, first = request(svc.port, "POST", "/v1/checkins", svc.body(svc.people[0]))
            assert status == 202, (status, first)
            template = first["id"]
            for c in map(int, args.concurrency.split(",")):
                h = wrk(svc, c, args.duration, tmp)
                if db == "postgres":
                    r = pgbench(url, template, c, args.duration, tmp)
                else:
                    r = sqlite_raw(f"{tmp}/hospes.db", template, c, args.duration)
                results.append((db, c, h, r, vm_hwm_mb(svc.proc.pid)))
                print(f"{db} c={c}: hospes {h['rate']:.0f}/s p50 {h['p50']:.1f} p99 {h['p99']:.1f} ms (non-2xx {h['non2xx']}) | "
                      f"raw {r['rate']:.0f}/s p50 {r['p50']:.1f} p99 {r['p99']:.1f} ms | ratio {h['rate'] / r['rate']:.2f}",
                      file=sys.stderr, flush=True)
        finally:
            svc.stop()
            if db == "postgres":
                subprocess.run(["psql", f"{args.postgres}/postgres", "-qc", "DROP DATABASE IF EXISTS hospes_bench"])
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"\nIntake, {args.duration} s per row, one person per check-in; raw = the same four INSERTs in one transaction.\n")
    print("| database | concurrency | hospes check-ins/s | p50 / p99 ms | raw tx/s | p50 / p99 ms | hospes/raw | serve peak RSS MB | non-2xx |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for db, c, h, r, rss in results:
        print(f"| {db} | {c} | {h['rate']:.0f} | {h['p50']:.1f} / {h['p99']:.1f} | {r['rate']:.0f} | {r['p50']:.1f} / {r['p99']:.1f} "
              f"| {h['rate'] / r['rate']:.2f} | {rss:.0f} | {h['non2xx']} |")
    if args.photos:
        tmp = tempfile.mkdtemp(prefix="hospes-bench-photos-")
        before, after, codes, elapsed = photos_memory(args.bin, args.photos, tmp)
        print(f"\nTen 12 MP photos decoded at once (POST /v1/credentials/scan): serve peak RSS {before:.0f} MB before, "
              f"{after:.0f} MB after; answers {' '.join(codes)} in {elapsed:.1f} s")
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
