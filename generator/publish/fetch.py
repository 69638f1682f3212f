"""The one HTTP client of the project: bounded in time, size and redirects, plain in its errors.

Everything the generator reads over the network goes through `get` (or `get_json`): the
permanent-URL guard (`check --previous URL`), `verify URL`. The network may hang, trickle bytes,
redirect in circles or send gigabytes; none of that may hang a CI run, fill the memory, or print
a traceback or urllib's English text to an admin. So:

- one deadline for the whole request (name look-up, connection, redirects, every byte), kept by
  running the request in a worker thread and abandoning it when time is up;
- a size cap on the body (Content-Length checked first, then counted while reading), and a
  total `Budget` of bytes shared by every request of one command (`verify URL` reads thousands);
- bodies never held whole beyond that cap: `sha256` hashes the bytes as they come, `download`
  streams them into a file; only `get` (JSON documents, SHA256SUMS) keeps a body in memory;
- at most MAX_REDIRECTS redirects, only to http(s) and never from https down to http, and never
  from one network class to another (addresses.py: no redirect to 169.254.169.254, a private
  or loopback address unless the starting address was one of that class; names are resolved
  and the connection goes to the address checked);
- every failure a `FetchError` with one Indonesian sentence (`status` holds the HTTP status);
- JSON parsed with limits on nesting depth and digits (`parse_json`, json_limits.py), so a
  hostile document gets a message, not a RecursionError or ValueError.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import socket
import ssl
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, BinaryIO
from urllib.parse import unquote, urljoin, urlsplit

from . import addresses
from .fetch_errors import REASONS as _REASONS
from .fetch_errors import FetchError
from .fetch_errors import plain as _plain
from .fetch_errors import size as _size
from .json_limits import JsonError, parse_json

DEADLINE_SECONDS = 20.0
MAX_BYTES = 16 * 1024 * 1024
MAX_REDIRECTS = 5
RUN_BUDGET_BYTES = 8 * 1024**3  # every request of one command together (a whole site's files)
USER_AGENT = "registri-umkm"
_CHUNK = 64 * 1024
_REDIRECTS = (301, 302, 303, 307, 308)


class Budget:
    """The bytes every request of one command may download together (shared across threads).
    A budget with a `parent` (one portal member's share of the build's) counts in both;
    `what` names whose budget it is in the message."""

    def __init__(self, limit: int = RUN_BUDGET_BYTES, parent=None, what: str = "perintah ini"):
        self.limit = limit
        self.used = 0
        self.parent = parent
        self.what = what
        self._lock = threading.Lock()

    def take(self, n: int) -> None:
        with self._lock:
            self.used += n
            if self.used > self.limit:
                raise FetchError(
                    f"batas unduhan {self.what} habis ({_size(self.limit)} seluruhnya); "
                    "server mengirim lebih dari yang masuk akal."
                )
        if self.parent is not None:
            self.parent.take(n)


@dataclass(frozen=True)
class Response:
    url: str  # after redirects
    status: int
    headers: dict[str, str] = field(repr=False)
    body: bytes = field(repr=False)


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
        self.same_origin = False  # redirects only within the first URL's scheme, host and port

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

    def connection(self, scheme: str, host: str, port: int, timeout: float, ip: str | None):
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
        if ip is not None and not proxy:
            addresses.pinned_connection(conn, ip)
        self.conns.append(conn)
        return conn, headers, bool(proxy) and scheme == "http"

    def run(
        self,
        url: str,
        end: float,
        max_bytes: int,
        max_redirects: int,
        accept: str,
        sink,
        conditional: dict[str, str] | None = None,
    ):
        seen = 0
        allowed = None  # the network class of the starting address: redirects may stay in it
        while True:
            scheme, host, port, path = _check_url(url)
            remaining = end - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            ip, allowed = _where(scheme, host, port, allowed)
            conn, extra, absolute = self.connection(scheme, host, port, remaining, ip)
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
                conn.close()
                seen += 1
                new = _redirect_target(url, scheme, resp, seen, max_redirects)
                if self.same_origin and _origin(new) != _origin(url):
                    raise FetchError(
                        f"server mengalihkan ke alamat lain ({_origin(new)}); ditolak (hanya "
                        "boleh di alamat yang sama)."
                    )
                url = new
                continue
            if resp.status >= 400:
                conn.close()
                reason = _REASONS.get(resp.status, "galat")
                raise FetchError(f"server menjawab HTTP {resp.status} ({reason}).", resp.status)
            if resp.status == 304 and conditional:
                conn.close()
                return url, 304, {k.lower(): v for k, v in resp.getheaders()}
            if resp.status != 200:
                conn.close()
                raise FetchError(f"server menjawab HTTP {resp.status}, bukan isi berkas.")
            length = resp.getheader("Content-Length")
            if length and length.strip().isdigit() and int(length) > max_bytes:
                conn.close()
                raise FetchError(
                    f"berkas terlalu besar ({_size(int(length))}; batas {_size(max_bytes)})."
                )
            total = 0
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
                sink(chunk)
            conn.close()
            if length and length.strip().isdigit() and total < int(length):
                raise http.client.IncompleteRead(b"", int(length) - total)
            hdrs = {k.lower(): v for k, v in resp.getheaders()}
            return url, resp.status, hdrs


def _where(scheme: str, host: str, port: int, allowed: str | None) -> tuple[str | None, str]:
    """(the address to connect to, the class redirects may stay in). The first request may go
    anywhere the user typed; a redirect only to a public address or to that same class."""
    if _proxy_for(scheme, host):  # the proxy resolves the name; check it here all the same
        found = addresses.resolve(host, port) if allowed is not None else []
    else:
        found = addresses.resolve(host, port)
    cls = addresses.worst([c for _, c in found]) if found else addresses.PUBLIC
    if allowed is not None and cls not in (addresses.PUBLIC, allowed):
        raise FetchError(
            f"server mengalihkan ke {host}, alamat {cls}; ditolak (pengalihan hanya boleh ke "
            "alamat publik atau ke jenis alamat yang sama dengan alamat awal)."
        )
    ip = next((ip for ip, c in found if c == cls), None)
    return ip, allowed if allowed is not None else cls


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}"


def _redirect_target(url: str, scheme: str, resp, seen: int, max_redirects: int) -> str:
    location = resp.getheader("Location")
    if not location:
        raise FetchError(f"server mengalihkan (HTTP {resp.status}) tanpa alamat tujuan.")
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
    return new


def _stream(
    url: str,
    sink: Callable[[bytes], None],
    *,
    deadline: float,
    max_bytes: int,
    max_redirects: int,
    accept: str,
    budget: Budget | None,
    conditional: dict[str, str] | None = None,
    same_origin: bool = False,
) -> tuple[str, int, dict[str, str]]:
    """GET `url`, handing every chunk of the body to `sink` (after the budget counts it).
    With `conditional` headers (If-None-Match / If-Modified-Since) a 304 answer returns with
    status 304 and no body."""
    try:
        host = urlsplit(url).hostname or url
    except ValueError:
        host = url
    attempt = _Attempt()
    attempt.same_origin = same_origin
    box: dict[str, Any] = {}
    end = time.monotonic() + deadline

    def take(chunk: bytes) -> None:
        if budget is not None:
            budget.take(len(chunk))
        sink(chunk)

    def work() -> None:
        try:
            box["response"] = attempt.run(
                url, end, max_bytes, max_redirects, accept, take, conditional
            )
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


def get(
    url: str,
    *,
    deadline: float = DEADLINE_SECONDS,
    max_bytes: int = MAX_BYTES,
    max_redirects: int = MAX_REDIRECTS,
    accept: str = "*/*",
    budget: Budget | None = None,
) -> Response:
    """GET `url`: the whole request (redirects and every byte included) within `deadline`
    seconds, at most `max_bytes` of body, kept in memory (so keep max_bytes to what a document
    of its kind may weigh). A status other than 200 after redirects, and every failure, raises
    FetchError."""
    return _in_memory(url, deadline, max_bytes, max_redirects, accept, budget, None)


def _in_memory(
    url, deadline, max_bytes, max_redirects, accept, budget, conditional, same_origin=False
) -> Response:
    chunks: list[bytes] = []
    final, status, headers = _stream(
        url,
        chunks.append,
        deadline=deadline,
        max_bytes=max_bytes,
        max_redirects=max_redirects,
        accept=accept,
        budget=budget,
        conditional=conditional,
        same_origin=same_origin,
    )
    return Response(final, status, headers, b"".join(chunks))


def get_if_changed(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    deadline: float = DEADLINE_SECONDS,
    max_bytes: int = MAX_BYTES,
    budget: Budget | None = None,
    same_origin: bool = False,
) -> Response | None:
    """`get` with a conditional request (If-None-Match / If-Modified-Since, which GitHub Pages
    honours): None when the server answers 304 Not Modified (the copy the caller holds, whose
    ETag or Last-Modified it passed, is current). Without either validator, a plain `get`.
    `same_origin`: a redirect to another scheme, host or port is refused before it is followed
    (a portal reads a member at the member's own address only)."""
    conditional = {}
    if etag:
        conditional["If-None-Match"] = etag
    if last_modified:
        conditional["If-Modified-Since"] = last_modified
    response = _in_memory(
        url, deadline, max_bytes, MAX_REDIRECTS, "*/*", budget, conditional or None, same_origin
    )
    return None if response.status == 304 else response


def sha256(
    url: str,
    *,
    deadline: float = DEADLINE_SECONDS,
    max_bytes: int = MAX_BYTES,
    budget: Budget | None = None,
) -> str:
    """The sha256 (hex) of the body at `url`, hashed as it comes: memory holds one chunk."""
    h = hashlib.sha256()
    _stream(
        url,
        h.update,
        deadline=deadline,
        max_bytes=max_bytes,
        max_redirects=MAX_REDIRECTS,
        accept="*/*",
        budget=budget,
    )
    return h.hexdigest()


def download(
    url: str,
    out: BinaryIO,
    *,
    deadline: float = DEADLINE_SECONDS,
    max_bytes: int = MAX_BYTES,
    budget: Budget | None = None,
) -> int:
    """Write the body at `url` into the open file `out` as it comes; the number of bytes."""
    count = [0]

    def write(chunk: bytes) -> None:
        out.write(chunk)
        count[0] += len(chunk)

    _stream(
        url,
        write,
        deadline=deadline,
        max_bytes=max_bytes,
        max_redirects=MAX_REDIRECTS,
        accept="*/*",
        budget=budget,
    )
    return count[0]


def get_json(url: str, **kwargs) -> Any:
    """`get` then `parse_json`; JsonError becomes FetchError."""
    response = get(url, accept="application/json", **kwargs)
    try:
        return parse_json(response.body)
    except JsonError as e:
        raise FetchError(f"isinya {e}") from None
