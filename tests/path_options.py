"""Every path the command line reads or writes, found by walking its argparse parsers, and the
hostile files put in their place (shared by tests/test_user_files.py and tests/test_fuzz_paths.py).

OPTIONS names each option of every command with what it is: "in" (a file the command reads),
"folder-in" (a folder it reads), "out" (a file or folder it writes) or "-" (not a path). A new
option fails tests/test_user_files.py::test_every_option_is_classified until it is added here.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from generator.__main__ import build_parser

# (command, option) -> role. Sub-commands are "kunci baru".
OPTIONS: dict[tuple[str, str], str] = {
    ("check", "--data"): "in",
    ("check", "--previous"): "in",
    ("check", "--format"): "-",
    ("check", "--config"): "in",
    ("build", "--data"): "in",
    ("build", "--site-dir"): "out",
    ("build", "--config"): "in",
    ("build", "--strict"): "-",
    ("build", "--mesin"): "-",
    ("build", "--catat"): "-",
    ("build", "--pratinjau"): "-",
    ("build", "--bersih"): "-",
    ("serve", "--data"): "in",
    ("serve", "--config"): "in",
    ("serve", "--dev-addr"): "-",
    ("serve", "--jaringan"): "-",
    ("docs", "--root"): "folder-in",
    ("qr", "--data"): "in",
    ("qr", "--out"): "out",
    ("qr", "--config"): "in",
    ("qr", "--semua"): "-",
    ("qr", "--sertifikat"): "-",
    ("qr", "--sejak"): "-",
    ("kunci baru", "--out"): "out",
    ("kunci baru", "--id"): "-",
    ("verify", "situs"): "folder-in",
    ("verify", "--kunci"): "in",
    ("verify", "--portal"): "in",
    ("verify", "--pada"): "-",
    ("export", "--data"): "in",
    ("export", "--out"): "out",
    ("export", "--templat"): "-",
    ("export", "--rahasia"): "-",
    ("export", "--timpa"): "-",
    ("export", "--di-repo"): "-",
    ("import", "berkas"): "in",
    ("import", "--data"): "in",
    ("import", "--dry-run"): "-",
    ("import", "--format"): "-",
}

# Environment variables naming a file, read like an option.
ENV_PATHS = {("build", "REGISTRI_KUNCI_FILE"): "in"}


def walk(parser: argparse.ArgumentParser | None = None, prefix: str = ""):
    """(command, option) for every option of every (sub)command, help excluded."""
    parser = parser or build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from walk(sub, f"{prefix} {name}".strip())
        elif isinstance(action, argparse._HelpAction):
            continue
        elif prefix:
            yield prefix, (action.option_strings[-1] if action.option_strings else action.dest)


def argv_for(command: str, option: str, path: str) -> tuple[list[str], dict[str, str]]:
    """The command line putting `path` in `option`, the rest valid in a sample project."""
    words = command.split()
    env: dict[str, str] = {}
    if option.startswith("REGISTRI_"):
        env[option] = path
        return [*words, "--site-dir", "site-uji"], env
    if command == "verify" and option.startswith("--"):
        return ["verify", ".", option, path], env
    if command == "verify":
        return ["verify", path], env
    if command == "import" and option == "berkas":
        return ["import", path, "--dry-run"], env
    if command == "import":
        return ["import", "impor.csv", "--data", path, "--dry-run"], env
    if command == "export" and option != "--out":
        return ["export", option, path, "--out", "hasil.xlsx"], env
    if command == "kunci baru":
        return ["kunci", "baru", "--out", path], env
    if command == "serve":
        return ["serve", option, path, "--dev-addr", "127.0.0.1:18793"], env
    return [*words, option, path], env


def hostile_paths(base: Path, suffix: str = ".yaml") -> dict[str, str]:
    """Name -> path of each hostile kind of file, made under `base`."""
    base.mkdir(parents=True, exist_ok=True)
    fifo = base / f"pipa{suffix}"
    if not fifo.exists():
        os.mkfifo(fifo)
    folder = base / f"folder{suffix}"
    folder.mkdir(exist_ok=True)
    link = base / f"tautan{suffix}"
    if not link.is_symlink():
        link.symlink_to("/dev/zero")
    sparse = base / f"jarang{suffix}"
    if not sparse.exists():
        with open(sparse, "wb") as f:
            f.truncate(3 * 1024**3)  # 3 GB of nothing: a sparse file
    loop = base / f"putar{suffix}"
    if not loop.is_symlink():
        loop.symlink_to(loop.name)
    return {
        "perangkat": "/dev/zero",
        "pipa": str(fifo),
        "folder": str(folder),
        "tautan-ke-perangkat": str(link),
        "berkas-jarang-3GB": str(sparse),
        "tautan-berputar": str(loop),
    }


_DRIVER = r"""
import contextlib, io, json, resource, signal, sys, os
resource.setrlimit(resource.RLIMIT_AS, (8 * 1024**3, resource.getrlimit(resource.RLIMIT_AS)[1]))
from generator.__main__ import main
class Hang(BaseException):
    pass
def alarm(*_):
    raise Hang()
signal.signal(signal.SIGALRM, alarm)
results = []
for argv, env in json.loads(sys.stdin.read()):
    os.environ.update(env)
    out = io.StringIO()
    signal.alarm(int(os.environ.get("PATH_TEST_SECONDS", "20")))
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            rc = main(argv)
    except SystemExit as e:
        rc = e.code
    except Hang:
        rc = "hang"
    except BaseException as e:
        import traceback
        rc = "exception"
        out.write(traceback.format_exc())
    finally:
        signal.alarm(0)
    for k in env:
        os.environ.pop(k, None)
    results.append([rc, out.getvalue()])
print(json.dumps(results))
"""


def run_many(project: Path, cases: list[tuple[list[str], dict[str, str]]]) -> list[tuple]:
    """Run `main(argv)` for each case in one Python process in `project` (memory capped at 8 GB,
    each case stopped after 20 s): [(exit code or "hang"/"exception", output)]."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1795824000"}
    env.pop("REGISTRI_DATA", None)
    r = subprocess.run(
        [sys.executable, "-c", _DRIVER],
        cwd=project,
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    return [tuple(x) for x in json.loads(r.stdout.splitlines()[-1])]
