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

A record's text is the distinct words of its UMKM (see `write`); the browser matches the rows
against the words Pagefind found, so Pagefind's stemming still decides what matches.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import jinja2

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


_WORD = re.compile(r"\w+")
_PAGE = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined).from_string(
    '<!doctype html><html lang="id"><head><meta charset="utf-8"><title>{{ key }}</title></head>'
    '<body><main data-pagefind-body data-pagefind-meta="d[data-d]" data-d="{{ data }}">'
    '<span data-pagefind-filter="sektor[data-v]" data-v="{{ sektor }}"></span>'
    '<span data-pagefind-filter="kecamatan[data-v]" data-v="{{ kecamatan }}"></span>'
    '{% for s in statuses %}<span data-pagefind-filter="status[data-v]" data-v="{{ s }}">'
    "</span>{% endfor %}<p>{{ words }}</p></main></body></html>"
)


def _words(texts, seen: set[str]) -> list[str]:
    out = []
    for text in texts:
        for w in _WORD.findall(text.lower()):
            if w not in seen:
                seen.add(w)
                out.append(w)
    return out


def write(registry: Registry, today: date, names: dict[str, str], folder: Path) -> int:
    """Write the portal's records under `folder` (g/<n>/index.html); returns their count.
    `names`: a member's key (the kecamatan of its UMKM) -> its name, searchable too.
    A record's text is each distinct word of its UMKM once (lower case): the words of its
    sector's and member's names first (`c` of them: a hit there matches every row), then the
    words of the rows' names, owners and products. Pagefind's postings then hold one location
    per word and record, not one per occurrence (a common word such as "batik" made the index
    chunk of a first search 214 KB at 194,600 UMKM, ~1 MB at 1,000,000); the browser finds
    the matching rows from the words at the hit locations."""
    n = 0
    for n, (sektor, first, members) in enumerate(_runs(registry), start=1):
        shown = set()
        for u in members:
            shown.update(search.statuses(u, today))
        seen: set[str] = set()
        key = members[0].kecamatan
        common = _words((registry.sektor[sektor], names.get(key, key)), seen)
        words = common + _words((t for u in members for t in (u.nama, u.pemilik, *u.produk)), seen)
        where = {"l": f"{sektor}/{directory.ALL}", "a": first, "n": len(members),
                 "h": directory.PAGE, "c": len(common)}  # fmt: skip
        html = _PAGE.render(
            key=f"{slugify(members[0].kecamatan)} {sektor}",
            data=json.dumps(where, separators=(",", ":")),
            sektor=sektor,
            kecamatan=slugify(members[0].kecamatan),
            statuses=[s for s in DISPLAYED_STATUSES if s in shown],
            words=" ".join(words),
        )
        target = folder / "g" / str(n) / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
    return n
