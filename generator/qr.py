"""QR codes of certificates: inline SVG for the verification pages, print files for the admin.

Every code encodes exactly `<site_url>verifikasi/<sertifikat-id>/` (SPEC.md), in a real QR Code
(never Micro QR), error correction Q or higher, with the standard 4-module quiet zone.

Making a code is slow (~4 ms, most of it choosing the mask), so every output is cached by a hash
of what determines it: the URL, every parameter, segno's version and `CACHE_FORMAT`. The cache
lives in memory and on disk (`REGISTRI_CACHE_DIR`, else `.cache/qr/` in the working directory,
which is the project root for the CLI and the MkDocs hook). A rebuild with unchanged data
therefore never runs segno; a damaged cache entry is simply made again.
"""

from __future__ import annotations

import difflib
import hashlib
import html
import io
import json
import math
import os
import re
import secrets
import shutil
import tempfile
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
import segno

from . import config, model

ERROR_LEVEL = "q"  # at least Q (25% of codewords recoverable); segno boosts it when it fits
BORDER = 4  # quiet zone in modules, as ISO/IEC 18004 asks of a QR Code
PRINT_MIN_MM = 30.0  # printed width including the quiet zone: at least this (always >= 25 mm)
PRINT_DPI = 300
LABEL_SHEET = "lembar-label.html"
LABELS_PER_PAGE = 12  # 2 columns x 6 rows on A4: see templates/labels.html.j2

# Every parameter of segno, by output. They are all part of the cache key.
MAKE = {"error": ERROR_LEVEL, "boost_error": True, "micro": False}
INLINE_SVG = {
    "kind": "svg",
    "xmldecl": False,
    "nl": False,
    "omitsize": True,
    "border": BORDER,
    "svgclass": "ru-qr",
    "lineclass": None,
    "dark": "#000",
    "light": "#fff",
}
# scale=1 keeps the viewBox in whole modules; the size in mm is then set on the <svg>.
PRINT_SVG = {
    "kind": "svg",
    "unit": "mm",
    "scale": 1,
    "border": BORDER,
    "svgclass": None,
    "lineclass": None,
    "dark": "#000",
    "light": "#fff",
}
# scale (whole pixels per module) is derived from the code's size: see _module_px.
PRINT_PNG = {"kind": "png", "border": BORDER, "dpi": PRINT_DPI, "dark": "#000", "light": "#fff"}

# Bump when this module changes the cached bytes other than through the parameters above.
CACHE_FORMAT = 1
CACHE_ENV = "REGISTRI_CACHE_DIR"
_MEMORY_MAX = 20_000  # entries of 0.5-3 KB; least recently used are dropped first
_MAGIC = b"registri-qr-cache 1\n"

stats = {"made": 0, "cached": 0}
"""How many codes segno made, and how many outputs came from the cache (memory or disk)."""

_memory: OrderedDict[str, bytes] = OrderedDict()


class OutDirError(Exception):
    """The output folder cannot be used; the message is for the admin, in plain words."""


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------


def verification_url(site_url: str, cert_id: str) -> str:
    """`<site_url>verifikasi/<cert_id>/`: what the QR code of a certificate encodes.

    `site_url` must be absolute (config.ConfigError otherwise): a printed code never guesses."""
    base = config.require_site_url(site_url)
    if not re.match(model.SLUG_RE, cert_id):
        raise ValueError(f"id sertifikat tidak sah: {cert_id!r}")
    return f"{base}verifikasi/{cert_id}/"


def inline_svg(url: str, *, title: str | None = None) -> str:
    """An `<svg class="ru-qr" role="img">` for HTML pages: no XML declaration and no fixed
    size (a viewBox only, so CSS sizes it), a white background (readable in dark mode)."""
    raw = _cached(url, INLINE_SVG, _render_inline).decode("utf-8")
    label = html.escape(title if title is not None else f"Kode QR: {url}", quote=True)
    end = raw.index(">")  # end of the <svg ...> start tag; its attributes are ours, no '>'
    return f'{raw[:end]} role="img" aria-label="{label}"><title>{label}</title>{raw[end + 1 :]}'


def print_svg(url: str) -> bytes:
    """A standalone SVG document sized in millimetres (see `print_size_mm`)."""
    return _cached(url, {**PRINT_SVG, "min_mm": PRINT_MIN_MM, "dpi": PRINT_DPI}, _render_print)


def print_png(url: str) -> bytes:
    """A 1-bit PNG at `PRINT_DPI`, with the same physical size as `print_svg`."""
    return _cached(url, {**PRINT_PNG, "min_mm": PRINT_MIN_MM}, _render_png)


def print_size_mm(url: str) -> float:
    """Printed width (= height) of the code of `url` including its quiet zone, in mm.

    A module is a whole number of pixels at PRINT_DPI (so the PNG is sharp), chosen so that
    the code is at least PRINT_MIN_MM wide: 30-34 mm depending on the URL's length."""
    return _svg_size_mm(print_svg(url))


class SelectionError(Exception):
    """The certificates asked for cannot be printed; the message is for the admin."""


