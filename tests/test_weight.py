"""Page weight is a budget, not a timing: the verification page a partner opens from a QR code
must load from our own site alone, and light enough for a cheap phone on a slow network.

The sample site is built into tmp_path and served with gzip (as GitHub Pages serves it) by the
server of benchmarks/weight.py, which also does the accounting: every byte the server wrote.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from conftest import bench_module

from generator.data import load

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "umkm.yaml"
VERIFY_BUDGET = 80 * 1024  # bytes transferred, gzip, first visit


@pytest.fixture(scope="module")
def weight():
    return bench_module("weight")


@pytest.fixture(scope="module")
def server(tmp_path_factory, weight):
    project = bench_module("project")
    tmp = project.make(tmp_path_factory.mktemp("weight"))
    project.build(tmp)
    # under the path of site_url, as GitHub Pages serves a project site
    srv = weight.serve(tmp / "site", weight.site_prefix(tmp / "mkdocs.yml"))
    yield srv
    srv.close()


def _first_certificate() -> str:
    return next(c.id for _, c in load.load(SAMPLE).certificates())


def test_verification_page_is_light_and_self_contained(browser, server, weight):
    visit = weight.measure(browser, server, f"verifikasi/{_first_certificate()}/")
    assert visit.status == 200
    assert visit.outside == [], f"requests outside the site: {visit.outside}"
    assert all(h.status == 200 for h in visit.hits), [(h.path, h.status) for h in visit.hits]
    assert visit.wire_bytes <= VERIFY_BUDGET, (
        f"first visit transfers {visit.wire_bytes} bytes (> {VERIFY_BUDGET}): "
        f"{[(h.path, h.wire_bytes) for h in visit.hits]}"
    )


def test_lookup_page_weighs_what_home_weighs(browser, server, weight):
    """Issue 19: the look-up page (/verifikasi/) was a Material page, 79 KB gzip in 10
    requests, the heaviest page of the site; it is now a light page, as home is."""
    visit = weight.measure(browser, server, "verifikasi/")
    assert visit.status == 200
    assert visit.outside == []
    assert not [h.path for h in visit.hits if "assets/stylesheets" in h.path or "bundle" in h.path]
    assert visit.wire_bytes <= weight.LOOKUP_BUDGET, visit.largest(6)


def _heaviest(site: Path, pattern: str) -> str:
    """The page of `pattern` with the most gzip bytes: the budget is for every such page."""
    import gzip

    pages = sorted(site.glob(pattern), key=lambda p: len(gzip.compress(p.read_bytes(), 6)))
    return pages[-1].parent.relative_to(site).as_posix() + "/"


@pytest.mark.parametrize(
    "name,pattern",
    [("verification", "verifikasi/*-*/index.html"), ("profile", "umkm/*/index.html")],
)
def test_portfolio_pages_under_budget(browser, server, weight, name, pattern):
    """Issue 20: a first visit of the verification page a QR code opens stays <= 12 KB gzip,
    a profile <= 15 KB, with the one design's header, banner and footer (issue 19). The header's
    search (pencarian.js) and the date question (riwayat.js) are fetched only when used."""
    path = _heaviest(server.root, pattern)
    visit = weight.measure(browser, server, path)
    assert visit.status == 200, path
    assert visit.outside == []
    assert visit.wire_bytes <= weight.PORTFOLIO_BUDGETS[name], (path, visit.largest(6))
    fetched = [h.path.rsplit("/", 1)[-1] for h in visit.hits]
    assert not {"pencarian.js", "riwayat.js"} & set(fetched), fetched


def test_header_search_is_fetched_when_the_box_is_used(browser, server, weight):
    """pencarian.js (~4 KB) comes when the reader focuses the header's box, and searches."""
    ctx, _ = weight.new_context(browser)
    page = ctx.new_page()
    try:
        page.goto(server.base + f"verifikasi/{_first_certificate()}/", wait_until="networkidle")
        assert page.evaluate("!window.RegistriPencarian")
        page.fill("#k-cari-q", "batik")
        page.wait_for_selector(".k-cari__hasil:not([hidden]) li", timeout=15000)
        assert page.evaluate("!!window.RegistriPencarian")
    finally:
        ctx.close()


@pytest.mark.parametrize(
    "path", ["", "umkm/", "tidak-ada-di-registri/"], ids=["home", "directory", "404"]
)
def test_no_request_leaves_the_site(browser, server, weight, path):
    visit = weight.measure(browser, server, path)
    assert visit.requests > 0
    assert visit.outside == [], f"requests outside the site: {visit.outside}"


