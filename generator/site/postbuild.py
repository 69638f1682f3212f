"""What runs after the engine has built the site, before it is published: the search index
(Pagefind, generator/site/search.py), the sitemaps (generator/site/sitemap.py), and our scripts
and stylesheets without their comments (generator/site/assets.py).

`finish` is called by the MkDocs hook's on_post_build (so plain `mkdocs build` and `serve` get
it) on the folder the engine just wrote; `python -m generator build` checks that it ran, and
runs it itself for an engine that runs no hooks, before the new site replaces the old one.
`compact_html` is what the hook's on_post_page does to every page the engine renders.
"""

from __future__ import annotations

import re
import time
from datetime import datetime
from pathlib import Path

from ..data.model import Registry
from . import assets, search, sitemap

# The site folders `finish` completed in this process (resolved paths).
_done: set[Path] = set()


def finish(site_dir: Path, registry: Registry, built: datetime, site_url: str | None) -> float:
    """Index the registry for search and write the sitemaps into site_dir; returns the seconds
    it took (the caller adds them to the build's timings). Raises search.SearchIndexError."""
    t0 = time.perf_counter()
    site_dir = Path(site_dir).resolve()
    search.build_index(site_dir, registry, built.date())
    sitemap.write(site_dir, site_url)
    assets.compact(site_dir)
    seconds = time.perf_counter() - t0
    _done.add(site_dir)
    return seconds


def done(site_dir: Path) -> bool:
    """Whether `finish` completed for this folder in this process."""
    return Path(site_dir).resolve() in _done


_KEEP_WHITESPACE = re.compile(r"(<pre\b.*?</pre>|<textarea\b.*?</textarea>)", re.S | re.I)
_INDENT = re.compile(r"[ \t]*\n\s*")


def compact_html(html: str) -> str:
    """Fold each run of white space that holds a line break into one line break. Browsers
    render it the same (outside <pre> and <textarea>, which are kept as they are); the theme's
    indentation is ~17% of a generated Material page."""
    parts = _KEEP_WHITESPACE.split(html)
    for i in range(0, len(parts), 2):
        parts[i] = _INDENT.sub("\n", parts[i])
    return "".join(parts)
