"""What one certificate's status change costs in `python -m generator serve` (issue 22): the
time from the save to serve's "Situs dibangun ulang" line, and the CPU the serve process spent
on that rebuild (from /proc, Linux only).

    python benchmarks/serve_change.py --project DIR [--changes 2]

DIR is a project made by project.make (benchmarks/incremental.py makes one per size); its data
file is edited in place (one status per change, as incremental.change_one_status does).
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import incremental
import project


def _cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _rebuilt(proc) -> str:
    while True:
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError("serve berhenti")
        if line.startswith("Situs dibangun ulang"):
            return line.strip()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--project", required=True)
    ap.add_argument("--changes", type=int, default=2)
    args = ap.parse_args()
    tmp = Path(args.project)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = project.env(tmp)
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=tmp,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        t0 = time.perf_counter()
        print(f"first: {_rebuilt(proc)} ({time.perf_counter() - t0:.1f} s)", flush=True)
        for k in range(args.changes):
            time.sleep(2)
            c0 = _cpu(proc.pid)
            t0 = time.perf_counter()
            cert = incremental.change_one_status(tmp / "data" / "umkm.yaml", 100 + k)
            line = _rebuilt(proc)
            print(
                f"one status ({cert}): wall {time.perf_counter() - t0:.1f} s, CPU "
                f"{_cpu(proc.pid) - c0:.1f} s; serve: {line}",
                flush=True,
            )
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
