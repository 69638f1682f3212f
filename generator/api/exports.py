"""The machine-readable copies of the registry under /api/: JSON, CSV, the id manifest, and
the /api/ page that documents them.

Pure functions: `api_files` returns {path relative to docs/: bytes}; the site pipeline writes
them. Only public fields are read (model fields marked `secret` are skipped, and the
registry's confidential records are never asked for). The field reference on the /api/ page
and the tests both read the declarations in `API_FILES`, so the documentation cannot drift
from what the files hold.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any, NamedTuple

from ..data import declarations, history, model
from ..data.config import normalise_site_url
from ..data.declarations import RECORD, RECORDS, Field
from . import feed

FORMAT_VERSION = 2  # 2: api/registri.json is an index of per-kecamatan parts; the build time
# moved out of every file into api/dibangun.json
LICENCE = {"nama": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/deed.id"}

CSV_DELIMITER = ";"
CSV_LIST_JOIN = " | "
# A cell starting with one of these is a formula for Excel, LibreOffice or Google Sheets
# (the full-width forms too, in East Asian locales). Such a cell gets one ' in front; so does
# a cell that starts with ' itself, so that reading back is always "drop one leading '".
CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
CSV_TEXT_MARK = "'"
# Identifiers that Excel would read as numbers or dates always get the mark: it would turn the
# phone number 0812... into 812..., +62 ... into a formula error, nomor 0001 into 1.
CSV_TEXT_COLUMNS = ("nomor", "telepon", "whatsapp")


# ---------------------------------------------------------------------------------------------
# The declaration: every file of /api/ and every field it holds. Drives the /api/ page and
# tests/test_exports.py (a key present but undeclared, or declared but absent, fails).
# ---------------------------------------------------------------------------------------------


class ApiField(NamedTuple):
    name: str  # JSON path: `a.b` for a key of an object, `a[]` for the items of a list
    type: str
    doc: str


class ApiFile(NamedTuple):
    path: str  # relative to /api/'s parent; <id> stands for a certificate id
    kind: str  # "json" | "csv"
    doc: str
    fields: tuple[ApiField, ...]


def _under(prefix: str, fields: tuple[ApiField, ...]) -> tuple[ApiField, ...]:
    return tuple(f._replace(name=f"{prefix}.{f.name}") for f in fields)


def _csv(f: ApiField) -> ApiField:
    """The CSV column of a JSON field: lists become `list`, null becomes an empty cell."""
    type_ = "list" if f.type.startswith("array") else f.type.replace(" / null", "")
    doc = f.doc.replace("`null`", "kosong")
    if f.name in CSV_TEXT_COLUMNS:
        doc += " Selalu diawali `'` (lihat Format CSV)."
    return ApiField(f.name, type_, doc)


F = ApiField

# fmt: off
_VERSION = F("versi_format", "integer", "Versi format berkas. Naik hanya bila ada perubahan "
              "yang tidak cocok dengan versi lama (kunci dihapus atau diganti artinya); kunci "
              "baru bisa ditambahkan kapan saja tanpa menaikkan versi.")
_TANGGAL_DATA = F("tanggal_data", "date", "Tanggal pembangunan: `status_tampil` dinilai pada "
                  "tanggal ini (as-of date of `status_tampil`).")
# The build time lives in ONE small file (api/dibangun.json): every other file then changes
# only when its data changes (or, for the few whole-registry files, the date), so a rebuild
# rewrites nothing it does not have to and integrators can mirror by Last-Modified/ETag.
_BUILD = (
    _VERSION,
    F("dibangun", "datetime", "Waktu situs dibangun (ISO 8601, UTC)."),
    _TANGGAL_DATA,
)

_CERTIFICATE_DATA = (
    F("id", "string", "Kode tetap sertifikat; bagian dari alamat halaman verifikasi dan isi "
      "kode QR. Tidak pernah berubah."),
    F("nomor", "string", "Nomor sertifikat persis seperti tercetak di kertas."),
    F("pemegang", "string", "Nama pemegang sertifikat (orang)."),
    F("skema", "string", "Skema sertifikasi."),
    F("unit", "array[string]", "Unit kompetensi yang diuji (bisa kosong)."),
    F("lsp", "string", "Kode LSP penguji; rinciannya ada di daftar `lsp` registri."),
    F("asesor", "array[string]", "Nama asesor penguji (bisa kosong)."),
    F("tuk", "string / null", "Tempat Uji Kompetensi."),
    F("tanggal_uji", "date / null", "Tanggal uji kompetensi."),
    F("tanggal_terbit", "date", "Tanggal terbit sertifikat."),
    F("berlaku_sampai", "date / null", "Hari terakhir sertifikat berlaku; `null` bila tanpa "
      "masa berlaku. Pakai ini untuk menilai kedaluwarsa pada tanggal Anda sendiri."),
    F("pembiayaan", "string", "`mandiri` (biaya sendiri) atau `fasilitasi` (dibiayai Dinas)."),
    F("status", "string", "Status mentah dari data: `aktif`, `dibekukan` atau `dicabut`."),
    F("alasan_status", "string / null", "Alasan pembekuan atau pencabutan."),
    F("tanggal_status", "date / null", "Tanggal pembekuan atau pencabutan."),
    F("riwayat", "array[object]", "Status sebelum status sekarang, urut dari yang paling lama "
      "(bisa kosong); semua peristiwa terbaru registri ada di `api/perubahan.json`."),
    F("riwayat[].tanggal", "date", "Tanggal perubahan status; berlaku sejak tanggal itu."),
    F("riwayat[].status", "string", "`aktif` (diaktifkan kembali), `dibekukan` atau `dicabut`."),
    F("riwayat[].alasan", "string / null", "Alasan perubahan."),
)
_RIWAYAT_CSV = F("riwayat", "array[string]", "Riwayat status, urut dari yang paling lama; "
                 "tiap butir `TANGGAL status: alasan`.")

_STATUS_TAMPIL = F(
    "status_tampil", "string", "Status yang ditampilkan, dinilai pada `tanggal_data`: "
    "`berlaku`, `kedaluwarsa`, `dibekukan` atau `dicabut` (valid, expired, suspended, revoked).")
_STATUS_TAMPIL_SENDIRI = _STATUS_TAMPIL._replace(doc=_STATUS_TAMPIL.doc.replace(
    "`tanggal_data`", "`tanggal_data` dari `api/dibangun.json` (tanggal situs dibangun; "
    "berkas ini sendiri tidak memuat tanggal, agar hanya berubah bila datanya berubah)"))
_URL_VERIFIKASI = F(
    "url_verifikasi", "string / null", "Alamat halaman verifikasi (isi kode QR); `null` bila "
    "mkdocs.yml belum mengisi `site_url`.")
_URL_PROFIL = F(
    "url_profil", "string / null", "Alamat halaman profil UMKM; `null` bila mkdocs.yml belum "
    "mengisi `site_url`.")

_REGISTRY_INFO = (
    F("judul", "string", "Judul registri."),
    F("penerbit", "string", "Instansi penerbit registri."),
    F("wilayah", "string", "Wilayah registri."),
)
_CONTOH = F("contoh", "boolean", "`true` bila data ini contoh (fiktif): sertifikatnya tidak "
            "sungguhan.")

_LSP = (
    F("kode", "string", "Kode LSP."),
    F("nama", "string", "Nama LSP."),
    F("lembaga", "string / null", "Lembaga induk LSP."),
    F("lisensi", "string / null", "Nomor lisensi BNSP."),
)

_UMKM_CONTACT = (
    F("telepon", "string / null", "Nomor telepon usaha."),
    F("whatsapp", "string / null", "Nomor WhatsApp usaha."),
    F("email", "string / null", "Email usaha."),
    F("instagram", "string / null", "Akun Instagram."),
    F("situs", "string / null", "Alamat situs web usaha."),
)

_UMKM_HEAD = (
    F("id", "string", "Kode tetap UMKM; bagian dari alamat profil. Tidak pernah berubah."),
    F("nama", "string", "Nama usaha."),
    F("pemilik", "string", "Nama pemilik usaha."),
    F("sektor", "string", "Kode sektor; namanya ada di daftar `sektor` registri."),
    F("kecamatan", "string", "Nama kecamatan."),
    F("kecamatan_slug", "string", "Slug kecamatan, seperti di alamat `/kecamatan/<slug>/`."),
    F("desa", "string / null", "Desa atau kelurahan."),
    F("produk", "array[string]", "Produk utama (bisa kosong)."),
    F("deskripsi", "string / null", "Deskripsi singkat; teks biasa (bukan HTML), bisa memuat "
      "baris baru."),
)

_PART_REF = (
    F("berkas", "string", "Alamat berkas, relatif terhadap alamat situs (mis. "
      "`api/registri/kraksaan.json`)."),
    F("url", "string / null", "Alamat lengkap berkas; `null` bila mkdocs.yml belum mengisi "
      "`site_url`."),
    F("kecamatan", "string / null", "Slug kecamatan isi berkas; `null` bila berkas memuat "
      "semua kecamatan."),
    F("ukuran", "integer", "Ukuran berkas dalam byte."),
)

BUILD_JSON = ApiFile(
    "api/dibangun.json", "json",
    "Kapan situs terakhir dibangun, dan tanggal penilaian `status_tampil` di semua berkas "
    "(as of). Satu-satunya berkas yang berubah pada setiap pembangunan.", _BUILD)

REGISTRY_JSON = ApiFile(
    "api/registri.json", "json",
    "Indeks registri publik: penerbit, daftar sektor, kecamatan dan LSP, serta daftar berkas "
    "yang memuat UMKM (`bagian`, satu per kecamatan) dan CSV-nya. Tidak ada berkas yang lebih "
    "dari 10 MB.", (
    _VERSION,
    _TANGGAL_DATA,
    F("lisensi", "object", "Lisensi data."),
    F("lisensi.nama", "string", "Nama lisensi: `CC BY 4.0`."),
    F("lisensi.url", "string", "Alamat teks lisensi."),
    F("url_situs", "string / null", "Alamat situs (`site_url` di mkdocs.yml), diakhiri `/`."),
    F("registri", "object", "Siapa yang menerbitkan registri ini."),
    *_under("registri", _REGISTRY_INFO),
    F("registri.kontak", "object", "Ke mana melaporkan dugaan sertifikat palsu."),
    F("registri.kontak.email", "string / null", "Email pelaporan."),
    F("registri.kontak.telepon", "string / null", "Telepon kantor."),
    F("registri.kontak.alamat", "string / null", "Alamat kantor."),
    *_under("registri", (_CONTOH,)),
    F("registri.kunci", "array[object]", "Kunci publik tanda tangan registri, termasuk yang "
      "sudah pensiun (kosong bila situs tidak ditandatangani); sama dengan `did.json`."),
    F("registri.kunci[].id", "string", "Nama kunci: bagian akhir alamat kunci di `did.json` "
      "(sesudah tanda #)."),
    F("registri.kunci[].publik", "string", "Kunci publik Ed25519, Multikey (`z6Mk…`)."),
    F("registri.kunci[].berlaku_mulai", "date", "Hari pertama kunci dipakai."),
    F("registri.kunci[].berlaku_sampai", "date / null", "Hari terakhir kunci dipakai; `null` "
      "selama masih berlaku."),
    F("sektor", "array[object]", "Daftar sektor, urut seperti di data."),
    F("sektor[].kode", "string", "Kode sektor, seperti di alamat `/sektor/<kode>/`."),
    F("sektor[].nama", "string", "Nama tampilan sektor."),
    F("kecamatan", "array[object]", "Daftar kecamatan wilayah ini, urut seperti di data."),
    F("kecamatan[].nama", "string", "Nama kecamatan."),
    F("kecamatan[].slug", "string", "Slug kecamatan, seperti di alamat `/kecamatan/<slug>/`."),
    F("lsp", "array[object]", "Lembaga Sertifikasi Profesi."),
    *_under("lsp[]", _LSP),
    F("jumlah_umkm", "integer", "Jumlah UMKM di semua bagian."),
    F("bagian", "array[object]", "Berkas yang memuat UMKM: satu per kecamatan (urut seperti "
      "di data), dipecah lagi bila lebih dari 8 MB. Ambil semuanya untuk seluruh registri."),
    *_under("bagian[]", (*_PART_REF, F("jumlah_umkm", "integer", "Jumlah UMKM di berkas ini."))),
    F("csv", "object", "Berkas CSV. Selama kecil (sampai 10 MB) satu berkas utuh; registri "
      "yang lebih besar dipecah per kecamatan."),
    F("csv.umkm", "array[object]", "Berkas CSV UMKM (lihat `api/umkm.csv`)."),
    *_under("csv.umkm[]", _PART_REF),
    F("csv.sertifikat", "array[object]", "Berkas CSV sertifikat (lihat `api/sertifikat.csv`)."),
    *_under("csv.sertifikat[]", _PART_REF),
))

REGISTRY_PART_JSON = ApiFile(
    "api/registri/<kecamatan>.json", "json",
    "UMKM satu kecamatan dengan sertifikatnya, urut seperti di data. Kecamatan yang isinya "
    "lebih dari 8 MB dipecah: `<kecamatan>.json`, `<kecamatan>.2.json`, ... (semuanya tercantum "
    "di `bagian` pada `api/registri.json`).", (
    _VERSION,
    _TANGGAL_DATA,
    F("kecamatan", "object", "Kecamatan isi berkas ini."),
    F("kecamatan.nama", "string", "Nama kecamatan."),
    F("kecamatan.slug", "string", "Slug kecamatan."),
    F("bagian", "integer", "Nomor bagian (1, 2, ...) untuk kecamatan ini."),
    F("jumlah_bagian", "integer", "Jumlah bagian kecamatan ini."),
    F("umkm", "array[object]", "UMKM bersertifikat, urut seperti di data."),
    *_under("umkm[]", (
        *_UMKM_HEAD,
        F("kontak", "object", "Kontak usaha yang dipublikasikan."),
        *_under("kontak", _UMKM_CONTACT),
        _URL_PROFIL,
        F("sertifikat", "array[object]", "Sertifikat UMKM ini, termasuk yang dibekukan, "
          "dicabut atau kedaluwarsa."),
        *_under("sertifikat[]", (*_CERTIFICATE_DATA, _STATUS_TAMPIL, _URL_VERIFIKASI)),
    )),
))

CERTIFICATE_JSON = ApiFile(
    "api/sertifikat/<id>.json", "json",
    "Satu sertifikat, untuk verifikasi lewat program. Id yang tidak ada menjawab HTTP 404.", (
    _VERSION,
    *(F("lsp", "object", "LSP penguji.") if f.name == "lsp" else f for f in _CERTIFICATE_DATA),
    *_under("lsp", _LSP),
    _STATUS_TAMPIL_SENDIRI,
    F("status_label", "object", "Kata status seperti di halaman verifikasi."),
    F("status_label.id", "string", "Bahasa Indonesia: `BERLAKU`, `KEDALUWARSA`, `DIBEKUKAN` "
      "atau `DICABUT`."),
    F("status_label.en", "string", "English: `VALID`, `EXPIRED`, `SUSPENDED` or `REVOKED`."),
    _URL_VERIFIKASI,
    F("umkm", "object", "UMKM pemilik sertifikat."),
    F("umkm.id", "string", "Kode tetap UMKM."),
    F("umkm.nama", "string", "Nama usaha."),
    F("umkm.sektor", "string", "Kode sektor."),
    F("umkm.sektor_nama", "string", "Nama tampilan sektor."),
    F("umkm.kecamatan", "string", "Nama kecamatan."),
    F("umkm.kecamatan_slug", "string", "Slug kecamatan."),
    _URL_PROFIL._replace(name="umkm.url_profil"),
    F("registri", "object", "Penerbit registri."),
    *_under("registri", (*_REGISTRY_INFO, _CONTOH)),
))

MANIFEST_JSON = ApiFile(
    "api/manifest.json", "json",
    "Semua id yang pernah terbit dan masih terbit. Pembangunan berikutnya ditolak bila ada id "
    "di sini yang hilang dari data: alamat yang sudah tercetak tidak boleh menjadi 404.", (
    _VERSION,
    _CONTOH,
    F("sertifikat", "array[string]", "Id semua sertifikat, terurut."),
    F("umkm", "array[string]", "Id semua UMKM, terurut."),
))

UMKM_CSV = ApiFile("api/umkm.csv", "csv", "Satu baris per UMKM.", tuple(map(_csv, (
    *_UMKM_HEAD[:4],
    F("sektor_nama", "string", "Nama tampilan sektor."),
    *_UMKM_HEAD[4:],
    *_UMKM_CONTACT,
    F("sertifikat", "array[string]", "Id sertifikat UMKM ini."),
    _URL_PROFIL,
))))

CERTIFICATE_CSV = ApiFile("api/sertifikat.csv", "csv", "Satu baris per sertifikat.",
                          tuple(map(_csv, (
    *(_RIWAYAT_CSV if f.name == "riwayat" else f for f in _CERTIFICATE_DATA
      if not f.name.startswith("riwayat[]")),
    F("lsp_nama", "string", "Nama LSP."),
    _STATUS_TAMPIL,
    F("umkm_id", "string", "Kode tetap UMKM pemilik."),
    F("umkm_nama", "string", "Nama usaha pemilik."),
    F("sektor", "string", "Kode sektor UMKM pemilik."),
    F("kecamatan", "string", "Kecamatan UMKM pemilik."),
    _URL_VERIFIKASI,
))))
# fmt: on

_EVENT_KIND = (
    "`terbit`, `dibekukan`, `dicabut`, `aktif` (aktif kembali) atau `kedaluwarsa` "
    "(issued, suspended, revoked, reinstated, expired)."
)
CHANGES_JSON = ApiFile(
    "api/perubahan.json",
    "json",
    f"Perubahan status terbaru di registri, yang terbaru lebih dulu (paling banyak "
    f"{history.FEED_MAX} peristiwa): untuk program yang ingin tahu bila sertifikat dicabut "
    "atau dibekukan. Isinya sama dengan umpan Atom `api/perubahan.xml`.",
    (
        F("versi_format", "integer", _BUILD[0].doc),
        F(
            "tanggal_data",
            "date",
            "Tanggal pembangunan: peristiwa `kedaluwarsa` dihitung sampai tanggal ini.",
        ),
        F("batas", "integer", "Jumlah peristiwa paling banyak dalam berkas ini."),
        F("peristiwa", "array[object]", "Peristiwa, yang terbaru lebih dulu."),
        F("peristiwa[].tanggal", "date", "Tanggal peristiwa; status berlaku sejak tanggal itu."),
        F("peristiwa[].jenis", "string", _EVENT_KIND),
        F(
            "peristiwa[].alasan",
            "string / null",
            "Alasan, untuk pembekuan, pencabutan dan pengaktifan kembali.",
        ),
        F("peristiwa[].sertifikat", "string", "Id sertifikat (lihat `api/sertifikat/<id>.json`)."),
        F("peristiwa[].nomor", "string", "Nomor sertifikat seperti tercetak di kertas."),
        F("peristiwa[].umkm", "string", "Id UMKM pemilik."),
        F(
            "peristiwa[].status_tampil",
            "string",
            "Status sertifikat sekarang, dinilai pada `tanggal_data`.",
        ),
        _URL_VERIFIKASI._replace(name="peristiwa[].url_verifikasi"),
    ),
)

API_FILES = (
    CERTIFICATE_JSON,
    BUILD_JSON,
    REGISTRY_JSON,
    REGISTRY_PART_JSON,
    UMKM_CSV,
    CERTIFICATE_CSV,
    MANIFEST_JSON,
    CHANGES_JSON,
)


# ---------------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------------


def _value(v: Any) -> Any:
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, tuple | list):
        return [_value(x) for x in v]
    return v


def _public(obj: Any, fields: tuple[Field, ...], skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """The public fields of a model object, in declaration order (model.py is the source)."""
    out: dict[str, Any] = {}
    for f in fields:
        if f.secret or f.key in skip:
            continue
        v = getattr(obj, f.key)
        if f.kind == RECORD:
            out[f.key] = _public(v, f.fields)
        elif f.kind == RECORDS:
            out[f.key] = [_public(x, f.fields) for x in v]
        else:
            out[f.key] = _value(v)
    return out


def _certificate_data(c: model.Certificate) -> dict[str, Any]:
    return _public(c, declarations.CERTIFICATE)


def _url(site_url: str | None, path: str) -> str | None:
    return f"{site_url}{path}" if site_url else None


def verification_url(site_url: str | None, cert_id: str) -> str | None:
    return _url(site_url, f"verifikasi/{cert_id}/")


def profile_url(site_url: str | None, umkm_id: str) -> str | None:
    return _url(site_url, f"umkm/{umkm_id}/")


def _build_stamp(built: datetime) -> dict[str, Any]:
    return {
        "versi_format": FORMAT_VERSION,
        "dibangun": built.isoformat(timespec="seconds"),
        "tanggal_data": built.date().isoformat(),
    }


def _lsp(lsp: model.Lsp) -> dict[str, Any]:
    return {"kode": lsp.key, **_public(lsp, declarations.LSP)}


def _umkm_fields_skip() -> tuple[str, ...]:
    return tuple(f.key for f in declarations.UMKM if f.kind == RECORDS)


def umkm_record(u: model.Umkm, today: date, site_url: str | None) -> dict[str, Any]:
    """One UMKM of api/registri/<kecamatan>.json, with its certificates."""
    record: dict[str, Any] = {}
    for key, value in _public(u, declarations.UMKM, skip=_umkm_fields_skip()).items():
        record[key] = value
        if key == "kecamatan":
            record["kecamatan_slug"] = u.kecamatan_slug
    record["url_profil"] = profile_url(site_url, u.id)
    record["sertifikat"] = [
        {
            **_certificate_data(c),
            "status_tampil": c.displayed_status(today),
            "url_verifikasi": verification_url(site_url, c.id),
        }
        for c in u.sertifikat
    ]
    return record


PART_MAX_BYTES = 8_000_000  # a part of the registry: under the 10 MB an integrator fetches whole
CSV_WHOLE_MAX_BYTES = 10_000_000  # a CSV stays one file up to this size


def _runs(sizes: list[int], limit: int) -> list[int]:
    """Lengths of consecutive runs of items whose sizes add up to at most `limit` (an item
    larger than `limit` is a run of its own; no items: one empty run)."""
    runs = [0]
    total = 0
    for size in sizes:
        if runs[-1] and total + size > limit:
            runs.append(0)
            total = 0
        runs[-1] += 1
        total += size + 1
    return runs


def _split(items: list, sizes: list[int], limit: int) -> list[list]:
    out, i = [], 0
    for n in _runs(sizes, limit):
        out.append(items[i : i + n])
        i += n
    return out


def part_name(folder: str, slug: str, n: int, ext: str) -> str:
    """`folder/<slug>.ext`, then `folder/<slug>.2.ext`... (a slug never holds a dot)."""
    return f"{folder}/{slug}.{ext}" if n == 1 else f"{folder}/{slug}.{n}.{ext}"


def _ref(path: str, site_url: str | None, slug: str | None, size: int) -> dict[str, Any]:
    return {"berkas": path, "url": _url(site_url, path), "kecamatan": slug, "ukuran": size}


def registry_files(
    registry: model.Registry,
    built: datetime,
    site_url: str | None,
    part_max: int = PART_MAX_BYTES,
    csv_max: int = CSV_WHOLE_MAX_BYTES,
) -> dict[str, bytes]:
    """api/registri.json (the index), api/registri/<kecamatan>[.<n>].json, and the CSVs: whole
    while small, else one (or more) per kecamatan under api/csv/."""
    site_url = normalise_site_url(site_url)
    today = built.date()
    out: dict[str, bytes] = {}
    parts = []
    for name in registry.kecamatan:
        slug = model.slugify(name)
        records = [
            _json_bytes(umkm_record(u, today, site_url)).rstrip(b"\n")
            for u in registry.umkm
            if u.kecamatan == name
        ]
        runs = _split(records, [len(r) for r in records], part_max)
        for n, run in enumerate(runs, start=1):
            head = {
                "versi_format": FORMAT_VERSION,
                "tanggal_data": today.isoformat(),
                "kecamatan": {"nama": name, "slug": slug},
                "bagian": n,
                "jumlah_bagian": len(runs),
            }
            text = _json_bytes({**head, "umkm": []}).rstrip(b"\n")
            body = text[: -len(b"[]}")] + b"[" + b",".join(run) + b"]}\n"
            path = part_name("api/registri", slug, n, "json")
            out[path] = body
            parts.append({**_ref(path, site_url, slug, len(body)), "jumlah_umkm": len(run)})
    csv_refs: dict[str, list] = {}
    for key, api_file, rows in (
        ("umkm", UMKM_CSV, umkm_rows(registry, site_url)),
        ("sertifikat", CERTIFICATE_CSV, certificate_rows(registry, built, site_url)),
    ):
        whole = _csv_bytes(api_file, rows)
        if len(whole) <= csv_max:
            out[api_file.path] = whole
            csv_refs[key] = [_ref(api_file.path, site_url, None, len(whole))]
            continue
        csv_refs[key] = []
        kec_of = {u.id: u.kecamatan for u in registry.umkm}
        for name in registry.kecamatan:
            slug = model.slugify(name)
            mine = [r for r in rows if kec_of[r["id" if key == "umkm" else "umkm_id"]] == name]
            sizes = [_csv_row_size(api_file, r) for r in mine]
            for n, run in enumerate(_split(mine, sizes, csv_max // 2), start=1):
                data = _csv_bytes(api_file, run)
                path = part_name(f"api/csv/{key}", slug, n, "csv")
                out[path] = data
                csv_refs[key].append(_ref(path, site_url, slug, len(data)))
    index = {
        "versi_format": FORMAT_VERSION,
        "tanggal_data": today.isoformat(),
        "lisensi": dict(LICENCE),
        "url_situs": site_url,
        "registri": {
            **_public(registry.registri, declarations.REGISTRY_INFO, skip=("kunci",)),
            "kunci": [_public(k, declarations.SIGNING_KEY) for k in registry.registri.kunci],
        },
        "sektor": [{"kode": k, "nama": v} for k, v in registry.sektor.items()],
        "kecamatan": [{"nama": k, "slug": model.slugify(k)} for k in registry.kecamatan],
        "lsp": [_lsp(v) for v in registry.lsp.values()],
        "jumlah_umkm": len(registry.umkm),
        "bagian": parts,
        "csv": csv_refs,
    }
    return {"api/registri.json": _json_bytes(index), **out}


def certificate_data(
    registry: model.Registry,
    umkm: model.Umkm,
    c: model.Certificate,
    built: datetime,
    site_url: str | None,
) -> dict:
    """The content of api/sertifikat/<id>.json."""
    site_url = normalise_site_url(site_url)
    status = c.displayed_status(built.date())
    label_id, label_en = model.STATUS_LABELS[status]
    info = registry.registri
    data = {"versi_format": FORMAT_VERSION, **_certificate_data(c)}
    data["lsp"] = _lsp(registry.lsp[c.lsp])
    data["status_tampil"] = status
    data["status_label"] = {"id": label_id, "en": label_en}
    data["url_verifikasi"] = verification_url(site_url, c.id)
    data["umkm"] = {
        "id": umkm.id,
        "nama": umkm.nama,
        "sektor": umkm.sektor,
        "sektor_nama": registry.sektor[umkm.sektor],
        "kecamatan": umkm.kecamatan,
        "kecamatan_slug": umkm.kecamatan_slug,
        "url_profil": profile_url(site_url, umkm.id),
    }
    data["registri"] = {
        "judul": info.judul,
        "penerbit": info.penerbit,
        "wilayah": info.wilayah,
        "contoh": info.contoh,
    }
    return data


def published_ids(registry: model.Registry) -> dict[str, list[str]]:
    """{"sertifikat": [...], "umkm": [...]}: every published id, sorted."""
    return {
        "sertifikat": sorted(c.id for _, c in registry.certificates()),
        "umkm": sorted(u.id for u in registry.umkm),
    }


def manifest_data(registry: model.Registry, built: datetime) -> dict:
    """The content of api/manifest.json: what the permanent-URL guard compares against."""
    return {
        "versi_format": FORMAT_VERSION,
        "contoh": registry.registri.contoh,
        **published_ids(registry),
    }


def _json_bytes(data: Any) -> bytes:
    # Compact: a national registry publishes 100,000s of these (pretty-print with jq).
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


# ---------------------------------------------------------------------------------------------
# CSV for Excel with Indonesian settings: `;`, UTF-8 with BOM, CRLF.
# ---------------------------------------------------------------------------------------------


def csv_list(items: list[str] | tuple[str, ...]) -> str:
    """Join a list into one cell: items separated by " | "; in an item, \\ is written \\\\ and
    | is written \\| (so an item may hold " | " and still come back whole)."""
    return CSV_LIST_JOIN.join(i.replace("\\", "\\\\").replace("|", "\\|") for i in items)


def csv_cell(value: Any, always_mark: bool = False) -> str:
    """The text of one cell. None is an empty cell; lists are joined by `csv_list`; a text
    that a spreadsheet would run as a formula (or that starts with ') gets one ' in front."""
    if value is None:
        text = ""
    elif isinstance(value, list | tuple):
        text = csv_list([str(v) for v in value])
    elif isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = str(value)
    if text and (always_mark or text.startswith(CSV_FORMULA_START + (CSV_TEXT_MARK,))):
        text = CSV_TEXT_MARK + text
    return text


def _csv_bytes(api_file: ApiFile, rows: list[dict[str, Any]]) -> bytes:
    columns = [f.name for f in api_file.fields]
    buf = io.StringIO()
    writer = csv.writer(
        buf,
        delimiter=CSV_DELIMITER,
        quotechar='"',
        lineterminator="\r\n",
        quoting=csv.QUOTE_MINIMAL,
    )
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cell(row[c], always_mark=c in CSV_TEXT_COLUMNS) for c in columns])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _csv_row_size(api_file: ApiFile, row: dict[str, Any]) -> int:
    """Bytes of one row in `_csv_bytes` (header and BOM aside)."""
    return len(_csv_bytes(api_file, [row])) - len(_csv_bytes(api_file, []))


def umkm_rows(registry: model.Registry, site_url: str | None) -> list[dict[str, Any]]:
    site_url = normalise_site_url(site_url)
    rows = []
    for u in registry.umkm:
        row = _public(u, declarations.UMKM, skip=("kontak", *_umkm_fields_skip()))
        row.update(_public(u.kontak, declarations.UMKM_CONTACT))
        row["sektor_nama"] = registry.sektor[u.sektor]
        row["kecamatan_slug"] = u.kecamatan_slug
        row["sertifikat"] = [c.id for c in u.sertifikat]
        row["url_profil"] = profile_url(site_url, u.id)
        rows.append(row)
    return rows


def certificate_rows(
    registry: model.Registry, built: datetime, site_url: str | None
) -> list[dict[str, Any]]:
    site_url = normalise_site_url(site_url)
    rows = []
    for u, c in registry.certificates():
        row = _certificate_data(c)
        row["riwayat"] = [
            f"{e.tanggal.isoformat()} {e.status}" + (f": {e.alasan}" if e.alasan else "")
            for e in c.riwayat
        ]
        row["lsp_nama"] = registry.lsp[c.lsp].nama
        row["status_tampil"] = c.displayed_status(built.date())
        row["umkm_id"] = u.id
        row["umkm_nama"] = u.nama
        row["sektor"] = u.sektor
        row["kecamatan"] = u.kecamatan
        row["url_verifikasi"] = verification_url(site_url, c.id)
        rows.append(row)
    return rows


# ---------------------------------------------------------------------------------------------
# The /api/ page. Static words are ours; every value from data goes through `_esc` inside an
# HTML block, so it is never Markdown, never markup, and never a {{ }} for a template engine.
# ---------------------------------------------------------------------------------------------

# HTML's own specials, then what Markdown, its extensions or a template engine could act on,
# as character references: the browser shows the same text, no processor sees syntax.
_ENTITIES = {
    **{c: html.escape(c, quote=True) for c in "&<>\"'"},
    **{c: f"&#{ord(c)};" for c in "{}[]()*_`\\|~#!$:^+-=@%"},
}


def _esc(text: str) -> str:
    """`text` as inert HTML text: escaped for HTML, and nothing left for Markdown."""
    return "".join(_ENTITIES.get(ch, ch) for ch in text)


def _doc_html(doc: str) -> str:
    """A description from the declarations above (our words, not data): `x` becomes
    <code>x</code>."""
    parts = html.escape(doc, quote=False).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))


def _breakable(name: str, after: str = "/.") -> str:
    """A file or key name as escaped text that a narrow screen may break only after one of
    the characters `after` (<wbr>), never inside a word."""
    split = re.split(f"(?<=[{re.escape(after)}])", name)
    return "<wbr>".join(_esc(part) for part in split if part)


def _field_table(api_file: ApiFile) -> str:
    head = "kolom" if api_file.kind == "csv" else "kunci"
    rows = [
        f'<table class="ru-api-ref" data-api-file="{_esc(api_file.path)}">',
        f"<thead><tr><th>{head}</th><th>jenis</th><th>keterangan</th></tr></thead>",
        "<tbody>",
    ]
    for f in api_file.fields:
        rows.append(
            f"<tr><td><code>{_breakable(f.name)}</code></td><td>{_esc(f.type)}</td>"
            f"<td>{_doc_html(f.doc)}</td></tr>"
        )
    rows += ["</tbody>", "</table>"]
    return "\n".join(rows)


def _block(*lines: str) -> str:
    """Lines of one raw HTML block: no blank line inside, blank lines around."""
    return "\n".join(line for line in lines if line)


_STATUS_WORDS = {
    "berlaku": "aktif dan belum lewat `berlaku_sampai`",
    "kedaluwarsa": "aktif tetapi `berlaku_sampai` sudah lewat",
    "dibekukan": "dibekukan sementara oleh penerbit",
    "dicabut": "dicabut oleh penerbit",
}


def index_page(registry: model.Registry, built: datetime, site_url: str | None) -> str:
    """The Markdown of the /api/ page."""
    site_url = normalise_site_url(site_url)
    info = registry.registri
    base = site_url or "https://alamat-situs/"
    example_id = next((c.id for _, c in registry.certificates()), "contoh-2020-0001")
    cert_url = f"{base}api/sertifikat/{example_id}.json"
    day = built.date().isoformat()
    no_site = (
        ""
        if site_url
        else (
            "<p><em>Situs ini belum mengisi <code>site_url</code> di mkdocs.yml: ganti "
            "<code>https&#58;//alamat-situs/</code> di contoh dengan alamat situs.</em></p>"
        )
    )
    jq_judge = html.escape(
        'jq -r \'if .status != "aktif" then .status '
        'elif .berlaku_sampai != null and .berlaku_sampai < (now | strftime("%Y-%m-%d")) '
        'then "kedaluwarsa" else "berlaku" end\'',
        quote=False,
    )
    status_rows = "\n".join(
        f"<tr><td><code>{s}</code></td><td>{model.STATUS_LABELS[s][0]}</td>"
        f"<td>{model.STATUS_LABELS[s][1]}</td><td>{_doc_html(_STATUS_WORDS[s])}</td></tr>"
        for s in model.DISPLAYED_STATUSES
    )
    listed = [(f.path, f.doc) for f in API_FILES] + [(FEED_ATOM_PATH, FEED_ATOM_DOC)]
    file_rows = "\n".join(
        f'<tr><td><a href="{_esc(_relative(path))}"><code>{_breakable(path, "/")}</code></a></td>'
        f"<td>{_doc_html(doc)}</td></tr>"
        if "<" not in path
        else f"<tr><td><code>{_breakable(path, '/')}</code></td><td>{_doc_html(doc)}</td></tr>"
        for path, doc in listed
    )
    contents = "\n".join(f'<li><a href="#{anchor}">{text}</a></li>' for anchor, text in _CONTENTS)
    sections = [
        "---\ntitle: API dan Data Terbuka\n---",
        _block(
            "<p>Semua data publik <strong>"
            + _esc(info.judul)
            + "</strong> ("
            + _esc(info.penerbit)
            + ") tersedia sebagai berkas statis JSON dan CSV, tanpa "
            "pendaftaran dan tanpa kunci API. Data diperbarui setiap hari; data terakhir: "
            f'<time datetime="{day}">{day}</time>.</p>',
            '<p lang="en"><em>For integrators:</em> every public fact of this registry is '
            "published as static JSON and CSV files with the fields documented below. Certificate "
            "ids and business ids never change and never disappear: a withdrawn certificate stays "
            "published with status <code>dicabut</code> (revoked).</p>",
            "<p><strong>Tidak pernah dipublikasikan:</strong> data <code>rahasia</code> (NIK, "
            "alamat rumah, catatan internal) tidak ada di situs maupun di berkas mana pun.</p>",
            no_site,
        ),
        _block(
            '<nav class="ru-daftar-isi" aria-label="Daftar isi halaman ini">',
            '<p><strong>Di halaman ini</strong> <span lang="en">(contents)</span></p>',
            f"<ol>{contents}</ol>",
            "</nav>",
        ),
        "## Berkas",
        _block(
            '<table class="ru-api-ref">',
            "<thead><tr><th>berkas</th><th>isi</th></tr></thead>",
            "<tbody>",
            file_rows,
            "</tbody>",
            "</table>",
            "<p>Berkas lain di bawah <code>/api/</code> yang tidak tercantum di sini dipakai oleh "
            "halaman situs ini sendiri (mis. untuk pencarian) dan bisa berubah kapan saja: "
            "jangan diandalkan.</p>",
        ),
        "## Memeriksa sertifikat lewat program",
        _block(
            '<p lang="en"><em>Verify a certificate by program.</em></p>',
            "<p>Ambil <code>api/sertifikat/&lt;id&gt;.json</code>, dengan id yang tertulis di "
            "alamat kode QR (<code>…/verifikasi/&lt;id&gt;/</code>), lalu baca "
            "<code>status_tampil</code>:</p>",
            f"<pre><code>curl -sf {_esc(cert_url)} | jq -r .status_tampil</code></pre>",
            "<p>Id yang tidak ada menjawab HTTP 404: artinya <strong>TIDAK DITEMUKAN</strong> "
            "(NOT FOUND). Dengan <code>-f</code>, curl lalu tidak mengeluarkan apa pun, jadi "
            "keluarannya kosong. Untuk membedakan 404 dari gangguan jaringan, pakai "
            "<code>set -o pipefail</code>: kode keluar 22 berarti server menjawab galat HTTP "
            "(404 untuk id yang tidak ada), kode lain berarti situs tidak terhubungi.</p>",
            "<p><code>status_tampil</code> dinilai pada <code>tanggal_data</code>, yaitu hari "
            "situs terakhir dibangun (<em>as of</em> <code>tanggal_data</code>), yang tercatat "
            "di <code>api/dibangun.json</code>. Sertifikat yang "
            "habis masa berlakunya sesudah hari itu masih tertulis <code>berlaku</code> sampai "
            "pembangunan berikutnya. Untuk menilai sendiri pada hari ini, pakai "
            "<code>status</code> dan <code>berlaku_sampai</code>:</p>",
            f"<pre><code>curl -sf {_esc(cert_url)} | {jq_judge}</code></pre>",
            "<table>",
            "<thead><tr><th>status_tampil</th><th>Indonesia</th><th>English</th>"
            "<th>artinya</th></tr></thead>",
            "<tbody>",
            status_rows,
            "</tbody>",
            "</table>",
        ),
        "## Perubahan status (Atom dan JSON)",
        _block(
            '<p lang="en"><em>Subscribe to status changes.</em></p>',
            "<p><code>api/perubahan.xml</code> adalah umpan Atom (RFC 4287) berisi "
            f"{history.FEED_MAX} peristiwa status terbaru registri ini, yang terbaru lebih "
            "dulu: sertifikat <strong>terbit</strong>, <strong>dibekukan</strong>, "
            "<strong>dicabut</strong>, <strong>aktif kembali</strong> dan "
            "<strong>kedaluwarsa</strong>. Tambahkan alamatnya ke pembaca umpan (feed reader) "
            "atau ke program Anda untuk tahu bila sertifikat mitra Anda dicabut. Tiap entri "
            "punya <code>id</code> tetap, <code>updated</code> (tanggal peristiwa), "
            "<code>category</code> (jenis peristiwa) dan tautan ke halaman verifikasi. Isi yang "
            "sama, untuk program, ada di <code>api/perubahan.json</code>.</p>",
            f"<pre><code>curl -sf {_esc(base)}api/perubahan.json | "
            + html.escape(
                "jq -r '.peristiwa[] | select(.jenis == \"dicabut\") | [.tanggal, .nomor] | @tsv'",
                quote=False,
            )
            + "</code></pre>",
            "<p>Riwayat lengkap satu sertifikat ada di <code>riwayat</code> pada "
            "<code>api/sertifikat/&lt;id&gt;.json</code> dan di halaman verifikasinya, yang juga "
            "menjawab <em>apakah sertifikat berlaku pada tanggal tertentu</em>.</p>",
        ),
        "## Format CSV",
        _block(
            "<p>Berkas CSV disiapkan agar langsung terbuka benar di Excel dengan pengaturan "
            "Indonesia:</p>",
            "<ul>",
            "<li>pemisah kolom titik koma <code>;</code>, pengodean UTF-8 dengan BOM, akhir "
            "baris CRLF; baris pertama berisi nama kolom;</li>",
            "<li>isi yang memuat <code>;</code>, tanda kutip atau baris baru diapit tanda kutip "
            'ganda <code>"</code>, dan tanda kutip di dalamnya ditulis dua kali (RFC 4180);</li>',
            "<li>sel kosong berarti tidak ada nilai; tanggal ditulis TAHUN-BULAN-HARI;</li>",
            "<li>daftar (jenis <code>list</code>) digabung dalam satu sel dengan pemisah "
            "<code>&#32;&#124;&#32;</code> (spasi, garis tegak, spasi); di dalam satu butir, "
            "<code>&#92;</code> ditulis <code>&#92;&#92;</code> dan <code>&#124;</code> ditulis "
            "<code>&#92;&#124;</code>;</li>",
            "<li>sel yang diawali <code>=</code>, <code>+</code>, <code>-</code>, <code>@</code>, "
            "tab atau CR (juga bentuk lebar penuhnya) akan dijalankan sebagai rumus oleh "
            "spreadsheet; sel seperti itu, sel yang diawali <code>'</code>, dan setiap sel "
            "kolom <code>telepon</code> dan <code>whatsapp</code> diberi satu <code>'</code> "
            "di depannya. Excel membacanya sebagai teks (nomor 0812… tetap diawali 0). "
            "<strong>Program yang membaca CSV ini: buang satu <code>'</code> di awal sel bila "
            "ada.</strong></li>",
            "</ul>",
            '<p lang="en"><em>CSV: <code>;</code>-separated, UTF-8 with BOM, CRLF. Lists are '
            "joined with <code>&#32;&#124;&#32;</code> (items escape <code>&#92;</code> and "
            "<code>&#124;</code> with a backslash). A cell that would start with a formula "
            "character, or with <code>'</code>, and every phone cell, is prefixed with one "
            "<code>'</code>: strip one leading <code>'</code> when reading. For exact data, "
            "prefer the JSON files.</em></p>",
        ),
        "## Referensi kunci dan kolom",
        _block(
            "<p>Jenis: <code>string</code> teks; <code>date</code> teks TAHUN-BULAN-HARI; "
            "<code>datetime</code> waktu ISO 8601; <code>/ null</code> berarti bisa "
            "<code>null</code>; <code>a[]</code> berarti setiap butir daftar <code>a</code>. "
            "Kunci yang boleh kosong selalu ada dengan nilai <code>null</code>.</p>",
        ),
    ]
    for f in API_FILES:
        sections.append(f"### {f.path.removeprefix('api/')}".replace("<id>", "&lt;id&gt;"))
        sections.append(
            _block(
                f"<p>{_doc_html(f.doc)}</p>",
                '<details class="ru-referensi">',
                f"<summary>{len(f.fields)} {'kolom' if f.kind == 'csv' else 'kunci'} "
                '<span lang="en">(fields)</span></summary>',
                _field_table(f),
                "</details>",
            )
        )
    from ..signing import apidoc  # the signatures section belongs to generator/signing

    sections += [
        "## Tanda tangan digital",
        apidoc.section(registry, site_url, built.date(), _esc),
    ]
    sections += [
        "## Lisensi",
        _block(
            '<p>Data registri ini dilisensikan <a href="' + _esc(LICENCE["url"]) + '">'
            "Creative Commons Atribusi 4.0 Internasional (CC BY 4.0)</a>: boleh disalin, "
            "dibagikan dan diolah, termasuk untuk keperluan komersial, dengan menyebut "
            "sumbernya: <strong>"
            + _esc(info.penerbit)
            + "</strong>, <em>"
            + _esc(info.judul)
            + "</em>.</p>",
            '<p lang="en"><em>The data is licensed CC BY 4.0: reuse it freely, credit the '
            "publisher named above.</em></p>",
        ),
    ]
    return "\n\n".join(sections) + "\n"


FEED_ATOM_PATH = "api/perubahan.xml"
FEED_ATOM_DOC = (
    "Umpan Atom perubahan status terbaru (terbit, dibekukan, dicabut, aktif kembali, "
    "kedaluwarsa), yang terbaru lebih dulu. Lihat Perubahan status."
)
# The page's own table of contents: (heading slug as MkDocs' toc makes it, text).
_CONTENTS = (
    ("berkas", "Berkas"),
    ("memeriksa-sertifikat-lewat-program", "Memeriksa sertifikat lewat program"),
    ("perubahan-status-atom-dan-json", "Perubahan status (Atom dan JSON)"),
    ("format-csv", "Format CSV"),
    ("referensi-kunci-dan-kolom", "Referensi kunci dan kolom"),
    ("tanda-tangan-digital", "Tanda tangan digital"),
    ("lisensi", "Lisensi"),
)


def _relative(path: str) -> str:
    """Link target of an /api/ file from the /api/ page itself."""
    return path.removeprefix("api/")


# ---------------------------------------------------------------------------------------------


def api_files(registry: model.Registry, built: datetime, site_url: str | None) -> dict[str, bytes]:
    """Every file of /api/, as {path relative to docs/: content}. Same input, same bytes."""
    return dict(iter_api_files(registry, built, site_url))


def iter_api_files(
    registry: model.Registry, built: datetime, site_url: str | None
) -> Iterator[tuple[str, bytes]]:
    """`api_files` one file at a time (the build writes each before the next is made)."""
    site_url = normalise_site_url(site_url)
    yield "api/index.md", index_page(registry, built, site_url).encode("utf-8")
    yield "api/dibangun.json", _json_bytes(_build_stamp(built))
    yield from registry_files(registry, built, site_url).items()
    yield "api/manifest.json", _json_bytes(manifest_data(registry, built))
    yield "api/perubahan.json", feed.json_bytes(registry, built, site_url)
    yield "api/perubahan.xml", feed.atom_bytes(registry, built, site_url)
    for u, c in registry.certificates():
        data = certificate_data(registry, u, c, built, site_url)
        yield f"api/sertifikat/{c.id}.json", _json_bytes(data)
