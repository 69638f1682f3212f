"""Screenshots of the workbook for the admin guide (docs/panduan/*.png).

    python scripts/workbook_screenshots.py

Exports the sample registry and a template filled with the first participants of a test day,
renders each sheet with LibreOffice headless (Debian: apt-get install libreoffice-calc
poppler-utils) to PDF, then to PNG with pdftoppm. Not part of the tests: run it after changing
the workbook's layout, look at the pictures, commit them.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl
from openpyxl.worksheet.properties import PageSetupProperties

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "panduan"
PARTICIPANTS = [
    ("kopi-arabika-argopuro", "Kopi Arabika Argopuro", "Slamet Riyadi", "minuman", "Krucil",
     "081234500101"),
    ("keripik-talas-lumbang", "Keripik Talas Lumbang", "Siti Nurhayati", "makanan", "Lumbang",
     "081234500102"),
    ("batik-tulis-sumber-asri", "Batik Tulis Sumber Asri", "Rahayu Lestari", "batik", "Sumber",
     "081234500103"),
]


def _col(ws, name: str) -> str:
    return next(c.column_letter for c in ws[1] if c.value == name)


def _fill_template(path: Path) -> None:
    wb = openpyxl.load_workbook(path)
    u, c = wb["UMKM"], wb["Sertifikat"]
    for i, (uid, nama, pemilik, sektor, kec, wa) in enumerate(PARTICIPANTS, start=2):
        for k, v in {"id": uid, "nama": nama, "pemilik": pemilik, "sektor": sektor,
                     "kecamatan": kec, "kontak.whatsapp": wa}.items():
            u[f"{_col(u, k)}{i}"] = v
        for k, v in {"id": f"mwpm-2025-{i + 98:04d}", "umkm_id": uid,
                     "nomor": f"MWPM/UMKM/2025/{i + 98:04d}", "pemegang": pemilik,
                     "skema": "Pengelolaan Usaha Mikro", "lsp": "mwpm",
                     "asesor": "Bambang Setiawan, S.E., M.M.; Agus Priyanto, S.T.",
                     "tuk": "Aula Dinas Koperasi dan Usaha Mikro",
                     "tanggal_uji": dt.date(2025, 3, 4), "tanggal_terbit": dt.date(2025, 3, 18),
                     "berlaku_sampai": dt.date(2028, 3, 17), "pembiayaan": "fasilitasi",
                     "status": "aktif"}.items():
            c[f"{_col(c, k)}{i}"] = v
    wb.save(path)


def _printable(path: Path, sheet: str, rows: int, dest: Path, cols: list[str] | None) -> None:
    """A copy holding one sheet (only the columns named, when given), landscape, one page
    wide."""
    wb = openpyxl.load_workbook(path)
    for name in wb.sheetnames:
        if name != sheet:
            del wb[name]
    ws = wb[sheet]
    if ws.max_row > rows:
        ws.delete_rows(rows + 1, ws.max_row - rows)
    ws.protection.sheet = False
    if cols:
        for c in ws[1]:
            if c.value not in cols:
                ws.column_dimensions[c.column_letter].hidden = True
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.print_options.gridLines = True
    ws.print_options.headings = True
    wb.save(dest)


def _render(xlsx: Path, png: Path, work: Path) -> None:
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(work),
                    str(xlsx)], check=True, capture_output=True, timeout=180)
    pdf = work / (xlsx.stem + ".pdf")
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", "-singlefile",
                    str(pdf), str(png.with_suffix(""))], check=True, timeout=120)
    from PIL import Image, ImageOps

    img = Image.open(png).convert("RGB")
    box = ImageOps.invert(img).getbbox()
    if box:
        img = img.crop((max(0, box[0] - 12), max(0, box[1] - 12), box[2] + 12, box[3] + 12))
    img.quantize(colors=32).save(png, optimize=True)  # small files: a few colours suffice


def main() -> int:
    if not shutil.which("soffice") or not shutil.which("pdftoppm"):
        print("apt-get install -y libreoffice-calc poppler-utils", file=sys.stderr)
        return 1
    from generator.__main__ import main as generator

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        full, tpl = work / "registri.xlsx", work / "angkatan.xlsx"
        data = str(ROOT / "data" / "umkm.yaml")
        assert generator(["export", "--data", data, "--out", str(full)]) == 0
        assert generator(["export", "--data", data, "--out", str(tpl), "--templat"]) == 0
        _fill_template(tpl)
        shots = [
            (tpl, "UMKM", 5, "templat-umkm",
             ["id", "nama", "pemilik", "sektor", "kecamatan", "desa", "kontak.whatsapp"]),
            (tpl, "Sertifikat", 5, "templat-sertifikat",
             ["id", "umkm_id", "nomor", "pemegang", "skema", "lsp"]),
            (tpl, "Sertifikat", 5, "templat-sertifikat-tanggal",
             ["id", "tanggal_uji", "tanggal_terbit", "berlaku_sampai", "pembiayaan", "status"]),
            (full, "Sertifikat", 9, "ekspor-sertifikat",
             ["id", "umkm_id", "nomor", "pemegang", "tanggal_terbit", "status"]),
            (full, "Referensi", 25, "referensi", None),
        ]
        for src, sheet, rows, name, cols in shots:
            one = work / f"{name}.xlsx"
            _printable(src, sheet, rows, one, cols)
            _render(one, OUT / f"{name}.png", work)
            print(OUT / f"{name}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
