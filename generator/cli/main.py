"""The command line's entry point: the parser (every command and option, each with its help in
Indonesian) and `main`, which runs the chosen command.
"""

from __future__ import annotations

import argparse
import errno
import sys

from ..data import user_files
from ..sheets.raw_cells import WORKBOOK
from . import argparse_id, build, check, keys, qr, report, sheets
from .check import DEFAULT_DATA

# Every option naming a file the command reads, by dest, and what it is (user_files' limits). The
# commands read them under the same rule; checking here first gives one line before any work
# starts, for every command alike. tests/path_options.py lists every option of every command.
_INPUTS = {
    "data": user_files.DATA,
    "config": user_files.CONFIG,
    "previous": user_files.MANIFEST,
    "kunci": user_files.KEYS,
    "kunci_portal": user_files.KEYS,
    "berkas": WORKBOOK,
}
_OUTPUTS = ("site_dir", "out", "root", "situs")


def _path_problem(args: argparse.Namespace) -> str | None:
    """`PATH: why` for the first path option that breaks the rule (a file that does not exist
    is left to the command: it knows whether that is wrong)."""
    for dest, kind in _INPUTS.items():
        value = getattr(args, dest, None)
        if not isinstance(value, str) or value.startswith(("http://", "https://")):
            continue
        try:
            user_files.check(value, kind)
        except user_files.UserFileError as e:
            if not e.missing:
                return f"{value}: {e}"
    for dest in _OUTPUTS:  # folders and files written (or read whole): only an unusable path
        value = getattr(args, dest, None)
        if isinstance(value, str) and not value.startswith(("http://", "https://")):
            why = user_files.unusable(value)
            if why:
                return f"{value}: {why}"
    return None


