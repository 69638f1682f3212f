"""QR codes of certificates: the image on the verification pages, the files the admin prints.

Every code encodes exactly `<site_url>verifikasi/<sertifikat-id>/` (SPEC.md), in a real QR Code
(never Micro QR), error correction Q or higher, with the standard 4-module quiet zone.

Making a code is the slow part (qr_code.py: segno with a fixed mask), so:
- each code is made once and kept in ONE cache, the code itself (its module matrix), shared
  by the verification pages and the print files: `python -m generator qr` after a build
  makes nothing anew. The cache is one file (`codes.bin` in `REGISTRI_CACHE_DIR`, else
  `.cache/qr/` in the working directory, which is the project root for the CLI and the MkDocs
  hook), keyed by URL and every parameter of `make()`, checked by a hash (a damaged cache is
  made again, never used);
- `prepare()` makes what is missing before a build needs it, over every core of the machine
  when there are many; with a warm cache it does nothing but read the file.
Images (PNG, SVG) are drawn from the matrix here, in microseconds; the print folder and its
label sheet are qr_print.py's.
"""

from __future__ import annotations

import atexit
import base64
import hashlib
import html
import json
import math
import os
import re
import struct
import tempfile
import time
import zlib
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import NamedTuple

import segno

from ..data import config, declarations
from . import qr_code
from .qr_code import Code

BORDER = 4  # quiet zone in modules, as ISO/IEC 18004 asks of a QR Code
PRINT_MIN_MM = 30.0  # printed width including the quiet zone: at least this (always >= 25 mm)
PRINT_DPI = 300
INLINE_PX = 4  # CSS pixels per module of the image on a verification page

# Bump when the cache file's layout or what a code is made from changes.
CACHE_FORMAT = 2
CACHE_ENV = "REGISTRI_CACHE_DIR"
CACHE_FILE = "codes.bin"
_MAGIC = b"registri-qr-codes\n"
PARALLEL_MIN = 400  # missing codes below this are made in this process (a pool costs ~0.5 s)

stats = {"made": 0, "cached": 0}
"""How many codes segno made, and how many were taken from the cache (memory or disk)."""
pool_cpu_seconds = 0.0
"""CPU time the process pool spent making codes (not in this process's own rusage)."""


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------


def verification_url(site_url: str, cert_id: str) -> str:
    """`<site_url>verifikasi/<cert_id>/`: what the QR code of a certificate encodes.

    `site_url` must be absolute (config.ConfigError otherwise): a printed code never guesses."""
    base = config.require_site_url(site_url)
    if not re.match(declarations.SLUG_RE, cert_id):
        raise ValueError(f"id sertifikat tidak sah: {cert_id!r}")
    return f"{base}verifikasi/{cert_id}/"


class InlineImage(NamedTuple):
    src: str  # a data: URL
    px: int  # width and height on the page


def inline_png(url: str) -> InlineImage:
    """The code for an `<img class="ru-qr">` of an HTML page (templates/verify.html.j2): a
    1-bit PNG (quiet zone included, white background) as a data: URL, ~0.5 KB instead of ~3 KB
    of SVG, drawn sharp with `image-rendering: pixelated` (verifikasi.css) at INLINE_PX pixels
    a module."""
    code = _code(url)
    png = base64.b64encode(_png(code, scale=1)).decode("ascii")
    return InlineImage(f"data:image/png;base64,{png}", (code.width + 2 * BORDER) * INLINE_PX)


def inline_svg(url: str, *, title: str | None = None) -> str:
    """An `<svg class="ru-qr" role="img">` for HTML pages: no XML declaration and no fixed
    size (a viewBox only, so CSS sizes it), a white background (readable in dark mode)."""
    label = html.escape(title if title is not None else f"Kode QR: {url}", quote=True)
    return _svg(
        _code(url), f'class="ru-qr" role="img" aria-label="{label}"', f"<title>{label}</title>"
    )


def print_svg(url: str) -> bytes:
    """A standalone SVG document sized in millimetres (see `print_size_mm`)."""
    code = _code(url)
    size = f"{print_size_mm(url):.2f}mm"
    svg = _svg(code, f'width="{size}" height="{size}"')
    return f'<?xml version="1.0" encoding="utf-8"?>\n{svg}\n'.encode()


def print_png(url: str) -> bytes:
    """A 1-bit PNG at `PRINT_DPI`, with the same physical size as `print_svg`."""
    code = _code(url)
    return _png(code, scale=_module_px(code.width + 2 * BORDER), dpi=PRINT_DPI)


