"""A deterministic synthetic registry of any size, for benchmarks and scale tests.

    python benchmarks/synth.py N OUT.yaml [--seed S] [--source data/umkm.yaml]

The `registri`, `sektor`, `kecamatan` and `lsp` sections are copied from the source registry,
and UMKM are spread over sectors and kecamatan in the same proportions as there. Each UMKM has
~1.3 certificates; names are long and Unicode (diacritics, Javanese script, CJK, Arabic, names of
80 characters, quotes and markup characters that must stay text); every status occurs (BERLAKU,
KEDALUWARSA, DIBEKUKAN, DICABUT); some UMKM have `rahasia`. The same N and seed always give the
same bytes, and the file passes `python -m generator check`.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import unicodedata
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT / "data" / "umkm.yaml"
DEFAULT_SEED = 20200827

# Words of business names, by sector of the sample registry (unknown sectors use GENERIC).
PREFIX = {
    "batik": ["Batik Tulis", "Batik", "Rumah Batik", "Galeri Batik", "Sanggar Batik",
              "Batik Cap", "Kampung Batik"],
    "makanan": ["Keripik", "Kerupuk", "Dapur", "Warung", "Olahan", "Roti", "Dodol", "Sambal",
                "Kué", "Camilan", "Pia", "Tahu"],
    "minuman": ["Kopi", "Jamu", "Sari", "Teh", "Wedang", "Susu Kambing", "Sirup", "Café"],
    "kerajinan": ["Anyaman", "Kerajinan", "Ukir", "Gerabah", "Bambu", "Sangkar", "Tenun"],
}
GENERIC = ["Usaha", "Toko", "Produk", "Karya", "Sentra"]
CORE = ["Sekar Jagad", "Mbok Darmi", "Sumber Rejeki", "Barokah", "Lestari", "Karya Mandiri",
        "Cahaya Tengger", "Bromo", "Argopuro", "Mekar Sari", "Dewi Sri", "Tiga Putri",
        "Bu Éndah", "Pak Darsono", "Sido Mulyo", "Rasa Nusantara", "Ngudi Rejeki",
        "Tunas Harapan", "Kembang Kopi", "Madura Jaya", "Lumbang Asri", "Sri Rejeki",
        "Citra Rasa", "Maju Bersama", "Kenanga", "Melati", "Anggrek Bulan", "Pandhalungan"]
UNICODE_CORE = ["Crème Brûlée Señora", "Dapur Ñonya Élise", "Kopi 珈琲 Tengger",
                "豆腐坊 Tahu Sumber", "茶屋 Teh Bromo", "Barokah بركة", "Halal حلال Berkah",
                "ꦧꦛꦶꦏ꧀ Sekar", "Café «Ngopi» Dulu", 'Warung "Mbok Yem" & Putra',
                "<Kopi> Kapal Api-api", "Rumah Makan Ibu Ḥalimah", "Øle Øle Snack"]
LONG_TAIL = (" dan Aneka Olahan Hasil Bumi Desa untuk Oleh-oleh Khas Kabupaten dengan "
             "Kemasan Modern serta Layanan Pesan Antar ke Seluruh Jawa Timur")
GIVEN = ["Siti", "Umi", "Ahmad", "Budi", "Sri", "Dwi", "Eko", "Nur", "Muhammad", "Agus",
         "Endah", "Wahyu", "Yuliana", "Rina", "Slamet", "Hj. Aminah", "Dédé", "Zulaikhah",
         "Ni Luh", "Imam", "Fatimah", "Bambang", "Rahayu", "Sutrisno", "Ḥusain", "Lilik"]
FAMILY = ["Aminah", "Kulsum", "Hidayat", "Santoso", "Wulandari", "Prasetyo", "Rahmawati",
          "Setiawan", "Maulana", "Lestari", "Susanti", "Hariyanto", "Kurniawan", "Ma'ruf",
          "Nurhayati", "Syaifuddin", "Wijaya", "Fauzi", "Handayani", "Ardiansyah"]
DESA = ["Asembagus", "Kandangjati Kulon", "Andungbiru", "Karanggeger", "Sumberlele",
        "Rondokuning", "Patokan", "Semampir", "Kalibuntu", "Sukokerto", "Wangkal", "Jorongan",
        "Tambakrejo", "Sumberanyar", "Bulu", "Ngepoh"]
PRODUK = {
    "batik": ["Batik tulis", "Batik cap", "Sarung batik", "Selendang batik", "Kain jumputan",
              "Kemeja batik"],
    "makanan": ["Keripik singkong", "Kerupuk ikan", "Dodol mangga", "Sambal bawang",
                "Petis ikan", "Opak gambir", "Tahu walik", "Kue kering"],
    "minuman": ["Kopi robusta bubuk", "Jamu kunyit asam", "Beras kencur", "Sari mangga",
                "Teh rosela", "Susu kambing etawa"],
    "kerajinan": ["Besek bambu", "Tampah", "Kap lampu anyaman", "Sangkar burung",
                  "Gerabah hias", "Tas pandan"],
}
ALASAN = {
    "dibekukan": ["Sedang dalam pemeriksaan atas pengaduan konsumen.",
                  "Pemegang belum mengikuti surveilans tahunan."],
    "dicabut": ["Usaha tidak lagi berjalan dan pemegang mengembalikan sertifikat.",
                "Terbukti memberikan data yang tidak benar saat pendaftaran uji."],
}
DESKRIPSI = ("Usaha rumahan yang dikerjakan bersama tetangga sekitar; bahan baku dari petani "
             "setempat, dikemas rapi untuk oleh-oleh dan pesanan daring.")


def ascii_slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def weights(source: dict, key: str, choices: list[str]) -> list[int]:
    """How often each choice occurs among the source's UMKM (at least once each)."""
    seen = Counter(u.get(key) for u in source.get("umkm") or [])
    return [max(1, seen.get(c, 0)) for c in choices]


