"""Check benchmark: time and peak memory of `python -m generator check`.

    python benchmarks/check.py [--sizes 10000,51000] [--repeat 3] [--compare REV] [--hostile]

For each size a synthetic registry (synth.py) is checked in a subprocess of its own (os.wait4
gives that one child's CPU time; its peak memory is the child's own VmHWM, read at exit: a
child's ru_maxrss also counts its parent's pages from before exec), `--repeat` times,
alternating with the code of git revision REV when `--compare` is given, so both see the same
machine load; the table keeps the lowest CPU time and the highest peak memory of each. 51,000
UMKM make a 50 MB file.
`--hostile` adds files that are not registries: a 50 MB list pasted under an unknown key, and
an alias bomb of ~1 KB. Nothing is asserted; the table is printed (Markdown).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import project
import synth


def hostile_files(tmp: Path) -> dict[str, Path]:
    sample = (project.ROOT / "data" / "umkm.yaml").read_text(encoding="utf-8")
    pasted = tmp / "pasted.yaml"
    with pasted.open("w", encoding="utf-8") as f:
        f.write(sample + "tempelan:\n")
        for _ in range(125):
            f.write("- x\n" * 100_000)
    # the umkm list holds 1,000 aliases of one UMKM holding 1,000 aliases of one certificate
    head = sample.split("\numkm:\n")[0]
    cert = "&c {id: uji-x, nomor: X, pemegang: P, skema: S, lsp: mwpm, zzz: 1}"
    umkm = ("&u {id: u-x, nama: N, pemilik: P, sektor: batik, kecamatan: Kraksaan, "
            "sertifikat: [" + cert + ", " + ", ".join(["*c"] * 999) + "]}")
    aliases = tmp / "aliases.yaml"
    aliases.write_text(head + "\numkm: [" + umkm + ", " + ", ".join(["*u"] * 999) + "]\n",
                       encoding="utf-8")
    return {
        "50 MB list under an unknown key": pasted,
        "alias bomb (8 KB: 1,000 x 1,000 certificates)": aliases,
    }


# runs `python -m generator ARGS` and prints its own peak memory (Linux: VmHWM) on stderr
RUNNER = """\
import re, sys
from generator.__main__ import main
code = main(sys.argv[1:])
status = open("/proc/self/status").read()
print("VmHWM", re.search(r"VmHWM:\\s+([0-9]+) kB", status).group(1), file=sys.stderr)
sys.exit(code)
"""


def measure(data: Path, src: Path, timeout: float) -> tuple[project.Run, int]:
    """(the run, its peak resident memory in bytes)."""
    cmd = [project.PYTHON, "-c", RUNNER, "check", "--data", str(data)]
    r = project.run(cmd, data.parent, project.env(data.parent, src), timeout=timeout)
    hwm = [ln for ln in r.stderr.splitlines() if ln.startswith("VmHWM ")]
    return r, int(hwm[-1].split()[1]) * 1024 if hwm else 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="10000,51000")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--compare", metavar="REV", help="also measure this git revision")
    p.add_argument("--hostile", action="store_true")
    p.add_argument("--timeout", type=float, default=900)
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="check-bench-") as t:
        tmp = Path(t)
        sources = {"this tree": project.snapshot(tmp / "src-new")}
        labels = {"this tree": project.revision(None)}  # what the snapshot holds, now
        if args.compare:
            sources[args.compare] = project.snapshot(tmp / "src-old", args.compare)
            labels[args.compare] = project.revision(args.compare)
        files = {}
        for n in (int(s) for s in args.sizes.split(",") if s):
            path = tmp / f"umkm-{n}.yaml"  # written by a child: this process stays small
            project.run([project.PYTHON, synth.__file__, str(n), str(path)], tmp)
            files[f"{n:,} UMKM"] = path
        if args.hostile:
            files.update(hostile_files(tmp))
        rows = ["| file | MB | code | exit | CPU s (min) | wall s | peak RSS MB (max) |",
                "|---|---|---|---|---|---|---|"]
        for label, path in files.items():
            best: dict[str, list] = {}
            for _ in range(args.repeat):
                for name, src in sources.items():
                    r, peak = measure(path, src, args.timeout)
                    b = best.setdefault(name, [r.returncode, r.cpu_seconds, r.seconds, 0])
                    b[1], b[2] = min(b[1], r.cpu_seconds), min(b[2], r.seconds)
                    b[3] = max(b[3], peak)
                    print(f"  {label} / {name}: exit {r.returncode}, {r.cpu_seconds:.1f} s CPU, "
                          f"{peak / 2**20:.0f} MB", file=sys.stderr)
            size = path.stat().st_size / 1e6
            for name, (code, cpu, wall, rss) in best.items():
                rows.append(f"| {label} | {size:.1f} | {labels[name]} | {code} | {cpu:.1f} "
                            f"| {wall:.1f} "
                            f"| {rss / 2**20:,.0f} |")
        print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
