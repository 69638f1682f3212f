"""The site's search: a Pagefind index over the UMKM (name, owner, products, sector, kecamatan).

Pagefind's browser side loads a metadata file that lists every record of the index (about
5.6 bytes a record, gzip) before it answers a first query. One record per UMKM would make that
file ~540 KB at 100,000 UMKM, and each filter file ~250 KB more (measured; see
benchmarks/README.md). So a record here is a *group* of up to GROUP_SIZE UMKM that share their
kecamatan, sector and set of certificate statuses: each UMKM is one section of its group (an
`<h2 id="<umkm-id>">`), the browser finds the matching sections from Pagefind's word locations
and the section anchors (docs/assets/registri/pencarian.js), and filters stay exact because a
group is uniform in what they filter on. At 100,000 UMKM the metadata is ~57 KB and a first
query ~190 KB in all.

The index is built after the engine has built the site (`build_index`, called by
generator.site.postbuild), from the registry, not from the built pages: verification pages and lists
are never in it, whatever the engine did. Indonesian stemming comes from the language `id`.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from datetime import date
from itertools import groupby
from pathlib import Path

import jinja2

from ..data.model import DISPLAYED_STATUSES, Registry, Umkm, slugify

GROUP_SIZE = 16  # UMKM per index record
BUNDLE_DIR = "pagefind"  # under the site root
LANGUAGE = "id"
# What the browser needs of the bundle; Pagefind also writes its own UI kits, which the site
# does not use (~480 KB): they are not published.
KEEP = ("pagefind.js", "pagefind-worker.js", "pagefind-entry.json")
KEEP_SUFFIXES = (".pf_meta",)
KEEP_DIRS = ("index", "fragment", "filter")


class SearchIndexError(Exception):
    """Pagefind could not build the index; the message is for the admin (Indonesian)."""


_ENV = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
# One record of the index. Everything from data is autoescaped text; the JSON in data-d is
# read back by the browser as text and rendered with textContent.
_RECORD = _ENV.from_string(
    '<!doctype html><html lang="id"><head><meta charset="utf-8"><title>{{ key }}</title></head>'
    '<body><main data-pagefind-body data-pagefind-meta="d[data-d]" data-d="{{ data }}">'
    '<span data-pagefind-filter="sektor[data-v]" data-v="{{ sektor }}"></span>'
    '<span data-pagefind-filter="kecamatan[data-v]" data-v="{{ kecamatan }}"></span>'
    '{% for s in statuses %}<span data-pagefind-filter="status[data-v]" data-v="{{ s }}">'
    "</span>{% endfor %}"
    '{% for u, texts in members %}<section><h2 id="{{ u.id }}">{{ u.nama }}</h2>'
    "{% for t in texts %}<p>{{ t }}</p>{% endfor %}</section>{% endfor %}"
    "</main></body></html>"
)


def statuses(u: Umkm, today: date) -> tuple[str, ...]:
    """The displayed statuses of a UMKM's certificates (at the build date), in table order."""
    shown = {c.displayed_status(today) for c in u.sertifikat}
    return tuple(s for s in DISPLAYED_STATUSES if s in shown)


# A certificate in a list row: [one letter for its displayed status at the build date (which
# also tells its status in the data: b, k = aktif; f = dibekukan; c = dicabut), then its last
# valid day if it has one: "k2023-09-06"; its scheme; its printed number], so that a list
# says which certificate each badge is. pencarian.js reads it back.
STATUS_LETTER = {"berlaku": "b", "kedaluwarsa": "k", "dibekukan": "f", "dicabut": "c"}


def row(u: Umkm, today: date) -> list:
    """What a list item needs: id, name, owner, sector, kecamatan slug, products, and its
    certificates as [STATUS_LETTER + last valid day, scheme, number]."""
    return [
        u.id,
        u.nama,
        u.pemilik,
        u.sektor,
        u.kecamatan_slug,
        ", ".join(u.produk),
        [
            [
                STATUS_LETTER[c.displayed_status(today)]
                + (c.berlaku_sampai.isoformat() if c.berlaku_sampai else ""),
                c.skema,
                c.nomor,
            ]
            for c in u.sertifikat
        ],
    ]


def groups(registry: Registry, today: date, size: int = GROUP_SIZE) -> Iterator[list[Umkm]]:
    """The UMKM in records of at most `size`, each uniform in kecamatan, sector and set of
    statuses; in kecamatan, sector, status-set, name order (deterministic)."""
    kec_order = {name: i for i, name in enumerate(registry.kecamatan)}
    sek_order = {key: i for i, key in enumerate(registry.sektor)}

    def key(u: Umkm):
        return (kec_order[u.kecamatan], sek_order[u.sektor], statuses(u, today))

    ordered = sorted(registry.umkm, key=lambda u: (*key(u), u.nama.casefold(), u.id))
    for _, members in groupby(ordered, key=key):
        members = list(members)
        for i in range(0, len(members), size):
            yield members[i : i + size]


