"""After the engine: the search index and the sitemaps (site/postbuild.py), built for real."""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import make_project, run_generator

from generator.site import sitemap

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
SITE_URL = "https://example.github.io/registri-umkm/"


def locs(path: Path, tag: str) -> list[str]:
    root = ET.parse(path).getroot()
    assert root.tag == f"{{{NS['s']}}}{tag}"
    return [e.text for e in root.iterfind(".//s:loc", NS)]


def test_sitemap_index_lists_every_page(sample_site):
    """sitemap.xml is a sitemap index; its sitemaps list every page of the built site, the
    generator's standalone pages and the engine's alike, and nothing that is not a page."""
    files = locs(sample_site / "sitemap.xml", "sitemapindex")
    assert files == [SITE_URL + "sitemap-1.xml"]
    urls = locs(sample_site / "sitemap-1.xml", "urlset")
    pages = sorted(
        SITE_URL
        + ("" if p.parent == sample_site else p.parent.relative_to(sample_site).as_posix() + "/")
        for p in sample_site.rglob("index.html")
        if not {"assets", "pagefind"} & set(p.relative_to(sample_site).parts)
    )
    assert sorted(urls) == pages
    for must in (
        "",
        "umkm/",
        "umkm/batik-sekar-jagad/",
        "verifikasi/mwpm-2020-0001/",
        "sektor/batik/",
        "kecamatan/kraksaan/",
        "tentang/",
        "api/",
    ):
        assert SITE_URL + must in urls, must
    assert not (sample_site / "sitemap.xml.gz").exists()  # the engine's single file is gone
    robots = (sample_site / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {SITE_URL}sitemap.xml" in robots.splitlines()


def test_sitemap_splits_at_the_limit(sample_site, tmp_path):
    """The protocol's 50,000 URLs a file, with a limit of 40 standing in for it."""
    import shutil

    site = tmp_path / "site"
    shutil.copytree(sample_site, site)
    n = len(sitemap.page_paths(site))
    names = sitemap.write(site, SITE_URL, max_urls=40)
    parts = [x for x in names if re.fullmatch(r"sitemap-\d+\.xml", x)]
    assert len(parts) == -(-n // 40) > 1
    assert locs(site / "sitemap.xml", "sitemapindex") == [SITE_URL + x for x in parts]
    seen = []
    for x in parts:
        urls = locs(site / x, "urlset")
        assert 0 < len(urls) <= 40
        seen += urls
    assert len(seen) == len(set(seen)) == n


def test_no_site_url_no_sitemap(tmp_path):
    project = make_project(tmp_path, site_url=None)
    r = run_generator(project, "build")
    assert r.returncode == 0, r.stdout + r.stderr
    site = project / "site"
    assert not list(site.glob("sitemap*")) and not (site / "robots.txt").exists()
    assert (site / "pagefind" / "pagefind-entry.json").exists()  # search does not need it


def test_engine_without_hooks_still_gets_the_index(tmp_path):
    """`generator build` runs the post-build step itself when the engine ran no hook."""
    project = make_project(tmp_path)
    cfg = project / "mkdocs.yml"
    cfg.write_text(re.sub(r"(?m)^hooks:\n(  - .*\n)+", "", cfg.read_text("utf-8")), "utf-8")
    r = run_generator(project, "build")
    assert r.returncode == 0, r.stdout + r.stderr
    assert (project / "site" / "pagefind" / "pagefind-entry.json").exists()
    assert (project / "site" / "sitemap.xml").exists()


@pytest.mark.skipif(os.name != "posix", reason="uses /bin/false as a failing Pagefind")
def test_search_index_failure_leaves_the_old_site_untouched(tmp_path):
    project = make_project(tmp_path)
    assert run_generator(project, "build").returncode == 0
    before = {p: p.read_bytes() for p in (project / "site").rglob("*") if p.is_file()}
    r = run_generator(project, "build", env={"PAGEFIND_BINARY_PATH": "/bin/false"})
    assert r.returncode == 1
    assert "Pagefind" in r.stdout + r.stderr and "Traceback" not in r.stdout + r.stderr
    after = {p: p.read_bytes() for p in (project / "site").rglob("*") if p.is_file()}
    assert after == before
