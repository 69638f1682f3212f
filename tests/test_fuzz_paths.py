"""Seeded fuzzing of every path option of every command (issue 18): devices, FIFOs, folders,
symlinks (to devices, in loops, dangling, in chains), huge sparse files, binary junk, empty
files, names with newlines or terminal escapes, names too long. The options come from walking
the argparse parsers (tests/path_options.py), so a new option is fuzzed too.

Contract for every input: exit 0 or 1 (1 for every file that breaks the rule), no traceback, no
hang (each case stopped after 20 s, memory capped at 8 GB), and every line printed free of
control characters (a name with a newline or an escape cannot forge a line or a colour).
"""

from __future__ import annotations

import os
import random
import time

from conftest import make_project
from path_options import OPTIONS, argv_for, run_many

SEED = 20261206
N_CASES = 480
SUFFIXES = (".yaml", ".xlsx", ".csv", ".json", ".yml", "")


def _junk(rng: random.Random) -> bytes:
    kind = rng.randrange(6)
    n = rng.choice((0, 1, 7, 100, 4096, 70_000))
    if kind == 0:
        return bytes(rng.randrange(256) for _ in range(n))
    if kind == 1:
        return b"PK\x03\x04" + bytes(rng.randrange(256) for _ in range(n))  # a broken zip
    if kind == 2:
        return b"\xef\xbb\xbf" + b"\x00" * n
    if kind == 3:
        return ("a: [" * rng.choice((10, 500, 5000))).encode()
    if kind == 4:
        return b"z6Mk" + b"1" * n + b"\n\xff\xfe"
    return "\u202e\u200b".encode() * n


def _make(base, rng: random.Random, i: int) -> str:
    """One hostile path under `base` (made on disk), chosen by `rng`."""
    suffix = rng.choice(SUFFIXES)
    name = rng.choice(("f", "a b", "baris\nbaru", "warna\x1b[31m", "ü-ñ", "-strip")) + f"{i}"
    path = base / (name + suffix)
    kind = rng.randrange(11)
    if kind == 0:
        return rng.choice(("/dev/zero", "/dev/null", "/dev/urandom", "/dev/full", "/dev/tty"))
    if kind == 1:
        os.mkfifo(path)
    elif kind == 2:
        path.mkdir()
        if rng.random() < 0.5:
            (path / "umkm.yaml").write_text("x", encoding="utf-8")
    elif kind == 3:
        path.symlink_to(rng.choice(("/dev/zero", "/dev/urandom", "/proc/self/mem", "/")))
    elif kind == 4:
        path.symlink_to(path.name)  # a loop
    elif kind == 5:
        path.symlink_to(base / f"tidak-ada-{i}")  # dangling
    elif kind == 6:
        target = base / f"sasaran-{i}"
        os.mkfifo(target)
        middle = base / f"tengah-{i}"
        middle.symlink_to(target)
        path.symlink_to(middle)  # a chain ending in a FIFO
    elif kind == 7:
        with open(path, "wb") as f:
            f.truncate(rng.choice((3 * 2**20, 4 * 2**20 + 1, 5 * 2**30, 2**40)))  # sparse
    elif kind == 8:
        path.write_bytes(_junk(rng))
    elif kind == 9:
        return str(base / ("n" * rng.choice((255, 256, 5000))))  # at and past NAME_MAX
    else:
        path.write_bytes(b"")
    return str(path)


def test_fuzz_every_path_option(tmp_path):
    rng = random.Random(SEED)
    project = make_project(tmp_path / "p")
    (project / "impor.csv").write_text("id,nama\n", encoding="utf-8")
    base = project / "jahat"
    base.mkdir()
    # (REGISTRI_KUNCI_FILE is read only by a signed build: tests/test_user_files.py calls its
    # reader directly)
    options = sorted((c, o) for (c, o), role in OPTIONS.items() if role not in ("-", "out"))
    cases, names = [], []
    for i in range(N_CASES):
        command, option = rng.choice(options)
        path = _make(base, rng, i)
        if command == "serve" and (os.path.isfile(path) or not os.path.exists(path)):
            command, option = "check", "--data"  # serve runs on, showing the data's errors
        cases.append(argv_for(command, option, path))
        names.append((command, option, path))
    t0 = time.monotonic()
    results = run_many(project, cases)
    seconds = time.monotonic() - t0
    bad = []
    for (command, option, path), (rc, out) in zip(names, results, strict=True):
        control = [ch for ch in out if ord(ch) < 32 and ch != "\n" or ch == "\x7f"]
        if rc not in (0, 1) or "Traceback" in out or control:
            bad.append((command, option, path, rc, out[-500:]))
    print(f"\nfuzz of path options: {len(cases)} inputs in {seconds:.1f} s, {len(bad)} violations")
    assert not bad, sorted({(c, o, str(rc), repr(out[-160:])) for c, o, _, rc, out in bad})