def record_html(registry: Registry, members: list[Umkm], today: date) -> str:
    first = members[0]
    data = {"u": [row(u, today) for u in members]}
    texts = [
        (
            u,
            [
                t
                for t in (u.pemilik, ", ".join(u.produk), registry.sektor[u.sektor], u.kecamatan)
                if t
            ],
        )
        for u in members
    ]
    return _RECORD.render(
        key=f"{first.kecamatan_slug} {first.sektor}",
        data=json.dumps(data, ensure_ascii=False, separators=(",", ":")),
        sektor=first.sektor,
        kecamatan=slugify(first.kecamatan),
        statuses=statuses(first, today),
        members=texts,
    )


def write_records(registry: Registry, today: date, folder: Path, size: int = GROUP_SIZE) -> int:
    """Write one HTML file per record under `folder` (g/<n>/index.html). Returns the count."""
    n = 0
    for n, members in enumerate(groups(registry, today, size), start=1):
        target = folder / "g" / str(n) / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(record_html(registry, members, today), encoding="utf-8")
    return n


INDEX_TIMEOUT = 3600  # seconds; 100,000 UMKM take about a minute


def _pagefind(records: Path, out: Path) -> None:
    """Run the Pagefind binary (from `pagefind[bin]`; PAGEFIND_BINARY_PATH overrides) over the
    records. Its own command line, not the Python service: the service can be stopped before it
    has finished writing its files, and a half-written index would be published."""
    from pagefind.service import get_executable

    binary = get_executable()
    if binary is None:
        raise FileNotFoundError("pagefind")
    args = [
        str(binary),
        "--site",
        str(records),
        "--output-path",
        str(out),
        "--force-language",
        LANGUAGE,
        "--silent",
    ]
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=INDEX_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise SearchIndexError(
            f"Pagefind tidak selesai dalam {INDEX_TIMEOUT // 60} menit."
        ) from None
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise SearchIndexError("Pagefind gagal membuat indeks pencarian: " + " / ".join(detail))


def build_index(
    site_dir: Path,
    registry: Registry,
    today: date,
    size: int = GROUP_SIZE,
    records: Callable[[Path], int] | None = None,
) -> int:
    """Index the registry into site_dir/pagefind/ (replacing what is there). Returns the number
    of UMKM indexed. `records(folder)` writes the records instead of `write_records` (a
    portal's: generator/portal/records.py) and returns their count. Raises SearchIndexError."""
    site_dir = Path(site_dir)
    with tempfile.TemporaryDirectory(prefix=".pagefind-", dir=site_dir.parent) as tmp:
        tmp = Path(tmp)
        if records is None:
            n_records = write_records(registry, today, tmp / "records", size)
        else:
            n_records = records(tmp / "records")
        out = tmp / "bundle"
        if n_records:
            try:
                _pagefind(tmp / "records", out)
            except (FileNotFoundError, PermissionError):
                raise SearchIndexError(
                    "program pencarian (Pagefind) tidak ditemukan: pasang ulang dependensi "
                    "dengan  pip install -c constraints.txt -e .  lalu bangun lagi."
                ) from None
            try:  # Pagefind exits 0 on a full disk, leaving files empty
                entry = json.loads((out / "pagefind-entry.json").read_text(encoding="utf-8"))
                indexed = sum(lang["page_count"] for lang in entry["languages"].values())
            except (OSError, ValueError, KeyError, TypeError, AttributeError):
                raise SearchIndexError(
                    "Pagefind meninggalkan indeks pencarian yang rusak atau tidak lengkap "
                    "(disk penuh?). Periksa ruang disk lalu bangun lagi."
                ) from None
            if indexed != n_records:
                raise SearchIndexError(
                    f"Pagefind mengindeks {indexed} dari {n_records} catatan pencarian."
                )
        out.mkdir(exist_ok=True)
        if n_records:
            make_reproducible(out)
        for p in list(out.iterdir()):
            keep = p.name in KEEP or p.name.endswith(KEEP_SUFFIXES) or p.name in KEEP_DIRS
            keep = keep or (p.name.startswith("wasm.") and p.name == f"wasm.{LANGUAGE}.pagefind")
            if not keep:
                shutil.rmtree(p) if p.is_dir() else p.unlink()
        target = site_dir / BUNDLE_DIR
        shutil.rmtree(target, ignore_errors=True)
        shutil.move(str(out), str(target))
    return len(registry.umkm)


