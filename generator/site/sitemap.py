"""Sitemaps of the built site, split as the sitemap protocol requires (sitemaps.org).

A sitemap file holds at most 50,000 URLs (and 50 MB); a national registry has more pages than
that, so `sitemap.xml` is a sitemap *index* that lists `sitemap-1.xml`, `sitemap-2.xml`, ...
`robots.txt` names the index. Every page of the built site is listed (any `index.html`, whoever
wrote it: the engine's pages and the generator's standalone ones), found by walking the built
folder, so the list cannot drift from what is published. Without a site_url there is no
absolute address to list: no sitemap, and the engine's own (which would hold "None") goes.
"""

from __future__ import annotations

import os
from pathlib import Path
from xml.sax.saxutils import escape

MAX_URLS = 50_000
SKIP_DIRS = {"assets", "pagefind", "search"}  # bundles, not pages
NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def page_paths(site_dir: Path) -> list[str]:
    """URL paths ('' for the home page, 'umkm/x/' ...) of every page under site_dir, sorted."""
    out = []
    for top, dirs, files in os.walk(site_dir):
        rel = Path(top).relative_to(site_dir).as_posix()
        if rel == ".":
            dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
            rel = ""
        else:
            rel += "/"
        if "index.html" in files:
            out.append(rel)
    return sorted(out)


def _urlset(site_url: str, paths: list[str]) -> bytes:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<urlset xmlns="{NS}">']
    lines += [f"<url><loc>{escape(site_url + p)}</loc></url>" for p in paths]
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def write(site_dir: Path, site_url: str | None, max_urls: int = MAX_URLS) -> list[str]:
    """Write sitemap.xml (an index), sitemap-N.xml and robots.txt into site_dir, replacing the
    engine's sitemap. Returns the names of the files written."""
    site_dir = Path(site_dir)
    for old in site_dir.glob("sitemap*.xml*"):
        old.unlink()
    if not site_url:
        return []
    paths = page_paths(site_dir)
    names = []
    for i in range(0, max(len(paths), 1), max_urls):
        name = f"sitemap-{i // max_urls + 1}.xml"
        (site_dir / name).write_bytes(_urlset(site_url, paths[i : i + max_urls]))
        names.append(name)
    index = ['<?xml version="1.0" encoding="UTF-8"?>', f'<sitemapindex xmlns="{NS}">']
    index += [f"<sitemap><loc>{escape(site_url + n)}</loc></sitemap>" for n in names]
    index.append("</sitemapindex>")
    (site_dir / "sitemap.xml").write_text("\n".join(index) + "\n", encoding="utf-8")
    # Crawlers read robots.txt only at the root of a host: it works for a custom domain (or a
    # user site); under a project site's sub-path, submit sitemap.xml to the search engine.
    (site_dir / "robots.txt").write_text(
        f"User-agent: *\nAllow: /\n\nSitemap: {site_url}sitemap.xml\n", encoding="utf-8"
    )
    return ["sitemap.xml", *names, "robots.txt"]
