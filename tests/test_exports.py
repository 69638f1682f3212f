"""The /api/ files: public data only, round-tripping exactly, documented field by field."""

from __future__ import annotations

import codecs
import csv
import html
import io
import json
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import markdown
import pytest
import yaml
from bs4 import BeautifulSoup

from generator.api import catalogue, csv_files, exports, registry_parts
from generator.data import declarations, load, model
from generator.publish import manifest

BUILT = datetime(2024, 5, 1, 10, 30, tzinfo=UTC)
SITE = "https://dinas.example.id/registri/"

# Secrets: distinctive, and made only of letters and digits so that no escaping (JSON, CSV,
# HTML) could hide one that leaked.
# (A NIK is 16 digits: check refuses any other.)
SECRETS = ("3513987654320001", "AlamatRahasiaJalanMawarSembilan", "CatatanXyzzyPlugh42")

HOSTILE_TITLE = (
    'Registri <script>alert("x")</script> {{ judul }} {% if %} [klik](javascript:alert(1)) *_`'
)
CMD = "\"; =cmd|' /C calc'!A0"

DATA = f"""
registri:
  judul: {json.dumps(HOSTILE_TITLE)}
  penerbit: "Dinas Koperasi & Usaha Mikro <b>Contoh</b>"
  wilayah: Kabupaten Contoh
  kontak: {{email: lapor@contoh.id, telepon: "+62 335 841234", alamat: "Jl. Panglima Sudirman 1"}}
  contoh: true
  kunci:  # public keys only (this one is the W3C vc-di-eddsa test vector's)
    - id: kunci-lama
      publik: z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2
      berlaku_mulai: 2023-01-01
      berlaku_sampai: 2024-01-31
    - id: kunci-baru
      publik: z6MkehRgf7yJbgaGfYsdoAsKdBPE3dj2CYhowQdcjqSJgvVd
      berlaku_mulai: 2024-02-01
sektor:
  batik: Batik
  makanan: "Makanan & \\"Minuman\\" <i>"
kecamatan: [Kraksaan, Kota Anyar, "Sumber Asih"]
lsp:
  mwpm:
    nama: LSP Manajemen Wirausaha
    lembaga: Universitas Contoh
    lisensi: BNSP-LSP-0000-ID
  lsp-dua:
    nama: "LSP <Dua> & {{{{ x }}}}"
umkm:
  - id: batik-sekar-jagad
    nama: {json.dumps(CMD)}
    pemilik: "Siti Aminah \u2713 \u4e2d\u6587 \U0001f642 \u0130\u0131"
    sektor: batik
    kecamatan: Kota Anyar
    desa: "=1+1"
    produk:
      ["Batik tulis", "a | b", "back\\\\slash \\\\| x", "=HYPERLINK(\\"http://x\\")", "'kutip"]
    deskripsi: "baris satu\\n<script>alert(1)</script>\\r\\nbaris; tiga \\"{{{{ x }}}}\\""
    kontak:
      telepon: "+62 335 123456"
      whatsapp: "081234567890"
      email: sekar@contoh.id
      instagram: "@batik.sekar"
      situs: "https://batik.example/"
    rahasia:
      nik: "{SECRETS[0]}"
      alamat: "{SECRETS[1]}"
      catatan: "{SECRETS[2]}"
    sertifikat:
      - id: mwpm-2020-0001
        nomor: "0001"
        pemegang: "@Siti Aminah"
        skema: "-Pengelolaan Usaha Mikro"
        unit: ["Menyusun rencana usaha", "Mengelola keuangan | kas"]
        lsp: mwpm
        asesor: ["Asesor Satu", "+Asesor Dua"]
        tuk: "Aula Rumah UMKM"
        tanggal_uji: 2020-08-27
        tanggal_terbit: 2020-09-07
        berlaku_sampai: 2030-09-06
        pembiayaan: mandiri
      - id: mwpm-2020-0002
        nomor: "MWPM/UMKM/2020/0002"
        pemegang: Siti Aminah
        skema: Pengelolaan Usaha Mikro
        lsp: mwpm
        tanggal_terbit: 2020-09-07
        berlaku_sampai: 2024-04-30
        pembiayaan: fasilitasi
      - id: mwpm-2020-0003
        nomor: "MWPM/UMKM/2020/0003"
        pemegang: Siti Aminah
        skema: Pengelolaan Usaha Mikro
        lsp: mwpm
        tanggal_terbit: 2020-09-07
        berlaku_sampai: 2024-05-01
        pembiayaan: fasilitasi
        riwayat:
          - tanggal: 2021-02-01
            status: dibekukan
            alasan: "Pemeriksaan | aduan; <b>x</b> =1+1"
          - tanggal: 2021-03-01
            status: aktif
  - id: keripik-bu-ani
    nama: Keripik Bu Ani
    pemilik: Ani
    sektor: makanan
    kecamatan: Kraksaan
    sertifikat:
      - id: lsp2-2021-0001
        nomor: "L2/2021/0001"
        pemegang: Ani
        skema: Produksi Pangan
        lsp: lsp-dua
        tanggal_terbit: 2021-01-05
        pembiayaan: mandiri
        status: dibekukan
        alasan_status: "Dalam pemeriksaan; <b>sementara</b>"
        tanggal_status: 2023-02-01
      - id: lsp2-2021-0002
        nomor: "L2/2021/0002"
        pemegang: Ani
        skema: Produksi Pangan
        lsp: lsp-dua
        tanggal_terbit: 2021-01-05
        berlaku_sampai: 2029-01-01
        pembiayaan: mandiri
        status: dicabut
        alasan_status: "-2+3 baris\\nkedua"
        tanggal_status: 2023-03-01
  - id: anyaman-sumber
    nama: Anyaman Sumber
    pemilik: Budi
    sektor: batik
    kecamatan: Sumber Asih
"""

