#!/usr/bin/env python3
"""QR decode benchmark: hospes beside zxing-cpp on shared/testdata/qr.

Both decoders run single-threaded on the same machine in the same run, each decoding the image
file from disk every time (zxing-cpp: PIL open + read_barcodes(formats=QRCode, text_mode=Plain); hospes: the
`hospes qr decode --json` CLI, whose "ms" covers reading and decoding the file). Each image is
decoded --repeat times per decoder and its median time is kept.

Setup once (any venv path works):
    python3 -m venv .venv-bench && .venv-bench/bin/pip install zxing-cpp==3.1.1 pillow numpy
    cargo build --release
Run:
    .venv-bench/bin/python scripts/bench_qr.py [--hospes target/release/hospes] [--repeat 3]
    .venv-bench/bin/python scripts/bench_qr.py --files /tmp/phone/*.jpg   # other photos, per file
"""
import argparse, json, os, statistics, subprocess, sys, time
from pathlib import Path


def testdata_dir():
    for d in [os.environ.get("HOSPES_TESTDATA"), Path(__file__).resolve().parents[1] / "../shared/testdata",
              "/work/shared/testdata"]:
        if d and (Path(d) / "qr" / "MANIFEST.tsv").is_file():
            return Path(d) / "qr"
    sys.exit("shared/testdata/qr not found; set HOSPES_TESTDATA")


def manifest(qr):
    rows = []
    lines = (qr / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()
    head = lines[0].split("\t")
    for line in lines[1:]:
        r = dict(zip(head, line.split("\t")))
        exp = None
        if r["expected_text_file"]:
            exp = [(qr / r["expected_text_file"]).read_bytes().decode("utf-8")]
            if r.get("expected_alt_file"):
                exp.append((qr / r["expected_alt_file"]).read_bytes().decode("utf-8"))
        rows.append((r["path"], exp))
    return rows


def run_zxing(qr, rows):
    import zxingcpp
    from PIL import Image
    out = {}
    for path, _ in rows:
        t0 = time.perf_counter()
        try:
            with Image.open(qr / path) as im:
                im.load()
                res = zxingcpp.read_barcodes(im, formats=zxingcpp.BarcodeFormat.QRCode,
                                             text_mode=zxingcpp.TextMode.Plain)
            texts = [r.text for r in res if r.valid]
        except Exception as e:  # a crash of the reference counts as "no text"
            texts = []
        out[path] = (texts, (time.perf_counter() - t0) * 1e3)
    return out


def run_hospes(exe, qr, rows):
    files = [str(qr / p) for p, _ in rows]
    proc = subprocess.run([exe, "qr", "decode", "--json", *files], capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        sys.exit(f"hospes failed ({proc.returncode}): {proc.stderr[-2000:]}")
    out = {}
    for line, (path, _) in zip(proc.stdout.splitlines(), rows):
        obj = json.loads(line)
        assert obj["file"].endswith(path), (obj["file"], path)
        out[path] = (obj.get("texts", []), obj["ms"])
    if len(out) != len(rows):
        sys.exit(f"hospes printed {len(out)} results for {len(rows)} files (stderr: {proc.stderr[-2000:]})")
    return out


def repeated(fn, n):
    runs = [fn() for _ in range(n)]
    return {p: (runs[0][p][0], statistics.median(r[p][1] for r in runs)) for p in runs[0]}


def pct(xs, p):
    xs = sorted(xs)
    k = p * (len(xs) - 1)
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def score(rows, res):
    labeled = [(p, e) for p, e in rows if e]
    ok = sum(any(t in e for t in res[p][0]) for p, e in labeled)
    wrong = sum(any(t not in e for t in res[p][0]) for p, e in labeled)
    times = [res[p][1] for p, _ in rows]
    return dict(ok=ok, n=len(labeled), wrong=wrong, median=statistics.median(times), p95=pct(times, 0.95),
                unlabeled_read=sum(bool(res[p][0]) for p, e in rows if not e))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    target = os.environ.get("CARGO_TARGET_DIR", str(Path(__file__).resolve().parents[1] / "target"))
    ap.add_argument("--hospes", default=str(Path(target) / "release" / "hospes"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--details", action="store_true", help="list images where the decoders differ")
    ap.add_argument("--files", nargs="+", help="unlabeled photos to time instead of the corpus (e.g. the "
                    "12 MP ones of make_phone_photos.py): a row per file, then p50/p95 over all")
    a = ap.parse_args()
    if a.files:
        return per_file(a)
    qr = testdata_dir()
    rows = manifest(qr)
    z = repeated(lambda: run_zxing(qr, rows), a.repeat)
    h = repeated(lambda: run_hospes(a.hospes, qr, rows), a.repeat)
    sz, sh = score(rows, z), score(rows, h)
    import zxingcpp
    print(f"corpus: {qr} ({len(rows)} images, {sz['n']} labeled); median of {a.repeat} runs per image\n")
    print("| decoder | decoded correctly (of %d labeled) | wrong | median ms | p95 ms | unlabeled read |" % sz["n"])
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, s in [("hospes", sh), (f"zxing-cpp {getattr(zxingcpp, '__version__', '')}".strip(), sz)]:
        print(f"| {name} | {s['ok']} ({100 * s['ok'] / s['n']:.1f} %) | {s['wrong']} | {s['median']:.2f} | "
              f"{s['p95']:.1f} | {s['unlabeled_read']} |")
    print(f"| ratio hospes / zxing-cpp | {sh['ok'] / sz['ok']:.3f} | | {sh['median'] / sz['median']:.2f} | "
          f"{sh['p95'] / sz['p95']:.2f} | |")
    agree = sum(1 for p, e in rows if not e and h[p][0] and set(h[p][0]) & set(z[p][0]))
    print(f"\nunlabeled images read by both with the same text (consensus): {agree}")
    if a.details:
        for p, e in rows:
            if e:
                hz, zz = any(t in e for t in h[p][0]), any(t in e for t in z[p][0])
                if hz != zz:
                    print(f"  {p}: hospes={'ok' if hz else 'miss'} zxing-cpp={'ok' if zz else 'miss'}")
            elif set(h[p][0]) != set(z[p][0]):
                print(f"  {p} (unlabeled): hospes={h[p][0]!r:.80} zxing-cpp={z[p][0]!r:.80}")


def per_file(a):
    import zxingcpp
    root, rows = Path("/"), [(str(Path(f).resolve()), None) for f in a.files]
    z = repeated(lambda: run_zxing(root, rows), a.repeat)
    h = repeated(lambda: run_hospes(a.hospes, root, rows), a.repeat)
    print(f"median of {a.repeat} runs per file; hospes: the CLI's ms (reading and decoding the file); "
          f"zxing-cpp {getattr(zxingcpp, '__version__', '')}: PIL open + read_barcodes\n")
    print("| file | hospes ms | zxing-cpp ms | ratio | same text |")
    print("| --- | ---: | ---: | ---: | --- |")
    for p, _ in rows:
        same = "yes" if set(h[p][0]) & set(z[p][0]) else ("both none" if not h[p][0] and not z[p][0] else "no")
        print(f"| {Path(p).name} | {h[p][1]:.1f} | {z[p][1]:.1f} | {h[p][1] / z[p][1]:.2f} | {same} |")
    ht, zt = [h[p][1] for p, _ in rows], [z[p][1] for p, _ in rows]
    for name, f in [("p50", statistics.median), ("p95", lambda xs: pct(xs, 0.95))]:
        print(f"| **{name}** | {f(ht):.1f} | {f(zt):.1f} | {f(ht) / f(zt):.2f} | |")


if __name__ == "__main__":
    main()