# -- issue 13's goals at 100,000 UMKM, checked at the sample's size ------------------------------
#
# What a first visit fetches is measured from the requests Chromium makes (the server counts
# every byte it writes, gzip as on GitHub Pages). The sample has 100 UMKM; the goals are for
# 100,000. So each request is scaled by what its size depends on:
# - the home page: nothing per UMKM (figures and charts per sector and kecamatan): as measured;
# - the directory: its page lists at most PAGE_SIZE UMKM and a filter shows at most 100 rows
#   from at most two shards: their bytes are scaled up to those counts;
# - the first search: Pagefind's metadata lists every record (one per <= 16 UMKM): scaled by
#   100,000 / N; an index chunk grows with the registry up to Pagefind's chunk size (66 KB was
#   the largest at 100,000 UMKM, benchmarks/README.md): scaled likewise, capped there;
#   fragments are per result shown, the rest is code.
# benchmarks/weight.py measures the same pages at 10,000 and 100,000 UMKM for real.

GOAL_N = 100_000
GOALS = {"home": 100 * 1024, "directory": 120 * 1024, "search": 300 * 1024}
CHUNK_CAP = 70 * 1024


@pytest.fixture(scope="module")
def visits(browser, server, weight):
    return weight.first_visits(browser, server, word="batik", sektor="batik", kecamatan="kraksaan")


def _n_umkm():
    return len(load.load(SAMPLE).umkm)


def test_first_visits_stay_on_the_site(visits):
    for name, v in visits.items():
        assert v.requests > 0, name
        assert v.outside == [], (name, v.outside)
        assert all(h.status == 200 for h in v.hits), (name, [(h.path, h.status) for h in v.hits])


def test_home_page_under_budget(visits, server):
    from bs4 import BeautifulSoup

    home = visits["home"]
    assert home.wire_bytes <= GOALS["home"], home.largest(6)
    # nothing on it grows with the number of UMKM: no list of businesses or certificates
    html = (server.root / "index.html").read_text(encoding="utf-8")
    links = [a["href"] for a in BeautifulSoup(html, "html.parser").select("a[href]")]
    assert not [h for h in links if h.startswith(("umkm/", "verifikasi/")) and h.count("/") > 1]
    assert not any(h.path.endswith(".json") for h in home.hits)  # no index fetched up front


def test_directory_with_filter_under_budget_scaled_to_100k(visits, server):
    from generator.site import directory, pages

    n = _n_umkm()
    page, flt = visits["directory"], visits["directory_filter"]
    scaled = 0.0
    for h in page.hits + flt.hits:
        if h.path.endswith("/umkm/"):  # the page: min(N, PAGE_SIZE) items
            scaled += h.wire_bytes * pages.PAGE_SIZE / min(n, pages.PAGE_SIZE)
        elif "/api/direktori/" in h.path and not h.path.endswith("indeks.json"):
            rows = len(json.loads((server.root / h.path.split("/", 2)[2]).read_text("utf-8")))
            scaled += h.wire_bytes * directory.PAGE / max(rows, 1)  # a full shard of rows
        else:
            scaled += h.wire_bytes
    assert not any("pagefind" in h.path for h in page.hits + flt.hits)  # filters need no search
    assert scaled <= GOALS["directory"], (scaled, page.largest(6), flt.largest(6))


def test_first_search_under_budget_scaled_to_100k(visits, server):
    from generator.site import search

    n = _n_umkm()
    registry = load.load(SAMPLE)
    entry = json.loads((server.root / "pagefind" / "pagefind-entry.json").read_text("utf-8"))
    records = entry["languages"]["id"]["page_count"]
    assert records == len(list(search.groups(registry, date(2026, 11, 28))))
    # at 100,000 UMKM: full records, plus at most one part-filled record per key (kecamatan x
    # sector x set of statuses: 16 sets of the 4 statuses, the empty one included)
    keys = len(registry.kecamatan) * len(registry.sektor) * 16
    records_goal = GOAL_N / search.GROUP_SIZE + keys
    search = visits["search"]
    assert any(h.path.endswith(".pf_meta") for h in search.hits)
    scaled = 0.0
    for h in search.hits:
        if h.path.endswith((".pf_meta", ".pf_filter")):
            scaled += h.wire_bytes * records_goal / records
        elif h.path.endswith(".pf_index"):
            scaled += min(h.wire_bytes * GOAL_N / n, CHUNK_CAP)
        else:
            scaled += h.wire_bytes
    assert scaled <= GOALS["search"], (scaled, search.largest(8))
    assert search.wire_bytes <= GOALS["search"]
