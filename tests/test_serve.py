"""`python -m generator serve`: one rebuild per save, the last good site kept whatever fails,
and the error shown in the browser on the page the admin is looking at (issue 9 fault 8,
issue 10)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import make_project
from hostile import hostile_yaml

SITE_URL = "https://registri.dinkop-uji.go.id/registri/"
MOUNT = "/registri/"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, timeout: float = 5) -> tuple[int, str] | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")
    except OSError:
        return None


def _wait_for(predicate, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.3)
    return False


class Serve:
    """A running `python -m generator serve` in a test project."""

    def __init__(self, project: Path, tmp_path: Path):
        self.project = project
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, REGISTRI_CACHE_DIR=str(tmp_path / "qr"), NO_MKDOCS_2_WARNING="1")
        env.pop("SOURCE_DATE_EPOCH", None)  # the real clock, as an admin runs it
        env.pop("REGISTRI_DATA", None)
        self.log_path = tmp_path / "serve.log"
        self.log_file = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "--dev-addr", f"127.0.0.1:{self.port}"],
            cwd=project,
            env=env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def status(self) -> dict | None:
        got = _get(f"{self.base}/__registri__/status")
        return json.loads(got[1]) if got and got[0] == 200 else None

    def wait_version(self, version: int, seconds: float = 120) -> bool:
        return _wait_for(lambda: (self.status() or {}).get("versi", -1) >= version, seconds)

    def wait_error(self, seconds: float = 120) -> bool:
        return _wait_for(lambda: bool((self.status() or {}).get("galat")), seconds)

    def log(self) -> str:
        return self.log_path.read_text("utf-8", "replace")

    def stop(self) -> str:
        os.killpg(self.proc.pid, signal.SIGINT)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.log_file.close()
        return self.log()


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    """One preview for the module (starting one costs a build)."""
    tmp = tmp_path_factory.mktemp("serve")
    project = make_project(tmp / "p", hostile_yaml(), site_url=SITE_URL)
    s = Serve(project, tmp)
    try:
        assert s.wait_version(1), s.log()
        yield s
    finally:
        s.stop()


@pytest.fixture
def serving(preview):
    """The preview in a good state; each test repairs what it breaks and leaves it so."""
    status = preview.status()
    assert status is not None and status["galat"] is None, preview.log()
    preview.start = status["versi"]
    yield preview
    assert preview.status()["galat"] is None, preview.log()


def _edit(project: Path, old: str, new: str) -> None:
    data = project / "data" / "umkm.yaml"
    text = data.read_text("utf-8")
    assert old in text
    data.write_text(text.replace(old, new), "utf-8")


def test_one_save_is_one_rebuild(serving):
    url = f"{serving.base}{MOUNT}umkm/batik-baik/"
    assert "Batik Baik" in _get(url)[1]
    builds = serving.log().count("Situs dibangun ulang (versi")
    _edit(serving.project, "nama: Batik Baik", "nama: Batik Baru Sekali")
    assert serving.wait_version(serving.start + 1), serving.log()
    assert "Batik Baru Sekali" in _get(url)[1]
    time.sleep(4)  # a second rebuild, caused by the first one's own writes, would come now
    assert serving.status()["versi"] == serving.start + 1
    assert serving.log().count("Situs dibangun ulang (versi") == builds + 1, serving.log()
    _edit(serving.project, "nama: Batik Baru Sekali", "nama: Batik Baik")
    assert serving.wait_version(serving.start + 2), serving.log()


def test_a_data_error_keeps_the_last_good_site_and_is_reported(serving):
    url = f"{serving.base}{MOUNT}umkm/batik-baik/"
    _edit(serving.project, "sektor: batik\n", "sektor: batk\n")
    assert serving.wait_error(), serving.log()
    status, page = _get(url)
    assert status == 200 and "Batik Baik" in page
    error = serving.status()["galat"]
    assert "data/umkm.yaml:" in error and "batk" in error
    assert serving.status()["versi"] == serving.start
    _edit(serving.project, "sektor: batk\n", "sektor: batik\n")
    assert serving.wait_version(serving.start + 1) and serving.status()["galat"] is None


def _break_theme(project: Path):
    main = project / "overrides" / "main.html"
    good = main.read_text("utf-8")
    main.write_text(good + "\n{% block rusak %}", "utf-8")  # a Jinja syntax error
    return lambda: main.write_text(good, "utf-8")


def _break_file_names(project: Path):
    """A 300-character kecamatan name: a file name too long for the file system. Before
    check refused it, this crashed the generator inside the build."""
    long_name = "K" * 300
    _edit(project, "[Kraksaan, Kota Anyar]", f"[Kraksaan, Kota Anyar, {long_name}]")
    return lambda: _edit(project, f", {long_name}]", "]")


@pytest.mark.parametrize("breaker", [_break_theme, _break_file_names], ids=["tema", "nama-berkas"])
def test_a_crash_keeps_the_last_good_site_answering(serving, breaker):
    """The build crashes (a broken theme template; a name the file system refuses): mkdocs
    serve stopped answering every request there; the preview keeps serving version 1."""
    repair = breaker(serving.project)
    assert serving.wait_error(), serving.log()
    got = _get(f"{serving.base}{MOUNT}umkm/batik-baik/", timeout=10)
    assert got is not None and got[0] == 200 and "Batik Baik" in got[1]
    assert _get(f"{serving.base}{MOUNT}", timeout=10)[0] == 200
    assert serving.status()["versi"] == serving.start
    repair()
    assert serving.wait_version(serving.start + 1), serving.log()
    assert serving.status()["galat"] is None
    assert "Traceback" not in serving.log()


def test_unknown_paths_get_the_404_page_and_no_escape_from_the_site(serving):
    status, page = _get(f"{serving.base}{MOUNT}tidak-ada/")
    assert status == 404 and "muat-ulang.js" in page
    status, _ = _get(f"{serving.base}{MOUNT}..%2f..%2fmkdocs.yml")
    assert status == 404
    status, _ = _get(f"{serving.base}{MOUNT}../../data/umkm.yaml")
    assert status == 404


# -- in the browser: the error appears on the page being looked at, then the page reloads ---


def test_the_error_shows_on_the_open_page_and_goes_away_when_fixed(serving, browser, tmp_path):
    ctx = browser.new_context(viewport={"width": 360, "height": 640})
    ctx.add_init_script("""
      window.__csp = [];
      document.addEventListener('securitypolicyviolation',
        e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
    """)
    page = ctx.new_page()
    try:
        page.goto(f"{serving.base}{MOUNT}umkm/batik-baik/")
        page.wait_for_load_state("networkidle")
        assert page.locator("#registri-galat").count() == 0
        page.evaluate("window.__ditandai = true")  # gone if the page reloads
        _edit(serving.project, "sektor: batik\n", "sektor: batk\n")
        banner = page.locator("#registri-galat")
        banner.wait_for(timeout=120_000)
        text = banner.inner_text()
        assert "Pembangunan terakhir gagal" in text and "batk" in text
        assert "data/umkm.yaml:" in text
        assert page.evaluate("window.__ditandai === true")  # the same page, not a reload
        page.screenshot(path=str(tmp_path / "serve-galat.png"))
        _edit(serving.project, "sektor: batk\n", "sektor: batik\n")
        page.wait_for_function("() => window.__ditandai !== true", timeout=120_000)
        assert serving.wait_version(serving.start + 1)
        page.wait_for_load_state("networkidle")
        assert page.locator("#registri-galat").count() == 0
        assert "Batik Baik" in page.inner_text("h1")
        assert page.evaluate("window.__csp") == []
    finally:
        ctx.close()
