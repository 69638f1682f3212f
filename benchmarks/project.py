"""A throw-away copy of the project in a temporary folder, to build a registry into.

Only what a fork of the repository holds goes in: mkdocs.yml, the hand-written pages and assets
of docs/ (not the generated folders), overrides/ (not the generated partials) and hooks/. The
data file is written as data/umkm.yaml there, and the build runs with that folder as its working
directory and its own QR cache, so nothing in the working tree is written.

`snapshot` copies the sources (the generator package included) once, from the working tree or
from a git revision, so that a long benchmark measures one state of the code even while the
working tree changes; `make` and `env` then take that copy as `src`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

try:  # the generator knows which folders are its own; fall back to today's list
    sys.path.insert(0, str(ROOT))
    from generator.site import docs_files as _docs_files

    GENERATED_DOCS = set(_docs_files.GENERATED_DOCS) | set(_docs_files.GENERATED_DOCS_FILES)
    GENERATED_OVERRIDES = set(_docs_files.GENERATED_OVERRIDES)
except ImportError:  # pragma: no cover
    GENERATED_DOCS = {"umkm", "sektor", "kecamatan", "verifikasi", "api", "index.md"}
    GENERATED_OVERRIDES = {"partials/registri"}
finally:
    sys.path.pop(0)


def _copy_tree(src: Path, dst: Path, skip: set[str]) -> None:
    """Copy `src` to `dst`, leaving out the relative paths in `skip`."""
    for path in sorted(src.rglob("*")):
        rel = path.relative_to(src)
        if any(rel.as_posix() == s or rel.as_posix().startswith(s + "/") for s in skip):
            continue
        if path.is_dir():
            (dst / rel).mkdir(parents=True, exist_ok=True)
        elif path.is_file() and not path.name.endswith((".tmp", ".pyc")):
            (dst / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, dst / rel)


SOURCES = ("generator", "hooks", "mkdocs.yml", "docs", "overrides", "data/umkm.yaml")


def snapshot(dest: Path, rev: str | None = None) -> Path:
    """Copy the sources (SOURCES) to `dest`: from the working tree, or from git revision `rev`
    (committed files only). Returns `dest`, to pass as `src` to `make` and `env`."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    if rev:
        archive = subprocess.run(["git", "archive", "--format=tar", rev, *SOURCES], cwd=ROOT,
                                 check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
        return dest
    skip = {"__pycache__"}
    _copy_tree(ROOT / "generator", dest / "generator", skip)
    _copy_tree(ROOT / "hooks", dest / "hooks", skip)
    _copy_tree(ROOT / "docs", dest / "docs", GENERATED_DOCS)
    _copy_tree(ROOT / "overrides", dest / "overrides", GENERATED_OVERRIDES)
    (dest / "data").mkdir(exist_ok=True)
    shutil.copy2(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copy2(ROOT / "data" / "umkm.yaml", dest / "data" / "umkm.yaml")
    return dest


def revision(rev: str | None) -> str:
    """What a snapshot holds, for the report: a commit, or the working tree's base and state."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True,
                              text=True).stdout.strip()

    commit = git("rev-parse", "--short", rev or "HEAD") or "?"
    if rev:
        return f"commit {commit}"
    dirty = git("status", "--porcelain", "--", *SOURCES)
    return f"working tree on {commit}" + (" (with uncommitted changes)" if dirty else "")


def make(tmp: Path, data: Path | str | None = None, src: Path = ROOT) -> Path:
    """Lay out a project in `tmp` (created) from the sources in `src`, with `data` (a path,
    or YAML text) as its data/umkm.yaml; the sample of `src` when None. Returns `tmp`."""
    tmp = Path(tmp)
    src = Path(src)
    tmp.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src / "mkdocs.yml", tmp / "mkdocs.yml")
    _copy_tree(src / "docs", tmp / "docs", GENERATED_DOCS)
    _copy_tree(src / "overrides", tmp / "overrides", GENERATED_OVERRIDES)
    _copy_tree(src / "hooks", tmp / "hooks", {"__pycache__"})
    (tmp / "data").mkdir(exist_ok=True)
    target = tmp / "data" / "umkm.yaml"
    if data is None:
        shutil.copy2(src / "data" / "umkm.yaml", target)
    elif isinstance(data, Path):
        shutil.copy2(data, target)
    else:
        target.write_text(data, encoding="utf-8")
    return tmp


def build_args(tmp: Path) -> list[str]:
    """The arguments of `python -m generator build` for the project in `tmp`."""
    return ["build", "--config", str(tmp / "mkdocs.yml"), "--data",
            str(tmp / "data" / "umkm.yaml"), "--site-dir", str(tmp / "site")]


def env(tmp: Path, src: Path = ROOT) -> dict[str, str]:
    e = dict(os.environ)
    e["REGISTRI_CACHE_DIR"] = str(tmp / ".cache" / "qr")
    e["NO_MKDOCS_2_WARNING"] = "1"
    e.pop("REGISTRI_DATA", None)
    # the generator package of `src`, ahead of the installed one
    e["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src), e.get("PYTHONPATH")]))
    return e


@dataclass
class Run:
    """One subprocess: its exit code, output, wall and CPU time, peak resident memory."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float
    cpu_seconds: float
    max_rss_bytes: int


def run(cmd: list[str], cwd: Path, environ: dict[str, str] | None = None,
        timeout: float | None = None) -> Run:
    """Run `cmd` and measure it alone: os.wait4 gives the rusage of that one child."""
    out_path, err_path = Path(cwd) / ".run.out", Path(cwd) / ".run.err"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, cwd=cwd, env=environ, stdout=out, stderr=err)
        deadline = None if timeout is None else t0 + timeout
        while True:
            pid, status, usage = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if deadline and time.perf_counter() > deadline:
                p.kill()
                pid, status, usage = os.wait4(p.pid, 0)
                break
            time.sleep(0.02)
        seconds = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
    result = Run(p.returncode, out_path.read_text("utf-8", "replace"),
                 err_path.read_text("utf-8", "replace"), seconds,
                 usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024)
    out_path.unlink()
    err_path.unlink()
    return result


def build(tmp: Path, timeout: float | None = None, src: Path = ROOT) -> Run:
    """`python -m generator build` of the project in `tmp`, into tmp/site; raises on failure."""
    r = run([PYTHON, "-m", "generator", *build_args(tmp)], tmp, env(tmp, src), timeout)
    if r.returncode != 0:
        raise RuntimeError(f"build failed ({r.returncode}):\n{r.stdout}\n{r.stderr}")
    return r
