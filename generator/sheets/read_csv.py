"""Reading a CSV file into one raw sheet, without trusting it: the encoding (UTF-8, UTF-16,
Windows-1252) and the delimiter taken the way Excel writes them, every cell kept as text, and the
same row and column limits as a workbook.
"""

from __future__ import annotations

import codecs
import csv
import io

from .raw_cells import MAX_COLUMNS, MAX_ROWS, RawCell, RawSheet, ReadError


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name in words). UTF-8 (with or without BOM), UTF-16 with BOM, or
    Windows-1252 (what Excel on Windows writes as "CSV (Comma delimited)")."""
    if data.startswith(codecs.BOM_UTF8):  # a BOM says UTF-8: no guessing Windows-1252 then
        try:
            return data[3:].decode("utf-8", errors="strict"), "UTF-8"
        except UnicodeDecodeError as e:
            line = data[: e.start + 3].count(b"\n") + 1
            raise ReadError(
                f"baris {line}: berkas tidak bisa dibaca sebagai UTF-8: simpan ulang sebagai "
                "CSV UTF-8"
            ) from None
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
    from . import layout as layout

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
        why = "ada karakter NUL" if "NUL" in str(e) else "susunan CSV rusak"
        raise ReadError(
            f'baris {line}: CSV tidak sah: {why} (mis. tanda kutip " yang tidak ditutup, atau '
            "baris baru di tengah sel tanpa tanda kutip): buka di Excel lalu simpan ulang sebagai "
            "CSV UTF-8"
        ) from None
    return sheet
