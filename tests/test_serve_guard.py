"""`serve` kept to this computer and clean (issue 18, item 12), with real serve processes.

Before: `GET /%00` printed a traceback; `--dev-addr 0.0.0.0:PORT` bound to every address without
a word; any Host header was answered (a page on a rebinding domain could read the preview);
SIGTERM left the built versions (~9 MB) in the temp folder.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import make_project


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _request(port: int, path: str, host: str | None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.putrequest("GET", path, skip_host=True)
    if host is not None:
        conn.putheader("Host", host)
    conn.endheaders()
    r = conn.getresponse()
    body = r.read()
    conn.close()
    return r.status, body


class Preview:
    def __init__(self, project: Path, tmp: Path, addr: str, *extra: str, sigint_ignored=False):
        self.tmp = tmp / "tmp"
        self.tmp.mkdir()
        self.log = tmp / "serve.log"
        env = dict(os.environ, TMPDIR=str(self.tmp), NO_MKDOCS_2_WARNING="1")
        env["REGISTRI_CACHE_DIR"] = str(tmp / "qr")
        env.pop("REGISTRI_DATA", None)
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "generator", "serve", "--dev-addr", addr, *extra],
                cwd=project,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                # as a shell starts a background job: SIGINT ignored on entry
                preexec_fn=(lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
                if sigint_ignored
                else None,
            )

    def text(self) -> str:
        return self.log.read_text("utf-8", "replace")

    def wait_serving(self, seconds: float = 300) -> None:
        end = time.monotonic() + seconds
        while "Membuka situs" not in self.text():
            assert self.proc.poll() is None, self.text()
            assert time.monotonic() < end, self.text()
            time.sleep(0.3)

    def stop(self, sig=signal.SIGTERM) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("serve-guard")
    project = make_project(tmp / "p")
    port = _free_port()
    p = Preview(project, tmp, f"127.0.0.1:{port}")
    p.port = port
    try:
        p.wait_serving()
        yield p
    finally:
        p.stop()


def test_a_nul_byte_in_the_path_is_a_404_not_a_traceback(local):
    host = f"127.0.0.1:{local.port}"
    conn = http.client.HTTPConnection("127.0.0.1", local.port, timeout=10)
    conn.request("GET", "/")
    mount = conn.getresponse().getheader("Location") or "/"  # the site_url's path
    conn.close()
    for path in ("%00", "%00/", "verifikasi/%00x/", "%0a", "%ff%fe", "a%00.html"):
        status, _ = _request(local.port, mount + path, host)
        assert status == 404, path
    assert "Traceback" not in local.text()


@pytest.mark.parametrize(
    "host,status",
    [
        ("127.0.0.1:{port}", 200),
        ("localhost:{port}", 200),
        ("LOCALHOST", 200),
        ("penyerang.example:{port}", 403),
        ("127.0.0.1.penyerang.example", 403),
        ("", 403),
        (None, 403),
    ],
)
def test_a_foreign_host_header_is_refused(local, host, status):
    """DNS rebinding: a page of penyerang.example whose name now resolves to 127.0.0.1 sends
    Host: penyerang.example; the preview must not answer it."""
    got, _ = _request(local.port, "/", None if host is None else host.format(port=local.port))
    assert got in ((302, 200) if status == 200 else (status,)), (host, got)


def test_sigterm_stops_it_and_leaves_nothing_in_the_temp_folder(tmp_path):
    project = make_project(tmp_path / "p")
    port = _free_port()
    p = Preview(project, tmp_path, f"127.0.0.1:{port}")
    p.wait_serving()
    assert any(p.tmp.iterdir()), "the preview builds into the temp folder"
    assert p.stop(signal.SIGTERM) == 0, p.text()
    assert list(p.tmp.iterdir()) == [], p.text()
    assert "Traceback" not in p.text()


def test_every_address_needs_the_network_flag(tmp_path):
    project = make_project(tmp_path / "p")
    port = _free_port()
    p = Preview(project, tmp_path, f"0.0.0.0:{port}")
    assert p.proc.wait(timeout=120) == 1
    lines = p.text().strip().splitlines()
    assert len(lines) == 1 and "--jaringan" in lines[0], lines
    with socket.socket() as s:  # nothing was bound
        s.bind(("0.0.0.0", port))


def test_with_the_network_flag_it_warns_and_answers_any_host(tmp_path):
    project = make_project(tmp_path / "p")
    port = _free_port()
    p = Preview(project, tmp_path, f"0.0.0.0:{port}", "--jaringan")
    try:
        p.wait_serving()
        assert "PERINGATAN" in p.text() and "jaringan" in p.text()
        got, _ = _request(port, "/", "registri.lan")
        assert got in (200, 302)
    finally:
        assert p.stop(signal.SIGINT) == 0
    assert list(p.tmp.iterdir()) == []


def test_ctrl_c_stops_serve_started_with_sigint_ignored(tmp_path):
    """A process a shell starts in the background inherits SIGINT ignored; serve still stops
    on SIGINT (Ctrl+C), cleanly (this hung for 60 s in CI before serve handled SIGINT itself)."""
    project = make_project(tmp_path / "p")
    p = Preview(project, tmp_path, f"127.0.0.1:{_free_port()}", sigint_ignored=True)
    try:
        p.wait_serving()
    finally:
        assert p.stop(signal.SIGINT) == 0, p.text()
    assert "Berhenti" in p.text()
    assert list(p.tmp.iterdir()) == []
