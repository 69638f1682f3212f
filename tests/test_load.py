"""The checker: data/umkm.yaml -> model, every problem as FILE:LINE:COL: path: message.

A small valid registry (`valid_text()`) is broken one way at a time by string replacement; each
test asserts the exact line and column, the field path, the key words of the (Indonesian) message
and, through the real command line, the exit code and the absence of a traceback.
"""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import jsonschema
import pytest
import yaml

from generator.data import load, model

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "umkm.yaml"
SCHEMA = ROOT / "schema" / "umkm.schema.json"

SECRET_NIK = "3513000000000001"
SECRET_NOTE = "Catatan rahasia Dinas XYZZY"

# Line numbers of valid_text() (1-based), as written below.
_VALID = f"""\
registri:
  judul: Registri Uji
  penerbit: Dinas Uji
  wilayah: Kabupaten Uji
  kontak:
    email: lapor@contoh.id
  contoh: true
sektor:
  batik: Batik
  makanan: Makanan
kecamatan:
  - Kraksaan
  - Kota Anyar
lsp:
  uji:
    nama: LSP Uji
    lisensi: "BNSP-LSP-001"
umkm:
  - id: batik-satu
    nama: Batik Satu
    pemilik: Siti Aminah
    sektor: batik
    kecamatan: Kraksaan
    produk: [Batik tulis, Batik cap]
    rahasia:
      nik: "{SECRET_NIK}"
      catatan: {SECRET_NOTE}
    sertifikat:
      - id: uji-2020-0001
        nomor: "U/2020/0001"
        pemegang: Siti Aminah
        skema: Pengelolaan Usaha Mikro
        lsp: uji
        tanggal_uji: 2020-08-27
        tanggal_terbit: 2020-09-07
        berlaku_sampai: 2023-09-06
        pembiayaan: mandiri
  - id: kopi-dua
    nama: Kopi Dua
    pemilik: Budi
    sektor: makanan
    kecamatan: Kota Anyar
    sertifikat:
      - id: uji-2020-0002
        nomor: "U/2020/0002"
        pemegang: Budi
        skema: Pengelolaan Usaha Mikro
        lsp: uji
        tanggal_terbit: 2020-09-07
        pembiayaan: fasilitasi
        status: dicabut
        alasan_status: Usaha tutup
        tanggal_status: 2024-01-10
"""

C1 = "umkm[batik-satu].sertifikat[uji-2020-0001]"  # path of the first certificate (line 29)
C2 = "umkm[kopi-dua].sertifikat[uji-2020-0002]"  # path of the second certificate (line 44)


def valid_text() -> str:
    """A small valid registry with known line numbers (see the comments in the tests)."""
    return _VALID


def broken(old: str, new: str, text: str | None = None) -> str:
    """valid_text() (or `text`) with the one occurrence of `old` replaced by `new`."""
    text = valid_text() if text is None else text
    assert text.count(old) == 1, f"{old!r} must occur exactly once"
    return text.replace(old, new)


def problems(text: str, name: str = "umkm.yaml") -> list[load.Problem]:
    """The problems load.parse() reports for `text` ([] when valid)."""
    try:
        load.parse(text, name)
    except load.DataError as e:
        return e.problems
    return []


def run_check(*args: str) -> subprocess.CompletedProcess:
    """`python -m generator check ARGS`, from the project root; never a traceback."""
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "check", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr
    return proc


def check_text(tmp_path: Path, text: str | bytes, name: str = "umkm.yaml"):
    """Write `text` to a file and run `check --data` on it: (process, path as given)."""
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return run_check("--data", str(path)), str(path)


def out_lines(proc: subprocess.CompletedProcess) -> list[str]:
    return [line for line in proc.stdout.splitlines() if line.strip()]


