"""Reproducible builds and the live `serve` (issues 3 and 5)."""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from conftest import make_project, run_generator
from hostile import hostile_yaml


def digest(site: Path) -> dict[str, str]:
    return {str(p.relative_to(site)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


def test_same_data_and_epoch_give_a_byte_identical_site(tmp_path):
    """Two builds in different folders, with different QR caches, at the same
    SOURCE_DATE_EPOCH: every byte of every file is the same."""
    a = make_project(tmp_path / "a")
    b = make_project(tmp_path / "elsewhere" / "b")
    assert run_generator(a, "build").returncode == 0
    assert run_generator(b, "build").returncode == 0
    da, db = digest(a / "site"), digest(b / "site")
    assert len(da) > 300
    assert da.keys() == db.keys()
    different = [k for k in da if da[k] != db[k]]
    assert different == []


def test_build_date_follows_source_date_epoch(tmp_path):
    project = make_project(tmp_path, hostile_yaml())
    assert run_generator(project, "build", epoch="1893456000").returncode == 0  # 2030-01-01
    page = (project / "site" / "verifikasi" / "uji-2024-0003" / "index.html").read_text("utf-8")
    assert "Data per <strong>1 Januari 2030</strong>" in page
    assert 'data-status="kedaluwarsa"' in page  # valid until 2027-09-30


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read().decode("utf-8")
    except OSError:
        return None


def _wait_for(predicate, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.5)
    return False


def test_serve_rebuilds_when_the_data_changes(tmp_path):
    project = make_project(tmp_path, hostile_yaml(), site_url="https://registri.example.org/")
    port = _free_port()
    env = dict(os.environ, REGISTRI_CACHE_DIR=str(tmp_path / "qr"), NO_MKDOCS_2_WARNING="1")
    env.pop("SOURCE_DATE_EPOCH", None)  # the real clock: pages carry the build time
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}/umkm/batik-baik/"
        assert _wait_for(lambda: (_get(url) or "").find("Batik Baik") >= 0, 90)
        data = project / "data" / "umkm.yaml"
        data.write_text(data.read_text("utf-8").replace("nama: Batik Baik",
                                                         "nama: Batik Baru Sekali"), "utf-8")
        assert _wait_for(lambda: "Batik Baru Sekali" in (_get(url) or ""), 90)
        # a broken edit keeps the last good site served, with the error in the log
        data.write_text(data.read_text("utf-8").replace("sektor: batik\n", "sektor: batk\n"),
                        "utf-8")
        time.sleep(4)
        assert "Batik Baru Sekali" in (_get(url) or "")
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            out, _ = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, _ = proc.communicate()
    log = out.decode("utf-8", "replace")
    assert "batk" in log, log[-2000:]
    # start, the edit (+ at most one rebuild for the files it wrote), the broken edit (+ one):
    # the generator's own writes never start a loop of rebuilds
    assert log.count("Documentation built") <= 6, log[-3000:]
