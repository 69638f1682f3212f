"""Reading a workbook (.xlsx) or a CSV file into raw cells, without trusting it.

A workbook is a zip of XML files that anyone can write by hand: sizes are checked before
anything is unpacked (a zip bomb is refused by its declared sizes, which Python's zipfile
enforces), cells are streamed row by row with openpyxl's parser (never laid out in a grid, so a
cell claimed at XFD1048576 costs one cell, not seventeen billion), and every limit gives a plain
message. Types are kept as the file has them: text, number, date, formula, error, true/false,
so that the importer can name each spreadsheet fault.

openpyxl, not python-calamine: calamine reads ~15x faster, but it returns a formula's cached value
(or an empty string) and an error cell as an empty string, and it lays every sheet out as a
dense grid sized by its farthest cell. Figures: benchmarks/README.md.
"""

from __future__ import annotations

import codecs
import csv
import io
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

MAX_FILE_BYTES = 50 * 1024 * 1024  # a 10,000-UMKM workbook is ~2.4 MB, its CSV ~5 MB
MAX_UNPACKED_BYTES = 400 * 1024 * 1024  # all parts of the workbook, unpacked
MAX_ZIP_PARTS = 2_000
MAX_ROWS = 300_000  # rows read per sheet (Excel allows 1,048,576)
MAX_COLUMNS = 80  # columns read per row; the widest sheet has ~17


class ReadError(Exception):
    """The file cannot be read at all: one plain message."""


@dataclass
class RawCell:
    value: object  # str | int | float | bool | datetime | None
    type: str  # "s" text, "n" number, "d" date, "b" true/false, "f" formula, "e" error


@dataclass
class RawSheet:
    title: str
    rows: list[tuple[int, dict[int, RawCell]]] = field(default_factory=list)  # (row, {col: cell})
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, c1, r2, c2
    too_wide: tuple[int, int] | None = None  # (row, col) of the first cell beyond MAX_COLUMNS
    too_long: int | None = None  # first row beyond MAX_ROWS
    csv: bool = False
    widths: dict[int, int] = field(default_factory=dict)  # CSV: fields in each record
    note: str = ""  # how a CSV was read (delimiter, encoding)


def read(path: Path) -> list[RawSheet]:
    """The sheets of an .xlsx file, or the one table of a .csv file."""
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv", ".xlsm"):
        if suffix in (".xls", ".ods", ".numbers"):
            raise ReadError(
                f"format {suffix} tidak didukung: buka di Excel atau LibreOffice lalu "
                "Simpan Sebagai (Save As) Buku Kerja Excel .xlsx"
            )
        raise ReadError("berkas harus .xlsx (buku kerja Excel) atau .csv")
    try:
        if path.is_dir():
            raise ReadError("ini folder, bukan berkas")
        size = path.stat().st_size
    except FileNotFoundError:
        raise ReadError("berkas tidak ditemukan") from None
    except OSError as e:
        raise ReadError(f"berkas tidak bisa dibaca ({e.strerror or e})") from None
    if size > MAX_FILE_BYTES:
        raise ReadError(
            f"berkas terlalu besar ({size / 1e6:.0f} MB; paling besar "
            f"{MAX_FILE_BYTES // 1024 // 1024} MB)"
        )
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ReadError(f"berkas tidak bisa dibaca ({e.strerror or e})") from None
    if suffix == ".csv":
        return [read_csv_bytes(data)]
    return read_xlsx_bytes(data)


# -- xlsx ------------------------------------------------------------------------------------


def _check_zip(data: bytes) -> None:
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ReadError(
            "berkas ini format Excel lama (.xls) atau dilindungi kata sandi: buka di Excel, "
            "hapus kata sandinya, lalu Simpan Sebagai Buku Kerja Excel (.xlsx)"
        )
    if data[:4] != b"PK\x03\x04":
        raise ReadError("berkas ini bukan buku kerja Excel .xlsx (isinya bukan format xlsx)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ReadError(
            "buku kerja rusak (arsip zip tidak utuh): simpan ulang dari Excel"
        ) from None
    if len(infos) > MAX_ZIP_PARTS:
        raise ReadError(f"buku kerja tidak wajar: {len(infos)} bagian di dalamnya")
    unpacked = sum(i.file_size for i in infos)
    if unpacked > MAX_UNPACKED_BYTES:
        raise ReadError(
            f"buku kerja terlalu besar setelah dibuka ({unpacked / 1e6:,.0f} MB; paling "
            f"besar {MAX_UNPACKED_BYTES // 1024 // 1024} MB): mungkin berkas jebakan (zip bomb)"
        )