def test_fixture_lines_are_as_documented():
    lines = valid_text().splitlines()
    assert lines[6] == "  contoh: true"  # 7
    assert lines[18] == "  - id: batik-satu"  # 19
    assert lines[28] == "      - id: uji-2020-0001"  # 29
    assert lines[37] == "  - id: kopi-dua"  # 38
    assert lines[43] == "      - id: uji-2020-0002"  # 44
    assert lines[52] == "        tanggal_status: 2024-01-10"  # 53
    assert len(lines) == 53


def test_valid_fixture_parses():
    r = load.parse(valid_text())
    assert [u.id for u in r.umkm] == ["batik-satu", "kopi-dua"]
    c1, c2 = r.umkm[0].sertifikat[0], r.umkm[1].sertifikat[0]
    assert c1.tanggal_uji == date(2020, 8, 27) and c1.berlaku_sampai == date(2023, 9, 6)
    assert c1.status == "aktif" and c1.umkm_id == "batik-satu"
    assert (c2.status, c2.alasan_status, c2.tanggal_status) == (
        "dicabut",
        "Usaha tutup",
        date(2024, 1, 10),
    )
    assert r.umkm[0].produk == ("Batik tulis", "Batik cap")
    assert r.registri.contoh is True and r.registri.kontak.email == "lapor@contoh.id"
    assert r.lsp["uji"].lisensi == "BNSP-LSP-001"


def test_check_valid_file_exit_0(tmp_path):
    proc, path = check_text(tmp_path, valid_text())
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "data sah" in proc.stdout and "2 UMKM" in proc.stdout and "2 sertifikat" in proc.stdout


# ---------------------------------------------------------------------------------------------
# One mistake -> one problem, with its line, column, field path and plain words.
# (case id, old, new, line, column, field path, words the message must contain)
# ---------------------------------------------------------------------------------------------