def pools(source: dict) -> dict[str, list]:
    """Schemes, assessors, test sites and units of the source registry, to draw from (sorted:
    the same source always gives the same pools)."""
    certs = [c for u in source.get("umkm") or [] for c in u.get("sertifikat") or []]

    def distinct(values) -> list:
        return sorted({v for v in values if v})

    return {
        "skema": distinct(c.get("skema") for c in certs) or ["Pengelolaan Usaha Mikro"],
        "asesor": distinct(a for c in certs for a in c.get("asesor") or []) or ["Asesor"],
        "tuk": distinct(c.get("tuk") for c in certs) or ["Aula Dinas"],
        # competency units go with their scheme
        "unit": {s: [list(u) for u in distinct(tuple(c.get("unit") or ()) for c in certs
                                                if c.get("skema") == s)]
                 for s in distinct(c.get("skema") for c in certs)},
    }


def business_name(rng: random.Random, sektor: str, i: int) -> str:
    prefix = rng.choice(PREFIX.get(sektor, GENERIC))
    roll = rng.random()
    if roll < 0.08:
        core = rng.choice(UNICODE_CORE)
    else:
        core = rng.choice(CORE)
    name = f"{prefix} {core}"
    if roll > 0.95:  # the longest names a form would let through: 80 characters
        name = (name + LONG_TAIL)[:80].rstrip()
    elif roll > 0.85:
        name += f" {rng.choice(CORE)}"
    return name


def person(rng: random.Random) -> str:
    name = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"
    if rng.random() < 0.05:
        name += ", S.E."
    return name


def phone(rng: random.Random) -> str:
    return f"08{rng.randint(11, 99)}-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"