def print_size_mm(url: str) -> float:
    """Printed width (= height) of the code of `url` including its quiet zone, in mm.

    A module is a whole number of pixels at PRINT_DPI (so the PNG is sharp), chosen so that
    the code is at least PRINT_MIN_MM wide: 30-34 mm depending on the URL's length."""
    n = _code(url).width + 2 * BORDER
    return round(n * _module_px(n) * 25.4 / PRINT_DPI, 2)


def prepare(urls: Iterable[str], *, complete: bool = False) -> None:
    """Make every code of `urls` that the cache lacks, then save the cache. Many missing codes
    are made over all cores (a process pool); none missing costs one read of the cache file.
    `complete`: `urls` are all the codes the site needs; others are dropped from the file."""
    wanted = list(dict.fromkeys(urls))
    cache = _cache()
    missing = [u for u in wanted if u not in cache.codes]
    workers = _cores()
    if len(missing) >= PARALLEL_MIN and workers > 1:
        try:
            _make_in_pool(missing, workers, cache)
        except (OSError, BrokenProcessPool):  # no processes to be had here: one core it is
            pass
    for url in missing:
        if url not in cache.codes:
            _code(url)
    cache.save(keep=set(wanted) if complete and wanted else None)


def _make_in_pool(missing: list[str], workers: int, cache: _Cache) -> None:
    global pool_cpu_seconds
    chunk = max(1, min(500, len(missing) // (workers * 8)))
    parts = [missing[i : i + chunk] for i in range(0, len(missing), chunk)]
    with ProcessPoolExecutor(max_workers=workers, mp_context=_mp_context()) as pool:
        for part, (made, cpu) in zip(parts, pool.map(_make_many, parts), strict=True):
            for url, record in zip(part, made, strict=True):
                cache.add(url, record)
            stats["made"] += len(part)
            pool_cpu_seconds += cpu


def cache_dir() -> Path:
    """Where cached QR outputs are kept on disk."""
    env = os.environ.get(CACHE_ENV)
    return Path(env) if env else Path.cwd() / ".cache" / "qr"


def clear_memory_cache() -> None:
    """Save and forget what this process holds: as if it ended and a new one started."""
    global _the_cache
    if _the_cache is not None:
        _the_cache.save()
    _the_cache = None


# ---------------------------------------------------------------------------------------------
# Making codes
# ---------------------------------------------------------------------------------------------


def _make_many(urls: list[str]) -> tuple[list[bytes], float]:
    """In a worker process: the cache records of `urls`, and the CPU seconds they took."""
    t0 = time.process_time()
    records = [qr_code.make(u).record() for u in urls]
    return records, time.process_time() - t0


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may use (Linux)
    except AttributeError:
        return os.cpu_count() or 1


def _mp_context():
    import multiprocessing

    # never plain fork: `serve` has threads running; forkserver forks a clean process
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _code(url: str) -> Code:
    cache = _cache()
    record = cache.codes.get(url)
    if record is not None:
        try:
            code = Code.from_record(record)
        except ValueError:  # a damaged entry that passed the file's hash: make it again
            del cache.codes[url]
        else:
            stats["cached"] += 1
            return code
    code = qr_code.make(url)
    stats["made"] += 1
    cache.add(url, code.record())
    return code


def _module_px(modules: int) -> int:
    return math.ceil(PRINT_MIN_MM / 25.4 * PRINT_DPI / modules)


# ---------------------------------------------------------------------------------------------
# Drawing
# ---------------------------------------------------------------------------------------------


def _svg(code: Code, attrs: str, inner: str = "") -> str:
    """One <svg> in module units (viewBox with the quiet zone): a white square and one path
    of horizontal runs of dark modules."""
    n, size = code.width, code.width + 2 * BORDER
    parts = []
    for y, row in enumerate(code.rows):
        bits = format(row, f"0{n}b")
        for m in re.finditer("1+", bits):
            parts.append(f"M{m.start() + BORDER} {y + BORDER}.5h{m.end() - m.start()}")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" {attrs}>{inner}'
        f'<path fill="#fff" d="M0 0h{size}v{size}H0z"/>'
        f'<path stroke="#000" d="{"".join(parts)}"/></svg>'
    )


def _png(code: Code, scale: int, dpi: int | None = None) -> bytes:
    """A 1-bit greyscale PNG of the code with its quiet zone, `scale` pixels a module."""
    n = code.width
    width = (n + 2 * BORDER) * scale
    per_row = (width + 7) // 8
    pad = per_row * 8 - width
    white = b"\0" + b"\xff" * per_row
    lines = [white] * (BORDER * scale)
    for row in code.rows:
        if scale > 1:
            row = int("".join(c * scale for c in format(row, f"0{n}b")), 2)
        # PNG greyscale: 1 = white; the quiet zone and the padding bits are white
        light = ~(row << (BORDER * scale + pad)) & ((1 << (per_row * 8)) - 1)
        lines += [b"\0" + light.to_bytes(per_row, "big")] * scale
    lines += [white] * (BORDER * scale)
    head = struct.pack(">IIBBBBB", width, width, 1, 0, 0, 0, 0)
    out = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", head)
    if dpi:
        ppm = round(dpi / 0.0254)
        out += _chunk(b"pHYs", struct.pack(">IIB", ppm, ppm, 1))
    # a 4 KB window is plenty for a few hundred bytes, and 3x faster to set up than 32 KB
    z = zlib.compressobj(9, zlib.DEFLATED, 12, 4)
    data = z.compress(b"".join(lines)) + z.flush()
    return out + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


# ---------------------------------------------------------------------------------------------
# The cache: one file of code records, keyed by URL
# ---------------------------------------------------------------------------------------------


class _Cache:
    """The codes of the cache file (read once), plus those made in this process."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.where: tuple[str | None, str] | None = None
        self.codes: dict[str, bytes] = _read_file(path)
        self.changed = False

    def add(self, url: str, record: bytes) -> None:
        self.codes[url] = record
        self.changed = True

    def save(self, keep: set[str] | None = None) -> None:
        """Write the file when something was made (merged with what another process may
        have written meanwhile), or when `keep` drops entries. Atomic; a cache that cannot
        be written costs only speed."""
        if keep is not None and any(url not in keep for url in self.codes):
            self.codes = {u: r for u, r in self.codes.items() if u in keep}
            self.changed = True
        if not self.changed:
            return
        if keep is None:
            self.codes = {**_read_file(self.path), **self.codes}
        _write_file(self.path, self.codes)
        self.changed = False


_the_cache: _Cache | None = None


@atexit.register
def _save_at_exit() -> None:
    """Codes made outside `prepare` (one page, one print file) are kept too."""
    if _the_cache is not None:
        _the_cache.save()


def _cache() -> _Cache:
    """The cache of this process, for the cache folder in force (tests switch it)."""
    global _the_cache
    where = (os.environ.get(CACHE_ENV), os.getcwd())
    if _the_cache is None or _the_cache.where != where:
        if _the_cache is not None:
            _the_cache.save()
        _the_cache = _Cache(cache_dir() / CACHE_FILE)
        _the_cache.where = where
    return _the_cache


def _params() -> bytes:
    """What every code of the file was made with: a different value empties the cache."""
    what = [CACHE_FORMAT, segno.__version__, qr_code.MAKE, qr_code.MASK, qr_code.PENALTY_LIMIT]
    return hashlib.sha256(json.dumps(what, sort_keys=True).encode()).hexdigest().encode()


def _read_file(path: Path) -> dict[str, bytes]:
    """{url: record}, or {} when the file is absent, unreadable, damaged or made with other
    parameters (then every code is made again)."""
    try:
        raw = path.read_bytes()
    except OSError:
        return {}
    head = _MAGIC + _params() + b"\n"
    if not raw.startswith(head):
        return {}
    digest, nl, body = raw[len(head) :].partition(b"\n")
    if not nl or digest != hashlib.sha256(body).hexdigest().encode("ascii"):
        return {}
    codes, i = {}, 0
    try:
        while i < len(body):
            n_url, n_rec = struct.unpack_from(">HH", body, i)
            i += 4
            url = body[i : i + n_url].decode("utf-8")
            codes[url] = body[i + n_url : i + n_url + n_rec]
            i += n_url + n_rec
    except (struct.error, UnicodeDecodeError):
        return {}
    return codes


def _write_file(path: Path, codes: dict[str, bytes]) -> None:
    parts = []
    for url in sorted(codes):
        u, rec = url.encode("utf-8"), codes[url]
        parts.append(struct.pack(">HH", len(u), len(rec)) + u + rec)
    body = b"".join(parts)
    blob = _MAGIC + _params() + b"\n" + hashlib.sha256(body).hexdigest().encode() + b"\n" + body
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(blob)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass
