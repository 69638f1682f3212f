"""What runs after the engine has built the site, before it is published: the search index
(Pagefind, generator/site/search.py) and the sitemaps (generator/site/sitemap.py).

`finish` is called by the MkDocs hook's on_post_build (so plain `mkdocs build` and `serve` get
it) on the folder the engine just wrote; `python -m generator build` checks that it ran, and
runs it itself for an engine that runs no hooks, before the new site replaces the old one.
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

from ..data import config
from . import search, sitemap
from ..data.model import Registry

# The site folders `finish` completed in this process (resolved paths).
_done: set[Path] = set()


def finish(site_dir: Path, registry: Registry, built: datetime, site_url: str | None) -> None:
    """Index the registry for search and write the sitemaps into site_dir.
    Raises search.SearchIndexError."""
    from .. import pipeline

    t0 = time.perf_counter()
    site_dir = Path(site_dir).resolve()
    search.build_index(site_dir, registry, built.date())
    sitemap.write(site_dir, config.normalise_site_url(site_url))
    pipeline.TIMINGS.add("postbuild", time.perf_counter() - t0)
    _done.add(site_dir)


def done(site_dir: Path) -> bool:
    """Whether `finish` completed for this folder in this process."""
    return Path(site_dir).resolve() in _done
