"""The one bounded HTTP client (generator/publish/fetch.py), against local servers that misbehave:
they hang, trickle bytes, redirect in circles, send 50 MB, send hostile JSON (issue 9, fault 6)."""

from __future__ import annotations

import json
import socket
import socketserver
import threading
import time

import pytest

from generator.publish import fetch, manifest

MB = 1024 * 1024


def _send(sock: socket.socket, status: str, headers: dict[str, str], body: bytes = b"") -> None:
    head = f"HTTP/1.1 {status}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    sock.sendall(head.encode() + b"\r\n" + body)


class _Hostile(socketserver.BaseRequestHandler):
    def handle(self):  # noqa: C901 - one branch per misbehaviour
        sock = self.request
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                return
            data += chunk
        path = data.split(b" ", 2)[1].decode()
        try:
            self.route(sock, path)
        except OSError:  # the client gave up: that is the point of most routes
            pass

    def route(self, sock, path):
        if path == "/gantung":  # accepts, never answers
            time.sleep(30)
        elif path == "/tetes":  # a byte every 0.2 s: each read is quick, the whole is not
            _send(sock, "200 OK", {"Content-Length": "100000"})
            for _ in range(150):
                sock.sendall(b"[")
                time.sleep(0.2)
        elif path in ("/putar-a", "/putar-b"):
            other = "/putar-b" if path == "/putar-a" else "/putar-a"
            _send(sock, "302 Found", {"Location": other, "Content-Length": "0"})
        elif path == "/ke-404":
            _send(sock, "301 Moved Permanently", {"Location": "/hilang", "Content-Length": "0"})
        elif path == "/ke-file":
            _send(sock, "302 Found", {"Location": "file:///etc/passwd", "Content-Length": "0"})
        elif path == "/ke-json":
            _send(sock, "307 Temporary Redirect", {"Location": "/json", "Content-Length": "0"})
        elif path == "/besar":  # honest about its size
            _send(sock, "200 OK", {"Content-Length": str(50 * MB)})
            for _ in range(50):
                sock.sendall(b" " * MB)
        elif path == "/besar-diam":  # no Content-Length: counted while reading
            _send(sock, "200 OK", {"Connection": "close"})
            for _ in range(50):
                sock.sendall(b" " * MB)
        elif path == "/json":
            body = json.dumps({"sertifikat": ["uji-2020-0001"], "umkm": ["batik-satu"]}).encode()
            _send(sock, "200 OK", {"Content-Length": str(len(body))}, body)
        elif path == "/bersarang":
            body = b"[" * 100_000 + b"]" * 100_000
            _send(sock, "200 OK", {"Content-Length": str(len(body))}, body)
        elif path == "/angka":
            body = b'{"sertifikat": [' + b"9" * 5000 + b'], "umkm": []}'
            _send(sock, "200 OK", {"Content-Length": str(len(body))}, body)
        elif path == "/id-jahat":
            body = json.dumps(
                {"sertifikat": ["::error::palsu\n\u202e", "ok-id"], "umkm": []}
            ).encode()
            _send(sock, "200 OK", {"Content-Length": str(len(body))}, body)
        elif path == "/500":
            _send(sock, "500 Internal Server Error", {"Content-Length": "4"}, b"oops")
        elif path == "/putus":
            _send(sock, "200 OK", {"Content-Length": "1000"}, b"[1,")
        elif path == "/sampah":
            sock.sendall(b"\x00\x01 bukan http sama sekali\r\n\r\n")
        else:
            _send(sock, "404 Not Found", {"Content-Length": "9"}, b"not found")


@pytest.fixture(scope="module")
def server():
    socketserver.ThreadingTCPServer.allow_reuse_address = True
    srv = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Hostile)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


def _fails(url: str, **kwargs) -> tuple[fetch.FetchError, float]:
    t0 = time.monotonic()
    with pytest.raises(fetch.FetchError) as e:
        fetch.get(url, **kwargs)
    return e.value, time.monotonic() - t0


def _plain_indonesian(message: str) -> None:
    for english in ("Errno", "Connection refused", "redirect", "Traceback", "urlopen", "timed"):
        assert english not in message, message


def test_a_hanging_server_hits_the_total_deadline(server):
    err, took = _fails(f"{server}/gantung", deadline=1.0)
    assert "tidak selesai dalam 1 detik" in str(err)
    assert took < 10  # a bound on correctness (the server hangs for 30 s), not a speed target
    _plain_indonesian(str(err))


def test_a_trickling_server_hits_the_total_deadline_not_a_per_read_one(server):
    """Every read returns within a fraction of a second; the whole body would take 30 s."""
    err, took = _fails(f"{server}/tetes", deadline=1.5)
    assert "tidak selesai dalam 1.5 detik" in str(err)
    assert took < 10


def test_redirect_loop_is_cut_off_in_plain_words(server):
    err, _ = _fails(f"{server}/putar-a")
    assert f"lebih dari {fetch.MAX_REDIRECTS} kali" in str(err)
    _plain_indonesian(str(err))


def test_redirects_are_followed_within_the_limit(server):
    response = fetch.get(f"{server}/ke-json")
    assert response.url == f"{server}/json" and json.loads(response.body)["umkm"] == ["batik-satu"]


