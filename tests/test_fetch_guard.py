"""Every download under one rule (issue 18, item 7): bodies hashed or streamed as they come, a
byte budget per command, no redirect to another network class (169.254.169.254, private,
loopback) than the starting address's. Real local HTTP servers: huge, redirecting, dead.

Before: `verify URL` held every body whole (a server answering 300 MB per credential drove it to
4.7 GB) and followed a redirect to 169.254.169.254.
"""

from __future__ import annotations

import http.server
import io
import json
import os
import socket
import subprocess
import sys
import threading

import pytest

from generator.publish import addresses, fetch

MB = 1024 * 1024
N_CREDENTIALS = 3
HUGE = 300 * MB


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, *args):
        pass

    def _send(self, status, headers, body=b""):
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        if body:
            self.wfile.write(body)

    def do_GET(self):  # noqa: C901 - one branch per route
        path = self.path
        port = self.server.server_address[1]
        try:
            if path.startswith("/ke/"):  # /ke/<url>: a redirect there
                self._send(302, {"Location": path[len("/ke/") :], "Content-Length": "0"})
            elif path == "/ok":
                self._send(200, {"Content-Length": "2"}, b"ok")
            elif path == "/besar":  # 300 MB, honest Content-Length
                self._send(200, {"Content-Length": str(HUGE)})
                block = b"\0" * MB
                for _ in range(HUGE // MB):
                    self.wfile.write(block)
            elif path == "/situs/did.json":
                did = f"did:web:127.0.0.1%3A{port}:situs"
                doc = {"id": did, "verificationMethod": [], "assertionMethod": []}
                self._send(200, {}, json.dumps(doc).encode())
            elif path == "/situs/api/SHA256SUMS":
                lines = [f"{'0' * 64}  api/kredensial/uji-{i}.json" for i in range(N_CREDENTIALS)]
                self._send(200, {}, ("\n".join(lines) + "\n").encode())
            elif path.startswith("/situs/api/kredensial/"):  # 300 MB per credential, no length
                self._send(200, {})
                block = b" " * MB
                for _ in range(HUGE // MB):
                    self.wfile.write(block)
            else:
                self._send(404, {"Content-Length": "0"})
        except OSError:  # the client stopped reading: that is the point
            pass


@pytest.fixture(scope="module")
def server():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()


@pytest.mark.parametrize(
    "target",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:169.254.169.254]/",
        "http://[fe80::1]/",
        "http://10.0.0.1/",
        "http://192.168.1.1/",
        "http://[fc00::1]/",
        "http://0.0.0.0/",
    ],
)
def test_a_redirect_from_loopback_to_another_class_is_refused(server, target):
    with pytest.raises(fetch.FetchError) as e:
        fetch.get(f"{server}/ke/{target}", deadline=10)
    assert "ditolak" in str(e.value) and "\n" not in str(e.value)


def test_a_redirect_within_the_starting_class_is_followed_and_names_are_resolved(server):
    """127.0.0.1 -> localhost: the name resolves to loopback, the class the start was in."""
    port = server.rsplit(":", 1)[1]
    assert fetch.get(f"{server}/ke/http://localhost:{port}/ok").body == b"ok"
    assert (
        addresses.worst([c for _, c in addresses.resolve("localhost", 80)])
        == "loopback (komputer ini)"
    )


@pytest.mark.parametrize(
    "ip,cls",
    [
        ("8.8.8.8", addresses.PUBLIC),
        ("2606:4700::1111", addresses.PUBLIC),
        ("127.0.0.2", addresses.LOOPBACK),
        ("::1", addresses.LOOPBACK),
        ("169.254.169.254", addresses.LINK_LOCAL),
        ("fe80::1%2", addresses.LINK_LOCAL),
        ("::ffff:10.1.2.3", addresses.PRIVATE),
        ("100.64.0.1", addresses.PRIVATE),
        ("224.0.0.1", addresses.PRIVATE),
    ],
)
def test_address_classes(ip, cls):
    assert addresses.classify_ip(ip) == cls


def test_a_dead_server_is_one_plain_line():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(fetch.FetchError, match="menolak sambungan"):
        fetch.sha256(f"http://127.0.0.1:{port}/x")


def test_sha256_and_download_stream_what_get_would_hold(server, tmp_path):
    out = io.BytesIO()
    assert fetch.download(f"{server}/ok", out) == 2 and out.getvalue() == b"ok"
    assert fetch.sha256(f"{server}/ok") == fetch.hashlib.sha256(b"ok").hexdigest()


def test_the_budget_is_shared_by_every_request_of_a_run(server):
    budget = fetch.Budget(limit=3)
    fetch.get(f"{server}/ok", budget=budget)
    with pytest.raises(fetch.FetchError, match="batas unduhan"):
        fetch.sha256(f"{server}/ok", budget=budget)


def test_a_huge_body_is_hashed_in_little_memory(server):
    """300 MB hashed: the body is never held (the cap is the only limit on it)."""
    digest = fetch.sha256(f"{server}/besar", max_bytes=HUGE, deadline=120)
    assert len(digest) == 64


def test_verify_url_against_300_mb_per_credential_stays_small(server):
    """`verify URL` of a site whose every credential is 300 MB: one plain line, exit 1, and the
    process's peak memory far below one body (before: every body held, 4.7 GB)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "verify", f"{server}/situs/"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    out, err = proc.stdout.read(), proc.stderr.read()
    peak_mb = usage.ru_maxrss / 1024
    assert os.waitstatus_to_exitcode(status) == 1, out + err
    assert "Traceback" not in out + err
    assert peak_mb < 250, f"peak RSS {peak_mb:.0f} MB"
