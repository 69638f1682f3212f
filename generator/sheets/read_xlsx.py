"""The workbook (.xlsx) reader: sizes checked before anything is unpacked, no DTD, cells streamed
row by row into raw cells (the reasons are in read_sheet.py)."""

from __future__ import annotations

import io
import re
import warnings
import zipfile

from .raw_cells import (
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_SHARED_STRINGS,
    MAX_UNPACKED_BYTES,
    MAX_ZIP_PARTS,
    RawCell,
    RawSheet,
    ReadError,
)

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


_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _C, _V, _F, _IS, _T, _R = (f"{_NS}{t}" for t in ("row", "c", "v", "f", "is", "t", "r"))
_SI, _MERGE, _DATA = f"{_NS}si", f"{_NS}mergeCell", f"{_NS}sheetData"


def read_xlsx_bytes(data: bytes, wanted=None) -> list[RawSheet]:
    """Workbook parts (sheet list, styles) through openpyxl's reader; shared strings and cells
    through a lean streaming loop of our own (openpyxl's per-cell objects made reading 10,000
    rows take most of an import's time). wanted(title): whether a sheet's cells are read at all
    (another sheet is listed, with no rows, and never parsed)."""
    _check_zip(data)
    from openpyxl.reader.excel import SHARED_STRINGS, ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = ExcelReader(io.BytesIO(data), read_only=True, keep_links=False)
            reader.read_manifest()
            reader.read_workbook()
            apply_stylesheet(reader.archive, reader.wb)
            wb = reader.wb
            strings_part = reader.package.find(SHARED_STRINGS)
            strings: list[str] = []
            if strings_part is not None:
                strings = _shared_strings(_xml_part(reader.archive, strings_part.PartName[1:]))
            parts = [
                (sheet.name, rel.target)
                for sheet, rel in reader.parser.find_sheets()
                if rel.target in reader.valid_files and "chartsheet" not in rel.Type
            ]
    except ReadError:
        raise
    except Exception as e:  # openpyxl raises anything from KeyError to XML errors
        raise ReadError(
            f"buku kerja tidak bisa dibuka ({type(e).__name__}): simpan ulang dari Excel "
            "sebagai .xlsx"
        ) from None
    dates = set(wb._date_formats) - set(wb._timedelta_formats)
    sheets = []
    budget = [MAX_CELLS]
    try:
        for title, target in parts:
            sheet = RawSheet(title=title)
            if wanted is not None and not wanted(title):
                sheets.append(sheet)
                continue
            try:
                src = _xml_part(reader.archive, target)
                _collect(src, sheet, strings, dates, wb.epoch, budget)
            except ReadError:
                raise
            except Exception as e:
                raise ReadError(
                    f"lembar '{title}' rusak ({type(e).__name__}): simpan ulang dari Excel"
                ) from None
            sheets.append(sheet)
    finally:
        reader.archive.close()
    return sheets


_DECLARATIONS = (b"<!DOCTYPE", b"<!ENTITY")


class _Guarded:
    """A part of the workbook read as a stream (a 136 MB part is never held whole), refused
    when it declares a DTD or entities (Excel never does; an entity is how an XML bomb
    multiplies a few bytes into gigabytes). Each chunk is checked, with the tail of the one
    before, before the XML parser sees it."""

    def __init__(self, stream):
        self._stream = stream
        self._tail = b""
        self._first = True

    def read(self, n: int = -1) -> bytes:
        chunk = self._stream.read(n if n and n > 0 else 1 << 16)
        seen = self._tail + chunk
        if (self._first and chunk[:2] in (b"\xff\xfe", b"\xfe\xff")) or any(
            d in seen for d in _DECLARATIONS
        ):
            raise ReadError(
                "buku kerja berisi deklarasi XML yang tidak dipakai Excel (DTD/ENTITY): berkas "
                "ini bukan buatan Excel dan tidak dibaca"
            )
        self._first = False
        self._tail = seen[-16:]
        return chunk


def _xml_part(archive, name: str) -> _Guarded:
    return _Guarded(archive.open(name))


def _text_of(el) -> str:
    """The text of a shared or inline string: its <t>, or the <t> of each rich-text run
    (phonetic <rPh> runs are not part of the text)."""
    parts = []
    for child in el:
        if child.tag == _T:
            parts.append(child.text or "")
        elif child.tag == _R:
            t = child.find(_T)
            if t is not None:
                parts.append(t.text or "")
    return _unescape("".join(parts))


