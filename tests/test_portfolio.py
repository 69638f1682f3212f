# ruff: noqa: F811  (fixtures imported from test_signing and test_verify are parameters here)
"""The holder's portfolio (SPEC "The holder's portfolio", issue 20): share links and link
previews, the seal to embed, LinkedIn, baked credentials, the printed proof, report links.
Real builds read back with parsers; copy and print in a real Chromium; baked images read with
Pillow and lxml and their credential verified by the digitalbazaar libraries (tests/js)."""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from bs4 import BeautifulSoup
from lxml import etree
from test_signing import js_verify, keys, offline_env, signed  # noqa: F401  (fixtures)
from test_verify import SITE_URL, built, served  # noqa: F401  (fixtures)

SVG_NS = "http://www.w3.org/2000/svg"
OB_NS = "https://purl.imsglobal.org/ob/v3p0"
HOST = urlsplit(SITE_URL).hostname
GREENS = ("#1b5e20",)


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def pages(site: Path, kind: str) -> list[Path]:
    return sorted(p for p in (site / kind).glob("*/index.html") if "halaman-" not in str(p))


def berlaku_counts(site: Path) -> dict[str, int]:
    """UMKM id -> number of BERLAKU certificates, read from the published open data."""
    import json

    out: dict[str, int] = {}
    for part in (site / "api" / "registri").glob("*.json"):
        for u in json.loads(part.read_text(encoding="utf-8"))["umkm"]:
            out[u["id"]] = sum(c["status_tampil"] == "berlaku" for c in u["sertifikat"])
    return out


# -- share and link preview ---------------------------------------------------------------


def test_every_profile_and_verification_page_shares_its_own_address(built):
    checked = 0
    for page in pages(built, "umkm") + pages(built, "verifikasi"):
        doc = soup(page)
        canonical = doc.select_one('link[rel="canonical"]')["href"]
        wa = doc.select_one(".p-bagikan a.p-tombol--wa")["href"]
        assert wa.startswith("https://wa.me/?text="), page
        assert unquote(wa.removeprefix("https://wa.me/?text=")) == canonical
        assert doc.select_one(".p-bagikan [data-salin]")["data-salin"] == canonical
        og = {m["property"]: m["content"] for m in doc.select("meta[property]")}
        assert og["og:url"] == canonical and og["og:site_name"] == "Registri Uji"
        image = og["og:image"]
        assert image.startswith(SITE_URL) and image.endswith(".png")
        assert (built / image.removeprefix(SITE_URL)).is_file()  # published, absolute
        assert doc.select_one('meta[name="twitter:card"]')["content"] == "summary"
        checked += 1
    assert checked == 2 + 5


def test_link_preview_names_the_umkm_the_status_and_the_registry(built):
    doc = soup(built / "umkm" / "kerupuk-uji" / "index.html")
    og = {m["property"]: m["content"] for m in doc.select("meta[property]")}
    assert og["og:title"].startswith("Kerupuk Uji — ") and "tidak ada sertifikat" in og["og:title"]
    assert "Registri Uji" in og["og:description"]
    assert og["og:image"].endswith("pratinjau-dibekukan.png")
    doc = soup(built / "verifikasi" / "uji-dicabut" / "index.html")
    og = {m["property"]: m["content"] for m in doc.select("meta[property]")}
    assert "DICABUT" in og["og:title"] and "Kerupuk Uji" in og["og:title"]
    assert og["og:image"].endswith("pratinjau-dicabut.png")


def test_copy_link_button_copies_the_address_in_chromium(browser, served):
    ctx = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    try:
        for path in ("verifikasi/uji-berlaku/", "umkm/batik-uji/"):
            page = ctx.new_page()
            page.goto(served + path)
            button = page.locator(".p-bagikan [data-salin]")
            button.click()
            page.wait_for_function(
                "() => document.querySelector('.p-bagikan .p-salin-kabar').textContent !== ''"
            )
            copied = page.evaluate("() => navigator.clipboard.readText()")
            assert copied == SITE_URL + path
            page.close()
        # the seal's embed code, copied from its textarea
        page = ctx.new_page()
        page.goto(served + "umkm/batik-uji/")
        page.locator(".p-lencana [data-salin-dari]").click()
        page.wait_for_function(
            "() => document.querySelector('.p-lencana .p-salin-kabar').textContent !== ''"
        )
        copied = page.evaluate("() => navigator.clipboard.readText()")
        assert copied.startswith('<a href="' + SITE_URL + 'umkm/batik-uji/"><img src="')
    finally:
        ctx.close()


