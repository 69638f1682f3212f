"""What no data file may hold, whatever its fields: sizes, nesting depth, and characters.

The file is hostile until read: these limits keep one file from taking the machine's memory or
crashing libyaml's recursive composer, and the characters refused anywhere are those that break
front matter, display or terminals (each told in plain words).
"""

from __future__ import annotations

import re

# -- limits ----------------------------------------------------------------------------------
MAX_DEPTH = 20  # the format nests 7 deep (umkm > item > sertifikat > item > unit > text)
MAX_ITEM_BYTES = 1_000_000  # one UMKM block; a real one is 1-2 KB
MAX_HEAD_BYTES = 4_000_000  # everything but the umkm list (registri, sektor, kecamatan, lsp)
MAX_WHOLE_BYTES = 16_000_000  # a file not in the usual layout is composed in one piece
MAX_NAME_CHARS = 80  # names that become file names (kecamatan)
CHUNK_BYTES = 16_000  # umkm items composed together (small slices keep the GC idle)

TOO_DEEP = (
    f"susunan bersarang lebih dari {MAX_DEPTH} tingkat (berkas data paling dalam 7 tingkat): "
    "periksa tanda [ { dan indentasi di sini"
)

# -- characters refused anywhere in the file ---------------------------------------------------
# (tab, LF and CR are white space: in a value they come from "\t", "\n", "\r" escapes, and every
# output escapes or folds them; a raw CR is read as a line end)
_BIDI = "\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
_INVISIBLE = "\u200b\u2060\ufeff\u180e\u2061-\u2064"
_NONCHARACTERS = "\ufdd0-\ufdef\ufffe\uffff"  # (astral ones are harmless, and slow a regex)
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff"
    + _NONCHARACTERS
    + _BIDI
    + _INVISIBLE
    + "]"
)
_BIDI_RE = re.compile(f"[{_BIDI}]")
_NONCHAR_RE = re.compile(f"[{_NONCHARACTERS}]")


def char_problem(ch: str) -> str:
    """Why `ch` is refused, in plain words."""
    code = ord(ch)
    name = f"U+{code:04X}"
    copied = " (sering terbawa saat menyalin teks dari WhatsApp, Word atau situs web)"
    if code < 0x20 or 0x7F <= code <= 0x9F:
        what, why = f"karakter kendali {name}", ": tidak tampil dan bisa merusak halaman"
    elif ch in "\u2028\u2029":
        what, why = f"pemisah baris Unicode {name}", ": pakai baris baru biasa"
    elif 0xD800 <= code <= 0xDFFF:
        what, why = f"surrogate tunggal {name}", ": bukan karakter Unicode yang sah"
    elif _NONCHAR_RE.match(ch):
        what, why = f"{name}", ": bukan karakter Unicode (noncharacter)"
    elif _BIDI_RE.match(ch):
        what = f"penanda arah teks tak terlihat {name}"
        why = ": membuat teks tampil dengan urutan lain dari isinya" + copied
    else:
        what, why = f"karakter tak terlihat {name}", copied
    return f"{what} tidak boleh ada di berkas data{why}. Hapus karakter ini."
