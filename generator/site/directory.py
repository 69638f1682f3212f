"""The data of the directory's filters (/umkm/): small static shards, never the whole registry.

The browser (docs/assets/registri/direktori.js) fetches `api/direktori/indeks.json` (the
vocabulary and a table of counts, a few KB whatever the size of the registry) and then, for a
filter, only the page or two of rows it shows.

Rows live in lists, one per (sector or all, status or all), each ordered by kecamatan (in the
data file's order), then name. A filter on a kecamatan is then one contiguous range of its list,
found from the counts table; a page of the list holds PAGE rows. Every UMKM is in 2 + 2 x (its
number of distinct statuses) lists. Statuses are those displayed at the build date (status.js
re-judges each badge in the browser).
"""

from __future__ import annotations

import json
from datetime import date

from ..data.model import DISPLAYED_STATUSES, Registry, slugify
from . import search

FOLDER = "api/direktori"
PAGE = 100  # rows a shard
ALL = "_semua"  # the list of every sector / every status (no sector key starts with _)


def _json(data) -> bytes:
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def files(registry: Registry, today: date, row=search.row) -> dict[str, bytes]:
    """{path under docs/: bytes} of the directory's index and shards. `row(u, today)`: a list
    item's data (search.row; a portal's is more compact: generator/portal/pages.py)."""
    kec_order = {name: i for i, name in enumerate(registry.kecamatan)}
    ordered = sorted(registry.umkm, key=lambda u: (kec_order[u.kecamatan], u.nama.casefold(), u.id))
    lists: dict[tuple[str, str], list] = {}
    # counts[kecamatan slug][sector] = [all, berlaku, kedaluwarsa, dibekukan, dicabut]
    counts: dict[str, dict[str, list[int]]] = {}
    for u in ordered:
        shown = search.statuses(u, today)
        r = row(u, today)
        cell = counts.setdefault(u.kecamatan_slug, {}).setdefault(
            u.sektor, [0] * (1 + len(DISPLAYED_STATUSES))
        )
        cell[0] += 1
        for sektor in (u.sektor, ALL):
            lists.setdefault((sektor, ALL), []).append(r)
            for s in shown:
                lists.setdefault((sektor, s), []).append(r)
        for s in shown:
            cell[1 + DISPLAYED_STATUSES.index(s)] += 1
    out = {
        f"{FOLDER}/indeks.json": _json(
            {
                "v": 1,
                "tanggal_data": today.isoformat(),
                "halaman": PAGE,
                "semua": ALL,
                "sektor": registry.sektor,
                "kecamatan": [[slugify(n), n] for n in registry.kecamatan],
                "status": list(DISPLAYED_STATUSES),
                "kolom": [
                    "id",
                    "nama",
                    "pemilik",
                    "sektor",
                    "kecamatan",
                    "produk",
                    "sertifikat: huruf status_tampil (b k f c) + berlaku_sampai",
                ],
                "jumlah": counts,
            }
        )
    }
    for (sektor, status), rows in lists.items():
        for i in range(0, len(rows), PAGE):
            out[f"{FOLDER}/{sektor}/{status}/{i // PAGE + 1}.json"] = _json(rows[i : i + PAGE])
    return out