# fmt: off
CASES = [
    # unknown keys; a close typo gets a suggestion
    ("typo-suggestion", "berlaku_sampai: 2023", "berlaku_sampe: 2023", 36, 9,
     f"{C1}.berlaku_sampe", ("kunci tidak dikenal", "mungkin maksud Anda berlaku_sampai?")),
    ("unknown-key-no-suggestion", "    produk:", "    zzz: 1\n    produk:", 24, 5,
     "umkm[batik-satu].zzz", ("kunci tidak dikenal", "kunci yang boleh", "sertifikat")),
    ("unknown-key-in-rahasia", f"      catatan: {SECRET_NOTE}\n",
     f"      catatan: {SECRET_NOTE}\n      telepon: '0812'\n", 28, 7,
     "umkm[batik-satu].rahasia.telepon", ("kunci tidak dikenal", "nik, alamat, catatan")),
    ("unknown-top-level-key", "umkm:\n", "catatan: x\numkm:\n", 18, 1, "catatan",
     ("kunci tidak dikenal",)),
    # missing required keys: reported at the start of the record that lacks them
    ("missing-required-umkm-key", "    nama: Batik Satu\n", "", 19, 5, "umkm[batik-satu]",
     ("kunci wajib 'nama'", "belum diisi")),
    ("missing-required-cert-key", "        pemegang: Budi\n", "", 44, 9, C2,
     ("kunci wajib 'pemegang'", "belum diisi")),
    ("missing-required-lsp-key", "    nama: LSP Uji\n", "", 16, 5, "lsp.uji",
     ("kunci wajib 'nama'",)),
    ("missing-section", valid_text().split("sektor:\n")[0], "", 1, 1, "berkas",
     ("kunci wajib 'registri'",)),
    ("empty-required-value", "    nama: Batik Satu\n", "    nama:\n", 20, 10,
     "umkm[batik-satu].nama", ("tidak boleh kosong",)),
    ("empty-quoted-required-value", "    nama: Batik Satu\n", '    nama: ""\n', 20, 11,
     "umkm[batik-satu].nama", ("tidak boleh kosong",)),
    # duplicate mapping keys
    ("duplicate-key", "    pemilik: Siti Aminah\n",
     "    pemilik: Siti Aminah\n    pemilik: Siti\n", 22, 5, "umkm[batik-satu].pemilik",
     ("'pemilik' ditulis dua kali", "pertama di baris 21")),
    # dates
    ("date-not-in-calendar", "tanggal_terbit: 2020-09-07\n        berlaku",
     "tanggal_terbit: 2020-02-30\n        berlaku", 35, 25, f"{C1}.tanggal_terbit",
     ("'2020-02-30'", "tidak ada di kalender")),
    ("date-bad-format", "tanggal_uji: 2020-08-27", "tanggal_uji: 2020-8-27", 34, 22,
     f"{C1}.tanggal_uji", ("'2020-8-27'", "TAHUN-BULAN-HARI", "2020-08-27")),
    ("date-order-expiry-before-issue", "berlaku_sampai: 2023-09-06", "berlaku_sampai: 2019-09-06",
     36, 25, f"{C1}.berlaku_sampai",
     ("berlaku_sampai (2019-09-06) lebih awal dari tanggal_terbit (2020-09-07)",)),
    ("date-order-test-after-issue", "tanggal_uji: 2020-08-27", "tanggal_uji: 2020-09-27", 35, 25,
     f"{C1}.tanggal_terbit",
     ("tanggal_terbit (2020-09-07) lebih awal dari tanggal_uji (2020-09-27)",)),
    ("date-status-before-issue", "tanggal_status: 2024-01-10", "tanggal_status: 2019-01-10", 53,
     25, f"{C2}.tanggal_status", ("tanggal_status (2019-01-10) lebih awal",)),
    # wrong types
    ("produk-as-string", "produk: [Batik tulis, Batik cap]", "produk: Batik tulis", 24, 13,
     "umkm[batik-satu].produk", ("harus berupa daftar", "[Batik tulis]")),
    ("text-as-list", "pemilik: Budi", "pemilik: [Budi]", 40, 14, "umkm[kopi-dua].pemilik",
     ("harus berupa teks", "bukan daftar")),
    ("bool-as-text", "  contoh: true", "  contoh: ya", 7, 11, "registri.contoh",
     ("harus true atau false", "'ya'")),
    # patterns, slugs, enums
    ("bad-umkm-id-slug", "id: batik-satu", "id: Batik_Satu", 19, 9, "umkm[0].id",
     ("'Batik_Satu' tidak sah", "huruf kecil")),
    ("bad-cert-id-slug", "id: uji-2020-0002", "id: uji 2020/0002", 44, 13,
     "umkm[kopi-dua].sertifikat[0].id", ("'uji 2020/0002' tidak sah",)),
    ("bad-email", "lapor@contoh.id", "lapor-contoh.id", 6, 12, "registri.kontak.email",
     ("'lapor-contoh.id' tidak sah", "alamat email")),
    ("bad-sector-code", "  makanan: Makanan\n", "  makanan: Makanan\n  Jamu Herbal: Jamu\n", 11, 3,
     "sektor.Jamu Herbal", ("kode 'Jamu Herbal' tidak sah",)),
    ("bad-enum", "pembiayaan: mandiri", "pembiayaan: gratis", 37, 21, f"{C1}.pembiayaan",
     ("'gratis' tidak dikenal", "mandiri, fasilitasi")),
    ("bad-enum-suggestion", "pembiayaan: mandiri", "pembiayaan: mandir", 37, 21,
     f"{C1}.pembiayaan", ("'mandir' tidak dikenal", "mungkin maksud Anda mandiri?")),
    ("bad-status", "        pembiayaan: mandiri\n",
     "        pembiayaan: mandiri\n        status: dicbut\n", 38, 17, f"{C1}.status",
     ("'dicbut' tidak dikenal", "aktif, dibekukan, dicabut", "maksud Anda dicabut?")),
    # status rules
    ("reason-without-revocation", "        pembiayaan: mandiri\n",
     "        pembiayaan: mandiri\n        alasan_status: Salah cetak\n", 38, 24,
     f"{C1}.alasan_status", ("hanya diisi bila status", "dibekukan", "dicabut")),
    ("status-date-without-revocation", "        pembiayaan: mandiri\n",
     "        pembiayaan: mandiri\n        tanggal_status: 2021-01-01\n", 38, 25,
     f"{C1}.tanggal_status", ("hanya diisi bila status",)),
    ("revoked-without-reason", "        alasan_status: Usaha tutup\n", "", 44, 9,
     f"{C2}.alasan_status", ("wajib diisi karena status 'dicabut'",)),
    ("revoked-without-date", "        tanggal_status: 2024-01-10\n", "", 44, 9,
     f"{C2}.tanggal_status", ("wajib diisi karena status 'dicabut'",)),
    ("suspended-without-reason", "        status: dicabut\n        alasan_status: Usaha tutup\n",
     "        status: dibekukan\n", 44, 9, f"{C2}.alasan_status",
     ("wajib diisi karena status 'dibekukan'",)),
    # references
    ("unknown-sector", "sektor: makanan\n    kecamatan", "sektor: makann\n    kecamatan", 41, 13,
     "umkm[kopi-dua].sektor", ("'makann' tidak ada di bagian 'sektor'", "maksud Anda makanan?")),
    ("unknown-kecamatan", "kecamatan: Kraksaan\n    produk", "kecamatan: Kraksan\n    produk", 23,
     16, "umkm[batik-satu].kecamatan", ("'Kraksan' tidak ada", "maksud Anda Kraksaan?")),
    ("unknown-lsp", "lsp: uji\n        tanggal_uji", "lsp: ujj\n        tanggal_uji", 33, 14,
     f"{C1}.lsp", ("lsp 'ujj' tidak ada di bagian 'lsp'",)),
    # uniqueness
    ("duplicate-umkm-id", "id: kopi-dua", "id: batik-satu", 38, 9, "umkm[batik-satu].id",
     ("id UMKM 'batik-satu' sudah dipakai di baris 19",)),
    ("duplicate-cert-id", "id: uji-2020-0002", "id: uji-2020-0001", 44, 13,
     "umkm[kopi-dua].sertifikat[uji-2020-0001].id",
     ("id sertifikat 'uji-2020-0001' sudah dipakai di baris 29",)),
    ("duplicate-kecamatan", "  - Kota Anyar\n", "  - Kota Anyar\n  - Kraksaan\n", 14, 5,
     "kecamatan", ("'Kraksaan' ditulis dua kali", "pertama di baris 12")),
    ("kecamatan-same-slug", "  - Kota Anyar\n", "  - Kota Anyar\n  - kota-anyar\n", 14, 5,
     "kecamatan", ("'kota-anyar' dan 'Kota Anyar'", "kecamatan/kota-anyar/")),
    ("nomor-clash-after-normalisation", 'nomor: "U/2020/0002"', 'nomor: "u 2020 0001"', 45, 16,
     f"{C2}.nomor", ("tidak bisa dibedakan", "'uji-2020-0001'", "baris 30")),
    ("nomor-clash-with-other-id", 'nomor: "U/2020/0002"', 'nomor: "UJI/2020/0001"', 45, 16,
     f"{C2}.nomor", ("tidak bisa dibedakan", "'uji-2020-0001'", "baris 29")),
    ("reserved-umkm-id", "id: kopi-dua", "id: halaman-2", 38, 9, "umkm[halaman-2].id",
     ("'halaman-2'", "halaman direktori")),
]
# fmt: on


