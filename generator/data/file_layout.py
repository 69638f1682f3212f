"""The usual layout of a data file, found without composing it.

Top-level keys stand in column 1 and `umkm:` is a block list: its items are cut into slices of
about CHUNK_BYTES that are composed one at a time, so memory holds one slice of nodes, not the
whole tree, and one UMKM block over MAX_ITEM_BYTES is told without being composed.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from .limits import CHUNK_BYTES, MAX_ITEM_BYTES


class Chunk(NamedTuple):
    line0: int  # 0-based line of the piece's first line in the file
    text: str
    items: int
    too_big: bool


class Layout(NamedTuple):
    head: str  # the file with the umkm list's lines left empty (line numbers unchanged)
    chunks: list[Chunk]
    sections: list[tuple[str, int, int]]  # every top-level key: (key, offset, size)


# lines that start in column 1, but comments and items of a block list ("- x")
_COL0 = re.compile(r"^(?:[^ \t\n#-]|-[^ \t\n]).*", re.M)
_TOP_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*)[ \t]*:(?:[ \t]+(.*))?")
_FIRST_CONTENT = re.compile(r"^( *)([^ \t\n#])", re.M)


def layout(text: str, chunk_key: str) -> Layout | None:
    """Split the usual layout (top-level keys in column 1, `umkm:` a block list) into a head
    and slices of the list; None when the file is laid out otherwise (composed whole)."""
    keys = []
    for m in _COL0.finditer(text):
        top = _TOP_KEY.fullmatch(m.group())
        if not top:
            return None
        keys.append((top.group(1), m.start(), m.end(), top.group(2)))
    found = [k for k in keys if k[0] == chunk_key]
    if len(found) != 1:
        return None
    i = keys.index(found[0])
    rest = found[0][3]
    if rest and not rest.lstrip().startswith("#"):
        return None  # `umkm: [...]` on one line
    start = found[0][2] + 1  # after the key line
    end = keys[i + 1][1] if i + 1 < len(keys) else len(text)
    if start >= end:
        return None
    body = text[start:end]
    first = _FIRST_CONTENT.search(body)
    if not first or first.group(2) != "-":
        return None
    ind = len(first.group(1))
    # every content line is an item start at `ind` or deeper than it; anything else (a line
    # less indented, a tab) is composed whole, where YAML itself judges it
    stray = re.compile(
        rf"^(?! {{{ind}}}-(?:[ \t]|$)| {{{ind + 1},}}[^ \t\n]|[ \t]*(?:#.*)?$)", re.M
    )
    if stray.search(body):
        return None
    starts = [m.start() for m in re.finditer(rf"^ {{{ind}}}-(?=[ \t]|$)", body, re.M)]
    if not starts:
        return None
    line = text.count("\n", 0, start) + body.count("\n", 0, starts[0])
    chunks: list[Chunk] = []
    bounds = [*starts, len(body)]
    piece_start, n = starts[0], 0

    def cut(a: int, b: int, items: int, too_big: bool = False) -> None:
        nonlocal line
        piece = body[a:b]
        chunks.append(Chunk(line, piece, items, too_big))
        line += piece.count("\n")

    for a, b in zip(bounds, bounds[1:], strict=False):
        if b - a > MAX_ITEM_BYTES:
            if n:
                cut(piece_start, a, n)
            cut(a, b, 1, too_big=True)
            piece_start, n = b, 0
            continue
        n += 1
        if b - piece_start >= CHUNK_BYTES:
            cut(piece_start, b, n)
            piece_start, n = b, 0
    if n:
        cut(piece_start, len(body), n)
    head = text[:start] + "\n" * body.count("\n") + text[end:]
    bounds = [k[1] for k in keys] + [len(text)]
    sections = [(k[0], k[1], bounds[j + 1] - k[1]) for j, k in enumerate(keys)]
    return Layout(head, chunks, sections)
