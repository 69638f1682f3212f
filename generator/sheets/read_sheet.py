"""Reading a workbook (.xlsx) or a CSV file into raw cells, without trusting it.

A workbook is a zip of XML files that anyone can write by hand: sizes are checked before
anything is unpacked (a zip bomb is refused by its declared sizes, which Python's zipfile
enforces), XML with DTD or entity declarations is refused, cells are streamed row by row
(never laid out in a grid, so a cell claimed at XFD1048576 costs one cell, not seventeen
billion; a sheet's declared dimension is never read), and every limit gives a plain message.
Types are kept as the file has them (text, number, date, formula, error, true/false), so that
the importer can name each spreadsheet fault. The workbook is read by read_xlsx.py, a CSV file
into the same raw sheets (raw_cells.py) by read_csv.py.

openpyxl, not python-calamine: calamine reads ~15x faster, but it returns a formula's cached value
(or an empty string) and an error cell as an empty string, and it lays every sheet out as a
dense grid sized by its farthest cell. Figures: benchmarks/README.md.
"""

from __future__ import annotations

from pathlib import Path

from ..data import user_files
from . import read_csv, read_xlsx
from .raw_cells import WORKBOOK, RawSheet, ReadError


def read(path: Path, wanted=None) -> list[RawSheet]:
    """The sheets of an .xlsx file, or the one table of a .csv file. wanted(title): whether a
    workbook sheet is read (others are listed empty, never parsed)."""
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv", ".xlsm"):
        if suffix in (".xls", ".ods", ".numbers"):
            raise ReadError(
                f"format {suffix} tidak didukung: buka di Excel atau LibreOffice lalu "
                "Simpan Sebagai (Save As) Buku Kerja Excel .xlsx"
            )
        raise ReadError("berkas harus .xlsx (buku kerja Excel) atau .csv")
    try:  # regular files only, size checked first (user_files: the rule for every command)
        data = user_files.read_bytes(path, WORKBOOK)
    except user_files.UserFileError as e:
        raise ReadError(str(e)) from None
    if suffix == ".csv":
        return [read_csv.read_csv_bytes(data)]
    return read_xlsx.read_xlsx_bytes(data, wanted)
