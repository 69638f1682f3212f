"""On a portal the directory's filter and the search's records are by member registry, not by
the members' own kecamatan (issue 21 at scale: 514 members x ~24 kecamatan made records of
1.8 UMKM and a filter vocabulary of megabytes), and no directory row carries an address.

Two real members (unsigned: the trust path is tests/test_portal.py's), each with three
kecamatan, built and served on local ports; the portal built over them:
- api/direktori/indeks.json names the members (not six kecamatan) and maps them to their
  addresses; the directory's select offers the two members;
- Pagefind's records: one per member and sector (statuses mixed), its kecamatan filter the
  two members; a record holds no rows (the browser reads them from the directory's shards);
- the directory's shard rows have the registry's seven fields, compact: no profile address,
  no kecamatan (the member is in the id), sector and scheme as indexes into the index;
- in Chromium, the directory filtered by member 2 shows exactly member 2's three UMKM, each
  linking to its profile on member 2's own site, and says "Registri <name>"; a search within
  member 2 finds its three UMKM, and with the status filter "dicabut" only the revoked one.
"""

from __future__ import annotations

import json
import re

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, make_project, run_generator
from test_portal import Server, free_port

from generator.site import search

KEC = ("Kraksaan", "Paiton", "Maron")
MEMBERS = {"kab-satu": "Kabupaten Satu", "kab-dua": "Kabupaten Dua"}
# member 2's third UMKM has its certificate revoked: its record mixes statuses
REVOKED = """        status: dicabut
        alasan_status: Usaha ditutup.
        tanggal_status: 2025-01-10
"""


def member_yaml(mid: str, nama: str) -> str:
    umkm = "".join(
        f"""  - id: {mid}-usaha-{i}
    nama: Usaha {nama} {kec}
    pemilik: Pemilik {i}
    sektor: batik
    kecamatan: {kec}
    produk: [Batik tulis{", Selendang sutra" if kec == "Paiton" else ""}]
    sertifikat:
      - id: {mid}-2024-{i}
        nomor: "{mid.upper()}/2024/{i}"
        pemegang: Pemilik {i}
        skema: Produksi
        lsp: uji
        tanggal_terbit: 2024-06-01
        berlaku_sampai: 2029-05-31
        pembiayaan: mandiri
{REVOKED if (mid, i) == ("kab-dua", 3) else ""}"""
        for i, kec in enumerate(KEC, start=1)
    )
    return f"""registri:
  judul: Registri UMKM {nama}
  penerbit: Dinas Koperasi {nama}
  wilayah: {nama}
  kontak: {{email: lapor@example.org}}
  contoh: true
sektor:
  batik: Batik
kecamatan: [{", ".join(KEC)}]
lsp:
  uji: {{nama: LSP Uji}}
umkm:
{umkm}"""


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    base = tmp_path_factory.mktemp("per-anggota")
    servers, urls = [], {}
    for mid, nama in MEMBERS.items():
        port = free_port()
        urls[mid] = f"http://127.0.0.1:{port}/"
        project = make_project(base / mid, member_yaml(mid, nama), site_url=urls[mid])
        r = run_generator(project, "build", env={"REGISTRI_KUNCI_FILE": "", "REGISTRI_KUNCI": ""})
        assert r.returncode == 0, r.stdout + r.stderr
        servers.append(Server(project / "site", port))
    project = base / "portal"
    (project / "data").mkdir(parents=True)
    portal_port = free_port()
    portal_url = f"http://127.0.0.1:{portal_port}/"
    cfg = (ROOT / "contoh" / "portal" / "mkdocs.yml").read_text(encoding="utf-8")
    (project / "mkdocs.yml").write_text(
        re.sub(r"(?m)^site_url:.*$", f"site_url: {portal_url}", cfg), encoding="utf-8"
    )
    anggota = "".join(
        f"  - {{id: {mid}, nama: {nama}, url: '{urls[mid]}'}}\n" for mid, nama in MEMBERS.items()
    )
    (project / "data" / "portal.yaml").write_text(
        "portal: {judul: Portal Uji, penerbit: Dinas Provinsi Uji, contoh: true}\n"
        f"anggota:\n{anggota}",
        encoding="utf-8",
    )
    r = run_generator(project, "build", env={"REGISTRI_KUNCI_FILE": "", "REGISTRI_KUNCI": ""})
    assert r.returncode == 0, r.stdout + r.stderr
    servers.append(Server(project / "site", portal_port))
    yield dict(site=project / "site", urls=urls, portal_url=portal_url)
    for s in servers:
        s.stop()


def test_directory_index_and_select_are_by_member_not_kecamatan(portal):
    site = portal["site"]
    index = json.loads((site / "api" / "direktori" / "indeks.json").read_text(encoding="utf-8"))
    # the key of a member in the filter and in every row is its id (short: repeated per row)
    assert index["kecamatan"] == [["kab-satu", "Kabupaten Satu"], ["kab-dua", "Kabupaten Dua"]]
    assert index["anggota"] == {
        mid: [nama, portal["urls"][mid]] for mid, nama in MEMBERS.items()
    }
    assert sorted(index["jumlah"]) == ["kab-dua", "kab-satu"]
    assert index["jumlah"]["kab-dua"]["batik"][0] == len(KEC)
    page = BeautifulSoup((site / "umkm" / "index.html").read_text(encoding="utf-8"), "html.parser")
    select = page.find("select", attrs={"name": "kecamatan"})
    assert [(o["value"], o.get_text()) for o in select.find_all("option")] == [
        ("", "Semua registri"),
        ("kab-satu", "Kabupaten Satu"),
        ("kab-dua", "Kabupaten Dua"),
    ]
    assert not select.find("optgroup")


