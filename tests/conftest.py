"""Shared fixtures: the sample registry, a real Chromium, a local web server."""

from __future__ import annotations

import functools
import http.server
import os
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "umkm.yaml"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


@pytest.fixture(scope="session")
def browser():
    """A real headless Debian Chromium, driven by Playwright (skipped if not installed)."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("REGISTRI_REQUIRE_BROWSER"):
            pytest.fail(f"Chromium not found at {CHROMIUM} and REGISTRI_REQUIRE_BROWSER is set")
        pytest.skip("Chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def bench_module(name: str):
    """A module of benchmarks/ (project.py copies and builds the project as the benchmarks do)."""
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location(
        f"_bench_{name}", ROOT / "benchmarks" / f"{name}.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output clean
        pass


@pytest.fixture(scope="session")
def serve_dir():
    """serve_dir(path) -> base URL of a localhost HTTP server for that folder.

    Unknown paths get the folder's 404.html with status 404, as GitHub Pages does."""
    servers = []

    def start(directory: Path) -> str:
        directory = Path(directory)

        class Handler(_QuietHandler):
            def send_error(self, code, message=None, explain=None):
                page = directory / "404.html"
                if code == 404 and page.exists():
                    body = page.read_bytes()
                    self.send_response(404)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                super().send_error(code, message, explain)

        handler = functools.partial(Handler, directory=str(directory))
        srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        servers.append(srv)
        return f"http://127.0.0.1:{srv.server_address[1]}/"

    yield start
    for s in servers:
        s.shutdown()


# -- git in tests: a fixed identity, no user or system configuration -------------------------

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Uji",
    "GIT_AUTHOR_EMAIL": "uji@dinkop-uji.go.id",
    "GIT_COMMITTER_NAME": "Uji",
    "GIT_COMMITTER_EMAIL": "uji@dinkop-uji.go.id",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(cwd: Path, *args: str) -> str:
    """Run git in `cwd` (asserting success); its stdout."""
    import subprocess

    r = subprocess.run(
        ["git", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **GIT_ENV},
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
    return r.stdout


# -- building real sites in tmp_path ------------------------------------------------------------

# A fixed build date (2026-11-28 00:00 UTC) so statuses do not drift with the calendar.
FIXED_EPOCH = "1795824000"
PROJECT_FILES = ("mkdocs.yml", "docs", "overrides", "hooks")
GENERATED = (
    "docs/umkm",
    "docs/sektor",
    "docs/kecamatan",
    "docs/verifikasi",
    "docs/lencana",
    "docs/api",
    "docs/index.md",
    "docs/index.html",
    "overrides/partials/registri",
)


def make_project(dest: Path, data_text: str | None = None, site_url: str | None = "keep") -> Path:
    """Copy the project's site files (not the generated ones) into `dest`, with `data_text` as
    data/umkm.yaml (the sample when None). site_url: "keep", None (remove) or a new value."""
    import re
    import shutil as _sh

    dest.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        src = ROOT / name
        if src.is_dir():
            _sh.copytree(src, dest / name, ignore=_sh.ignore_patterns("__pycache__"))
        else:
            _sh.copy2(src, dest / name)
    for g in GENERATED:
        p = dest / g
        if p.is_dir():
            _sh.rmtree(p)
        elif p.exists():
            p.unlink()
    (dest / "data").mkdir(exist_ok=True)
    text = data_text if data_text is not None else SAMPLE.read_text(encoding="utf-8")
    (dest / "data" / "umkm.yaml").write_text(text, encoding="utf-8")
    if site_url != "keep":
        cfg = (dest / "mkdocs.yml").read_text(encoding="utf-8")
        line = "" if site_url is None else f"site_url: {site_url}"
        cfg = re.sub(r"(?m)^site_url:.*$", line, cfg)
        (dest / "mkdocs.yml").write_text(cfg, encoding="utf-8")
    return dest


def run_generator(project: Path, *args: str, epoch: str | None = FIXED_EPOCH, env=None):
    """Run `python -m generator ARGS` in `project`; returns CompletedProcess (text)."""
    import subprocess
    import sys

    e = dict(os.environ)
    e.pop("REGISTRI_DATA", None)
    e["REGISTRI_CACHE_DIR"] = str(project / ".cache" / "qr")
    if epoch is None:
        e.pop("SOURCE_DATE_EPOCH", None)
    else:
        e["SOURCE_DATE_EPOCH"] = epoch
    e.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=project,
        capture_output=True,
        text=True,
        env=e,
        timeout=600,
    )


def run_mkdocs(project: Path, *args: str, env=None, timeout: int = 600):
    """Run plain `mkdocs build ARGS` in `project` (the hook, no generator command line) with
    os.environ plus `env` (a None value removes that variable); returns CompletedProcess
    (text). MkDocs 2.0's banner is silenced."""
    import subprocess
    import sys

    e = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    for name, value in (env or {}).items():
        if value is None:
            e.pop(name, None)
        else:
            e[name] = value
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", *args],
        cwd=project,
        capture_output=True,
        text=True,
        env=e,
        timeout=timeout,
    )


def as_real_registry(text: str) -> str:
    """The registry `text` as a real one: `contoh: false`, and without the inline `rahasia`
    blocks that only a sample may hold (a real registry keeps them in data/rahasia.yaml)."""
    import re

    text = re.sub(r"(?m)^(\s*)rahasia:.*\n(?:\1 .*\n)*", "", text)
    return text.replace("contoh: true", "contoh: false")


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Path:
    """The sample registry, built once per session at the fixed date. Returns site/."""
    project = make_project(tmp_path_factory.mktemp("sample"))
    r = run_generator(project, "build", "--strict")
    assert r.returncode == 0, r.stdout + r.stderr
    return project / "site"