@pytest.mark.parametrize(
    "old, new, line, col, path, words",
    [pytest.param(*c[1:], id=c[0]) for c in CASES],
)
def test_one_mistake_one_precise_problem(tmp_path, old, new, line, col, path, words):
    text = broken(old, new)
    found = problems(text)
    assert len(found) == 1, [p.format("umkm.yaml") for p in found]
    p = found[0]
    assert (p.line, p.col) == (line, col), p
    assert p.message.startswith(f"{path}: "), p.message
    for w in words:
        assert w in p.message, (w, p.message)

    proc, name = check_text(tmp_path, text)
    assert proc.returncode == 1
    assert out_lines(proc) == [f"{name}:{line}:{col}: {p.message}"]
    assert "1 masalah" in proc.stderr


def test_umkm_as_mapping_is_wrong_type(tmp_path):
    text = valid_text().split("umkm:\n")[0] + "umkm:\n  batik-satu:\n    nama: Batik Satu\n"
    found = problems(text)
    assert [(p.line, p.col) for p in found] == [(19, 3)]
    msg = found[0].message
    assert msg.startswith("umkm: ") and "harus berupa daftar" in msg and "bukan pemetaan" in msg
    proc, name = check_text(tmp_path, text)
    assert proc.returncode == 1
    assert out_lines(proc) == [f"{name}:19:3: {msg}"]