def main(argv: list[str] | None = None) -> int:
    report.configure_output()
    args = build_parser().parse_args(argv)
    problem = _path_problem(args)
    if problem:
        report.say(problem)
        return 1
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` or a closed pager: stop quietly
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except OSError as e:  # (after BrokenPipeError, an OSError too)
        line = write_error(e)
        if line is None:
            raise
        report.say(line)
        if args.command == "build":
            print("Situs lama tidak diubah.", file=sys.stderr)
        return 1


_WRITE_ERRORS = {
    code: why
    for name, why in (
        ("ENOSPC", "gagal menulis: disk penuh. Kosongkan ruang disk"),
        ("EDQUOT", "gagal menulis: kuota disk habis. Kosongkan ruang disk"),
        ("EFBIG", "gagal menulis: berkas melebihi batas ukuran. Kosongkan ruang disk"),
        ("EROFS", "gagal menulis: disk hanya bisa dibaca (read-only). Pilih folder lain"),
        ("EACCES", "tidak bisa dibuka: izin ditolak. Periksa izin folder dan berkas"),
        ("EPERM", "tidak bisa dibuka: izin ditolak. Periksa izin folder dan berkas"),
    )
    if (code := getattr(errno, name, None)) is not None  # (not every errno exists everywhere)
}


def write_error(e: OSError) -> str | None:
    """One line for an error of the disk (full, over quota, read-only, no permission), naming
    the file; None for any other OSError (a bug: its traceback is wanted)."""
    why = _WRITE_ERRORS.get(e.errno or 0)
    if why is None:
        return None
    name = e.filename2 or e.filename
    return f"{name}: {why}, lalu ulangi." if name else f"{why}, lalu ulangi."


def _date_arg(text: str):
    """argparse type for --sejak: an ISO date, with the message in Indonesian."""
    from datetime import date

    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"tanggal '{text}' tidak sah: tulis sebagai TAHUN-BULAN-HARI, mis. 2025-01-31"
        ) from None


def build_parser() -> argparse.ArgumentParser:
    """The command line: every command and option (tests walk it for Indonesian help)."""
    p = argparse_id.Parser(
        prog="python -m generator", description="Registri UMKM: periksa, bangun dan terbitkan."
    )
    sub = p.add_subparsers(dest="command", required=True, title="perintah", metavar="PERINTAH")

    c = sub.add_parser("check", help="periksa berkas data")
    c.add_argument("--data", default=DEFAULT_DATA, help=f"berkas data (bawaan: {DEFAULT_DATA})")
    c.add_argument("--previous", help="manifest id yang pernah terbit (berkas atau URL)")
    c.add_argument(
        "--format",
        choices=report.FORMATS,
        default="teks",
        help="bentuk laporan: teks (BERKAS:BARIS:KOLOM: pesan) atau github (anotasi GitHub "
        "Actions di baris yang salah)",
    )
    c.add_argument(
        "--config",
        default=None,
        help="berkas mkdocs.yml yang memuat site_url (bawaan: mkdocs.yml, bila ada)",
    )
    c.set_defaults(func=check.cmd_check)

    b = sub.add_parser("build", help="periksa data lalu bangun situs")
    b.add_argument("--data", default=None, help=f"berkas data (bawaan: {DEFAULT_DATA})")
    b.add_argument("--site-dir", default=None, help="folder hasil (bawaan: site)")
    b.add_argument(
        "--config", default="mkdocs.yml", help="berkas konfigurasi MkDocs (bawaan: mkdocs.yml)"
    )
    b.add_argument("--strict", action="store_true", help="peringatan mkdocs dianggap gagal")
    b.add_argument(
        "--mesin",
        choices=("mkdocs", "properdocs"),
        default="mkdocs",
        help="mesin pembangun situs: mkdocs (bawaan) atau properdocs (lanjutan MkDocs 1.6 "
        "yang masih dirawat; hasilnya sama)",
    )
    b.add_argument(
        "--catat",
        action="store_true",
        help="situs ini akan diterbitkan: catat id baru di data/id-terbit.txt (dipakai workflow)",
    )
    b.add_argument(
        "--pratinjau",
        action="store_true",
        help="pratinjau yang tidak diterbitkan (pemeriksaan pull request): tanpa kunci privat "
        "situs dibangun tanpa tanda tangan",
    )
    b.add_argument(
        "--bersih",
        action="store_true",
        help="bangun semua halaman dari awal (bawaan: hanya halaman yang berubah sejak "
        "pembangunan terakhir; hasilnya sama)",
    )
    b.set_defaults(func=build.cmd_build)

    s = sub.add_parser(
        "serve", help="situs langsung di komputer ini, dimuat ulang saat data berubah"
    )
    s.add_argument("--data", default=None, help=f"berkas data (bawaan: {DEFAULT_DATA})")
    s.add_argument(
        "--config", default="mkdocs.yml", help="berkas konfigurasi MkDocs (bawaan: mkdocs.yml)"
    )
    s.add_argument(
        "--dev-addr",
        default="127.0.0.1:8000",
        metavar="ALAMAT:PORT",
        help="alamat dan port situs lokal (bawaan: 127.0.0.1:8000)",
    )
    s.add_argument(
        "--jaringan",
        action="store_true",
        help="izinkan --dev-addr selain alamat komputer ini (mis. 0.0.0.0:8000, untuk mencoba "
        "di ponsel): situs pratinjau, yang belum terbit, bisa dibuka siapa pun di jaringan",
    )
    s.set_defaults(func=build.cmd_serve)

    d = sub.add_parser("docs", help="tulis ulang skema JSON dan tabel kunci di panduan admin")
    d.add_argument("--root", default=".", help="folder proyek (bawaan: folder ini)")
    d.set_defaults(func=build.cmd_docs)

    q = sub.add_parser("qr", help="kode QR cetak (SVG, PNG) dan lembar label A4")
    q.add_argument("--data", default=DEFAULT_DATA, help=f"berkas data (bawaan: {DEFAULT_DATA})")
    q.add_argument("--out", default="qr-cetak", help="folder hasil (bawaan: qr-cetak)")
    q.add_argument("--config", default="mkdocs.yml", help="berkas mkdocs.yml yang memuat site_url")
    q.add_argument(
        "--semua",
        action="store_true",
        help="cetak juga sertifikat yang tidak berlaku (kedaluwarsa, dibekukan, dicabut), "
        "masing-masing bertanda JANGAN DITEMPEL; tanpa ini hanya yang berlaku",
    )
    q.add_argument(
        "--sertifikat",
        nargs="+",
        metavar="ID",
        help="cetak hanya sertifikat dengan id ini (boleh beberapa, dipisah spasi)",
    )
    q.add_argument(
        "--sejak",
        type=_date_arg,
        metavar="TANGGAL",
        help="cetak hanya sertifikat yang terbit pada atau sesudah tanggal ini (TTTT-BB-HH)",
    )
    q.set_defaults(func=qr.cmd_qr)

    k = sub.add_parser("kunci", help="kunci tanda tangan registri")
    ks = k.add_subparsers(dest="aksi", required=True)
    kb = ks.add_parser(
        "baru",
        help="buat pasangan kunci baru: kunci privat ke --out, baris YAML ke layar",
        description="Membuat pasangan kunci Ed25519. Kunci privat ditulis ke --out (hanya bisa "
        "dibaca pemiliknya; tidak pernah menimpa berkas, tidak di dalam repositori kecuali "
        "diabaikan git). Baris YAML untuk registri.kunci dicetak ke layar.",
    )
    kb.add_argument(
        "--out", required=True, help="berkas kunci privat yang dibuat (di luar repositori)"
    )
    kb.add_argument("--id", default=None, help="nama kunci (bawaan: kunci-TAHUN-BULAN-HARI)")
    kb.set_defaults(func=keys.cmd_kunci_baru)

    v = sub.add_parser(
        "verify",
        help="periksa hash, tanda tangan dan status sertifikat digital sebuah situs",
    )
    v.add_argument(
        "situs", metavar="SITE_DIR_OR_URL", help="folder situs hasil build, atau alamatnya"
    )
    v.add_argument(
        "--kunci",
        default=None,
        metavar="FILE_OR_DID_JSON",
        help="kunci publik tepercaya: did.json, atau berkas yang memuat kunci z6Mk... "
        "(mis. data/umkm.yaml)",
    )
    v.add_argument(
        "--portal",
        default=None,
        metavar="URL_OR_FILE",
        help="daftar anggota portal (alamat portal, api/anggota.json, atau berkasnya): "
        "kunci penerbit harus terdaftar di sana; tanda tangan daftar itu diperiksa dengan "
        "did.json portal",
    )
    v.add_argument(
        "--kunci-portal",
        default=None,
        metavar="FILE_OR_DID_JSON",
        help="kunci publik portal yang disematkan (did.json portal, atau berkas yang memuat "
        "kunci z6Mk...): daftar anggota harus ditandatangani kunci ini",
    )
    v.add_argument(
        "--pada",
        default=None,
        metavar="TANGGAL",
        help="nilai status per tanggal ini, bukan sekarang (mis. 2026-11-28)",
    )
    v.set_defaults(func=keys.cmd_verify)

    e = sub.add_parser(
        "export", help="tulis registri sebagai buku kerja Excel (.xlsx) untuk disunting"
    )
    e.add_argument("--data", default=DEFAULT_DATA, help=f"berkas data (bawaan: {DEFAULT_DATA})")
    e.add_argument(
        "--out",
        default=None,
        metavar="BERKAS.xlsx",
        help="buku kerja yang ditulis (bawaan: keluaran/registri.xlsx, folder yang diabaikan git)",
    )
    e.add_argument(
        "--timpa",
        action="store_true",
        help="boleh menimpa berkas .xlsx yang sudah ada walau bukan buatan export",
    )
    e.add_argument(
        "--di-repo",
        action="store_true",
        help="boleh menulis di dalam repositori di tempat yang tidak diabaikan git",
    )
    e.add_argument(
        "--templat",
        action="store_true",
        help="buku kerja kosong (judul kolom, daftar pilihan, Referensi) untuk angkatan baru",
    )
    e.add_argument(
        "--rahasia",
        action="store_true",
        help="sertakan data rahasia (NIK, alamat, catatan) di lembar RAHASIA; jangan diunggah",
    )
    e.set_defaults(func=sheets.cmd_export)

    i = sub.add_parser("import", help="gabungkan buku kerja (.xlsx) atau CSV ke berkas data")
    i.add_argument("berkas", metavar="BERKAS", help="buku kerja .xlsx atau berkas .csv")
    i.add_argument("--data", default=DEFAULT_DATA, help=f"berkas data (bawaan: {DEFAULT_DATA})")
    i.add_argument(
        "--dry-run",
        action="store_true",
        help="uji coba: tampilkan perubahan yang akan dibuat, tanpa menulis apa pun",
    )
    i.add_argument(
        "--format",
        choices=report.FORMATS,
        default="teks",
        help="bentuk pesan: teks (bawaan) atau github (anotasi GitHub Actions)",
    )
    i.set_defaults(func=sheets.cmd_import)

    return p
