"""What a spreadsheet is read into: raw cells with the types the file gives them, and the
limits every reader keeps (the workbook reader and the CSV reader both fill these)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..data import user_files

MAX_FILE_BYTES = 50 * 1024 * 1024  # a 10,000-UMKM workbook is ~2.4 MB, its CSV ~5 MB
WORKBOOK = user_files.Kind("buku kerja", MAX_FILE_BYTES)  # read under user_files' rule
MAX_UNPACKED_BYTES = 400 * 1024 * 1024  # all parts of the workbook, unpacked
MAX_ZIP_PARTS = 2_000
MAX_ROWS = 300_000  # rows read per sheet (Excel allows 1,048,576)
MAX_COLUMNS = 80  # columns read per row; the widest sheet has ~17
# counted while streaming, so that a small file of many tiny parts cannot take a minute and a
# gigabyte (8 M unused shared strings: 30 s, 1.5 GB before): a 10,000-UMKM export has ~60,000
# strings and ~250,000 cells
MAX_SHARED_STRINGS = 1_000_000
MAX_CELLS = 3_000_000  # cells (<c>) of the sheets read, all together


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