def select_certificates(
    registry: model.Registry,
    today: date,
    *,
    semua: bool = False,
    ids: Sequence[str] = (),
    sejak: date | None = None,
) -> list[tuple[model.Umkm, model.Certificate]]:
    """The certificates `qr` prints, in file order: BERLAKU only unless `semua`; those named
    in `ids` (each must exist) and/or those issued on or after `sejak`. SelectionError when
    an id is unknown, when a named certificate is not BERLAKU and `semua` is not given, or
    when nothing is left to print."""
    by_id = {c.id: (u, c) for u, c in registry.certificates()}
    unknown = [i for i in dict.fromkeys(ids) if i not in by_id]
    if unknown:
        lines = []
        for i in unknown:
            close = difflib.get_close_matches(i.lower(), list(by_id), n=1, cutoff=0.75)
            hint = f" (mungkin maksud Anda {close[0]}?)" if close else ""
            lines.append(f"--sertifikat {i}: tidak ada sertifikat dengan id ini{hint}")
        raise SelectionError("\n".join(lines))
    wanted = set(ids)
    chosen = []
    refused = []
    for u, c in registry.certificates():
        if wanted and c.id not in wanted:
            continue
        if sejak is not None and c.tanggal_terbit < sejak:
            continue
        status = c.displayed_status(today)
        if status != "berlaku" and not semua:
            if wanted:
                refused.append(f"--sertifikat {c.id}: berstatus {model.STATUS_LABELS[status][0]}")
            continue
        chosen.append((u, c))
    if refused:
        raise SelectionError(
            "\n".join(refused)
            + "\nLabel sertifikat yang tidak berlaku hanya dicetak dengan --semua "
            "(ditandai JANGAN DITEMPEL)."
        )
    if not chosen:
        what = "yang berlaku" if not semua else ""
        since = f" yang terbit sejak {sejak.isoformat()}" if sejak else ""
        raise SelectionError(
            f"tidak ada sertifikat {what}{since} untuk dicetak".replace("  ", " ")
            + (" (tambahkan --semua untuk yang tidak berlaku)" if not semua else "")
        )
    return chosen


def write_print_files(
    registry: model.Registry,
    site_url: str,
    out_dir: Path,
    *,
    today: date | None = None,
    certificates: Iterable[tuple[model.Umkm, model.Certificate]] | None = None,
) -> list[Path]:
    """Write `<id>.svg`, `<id>.png` for each of `certificates` (default: every certificate)
    and the label sheet LABEL_SHEET into `out_dir` (created if missing). Returns the paths
    written.

    The label sheet puts certificates that are not BERLAKU on pages of their own, each label
    marked with its status and "JANGAN DITEMPEL"; every label shows the official host."""
    site_url = config.require_site_url(site_url)
    host = urlsplit(site_url).hostname or ""
    today = today or config.build_date()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    valid: list[dict] = []
    other: list[dict] = []
    chosen = registry.certificates() if certificates is None else certificates
    for umkm, cert in chosen:
        url = verification_url(site_url, cert.id)
        for suffix, data in ((".svg", print_svg(url)), (".png", print_png(url))):
            path = out_dir / f"{cert.id}{suffix}"
            path.write_bytes(data)
            written.append(path)
        status = cert.displayed_status(today)
        label = {
            "id": cert.id,
            "nomor": cert.nomor,
            "pemegang": cert.pemegang,
            "usaha": umkm.nama,
            "url": url,
            "url_parts": re.findall(r"[^/.]*[/.]+|[^/.]+$", url),  # breaks after / or .
            "svg": f"{cert.id}.svg",
            "status": status,
            "status_label": model.STATUS_LABELS[status][0],
        }
        (valid if status == "berlaku" else other).append(label)
    info = registry.registri
    sheet = _template().render(
        judul=info.judul,
        penerbit=info.penerbit,
        contoh=info.contoh,
        tanggal=today.isoformat(),
        site_url=site_url,
        host=host,
        host_parts=re.findall(r"[^.]+\.?", host),  # line breaks after a dot, if needed
        groups=[
            {"key": "berlaku", "pages": _pages(valid), "count": len(valid)},
            {"key": "lain", "pages": _pages(other), "count": len(other)},
        ],
        total=len(valid) + len(other),
        min_mm=int(PRINT_MIN_MM),
        dpi=PRINT_DPI,
    )
    path = out_dir / LABEL_SHEET
    path.write_text(sheet, encoding="utf-8")
    written.append(path)
    return written