def _shared_strings(src) -> list[str]:
    from xml.etree.ElementTree import iterparse

    strings = []
    for _, el in iterparse(src):
        if el.tag == _SI:
            if len(strings) >= MAX_SHARED_STRINGS:
                raise ReadError(
                    f"buku kerja tidak wajar: lebih dari {MAX_SHARED_STRINGS:,} teks bersama "
                    "(shared strings); simpan ulang dari Excel".replace(",", ".")
                )
            strings.append(_text_of(el))
            el.clear()
    return strings


_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _unescape(value: str) -> str:
    """Excel stores characters it cannot put in XML as _xHHHH_ (and a literal _x as _x005F_x);
    undo it, so the importer sees the real characters."""
    if "_x" not in value:
        return value
    return _OOXML_ESCAPE.sub(lambda m: chr(int(m[1], 16)), value)


def _cell(el, strings: list[str], dates: set, epoch) -> RawCell | None:
    t = el.get("t", "n")
    if el.find(_F) is not None:
        f = el.find(_F)
        return RawCell("=" + (f.text or ""), "f")
    if t == "inlineStr":
        is_ = el.find(_IS)
        text = _text_of(is_) if is_ is not None else ""
        return RawCell(text, "s") if text else None
    v = el.find(_V)
    if v is None or v.text is None:
        return None
    raw = v.text
    if t == "s":
        try:
            return RawCell(strings[int(raw)], "s")
        except (ValueError, IndexError):
            return RawCell("#REF!", "e")
    if t == "str":
        return RawCell(_unescape(raw), "s")
    if t == "b":
        return RawCell(raw.strip() in ("1", "true"), "b")
    if t == "e":
        return RawCell(raw, "e")
    if t == "d":
        from openpyxl.utils.datetime import from_ISO8601

        try:
            return RawCell(from_ISO8601(raw), "d")
        except (ValueError, TypeError):
            return RawCell(raw, "s")
    try:
        number = float(raw)
    except ValueError:
        return RawCell(raw, "s")
    if number.is_integer() and abs(number) < 2**53:
        number = int(number)
    style = el.get("s")
    if style is not None and style.isdigit() and int(style) in dates:
        from openpyxl.utils.datetime import from_excel

        try:
            return RawCell(from_excel(number, epoch), "d")
        except (OverflowError, ValueError, TypeError):
            return RawCell("#VALUE!", "e")
    return RawCell(number, "n")


_COLUMNS: dict[str, int] = {}


def _column(ref: str) -> int:
    from openpyxl.utils.cell import column_index_from_string

    letters = ref.rstrip("0123456789")
    known = _COLUMNS.get(letters)
    if known is not None:
        return known
    try:
        col = column_index_from_string(letters) if letters else 0
    except ValueError:  # beyond XFD: not a real column
        return MAX_COLUMNS + 1
    if len(_COLUMNS) < 1000:
        _COLUMNS[letters] = col
    return col


def _collect(src, sheet: RawSheet, strings: list[str], dates: set, epoch, budget: list) -> None:
    from xml.etree.ElementTree import iterparse

    from openpyxl.utils.cell import range_boundaries

    row_idx = 0
    col = 0
    cells: dict[int, RawCell] = {}
    data_el = None
    for event, el in iterparse(src, events=("start", "end")):
        tag = el.tag
        if event == "start":
            if tag == _ROW:
                r = el.get("r")
                row_idx = int(r) if r and r.isdigit() else row_idx + 1
                col = 0
                cells = {}
            elif tag == _DATA:
                data_el = el
            continue
        if tag == _C:
            budget[0] -= 1
            if budget[0] < 0:
                raise ReadError(
                    f"buku kerja tidak wajar: lebih dari {MAX_CELLS:,} sel di lembar yang "
                    "dibaca; pecah menjadi beberapa berkas".replace(",", ".")
                )
            ref = el.get("r")
            col = (_column(ref) or col + 1) if ref else col + 1
            cell = _cell(el, strings, dates, epoch)
            el.clear()
            if cell is None or cell.value == "":
                continue
            if col > MAX_COLUMNS:
                if sheet.too_wide is None:
                    sheet.too_wide = (row_idx, col)
                continue
            cells[col] = cell
        elif tag == _ROW:
            if data_el is not None:
                data_el.clear()
            if row_idx > MAX_ROWS:
                if cells:
                    sheet.too_long = row_idx
                    return
                continue
            if cells:
                sheet.rows.append((row_idx, cells))
        elif tag == _MERGE:
            try:
                c1, r1, c2, r2 = range_boundaries(el.get("ref", ""))
            except (TypeError, ValueError):
                continue
            sheet.merged.append((r1, c1, r2, c2))
