"""api/registri.json and the files it lists: the registry cut into parts of one kecamatan
each (split again when large), and the CSV tables, whole while small, else per kecamatan under
api/csv/. No file is over 10 MB, so an integrator can fetch each one whole.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..data import declarations, model
from ..data.config import SiteUrl
from ..publish.manifest import FORMAT_VERSION
from .catalogue import CERTIFICATE_CSV, UMKM_CSV
from .csv_files import certificate_rows, csv_bytes, csv_row_size, umkm_rows
from .records import LICENCE, absolute_url, json_bytes, lsp_record, public_fields, umkm_record

PART_MAX_BYTES = 8_000_000  # a part of the registry: under the 10 MB an integrator fetches whole
CSV_WHOLE_MAX_BYTES = 10_000_000  # a CSV stays one file up to this size


def _runs(sizes: list[int], limit: int) -> list[int]:
    """Lengths of consecutive runs of items whose sizes add up to at most `limit` (an item
    larger than `limit` is a run of its own; no items: one empty run)."""
    runs = [0]
    total = 0
    for size in sizes:
        if runs[-1] and total + size > limit:
            runs.append(0)
            total = 0
        runs[-1] += 1
        total += size + 1
    return runs


def _split(items: list, sizes: list[int], limit: int) -> list[list]:
    out, i = [], 0
    for n in _runs(sizes, limit):
        out.append(items[i : i + n])
        i += n
    return out


def part_name(folder: str, slug: str, n: int, ext: str) -> str:
    """`folder/<slug>.ext`, then `folder/<slug>.2.ext`... (a slug never holds a dot)."""
    return f"{folder}/{slug}.{ext}" if n == 1 else f"{folder}/{slug}.{n}.{ext}"


def _ref(path: str, site_url: SiteUrl | None, slug: str | None, size: int) -> dict[str, Any]:
    return {"berkas": path, "url": absolute_url(site_url, path), "kecamatan": slug, "ukuran": size}


def registry_files(
    registry: model.Registry,
    built: datetime,
    site_url: SiteUrl | None,
    part_max: int = PART_MAX_BYTES,
    csv_max: int = CSV_WHOLE_MAX_BYTES,
) -> dict[str, bytes]:
    """api/registri.json (the index), api/registri/<kecamatan>[.<n>].json, and the CSVs: whole
    while small, else one (or more) per kecamatan under api/csv/."""
    today = built.date()
    out: dict[str, bytes] = {}
    parts = []
    for name in registry.kecamatan:
        slug = model.slugify(name)
        records = [
            json_bytes(umkm_record(u, today, site_url)).rstrip(b"\n")
            for u in registry.umkm
            if u.kecamatan == name
        ]
        runs = _split(records, [len(r) for r in records], part_max)
        for n, run in enumerate(runs, start=1):
            head = {
                "versi_format": FORMAT_VERSION,
                "tanggal_data": today.isoformat(),
                "kecamatan": {"nama": name, "slug": slug},
                "bagian": n,
                "jumlah_bagian": len(runs),
            }
            text = json_bytes({**head, "umkm": []}).rstrip(b"\n")
            body = text[: -len(b"[]}")] + b"[" + b",".join(run) + b"]}\n"
            path = part_name("api/registri", slug, n, "json")
            out[path] = body
            parts.append({**_ref(path, site_url, slug, len(body)), "jumlah_umkm": len(run)})
    csv_refs: dict[str, list] = {}
    for key, api_file, rows in (
        ("umkm", UMKM_CSV, umkm_rows(registry, site_url)),
        ("sertifikat", CERTIFICATE_CSV, certificate_rows(registry, built, site_url)),
    ):
        whole = csv_bytes(api_file, rows)
        if len(whole) <= csv_max:
            out[api_file.path] = whole
            csv_refs[key] = [_ref(api_file.path, site_url, None, len(whole))]
            continue
        csv_refs[key] = []
        kec_of = {u.id: u.kecamatan for u in registry.umkm}
        for name in registry.kecamatan:
            slug = model.slugify(name)
            mine = [r for r in rows if kec_of[r["id" if key == "umkm" else "umkm_id"]] == name]
            sizes = [csv_row_size(api_file, r) for r in mine]
            for n, run in enumerate(_split(mine, sizes, csv_max // 2), start=1):
                data = csv_bytes(api_file, run)
                path = part_name(f"api/csv/{key}", slug, n, "csv")
                out[path] = data
                csv_refs[key].append(_ref(path, site_url, slug, len(data)))
    index = {
        "versi_format": FORMAT_VERSION,
        "tanggal_data": today.isoformat(),
        "lisensi": dict(LICENCE),
        "url_situs": site_url,
        "registri": {
            **public_fields(registry.registri, declarations.REGISTRY_INFO, skip=("kunci",)),
            "kunci": [public_fields(k, declarations.SIGNING_KEY) for k in registry.registri.kunci],
        },
        "sektor": [{"kode": k, "nama": v} for k, v in registry.sektor.items()],
        "kecamatan": [{"nama": k, "slug": model.slugify(k)} for k in registry.kecamatan],
        "lsp": [lsp_record(v) for v in registry.lsp.values()],
        "jumlah_umkm": len(registry.umkm),
        "bagian": parts,
        "csv": csv_refs,
    }
    return {"api/registri.json": json_bytes(index), **out}