def test_redirect_to_a_404_is_a_404(server):
    err, _ = _fails(f"{server}/ke-404")
    assert err.status == 404 and "HTTP 404" in str(err)


def test_redirect_to_another_scheme_is_refused(server):
    err, _ = _fails(f"{server}/ke-file")
    assert "bukan http(s)" in str(err)


@pytest.mark.parametrize("path", ["/besar", "/besar-diam"])
def test_fifty_megabytes_are_refused_at_the_cap(server, path):
    err, _ = _fails(f"{server}{path}", max_bytes=4 * MB)
    assert "terlalu besar" in str(err)


def test_server_error_and_broken_answers_are_plain(server):
    for path, words in (("/500", "HTTP 500"), ("/putus", "terputus"), ("/sampah", "tidak bisa")):
        err, _ = _fails(f"{server}{path}")
        assert words in str(err), (path, str(err))
        _plain_indonesian(str(err))


def test_refused_connection_and_unknown_host_are_plain(monkeypatch):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    err, _ = _fails(f"http://127.0.0.1:{port}/x")
    assert "menolak sambungan" in str(err)
    _plain_indonesian(str(err))

    def no_dns(*args, **kwargs):  # no test reaches the internet, not even a DNS server
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    err, _ = _fails("https://tidak-ada.contoh-registri.id/api/manifest.json")
    assert "tidak-ada.contoh-registri.id tidak dikenal" in str(err)
    _plain_indonesian(str(err))


@pytest.mark.parametrize(
    "url, words",
    [
        ("ftp://contoh.id/x", "https://"),
        ("https://x.contoh@jahat.contoh/", "nama pengguna"),
        ("https:///tanpa-host", "nama situs"),
        ("https://contoh.id:99999/", "port"),
        ("https://contoh.id/a b", "spasi"),
    ],
)
def test_bad_addresses_are_refused_before_any_connection(url, words):
    err, _ = _fails(url)
    assert words in str(err)


# -- JSON with limits ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, words",
    [
        (b"[" * 100_000 + b"]" * 100_000, "bersarang"),
        (b"[" * 2_000, "bersarang"),
        (b'{"a": ' + b"9" * 5000 + b"}", "angka terlalu panjang"),
        (b"[1." + b"5" * 5000 + b"]", "angka terlalu panjang"),
        (b"[NaN]", "NaN"),
        (b"{not json", "bukan JSON"),
        (b"\xff\xfe\x00", "UTF-8"),
    ],
)
def test_hostile_json_gets_a_message_not_a_traceback(raw, words):
    with pytest.raises(fetch.JsonError) as e:
        fetch.parse_json(raw)
    assert words in str(e.value)


def test_brackets_inside_strings_do_not_count_as_nesting():
    raw = json.dumps({"a": "[" * 500 + '\\"' + "{" * 500, "b": [[["x"]]]}).encode()
    assert fetch.parse_json(raw)["b"] == [[["x"]]]


def test_get_json_reads_and_limits(server):
    assert fetch.get_json(f"{server}/json")["sertifikat"] == ["uji-2020-0001"]
    with pytest.raises(fetch.FetchError, match="bersarang"):
        fetch.get_json(f"{server}/bersarang")


# -- the manifest guard over the client ------------------------------------------------------


@pytest.mark.parametrize(
    "path, words",
    [
        ("/bersarang", "bersarang"),
        ("/angka", "angka terlalu panjang"),
        ("/id-jahat", "id ke-1 di daftar 'sertifikat' bukan id"),
        ("/putar-a", "lebih dari"),
    ],
)
def test_manifest_from_a_hostile_server_is_refused_plainly(server, path, words):
    with pytest.raises(manifest.ManifestError) as e:
        manifest.load_previous(f"{server}{path}")
    assert words in str(e.value)
    assert "::error::" not in str(e.value) and "\u202e" not in str(e.value)


def test_manifest_download_has_a_total_deadline(server, monkeypatch):
    monkeypatch.setattr(manifest, "TIMEOUT_SECONDS", 1)
    t0 = time.monotonic()
    with pytest.raises(manifest.ManifestError, match="tidak selesai dalam 1 detik"):
        manifest.load_previous(f"{server}/tetes")
    assert time.monotonic() - t0 < 10  # the trickle lasts 30 s


def test_manifest_url_answering_404_after_a_redirect_is_none(server):
    assert manifest.load_previous(f"{server}/ke-404") is None


def test_an_http_proxy_from_the_environment_is_used(monkeypatch):
    """An office behind a proxy: the request goes to the proxy with the absolute URL (the
    target host is never looked up here)."""
    seen = []

    class Proxy(socketserver.BaseRequestHandler):
        def handle(self):
            data = self.request.recv(65536)
            seen.append(data.split(b"\r\n", 1)[0].decode())
            body = b'{"ok": true}'
            _send(self.request, "200 OK", {"Content-Length": str(len(body))}, body)

    srv = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Proxy)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        for name in ("no_proxy", "NO_PROXY", "HTTP_PROXY"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{srv.server_address[1]}")
        assert fetch.get_json("http://registri.dinkop-uji.go.id/api/x.json") == {"ok": True}
        assert seen == ["GET http://registri.dinkop-uji.go.id/api/x.json HTTP/1.1"]
    finally:
        srv.shutdown()
        srv.server_close()
