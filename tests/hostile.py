"""A small registry whose every text field is hostile, and secrets that must never leak."""

from __future__ import annotations

import json

SECRETS = ["3513999988887777", "RT 099 RW 077 Jl. Rahasia Sekali", "catatan-internal-XQ7"]
# data/rahasia.yaml of the hostile project (SPEC "Confidential data"): never in any output either
FILE_SECRETS = ["3513555566667777", "Jl. Berkas Rahasia No. 5", "catatan-berkas-QZ9"]


def rahasia_yaml() -> str:
    return (
        "umkm:\n"
        f"  jahat:\n    nik: {q(FILE_SECRETS[0])}\n    alamat: {q(FILE_SECRETS[1])}\n"
        f"  batik-baik:\n    catatan: {q(FILE_SECRETS[2])}\n"
    )


HOSTILE = {
    "nama": "<script>alert('nama')</script> Kopi",
    "pemilik": '"><img src=x onerror=alert(1)> Siti',
    "produk": "[klik](javascript:alert(1))",
    "deskripsi": "{{ 7*7 }} {% raw %} **tebal** <b>bold</b> &amp; \u200dZWJ "
    "👨\u200d👩\u200d👧 \U0001f600 السلام",
    "desa": "Desa `kode` # judul",
    "nomor": "X/<i>1</i>/2024",
    "pemegang": "Ani </title><script>alert(2)</script>",
    "skema": "Skema | pipa | {{ config }}",
    "alasan": "<a href='javascript:alert(3)'>alasan</a>",
    "judul": "Registri <em>Uji</em> & {{ judul }}",
}


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def hostile_yaml() -> str:
    h = HOSTILE
    return f"""\
registri:
  judul: {q(h["judul"])}
  penerbit: Dinas Uji
  wilayah: Kabupaten Uji
  kontak: {{email: lapor@example.org, telepon: "(0335) 123456", alamat: "Jl. Uji 1"}}
  contoh: true
sektor:
  batik: Batik
  makanan: Makanan
kecamatan: [Kraksaan, Kota Anyar]
lsp:
  uji: {{nama: LSP Uji, lembaga: Universitas Uji, lisensi: "BNSP-1"}}
umkm:
  - id: jahat
    nama: {q(h["nama"])}
    pemilik: {q(h["pemilik"])}
    sektor: makanan
    kecamatan: Kota Anyar
    desa: {q(h["desa"])}
    produk: [{q(h["produk"])}, Kerupuk udang]
    deskripsi: {q(h["deskripsi"])}
    kontak: {{whatsapp: "0812-3456-7890", situs: "https://example.com/a?b=1&c=2"}}
    rahasia: {{nik: "{SECRETS[0]}", alamat: {q(SECRETS[1])}, catatan: {q(SECRETS[2])}}}
    sertifikat:
      - id: uji-2024-0001
        nomor: {q(h["nomor"])}
        pemegang: {q(h["pemegang"])}
        skema: {q(h["skema"])}
        lsp: uji
        asesor: [Asesor Satu]
        tanggal_uji: 2024-01-10
        tanggal_terbit: 2024-01-20
        berlaku_sampai: 2027-01-19
        pembiayaan: mandiri
        status: dicabut
        alasan_status: {q(h["alasan"])}
        tanggal_status: 2025-02-01
  - id: batik-baik
    nama: Batik Baik
    pemilik: Bu Baik
    sektor: batik
    kecamatan: Kraksaan
    produk: [Batik tulis]
    sertifikat:
      - id: uji-2020-0002
        nomor: "UJI/2020/0002"
        pemegang: Bu Baik
        skema: Produksi Batik Tulis
        lsp: uji
        tanggal_terbit: 2020-09-07
        berlaku_sampai: 2023-09-06
        pembiayaan: fasilitasi
      - id: uji-2024-0003
        nomor: "UJI/2024/0003"
        pemegang: Bu Baik
        skema: Pemasaran Produk UMKM
        lsp: uji
        tanggal_terbit: 2024-10-01
        berlaku_sampai: 2027-09-30
        pembiayaan: mandiri
"""
