"""Page weight is a budget, not a timing: the verification page a partner opens from a QR code
must load from our own site alone, and light enough for a cheap phone on a slow network.

The sample site is built into tmp_path and served with gzip (as GitHub Pages serves it) by the
server of benchmarks/weight.py, which also does the accounting: every byte the server wrote.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import bench_module

from generator import load

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
        f"{[(h.path, h.wire_bytes) for h in visit.hits]}")


@pytest.mark.parametrize("path", ["", "umkm/", "tidak-ada-di-registri/"],
                         ids=["home", "directory", "404"])
def test_no_request_leaves_the_site(browser, server, weight, path):
    visit = weight.measure(browser, server, path)
    assert visit.requests > 0
    assert visit.outside == [], f"requests outside the site: {visit.outside}"
