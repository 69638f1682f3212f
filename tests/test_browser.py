"""The site in a real headless Chromium: directory filter, search, look-up, 404, no third party."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from conftest import SAMPLE, make_project, run_generator
from hostile import HOSTILE, hostile_yaml

from generator import load

SITE_URL = "https://registri.example.org/"


@pytest.fixture(scope="module")
def site(tmp_path_factory, serve_dir):
    project = make_project(tmp_path_factory.mktemp("browser"), site_url=SITE_URL)
    r = run_generator(project, "build")
    assert r.returncode == 0, r.stdout + r.stderr
    return serve_dir(project / "site")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, serve_dir):
    project = make_project(tmp_path_factory.mktemp("hostile-b"), hostile_yaml(),
                           site_url=SITE_URL)
    r = run_generator(project, "build")
    assert r.returncode == 0, r.stdout + r.stderr
    return serve_dir(project / "site")


@pytest.fixture
def page(browser):
    """A fresh context at 360x640 that records every request and fails on any dialog."""
    ctx = browser.new_context(viewport={"width": 360, "height": 640})
    pg = ctx.new_page()
    pg.requests = []
    pg.dialogs = []
    pg.errors = []
    pg.on("request", lambda r: pg.requests.append(r.url))
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    yield pg
    ctx.close()


def only_localhost(urls):
    hosts = {urlparse(u).hostname for u in urls if not u.startswith(("data:", "blob:"))}
    return hosts <= {"127.0.0.1"}, hosts


REGISTRY = load.load(SAMPLE)


def expected(sektor=None, kecamatan=None):
    return {u.id for u in REGISTRY.umkm
            if (not sektor or u.sektor == sektor) and (not kecamatan or u.kecamatan == kecamatan)}


def shown_ids(page):
    return set(page.eval_on_selector_all(".ru-list .ru-item", "els => els.map(e => e.dataset.id)"))


def test_directory_filters_by_sector_and_kecamatan_in_the_url(page, site):
    page.goto(site + "umkm/")
    page.wait_for_selector(".ru-filter:not([hidden])")
    page.select_option("#ru-sektor", "batik")
    page.select_option("#ru-kecamatan", "kraksaan")
    want = expected("batik", "Kraksaan")
    page.wait_for_function(
        f"() => document.querySelectorAll('.ru-list .ru-item').length == {len(want)}")
    assert shown_ids(page) == want
    assert page.text_content(".ru-jumlah").startswith(f"{len(want)} UMKM")
    q = parse_qs(urlparse(page.url).query)
    assert q == {"sektor": ["batik"], "kecamatan": ["kraksaan"]}
    # back button: the previous filter state (sector only) comes back
    page.go_back()
    page.wait_for_function("() => !location.search.includes('kecamatan')")
    page.wait_for_function(
        f"() => document.querySelectorAll('.ru-list .ru-item').length == {len(expected('batik'))}")
    assert shown_ids(page) == expected("batik")
    assert page.input_value("#ru-kecamatan") == ""
    ok, hosts = only_localhost(page.requests)
    assert ok, hosts
    assert not page.errors


def test_directory_filter_url_is_shareable(page, site):
    page.goto(site + "umkm/?sektor=makanan&status=dicabut")
    page.wait_for_selector(".ru-filter:not([hidden])")
    want = {u.id for u in REGISTRY.umkm if u.sektor == "makanan"
            and any(c.status == "dicabut" for c in u.sertifikat)}
    assert shown_ids(page) == want
    assert page.input_value("#ru-sektor") == "makanan"
    assert page.input_value("#ru-status") == "dicabut"


def test_directory_text_filter_finds_a_product_by_part_of_its_name(page, site):
    page.goto(site + "umkm/")
    page.wait_for_selector(".ru-filter:not([hidden])")
    product = next(p for u in REGISTRY.umkm for p in u.produk if "Keripik" in p)
    part = product.split()[-1][:5].lower()
    page.fill("#ru-q", part)
    want = {u.id for u in REGISTRY.umkm
            if part in " ".join([u.nama, u.pemilik, *u.produk, u.desa or "",
                                 REGISTRY.sektor[u.sektor], u.kecamatan]).lower()}
    page.wait_for_function(
        f"() => document.querySelectorAll('.ru-list .ru-item').length == {len(want)}")
    assert shown_ids(page) == want
    assert parse_qs(urlparse(page.url).query)["q"] == [part]


def test_directory_without_javascript_is_a_complete_list(browser, site):
    ctx = browser.new_context(java_script_enabled=False)
    pg = ctx.new_page()
    pg.goto(site + "umkm/")
    assert shown_ids(pg) == expected()
    assert pg.is_hidden(".ru-filter")
    ctx.close()


def test_directory_is_keyboard_usable(page, site):
    page.goto(site + "umkm/")
    page.wait_for_selector(".ru-filter:not([hidden])")
    page.focus("#ru-q")
    page.keyboard.type("batik")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "ru-sektor"
    for control in ("#ru-q", "#ru-sektor", "#ru-kecamatan", "#ru-status"):
        label = page.eval_on_selector(control, "e => e.labels.length && e.labels[0].textContent")
        assert label


def test_material_search_finds_umkm_by_product(page, site):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(site)
    u = next(u for u in REGISTRY.umkm if u.produk)
    word = u.nama.split()[-1]
    page.click("input.md-search__input")
    page.keyboard.type(word, delay=30)
    page.wait_for_selector(".md-search-result__item", timeout=15000)
    hrefs = page.eval_on_selector_all(".md-search-result__link", "els => els.map(e => e.href)")
    assert any(f"/umkm/{u.id}/" in h for h in hrefs), hrefs
    ok, hosts = only_localhost(page.requests)
    assert ok, hosts


def test_search_shows_hostile_names_as_text(page, hostile):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(hostile)
    page.click("input.md-search__input")
    page.keyboard.type("Kopi", delay=30)
    page.wait_for_selector(".md-search-result__item", timeout=15000)
    page.wait_for_timeout(300)
    titles = page.eval_on_selector_all(".md-search-result__article h1",
                                       "els => els.map(e => e.textContent)")
    assert any(HOSTILE["nama"].split(" Kopi")[0] in t for t in titles), titles
    assert page.query_selector(".md-search-result script") is None
    assert not page.dialogs
    assert not page.errors


def test_hostile_pages_run_no_script(page, hostile):
    for path in ("", "umkm/", "umkm/jahat/", "verifikasi/uji-2024-0001/"):
        page.goto(hostile + path)
        page.wait_for_timeout(200)
    page.goto(hostile + "umkm/")
    page.wait_for_selector(".ru-filter:not([hidden])")
    names = page.eval_on_selector_all(".ru-item__nama", "els => els.map(e => e.textContent)")
    assert HOSTILE["nama"] in names
    assert not page.dialogs
    assert not page.errors


def test_no_request_leaves_localhost_on_any_main_page(page, site):
    u = REGISTRY.umkm[0]
    for path in ("", "umkm/", f"umkm/{u.id}/", f"verifikasi/{u.sertifikat[0].id}/",
                 "sektor/batik/", "kecamatan/kraksaan/", "api/", "tentang/"):
        page.goto(site + path)
        page.wait_for_load_state("networkidle")
    ok, hosts = only_localhost(page.requests)
    assert ok, hosts
    assert not page.errors