def test_empty_optional_key_is_no_key():
    r = load.parse(broken("berlaku_sampai: 2023-09-06", "berlaku_sampai:"))
    assert r.umkm[0].sertifikat[0].berlaku_sampai is None


@pytest.mark.parametrize(
    "old, new, attr, expected",
    [
        pytest.param('nomor: "U/2020/0001"', "nomor: 0001", "nomor", "0001", id="nomor-0001"),
        pytest.param('nomor: "U/2020/0001"', "nomor: 1_000", "nomor", "1_000", id="nomor-1_000"),
        pytest.param("pemegang: Siti Aminah", "pemegang: yes", "pemegang", "yes", id="yes"),
        pytest.param('nomor: "U/2020/0001"', "nomor: 1.10", "nomor", "1.10", id="nomor-1.10"),
    ],
)
def test_scalars_stay_text_as_written(old, new, attr, expected):
    r = load.parse(broken(old, new))
    assert getattr(r.umkm[0].sertifikat[0], attr) == expected


def test_pemilik_yes_stays_text():
    r = load.parse(broken("pemilik: Siti Aminah", "pemilik: yes"))
    assert r.umkm[0].pemilik == "yes"


def test_bom_at_start_is_accepted(tmp_path):
    proc, _ = check_text(tmp_path, b"\xef\xbb\xbf" + valid_text().encode("utf-8"))
    assert proc.returncode == 0, proc.stdout
    assert "data sah" in proc.stdout
    # and line numbers are not shifted by it
    bad = broken("berlaku_sampai: 2023", "berlaku_sampe: 2023")
    proc, name = check_text(tmp_path, b"\xef\xbb\xbf" + bad.encode("utf-8"))
    assert proc.returncode == 1
    assert out_lines(proc)[0].startswith(f"{name}:36:9: {C1}.berlaku_sampe: ")


# ---------------------------------------------------------------------------------------------
# Ten different mistakes in one file -> ten precise messages in one run, sorted by line.
# Each replacement keeps the line count, so the lines below are those of valid_text().
# ---------------------------------------------------------------------------------------------

# fmt: off
TEN = [
    # (old, new, line, col, path, word)
    ("  contoh: true", "  contoh: ya", 7, 11, "registri.contoh", "true atau false"),
    ("    nama: Batik Satu", "    nama:", 20, 10, "umkm[batik-satu].nama", "tidak boleh kosong"),
    ("    sektor: batik", "    sektor: batk", 22, 13, "umkm[batik-satu].sektor",
     "maksud Anda batik?"),
    ("produk: [Batik tulis, Batik cap]", "produk: Batik tulis", 24, 13, "umkm[batik-satu].produk",
     "harus berupa daftar"),
    (f"      catatan: {SECRET_NOTE}", f"      catatn: {SECRET_NOTE}", 27, 7,
     "umkm[batik-satu].rahasia.catatn", "maksud Anda catatan?"),
    ("tanggal_uji: 2020-08-27", "tanggal_uji: 2020-8-27", 34, 22, f"{C1}.tanggal_uji",
     "TAHUN-BULAN-HARI"),
    ("berlaku_sampai: 2023", "berlaku_sampe: 2023", 36, 9, f"{C1}.berlaku_sampe",
     "maksud Anda berlaku_sampai?"),
    ("pembiayaan: mandiri", "pembiayaan: gratis", 37, 21, f"{C1}.pembiayaan", "'gratis'"),
    ("id: kopi-dua", "id: batik-satu", 38, 9, "umkm[batik-satu].id", "sudah dipakai di baris 19"),
    ('nomor: "U/2020/0002"', 'nomor: "u-2020-0001"', 45, 16,
     "umkm[batik-satu].sertifikat[uji-2020-0002].nomor", "tidak bisa dibedakan"),
]
# fmt: on


