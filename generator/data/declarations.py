"""The fields of data/umkm.yaml and data/rahasia.yaml, declared once.

Validation (reader.py), the error texts, the JSON Schema (schema.py) and the field reference in the
README all read the declarations below. Keys are Indonesian, as the admin reads them; so are the
descriptions, which end up in the admin guide and in editor tooltips.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SLUG_RE = r"^[a-z0-9][a-z0-9-]{1,62}$"
KEY_RE = r"^[a-z0-9][a-z0-9-]{0,62}$"
RESERVED_UMKM_ID = r"^halaman-[0-9]+$"  # /umkm/halaman-2/ is a page of the directory

# Kinds of value a field can hold.
TEXT = "text"  # one line or more of plain text
DATE = "date"  # ISO date, YYYY-MM-DD
BOOL = "bool"
INT = "int"  # a whole number within Field.bounds
TEXTS = "texts"  # list of plain texts
RECORD = "record"  # mapping with declared fields
RECORDS = "records"  # list of records
LABELS = "labels"  # mapping: key -> label text
NAMED = "named"  # mapping: key -> record


@dataclass(frozen=True)
class Field:
    """One key of the data file."""

    key: str
    kind: str
    doc: str
    required: bool = False
    pattern: str | None = None  # regular expression a text must match
    pattern_hint: str = ""  # what the pattern means, in plain words
    choices: tuple[str, ...] = ()
    default: Any = None
    ref: str | None = None  # top-level section whose keys (or names) this value must be one of
    unique: str | None = None  # values are unique across the file, within this scope name
    fields: tuple[Field, ...] = ()  # for RECORD, RECORDS and NAMED
    secret: bool = False  # never published
    example: str = ""
    bounds: tuple[int, int] | None = None  # INT: smallest and largest allowed value

    def child(self, key: str) -> Field | None:
        for f in self.fields:
            if f.key == key:
                return f
        return None


# An address that goes into mailto: links: no '?', '&', '%' or second '@' (a `?bcc=` would copy
# every report to someone else), an ASCII host name with a dot.
EMAIL = dict(
    pattern=r"^[A-Za-z0-9._+-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
    r"[A-Za-z]{2,63}$",
    pattern_hint="alamat email, mis. nama@contoh.id (tanpa spasi, tanda ?, & atau %)",
)
# A web address: an ASCII host right after https:// (no user@ before it: https://dinas.go.id@evil/
# leads to evil), then any path without spaces, quotes or backslashes.
URL = dict(
    pattern=r"^https?://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?"
    r"(?:[/?#][^\s<>\"\\]*)?$",
    pattern_hint="alamat web yang diawali https:// lalu nama situs, mis. "
    "https://batiksekarjagad.id/ (tanpa spasi, dan tanpa nama@ sebelum nama situs)",
)

PHONE = dict(
    pattern=r"^[+(]?[0-9][0-9 ()./-]{5,24}$",
    pattern_hint="nomor telepon: angka, boleh diawali + atau ( dan berisi spasi, "
    "tanda kurung atau tanda -",
)

REGISTRY_CONTACT = (
    Field(
        "email",
        TEXT,
        "Alamat email untuk melaporkan dugaan sertifikat palsu.",
        **EMAIL,
    ),
    Field("telepon", TEXT, "Nomor telepon kantor.", **PHONE),
    Field("alamat", TEXT, "Alamat kantor penerbit."),
)

UMKM_CONTACT = (
    Field("telepon", TEXT, "Nomor telepon usaha (dipublikasikan).", **PHONE),
    Field("whatsapp", TEXT, "Nomor WhatsApp usaha (dipublikasikan), mis. 081234567890.", **PHONE),
    Field(
        "email",
        TEXT,
        "Email usaha (dipublikasikan).",
        **EMAIL,
    ),
    Field(
        "instagram",
        TEXT,
        "Akun Instagram, mis. @batiksekarjagad.",
        pattern=r"^@?[A-Za-z0-9._]{1,30}$",
        pattern_hint="nama akun Instagram: huruf, angka, titik atau garis bawah",
    ),
    Field(
        "situs",
        TEXT,
        "Alamat situs web, diawali https:// atau http://.",
        **URL,
    ),
)

SECRET = (
    Field(
        "nik",
        TEXT,
        "NIK pemilik. Tidak pernah dipublikasikan.",
        secret=True,
        pattern=r"^[0-9]{16}$",
        pattern_hint="16 angka NIK, tanpa spasi atau tanda baca, dalam tanda kutip",
    ),
    Field("alamat", TEXT, "Alamat rumah pemilik. Tidak pernah dipublikasikan.", secret=True),
    Field("catatan", TEXT, "Catatan internal Dinas. Tidak pernah dipublikasikan.", secret=True),
)

CERTIFICATE_STATUSES = ("aktif", "dibekukan", "dicabut")
FUNDING = ("mandiri", "fasilitasi")

CERTIFICATE = (
    Field(
        "id",
        TEXT,
        "Kode tetap sertifikat: huruf kecil, angka dan tanda -. Menjadi alamat "
        "halaman verifikasi dan isi kode QR; jangan pernah diubah.",
        required=True,
        pattern=SLUG_RE,
        pattern_hint="2-63 huruf kecil a-z, angka atau tanda -, diawali huruf atau angka",
        unique="id sertifikat",
        example="mwpm-2020-0001",
    ),
    Field(
        "nomor",
        TEXT,
        "Nomor sertifikat persis seperti tercetak di kertas.",
        required=True,
        unique="nomor sertifikat",
        example='"MWPM/UMKM/2020/0001"',
    ),
    Field("pemegang", TEXT, "Nama pemegang sertifikat (orang).", required=True),
    Field("skema", TEXT, "Skema sertifikasi.", required=True, example="Pengelolaan Usaha Mikro"),
    Field("unit", TEXTS, "Unit kompetensi yang diuji."),
    Field(
        "lsp", TEXT, "Kode LSP penguji: salah satu kunci di bagian `lsp`.", required=True, ref="lsp"
    ),
    Field("asesor", TEXTS, "Nama asesor penguji."),
    Field("tuk", TEXT, "Tempat Uji Kompetensi."),
    Field("tanggal_uji", DATE, "Tanggal uji kompetensi."),
    Field("tanggal_terbit", DATE, "Tanggal terbit sertifikat.", required=True),
    Field(
        "berlaku_sampai",
        DATE,
        "Tanggal terakhir sertifikat berlaku. Kosongkan bila tanpa masa berlaku.",
    ),
    Field(
        "pembiayaan",
        TEXT,
        "Sumber biaya: `mandiri` (biaya sendiri) atau `fasilitasi` (dibiayai Dinas).",
        required=True,
        choices=FUNDING,
    ),
    Field(
        "status",
        TEXT,
        "`aktif` (bawaan), `dibekukan` atau `dicabut`. Sertifikat tidak "
        "pernah dihapus: yang ditarik diberi status `dicabut`.",
        choices=CERTIFICATE_STATUSES,
        default="aktif",
    ),
    Field(
        "alasan_status",
        TEXT,
        "Alasan pembekuan atau pencabutan. Wajib bila status `dibekukan` atau `dicabut`.",
    ),
    Field(
        "tanggal_status",
        DATE,
        "Tanggal pembekuan atau pencabutan. Wajib bila status `dibekukan` atau `dicabut`.",
    ),
    Field(
        "riwayat",
        RECORDS,
        "Riwayat status sebelum status sekarang, urut dari yang paling lama: mis. dibekukan "
        "lalu `aktif` lagi. Tampil di halaman verifikasi dan di `api/perubahan.xml`.",
        fields=(
            Field("tanggal", DATE, "Tanggal perubahan status.", required=True),
            Field(
                "status",
                TEXT,
                "Status sejak tanggal itu: `aktif` (diaktifkan kembali), `dibekukan` "
                "atau `dicabut`.",
                required=True,
                choices=CERTIFICATE_STATUSES,
            ),
            Field(
                "alasan",
                TEXT,
                "Alasan perubahan. Wajib bila status `dibekukan` atau `dicabut`.",
            ),
        ),
    ),
)

UMKM = (
    Field(
        "id",
        TEXT,
        "Kode tetap UMKM: huruf kecil, angka dan tanda -. Menjadi alamat halaman "
        "profil; jangan pernah diubah.",
        required=True,
        pattern=SLUG_RE,
        pattern_hint="2-63 huruf kecil a-z, angka atau tanda -, diawali huruf atau angka",
        unique="id UMKM",
        example="batik-sekar-jagad",
    ),
    Field("nama", TEXT, "Nama usaha.", required=True),
    Field("pemilik", TEXT, "Nama pemilik usaha.", required=True),
    Field(
        "sektor",
        TEXT,
        "Kode sektor: salah satu kunci di bagian `sektor`.",
        required=True,
        ref="sektor",
    ),
    Field(
        "kecamatan",
        TEXT,
        "Kecamatan: salah satu nama di bagian `kecamatan`.",
        required=True,
        ref="kecamatan",
    ),
    Field("desa", TEXT, "Desa atau kelurahan."),
    Field("produk", TEXTS, "Produk utama."),
    Field("deskripsi", TEXT, "Deskripsi singkat usaha (teks biasa)."),
    Field("kontak", RECORD, "Kontak usaha; semuanya dipublikasikan.", fields=UMKM_CONTACT),
    Field(
        "rahasia",
        RECORD,
        "Data rahasia untuk Dinas saja; TIDAK PERNAH dipublikasikan.",
        fields=SECRET,
        secret=True,
    ),
    Field("sertifikat", RECORDS, "Sertifikat kompetensi milik UMKM ini.", fields=CERTIFICATE),
)

SIGNING_KEY = (
    Field(
        "id",
        TEXT,
        "Nama kunci, mis. kunci-2026; menjadi bagian alamat kunci di did.json. Jangan diubah.",
        required=True,
        pattern=KEY_RE,
        pattern_hint="huruf kecil a-z, angka atau tanda -",
        unique="id kunci",
        example="kunci-2026",
    ),
    Field(
        "publik",
        TEXT,
        "Kunci publik Ed25519 (Multikey, diawali z6Mk), dicetak oleh "
        "`python -m generator kunci baru`. Kunci privatnya TIDAK PERNAH ditulis di sini.",
        required=True,
        pattern=r"^z6Mk[1-9A-HJ-NP-Za-km-z]{44}$",
        pattern_hint="kunci publik Ed25519: z6Mk diikuti 44 karakter base58",
        unique="kunci publik",
    ),
    Field("berlaku_mulai", DATE, "Tanggal kunci mulai dipakai menandatangani.", required=True),
    Field(
        "berlaku_sampai",
        DATE,
        "Diisi saat kunci dipensiunkan (diganti kunci baru). Kunci pensiun tetap "
        "didaftarkan selamanya, agar sertifikat digital yang dulu ditandatanganinya tetap sah.",
    ),
)

LSP = (
    Field("nama", TEXT, "Nama LSP.", required=True),
    Field("lembaga", TEXT, "Lembaga induk LSP."),
    Field("lisensi", TEXT, "Nomor lisensi BNSP."),
)

REGISTRY_INFO = (
    Field("judul", TEXT, "Judul registri, tampil di setiap halaman.", required=True),
    Field("penerbit", TEXT, "Instansi penerbit registri.", required=True),
    Field("wilayah", TEXT, "Wilayah registri, mis. Kabupaten Probolinggo.", required=True),
    Field("kontak", RECORD, "Ke mana melaporkan dugaan sertifikat palsu.", fields=REGISTRY_CONTACT),
    Field(
        "contoh",
        BOOL,
        "`true` bila data ini contoh (fiktif): setiap halaman lalu menampilkan spanduk peringatan.",
        default=False,
    ),
    Field(
        "kunci",
        RECORDS,
        "Kunci publik tanda tangan registri (Ed25519). Kosongkan bila situs tidak "
        "ditandatangani. Lihat Panduan admin, bagian Tanda tangan digital.",
        fields=SIGNING_KEY,
    ),
    Field(
        "masa_status_hari",
        INT,
        "Berapa hari daftar status (pencabutan, pembekuan) yang ditandatangani tetap sah "
        "setelah build. Situs dibangun ulang setiap hari; lewat masa ini, pemeriksa menolak "
        "daftar itu sebagai data basi dan halaman verifikasi memperingatkan pembaca.",
        default=7,
        bounds=(1, 366),
    ),
)

ROOT = Field(
    "",
    RECORD,
    "Berkas data registri.",
    required=True,
    fields=(
        Field(
            "registri",
            RECORD,
            "Siapa yang menerbitkan registri ini.",
            required=True,
            fields=REGISTRY_INFO,
        ),
        Field(
            "sektor",
            LABELS,
            "Daftar sektor: kode -> nama tampilan.",
            required=True,
            pattern=KEY_RE,
            pattern_hint="huruf kecil a-z, angka atau tanda -",
        ),
        Field(
            "kecamatan",
            TEXTS,
            "Daftar kecamatan yang boleh dipakai di `umkm[].kecamatan`.",
            required=True,
            unique="kecamatan",
        ),
        Field(
            "lsp",
            NAMED,
            "Lembaga Sertifikasi Profesi, menurut kode.",
            required=True,
            pattern=KEY_RE,
            pattern_hint="huruf kecil a-z, angka atau tanda -",
            fields=LSP,
        ),
        Field("umkm", RECORDS, "Daftar UMKM bersertifikat.", required=True, fields=UMKM),
    ),
)


# data/rahasia.yaml (SPEC "Confidential data"): confidential data of a real registry, kept out of
# the repository. Its records are those of `umkm[].rahasia`, by UMKM id.
RAHASIA_ROOT = Field(
    "",
    RECORD,
    "Berkas data rahasia (tidak ikut di-commit).",
    required=True,
    secret=True,
    fields=(
        Field(
            "umkm",
            NAMED,
            "Data rahasia per UMKM: id UMKM -> nik, alamat, catatan.",
            pattern=SLUG_RE,
            pattern_hint="id UMKM dari data/umkm.yaml",
            fields=SECRET,
            secret=True,
        ),
    ),
)


def walk_fields(root: Field = ROOT, prefix: str = ""):
    """Yield (path, Field) for every declared field, depth first, in declaration order."""
    for f in root.fields:
        path = f"{prefix}.{f.key}" if prefix else f.key
        if f.kind == RECORDS:
            path += "[]"
        elif f.kind == NAMED:
            path += ".<kode>"
        yield path, f
        if f.fields:
            yield from walk_fields(f, path)
