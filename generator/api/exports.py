"""Every file of /api/: the machine-readable copies of the registry (JSON, CSV, the id
manifest, the feeds) and the /api/ page that documents them, as {path relative to docs/:
bytes}; the site pipeline writes them.

The files are made in their own modules: catalogue (what each file holds, the
documentation's source), records (JSON records), registry_parts (api/registri.json and its
parts, the CSV files), csv_files (CSV cells and rows), feed (the status feeds), page (the
/api/ page) and publish/manifest (the id manifest, which the permanent-URL guard reads back).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from ..data import model
from ..data.config import SiteUrl
from ..publish.manifest import manifest_data
from . import feed
from .page import index_page
from .records import build_stamp, certificate_data, json_bytes
from .registry_parts import registry_files


def api_files(
    registry: model.Registry, built: datetime, site_url: SiteUrl | None
) -> dict[str, bytes]:
    """Every file of /api/, as {path relative to docs/: content}. Same input, same bytes."""
    return dict(iter_api_files(registry, built, site_url))


def _certificate_json(registry, u, c, built, site_url) -> bytes:
    return json_bytes(certificate_data(registry, u, c, built, site_url))


def iter_api_files(
    registry: model.Registry, built: datetime, site_url: SiteUrl | None, site=None
) -> Iterator[tuple[str, bytes]]:
    """`api_files` one file at a time (the build writes each before the next is made).
    `site`: the pages.Site of this build, whose `cached` skips a certificate's JSON when its
    UMKM's record and the global inputs are unchanged (site/memo.py)."""
    yield "api/index.md", index_page(registry, built, site_url).encode("utf-8")
    yield "api/dibangun.json", json_bytes(build_stamp(built))
    yield from registry_files(registry, built, site_url).items()
    yield "api/manifest.json", json_bytes(manifest_data(registry, built))
    yield "api/perubahan.json", feed.json_bytes(registry, built, site_url)
    yield "api/perubahan.xml", feed.atom_bytes(registry, built, site_url)
    for u, c in registry.certificates():
        rel = f"api/sertifikat/{c.id}.json"
        if site is None:
            yield rel, _certificate_json(registry, u, c, built, site_url)
            continue
        yield site.cached(
            rel,
            (site.umkm_key(u),),
            _certificate_json,
            registry,
            u,
            c,
            built,
            site_url,
        )
