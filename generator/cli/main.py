"""The command line's entry point: the parser (every command and option, each with its help in
Indonesian) and `main`, which runs the chosen command.
"""

from __future__ import annotations

import argparse
import sys

from . import argparse_id, build, check, keys, qr, report, sheets
from .check import DEFAULT_DATA


def main(argv: list[str] | None = None) -> int:
    report.configure_output()
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` or a closed pager: stop quietly
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


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
    v.set_defaults(func=keys.cmd_verify)

    e = sub.add_parser(
        "export", help="tulis registri sebagai buku kerja Excel (.xlsx) untuk disunting"
    )
    e.add_argument("--data", default=DEFAULT_DATA, help=f"berkas data (bawaan: {DEFAULT_DATA})")
    e.add_argument("--out", required=True, metavar="BERKAS.xlsx", help="buku kerja yang ditulis")
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
