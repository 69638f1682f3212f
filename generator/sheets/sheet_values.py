"""One cell -> one value of the data file, naming every spreadsheet fault in plain words.

Excel changes what people type: 0812... becomes the number 812..., a 16-digit NIK loses its last
digit, 6281234567890 shows as 6.28E+12, a date typed into a text cell stays text, a date column
formatted as text shows 44070. Each of these gets its own message, so the admin knows what
happened to the cell and what to do in Excel.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from ..data.declarations import DATE, TEXT, TEXTS
from ..data.diagnostics import show
from ..data.limits import FORBIDDEN, char_problem
from .layout import MULTILINE, NUMBER_LIKE, Column, split_list
from .raw_cells import RawCell

MAX_CELL_CHARS = 5_000  # a description of a few paragraphs; Excel itself allows 32,767
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$")
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})$")
_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:[.,]\d+)?[eE][+]?\d+$")
_MONTHS = (
    "januari februari maret april mei juni juli agustus september oktober november desember "
    "jan feb mar apr jun jul agu agt ags sep okt nov des aug oct dec may"
).split()
_EXCEL_EPOCH = date(1899, 12, 30)


@dataclass
class Converted:
    value: object = None  # str | date | tuple[str, ...] | None (empty cell)
    error: str | None = None
    warning: str | None = None


def _serial_date(n: float) -> date | None:
    if not 1 <= n < 2_958_466:  # Excel's 9999-12-31
        return None
    return _EXCEL_EPOCH + timedelta(days=int(n))


def _number_text(n: float | int) -> str:
    if isinstance(n, float) and n.is_integer():
        n = int(n)
    return str(n)


def excel_shows(n: float | int) -> str:
    """A number as Excel's General format shows it: 11 characters at most (6.28E+12)."""
    text = _number_text(n)
    if len(text.lstrip("-")) <= 11:
        return text
    mantissa, exp = f"{n:.2E}".split("E")
    return f"{mantissa.rstrip('0').rstrip('.')}E{exp[0]}{int(exp[1:])}"


def _quoted(value: object, hide: bool) -> str:
    """A cell's value in a message; a confidential cell (RAHASIA sheet) is never quoted."""
    return "isi sel" if hide else show(str(value))


def _number_problem(n: float | int, col: Column, hide: bool = False) -> str:
    digits = _number_text(n)
    shown = excel_shows(n)
    seen = f"{digits}; Excel menampilkannya {shown}" if shown != digits else digits
    seen = "" if hide else f" ({seen})"
    if col.key == "nik":
        why = "NIK 16 digit tidak muat sebagai angka (digit terakhirnya hilang)"
    elif col.key in ("telepon", "whatsapp"):
        fixed = f"+{digits}" if digits.startswith("62") else f"0{digits}"
        why = f"angka 0 atau tanda + di depannya hilang (maksudnya {fixed}?)"
    else:
        why = "angka 0 di depannya bisa hilang"
    return (
        f"{col.name} tersimpan sebagai angka{seen}, bukan teks: {why}. "
        "Format kolom sebagai Teks, lalu ketik ulang isinya"
    )


def _raw_text(raw: RawCell, hide: bool = False) -> tuple[str | None, str | None]:
    """The cell as text, or an error for what can never be text (formula, error, TRUE)."""
    if raw.type == "f":
        formula = str(raw.value)
        shown = formula if len(formula) <= 40 else formula[:37] + "..."
        shown = "" if hide else f" ({shown})"
        return None, (
            f"sel berisi rumus{shown}: ganti dengan nilainya "
            "(salin, lalu Tempel Spesial > Nilai / Paste Values)"
        )
    if raw.type == "e":
        return None, f"sel berisi galat Excel {raw.value}: perbaiki atau kosongkan sel ini"
    if raw.type == "b":
        return None, f"sel berisi nilai {'TRUE' if raw.value else 'FALSE'}, bukan teks"
    if isinstance(raw.value, str):
        return raw.value, None
    return None, None


_INVISIBLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff]")


def _control_chars(s: str, multiline: bool) -> str | None:
    if "\n" in s and not multiline:
        return (
            "sel berisi baris baru (Alt+Enter): tulis isinya dalam satu baris "
            "(hanya deskripsi dan alasan_status boleh beberapa baris)"
        )
    m = _INVISIBLE.search(s)
    if m:
        return (
            f"sel berisi karakter tak terlihat (kode U+{ord(m[0]):04X}): ketik ulang isinya "
            "atau tempel sebagai teks biasa"
        )
    m = FORBIDDEN.search(s)  # the checker's own rule: whatever an import writes passes `check`
    if m:
        return f"sel berisi {char_problem(m[0])}"
    return None


def _clean_text(s: str, col: Column, hide: bool = False) -> Converted:
    s = s.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    if len(s) > MAX_CELL_CHARS:
        return Converted(
            error=f"isi sel terlalu panjang ({len(s):,} karakter; paling banyak "
            f"{MAX_CELL_CHARS:,})".replace(",", ".")
        )
    problem = _control_chars(s, multiline=col.key in MULTILINE)
    if problem:
        return Converted(error=problem)
    stripped = s.strip()
    warning = None
    if stripped and stripped != s:
        where = (
            "di awal dan akhir"
            if s[0].isspace() and s[-1].isspace()
            else "di akhir"
            if s[-1].isspace()
            else "di awal"
        )
        warning = f"spasi {where} isi sel dibuang" + ("" if hide else f" ({show(stripped)})")
    return Converted(stripped or None, warning=warning)