def test_ten_mistakes_ten_messages_sorted_by_line(tmp_path):
    text = valid_text()
    for old, new, *_ in TEN:
        text = broken(old, new, text)
    assert text.count("\n") == valid_text().count("\n")

    found = problems(text)
    assert [(p.line, p.col) for p in found] == [(t[2], t[3]) for t in TEN]

    proc, name = check_text(tmp_path, text)
    assert proc.returncode == 1
    lines = out_lines(proc)
    assert len(lines) == 10, lines
    for line, (_, _, ln, col, path, word) in zip(lines, TEN, strict=True):
        assert line.startswith(f"{name}:{ln}:{col}: {path}: "), line
        assert word in line, (word, line)
    numbers = [int(line[len(name) + 1 :].split(":")[0]) for line in lines]
    assert numbers == sorted(numbers)
    assert "10 masalah" in proc.stderr


def test_output_sorted_by_line_across_kinds_of_problem(tmp_path):
    # a reference problem (line 22, found in a second pass) and a key problem (line 36, found
    # while reading) come out in line order, each as FILE:LINE:COL: path: message
    text = broken("    sektor: batik", "    sektor: batk")
    text = broken("berlaku_sampai: 2023", "berlaku_sampe: 2023", text)
    proc, name = check_text(tmp_path, text)
    assert proc.returncode == 1
    lines = out_lines(proc)
    pattern = rf"^{re.escape(name)}:(\d+):(\d+): (umkm\[[^:]*): \S"
    matches = [re.match(pattern, x) for x in lines]
    assert all(matches), lines
    assert [(m.group(1), m.group(2), m.group(3)) for m in matches] == [
        ("22", "13", "umkm[batik-satu].sektor"),
        ("36", "9", f"{C1}.berlaku_sampe"),
    ]


# ---------------------------------------------------------------------------------------------
# Whole-file errors: one clear line each, never a traceback.
# ---------------------------------------------------------------------------------------------

# fmt: off
FILE_ERRORS = [
    # (id, content, line, col, words)
    ("yaml-syntax", broken("    nama: Batik Satu\n", "    nama: Batik: Satu\n"), 20, 16,
     ("kesalahan susunan YAML", "tanda kutip", '"Batik: Satu"')),
    ("yaml-tab-indent", broken("    nama: Batik Satu\n", "\tnama: Batik Satu\n"), 20, 1,
     ("kesalahan susunan YAML", "Tab", "spasi")),
    ("two-documents", valid_text() + "---\nregistri: {}\n", 54, 1, ("kesalahan susunan YAML",)),
    ("empty-file", "", 1, 1, ("berkas kosong",)),
    ("only-comments", "# nothing here\n\n", 1, 1, ("berkas kosong",)),
    ("list-not-mapping", "- registri\n- umkm\n", 1, 1, ("harus berupa pemetaan",)),
    ("scalar-not-mapping", "\n\nhalo\n", 3, 1, ("harus berupa pemetaan",)),
    ("latin-1-byte", valid_text().encode().replace(b"pemilik: Siti Aminah", b"pemilik: Jos\xe9"),
     21, 17, ("bukan teks UTF-8", "UTF-8")),
]
# fmt: on


@pytest.mark.parametrize(
    "content, line, col, words", [pytest.param(*c[1:], id=c[0]) for c in FILE_ERRORS]
)
def test_file_level_error_is_one_clear_line(tmp_path, content, line, col, words):
    proc, name = check_text(tmp_path, content)
    assert proc.returncode == 1
    lines = out_lines(proc)
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{name}:{line}:{col}: "), lines[0]
    for w in words:
        assert w in lines[0], (w, lines[0])
    assert "1 masalah" in proc.stderr


