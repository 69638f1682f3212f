"""Verification pages: what a partner sees after scanning a certificate (issue 4)."""

from __future__ import annotations

import gzip
import io
import json
from datetime import datetime
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import make_project, run_generator

SITE_URL = "https://registri.example.org/"

# Built on 2026-11-28 (SOURCE_DATE_EPOCH in conftest).
STATUS_YAML = """\
registri:
  judul: Registri Uji
  penerbit: Dinas Koperasi Uji
  wilayah: Kabupaten Uji
  kontak: {email: lapor@example.org, telepon: "(0335) 111222", alamat: Jl. Uji 1}
  contoh: true
sektor: {batik: Batik, makanan: Makanan}
kecamatan: [Kraksaan, Kota Anyar]
lsp:
  mwpm: {nama: LSP Manajemen Wirausaha, lembaga: Universitas Merdeka Malang, lisensi: "BNSP-LSP-9"}
umkm:
  - id: batik-uji
    nama: Batik Tulis Uji
    pemilik: Siti Uji
    sektor: batik
    kecamatan: Kraksaan
    produk: [Batik tulis]
    sertifikat:
      - id: uji-berlaku
        nomor: "MWPM/UMKM/2024/0001"
        pemegang: Siti Uji
        skema: Pengelolaan Usaha Mikro
        unit: [Menyusun rencana usaha, Mengelola keuangan usaha]
        lsp: mwpm
        asesor: [Asesor Satu, Asesor Dua]
        tuk: Aula Rumah UMKM
        tanggal_uji: 2024-10-01
        tanggal_terbit: 2024-10-10
        berlaku_sampai: 2027-10-09
        pembiayaan: fasilitasi
      - id: uji-kedaluwarsa
        nomor: "MWPM/UMKM/2020/0002"
        pemegang: Siti Uji
        skema: Pemasaran Produk UMKM
        lsp: mwpm
        tanggal_uji: 2020-08-27
        tanggal_terbit: 2020-09-07
        berlaku_sampai: 2023-09-06
        pembiayaan: mandiri
      - id: uji-segera
        nomor: "MWPM/UMKM/2023/0003"
        pemegang: Siti Uji
        skema: Produksi Batik Tulis
        lsp: mwpm
        tanggal_terbit: 2023-12-18
        berlaku_sampai: 2026-12-17
        pembiayaan: fasilitasi
  - id: kerupuk-uji
    nama: Kerupuk Uji
    pemilik: Budi Uji
    sektor: makanan
    kecamatan: Kota Anyar
    sertifikat:
      - id: uji-dibekukan
        nomor: "MWPM/UMKM/2024/0004"
        pemegang: Budi Uji
        skema: Pengolahan Pangan
        lsp: mwpm
        tanggal_terbit: 2024-01-10
        berlaku_sampai: 2027-01-09
        pembiayaan: mandiri
        status: dibekukan
        alasan_status: Sedang diperiksa karena pengaduan
        tanggal_status: 2025-03-01
      - id: uji-dicabut
        nomor: "MWPM/UMKM/2024/0005"
        pemegang: Budi Uji
        skema: Pemasaran Produk UMKM
        lsp: mwpm
        tanggal_terbit: 2024-01-10
        berlaku_sampai: 2027-01-09
        pembiayaan: mandiri
        status: dicabut
        alasan_status: Dokumen uji terbukti dipalsukan
        tanggal_status: 2025-05-02
"""

