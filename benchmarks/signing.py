"""Signing benchmark: what signing adds to a build, per certificate.

    python benchmarks/signing.py [--sizes 10000,100000] [--build 10000] [--cold-max 20000]

For each size, on a synthetic registry (synth.py) with one key listed, in this process:
  - cold: every credential canonicalized (pyld RDFC-1.0) and signed, empty proof cache
    (parallel over the cores, as a build does), when the size is at most --cold-max;
  - warm: the same again with the cache of the cold run: what a daily rebuild with unchanged
    data pays (build the credentials, hash them, look the proof up, write JSON), plus the two
    status lists (re-signed on every build) and did.json. Above --cold-max the cache is filled
    with placeholder proofs made without canonicalization (the warm path never looks inside a
    proof), so the warm figure is measured and the cold one is left to the per-certificate
    figure of the smaller size.
Wall time and CPU time (this process and its workers) are both printed: on a shared machine
the CPU time is the steadier figure.
With --build N, also three real builds of N UMKM (`python -m generator build` in a throw-away
project, as bench.py does), unsigned and signed: a first one, then two warm ones (the lower
is compared): warm unsigned and warm signed, for the ratio
"signing adds at most 10% to a warm build", with the seconds of the `sign` and `sums` stages.
Prints a Markdown table; nothing is asserted.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import project  # noqa: E402
import synth  # noqa: E402

from generator import signing  # noqa: E402
from generator.data import load  # noqa: E402
from generator.signing import cache, keys, newkey  # noqa: E402

BUILT = datetime(2026, 11, 28, tzinfo=UTC)
SITE_URL = "https://example.github.io/registri-umkm/"


def with_key(text: str, item: str) -> str:
    block = "  kunci:\n" + "".join("    " + line + "\n" for line in item.splitlines())
    return re.sub(r"(?m)^(  contoh: .*\n)", lambda m: m.group(1) + block, text, count=1)


def make_key(folder: Path) -> tuple[Path, str]:
    out = folder / "kunci.pem"
    return out, newkey.make(out, "kunci-bench", BUILT.date())


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def sign_pass(registry, signer, folder: Path) -> tuple[float, float, int, int]:
    """(wall s, CPU s, bytes, signed anew) of one signed_files pass."""
    os.environ[cache.CACHE_ENV] = str(folder / "bukti")
    t0, c0 = time.perf_counter(), _cpu()
    n_bytes = sum(len(data) for _, data in signing.signed_files(registry, BUILT, signer, folder))
    return time.perf_counter() - t0, _cpu() - c0, n_bytes, signing.stats["signed"]


def _placeholder_hash(job) -> bytes:
    return hashlib.sha256(repr(job).encode()).digest() * 2


def in_process(n: int, tmp: Path, cold_max: int) -> dict:
    key_file, item = make_key(tmp)
    registry = load.parse(with_key(synth.render(n), item))
    signer = keys.signer_for(registry, BUILT, SITE_URL, environ={keys.KEY_FILE_ENV: str(key_file)})
    n_cert = sum(1 for _ in registry.certificates())
    row = {"umkm": n, "certificates": n_cert, "cores": os.cpu_count()}
    if n <= cold_max:
        wall, cpu, n_bytes, made = sign_pass(registry, signer, tmp)
        row.update(cold=wall, cold_cpu=cpu, signed=made, bytes=n_bytes)
    else:  # warm needs a filled cache: placeholder proofs, made without canonicalization
        real = signing._hash_data
        signing._hash_data = _placeholder_hash
        try:
            sign_pass(registry, signer, tmp)
        finally:
            signing._hash_data = real
    wall, cpu, n_bytes, made = sign_pass(registry, signer, tmp)
    row.update(warm=wall, warm_cpu=cpu, warm_signed=made, bytes=n_bytes)
    return row


def full_builds(n: int, tmp: Path) -> dict:
    src = project.snapshot(tmp / "src")
    key_file, item = make_key(tmp)
    text = synth.render(n)
    out = {}
    for label, data, key in (("unsigned", text, None), ("signed", with_key(text, item), key_file)):
        proj = project.make(tmp / label, data, src)
        env = project.env(proj, src)
        env[cache.CACHE_ENV] = str(proj / ".cache" / "bukti")
        env["SOURCE_DATE_EPOCH"] = str(int(BUILT.timestamp()))
        if key:
            env[keys.KEY_FILE_ENV] = str(key)
        cmd = [project.PYTHON, str(HERE / "buildrun.py"), *project.build_args(proj)]
        runs = []
        for _ in range(3):  # first (cold caches), then warm twice: the daily rebuild
            r = project.run(cmd, proj, env)
            line = next(x for x in r.stdout.splitlines() if x.startswith("BENCH: "))
            runs.append({"wall": r.seconds, "cpu": r.cpu_seconds, **json.loads(line[7:])})
        out[label] = runs
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="10000,100000")
    p.add_argument("--cold-max", type=int, default=20000,
                   help="time the cold pass only up to this many UMKM")
    p.add_argument("--build", type=int, default=0, help="also full builds of this many UMKM")
    args = p.parse_args(argv)
    print("| UMKM | certificates | cold: wall s; CPU ms/cert | warm: wall s; CPU ms/cert "
          "| signed anew when warm |")
    print("|---|---|---|---|---|")
    for n in (int(x) for x in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            row = in_process(n, Path(tmp), args.cold_max)
        c = row["certificates"]
        cold = (f"{row['cold']:.1f}; {row['cold_cpu'] / c * 1000:.2f}" if "cold" in row
                else "not timed")
        print(f"| {n:,} | {c:,} | {cold} | {row['warm']:.1f}; "
              f"{row['warm_cpu'] / c * 1000:.3f} | {row['warm_signed']} |", flush=True)
    if args.build:
        with tempfile.TemporaryDirectory() as tmp:
            out = full_builds(args.build, Path(tmp))
        print(f"\nFull builds, {args.build:,} UMKM (wall s; stages s):")
        for label, runs in out.items():
            for i, r in enumerate(runs):
                st = {k: round(v, 1) for k, v in r["stages"].items()}
                print(f"- {label}, {'first' if i == 0 else f'warm {i}'}: wall "
                      f"{r['wall']:.1f} s, CPU {r['cpu']:.1f} s; stages {st}")
        for what in ("wall", "cpu"):  # the lower of the two warm runs of each
            u = min(r[what] for r in out["unsigned"][1:])
            s = min(r[what] for r in out["signed"][1:])
            print(f"warm signed / warm unsigned ({what}): {s / u:.3f} (+{(s - u) / u * 100:.1f} %)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
