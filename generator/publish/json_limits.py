"""JSON read with limits (for fetch.py and every JSON a user or server hands over): nesting
depth and number length bounded, no NaN/Infinity, every refusal a JsonError in Indonesian.
"""

from __future__ import annotations

import json
import re

MAX_DEPTH = 64
MAX_NUMBER_CHARS = 40


class JsonError(Exception):
    """The bytes are not JSON this program accepts; str(e) says why, in Indonesian."""


_BRACKETS = re.compile(rb'[\[\]{}"\\]')


def _too_deep(raw: bytes, limit: int) -> bool:
    """True when arrays/objects nest deeper than `limit` (brackets inside strings ignored).
    Stops at the first level past the limit, so a hostile document costs little."""
    depth, in_string, escaped = 0, False, False
    for m in _BRACKETS.finditer(raw):
        ch = m.group()
        if in_string:
            if escaped:
                escaped = False
                continue
            if ch == b"\\":
                # an escape only matters right before a quote or another backslash
                escaped = raw[m.end() : m.end() + 1] in (b'"', b"\\")
            elif ch == b'"':
                in_string = False
            continue
        if ch == b'"':
            in_string = True
        elif ch in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        elif ch in (b"]", b"}"):
            depth -= 1
    return False


def parse_json(raw: bytes, *, max_depth: int = MAX_DEPTH, max_number: int = MAX_NUMBER_CHARS):
    """JSON from bytes (UTF-8, BOM allowed) with limits: nesting at most `max_depth`, numbers of
    at most `max_number` characters, no NaN/Infinity. JsonError says what is wrong."""

    def number(kind):
        def convert(text: str):
            if len(text) > max_number:
                raise JsonError(f"memuat angka terlalu panjang ({len(text)} karakter).")
            return kind(text)

        return convert

    def constant(name: str):
        raise JsonError(f"memuat {name}, yang bukan JSON baku.")

    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise JsonError("bukan teks UTF-8 (mungkin berkas biner atau rusak).") from None
    if _too_deep(raw, max_depth):
        raise JsonError(f"bersarang lebih dari {max_depth} tingkat.")
    try:
        return json.loads(
            text, parse_int=number(int), parse_float=number(float), parse_constant=constant
        )
    except json.JSONDecodeError as e:
        raise JsonError(f"bukan JSON yang sah (baris {e.lineno}, kolom {e.colno}).") from None
    except RecursionError:  # pragma: no cover - _too_deep stops this first
        raise JsonError(f"bersarang lebih dari {max_depth} tingkat.") from None