def read_xlsx_bytes(data: bytes) -> list[RawSheet]:
    _check_zip(data)
    import openpyxl
    from openpyxl.worksheet._reader import WorkSheetParser

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(
                io.BytesIO(data), read_only=True, data_only=False, keep_links=False
            )
    except Exception as e:  # openpyxl raises anything from KeyError to XML errors
        raise ReadError(
            f"buku kerja tidak bisa dibuka ({type(e).__name__}): simpan ulang dari Excel "
            "sebagai .xlsx"
        ) from None
    sheets = []
    try:
        for ws in wb.worksheets:
            sheet = RawSheet(title=ws.title)
            try:
                with warnings.catch_warnings(), ws._get_source() as src:
                    warnings.simplefilter("ignore")
                    parser = WorkSheetParser(
                        src,
                        ws._shared_strings,
                        data_only=False,
                        epoch=wb.epoch,
                        date_formats=wb._date_formats,
                        timedelta_formats=wb._timedelta_formats,
                    )
                    _collect(parser, sheet)
            except ReadError:
                raise
            except Exception as e:
                raise ReadError(
                    f"lembar '{ws.title}' rusak ({type(e).__name__}): simpan ulang dari Excel"
                ) from None
            sheets.append(sheet)
    finally:
        wb.close()
    return sheets


def _collect(parser, sheet: RawSheet) -> None:
    for row_idx, cells in parser.parse():
        if row_idx > MAX_ROWS:
            if any(c["value"] not in (None, "") for c in cells):
                sheet.too_long = row_idx
                break
            continue
        row: dict[int, RawCell] = {}
        for c in cells:
            value = c["value"]
            if value is None or value == "":
                continue
            col = c["column"]
            if col > MAX_COLUMNS:
                if sheet.too_wide is None:
                    sheet.too_wide = (row_idx, col)
                continue
            dtype = c["data_type"]
            if dtype == "f" and not isinstance(value, str):
                value = "=" + str(getattr(value, "text", "") or "")  # array / table formulas
            row[col] = RawCell(value, dtype if dtype in ("s", "n", "d", "b", "f", "e") else "s")
        if row:
            sheet.rows.append((row_idx, row))
    if parser.merged_cells is not None:
        from openpyxl.utils.cell import range_boundaries

        for m in parser.merged_cells.mergeCell:
            try:
                c1, r1, c2, r2 = range_boundaries(m.ref)
            except (TypeError, ValueError):
                continue
            sheet.merged.append((r1, c1, r2, c2))


# -- csv -------------------------------------------------------------------------------------


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name in words). UTF-8 (with or without BOM), UTF-16 with BOM, or
    Windows-1252 (what Excel on Windows writes as "CSV (Comma delimited)")."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="strict"), "UTF-8"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise ReadError("berkas UTF-16 rusak: simpan ulang sebagai CSV UTF-8") from None
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise ReadError(
            f"baris {line}: berkas tidak bisa dibaca sebagai UTF-8 maupun Windows-1252: "
            "simpan ulang sebagai CSV UTF-8"
        ) from None


def sniff_delimiter(first_line: str, known: set[str]) -> str:
    """The delimiter that splits the header into the most known column names (then the most
    columns): Excel writes ';' where the list separator is ',' as a decimal mark (Indonesian
    settings), ',' elsewhere; 'Unicode text' uses a tab."""
    best, best_score = ",", (-1, -1)
    for d in (";", ",", "\t"):
        try:
            names = next(csv.reader([first_line], delimiter=d))
        except (csv.Error, StopIteration):
            continue
        score = (sum(1 for n in names if n.strip().lower() in known), len(names))
        if score > best_score:
            best, best_score = d, score
    return best


DELIMITER_WORDS = {";": "titik koma (;)", ",": "koma (,)", "\t": "tab"}


def read_csv_bytes(data: bytes, known: set[str] | None = None) -> RawSheet:
    from . import sheets as layout

    if known is None:
        known = {
            c.name
            for s in (layout.UMKM_SHEET, layout.CERT_SHEET, layout.SECRET_SHEET)
            for c in layout.columns_of(s)
        }
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ReadError("berkas ini bukan teks CSV (ada byte NUL): simpan ulang sebagai CSV")
    text, encoding = decode(data)
    first = text.split("\n", 1)[0].rstrip("\r")
    delimiter = sniff_delimiter(first, known)
    sheet = RawSheet(
        title="CSV",
        csv=True,
        note=f"dibaca sebagai {encoding}, pemisah {DELIMITER_WORDS[delimiter]}",
    )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1  # physical line where the next record starts
    try:
        for record in reader:
            start, line = line, reader.line_num + 1
            if record:
                sheet.widths[start] = len(record)
            if start > MAX_ROWS:
                sheet.too_long = start
                break
            row = {}
            for i, v in enumerate(record, start=1):
                if v == "":
                    continue
                if i > MAX_COLUMNS:
                    if sheet.too_wide is None:
                        sheet.too_wide = (start, i)
                    continue
                row[i] = RawCell(v, "s")
            if row:
                sheet.rows.append((start, row))
    except csv.Error as e:
        if "field larger" in str(e):
            raise ReadError(
                f"baris {line}: ada sel yang sangat panjang (lebih dari "
                f"{csv.field_size_limit():,} karakter): berkas ini bukan daftar biasa".replace(
                    ",", "."
                )
            ) from None
        raise ReadError(f"baris {line}: CSV tidak sah ({e})") from None
    return sheet
