#!/usr/bin/env python3
"""The pipeline under faults: several hospes processes sharing one database, a registry that
fails and goes down, processes killed with SIGKILL and restarted — and afterwards every accepted
check-in has exactly one sealed outcome, none is lost, none is verified without the registry
saying so, and every outcome matches the synthetic person's truth.

Standard library only. Usage (see .ci/run and README):

  tests/fault/chaos.py --bin target/debug/hospes --db postgres --checkins 2000
  tests/fault/chaos.py --bin target/debug/hospes --db sqlite --checkins 600
  tests/fault/chaos.py --bin target/release/hospes --db postgres --bench --rate 200 --duration 60 \
      --latency-ms 50   # the benchmark variant: steady rate, no kills; prints p50/p99

Exit status 0 only when every guarantee holds.
"""
import argparse
import http.client
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

TERMINAL = {"verified", "flagged"}
OUTCOME_EVENTS = ("verified", "flagged", "rechecked")
PASSWORD = "chaos test password 123"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Proc:
    """A child process we can SIGKILL and start again with the same command."""

    def __init__(self, name, argv, env, logdir):
        self.name, self.argv, self.env = name, argv, env
        self.log = open(os.path.join(logdir, f"{name}.log"), "ab")
        self.p = None
        self.kills = 0

    def start(self):
        self.p = subprocess.Popen(self.argv, env=self.env, stdout=self.log, stderr=self.log)

    def kill(self):
        if self.p and self.p.poll() is None:
            self.p.send_signal(signal.SIGKILL)
            self.p.wait()
            self.kills += 1

    def stop(self):
        if self.p and self.p.poll() is None:
            self.p.terminate()
            try:
                self.p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.p.kill()


def request(port, method, path, body=None, token=None, timeout=15):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, (json.loads(data) if data and data[:1] in b"{[" else data)