def test_missing_file_is_one_clear_line(tmp_path):
    missing = tmp_path / "tidak-ada.yaml"
    proc = run_check("--data", str(missing))
    assert proc.returncode == 1
    assert out_lines(proc) == [f"{missing}: berkas tidak ditemukan"]


def test_directory_instead_of_file_is_one_clear_line(tmp_path):
    proc = run_check("--data", str(tmp_path))
    assert proc.returncode == 1
    assert out_lines(proc) == [f"{tmp_path}: ini folder, bukan berkas"]


def test_load_raises_data_error_not_os_error(tmp_path):
    with pytest.raises(load.DataError) as e:
        load.load(tmp_path / "nope.yaml")
    assert e.value.lines() == [f"{tmp_path / 'nope.yaml'}: berkas tidak ditemukan"]


# ---------------------------------------------------------------------------------------------
# rahasia: parsed and validated, never reachable through the public dataclasses.
# ---------------------------------------------------------------------------------------------


def _public_values(obj, seen=None):
    """Every value reachable from `obj` through dataclass fields, tuples and dicts, except the
    registry's private `_secrets` field."""
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return
    seen.add(id(obj))
    yield obj
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            if f.name == "_secrets":
                continue
            yield from _public_values(getattr(obj, f.name), seen)
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from _public_values(k, seen)
            yield from _public_values(v, seen)
    elif isinstance(obj, (tuple, list)):
        for v in obj:
            yield from _public_values(v, seen)


def test_rahasia_only_through_confidential_records():
    r = load.parse(valid_text())
    assert "rahasia" not in {f.name for f in dataclasses.fields(model.Umkm)}
    for u in r.umkm:
        assert not hasattr(u, "rahasia")
        for value in vars(u).values():
            assert not isinstance(value, model.Secret)
    for value in _public_values(r):
        assert not isinstance(value, model.Secret), value
        if isinstance(value, str):
            assert SECRET_NIK not in value and SECRET_NOTE not in value, value
    assert SECRET_NIK not in repr(r) and SECRET_NOTE not in repr(r)
    assert r.confidential_records() == {
        "batik-satu": model.Secret(nik=SECRET_NIK, catatan=SECRET_NOTE)
    }


def test_rahasia_is_validated():
    found = problems(broken(f'nik: "{SECRET_NIK}"', "nik: [1, 2]"))
    assert [(p.line, p.col) for p in found] == [(26, 12)]
    assert found[0].message.startswith("umkm[batik-satu].rahasia.nik: harus berupa teks")
    block = f'    rahasia:\n      nik: "{SECRET_NIK}"\n      catatan: {SECRET_NOTE}\n'
    found = problems(broken(block, "    rahasia: rahasia sekali\n"))
    assert [(p.line, p.col) for p in found] == [(25, 14)]
    assert found[0].message.startswith("umkm[batik-satu].rahasia: harus berupa pemetaan")


# ---------------------------------------------------------------------------------------------
# The sample data and the committed JSON Schema.
# ---------------------------------------------------------------------------------------------


def _json_ready(value):
    """yaml.safe_load output -> what a YAML editor hands to JSON Schema (dates as ISO text)."""
    if isinstance(value, dict):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def _schema_errors(text: str) -> list[str]:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    return [e.message for e in validator.iter_errors(_json_ready(yaml.safe_load(text)))]


def _sample_with_unknown_key() -> str:
    text = SAMPLE.read_text(encoding="utf-8")
    new, n = re.subn(r"(\n    pemilik: [^\n]*\n)", r"\1    pemilk: X\n", text, count=1)
    assert n == 1
    return new


def test_sample_passes_check():
    proc = run_check()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "data sah" in proc.stdout
    proc = run_check("--data", "data/umkm.yaml")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_sample_validates_against_committed_schema():
    assert _schema_errors(SAMPLE.read_text(encoding="utf-8")) == []