def _phone_digits_problem(s: str, col: Column, hide: bool = False) -> str | None:
    """A number-like text that shows what Excel did to it."""
    if _SCIENTIFIC.match(s):
        return (
            f"{_quoted(s, hide)} adalah angka dalam bentuk ilmiah: Excel sudah membuang "
            "digit-digitnya. "
            "Format kolom sebagai Teks, lalu ketik ulang nomor lengkapnya"
        )
    if col.key in ("telepon", "whatsapp") and s.isdigit() and not s.startswith(("0", "62")):
        return (
            f"nomor {show(s)} kehilangan angka 0 di depannya (Excel mengubahnya menjadi angka): "
            f"tulis '0{s}', dan format kolom sebagai Teks"
        )
    return None


_EMPTY = Converted()


def convert(raw: RawCell | None, col: Column, hide: bool = False) -> Converted:
    """The value of one cell for `col` (None: empty). hide: a confidential cell (the RAHASIA
    sheet), whose messages never quote its value."""
    if raw is None:
        return _EMPTY
    if col.kind == DATE:
        return _date(raw)
    text, error = _raw_text(raw, hide)
    if error:
        return Converted(error=error)
    if raw.type == "d" or isinstance(raw.value, datetime | date | time | timedelta):
        shown = raw.value.date() if isinstance(raw.value, datetime) else raw.value
        shown = "" if hide else f" ({shown})"
        return Converted(
            error=f"Excel mengubah isi sel ini menjadi tanggal{shown}: format kolom sebagai "
            "Teks, lalu ketik ulang isinya"
        )
    if text is None:  # a number
        if col.key in NUMBER_LIKE or col.is_id:
            return Converted(error=_number_problem(raw.value, col, hide))
        text = _number_text(raw.value)
    if col.kind == TEXTS:
        return _texts(text, col)
    out = _clean_text(text, col, hide)
    if out.error or out.value is None:
        return out
    if col.key in NUMBER_LIKE:
        problem = _phone_digits_problem(out.value, col, hide)
        if problem:
            return Converted(error=problem)
    f = col.field
    if f.pattern and not re.match(f.pattern, out.value):
        return Converted(error=f"{_quoted(out.value, hide)} tidak sah: harus {f.pattern_hint}")
    if f.choices and out.value not in f.choices:
        close = difflib.get_close_matches(out.value, f.choices, n=1)
        hint = f"; mungkin maksud Anda {close[0]}?" if close else ""
        return Converted(
            error=f"{show(out.value)} tidak dikenal: pilih salah satu dari "
            f"{', '.join(f.choices)}{hint}"
        )
    assert col.kind == TEXT
    return out


def _texts(text: str, col: Column) -> Converted:
    out = _clean_text(text, col)
    if out.error or out.value is None:
        return out
    items = split_list(out.value)
    return Converted(tuple(items) or None, warning=out.warning)


def _date(raw: RawCell) -> Converted:
    v = raw.value
    if raw.type in ("f", "e", "b"):
        _, error = _raw_text(raw)
        return Converted(error=error)
    if isinstance(v, datetime):
        return Converted(v.date())
    if isinstance(v, date):
        return Converted(v)
    if isinstance(v, int | float):
        d = _serial_date(v)
        if d is not None and 10_000 < v < 100_000:
            return Converted(
                error=f"tanggal tertulis sebagai angka seri Excel {_number_text(v)} "
                f"(= {d.isoformat()}): format sel sebagai Tanggal (yyyy-mm-dd)"
            )
        return Converted(error=f"'{_number_text(v)}' bukan tanggal: tulis mis. 2020-08-27")
    s = str(v).strip()
    if not s:
        return Converted()
    m = _ISO_DATE.match(s)
    if m:
        try:
            return Converted(date(int(m[1]), int(m[2]), int(m[3])))
        except ValueError:
            return Converted(error=f"tanggal {show(s)} tidak ada di kalender")
    if s.isdigit() and 10_000 < int(s) < 100_000:
        d = _serial_date(int(s))
        return Converted(
            error=f"tanggal tertulis sebagai angka seri Excel {s} (= {d.isoformat()}), "
            "di sel berformat teks: format sel sebagai Tanggal, lalu ketik ulang tanggalnya"
        )
    hint = ""
    m = _DMY.match(s)
    if m:
        day, month, year = int(m[1]), int(m[2]), int(m[3])
        if year < 100:
            year += 2000
        try:
            hint = f" (maksudnya {date(year, month, day).isoformat()}?)"
        except ValueError:
            hint = ""
    elif any(w in s.lower() for w in _MONTHS):
        hint = ""
    else:
        return Converted(error=f"{show(s)} bukan tanggal: tulis mis. 2020-08-27")
    return Converted(
        error=f"tanggal {show(s)} ditulis sebagai teks{hint}: ketik ulang sebagai tanggal "
        "TAHUN-BULAN-HARI, mis. 2020-08-27, di sel berformat Tanggal"
    )
