"""The declaration of /api/: every published file and every field it holds, with the words
that document it. The field reference on the /api/ page and tests/test_exports.py both read
`API_FILES` (a key present but undeclared, or declared but absent, fails), so the
documentation cannot drift from what the files hold.
"""

from __future__ import annotations

from typing import NamedTuple

from ..data import history

# Identifiers that Excel would read as numbers or dates always get the mark: it would turn the
# phone number 0812... into 812..., +62 ... into a formula error, nomor 0001 into 1.
CSV_TEXT_COLUMNS = ("nomor", "telepon", "whatsapp")


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
    F("registri.masa_status_hari", "integer", "Berapa hari daftar status bertanda tangan "
      "(`api/status/`) sah setelah pembangunan: `validUntil`-nya; lewat itu datanya basi."),
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
