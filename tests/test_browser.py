"""The site in a real headless Chromium: directory filter, search, look-up, 404, no third party."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from conftest import SAMPLE, make_project, run_generator
from hostile import HOSTILE, hostile_yaml

from generator.data import load

SITE_URL = "https://registri.example.org/"


@pytest.fixture(scope="module")
def site(tmp_path_factory, serve_dir):
    project = make_project(tmp_path_factory.mktemp("browser"), site_url=SITE_URL)
    r = run_generator(project, "build")
    assert r.returncode == 0, r.stdout + r.stderr
    return serve_dir(project / "site")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, serve_dir):
    project = make_project(tmp_path_factory.mktemp("hostile-b"), hostile_yaml(), site_url=SITE_URL)
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
    return {
        u.id
        for u in REGISTRY.umkm
        if (not sektor or u.sektor == sektor) and (not kecamatan or u.kecamatan == kecamatan)
    }


def wait_items(page, n):
    """Until the list shows n items (a function predicate: allowed by the pages' CSP)."""
    page.wait_for_function("n => document.querySelectorAll('.ru-list .ru-item').length == n", arg=n)


def wait_count(page):
    """Until the directory's count says how many match."""
    page.wait_for_function("() => /cocok/.test(document.querySelector('.ru-jumlah').textContent)")


def shown_ids(page):
    return set(page.eval_on_selector_all(".ru-list .ru-item", "els => els.map(e => e.dataset.id)"))


def test_directory_filters_by_sector_and_kecamatan_in_the_url(page, site):
    page.goto(site + "umkm/")
    page.wait_for_selector(".ru-filter:not([hidden])")
    page.select_option("#ru-sektor", "batik")
    page.select_option("#ru-kecamatan", "kraksaan")
    want = expected("batik", "Kraksaan")
    wait_items(page, len(want))
    assert shown_ids(page) == want
    assert page.text_content(".ru-jumlah").startswith(f"{len(want)} UMKM")
    q = parse_qs(urlparse(page.url).query)
    assert q == {"sektor": ["batik"], "kecamatan": ["kraksaan"]}
    # back button: the previous filter state (sector only) comes back
    page.go_back()
    page.wait_for_function("() => !location.search.includes('kecamatan')")
    wait_items(page, len(expected("batik")))
    assert shown_ids(page) == expected("batik")
    assert page.input_value("#ru-kecamatan") == ""
    ok, hosts = only_localhost(page.requests)
    assert ok, hosts
    assert not page.errors


def test_directory_filter_url_is_shareable(page, site):
    page.goto(site + "umkm/?sektor=makanan&status=dicabut")
    page.wait_for_selector(".ru-filter:not([hidden])")
    wait_count(page)  # the filtered list is drawn from its shard
    want = {
        u.id
        for u in REGISTRY.umkm
        if u.sektor == "makanan" and any(c.status == "dicabut" for c in u.sertifikat)
    }
    assert shown_ids(page) == want
    assert page.input_value("#ru-sektor") == "makanan"
    assert page.input_value("#ru-status") == "dicabut"


def indexed_words(u):
    """The words Pagefind indexes for a UMKM (generator/site/search.py), lower case."""
    text = " ".join([u.nama, u.pemilik, *u.produk, REGISTRY.sektor[u.sektor], u.kecamatan])
    return re.findall(r"\w+", text.lower())


def prefix_matches(prefix):
    return {u.id for u in REGISTRY.umkm if any(w.startswith(prefix) for w in indexed_words(u))}


def test_directory_text_filter_finds_a_product_by_part_of_its_name(page, site):
    page.goto(site + "umkm/")
    page.wait_for_selector(".ru-filter:not([hidden])")
    product = next(p for u in REGISTRY.umkm for p in u.produk if "Keripik" in p)
    part = product.split()[-1][:5].lower()
    page.fill("#ru-q", part)
    want = prefix_matches(part)
    wait_items(page, len(want))
    assert shown_ids(page) == want
    assert parse_qs(urlparse(page.url).query)["q"] == [part]
    assert page.text_content(".ru-jumlah") == f"{len(want)} UMKM cocok"


def test_directory_text_search_and_filters_combine(page, site):
    page.goto(site + "umkm/?q=batik&kecamatan=kraksaan")
    page.wait_for_selector(".ru-filter:not([hidden])")
    want = prefix_matches("batik") & expected(kecamatan="Kraksaan")
    assert want
    wait_items(page, len(want))
    assert shown_ids(page) == want
    assert page.input_value("#ru-q") == "batik"
    assert page.input_value("#ru-kecamatan") == "kraksaan"


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


def header_results(page, words):
    """Type `words` into the header's search box; the ids of the UMKM it lists."""
    page.click("#k-cari-q")
    page.keyboard.type(words, delay=30)
    # the answer to these words, not to a part typed before (a slow machine searches mid-word)
    page.wait_for_function(
        "w => { const p = document.querySelector('.k-cari__hasil:not([hidden]) .k-cari__jumlah');"
        " return p && p.textContent.includes('\u201c' + w + '\u201d'); }",
        arg=words,
        timeout=15000,
    )
    return [li.get_attribute("data-id") for li in page.query_selector_all(".k-cari__hasil li")]


def directory_results(page, site, words):
    """Every UMKM the directory lists for `words` (all pages of results)."""
    page.goto(site + "umkm/?q=" + words)
    wait_count(page)
    while page.is_visible(".ru-lagi"):
        n = len(shown_ids(page))
        page.click(".ru-lagi")
        page.wait_for_function(f"() => document.querySelectorAll('.ru-list .ru-item').length > {n}")
    return shown_ids(page)


@pytest.mark.parametrize(
    "word,stem",
    [
        ("batiknya", "batik"),
        ("pembatik", "batik"),
        ("membatik", "batik"),
        ("perbatikan", "batik"),
        ("kopinya", "kopi"),
        ("menganyam", "anyam"),
        ("rajin", "kerajinan"),
    ],
)
def test_search_finds_umkm_by_a_stemmed_indonesian_word(page, site, word, stem):
    """Pagefind's Indonesian stemmer (Snowball) takes -nya, pem-/mem-/meng-, per-...-an, ke-...-an
    off, on the page's words and on the typed ones: "pembatik" finds exactly the UMKM with a
    word beginning with "batik", "rajin" those with "Kerajinan"."""
    want = prefix_matches(stem)
    assert len(want) >= 3
    page.goto(site)
    shown = header_results(page, word)
    assert shown and set(shown) <= want, shown
    assert directory_results(page, site, word) == want
    ok, hosts = only_localhost(page.requests)
    assert ok, hosts
    assert not page.errors


def test_search_what_the_stemmer_does_not_do(page, site):
    """No fuzzy matching: 'kripik' (for 'keripik') finds nothing. And a part of a word is a
    prefix of the indexed stems, where Keripik has lost its ke-: 'kerip' finds nothing,
    'keripik' finds them all."""
    assert prefix_matches("keripik") and not prefix_matches("kripik")
    page.goto(site + "tentang/")  # a Material page has the same box
    assert header_results(page, "kripik") == []
    assert "Tidak ada UMKM" in page.text_content(".k-cari__hasil")
    assert directory_results(page, site, "kerip") == set()
    assert directory_results(page, site, "keripik") == prefix_matches("keripik")


def test_search_needs_every_word_in_one_umkm(page, site):
    """Records hold up to 16 UMKM: two words must both be in the same UMKM, not spread over
    two UMKM of one record."""
    u = next(u for u in REGISTRY.umkm if len(u.nama.split()) >= 3)
    a, b = u.nama.lower().split()[:2]
    want = prefix_matches(a) & prefix_matches(b)
    assert u.id in want
    assert directory_results(page, site, f"{a} {b}") == want


def test_header_search_enter_opens_the_directory(page, site):
    page.goto(site + "umkm/batik-sekar-jagad/")
    page.fill("#k-cari-q", "kopi")
    page.press("#k-cari-q", "Enter")
    page.wait_for_url("**/umkm/?q=kopi")
    wait_count(page)
    assert shown_ids(page) == prefix_matches("kopi")
    assert "kopi" in page.text_content("h1")


def test_search_shows_hostile_names_as_text(page, hostile):
    page.goto(hostile)
    shown = header_results(page, "Kopi")
    assert "jahat" in shown
    names = page.eval_on_selector_all(".k-cari__hasil li a", "els => els.map(e => e.textContent)")
    assert HOSTILE["nama"] in names
    assert page.query_selector(".k-cari__hasil script, .k-cari__hasil img") is None
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
    for path in (
        "",
        "umkm/",
        f"umkm/{u.id}/",
        f"verifikasi/{u.sertifikat[0].id}/",
        "sektor/batik/",
        "kecamatan/kraksaan/",
        "api/",
        "tentang/",
    ):
        page.goto(site + path)
        page.wait_for_load_state("networkidle")
    ok, hosts = only_localhost(page.requests)
    assert ok, hosts
    assert not page.errors


def test_directory_at_360px_shows_every_control_whole_and_says_what_is_filtered(page, site):
    """Issue 10: at 360 px the kecamatan drop-down was cut off, and a filtered directory's title
    did not say what was filtered."""
    page.goto(site + "umkm/?sektor=kerajinan&kecamatan=kotaanyar&status=berlaku")
    wait_count(page)
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    for control in ("#ru-q", "#ru-sektor", "#ru-kecamatan", "#ru-status"):
        box = page.locator(control).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, (control, box)
        assert box["width"] >= 250, (control, box)  # a full row, not a squeezed column
    # the longest kecamatan name fits inside its drop-down
    longest = max(REGISTRY.kecamatan, key=len)
    page.select_option("#ru-kecamatan", label=longest)
    assert page.evaluate("""() => { const s = document.querySelector('#ru-kecamatan');
        const c = document.createElement('canvas').getContext('2d');
        c.font = getComputedStyle(s).font;
        return c.measureText(s.options[s.selectedIndex].text).width + 40 <= s.clientWidth; }""")
    page.go_back()
    page.wait_for_function("() => /Kotaanyar/.test(document.querySelector('h1').textContent)")
    h1 = page.text_content("h1")
    for words in ("Kerajinan Tangan", "Kecamatan Kotaanyar", "BERLAKU"):
        assert words in h1 and words in page.title(), (words, h1, page.title())
    page.select_option("#ru-sektor", "")
    page.select_option("#ru-kecamatan", "")
    page.select_option("#ru-status", "")
    page.wait_for_function("() => document.querySelector('h1').textContent === 'Direktori UMKM'")
    assert shown_ids(page) == {u.id for u in REGISTRY.umkm}  # the static list is back


def test_header_search_without_javascript_opens_the_directory(browser, site):
    ctx = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 640})
    pg = ctx.new_page()
    pg.goto(site + "umkm/batik-sekar-jagad/")
    pg.fill("#k-cari-q", "kopi")
    pg.press("#k-cari-q", "Enter")
    pg.wait_for_url("**/umkm/?q=kopi")
    assert shown_ids(pg) == expected()  # the complete static list
    assert "memerlukan JavaScript" in pg.content()
    ctx.close()