def wait_ready(port, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if request(port, "GET", "/readyz", timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"FAIL: instance on port {port} never became ready")


def expected_outcome(person, variant):
    """What the registry's truth says this submission must end as: (status, reason or None)."""
    status = person["truth"]["document_status"]
    if variant == "unknown":
        return "flagged", "not_found"
    reasons = {"expired": "document_expired", "revoked": "document_invalid",
               "lost_or_stolen": "document_lost_or_stolen", "holder_deceased": "holder_deceased"}
    if status != "valid":
        return "flagged", reasons[status]
    if variant == "wrong_birth":
        return "flagged", "identity_mismatch"
    return "verified", None


class Database:
    def __init__(self, kind, tmp):
        self.kind = kind
        if kind == "postgres":
            admin = os.environ.get("HOSPES_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")
            self.admin = admin
            self.name = f"hospes_chaos_{int(time.time())}_{random.randint(0, 9999)}"
            self.psql(self.admin, f"CREATE DATABASE {self.name}")
            self.url = admin.rsplit("/", 1)[0] + "/" + self.name
        else:
            self.path = os.path.join(tmp, "hospes.db")
            self.url = f"sqlite://{self.path}"

    @staticmethod
    def psql(url, sql):
        out = subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-Atc", sql], capture_output=True, text=True)
        if out.returncode != 0:
            raise SystemExit(f"FAIL: psql: {out.stderr.strip()}")
        return [line.split("|") for line in out.stdout.splitlines() if line]

    def query(self, sql):
        if self.kind == "postgres":
            return self.psql(self.url, sql)
        with sqlite3.connect(self.path, timeout=30) as db:
            return [[str(c) for c in row] for row in db.execute(sql).fetchall()]

    def drop(self):
        if self.kind == "postgres":
            self.psql(self.admin, f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    ap.add_argument("--checkins", type=int, default=2000)
    ap.add_argument("--instances", type=int, default=None)
    ap.add_argument("--workers", type=int, default=None, help="separate `hospes worker` processes")
    ap.add_argument("--error-rate", type=float, default=0.2)
    ap.add_argument("--latency-ms", type=int, default=5)
    ap.add_argument("--down-for", type=float, default=20.0, help="seconds the registry is down")
    ap.add_argument("--kill-every", type=float, default=4.0)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--submit-rate", type=float, default=30.0, help="check-ins per second offered while faults run")
    ap.add_argument("--settle", type=float, default=600, help="seconds to wait for outcomes")
    ap.add_argument("--bench", action="store_true", help="steady rate, no kills, no failures: latency figures")
    ap.add_argument("--rate", type=float, default=200.0)
    ap.add_argument("--duration", type=float, default=60.0)
    ap.add_argument("--warmup", type=float, default=5.0, help="bench: seconds of submissions at the rate before the measured ones")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--serve-workers", type=int, default=None, help="HOSPES_WORKERS of each serve instance")
    ap.add_argument("--worker-count", type=int, default=None, help="workers in each `hospes worker` process")
    args = ap.parse_args()
    if args.instances is None:
        args.instances = 3 if args.db == "postgres" else 1
    if args.workers is None:
        args.workers = 2 if args.db == "postgres" else 0
    if args.bench:
        args.error_rate, args.down_for, args.kill_every = 0.0, 0.0, 0.0
    if args.serve_workers is None:
        args.serve_workers = 8 if args.bench else (1 if args.db == "postgres" else 2)
    if args.worker_count is None:
        args.worker_count = 8 if args.bench else 2

    tmp = tempfile.mkdtemp(prefix="hospes-chaos-")
    keys = os.path.join(tmp, "keys")
    db = Database(args.db, tmp)
    population, seed = 2000, 7
    reg_port = free_port()
    base_env = dict(os.environ, HOSPES_DATABASE_URL=db.url, HOSPES_KEYS_DIR=keys, HOSPES_LOG="info,sqlx=warn",
                    HOSPES_REGISTRY_URL=f"http://127.0.0.1:{reg_port}", HOSPES_REGISTRY_TIMEOUT_MS="2000")
    procs = []
    registry = Proc("registry", [args.bin, "registry-sim", "--listen", f"127.0.0.1:{reg_port}", "--population", str(population),
                                 "--seed", str(seed), "--error-rate", str(args.error_rate), "--latency-ms", str(args.latency_ms)],
                    base_env, tmp)
    registry.start()
    instances = []
    for i in range(args.instances):
        port = free_port()
        env = dict(base_env, HOSPES_LISTEN=f"127.0.0.1:{port}", HOSPES_WORKERS=str(args.serve_workers))
        instances.append((port, Proc(f"serve-{i}", [args.bin, "serve"], env, tmp)))
    workers = [Proc(f"worker-{i}", [args.bin, "worker", "--count", str(args.worker_count)], base_env, tmp) for i in range(args.workers)]
    try:
        # The first instance creates the keys and migrates; then the others start.
        instances[0][1].start()
        wait_ready(instances[0][0])
        for port, p in instances[1:]:
            p.start()
        for port, _ in instances[1:]:
            wait_ready(port)
        for w in workers:
            w.start()
        procs = [p for _, p in instances] + workers

        add = subprocess.run([args.bin, "users", "add", "--role", "landlord", "--email", "chaos@example.com", "--password-stdin"],
                             input=PASSWORD + "\n", env=base_env, capture_output=True, text=True)
        assert add.returncode == 0, add.stderr
        _, login = request(instances[0][0], "POST", "/v1/auth/login", {"email": "chaos@example.com", "password": PASSWORD})
        token = login["token"]
        _, prop = request(instances[0][0], "POST", "/v1/properties",
                          {"name": "Chaos", "address": "Calle 1", "jurisdiction": "ES-M", "time_zone": "Europe/Madrid"}, token)
        invitation = prop["invitation_url"].rsplit("/", 1)[1]
        people = [json.loads(line) for line in subprocess.run(
            [args.bin, "registry-sim", "people", "--population", str(population), "--seed", str(seed), "--json"],
            capture_output=True, text=True, check=True).stdout.splitlines()]

        accepted = {}  # id -> (expected status, expected reason, receipt token, submitted at)
        unacknowledged = [0]
        rejected = []
        lock = threading.Lock()
        stop = threading.Event()
        rnd = random.Random(11)
        plan = []
        total = int(args.rate * (args.duration + args.warmup)) if args.bench else args.checkins
        for n in range(total):
            person = rnd.choice(people)
            variant = rnd.choices(["genuine", "wrong_birth", "unknown"], [70, 15, 15])[0]
            if variant == "wrong_birth" and person["nationality"] == "CHN":
                # A Chinese identity card number carries the birth date: intake refuses the
                # contradiction before the registry is asked. Keep to what reaches the registry.
                variant = "genuine"
            plan.append((n, person, variant))

        def submit(item):
            n, person, variant = item
            p = {k: v for k, v in person.items() if k != "truth"}
            if variant == "wrong_birth":
                p["birth_date"] = "1931-07-0" + str(1 + n % 9)
            if variant == "unknown":
                # A well-formed passport number that no one in the registry holds.
                p["document"] = {"type": "passport", "number": f"ZX{n:07d}", "issuing_country": p["nationality"]}
            body = {"invitation": invitation, "persons": [p], "contact": {"phone": "+34 600 000 000"},
                    "stay": {"check_in": "2026-12-01T14:00:00+01:00", "check_out": "2026-12-03T11:00:00+01:00"}}
            for attempt in range(6):
                port = instances[(n + attempt) % len(instances)][0]
                try:
                    status, resp = request(port, "POST", "/v1/checkins", body)
                except OSError:
                    with lock:
                        unacknowledged[0] += 1  # the instance died mid-request: maybe stored, maybe not
                    continue
                if status == 202:
                    with lock:
                        accepted[resp["id"]] = (*expected_outcome(person, variant), resp["receipt_token"], time.time())
                    return
                if status >= 500 or status == 503:
                    time.sleep(0.2)
                    continue
                with lock:
                    rejected.append(f"{status}: {resp}")
                return

        def chaos():
            t0 = time.time()
            down_done = args.down_for <= 0
            while not stop.is_set():
                time.sleep(args.kill_every if args.kill_every > 0 else 1)
                if stop.is_set():
                    break
                if not down_done and time.time() - t0 > 10:
                    registry.kill()
                    print(f"  registry down for {args.down_for:.0f} s", flush=True)
                    stop.wait(args.down_for)
                    registry.start()
                    down_done = True
                    continue
                if args.kill_every > 0:
                    victim = rnd.choice(procs)
                    victim.kill()
                    time.sleep(0.5)
                    victim.start()

        chaos_thread = threading.Thread(target=chaos, daemon=True)
        chaos_thread.start()
        t_start = time.time()
        print(f"submitting {total} check-ins to {len(instances)} instance(s) with {len(workers)} worker process(es) on {args.db}", flush=True)
        if args.bench:
            interval = 1.0 / args.rate
            threads = []
            for i, item in enumerate(plan):
                delay = t_start + i * interval - time.time()
                if delay > 0:
                    time.sleep(delay)
                t = threading.Thread(target=submit, args=(item,))
                t.start()
                threads.append(t)
                if len(threads) > 256:
                    threads = [t for t in threads if t.is_alive()]
            for t in threads:
                t.join()
        else:
            it = iter(enumerate(plan))
            it_lock = threading.Lock()
            def run():
                while True:
                    with it_lock:
                        nxt = next(it, None)
                    if nxt is None:
                        return
                    i, item = nxt
                    delay = t_start + i / args.submit_rate - time.time()
                    if delay > 0:
                        time.sleep(delay)
                    submit(item)
            pool = [threading.Thread(target=run) for _ in range(args.threads)]
            for t in pool:
                t.start()
            for t in pool:
                t.join()
        submit_secs = time.time() - t_start
        print(f"submitted in {submit_secs:.1f} s: {len(accepted)} accepted, {unacknowledged[0]} unacknowledged", flush=True)
        # Let the chaos run a little longer, then let everything settle.
        time.sleep(0 if args.bench else 5)
        stop.set()
        chaos_thread.join()
        for p in [registry] + procs:
            if p.p is None or p.p.poll() is not None:
                p.start()

        deadline = time.time() + args.settle
        ids = list(accepted)
        while True:
            rows = db.query("SELECT status, COUNT(*) FROM checkins GROUP BY status")
            counts = {s: int(c) for s, c in rows}
            pending = sum(c for s, c in counts.items() if s not in TERMINAL)
            if pending == 0 or time.time() > deadline:
                break
            time.sleep(1)

        # Every guarantee, from the database and from the API.
        problems = []
        in_db = {r[0]: r[1] for r in db.query("SELECT id, status FROM checkins")}
        outcome_seals = {}
        for cid, event, n in db.query(
                "SELECT checkin_id, event, COUNT(*) FROM seals GROUP BY checkin_id, event"):
            outcome_seals.setdefault(cid, {})[event] = int(n)
        if rejected:
            problems.append(f"{len(rejected)} submission(s) refused, e.g. {rejected[0]}")
        lost = [i for i in ids if i not in in_db]
        if lost:
            problems.append(f"{len(lost)} accepted check-in(s) missing from the database")
        not_terminal = [i for i, s in in_db.items() if s not in TERMINAL]
        if not_terminal:
            problems.append(f"{len(not_terminal)} check-in(s) not in a terminal state after {args.settle:.0f} s")
        twice = [i for i, ev in outcome_seals.items()
                 if sum(ev.get(e, 0) for e in ("verified", "flagged")) != 1 and in_db.get(i) in TERMINAL]
        if twice:
            problems.append(f"{len(twice)} check-in(s) without exactly one outcome seal")
        no_submitted = [i for i in in_db if outcome_seals.get(i, {}).get("submitted") != 1]
        if no_submitted:
            problems.append(f"{len(no_submitted)} check-in(s) without exactly one submitted seal")
        tally = {"verified": 0, "flagged": 0, "registry_unavailable": 0, "mismatch": 0, "false_verified": 0}
        latencies, timeline = [], []
        sample = ids if len(ids) <= 5000 else random.sample(ids, 5000)
        for cid in sample:
            exp_status, exp_reason, rtoken, _ = accepted[cid]
            status, view = request(instances[0][0], "GET", f"/v1/checkins/{cid}", token=rtoken, timeout=30)
            if status != 200:
                problems.append(f"check-in {cid} answered {status}")
                continue
            got = view["status"]
            reason = view["flags"][0]["reason"] if view["flags"] else None
            if got == "verified" and exp_status != "verified":
                tally["false_verified"] += 1
            if reason == "registry_unavailable":
                tally["registry_unavailable"] += 1
            elif (got, reason) != (exp_status, exp_reason):
                tally["mismatch"] += 1
                if tally["mismatch"] <= 5:
                    print(f"  mismatch {cid}: expected {exp_status}/{exp_reason}, got {got}/{reason}")
            if got in tally:
                tally[got] += 1
            seals = view["seals"]
            outcome = [s for s in seals if s["event"] in OUTCOME_EVENTS]
            if outcome:
                t0 = time_of(seals[0]["created_at"])
                latencies.append(time_of(outcome[0]["created_at"]) - t0)
                timeline.append((t0, latencies[-1]))
        if tally["false_verified"]:
            problems.append(f"{tally['false_verified']} check-in(s) verified against the registry's truth")
        if tally["mismatch"]:
            problems.append(f"{tally['mismatch']} outcome(s) differ from the registry's truth")

        kills = {p.name: p.kills for p in [registry] + procs if p.kills}
        print()
        print("| measure | count |")
        print("| --- | ---: |")
        print(f"| check-ins accepted (202) | {len(ids)} |")
        print(f"| submissions unacknowledged (instance killed mid-request) | {unacknowledged[0]} |")
        print(f"| check-ins in the database | {len(in_db)} |")
        print(f"| accepted but lost | {len(lost)} |")
        print(f"| not terminal | {len(not_terminal)} |")
        print(f"| without exactly one outcome seal | {len(twice)} |")
        print(f"| verified | {tally['verified']} |")
        print(f"| flagged (real reasons) | {tally['flagged'] - tally['registry_unavailable']} |")
        print(f"| flagged registry_unavailable (dead-lettered) | {tally['registry_unavailable']} |")
        print(f"| verified without the registry's truth | {tally['false_verified']} |")
        print(f"| outcome differs from truth | {tally['mismatch']} |")
        print(f"| processes killed (SIGKILL) | {sum(kills.values())} {kills} |")
        if latencies and args.bench:
            # The first --warmup seconds of submissions open the connection pools; not measured.
            first = min(t for t, _ in timeline)
            latencies = [l for t, l in timeline if t >= first + args.warmup]
            # Where the slow ones are: the worst latency of each 5-second window of submissions.
            start = min(t for t, _ in timeline)
            windows = {}
            for t, l in timeline:
                w = int((t - start) // 5)
                windows[w] = max(windows.get(w, 0), l)
            print("worst latency per 5 s window (ms):", " ".join(f"{windows[w]*1000:.0f}" for w in sorted(windows)))
        if latencies:
            latencies.sort()
            q = lambda f: latencies[min(len(latencies) - 1, int(f * len(latencies)))]
            print(f"| submission → sealed outcome p50 / p99 / max | {q(0.5)*1000:.0f} / {q(0.99)*1000:.0f} / {latencies[-1]*1000:.0f} ms |")
        if args.bench:
            print(f"| offered rate | {args.rate:.0f} /s for {args.duration:.0f} s after {args.warmup:.0f} s of warm-up; registry latency {args.latency_ms} ms |")
        print()
        if problems:
            for p in problems:
                print("FAIL:", p)
            print(f"logs kept in {tmp}")
            return 1
        print("PASS: every accepted check-in has exactly one sealed outcome that matches the registry's truth")
        return 0
    finally:
        for p in [registry] + procs:
            p.stop()
        if not args.keep:
            db.drop()


def time_of(rfc3339):
    from datetime import datetime
    return datetime.fromisoformat(rfc3339.replace("Z", "+00:00")).timestamp()


if __name__ == "__main__":
    sys.exit(main())
