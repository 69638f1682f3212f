"""Writing YAML values that no character can break (front matter, data/rahasia.yaml)."""

from __future__ import annotations

import re

_SIMPLE_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_RESOLVED_WORDS = {"true", "false", "yes", "no", "on", "off", "y", "n", "null"}
# A lone surrogate cannot be escaped in YAML (libyaml refuses \ud800): it becomes U+FFFD.
_SURROGATE = re.compile("[\ud800-\udfff]")


def quote(text: str, ascii_only: bool = True) -> str:
    """`text` as a YAML double-quoted scalar.

    With `ascii_only` (front matter) everything outside printable ASCII is written as an escape,
    so no character of the data (line breaks of any kind, controls, bidi marks, BOM...) reaches
    the parser raw. Without it, printable characters stay readable and only the rest is escaped.
    """
    out = ['"']
    for ch in _SURROGATE.sub("\ufffd", text):
        code = ord(ch)
        if ch == '"' or ch == "\\":
            out.append("\\" + ch)
        elif 0x20 <= code < 0x7F or (not ascii_only and code > 0x7F and ch.isprintable()):
            out.append(ch)
        elif code <= 0xFF:
            out.append(f"\\x{code:02x}")
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


def flow(value, ascii_only: bool = True) -> str:
    """A value (text, number, bool, list, dict) as YAML flow text, on one line."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return quote(value, ascii_only)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(flow(v, ascii_only) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key(k)}: {flow(v, ascii_only)}" for k, v in value.items()) + "}"
    raise TypeError(f"no YAML form for {type(value).__name__}")


def key(name: str) -> str:
    """A mapping key: plain when it is a simple word, quoted otherwise."""
    simple = _SIMPLE_KEY.fullmatch(name) and name.lower() not in _RESOLVED_WORDS
    return name if simple else quote(name)
