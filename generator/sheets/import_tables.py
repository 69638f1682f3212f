"""Reading the sheets of an import into tables: which sheet a workbook sheet or a CSV is, its
header row, and each row's cells turned into field values (every fault reported at its cell).
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.utils import get_column_letter

from ..data.diagnostics import show
from . import layout, raw_cells, read_sheet, sheet_values
from .import_problems import Report, Where
from .layout import CERT_SHEET, SECRET_SHEET, UMKM_SHEET, Column

SHEET_ORDER = (UMKM_SHEET, CERT_SHEET, SECRET_SHEET)


@dataclass
class Row:
    sheet: str  # UMKM / Sertifikat / RAHASIA
    number: int
    place: Where  # the row's first cell; other cells are made from it on demand
    cols: dict[str, int]  # column name -> column number (shared by the table's rows)
    values: dict[str, object] = field(default_factory=dict)  # name -> value (None: empty)
    bad: set[str] = field(default_factory=set)  # cells with an error of their own

    def cell(self, name: str | None) -> Where:
        col = self.cols.get(name or "") or self.cols.get("id")
        if col is None:
            return self.place
        p = self.place
        return Where(p.order, p.row, col, p.sheet, p.csv)


@dataclass
class Table:
    sheet: str
    title: str
    order: int
    csv: bool
    columns: dict[str, Column]  # present columns by name
    header: dict[str, Where]
    rows: list[Row]


# -- reading the tables ------------------------------------------------------------------------


def _norm(header) -> str:
    return re.sub(r"\s+", "_", str(header).strip().lower())


def _is_header(value: str, name: str) -> bool:
    return value == name or (len(value) <= len(name) + 4 and _norm(value) == name)


_ALL_COLUMNS = {s: {c.name: c for c in layout.columns_of(s)} for s in SHEET_ORDER}


def _which_sheet(title: str) -> str | None:
    t = title.strip().lower()
    for s in SHEET_ORDER:
        if t == s.lower():
            return s
    return None


def _csv_sheet(raw: raw_cells.RawSheet) -> str | None:
    """A CSV holds one sheet: the one whose columns its header names."""
    if not raw.rows:
        return None
    names = {_norm(c.value) for c in raw.rows[0][1].values() if isinstance(c.value, str)}
    if "umkm_id" in names and names & {"nomor", "skema", "lsp", "pemegang"}:
        return CERT_SHEET
    if "umkm_id" in names and names & {"nik", "catatan"}:
        return SECRET_SHEET
    if names & set(_ALL_COLUMNS[UMKM_SHEET]):
        return UMKM_SHEET
    return None


def _header_row(raw, sheet: str, where, report: Report):
    """(row number, {col: header}) of the header, or None (reported)."""
    known = set(_ALL_COLUMNS[sheet]) | {c for s in SHEET_ORDER for c in _ALL_COLUMNS[s]}
    for i, (number, cells) in enumerate(raw.rows[:6]):
        names = [_norm(c.value) for c in cells.values() if c.type == "s"]
        if sum(1 for n in names if n in known) >= min(2, len(cells)):
            if i > 0:
                report.error(
                    where(raw.rows[0][0], 1),
                    f"judul kolom (id, nama, ...) harus di baris pertama lembar; ada di baris "
                    f"{number}: hapus baris di atasnya",
                )
                return None
            return number, cells
    report.error(
        where(raw.rows[0][0], 1),
        "baris pertama harus berisi judul kolom persis seperti kunci data "
        f"({', '.join(list(_ALL_COLUMNS[sheet])[:4])}, ...): ekspor ulang buku kerja untuk "
        "melihat contohnya",
    )
    return None


def read_tables(path: Path, report: Report) -> list[Table]:
    raws = read_sheet.read(path, wanted=lambda title: _which_sheet(title) is not None)
    tables: list[Table] = []
    if len(raws) == 1 and raws[0].csv:
        raw = raws[0]
        sheet = _csv_sheet(raw)
        if sheet is None:
            where = Where(0, 1, 1, csv=True)
            report.error(
                where,
                "judul kolom tidak dikenal: baris pertama CSV harus berisi judul kolom seperti "
                "di buku kerja ekspor (id;nama;pemilik;... untuk UMKM, id;umkm_id;nomor;... untuk "
                f"sertifikat); berkas {raw.note}",
            )
            return []
        t = _table(raw, sheet, 0, report)
        return [t] if t else []
    found = {}
    for raw in raws:
        sheet = _which_sheet(raw.title)
        if sheet and sheet not in found:
            found[sheet] = raw
    if UMKM_SHEET not in found and CERT_SHEET not in found:
        titles = ", ".join(r.title for r in raws) or "tidak ada"
        report.error(
            None,
            f"tidak ada lembar bernama {UMKM_SHEET} atau {CERT_SHEET} (lembar yang ada: {titles}): "
            "beri nama lembar persis UMKM dan Sertifikat, seperti buku kerja hasil ekspor",
        )
        return []
    if SECRET_SHEET in found and os.environ.get("GITHUB_ACTIONS") == "true":
        report.error(
            None,
            f"buku kerja ini berisi lembar {SECRET_SHEET} dan sudah diunggah ke GitHub: data "
            "rahasia tidak boleh ada di repositori publik. Hapus berkas ini beserta riwayatnya "
            "(atau minta bantuan pengelola repositori), lalu unggah buku kerja tanpa lembar "
            f"{SECRET_SHEET}",
        )
        return []
    for sheet in SHEET_ORDER:
        if sheet in found:
            t = _table(found[sheet], sheet, SHEET_ORDER.index(sheet), report)
            if t:
                tables.append(t)
    return tables


def _table(raw: raw_cells.RawSheet, sheet: str, order: int, report: Report) -> Table | None:
    def where(row: int, col: int) -> Where:
        return Where(order, row, col, raw.title if not raw.csv else "", raw.csv)

    if raw.too_long:
        report.error(
            where(raw.too_long, 1),
            f"terlalu banyak baris (lebih dari {raw_cells.MAX_ROWS:,}): pecah menjadi beberapa "
            "berkas".replace(",", "."),
        )
        return None
    if raw.too_wide:
        r, c = raw.too_wide
        report.error(
            where(r, c),
            f"ada isi di kolom ke-{c}: lembar ini paling banyak {raw_cells.MAX_COLUMNS} kolom; "
            "hapus kolom yang tidak dipakai",
        )
    if not raw.rows:
        return Table(sheet, raw.title, order, raw.csv, {}, {}, [])
    found = _header_row(raw, sheet, where, report)
    if found is None:
        return None
    header_number, header_cells = found
    columns: dict[int, Column] = {}
    header: dict[str, Where] = {}
    suggested: set[str] = set()  # columns an unknown header probably meant (said there)
    own = _ALL_COLUMNS[sheet]
    for col, cell in sorted(header_cells.items()):
        w = where(header_number, col)
        if cell.type == "f":
            report.error(w, "judul kolom berisi rumus: tulis nama kolomnya sebagai teks")
            continue
        text = str(cell.value).strip()
        name = _norm(cell.value)
        if name in own:
            if name in header:
                report.error(
                    w, f"kolom '{name}' ada dua kali (juga di {header[name].text()}): hapus satu"
                )
                continue
            if text != name:
                pass  # "Tanggal Terbit" is read as tanggal_terbit: nothing to say
            columns[col] = own[name]
            header[name] = w
            continue
        elsewhere = [s for s in SHEET_ORDER if s != sheet and name in _ALL_COLUMNS[s]]
        if elsewhere and not (raw.csv):
            report.error(
                w,
                f"kolom {show(text)} milik lembar {elsewhere[0]}, bukan lembar {sheet}: pindahkan",
            )
            continue
        close = difflib.get_close_matches(name, list(own), n=1, cutoff=0.6)
        suggested.update(close)
        hint = (
            f"; mungkin maksud Anda '{close[0]}'? Judul kolom harus persis kunci data"
            if close
            else f": judul kolom harus persis kunci data ({', '.join(own)})"
        )
        report.error(w, f"kolom {show(text)} tidak dikenal{hint}")
    key = "umkm_id" if sheet == SECRET_SHEET else "id"
    if key not in header:
        report.error(
            where(header_number, 1),
            f"kolom wajib '{key}' tidak ada di baris judul lembar {sheet}: tanpa {key} baris "
            "tidak bisa dicocokkan dengan data",
        )
        return None
    absent = [c for c in own if c not in header and c != "umkm_id" and c not in suggested]
    if absent:
        report.warn(
            where(header_number, 1),
            f"kolom {', '.join(absent)} tidak ada di lembar ini: isinya di data tidak diubah",
        )
    merged_cells: set[tuple[int, int]] = set()  # cells a merge covers: said once, at its corner
    for r1, c1, r2, c2 in raw.merged:
        rng = f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}"
        report.error(
            where(r1, c1),
            f"sel digabung (Merge) {rng}: pisahkan (Unmerge Cells) lalu isi setiap baris "
            "dengan nilainya sendiri",
        )
        if (r2 - r1 + 1) * (c2 - c1 + 1) <= 100_000:
            merged_cells.update((r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1))
    col_numbers = {column.name: col for col, column in columns.items()}
    rows: list[Row] = []
    unheaded: set[int] = set()
    previous = header_number
    header_width = max(header_cells)
    for number, cells in raw.rows:
        if number <= header_number:
            continue
        if number > previous + 1 and rows:
            gap = (
                f"baris {previous + 1}"
                if number == previous + 2
                else f"baris {previous + 1}-{number - 1}"
            )
            report.warn(
                where(previous + 1, 1),
                f"{gap} kosong di tengah data: dilewati (baris di bawahnya tetap dibaca)",
            )
        previous = number
        row = Row(sheet, number, where(number, min(cells)), col_numbers)
        same_as_header = sum(
            1
            for col, cell in cells.items()
            if col in columns and cell.type == "s" and _is_header(cell.value, columns[col].name)
        )
        if same_as_header >= max(2, len(cells) // 2):
            report.error(
                where(number, min(cells)),
                "baris judul kedua (isinya sama dengan judul kolom): hapus baris ini",
            )
            continue
        for col in cells:
            if col not in header_cells and col not in unheaded:
                unheaded.add(col)
                report.error(
                    where(number, col),
                    "sel berisi data tetapi kolomnya tidak berjudul: beri judul kolom "
                    "atau hapus isinya",
                )
        values = row.values
        for col, column in columns.items():
            if merged_cells and (number, col) in merged_cells:
                row.bad.add(column.name)
                continue
            out = sheet_values.convert(cells.get(col), column, hide=sheet == SECRET_SHEET)
            if out.error:
                report.error(where(number, col), out.error)
                row.bad.add(column.name)
                continue
            if out.warning:
                report.warn(where(number, col), out.warning)
            values[column.name] = out.value
        if raw.csv and raw.widths.get(number, header_width) < header_width:
            report.error(
                where(number, raw.widths[number] + 1),
                f"baris ini hanya berisi {raw.widths[number]} kolom, padahal judulnya "
                f"{header_width}: periksa tanda pemisah di baris ini",
            )
            continue
        if all(v is None for v in row.values.values()) and not row.bad:
            continue
        rows.append(row)
    return Table(sheet, raw.title, order, raw.csv, {c.name: c for c in columns.values()},
                 header, rows)  # fmt: skip