EXPECTED_STATUS = {
    "mwpm-2020-0001": "berlaku",
    "mwpm-2020-0002": "kedaluwarsa",
    "mwpm-2020-0003": "berlaku",  # berlaku_sampai is the build date: still valid that day
    "lsp2-2021-0001": "dibekukan",
    "lsp2-2021-0002": "dicabut",
}


@pytest.fixture(scope="module")
def datafile(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("data") / "umkm.yaml"
    path.write_text(DATA, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def registry(datafile) -> model.Registry:
    return load.load(datafile)


@pytest.fixture(scope="module")
def raw(datafile) -> dict:
    """The data file as plain YAML: the independent source the exports are compared with."""
    return yaml.safe_load(datafile.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def files(registry) -> dict[str, bytes]:
    return exports.api_files(registry, BUILT, SITE)


def _json(files, path):
    return json.loads(files[path].decode("utf-8"))


def _whole(files, raw) -> dict:
    """api/registri.json with the UMKM of all its parts, back in data-file order."""
    index = _json(files, "api/registri.json")
    umkm = [u for part in index["bagian"] for u in _json(files, part["berkas"])["umkm"]]
    order = {u["id"]: i for i, u in enumerate(raw["umkm"])}
    return {**index, "umkm": sorted(umkm, key=lambda u: order[u["id"]])}


def _plain(v):
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, list):
        return [_plain(x) for x in v]
    return v


# --- what the files hold ---------------------------------------------------------------------


def test_files(files, raw):
    cert_ids = [c["id"] for u in raw["umkm"] for c in u.get("sertifikat", [])]
    assert set(files) == {
        "api/index.md",
        "api/registri.json",
        *(f"api/registri/{k}.json" for k in ("kraksaan", "kota-anyar", "sumber-asih")),
        "api/umkm.csv",
        "api/sertifikat.csv",
        "api/manifest.json",
        "api/dibangun.json",
        "api/perubahan.json",
        "api/perubahan.xml",
        *(f"api/sertifikat/{i}.json" for i in cert_ids),
    }
    for path, content in files.items():
        assert isinstance(content, bytes)
        if path.endswith((".json", ".md")):
            assert content.endswith(b"\n") and not content.endswith(b"\n\n")


def test_registry_json_is_the_public_data(files, raw):
    data = _whole(files, raw)
    assert data["versi_format"] == manifest.FORMAT_VERSION
    assert data["tanggal_data"] == "2024-05-01"
    assert "dibangun" not in data  # the time is in api/dibangun.json only
    assert data["url_situs"] == SITE
    assert data["lisensi"]["nama"] == "CC BY 4.0"
    info = raw["registri"]
    assert data["registri"] == {
        "judul": info["judul"],
        "penerbit": info["penerbit"],
        "wilayah": info["wilayah"],
        "kontak": {k: info["kontak"].get(k) for k in ("email", "telepon", "alamat")},
        "contoh": True,
        "masa_status_hari": 7,
        "kunci": [
            {
                "id": "kunci-lama",
                "publik": "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
                "berlaku_mulai": "2023-01-01",
                "berlaku_sampai": "2024-01-31",
            },
            {
                "id": "kunci-baru",
                "publik": "z6MkehRgf7yJbgaGfYsdoAsKdBPE3dj2CYhowQdcjqSJgvVd",
                "berlaku_mulai": "2024-02-01",
                "berlaku_sampai": None,
            },
        ],
    }
    assert data["sektor"] == [{"kode": k, "nama": v} for k, v in raw["sektor"].items()]
    assert data["kecamatan"] == [
        {"nama": "Kraksaan", "slug": "kraksaan"},
        {"nama": "Kota Anyar", "slug": "kota-anyar"},
        {"nama": "Sumber Asih", "slug": "sumber-asih"},
    ]
    assert data["lsp"] == [
        {"kode": k, "nama": v["nama"], "lembaga": v.get("lembaga"), "lisensi": v.get("lisensi")}
        for k, v in raw["lsp"].items()
    ]
    assert [u["id"] for u in data["umkm"]] == [u["id"] for u in raw["umkm"]]
    for got, want in zip(data["umkm"], raw["umkm"], strict=True):
        for key in ("id", "nama", "pemilik", "sektor", "kecamatan", "desa", "deskripsi"):
            assert got[key] == want.get(key), key
        assert got["produk"] == want.get("produk", [])
        assert got["kontak"] == {
            k: want.get("kontak", {}).get(k)
            for k in ("telepon", "whatsapp", "email", "instagram", "situs")
        }
        assert got["url_profil"] == f"{SITE}umkm/{want['id']}/"
        assert "rahasia" not in got
        certs = want.get("sertifikat", [])
        assert len(got["sertifikat"]) == len(certs)
        for gc, wc in zip(got["sertifikat"], certs, strict=True):
            for f in declarations.CERTIFICATE:
                if f.kind == declarations.RECORDS:  # riwayat: every declared key, null when absent
                    want_events = [
                        {x.key: _plain(e.get(x.key)) for x in f.fields} for e in wc.get(f.key, [])
                    ]
                    assert gc[f.key] == want_events, f.key
                    continue
                default = [] if f.kind == declarations.TEXTS else f.default
                assert gc[f.key] == _plain(wc.get(f.key, default)), f.key
            assert gc["status_tampil"] == EXPECTED_STATUS[wc["id"]]
            assert gc["url_verifikasi"] == f"{SITE}verifikasi/{wc['id']}/"


@pytest.mark.parametrize("cert_id", sorted(EXPECTED_STATUS))
def test_certificate_json_status_at_the_build_date(files, raw, cert_id):
    data = _json(files, f"api/sertifikat/{cert_id}.json")
    status = EXPECTED_STATUS[cert_id]
    owner = next(u for u in raw["umkm"] if cert_id in [c["id"] for c in u.get("sertifikat", [])])
    want = next(c for c in owner["sertifikat"] if c["id"] == cert_id)
    assert data["id"] == cert_id
    assert data["status"] == want.get("status", "aktif")
    assert data["status_tampil"] == status
    assert data["status_label"] == dict(zip(("id", "en"), model.STATUS_LABELS[status], strict=True))
    assert data["berlaku_sampai"] == _plain(want.get("berlaku_sampai"))
    assert "tanggal_data" not in data and "dibangun" not in data  # see api/dibangun.json
    assert data["url_verifikasi"] == f"{SITE}verifikasi/{cert_id}/"
    assert data["nomor"] == want["nomor"] and data["pemegang"] == want["pemegang"]
    lsp = raw["lsp"][want["lsp"]]
    assert data["lsp"] == {
        "kode": want["lsp"],
        "nama": lsp["nama"],
        "lembaga": lsp.get("lembaga"),
        "lisensi": lsp.get("lisensi"),
    }
    assert data["umkm"]["id"] == owner["id"]
    assert data["umkm"]["nama"] == owner["nama"]
    assert data["umkm"]["sektor"] == owner["sektor"]
    assert data["umkm"]["sektor_nama"] == raw["sektor"][owner["sektor"]]
    assert data["umkm"]["kecamatan"] == owner["kecamatan"]
    assert data["registri"]["contoh"] is True


def test_status_is_judged_at_the_given_date(registry):
    later = exports.api_files(registry, datetime(2031, 1, 1, tzinfo=UTC), SITE)
    data = json.loads(later["api/sertifikat/mwpm-2020-0001.json"])
    assert data["status_tampil"] == "kedaluwarsa"
    assert data["status_label"] == {"id": "KEDALUWARSA", "en": "EXPIRED"}
    assert json.loads(later["api/dibangun.json"])["tanggal_data"] == "2031-01-01"


def test_only_the_build_stamp_carries_the_build_time(registry):
    """A rebuild with the same data, later the same day, changes api/dibangun.json only; the
    next day, only it and the files that state the date (whole registry, the /api/ page)."""
    morning = exports.api_files(registry, BUILT, SITE)
    evening = exports.api_files(registry, BUILT.replace(hour=23, minute=59), SITE)
    assert {p for p in morning if morning[p] != evening[p]} == {"api/dibangun.json"}
    assert json.loads(evening["api/dibangun.json"]) == {
        "versi_format": manifest.FORMAT_VERSION,
        "dibangun": "2024-05-01T23:59:00+00:00",
        "tanggal_data": "2024-05-01",
    }
    day2 = datetime(2024, 5, 2, 6, tzinfo=UTC)
    next_day = exports.api_files(registry, day2, SITE)
    changed = {p for p in morning if morning[p] != next_day[p]}
    expired = {  # their status_tampil changed overnight: a change of content
        f"api/sertifikat/{c.id}.json"
        for _, c in registry.certificates()
        if c.displayed_status(BUILT.date()) != c.displayed_status(day2.date())
    }
    assert expired  # the sample has one certificate valid until 2024-05-01
    parts = {p for p in morning if p.startswith("api/registri/")}  # per kecamatan
    dated = {
        "api/dibangun.json",
        "api/registri.json",
        "api/index.md",
        "api/perubahan.json",
        "api/perubahan.xml",
        *parts,
    }  # the feed counts expiries
    assert changed == dated | expired | {"api/sertifikat.csv"}


def test_manifest(files, raw):
    data = _json(files, "api/manifest.json")
    assert data == {
        "versi_format": manifest.FORMAT_VERSION,
        "contoh": raw["registri"].get("contoh", False),
        "sertifikat": sorted(EXPECTED_STATUS),
        "umkm": sorted(u["id"] for u in raw["umkm"]),
    }


def test_without_site_url_the_urls_are_null(registry):
    out = exports.api_files(registry, BUILT, None)
    data = json.loads(out["api/sertifikat/mwpm-2020-0001.json"])
    assert data["url_verifikasi"] is None and data["umkm"]["url_profil"] is None
    assert json.loads(out["api/registri.json"])["url_situs"] is None
    assert "alamat-situs" in out["api/index.md"].decode()


def test_site_url_without_slash_is_normalised(registry):
    """site_url is normalised once, where mkdocs.yml is read (config.SiteUrl), and the api wing
    joins paths to the value it is given."""
    from generator.data.config import SiteUrl

    site_url = SiteUrl.of(SITE.rstrip("/"))
    assert site_url == SiteUrl.of(SITE + "//") == SITE and SiteUrl.of(site_url) is site_url
    assert site_url.host == "dinas.example.id" and site_url.path == "/registri/"
    out = exports.api_files(registry, BUILT, site_url)
    data = json.loads(out["api/sertifikat/mwpm-2020-0001.json"])
    assert data["url_verifikasi"] == f"{SITE}verifikasi/mwpm-2020-0001/"


# --- CSV ---------------------------------------------------------------------------------------
# The rule, as documented on the /api/ page, implemented here independently of exports.py:
# one leading ' is dropped; a list cell splits on " | " where | is not escaped by \.


def _unmark(cell: str) -> str:
    return cell[1:] if cell.startswith("'") else cell


def _split_list(cell: str) -> list[str]:
    if cell == "":
        return []
    items, cur, i = [], "", 0
    while i < len(cell):
        ch = cell[i]
        if ch == "\\":
            cur += cell[i + 1]
            i += 2
            continue
        if ch == "|":
            assert cur.endswith(" ") and cell[i + 1] == " ", cell
            items.append(cur[:-1])
            cur, i = "", i + 2
            continue
        cur += ch
        i += 1
    items.append(cur)
    return items


def _read_csv(content: bytes) -> tuple[list[str], list[list[str]]]:
    assert content.startswith(codecs.BOM_UTF8)
    text = content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    return rows[0], rows[1:]


def _cell_value(cell: str, type_: str):
    text = _unmark(cell)
    if type_ == "list":
        return _split_list(text)
    return text


def _csv_records(files, path):
    # a part api/csv/<umkm|sertifikat>/<kecamatan>.csv has the columns of the whole file
    whole = {"umkm": "api/umkm.csv", "sertifikat": "api/sertifikat.csv"}
    if path.startswith("api/csv/"):
        path, files = whole[path.split("/")[2]], {whole[path.split("/")[2]]: files[path]}
    api_file = next(f for f in catalogue.API_FILES if f.path == path)
    header, rows = _read_csv(files[path])
    assert header == [f.name for f in api_file.fields]
    types = {f.name: f.type for f in api_file.fields}
    return [{h: _cell_value(c, types[h]) for h, c in zip(header, row, strict=True)} for row in rows]


def _none_to_empty(v):
    return "" if v is None else v


def test_csv_is_for_excel_with_indonesian_settings(files):
    for path in ("api/umkm.csv", "api/sertifikat.csv"):
        content = files[path]
        assert content.startswith(codecs.BOM_UTF8)
        header_line = content[3:].split(b"\r\n", 1)[0]
        assert b";" in header_line and b"," not in header_line
        assert content.endswith(b"\r\n")
        # every record ends in CRLF: outside quoted cells there is no bare LF
        _, rows = _read_csv(content)
        outside = content.decode("utf-8-sig").split('"')[::2]
        assert all("\n" not in part.replace("\r\n", "") for part in outside)
        for row in rows:
            for cell in row:
                assert not cell.startswith(csv_files.CSV_FORMULA_START), (path, cell)


def test_umkm_csv_parses_back_to_the_public_data(files, raw):
    data = _whole(files, raw)
    records = _csv_records(files, "api/umkm.csv")
    sectors = {s["kode"]: s["nama"] for s in data["sektor"]}
    assert len(records) == len(data["umkm"])
    for rec, u in zip(records, data["umkm"], strict=True):
        want = {
            **{k: v for k, v in u.items() if k not in ("kontak", "sertifikat")},
            **u["kontak"],
            "sektor_nama": sectors[u["sektor"]],
            "sertifikat": [c["id"] for c in u["sertifikat"]],
        }
        assert rec == {k: _none_to_empty(v) for k, v in want.items()}


def test_certificate_csv_parses_back_to_the_public_data(files, raw):
    data = _whole(files, raw)
    records = _csv_records(files, "api/sertifikat.csv")
    lsp = {x["kode"]: x["nama"] for x in data["lsp"]}
    want = [
        {
            **c,
            "riwayat": [
                f"{e['tanggal']} {e['status']}" + (f": {e['alasan']}" if e["alasan"] else "")
                for e in c["riwayat"]
            ],
            "lsp_nama": lsp[c["lsp"]],
            "umkm_id": u["id"],
            "umkm_nama": u["nama"],
            "sektor": u["sektor"],
            "kecamatan": u["kecamatan"],
        }
        for u in data["umkm"]
        for c in u["sertifikat"]
    ]
    assert records == [{k: _none_to_empty(v) for k, v in w.items()} for w in want]


def test_csv_marks_formulas_and_identifiers(files):
    header, rows = _read_csv(files["api/umkm.csv"])
    row = dict(zip(header, rows[0], strict=True))
    assert row["nama"] == CMD  # starts with ", not a formula: unchanged
    assert row["desa"] == "'=1+1"
    assert row["telepon"] == "'+62 335 123456"
    assert row["whatsapp"] == "'081234567890"  # Excel keeps the leading 0
    assert row["produk"].startswith("Batik tulis | a \\| b | ")
    header, rows = _read_csv(files["api/sertifikat.csv"])
    row = dict(zip(header, rows[0], strict=True))
    assert row["nomor"] == "'0001"
    assert row["pemegang"] == "'@Siti Aminah"
    assert row["skema"] == "'-Pengelolaan Usaha Mikro"


# --- hostile values, secrets, determinism ------------------------------------------------------


def test_hostile_strings_round_trip_exactly(files, raw):
    u = raw["umkm"][0]
    data = _whole(files, raw)
    got = data["umkm"][0]
    assert got["nama"] == CMD
    assert got["deskripsi"] == 'baris satu\n<script>alert(1)</script>\r\nbaris; tiga "{{ x }}"'
    assert got["deskripsi"] == u["deskripsi"]
    assert got["pemilik"] == "Siti Aminah \u2713 \u4e2d\u6587 \U0001f642 \u0130\u0131"
    assert got["produk"] == [
        "Batik tulis",
        "a | b",
        "back\\slash \\| x",
        '=HYPERLINK("http://x")',
        "'kutip",
    ]
    assert data["registri"]["judul"] == HOSTILE_TITLE
    # JSON keeps Unicode as text, not \u escapes
    part = next(
        b["berkas"]
        for b in _json(files, "api/registri.json")["bagian"]
        if b["kecamatan"] == got["kecamatan_slug"]
    )
    assert "\U0001f642".encode() in files[part]
    records = _csv_records(files, "api/umkm.csv")
    assert records[0]["nama"] == CMD
    assert records[0]["deskripsi"] == got["deskripsi"]
    assert records[0]["produk"] == got["produk"]
    assert records[0]["pemilik"] == got["pemilik"]


def test_no_secret_anywhere(registry, files, monkeypatch):
    for path, content in files.items():
        text = content.decode("utf-8-sig")
        for secret in SECRETS:
            assert secret.encode() not in content, (path, secret)
            assert secret not in html.unescape(text), (path, secret)
    for path in files:
        if path.endswith(".json"):
            assert not _has_key(_json(files, path), {"rahasia", "nik", "catatan"}), path

    def forbidden(self):
        raise AssertionError("exports must not read the confidential records")

    monkeypatch.setattr(model.Registry, "confidential_records", forbidden)
    assert exports.api_files(registry, BUILT, SITE) == files


def _has_key(value, keys) -> bool:
    if isinstance(value, dict):
        return any(k in keys or _has_key(v, keys) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_key(v, keys) for v in value)
    return False


def test_deterministic(registry, datafile, files):
    again = exports.api_files(load.load(datafile), BUILT, SITE)
    assert list(again) == list(files)
    assert again == files


# --- the /api/ page ----------------------------------------------------------------------------


def _paths(value, prefix: str = "") -> set[str]:
    """Every key path present in a JSON value: `a.b` for keys, `a[]` for list items."""
    out: set[str] = set()
    if isinstance(value, dict):
        for k, v in value.items():
            p = f"{prefix}.{k}" if prefix else k
            out.add(p)
            out |= _paths(v, p)
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                out |= _paths(item, f"{prefix}[]")
    return out


def _present(files) -> dict[str, set[str]]:
    present: dict[str, set[str]] = {}
    certs: set[str] = set()
    for path in files:
        if path.startswith("api/sertifikat/"):
            certs |= _paths(_json(files, path))
    present["api/sertifikat/<id>.json"] = certs
    for path in (
        "api/registri.json",
        "api/manifest.json",
        "api/dibangun.json",
        "api/perubahan.json",
    ):
        present[path] = _paths(_json(files, path))
    present["api/registri/<kecamatan>.json"] = set().union(
        *(_paths(_json(files, p)) for p in files if p.startswith("api/registri/"))
    )
    for path in ("api/umkm.csv", "api/sertifikat.csv"):
        present[path] = set(_read_csv(files[path])[0])
    return present


def _documented(index_md: str) -> dict[str, list[str]]:
    soup = BeautifulSoup(index_md, "html.parser")
    return {
        table["data-api-file"]: [tr.find("td").get_text() for tr in table.tbody.find_all("tr")]
        for table in soup.find_all("table", attrs={"data-api-file": True})
    }


def test_index_documents_every_field_present_and_no_absent_one(files):
    documented = _documented(files["api/index.md"].decode())
    present = _present(files)
    assert set(documented) == set(present) == {f.path for f in catalogue.API_FILES}
    for path, names in documented.items():
        assert len(names) == len(set(names)), f"{path}: a field is documented twice"
        assert set(names) - present[path] == set(), f"{path}: documented but absent"
        assert present[path] - set(names) == set(), f"{path}: present but undocumented"
    for f in catalogue.API_FILES:
        assert documented[f.path] == [x.name for x in f.fields]
        for x in f.fields:
            assert x.type and x.doc.strip(), x


def test_every_public_model_field_is_exported():
    declared = {x.name for x in catalogue.REGISTRY_JSON.fields} | {
        x.name for x in catalogue.REGISTRY_PART_JSON.fields
    }
    for prefix, fields in (
        ("registri.", declarations.REGISTRY_INFO),
        ("lsp[].", declarations.LSP),
        ("umkm[].", declarations.UMKM),
        ("umkm[].kontak.", declarations.UMKM_CONTACT),
        ("umkm[].sertifikat[].", declarations.CERTIFICATE),
    ):
        for f in fields:
            if f.secret:
                assert prefix + f.key not in declared
            else:
                assert prefix + f.key in declared, prefix + f.key
    columns = {x.name for x in catalogue.CERTIFICATE_CSV.fields}
    assert {f.key for f in declarations.CERTIFICATE} <= columns


def test_index_page_is_markdown_with_front_matter_and_escaped_values(files):
    text = files["api/index.md"].decode()
    head, front, body = text.split("---\n", 2)
    assert head == "" and yaml.safe_load(front) == {
        "title": "API dan Data Terbuka",
        "hide": ["navigation", "toc"],  # no sidebars: it looks like the light pages
    }
    for raw_value in (HOSTILE_TITLE, "<script", "<b>Contoh</b>", "javascript:", "{{", "{%", "}}"):
        assert raw_value not in text
    assert html.escape("Dinas Koperasi & Usaha Mikro") in text
    assert "CC BY 4.0" in text
    # Rendered the way MkDocs renders it, the values are text and nothing else.
    rendered = markdown.markdown(body, extensions=["tables", "attr_list", "md_in_html", "toc"])
    soup = BeautifulSoup(rendered, "html.parser")
    assert soup.find("script") is None and soup.find("b") is None
    assert not [a for a in soup.find_all("a") if a["href"].startswith("javascript")]
    page_text = soup.get_text()
    assert HOSTILE_TITLE in page_text
    assert "Dinas Koperasi & Usaha Mikro <b>Contoh</b>" in page_text
    # the curl example holds the real address of a certificate
    assert f"curl -sf {SITE}api/sertifikat/mwpm-2020-0001.json | jq -r .status_tampil" in (
        page_text
    )
    assert "status_tampil" in page_text and "tanggal_data" in page_text


# --- the documented examples work ---------------------------------------------------------------


@pytest.mark.skipif(not (shutil.which("curl") and shutil.which("jq")), reason="needs curl and jq")
def test_documented_curl_examples_work(registry, tmp_path, serve_dir):
    base = serve_dir(tmp_path)
    out = exports.api_files(registry, BUILT, base)
    for path, content in out.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(content)
    soup = BeautifulSoup(out["api/index.md"].decode(), "html.parser")
    commands = [
        pre.get_text()
        for pre in soup.find_all("pre")
        if "curl" in pre.get_text() and "openssl" not in pre.get_text()
    ]
    assert len(commands) == 3
    simple, judge, feed = commands
    assert f"{base}api/sertifikat/mwpm-2020-0001.json" in simple

    def run(command: str) -> subprocess.CompletedProcess:
        return subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=30)

    assert run(simple).stdout == "berlaku\n"
    today = datetime.now(UTC).date()
    for _, c in registry.certificates():
        command = judge.replace("mwpm-2020-0001", c.id)
        assert run(command).stdout == c.displayed_status(today) + "\n", c.id
    missing = run("set -o pipefail; " + simple.replace("mwpm-2020-0001", "tidak-ada-0000"))
    assert (missing.returncode, missing.stdout) == (22, "")
    # the status-change feed: revocations, newest first, as tab-separated date and number
    assert run(feed).stdout == "2023-03-01\tL2/2021/0002\n"


# --- the registry in parts ----------------------------------------------------------------------


def test_registry_parts_one_per_kecamatan_in_data_order(files, raw):
    index = _json(files, "api/registri.json")
    assert "umkm" not in index
    total = sum(p["jumlah_umkm"] for p in index["bagian"])
    assert index["jumlah_umkm"] == len(raw["umkm"]) == total
    for part in index["bagian"]:
        data = _json(files, part["berkas"])
        assert part["url"] == SITE + part["berkas"]
        assert part["ukuran"] == len(files[part["berkas"]])
        assert data["kecamatan"]["slug"] == part["kecamatan"]
        assert (data["bagian"], data["jumlah_bagian"]) == (1, 1)
        want = [u["id"] for u in raw["umkm"] if u["kecamatan"] == data["kecamatan"]["nama"]]
        assert [u["id"] for u in data["umkm"]] == want
    assert index["csv"] == {
        "umkm": [
            {
                "berkas": "api/umkm.csv",
                "url": SITE + "api/umkm.csv",
                "kecamatan": None,
                "ukuran": len(files["api/umkm.csv"]),
            }
        ],
        "sertifikat": [
            {
                "berkas": "api/sertifikat.csv",
                "url": SITE + "api/sertifikat.csv",
                "kecamatan": None,
                "ukuran": len(files["api/sertifikat.csv"]),
            }
        ],
    }


def test_large_registry_splits_parts_and_csv_under_the_limit():
    """With tiny limits (standing in for 8 MB and 10 MB), every file stays under its limit
    (or holds one UMKM), the CSVs go per kecamatan, and the parts hold every UMKM once."""
    sample = load.load(Path(__file__).resolve().parent.parent / "data" / "umkm.yaml")
    out = registry_parts.registry_files(sample, BUILT, SITE, part_max=3000, csv_max=4000)
    index = json.loads(out["api/registri.json"])
    assert "api/umkm.csv" not in out and "api/sertifikat.csv" not in out
    assert any(p["berkas"].endswith(".2.json") for p in index["bagian"])
    ids = []
    for part in index["bagian"]:
        data = json.loads(out[part["berkas"]])
        assert len(data["umkm"]) == 1 or len(out[part["berkas"]]) <= 3000 + 400
        assert data["jumlah_bagian"] >= data["bagian"] >= 1
        assert {u["kecamatan_slug"] for u in data["umkm"]} <= {part["kecamatan"]}
        ids += [u["id"] for u in data["umkm"]]
    assert sorted(ids) == sorted(u.id for u in sample.umkm)
    for key, column in (("umkm", "id"), ("sertifikat", "umkm_id")):
        refs = index["csv"][key]
        assert refs and all(r["berkas"].startswith(f"api/csv/{key}/") for r in refs)
        rows = []
        for ref in refs:
            assert len(out[ref["berkas"]]) <= 4000
            mine = _csv_records(out, ref["berkas"])
            assert all(
                sample.umkm_by_id()[r[column]].kecamatan_slug == ref["kecamatan"] for r in mine
            )
            rows += mine
        want = len(sample.umkm) if key == "umkm" else sum(1 for _ in sample.certificates())
        assert len(rows) == want
