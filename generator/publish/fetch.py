"""The one HTTP client of the project: bounded in time, size and redirects, plain in its errors.

Everything the generator reads over the network goes through `get` (or `get_json`): the
permanent-URL guard (`check --previous URL`), `verify URL`. The network may hang, trickle bytes,
redirect in circles or send gigabytes; none of that may hang a CI run, fill the memory, or print
a traceback or urllib's English text to an admin. So:

- one deadline for the whole request (name look-up, connection, redirects, every byte), kept by
  running the request in a worker thread and abandoning it when time is up;
- a size cap on the body (Content-Length checked first, then counted while reading);
- at most MAX_REDIRECTS redirects, only to http(s) and never from https down to http;
- every failure a `FetchError` with one Indonesian sentence (`status` holds the HTTP status);
- JSON parsed with limits on nesting depth and digits (`parse_json`), so a hostile document
  gets a message, not a RecursionError or ValueError.
"""

from __future__ import annotations

import base64
import errno
import http.client
import json
import re
import socket
import ssl
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

DEADLINE_SECONDS = 20.0
MAX_BYTES = 16 * 1024 * 1024
MAX_REDIRECTS = 5
MAX_DEPTH = 64
MAX_NUMBER_CHARS = 40
USER_AGENT = "registri-umkm"
_CHUNK = 64 * 1024
_REDIRECTS = (301, 302, 303, 307, 308)
_REASONS = {
    400: "permintaan ditolak",
    401: "perlu masuk/login",
    403: "akses ditolak",
    404: "tidak ditemukan",
    410: "sudah dihapus",
    429: "terlalu banyak permintaan",
    500: "galat di server",
    502: "gateway galat",
    503: "layanan sedang tidak tersedia",
    504: "gateway kehabisan waktu",
}