# -- the seal -------------------------------------------------------------------------------


def seal_facts(path: Path) -> tuple[str, set[str], int]:
    root = etree.fromstring(path.read_bytes())  # valid XML, or lxml raises
    assert root.tag == f"{{{SVG_NS}}}svg" and root.get("viewBox") == "0 0 120 72"
    text = " ".join(t.text for t in root.iter(f"{{{SVG_NS}}}text"))
    fills = {e.get("fill") for e in root.iter() if e.get("fill")}
    fills |= {e.get("stroke") for e in root.iter() if e.get("stroke")}
    return text, fills, int(root.get("data-berlaku"))


def test_every_seal_is_valid_svg_names_the_host_and_matches_the_status(built):
    counts = berlaku_counts(built)
    seals = sorted((built / "lencana").glob("*.svg"))
    assert {p.stem for p in seals} == set(counts)
    for path in seals:
        text, fills, n = seal_facts(path)
        assert n == counts[path.stem], path
        assert HOST in text.replace(" ", ""), path  # the host is on the seal, visibly
        assert "Data per 28 Nov 2026" in text
        assert b"@font-face" not in path.read_bytes() and b"url(" not in path.read_bytes()
        green = any(f.lower() in GREENS for f in fills)
        if n:
            assert green and f"{n} sertifikat berlaku" in text
        else:  # never green; says so
            assert not green and "Tidak ada sertifikat" in text


def test_profile_offers_the_embed_code_and_links_the_seal_without_loading_it(built):
    doc = soup(built / "umkm" / "batik-uji" / "index.html")
    code = BeautifulSoup(doc.select_one("textarea#p-sematan").get_text(), "html.parser")
    a = code.select_one("a")
    assert a["href"] == SITE_URL + "umkm/batik-uji/"
    assert a.img["src"] == SITE_URL + "lencana/batik-uji.svg" and "Batik Tulis Uji" in a.img["alt"]
    assert len(code.find_all(True)) == 2  # a link and an image, nothing else (no script)
    # the page itself does not load the seal: a link, not an <img>
    assert not doc.select('img[src$=".svg"]')
    assert doc.select_one(".p-lencana a")["href"] == SITE_URL + "lencana/batik-uji.svg"


def test_seal_text_is_escaped_xml(tmp_path):
    from datetime import date

    from generator.site import seal

    name = "Batik <script>alert(1)</script> & \"Kopi\" 'Jaya' ]]>"
    svg = seal.svg(name, 0, "registri.contoh-kab.go.id", date(2026, 11, 28))
    root = etree.fromstring(svg.encode("utf-8"))
    assert root.find(f"{{{SVG_NS}}}title").text.startswith(name + ":")
    assert not list(root.iter("script", f"{{{SVG_NS}}}script"))
    # a long host is split over two lines at a dot, and both lines are there
    text = [t.text for t in root.iter(f"{{{SVG_NS}}}text")]
    assert "· registri." in text and "contoh-kab.go.id" in text


# -- LinkedIn -------------------------------------------------------------------------------


def test_linkedin_link_carries_every_field_only_for_berlaku(built):
    doc = soup(built / "verifikasi" / "uji-berlaku" / "index.html")
    url = urlsplit(doc.select_one(".p-linkedin a.p-tombol--linkedin")["href"])
    assert (url.scheme, url.netloc, url.path) == ("https", "www.linkedin.com", "/profile/add")
    q = {k: v[0] for k, v in parse_qs(url.query, strict_parsing=True).items()}
    assert q == {
        "startTask": "CERTIFICATION_NAME",
        "name": "Pengelolaan Usaha Mikro",
        "organizationName": "Dinas Koperasi Uji",
        "issueYear": "2024",
        "issueMonth": "10",
        "expirationYear": "2027",
        "expirationMonth": "10",
        "certUrl": SITE_URL + "verifikasi/uji-berlaku/",
        "certId": "MWPM/UMKM/2024/0001",
    }
    shown = [dd.span.get_text() for dd in doc.select(".p-linkedin dd")]
    assert shown == [
        "Pengelolaan Usaha Mikro",
        "Dinas Koperasi Uji",
        "10/2024",
        "10/2027",
        "MWPM/UMKM/2024/0001",
        SITE_URL + "verifikasi/uji-berlaku/",
    ]
    for cid in ("uji-kedaluwarsa", "uji-dibekukan", "uji-dicabut"):
        assert not soup(built / "verifikasi" / cid / "index.html").select(".p-linkedin"), cid