def write_print_folder(
    registry: model.Registry,
    site_url: str,
    out_dir: Path,
    *,
    today: date | None = None,
    certificates: Iterable[tuple[model.Umkm, model.Certificate]] | None = None,
) -> list[Path]:
    """`write_print_files` into a new folder beside `out_dir`, then swapped in for it: a
    failure leaves the previous folder as it was. Refuses (OutDirError) to replace a folder
    holding anything but files this command writes, so `--out .` cannot wipe a project."""
    shown = str(out_dir)
    out = Path(out_dir).resolve()
    site_url = config.require_site_url(site_url)  # before touching the disk
    if out.exists() and not _is_print_folder(out):
        raise OutDirError(
            f"{shown}: folder ini sudah ada dan berisi berkas lain selain hasil "
            "perintah qr; pilih folder lain dengan --out"
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.baru-{os.getpid()}-{secrets.token_hex(4)}"
    tmp.mkdir()
    try:
        written = write_print_files(registry, site_url, tmp, today=today, certificates=certificates)
        old = None
        if out.exists():
            old = out.parent / f".{out.name}.lama-{os.getpid()}-{secrets.token_hex(4)}"
            os.replace(out, old)
        try:
            os.replace(tmp, out)
        except BaseException:
            if old is not None:
                os.replace(old, out)
            raise
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return [out / p.name for p in written]


def cache_dir() -> Path:
    """Where cached QR outputs are kept on disk."""
    env = os.environ.get(CACHE_ENV)
    return Path(env) if env else Path.cwd() / ".cache" / "qr"


def clear_memory_cache() -> None:
    """Forget what this process cached (the disk cache stays): as a new process would start."""
    _memory.clear()
    _make.cache_clear()


# ---------------------------------------------------------------------------------------------
# Making codes
# ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=16)  # shared by the SVG and PNG of one certificate within a run
def _make(url: str) -> segno.QRCode:
    stats["made"] += 1
    code = segno.make(url, **MAKE)
    assert not code.is_micro and code.error in ("Q", "H"), code.designator
    return code


def _module_px(modules: int) -> int:
    return math.ceil(PRINT_MIN_MM / 25.4 * PRINT_DPI / modules)


def _render_inline(code: segno.QRCode) -> bytes:
    buf = io.BytesIO()
    code.save(buf, **INLINE_SVG)
    return buf.getvalue()


def _render_print(code: segno.QRCode) -> bytes:
    n = code.symbol_size(border=BORDER)[0]
    size = n * _module_px(n) * 25.4 / PRINT_DPI
    buf = io.BytesIO()
    code.save(buf, **PRINT_SVG)
    svg = buf.getvalue().decode("utf-8")
    old = f'width="{n}mm" height="{n}mm"'
    assert svg.count(old) == 1, "unexpected segno SVG"
    return svg.replace(old, f'width="{size:.2f}mm" height="{size:.2f}mm"').encode("utf-8")


def _svg_size_mm(svg: bytes) -> float:
    m = re.search(rb'<svg[^>]* width="([0-9.]+)mm"', svg)
    assert m, "print SVG without a size in mm"
    return float(m.group(1))


def _render_png(code: segno.QRCode) -> bytes:
    buf = io.BytesIO()
    code.save(buf, scale=_module_px(code.symbol_size(border=BORDER)[0]), **PRINT_PNG)
    return buf.getvalue()


# ---------------------------------------------------------------------------------------------
# The cache
# ---------------------------------------------------------------------------------------------


def _cached(url: str, params: dict, render: Callable[[segno.QRCode], bytes]) -> bytes:
    key = _key(url, params)
    data = _memory.get(key)
    if data is not None:
        _memory.move_to_end(key)
        stats["cached"] += 1
        return data
    path = cache_dir() / key[:2] / f"{key}.bin"
    data = _read_entry(path)
    if data is not None:
        stats["cached"] += 1
    else:
        data = render(_make(url))
        _write_entry(path, data)
    _memory[key] = data
    if len(_memory) > _MEMORY_MAX:
        _memory.popitem(last=False)
    return data


def _key(url: str, params: dict) -> str:
    what = [CACHE_FORMAT, segno.__version__, url, MAKE, params]
    return hashlib.sha256(json.dumps(what, sort_keys=True).encode("utf-8")).hexdigest()


def _read_entry(path: Path) -> bytes | None:
    """The cached bytes, or None when absent, unreadable or damaged (then made again)."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    if not raw.startswith(_MAGIC):
        return None
    digest, nl, data = raw[len(_MAGIC) :].partition(b"\n")
    if not nl or digest != hashlib.sha256(data).hexdigest().encode("ascii"):
        return None
    return data


def _write_entry(path: Path, data: bytes) -> None:
    """Atomic: a reader sees the old entry, the new one or none, never half of one. A cache
    that cannot be written (read-only disk) costs only speed."""
    blob = _MAGIC + hashlib.sha256(data).hexdigest().encode("ascii") + b"\n" + data
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


# ---------------------------------------------------------------------------------------------
# The label sheet
# ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _template() -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True,  # every data field is text, never markup
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("labels.html.j2")


def _pages(labels: list[dict]) -> list[list[dict]]:
    return [labels[i : i + LABELS_PER_PAGE] for i in range(0, len(labels), LABELS_PER_PAGE)]


def _is_print_folder(path: Path) -> bool:
    if not path.is_dir():
        return False
    return all(
        p.is_file() and (p.suffix in (".svg", ".png") or p.name == LABEL_SHEET)
        for p in path.iterdir()
    )
