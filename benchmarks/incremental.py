"""What a change costs (issue 22): cold build, a rebuild without change, and a rebuild after one
certificate's status changed, each `python -m generator build` in a process of its own (wall,
CPU, peak RSS, seconds per stage from buildrun.py), repeated and interleaved.

    python benchmarks/incremental.py [--sizes 1000,10000] [--rounds 2] [--src DIR] [--plain]

Rounds interleave: the fair plain engine (`--plain`: bench.plain_project, MkDocs + Material
rendering every page a reader opens, verification pages included, into an empty folder), a cold
build (from what a CI runner has: no site, no generated docs/, the QR cache kept), a rebuild
without change, and a rebuild after one certificate's status changed; the same project. Prints
one line per build and a summary (median and spread). Nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import tempfile
from pathlib import Path

import bench
import project
import synth

HERE = Path(__file__).resolve().parent


def build(tmp: Path, src: Path, *extra: str) -> dict:
    cmd = [project.PYTHON, str(HERE / "buildrun.py"), *project.build_args(tmp), *extra]
    r = project.run(cmd, tmp, project.env(tmp, src))
    line = next((ln for ln in r.stdout.splitlines() if ln.startswith("BENCH: ")), None)
    if r.returncode != 0 or line is None:
        raise RuntimeError(f"build failed ({r.returncode}):\n{r.stdout[-3000:]}{r.stderr[-3000:]}")
    data = json.loads(line[len("BENCH: ") :])
    return {"wall": r.seconds, "cpu": r.cpu_seconds, "rss": r.max_rss_bytes, **data}


def change_one_status(data: Path, n: int) -> str:
    """Revoke the n-th certificate still without a status; its id."""
    text = data.read_text(encoding="utf-8")
    blocks = [
        m
        for m in re.finditer(r"(?m)^      - id: (\S+)\n((?:        .*\n)*)", text)
        if "        status:" not in m.group(2)
    ]
    block = blocks[n % len(blocks)]
    target = block.group(1)
    add = (
        "        status: dicabut\n        alasan_status: Uji\n        tanggal_status: 2026-05-01\n"
    )
    text = text[: block.end()] + add + text[block.end() :]
    data.write_text(text, encoding="utf-8")
    return target


def empty(tmp: Path) -> None:
    """What a CI runner starts from (the QR cache kept, as actions/cache does): no site, no
    generated docs/, no manifests. Not timed."""
    for rel in ("site", *(f"docs/{d}" for d in project.GENERATED_DOCS)):
        p = tmp / rel
        if p.is_dir():
            shutil.rmtree(p)
        elif p.exists():
            p.unlink()
    for p in tmp.glob(".*.json"):
        p.unlink()
    for p in tmp.glob(".site-hapus-*"):
        shutil.rmtree(p, ignore_errors=True)


def plain(tmp: Path, src: Path) -> dict:
    """The fair plain engine (bench.plain_project) into an empty folder; its deletion of the
    last plain site is not timed (ours removes it in the background)."""
    shutil.rmtree(tmp / "plain" / "site", ignore_errors=True)
    return bench.plain_build(tmp / "plain", src)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--src", default=str(project.ROOT))
    ap.add_argument("--no-cold", action="store_true", help="skip the cold builds")
    ap.add_argument("--plain", action="store_true", help="interleave the fair plain engine")
    args = ap.parse_args()
    src = Path(args.src)
    uptime = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(f"load at start: {uptime}", flush=True)
    for n in [int(s) for s in args.sizes.split(",")]:
        with tempfile.TemporaryDirectory(prefix=f"inkremental-{n}-") as d:
            tmp = Path(d)
            project.make(tmp, synth.render(n), src)
            first = build(tmp, src)  # the QR cache is filled, as on an admin's next day
            print(f"{n} first: wall {first['wall']:.1f} s, CPU {first['cpu']:.1f} s", flush=True)
            if args.plain:
                bench.plain_project(tmp / "plain", tmp)
            rows: dict[str, list[dict]] = {"plain": [], "cold": [], "unchanged": []}
            rows["one status"] = []
            for k in range(args.rounds):
                if args.plain:
                    rows["plain"].append(plain(tmp, src))
                if not args.no_cold:
                    empty(tmp)
                    rows["cold"].append(build(tmp, src))
                rows["unchanged"].append(build(tmp, src))
                change_one_status(tmp / "data" / "umkm.yaml", k)
                rows["one status"].append(build(tmp, src))
                for name, runs in rows.items():
                    if not runs:
                        continue
                    r = runs[-1]
                    stages = {s: round(v, 1) for s, v in r.get("stages", {}).items()}
                    print(
                        f"{n} {name}: wall {r['wall']:.1f} s, CPU {r['cpu']:.1f} s, "
                        f"RSS {r['rss'] / 2**20:.0f} MB, {stages}",
                        flush=True,
                    )
            for name, runs in [(k, v) for k, v in rows.items() if v]:
                walls, cpus = [r["wall"] for r in runs], [r["cpu"] for r in runs]
                rss = max(r["rss"] for r in runs) / 2**20
                print(
                    f"{n} {name}: wall median {statistics.median(walls):.1f} s "
                    f"({min(walls):.1f}-{max(walls):.1f}), CPU median "
                    f"{statistics.median(cpus):.1f} s ({min(cpus):.1f}-{max(cpus):.1f}), "
                    f"peak RSS {rss:.0f} MB"
                )
    uptime = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(f"load at end: {uptime}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