def render(n: int, seed: int = DEFAULT_SEED, source: Path = DEFAULT_SOURCE) -> str:
    """The YAML text of a synthetic registry of `n` UMKM."""
    src = yaml.load(source.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    rng = random.Random(seed)
    sectors = list(src["sektor"])
    districts = list(src["kecamatan"])
    lsps = list(src["lsp"])
    w_sector = weights(src, "sektor", sectors)
    w_district = weights(src, "kecamatan", districts)
    pool = pools(src)
    head = {k: src[k] for k in ("registri", "sektor", "kecamatan", "lsp")}
    head["registri"] = {**head["registri"], "contoh": True}
    out = [
        f"# SYNTHETIC registry for benchmarks: {n} UMKM, seed {seed}. All data is fictional.",
        f"# Made by benchmarks/synth.py from the sections of {source.name}.",
        yaml.safe_dump(head, allow_unicode=True, sort_keys=False, width=1000).rstrip(),
        "umkm:",
    ]
    seq = 0
    first_day = date(2016, 1, 4).toordinal()
    last_day = date(2026, 10, 30).toordinal()
    statuses = ["dibekukan", "dicabut"]
    for i in range(1, n + 1):
        sektor = rng.choices(sectors, w_sector)[0]
        kec = rng.choices(districts, w_district)[0]
        nama = business_name(rng, sektor, i)
        owner = person(rng)
        slug = (ascii_slug(nama)[:48].strip("-") or "umkm")
        out += [
            f"  - id: {slug}-{i:06d}",
            f"    nama: {q(nama)}",
            f"    pemilik: {q(owner)}",
            f"    sektor: {sektor}",
            f"    kecamatan: {q(kec)}",
        ]
        if rng.random() < 0.8:
            out.append(f"    desa: {q(rng.choice(DESA))}")
        produk = rng.sample(PRODUK.get(sektor, ["Produk olahan"]), rng.randint(1, 3))
        out.append(f"    produk: [{', '.join(q(p) for p in produk)}]")
        if rng.random() < 0.4:
            out.append(f"    deskripsi: {q(DESKRIPSI)}")
        contact = []
        handle = re.sub(r"[^a-z0-9]", "_", slug[:20]) + f"_{i}"
        if rng.random() < 0.68:
            contact.append(f"      whatsapp: {q(phone(rng))}")
        if rng.random() < 0.52:
            contact.append(f"      telepon: {q(phone(rng))}")
        if rng.random() < 0.5:
            contact.append(f"      instagram: {q('@' + handle[:29])}")
        if rng.random() < 0.35:
            contact.append(f"      email: {q(handle + '@example.com')}")
        if rng.random() < 0.1:
            contact.append(f"      situs: {q('https://example.com/' + slug)}")
        if contact:
            out += ["    kontak:", *contact]
        if rng.random() < 0.1:
            out += [
                "    rahasia:",
                f"      nik: {q(f'3513{rng.randint(10**11, 10**12 - 1)}')}",
                f"      alamat: {q(f'RT 00{rng.randint(1, 9)}/RW 00{rng.randint(1, 9)}, {kec}')}",
                f"      catatan: {q('Catatan internal Dinas (rahasia).')}",
            ]
        n_cert = 1 if rng.random() < 0.73 else (2 if rng.random() < 0.85 else 3)
        out.append("    sertifikat:")
        for _ in range(n_cert):
            seq += 1
            lsp = rng.choice(lsps)
            terbit = date.fromordinal(rng.randint(first_day, last_day))
            uji = terbit - timedelta(days=rng.randint(3, 21))
            skema = rng.choice(pool["skema"])
            out += [
                f"      - id: {lsp}-{terbit.year}-{seq:06d}",
                f"        nomor: {q(f'{lsp.upper()}/UMKM/{terbit.year}/{seq:06d}')}",
                f"        pemegang: {q(owner if rng.random() < 0.9 else person(rng))}",
                f"        skema: {q(skema)}",
            ]
            units = pool["unit"].get(skema)
            if units and rng.random() < 0.3:
                out.append(f"        unit: [{', '.join(q(u) for u in rng.choice(units))}]")
            out.append(f"        lsp: {lsp}")
            assessors = rng.sample(pool["asesor"], min(len(pool["asesor"]), rng.randint(1, 2)))
            out.append(f"        asesor: [{', '.join(q(a) for a in assessors)}]")
            out += [
                f"        tuk: {q(rng.choice(pool['tuk']))}",
                f"        tanggal_uji: {uji.isoformat()}",
                f"        tanggal_terbit: {terbit.isoformat()}",
            ]
            if rng.random() < 0.92:
                until = terbit + timedelta(days=3 * 365)
                out.append(f"        berlaku_sampai: {until.isoformat()}")
            out.append(f"        pembiayaan: {'fasilitasi' if rng.random() < 0.6 else 'mandiri'}")
            roll = rng.random()
            if roll < 0.08:
                status = statuses[roll < 0.04]
                when = terbit + timedelta(days=rng.randint(1, 700))
                out += [
                    f"        status: {status}",
                    f"        alasan_status: {q(rng.choice(ALASAN[status]))}",
                    f"        tanggal_status: {when.isoformat()}",
                ]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("n", type=int, help="number of UMKM")
    p.add_argument("out", type=Path, help="YAML file to write")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED)
    p.add_argument("--source", type=Path, default=DEFAULT_SOURCE,
                   help="registry whose registri/sektor/kecamatan/lsp sections and mix to use")
    args = p.parse_args(argv)
    text = render(args.n, args.seed, args.source)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"{args.out}: {args.n} UMKM, {text.count('      - id: ')} sertifikat (seed {args.seed})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