EXPECTED = {
    "uji-berlaku": ("berlaku", "BERLAKU", "VALID"),
    "uji-kedaluwarsa": ("kedaluwarsa", "KEDALUWARSA", "EXPIRED"),
    "uji-segera": ("berlaku", "BERLAKU", "VALID"),
    "uji-dibekukan": ("dibekukan", "DIBEKUKAN", "SUSPENDED"),
    "uji-dicabut": ("dicabut", "DICABUT", "REVOKED"),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    project = make_project(tmp_path_factory.mktemp("verify"), STATUS_YAML, site_url=SITE_URL)
    r = run_generator(project, "build", "--strict")
    assert r.returncode == 0, r.stdout + r.stderr
    return project / "site"


@pytest.fixture(scope="module")
def served(built, serve_dir) -> str:
    return serve_dir(built)


def verify_page(site: Path, cid: str) -> BeautifulSoup:
    return BeautifulSoup(
        (site / "verifikasi" / cid / "index.html").read_text("utf-8"), "html.parser"
    )


@pytest.mark.parametrize("cid", sorted(EXPECTED))
def test_each_status_rendered_at_the_build_date(built, cid):
    status, word, english = EXPECTED[cid]
    page = verify_page(built, cid)
    elements = page.select("[data-status]")
    assert len(elements) == 1, "exactly one element carries data-status"
    el = elements[0]
    assert el["data-status"] == status
    assert el.select_one(".ru-status__kata").get_text() == word
    assert el.select_one(".ru-status__en").get_text() == english
    assert el.select_one("svg.ru-ikon"), "an icon beside the word (never colour alone)"
    data = json.loads((built / "api" / "sertifikat" / f"{cid}.json").read_text("utf-8"))
    assert data["status_tampil"] == status


def test_page_shows_what_to_compare_with_the_paper(built):
    page = verify_page(built, "uji-berlaku")
    text = " ".join(page.get_text(" ").split())
    for expected in (
        "MWPM/UMKM/2024/0001",
        "Siti Uji",
        "Batik Tulis Uji",
        "Batik",
        "Kraksaan",
        "Pengelolaan Usaha Mikro",
        "Menyusun rencana usaha",
        "LSP Manajemen Wirausaha",
        "Universitas Merdeka Malang",
        "BNSP-LSP-9",
        "Asesor Satu, Asesor Dua",
        "Aula Rumah UMKM",
        "1 Oktober 2024",
        "10 Oktober 2024",
        "9 Oktober 2027",
        "Fasilitasi",
        # English labels beside the Indonesian ones
        "Certificate no.",
        "Holder",
        "Valid until",
        "Issued",
        "Funding",
        # trust
        "Data per 28 November 2026",
        SITE_URL,
        "bilah alamat",
        "address bar",
        "bukan jaminan mutu produk",
        "not product quality",
        "lapor@example.org",
    ):
        assert expected in text, expected
    profile = page.select_one('a[href="../../umkm/batik-uji/"]')
    assert profile is not None and profile.get_text() == "Batik Tulis Uji"


@pytest.mark.parametrize(
    "cid,reason,when",
    [
        ("uji-dibekukan", "Sedang diperiksa karena pengaduan", "1 Maret 2025"),
        ("uji-dicabut", "Dokumen uji terbukti dipalsukan", "2 Mei 2025"),
    ],
)
def test_suspended_and_revoked_show_reason_and_date(built, cid, reason, when):
    text = " ".join(verify_page(built, cid).get_text(" ").split())
    assert reason in text and when in text


def test_open_graph_preview(built):
    page = verify_page(built, "uji-berlaku")
    og = {m["property"]: m["content"] for m in page.select("meta[property]")}
    assert og["og:title"] == "Sertifikat MWPM/UMKM/2024/0001 — BERLAKU · Batik Tulis Uji"
    assert og["og:url"] == SITE_URL + "verifikasi/uji-berlaku/"
    assert page.select_one('meta[name="twitter:card"]')["content"] == "summary"
    revoked = verify_page(built, "uji-dicabut")
    title = revoked.select_one('meta[property="og:title"]')["content"]
    assert "DICABUT" in title and "BERLAKU" not in title


def test_verification_pages_are_light_and_outside_search(built):
    page = built / "verifikasi" / "uji-berlaku" / "index.html"
    # 12,000 before issues 19-20: the one design's header and footer and the holder's portfolio
    # (share, LinkedIn, report) add ~1 KB of HTML; what a first visit downloads (gzip) keeps its
    # 12 KB budget in tests/test_weight.py
    assert page.stat().st_size < 13_000
    assert not (built / "search").exists()  # no whole-registry index at all
    # the words and pages Pagefind searches; its fragments carry each UMKM's row for the result
    # list (certificate schemes and numbers included, issue 19), which is shown, not searched
    bundle = [f for f in (built / "pagefind").rglob("*.pf_*") if f.suffix != ".pf_fragment"]
    index = b"".join(gzip.decompress(f.read_bytes()) for f in bundle)
    assert b"MWPM/UMKM/2024/0001" not in index
    soup = verify_page(built, "uji-berlaku")
    # no third-party asset and no extra file: the QR is a ~0.5 KB PNG inside the page
    img = soup.select_one(".v-qr img.ru-qr")
    assert img["src"].startswith("data:image/png;base64,") and len(img["src"]) < 1200
    assert img["alt"].startswith("Kode QR sertifikat")


def test_status_visible_without_scrolling_on_a_small_phone(browser, served):
    ctx = browser.new_context(viewport={"width": 360, "height": 640})
    page = ctx.new_page()
    for cid in EXPECTED:
        page.goto(served + f"verifikasi/{cid}/")
        box = page.locator("[data-status]").bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= 640, (cid, box)
        word = page.locator("[data-status] .ru-status__kata")
        assert word.is_visible()
    ctx.close()


def _status_in_browser(browser, url, when: datetime | None, js=True):
    ctx = browser.new_context(viewport={"width": 360, "height": 640}, java_script_enabled=js)
    page = ctx.new_page()
    if when is not None:
        page.clock.set_fixed_time(when)
    page.goto(url)
    page.wait_for_load_state("load")
    el = page.locator("[data-status]")
    out = (
        el.get_attribute("data-status"),
        page.locator(".ru-status__kata").text_content(),
        page.locator(".ru-status__en").text_content(),
        page.title(),
    )
    ctx.close()
    return out


def test_browser_rejudges_expiry_with_todays_date(browser, served):
    """Built on 2026-11-28 as BERLAKU; valid until 2026-12-17; read on 2027-01-05."""
    url = served + "verifikasi/uji-segera/"
    status, word, english, title = _status_in_browser(browser, url, datetime(2027, 1, 5, 9))
    assert (status, word, english) == ("kedaluwarsa", "KEDALUWARSA", "EXPIRED")
    assert "KEDALUWARSA" in title and "BERLAKU" not in title
    # still valid on its last day
    status, word, _, _ = _status_in_browser(browser, url, datetime(2026, 12, 17, 20))
    assert (status, word) == ("berlaku", "BERLAKU")
    # without JavaScript the build-time status stands
    status, word, _, _ = _status_in_browser(browser, url, None, js=False)
    assert (status, word) == ("berlaku", "BERLAKU")


def test_browser_never_revives_an_expired_or_revoked_certificate(browser, served):
    """A phone whose clock is years behind must not turn KEDALUWARSA back into BERLAKU."""
    for cid, want in (
        ("uji-kedaluwarsa", "kedaluwarsa"),
        ("uji-dicabut", "dicabut"),
        ("uji-dibekukan", "dibekukan"),
    ):
        status, *_ = _status_in_browser(
            browser, served + f"verifikasi/{cid}/", datetime(2021, 1, 1, 9)
        )
        assert status == want, cid


def test_profile_badges_are_rejudged_too(browser, served):
    ctx = browser.new_context()
    page = ctx.new_page()
    page.clock.set_fixed_time(datetime(2027, 1, 5, 9))
    page.goto(served + "umkm/batik-uji/")
    statuses = page.eval_on_selector_all(
        ".ru-sertifikat [data-status]", "els => els.map(e => e.dataset.status)"
    )
    assert statuses.count("berlaku") == 1 and statuses.count("kedaluwarsa") == 2
    ctx.close()


def test_on_page_qr_decodes_to_this_page(browser, served, built):
    import zxingcpp
    from PIL import Image

    # a phone (2 device pixels a CSS pixel) and a plain desktop screen (1)
    for scale, cid in ((2, "uji-berlaku"), (1, "uji-dicabut")):
        ctx = browser.new_context(viewport={"width": 360, "height": 640}, device_scale_factor=scale)
        page = ctx.new_page()
        page.goto(served + f"verifikasi/{cid}/")
        png = page.locator(".v-qr img").screenshot()
        results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
        assert [r.text for r in results] == [SITE_URL + f"verifikasi/{cid}/"]
        assert results[0].format == zxingcpp.BarcodeFormat.QRCode
        path = results[0].text.removeprefix(SITE_URL)
        assert (built / path / "index.html").exists()
        ctx.close()


def _lookup(page, url, typed):
    page.goto(url)
    page.fill("#ru-cari-input", typed)
    page.click("form.ru-cari button[type=submit]")


def test_lookup_by_printed_number_in_any_form(browser, served):
    ctx = browser.new_context(viewport={"width": 360, "height": 640})
    page = ctx.new_page()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    for typed in (
        "MWPM/UMKM/2024/0005",
        "mwpm / umkm / 2024 / 0005",
        "uji-dicabut",
        " UJI DICABUT ",
    ):
        _lookup(page, served, typed)
        page.wait_for_url("**/verifikasi/uji-dicabut/")
        assert page.locator("[data-status]").get_attribute("data-status") == "dicabut"
    assert not [u for u in requests if "direktori.json" in u or "registri.json" in u]
    assert any("/api/cari/" in u for u in requests)
    ctx.close()


def test_lookup_not_found_says_so_at_once(browser, served):
    ctx = browser.new_context(viewport={"width": 360, "height": 640})
    page = ctx.new_page()
    _lookup(page, served, "MWPM/UMKM/1999/9999")
    result = page.locator(".ru-cari__hasil")
    result.get_by_text("TIDAK DITEMUKAN").wait_for()
    assert result.get_attribute("data-status") == "tidak-ditemukan"
    assert "palsu" in result.text_content()
    assert page.url == served  # stayed on the page
    ctx.close()


def test_404_page_for_unknown_certificate(browser, served, built):
    assert (built / "404.html").exists()
    ctx = browser.new_context(viewport={"width": 360, "height": 640})
    page = ctx.new_page()
    response = page.goto(served + "verifikasi/tidak-ada-2099/")
    assert response.status == 404
    text = page.locator("body").text_content()
    assert "TIDAK DITEMUKAN" in text and "NOT FOUND" in text and "palsu" in text
    # the look-up works from the 404 page too
    page.fill("#ru-cari-input", "mwpm/umkm/2024/0001")
    page.click("form.ru-cari button[type=submit]")
    page.wait_for_url("**/verifikasi/uji-berlaku/")
    ctx.close()


def test_qr_print_files_point_at_pages_that_exist(tmp_path, built):
    """`python -m generator qr` for the same data: every PNG decodes to a built page."""
    import zxingcpp
    from PIL import Image

    project = make_project(tmp_path, STATUS_YAML, site_url=SITE_URL)
    r = run_generator(project, "qr", "--semua", "--out", str(tmp_path / "cetak"))
    assert r.returncode == 0, r.stdout + r.stderr
    pngs = sorted((tmp_path / "cetak").glob("*.png"))
    assert len(pngs) == len(EXPECTED)
    for png in pngs:
        (result,) = zxingcpp.read_barcodes(Image.open(png))
        assert result.text == SITE_URL + f"verifikasi/{png.stem}/"
        assert (built / "verifikasi" / png.stem / "index.html").exists()