class FetchError(Exception):
    """The request failed; str(e) is one Indonesian sentence for the admin. `status` is the
    HTTP status when the server answered with an error, else None."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class JsonError(Exception):
    """The bytes are not JSON this program accepts; str(e) says why, in Indonesian."""


@dataclass(frozen=True)
class Response:
    url: str  # after redirects
    status: int
    headers: dict[str, str] = field(repr=False)
    body: bytes = field(repr=False)


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n // 1024} KB"


def _check_url(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path+query) of an http(s) URL; FetchError for anything else."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise FetchError("alamat tidak sah (nomor port salah).") from None
    if parts.scheme not in ("http", "https"):
        raise FetchError("alamat harus diawali https:// atau http://.")
    if not parts.hostname:
        raise FetchError("alamat tidak memuat nama situs.")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise FetchError("alamat memuat nama pengguna (bagian sebelum @); tidak didukung.")
    if any(ord(ch) <= 32 or ord(ch) == 127 for ch in url):
        raise FetchError("alamat memuat spasi atau karakter kendali.")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    default = 443 if parts.scheme == "https" else 80
    return parts.scheme, parts.hostname, port or default, path


def _proxy_for(scheme: str, host: str) -> str | None:
    proxies = urllib.request.getproxies_environment()
    proxy = proxies.get(scheme)
    if not proxy or urllib.request.proxy_bypass_environment(host, proxies):
        return None
    return proxy if "://" in proxy else f"http://{proxy}"


class _Attempt:
    """One request in a worker thread; the caller may abandon it by closing its sockets."""

    def __init__(self) -> None:
        self.conns: list[http.client.HTTPConnection] = []
        self.abandoned = False

    def abandon(self) -> None:
        self.abandoned = True
        for conn in self.conns:
            sock = conn.sock
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            conn.close()

    def connection(self, scheme: str, host: str, port: int, timeout: float):
        proxy = _proxy_for(scheme, host)
        headers: dict[str, str] = {}
        target_host, target_port = host, port
        if proxy:
            p = urlsplit(proxy)
            target_host, target_port = p.hostname or "", p.port or 8080
            if p.username is not None:
                cred = f"{unquote(p.username)}:{unquote(p.password or '')}"
                headers["Proxy-Authorization"] = "Basic " + base64.b64encode(cred.encode()).decode(
                    "ascii"
                )
        if scheme == "https":
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                target_host, target_port, timeout=timeout, context=ssl.create_default_context()
            )
            if proxy:
                conn.set_tunnel(host, port, headers=headers)
                headers = {}
        else:
            conn = http.client.HTTPConnection(target_host, target_port, timeout=timeout)
        self.conns.append(conn)
        return conn, headers, bool(proxy) and scheme == "http"

    def run(
        self,
        url: str,
        end: float,
        max_bytes: int,
        max_redirects: int,
        accept: str,
        conditional: dict[str, str] | None = None,
    ):
        seen = 0
        while True:
            scheme, host, port, path = _check_url(url)
            remaining = end - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            conn, extra, absolute = self.connection(scheme, host, port, remaining)
            headers = {
                "Accept": accept,
                "Accept-Encoding": "identity",
                "User-Agent": USER_AGENT,
                "Connection": "close",
                **extra,
                **(conditional or {}),
            }
            conn.request("GET", url if absolute else path, headers=headers)
            resp = conn.getresponse()
            if resp.status in _REDIRECTS:
                location = resp.getheader("Location")
                conn.close()
                if not location:
                    raise FetchError(
                        f"server mengalihkan (HTTP {resp.status}) tanpa alamat tujuan."
                    )
                seen += 1
                if seen > max_redirects:
                    raise FetchError(
                        f"alamat dialihkan lebih dari {max_redirects} kali (mungkin berputar). "
                        "Periksa alamatnya."
                    )
                new = urljoin(url, location.strip())
                if urlsplit(new).scheme not in ("http", "https"):
                    raise FetchError("server mengalihkan ke alamat yang bukan http(s).")
                if scheme == "https" and urlsplit(new).scheme == "http":
                    raise FetchError("server mengalihkan dari https ke http biasa (tidak aman).")
                url = new
                continue
            if resp.status >= 400:
                conn.close()
                reason = _REASONS.get(resp.status, "galat")
                raise FetchError(f"server menjawab HTTP {resp.status} ({reason}).", resp.status)
            if resp.status == 304 and conditional:
                conn.close()
                return Response(url, 304, {k.lower(): v for k, v in resp.getheaders()}, b"")
            if resp.status != 200:
                conn.close()
                raise FetchError(f"server menjawab HTTP {resp.status}, bukan isi berkas.")
            length = resp.getheader("Content-Length")
            if length and length.strip().isdigit() and int(length) > max_bytes:
                conn.close()
                raise FetchError(
                    f"berkas terlalu besar ({_size(int(length))}; batas {_size(max_bytes)})."
                )
            chunks, total = [], 0
            while True:
                remaining = end - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError
                if conn.sock is not None:
                    conn.sock.settimeout(remaining)
                chunk = resp.read1(_CHUNK) if hasattr(resp, "read1") else resp.read(_CHUNK)
                if not chunk:
                    break
                total += len(chunk)
                if total > max_bytes:
                    conn.close()
                    raise FetchError(f"berkas terlalu besar (lebih dari {_size(max_bytes)}).")
                chunks.append(chunk)
            conn.close()
            if length and length.strip().isdigit() and total < int(length):
                raise http.client.IncompleteRead(b"", int(length) - total)
            hdrs = {k.lower(): v for k, v in resp.getheaders()}
            return Response(url, resp.status, hdrs, b"".join(chunks))


def _plain(e: BaseException, host: str, deadline: float) -> FetchError:
    """One Indonesian sentence for a network failure (never the English text of the OS)."""
    if isinstance(e, FetchError):
        return e
    if isinstance(e, TimeoutError):
        return FetchError(f"tidak selesai dalam {deadline:g} detik. Coba lagi nanti.")
    if isinstance(e, socket.gaierror):
        return FetchError(
            f"nama situs {host} tidak dikenal. Periksa alamatnya dan sambungan internet."
        )
    if isinstance(e, ssl.SSLCertVerificationError):
        return FetchError(f"sertifikat HTTPS {host} tidak sah; sambungan dihentikan.")
    if isinstance(e, ssl.SSLError):
        return FetchError(f"sambungan HTTPS ke {host} gagal.")
    if isinstance(e, ConnectionRefusedError):
        return FetchError(f"{host} menolak sambungan. Periksa alamatnya, atau coba lagi nanti.")
    if isinstance(
        e,
        http.client.IncompleteRead
        | http.client.RemoteDisconnected
        | ConnectionResetError
        | BrokenPipeError,
    ):
        return FetchError("sambungan terputus sebelum jawaban lengkap. Coba lagi nanti.")
    if isinstance(e, http.client.HTTPException | UnicodeError | ValueError):
        return FetchError("jawaban server tidak bisa dibaca (bukan HTTP yang sah).")
    if isinstance(e, OSError):
        code = errno.errorcode.get(e.errno or 0, "")
        return FetchError(
            f"{host} tidak bisa dihubungi{f' ({code})' if code else ''}. Periksa sambungan "
            "internet dan alamatnya."
        )
    return FetchError("permintaan gagal karena galat yang tidak dikenal.")


def get(
    url: str,
    *,
    deadline: float = DEADLINE_SECONDS,
    max_bytes: int = MAX_BYTES,
    max_redirects: int = MAX_REDIRECTS,
    accept: str = "*/*",
) -> Response:
    """GET `url`: the whole request (redirects and every byte included) within `deadline`
    seconds, at most `max_bytes` of body. A status other than 200 after redirects, and every
    failure, raises FetchError."""
    return _get(url, deadline, max_bytes, max_redirects, accept, None)


def get_if_changed(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    deadline: float = DEADLINE_SECONDS,
    max_bytes: int = MAX_BYTES,
) -> Response | None:
    """`get` with a conditional request (If-None-Match / If-Modified-Since, which GitHub Pages
    honours): None when the server answers 304 Not Modified (the copy the caller holds, whose
    ETag or Last-Modified it passed, is current). Without either validator, a plain `get`."""
    conditional = {}
    if etag:
        conditional["If-None-Match"] = etag
    if last_modified:
        conditional["If-Modified-Since"] = last_modified
    response = _get(url, deadline, max_bytes, MAX_REDIRECTS, "*/*", conditional or None)
    return None if response.status == 304 else response


def _get(url, deadline, max_bytes, max_redirects, accept, conditional) -> Response:
    try:
        host = urlsplit(url).hostname or url
    except ValueError:
        host = url
    attempt = _Attempt()
    box: dict[str, Any] = {}
    end = time.monotonic() + deadline

    def work() -> None:
        try:
            box["response"] = attempt.run(url, end, max_bytes, max_redirects, accept, conditional)
        except BaseException as e:  # reported to the caller below
            box["error"] = e

    worker = threading.Thread(target=work, name="registri-fetch", daemon=True)
    worker.start()
    worker.join(max(0.0, end - time.monotonic()) + 0.05)
    if worker.is_alive():  # hung in name look-up or in a read: abandon it
        attempt.abandon()
        raise FetchError(f"tidak selesai dalam {deadline:g} detik. Coba lagi nanti.")
    if "error" in box:
        raise _plain(box["error"], host, deadline) from None
    return box["response"]


_BRACKETS = re.compile(rb'[\[\]{}"\\]')


def _too_deep(raw: bytes, limit: int) -> bool:
    """True when arrays/objects nest deeper than `limit` (brackets inside strings ignored).
    Stops at the first level past the limit, so a hostile document costs little."""
    depth, in_string, escaped = 0, False, False
    for m in _BRACKETS.finditer(raw):
        ch = m.group()
        if in_string:
            if escaped:
                escaped = False
                continue
            if ch == b"\\":
                # an escape only matters right before a quote or another backslash
                escaped = raw[m.end() : m.end() + 1] in (b'"', b"\\")
            elif ch == b'"':
                in_string = False
            continue
        if ch == b'"':
            in_string = True
        elif ch in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        elif ch in (b"]", b"}"):
            depth -= 1
    return False


def parse_json(raw: bytes, *, max_depth: int = MAX_DEPTH, max_number: int = MAX_NUMBER_CHARS):
    """JSON from bytes (UTF-8, BOM allowed) with limits: nesting at most `max_depth`, numbers of
    at most `max_number` characters, no NaN/Infinity. JsonError says what is wrong."""

    def number(kind):
        def convert(text: str):
            if len(text) > max_number:
                raise JsonError(f"memuat angka terlalu panjang ({len(text)} karakter).")
            return kind(text)

        return convert

    def constant(name: str):
        raise JsonError(f"memuat {name}, yang bukan JSON baku.")

    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise JsonError("bukan teks UTF-8 (mungkin berkas biner atau rusak).") from None
    if _too_deep(raw, max_depth):
        raise JsonError(f"bersarang lebih dari {max_depth} tingkat.")
    try:
        return json.loads(
            text, parse_int=number(int), parse_float=number(float), parse_constant=constant
        )
    except json.JSONDecodeError as e:
        raise JsonError(f"bukan JSON yang sah (baris {e.lineno}, kolom {e.colno}).") from None
    except RecursionError:  # pragma: no cover - _too_deep stops this first
        raise JsonError(f"bersarang lebih dari {max_depth} tingkat.") from None


def get_json(url: str, **kwargs) -> Any:
    """`get` then `parse_json`; JsonError becomes FetchError."""
    response = get(url, accept="application/json", **kwargs)
    try:
        return parse_json(response.body)
    except JsonError as e:
        raise FetchError(f"isinya {e}") from None