def test_directory_counts_are_exact_for_every_kind_of_filter(page, site):
    """Counts and lists come from the shards and the count table: compared with the data for
    sector, kecamatan and status filters alone and combined (statuses at the build date)."""
    from datetime import date

    built = date(2026, 11, 28)  # conftest.FIXED_EPOCH

    def want(sektor="", kec="", status=""):
        return {
            u.id
            for u in REGISTRY.umkm
            if (not sektor or u.sektor == sektor)
            and (not kec or u.kecamatan_slug == kec)
            and (not status or any(c.displayed_status(built) == status for c in u.sertifikat))
        }

    kecs = [u.kecamatan_slug for u in REGISTRY.umkm]
    busiest = max(set(kecs), key=kecs.count)
    combos = [
        ("batik", "", ""),
        ("", busiest, ""),
        ("", "", "dicabut"),
        ("", "", "kedaluwarsa"),
        ("makanan", busiest, ""),
        ("minuman", "", "berlaku"),
        ("", busiest, "berlaku"),
        ("kerajinan", busiest, "dibekukan"),
        ("batik", "krucil", "dicabut"),
    ]
    for sektor, kec, status in combos:
        query = "&".join(
            f"{k}={v}" for k, v in (("sektor", sektor), ("kecamatan", kec), ("status", status)) if v
        )
        page.goto(site + "umkm/?" + query)
        wait_count(page)
        w = want(sektor, kec, status)
        assert page.text_content(".ru-jumlah").startswith(f"{len(w)} UMKM cocok"), query
        assert shown_ids(page) == w, query
