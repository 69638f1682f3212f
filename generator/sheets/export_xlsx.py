"""Registry -> Excel workbook (openpyxl, write-only): UMKM, Sertifikat, Referensi [, RAHASIA].

The workbook is made to be edited by hand and imported back (`importer.py`): headers are the data
file's keys, lists are joined with '; ', dates are real dates, the vocabularies are drop-down
lists, and the id cells of existing rows are locked (the sheet is protected without a password,
so typing over an id asks the admin to unprotect it first) and shaded grey.
"""

from __future__ import annotations

import os
import re
from copy import copy
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from ..data import declarations, model
from ..data.declarations import DATE, TEXTS
from . import layout
from .layout import CERT_SHEET, REF_SHEET, SECRET_SHEET, UMKM_SHEET, Column

MAX_ROW = 1_048_576  # Excel's last row: validations and column formats reach every new row
TEXT_FORMAT = "@"
DATE_FORMAT = "yyyy-mm-dd"

_HEADER_FONT = Font(name="Calibri", bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_ID_FILL = PatternFill("solid", fgColor="E7E6E6")
_ID_FONT = Font(name="Calibri", color="595959")
_SECRET_FILL = PatternFill("solid", fgColor="F8CBAD")
_LOCKED = Protection(locked=True)
_UNLOCKED = Protection(locked=False)
_WRAP = Alignment(wrap_text=True, vertical="top")

_WIDTHS = {"id": 26, "umkm_id": 26, "nama": 32, "pemilik": 24, "deskripsi": 48, "produk": 32}


class OutPathError(Exception):
    """--out names a place the workbook must not be written to."""


MARK = "RegistriUMKM"  # a custom document property: this workbook was made by `export`
_MARK_XML = b'name="RegistriUMKM"'
_MAX_PROPS_BYTES = 64 * 1024


def made_by_export(path: Path) -> bool:
    """Whether the workbook at `path` carries our mark (Excel keeps custom properties when the
    admin saves it). Anything unreadable, or not a workbook at all, is not ours."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            info = z.getinfo("docProps/custom.xml")
            if info.file_size > _MAX_PROPS_BYTES:
                return False
            return _MARK_XML in z.read(info)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, RuntimeError):
        return False


def check_out_path(out: Path, data: Path, *, replace_any: bool = False) -> None:
    """Refuse an --out that is not a new or existing .xlsx file (never the data file), and an
    existing file that `export` did not make unless `replace_any` (--timpa)."""
    if out.suffix.lower() != ".xlsx":
        raise OutPathError(f"{out}: nama berkas hasil harus berakhiran .xlsx")
    if out.is_dir():
        raise OutPathError(f"{out}: ini folder; sebut nama berkas .xlsx")
    if out.exists() and data.exists() and out.resolve() == data.resolve():
        raise OutPathError(f"{out}: ini berkas data; pilih nama lain untuk buku kerja")
    if not out.parent.exists():
        raise OutPathError(f"{out.parent}: folder tidak ada")
    if (out.exists() or out.is_symlink()) and not replace_any and not made_by_export(out):
        raise OutPathError(
            f"{out}: berkas ini sudah ada dan bukan buatan perintah export; tidak ditimpa. "
            "Pilih nama lain, atau tambahkan --timpa bila memang ingin menggantinya"
        )


def _header(ws, col: Column, *, secret: bool = False) -> WriteOnlyCell:
    f = col.field
    cell = text_cell(ws, col.name)
    cell.font = _HEADER_FONT
    cell.fill = _SECRET_FILL if secret else _HEADER_FILL
    cell.protection = _LOCKED
    lines = [f.doc]
    if f.required:
        lines.append("Wajib diisi.")
    if col.kind == DATE:
        lines.append("Tanggal, mis. 2020-08-27.")
    if col.kind == TEXTS:
        lines.append("Beberapa isian dipisah titik koma: A; B; C.")
    if col.is_id:
        lines.append("Baris yang sudah ada: id terkunci, jangan diubah. Baris baru: ketik id baru.")
    comment = Comment("\n".join(lines), "Registri UMKM")
    comment.width, comment.height = 300, 140
    cell.comment = comment
    return cell


def _value(obj, col: Column):
    if col.parent:
        obj = getattr(obj, col.parent)
    return getattr(obj, col.key, None)


_NOT_IN_XML = re.compile(r"_x[0-9A-Fa-f]{4}_|[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def ooxml_escape(s: str) -> str:
    """Characters XML cannot hold, written as Excel does (_xHHHH_; a literal _xHHHH_ gets its
    underscore escaped), so that any text survives the workbook (read_sheet undoes it)."""
    if "_x" not in s and not _NOT_IN_XML.search(s):
        return s
    return _NOT_IN_XML.sub(lambda m: "_x005F" + m[0] if len(m[0]) > 1 else f"_x{ord(m[0]):04X}_", s)


def text_cell(ws, value) -> WriteOnlyCell:
    """A cell whose text is always a string cell, never a formula: openpyxl turns any str
    starting with '=' into <f>, and a label, a name or a kecamatan can come from anyone's pull
    request (=HYPERLINK(...), =cmd|'...'!A0). Every str of every sheet goes through here."""
    if isinstance(value, str):
        value = ooxml_escape(value)
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


class _Cells:
    """Data cells of one sheet. Styles are made once per kind of cell and copied (openpyxl's
    per-cell style assignment hashes every style object: half of the export's time)."""

    def __init__(self, ws):
        self.ws = ws
        self._styles: dict[tuple, object] = {}

    def _style(self, key: tuple):
        style = self._styles.get(key)
        if style is None:
            is_date, locked, wrap = key
            cell = WriteOnlyCell(self.ws)
            if locked:
                cell.fill, cell.font, cell.protection = _ID_FILL, _ID_FONT, _LOCKED
            else:
                cell.protection = _UNLOCKED
            cell.number_format = DATE_FORMAT if is_date else TEXT_FORMAT
            if wrap:
                cell.alignment = _WRAP
            style = self._styles[key] = cell._style
        return style

    def cell(self, col: Column, value, *, locked: bool) -> WriteOnlyCell | None:
        v = layout.cell_value(col, value)
        if v is None and not locked:
            return None  # an absent cell takes its column's style (unlocked, formatted)
        cell = text_cell(self.ws, v)
        wrap = isinstance(v, str) and "\n" in v
        cell._style = copy(self._style((col.kind == DATE, locked, wrap)))
        return cell


def _prepare_sheet(ws, cols: list[Column]) -> None:
    """Column widths and formats (typed values in new rows keep a leading 0 and a date stays a
    date), unlocked columns, the header row frozen, a filter, and protection without password."""
    for i, col in enumerate(cols, start=1):
        dim = ws.column_dimensions[get_column_letter(i)]
        dim.width = _WIDTHS.get(col.name, 16 if col.kind == DATE else 22)
        dim.number_format = DATE_FORMAT if col.kind == DATE else TEXT_FORMAT
        dim.protection = _UNLOCKED
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{MAX_ROW}"
    p = ws.protection
    p.sheet = True
    # False = allowed (OOXML names what is locked): everything but changing locked cells.
    for what in ("formatCells", "formatColumns", "formatRows", "insertRows", "deleteRows"):
        setattr(p, what, False)
    p.sort = p.autoFilter = p.selectLockedCells = p.selectUnlockedCells = False


def _validations(ws, cols: list[Column], ranges: dict[str, str], umkm_ids: str | None) -> None:
    for i, col in enumerate(cols, start=1):
        letter = get_column_letter(i)
        sqref = f"{letter}2:{letter}{MAX_ROW}"
        f = col.field
        key = f.ref or (col.key if f.choices else None)
        if key and key in ranges:
            dv = DataValidation(
                type="list",
                formula1=ranges[key],
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="Pilihan tidak ada",
                error=f"Pilih {col.name} dari daftar (lembar {REF_SHEET}).",
                promptTitle=col.name,
                prompt=f"Pilih dari daftar (lembar {REF_SHEET}).",
                showInputMessage=False,
            )
        elif col.kind == DATE:
            dv = DataValidation(
                type="date",
                operator="greaterThan",
                formula1="1",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="Bukan tanggal",
                error="Ketik tanggal, mis. 2020-08-27.",
            )
        elif col.name == "umkm_id" and umkm_ids:
            dv = DataValidation(
                type="list",
                formula1=umkm_ids,
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="warning",
                errorTitle="id UMKM tidak dikenal",
                error="id ini tidak ada di kolom id lembar UMKM.",
            )
        else:
            continue
        dv.add(sqref)
        ws.data_validations.append(dv)


def _reference_sheet(wb: Workbook, registry: model.Registry) -> dict[str, str]:
    """The vocabularies, one block of columns each; returns the drop-down range of each."""
    ws = wb.create_sheet(REF_SHEET)
    status = next(f for f in declarations.CERTIFICATE if f.key == "status")
    funding = next(f for f in declarations.CERTIFICATE if f.key == "pembiayaan")
    blocks = [
        ("sektor", ["sektor", "label"], [[k, v] for k, v in registry.sektor.items()]),
        ("kecamatan", ["kecamatan"], [[k] for k in registry.kecamatan]),
        (
            "lsp",
            ["lsp", "nama", "lembaga", "lisensi"],
            [[k, v.nama, v.lembaga, v.lisensi] for k, v in registry.lsp.items()],
        ),
        ("status", ["status"], [[c] for c in status.choices]),
        ("pembiayaan", ["pembiayaan"], [[c] for c in funding.choices]),
    ]
    cells: dict[tuple[int, int], object] = {}
    ranges: dict[str, str] = {}
    col = 1
    for key, headers, rows in blocks:
        letter = get_column_letter(col)
        ranges[key] = f"{quote_sheetname(REF_SHEET)}!${letter}$2:${letter}${max(2, len(rows) + 1)}"
        for j, h in enumerate(headers):
            ws.column_dimensions[get_column_letter(col + j)].width = 16 if j == 0 else 36
            cells[(0, col + j - 1)] = h
            for r, row in enumerate(rows, start=1):
                cells[(r, col + j - 1)] = row[j]
        ws.column_dimensions[get_column_letter(col + len(headers))].width = 3  # a gap
        col += len(headers) + 1
    n_rows = max(r for r, _ in cells) + 1
    n_cols = max(c for _, c in cells) + 1
    ws.freeze_panes = "A2"
    for r in range(n_rows):
        line = [text_cell(ws, cells.get((r, c))) for c in range(n_cols)]
        if r == 0:
            for c in line:
                if c.value is not None:
                    c.font, c.fill = _HEADER_FONT, _HEADER_FILL
        ws.append(line)
    ws.append([])
    ws.append(
        [text_cell(ws, "Daftar ini dibaca dari data/umkm.yaml. Mengubahnya di sini tidak diimpor.")]
    )
    return ranges


def write(
    registry: model.Registry,
    out: Path,
    *,
    template: bool = False,
    secrets: dict[str, model.Secret] | None = None,
) -> dict[str, int]:
    """Write the workbook to `out` (atomically: a temporary file, then a rename).

    template: headers, drop-downs and Referensi only, no rows (a new batch is typed in).
    secrets: when given, a RAHASIA sheet with them (the caller asked for --rahasia)."""
    wb = Workbook(write_only=True)
    wb.properties.title = registry.registri.judul
    wb.properties.creator = "Registri UMKM"
    wb.custom_doc_props.append(StringProperty(name=MARK, value="export"))
    umkm_cols, cert_cols = layout.umkm_columns(), layout.certificate_columns()
    counts = {"umkm": 0, "sertifikat": 0, "rahasia": 0}

    ws_u = wb.create_sheet(UMKM_SHEET)
    ws_c = wb.create_sheet(CERT_SHEET)
    ranges = _reference_sheet(wb, registry)
    n_umkm = 0 if template else len(registry.umkm)
    umkm_ids = f"{quote_sheetname(UMKM_SHEET)}!$A$2:$A${n_umkm + 2000}"

    for ws, cols in ((ws_u, umkm_cols), (ws_c, cert_cols)):
        _prepare_sheet(ws, cols)
        _validations(ws, cols, ranges, umkm_ids if ws is ws_c else None)
        ws.append([_header(ws, c) for c in cols])

    if not template:
        cells = _Cells(ws_u)
        for u in registry.umkm:
            ws_u.append([cells.cell(c, _value(u, c), locked=c.is_id) for c in umkm_cols])
            counts["umkm"] += 1
        cells = _Cells(ws_c)
        for u, c in registry.certificates():
            values = [u.id if col.name == "umkm_id" else _value(c, col) for col in cert_cols]
            ws_c.append(
                [
                    cells.cell(col, v, locked=col.is_id)
                    for col, v in zip(cert_cols, values, strict=True)
                ]
            )
            counts["sertifikat"] += 1

    if secrets is not None:
        ws_s = wb.create_sheet(SECRET_SHEET)
        ws_s.sheet_properties.tabColor = "C00000"
        cols = layout.secret_columns()
        _prepare_sheet(ws_s, cols)
        ws_s.append([_header(ws_s, c, secret=True) for c in cols])
        cells = _Cells(ws_s)
        if not template:
            for u in registry.umkm:
                s = secrets.get(u.id)
                if s is None:
                    continue
                row = [cells.cell(cols[0], u.id, locked=True)]
                row += [cells.cell(c, getattr(s, c.key), locked=False) for c in cols[1:]]
                ws_s.append(row)
                counts["rahasia"] += 1

    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        wb.save(tmp)
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()
    return counts