# ---------------------------------------------------------------------------------------------
# Reproducible output. Pagefind 1.5 writes the values of a filter, and the list of filters in
# its metadata, in hash-map order, which changes from run to run; everything else it writes is
# deterministic. The site must be byte-identical for the same data and SOURCE_DATE_EPOCH, so
# those two are put in sorted order and renamed after their new content. Both are gzip'd
# "pagefind_dcd" + CBOR; the small codec below reads and writes the subset Pagefind uses.
# ---------------------------------------------------------------------------------------------

_SIGNATURE = b"pagefind_dcd"


def _cbor_read(b: bytes, i: int = 0):
    head = b[i]
    major, info = head >> 5, head & 31
    i += 1
    if info < 24:
        n = info
    elif info in (24, 25, 26, 27):
        size = 1 << (info - 24)
        n = int.from_bytes(b[i : i + size], "big")
        i += size
    else:
        raise ValueError(f"unsupported CBOR item {head:#x}")
    if major == 0:
        return n, i
    if major == 1:
        return -1 - n, i
    if major in (2, 3):
        raw = b[i : i + n]
        return (raw if major == 2 else raw.decode("utf-8")), i + n
    if major == 4:
        items = []
        for _ in range(n):
            item, i = _cbor_read(b, i)
            items.append(item)
        return items, i
    if major == 5:
        out = {}
        for _ in range(n):
            k, i = _cbor_read(b, i)
            out[k], i = _cbor_read(b, i)
        return out, i
    if major == 7 and info in (20, 21, 22):
        return {20: False, 21: True, 22: None}[info], i
    raise ValueError(f"unsupported CBOR item {head:#x}")


def _cbor_head(major: int, n: int) -> bytes:
    if n < 24:
        return bytes([major << 5 | n])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < 1 << (8 * size):
            return bytes([major << 5 | info]) + n.to_bytes(size, "big")
    raise ValueError("integer too large")


def _cbor_write(v) -> bytes:
    if v is False or v is True or v is None:
        return bytes([0xF4 if v is False else 0xF5 if v is True else 0xF6])
    if isinstance(v, int):
        return _cbor_head(0, v) if v >= 0 else _cbor_head(1, -1 - v)
    if isinstance(v, bytes):
        return _cbor_head(2, len(v)) + v
    if isinstance(v, str):
        raw = v.encode("utf-8")
        return _cbor_head(3, len(raw)) + raw
    if isinstance(v, list):
        return _cbor_head(4, len(v)) + b"".join(_cbor_write(x) for x in v)
    if isinstance(v, dict):
        return _cbor_head(5, len(v)) + b"".join(
            _cbor_write(k) + _cbor_write(x) for k, x in v.items()
        )
    raise TypeError(type(v))


def _load(path: Path):
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(_SIGNATURE):
        raise SearchIndexError(f"berkas Pagefind tak dikenal: {path.name}")
    value, end = _cbor_read(raw, len(_SIGNATURE))
    if _cbor_write(value) != raw[len(_SIGNATURE) : end] or end != len(raw):
        raise SearchIndexError(f"berkas Pagefind tak dikenal: {path.name}")
    return value


def _save(folder: Path, prefix: str, digits: int, suffix: str, value) -> str:
    """Write `value` as a Pagefind file named after its content; returns the hash name."""
    data = gzip.compress(_SIGNATURE + _cbor_write(value), compresslevel=9, mtime=0)
    name = f"{prefix}{hashlib.sha256(data).hexdigest()[:digits]}"
    (folder / f"{name}{suffix}").write_bytes(data)
    return name


def make_reproducible(bundle: Path) -> None:
    """Sort the filter values and the metadata's filter list; rename what changed."""
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for lang in entry["languages"].values():
        meta_path = bundle / f"pagefind.{lang['hash']}.pf_meta"
        meta = _load(meta_path)
        filters = meta[3]  # [[name, file hash], ...] in Pagefind 1.5's MetaIndex
        if not all(isinstance(f, list) and len(f) == 2 for f in filters):
            raise SearchIndexError("susunan metadata Pagefind tak dikenal (versi lain?)")
        renamed = []
        for name, file_hash in filters:
            path = bundle / "filter" / f"{file_hash}.pf_filter"
            value = _load(path)  # [name, [[value, [page, ...]], ...]]
            value[1].sort(key=lambda v: v[0])
            path.unlink()
            renamed.append([name, _save(path.parent, "id_", 7, ".pf_filter", value)])
        meta[3] = sorted(renamed)
        meta_path.unlink()
        lang["hash"] = _save(bundle, "pagefind.id_", 10, ".pf_meta", meta).removeprefix("pagefind.")
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), "utf-8")