def test_search_records_are_grouped_by_member(portal):
    bundle = portal["site"] / search.BUNDLE_DIR
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    # six UMKM in six (kecamatan, member) pairs, one sector, two statuses: one record a member
    assert sum(lang["page_count"] for lang in entry["languages"].values()) == len(MEMBERS)
    filters = {}
    for path in (bundle / "filter").glob("*.pf_filter"):
        name, values = search._load(path)
        filters[name] = sorted(v[0] for v in values)
    assert filters["kecamatan"] == ["kab-dua", "kab-satu"]


def test_directory_rows_carry_no_address_and_name_sector_and_scheme_by_index(portal):
    folder = portal["site"] / "api" / "direktori"
    index = json.loads((folder / "indeks.json").read_text(encoding="utf-8"))
    assert index["sektor_urut"] == ["batik"] and index["skema"] == ["Produksi"]
    shards = sorted(folder.rglob("[0-9]*.json"))
    assert shards
    for path in shards:
        text = path.read_text(encoding="utf-8")
        assert "http" not in text, path
        for row in json.loads(text):
            # id, name, owner, sector (index), member (in the id), products, certificates
            assert len(row) == 7 and row[3] == 0 and row[4] == "", (path, row)
            assert all(c[1] == 0 for c in row[6]), (path, row)


def test_directory_filtered_by_member_shows_its_umkm_linking_to_the_member(browser, portal):
    page = browser.new_page()
    try:
        page.goto(f"{portal['portal_url']}umkm/")
        page.wait_for_selector(".ru-filter:not([hidden])", timeout=30000)
        page.select_option("select[name=kecamatan]", label="Kabupaten Dua")
        page.wait_for_function(
            "() => /UMKM cocok/.test(document.querySelector('.ru-jumlah').textContent)",
            timeout=30000,
        )
        items = page.eval_on_selector_all(
            ".ru-list li[data-id]",
            "els => els.map(li => [li.querySelector('a').textContent, li.querySelector('a').href,"
            " li.querySelector('.ru-item__meta').textContent])",
        )
        base = portal["urls"]["kab-dua"]
        assert sorted(items) == sorted(
            [f"Usaha Kabupaten Dua {kec}", f"{base}umkm/kab-dua-usaha-{i}/",
             f"Pemilik {i} · Batik · Kabupaten Dua"]
            for i, kec in enumerate(KEC, start=1)
        )  # fmt: skip
        assert page.eval_on_selector_all(
            ".ru-list .ru-item__skema", "els => els.map(e => e.textContent)"
        ) == ["Produksi"] * len(KEC)
        assert page.inner_text("h1") == "Direktori UMKM: Registri Kabupaten Dua"
        assert "kecamatan=kab-dua" in page.url
    finally:
        page.close()


def _rows(page, url: str) -> list[list[str]]:
    page.goto(url)
    page.wait_for_function(
        "() => /cocok/.test(document.querySelector('.ru-jumlah').textContent)", timeout=30000
    )
    return page.eval_on_selector_all(
        ".ru-list li[data-id] a", "els => els.map(a => [a.textContent, a.href])"
    )


def test_search_within_a_member_and_by_status_reads_rows_from_the_shards(browser, portal):
    base = portal["urls"]["kab-dua"]
    page = browser.new_page()
    fetched = []
    page.on("request", lambda r: fetched.append(r.url))
    try:
        url = f"{portal['portal_url']}umkm/?q=usaha&kecamatan=kab-dua"
        assert sorted(_rows(page, url)) == sorted(
            [f"Usaha Kabupaten Dua {kec}", f"{base}umkm/kab-dua-usaha-{i}/"]
            for i, kec in enumerate(KEC, start=1)
        )
        # the rows came from the directory's shard of the sector's list
        assert any(u.endswith("/api/direktori/batik/_semua/1.json") for u in fetched), fetched
        # every word typed must be in one UMKM (the member's name is in all of them)
        assert _rows(page, url.replace("q=usaha", "q=usaha+paiton")) == [
            ["Usaha Kabupaten Dua Paiton", f"{base}umkm/kab-dua-usaha-2/"]
        ]
        assert _rows(page, f"{portal['portal_url']}umkm/?q=pemilik+dua+maron") == [
            ["Usaha Kabupaten Dua Maron", f"{base}umkm/kab-dua-usaha-3/"]
        ]
        # the last word of a record's text (of its last UMKM by name, Paiton; Pagefind ends
        # the block with a full stop)
        for word in ("sutra", "sutranya"):  # Pagefind's stemmer decides: -nya is taken off
            assert _rows(page, url.replace("q=usaha", f"q={word}")) == [
                ["Usaha Kabupaten Dua Paiton", f"{base}umkm/kab-dua-usaha-2/"]
            ], word
        assert _rows(page, f"{url}&status=dicabut") == [
            ["Usaha Kabupaten Dua Maron", f"{base}umkm/kab-dua-usaha-3/"]
        ]
        assert _rows(page, f"{url}&status=berlaku") == [
            [f"Usaha Kabupaten Dua {kec}", f"{base}umkm/kab-dua-usaha-{i}/"]
            for i, kec in enumerate(KEC[:2], start=1)
        ]
    finally:
        page.close()
