"""The portal's search records: the site wing's record form (generator/site/search.py), but
holding no rows. At 1,000,000 UMKM the rows in the records (Pagefind's metadata `d`) were 60%
of Pagefind's memory (measured: 2.75 GB with rows, 1.08 GB without, at 194,600 UMKM) and half
of its output, and every row is already in the directory's shards. So a portal record is a
run of up to GROUP consecutive rows of one directory list, `api/direktori/<sector>/_semua/`
(ordered by member, then name: directory.files), all of one member and one sector; its `d`
says where: {"l": "<sector>/_semua", "a": first row, "n": rows, "h": rows a shard}. The browser
(pencarian.js) reads those rows from the shards, and, the statuses of a record being mixed,
keeps for a status filter only the rows with a certificate of that status (the record's
status filter values are the union of its rows').

Each UMKM is still one section (`<h2 id>`) with the same texts as a registry's record, so
Pagefind's word locations find the matching UMKM exactly as on a registry.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from ..data.model import DISPLAYED_STATUSES, Registry, Umkm, slugify
from ..site import directory, search

GROUP = directory.PAGE  # UMKM a record: its rows are in one or two shards


def _runs(registry: Registry) -> list[tuple[str, int, list[Umkm]]]:
    """(sector, index of the first row in the sector's list, UMKM) of every record, in the
    order of directory.files' lists: member (the merged registry's kecamatan), name, id."""
    kec_order = {name: i for i, name in enumerate(registry.kecamatan)}
    ordered = sorted(registry.umkm, key=lambda u: (kec_order[u.kecamatan], u.nama.casefold(), u.id))
    by_sector: dict[str, list[Umkm]] = {}
    for u in ordered:
        by_sector.setdefault(u.sektor, []).append(u)
    out = []
    for sektor in sorted(by_sector, key=list(registry.sektor).index):
        rows = by_sector[sektor]
        start = 0
        while start < len(rows):
            end = start
            while end < len(rows) and end - start < GROUP:
                if rows[end].kecamatan != rows[start].kecamatan:
                    break
                end += 1
            out.append((sektor, start, rows[start:end]))
            start = end
    return out


def write(registry: Registry, today: date, folder: Path) -> int:
    """Write the portal's records under `folder` (g/<n>/index.html); returns their count."""
    n = 0
    for n, (sektor, first, members) in enumerate(_runs(registry), start=1):
        shown = set()
        for u in members:
            shown.update(search.statuses(u, today))
        texts = [
            (u, [t for t in (u.pemilik, ", ".join(u.produk), registry.sektor[u.sektor],
                             u.kecamatan) if t])
            for u in members
        ]  # fmt: skip
        where = {
            "l": f"{sektor}/{directory.ALL}",
            "a": first,
            "n": len(members),
            "h": directory.PAGE,
        }
        html = search._RECORD.render(
            key=f"{slugify(members[0].kecamatan)} {sektor}",
            data=json.dumps(where, separators=(",", ":")),
            sektor=sektor,
            kecamatan=slugify(members[0].kecamatan),
            statuses=[s for s in DISPLAYED_STATUSES if s in shown],
            members=texts,
        )
        target = folder / "g" / str(n) / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
    return n