def test_valid_fixture_validates_against_committed_schema():
    assert _schema_errors(valid_text()) == []


def test_broken_sample_fails_schema_and_check(tmp_path):
    text = _sample_with_unknown_key()
    errors = _schema_errors(text)
    assert any("pemilk" in e and "Additional properties" in e for e in errors), errors
    proc, name = check_text(tmp_path, text)
    assert proc.returncode == 1
    lines = out_lines(proc)
    assert len(lines) == 1 and "kunci tidak dikenal" in lines[0], lines
    assert "maksud Anda pemilik?" in lines[0]
    line_no = text[: text.index("    pemilk: X")].count("\n") + 1
    assert lines[0].startswith(f"{name}:{line_no}:5: umkm["), lines[0]


def test_broken_schema_type_fails_jsonschema():
    errors = _schema_errors(broken("produk: [Batik tulis, Batik cap]", "produk: Batik tulis"))
    assert any("is not of type 'array'" in e for e in errors), errors


# ---------------------------------------------------------------------------------------------
# Bugs found by these tests and fixed since (kept as regression tests).
# ---------------------------------------------------------------------------------------------


def test_duplicate_block_key_names_line_of_first_key():
    text = broken(
        "    produk: [Batik tulis, Batik cap]\n",
        "    kontak:\n      email: a@contoh.id\n    kontak:\n      email: b@contoh.id\n",
    )
    found = problems(text)
    assert [(p.line, p.col) for p in found] == [(26, 5)]
    assert "pertama di baris 24" in found[0].message, found[0].message


def test_exact_duplicate_nomor_reported_once():
    found = problems(broken('nomor: "U/2020/0002"', 'nomor: "U/2020/0001"'))
    assert [(p.line, p.col) for p in found] == [(45, 16)], found


def test_undecodable_byte_column_counts_characters(tmp_path):
    path = tmp_path / "umkm.yaml"
    path.write_bytes("registri:\n  judul: José ".encode() + b"\xe9\n")  # é in UTF-8, then Latin-1
    with pytest.raises(load.DataError) as e:
        load.load(path)
    assert [(p.line, p.col) for p in e.value.problems] == [(2, 15)]


def test_control_character_is_one_line_at_its_position(tmp_path):
    proc, name = check_text(tmp_path, broken("    nama: Batik Satu\n", "    nama: Batik\x07Satu\n"))
    assert proc.returncode == 1
    lines = out_lines(proc)
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{name}:20:16: "), lines[0]
    assert "<unicode string>" not in lines[0]


@pytest.mark.parametrize("item", ["\n      -\n", "\n      - ~\n"], ids=["dash-only", "tilde"])
def test_empty_list_item_is_reported(item):
    text = broken("    produk: [Batik tulis, Batik cap]\n", "    produk:\n      - Batik" + item)
    found = problems(text)
    assert [(p.line, p.message.split(":")[0]) for p in found] == [
        (26, "umkm[batik-satu].produk[1]")
    ]


def test_revoked_with_blank_reason_is_reported():
    found = problems(broken("alasan_status: Usaha tutup", 'alasan_status: ""'))
    assert len(found) == 1, found
    assert found[0].message.startswith(f"{C2}.alasan_status: "), found[0].message


def test_empty_optional_key_accepted_by_check_and_schema():
    text = broken("berlaku_sampai: 2023-09-06", "berlaku_sampai:")
    assert problems(text) == []
    assert _schema_errors(text) == []


@pytest.mark.parametrize(
    "old, new, line, col",
    [
        pytest.param("status: dicabut", "status: batal", 51, 17, id="status-typo"),
        pytest.param(
            "tanggal_status: 2024-01-10",
            "tanggal_status: 2024-1-10",
            53,
            25,
            id="tanggal_status-format",
        ),
    ],
)
def test_rejected_value_causes_no_follow_on_messages(old, new, line, col):
    found = problems(broken(old, new))
    assert [(p.line, p.col) for p in found] == [(line, col)], found