def test_linkedin_link_without_expiry_has_no_expiration_fields():
    from datetime import date

    from generator.data.model import Certificate, RegistryContact, RegistryInfo
    from generator.site import portfolio

    reg = RegistryInfo(judul="R", penerbit="Dinas & Co", wilayah="W", kontak=RegistryContact())
    c = Certificate(
        id="x-1", nomor="A/1 #2", pemegang="P", skema="Skema & Unit", lsp="l",
        tanggal_terbit=date(2025, 3, 4), pembiayaan="mandiri",
    )  # fmt: skip
    li = portfolio.linkedin(reg, c, "https://r.go.id/verifikasi/x-1/")
    q = parse_qs(urlsplit(li.url).query, strict_parsing=True)
    assert "expirationYear" not in q and "expirationMonth" not in q
    assert q["certId"] == ["A/1 #2"] and q["organizationName"] == ["Dinas & Co"]
    assert q["name"] == ["Skema & Unit"] and q["issueMonth"] == ["3"]


# -- report and correct ----------------------------------------------------------------------


def mailto_parts(href: str) -> tuple[str, dict[str, str]]:
    url = urlsplit(href)
    assert url.scheme == "mailto"
    return url.path, {k: v[0] for k, v in parse_qs(url.query, strict_parsing=True).items()}


def test_report_links_are_mailtos_carrying_the_number(built):
    for page in pages(built, "verifikasi"):
        doc = soup(page)
        a = [a for a in doc.select("a") if a.get_text() == "Laporkan dugaan pemalsuan"]
        assert len(a) == 1, page
        href = a[0]["href"]
        address, q = mailto_parts(href)
        nomor = doc.select_one(".v-nomor").get_text()
        assert address == "lapor@example.org"
        assert q["subject"] == f"Laporan dugaan pemalsuan sertifikat {nomor}"
        assert nomor.replace("/", "%2F") in href and " " not in href  # URL-encoded
        assert "kartu identitas (KTP)" in doc.select_one(".p-laporkan").get_text()
    for page in pages(built, "umkm"):
        doc = soup(page)
        address, q = mailto_parts(doc.select_one(".p-koreksi a")["href"])
        name = doc.h1.get_text()
        assert address == "lapor@example.org"
        assert q["subject"].startswith(f"Koreksi data UMKM {name} (")
        assert "Data salah?" in doc.select_one(".p-koreksi h2").get_text()


def test_correction_issue_form_ships_disabled_and_is_a_valid_form():
    import yaml

    root = Path(__file__).resolve().parent.parent
    folder = root / ".github" / "ISSUE_TEMPLATE"
    active = sorted(p.name for p in folder.iterdir() if p.suffix in (".yml", ".yaml", ".md"))
    assert active == ["config.yml"]  # the form is off until the admin renames it
    config = yaml.safe_load((folder / "config.yml").read_text(encoding="utf-8"))
    assert config["blank_issues_enabled"] is True
    form = yaml.safe_load((folder / "koreksi-data.yml.nonaktif").read_text(encoding="utf-8"))
    assert {"name", "description", "body"} <= set(form)
    ids = [b.get("id") for b in form["body"] if b["type"] != "markdown"]
    assert {"umkm", "salah", "benar"} <= set(ids)
    guide = (root / "docs" / "panduan" / "index.md").read_text(encoding="utf-8")
    assert "koreksi-data.yml.nonaktif" in guide


# -- the printed proof -------------------------------------------------------------------------


@pytest.mark.parametrize("cid", ["uji-berlaku", "uji-dicabut"])
def test_verification_page_prints_on_one_a4_page(browser, served, cid):
    from pypdf import PdfReader

    page = browser.new_page(viewport={"width": 360, "height": 640})
    try:
        page.goto(served + f"verifikasi/{cid}/")
        page.wait_for_function(
            "() => document.querySelector('.p-dicetak__waktu').textContent !== '—'"
        )
        pdf = page.pdf(format="A4", print_background=True)
    finally:
        page.close()
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    # A4 is 595.3 x 841.9 points (Chromium rounds the page up to whole CSS pixels)
    assert abs(float(box.width) - 595.3) < 1.5 and abs(float(box.height) - 841.9) < 1.5
    text = " ".join(reader.pages[0].extract_text().split())
    word = {"uji-berlaku": "BERLAKU", "uji-dicabut": "DICABUT"}[cid]
    assert word in text and HOST in text
    assert "Dicetak pada" in text and "Data per" in text
    assert "Tambahkan ke profil LinkedIn" not in text and "Bagikan lewat WhatsApp" not in text


# -- baked credentials (signed site) ----------------------------------------------------------


def test_signed_berlaku_verification_page_stays_under_budget(browser, signed):
    """The heaviest verification page there is: a signed site's BERLAKU certificate (LinkedIn
    and its fields, the digital certificate to save, on top of the share and report parts)
    still loads in <= 12 KB gzip on a first visit (issue 20)."""
    from conftest import bench_module

    weight = bench_module("weight")
    page = soup(signed / "site" / "verifikasi" / "sah-2024-0001" / "index.html")
    assert page.select_one(".p-linkedin") and page.select_one(".p-simpan")
    srv = weight.serve(signed / "site", weight.site_prefix(signed / "mkdocs.yml"))
    try:
        visit = weight.measure(browser, srv, "verifikasi/sah-2024-0001/")
    finally:
        srv.close()
    assert visit.status == 200 and visit.outside == []
    assert visit.wire_bytes <= weight.PORTFOLIO_BUDGETS["verification"], visit.largest(6)


def extract_png(path: Path) -> bytes:
    from PIL import Image

    with Image.open(path) as im:
        im.load()
        chunks = {k: v for k, v in im.text.items() if k == "openbadgecredential"}
    assert list(chunks) == ["openbadgecredential"]
    return str(chunks["openbadgecredential"]).encode("utf-8")


def extract_svg(path: Path) -> bytes:
    root = etree.parse(str(path), etree.XMLParser(resolve_entities=False)).getroot()
    assert root.tag == f"{{{SVG_NS}}}svg"
    found = root.findall(f"{{{OB_NS}}}credential")
    assert len(found) == 1 and root[0] is found[0]  # directly after <svg>, exactly once
    assert found[0].get("verify") is None  # embedded proof: the JSON is the element's text
    return found[0].text.encode("utf-8")


def test_baked_png_and_svg_carry_the_credential_byte_for_byte(signed):
    site = signed / "site"
    creds = sorted((site / "api" / "kredensial").glob("*.json"))
    assert len(creds) == 4
    for cred in creds:
        data = cred.read_bytes()
        assert extract_png(cred.with_suffix(".png")) == data, cred.name
        assert extract_svg(cred.with_suffix(".svg")) == data, cred.name
    sums = (site / "api" / "SHA256SUMS").read_text(encoding="utf-8")
    for cred in creds:
        for ext in (".png", ".svg"):
            assert f"  api/kredensial/{cred.stem}{ext}\n" in sums
    # the verification page offers them ("Simpan sertifikat digital")
    doc = soup(site / "verifikasi" / "sah-2024-0001" / "index.html")
    links = {a["href"] for a in doc.select(".p-simpan a")}
    assert {f"../../api/kredensial/sah-2024-0001{e}" for e in (".json", ".png", ".svg")} == links
    assert "Simpan sertifikat digital" in doc.select_one(".p-simpan h2").get_text()


def test_extracted_credentials_verify_with_digitalbazaar(signed, tmp_path, js_verify):  # noqa: F811
    site = shutil.copytree(signed / "site", tmp_path / "site")
    folder = site / "api" / "kredensial"
    for ext, extract in ((".png", extract_png), (".svg", extract_svg)):
        for cred in sorted(folder.glob("*.json")):
            cred.write_bytes(extract(cred.with_suffix(ext)))
        report = js_verify(site, "--now", "validFrom")
        assert report["credentials"] and all(
            v["verified"] for v in report["credentials"].values()
        ), (ext, report["credentials"])
        assert report["sums"]["files"] == {}  # the extracted bytes are the published ones


def test_baking_keeps_a_cdata_terminator_in_the_credential_text():
    from generator.signing import baking

    image = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>'
    with pytest.raises(ValueError):
        baking.bake_svg(image, b"{}")
    image = image.replace(b'1"/>', b'1"></svg>')
    data = b'{"name":"a ]]> b <&>"}\n'
    assert extract_svg_bytes(baking.bake_svg(image, data)) == data


def extract_svg_bytes(svg: bytes) -> bytes:
    root = etree.fromstring(svg)
    return root.find(f"{{{OB_NS}}}credential").text.encode("utf-8")
