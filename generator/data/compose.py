"""The data file's text -> a tree of values, composed a piece at a time behind the guards.

The file is hostile until read. Before libyaml sees it: characters that break front matter,
display or terminals are refused with their position; nesting deeper than the format needs and
YAML anchors/aliases are refused (libyaml's composer recurses: 50,000 `[` crash it; aliases
expand a small file into a huge tree). The `umkm` list is composed a few items at a time
(file_layout.py), so memory holds one slice of nodes, not the whole tree, and one UMKM block has a
size limit. A file laid out otherwise is composed whole, within MAX_WHOLE_BYTES.
"""

from __future__ import annotations

import gc
import re

import yaml

from . import declarations, file_layout
from .declarations import RECORDS, Field
from .diagnostics import DataError, Pos, Problem, number_id, show, unknown_key
from .file_layout import Layout
from .limits import (
    FORBIDDEN,
    MAX_DEPTH,
    MAX_HEAD_BYTES,
    MAX_ITEM_BYTES,
    MAX_WHOLE_BYTES,
    TOO_DEEP,
    char_problem,
)
from .reader import Reader, Rec, Seq
from .yaml_syntax import FAST_LOADER, first_syntax_problem


class _Syntax(Exception):
    """A piece did not compose: the whole text is examined again for the real first error."""


class _Refused(Exception):
    """A piece holds what must never be composed (aliases, deep nesting); it was reported."""


class ChunkedReader(Reader):
    """A reader that composes the file itself, a piece at a time, and reads the `umkm` list
    slice by slice."""

    def compose(self, text: str, line0: int) -> yaml.Node | None:
        """Compose one piece of the file (None: no document in it). Raises _Refused when it
        holds what must never be composed (reported), _Syntax when it is not valid YAML."""
        if _risky(text) and not self.structure(text, line0):
            raise _Refused
        try:
            return yaml.compose(text, Loader=FAST_LOADER)
        except yaml.YAMLError:
            raise _Syntax from None

    def structure(self, text: str, line0: int) -> bool:
        """Walk the parser's events (no tree, no recursion): refuse anchors, aliases and nesting
        deeper than MAX_DEPTH. False when the piece must not be composed."""
        depth, ok = 0, True
        start_events = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
        end_events = (yaml.SequenceEndEvent, yaml.MappingEndEvent)
        self.offset = line0
        try:
            for ev in yaml.parse(text, Loader=FAST_LOADER):
                if isinstance(ev, yaml.AliasEvent):
                    self.problem(
                        ev.start_mark,
                        "",
                        f"alias YAML {show('*' + ev.anchor, 40)} tidak dipakai di berkas "
                        "ini: tulis nilainya langsung di sini",
                    )
                    ok = False
                    continue
                if getattr(ev, "anchor", None):
                    self.problem(
                        ev.start_mark,
                        "",
                        f"anchor YAML {show('&' + ev.anchor, 40)} tidak dipakai di berkas "
                        "ini: hapus tanda & beserta namanya",
                    )
                    ok = False
                if isinstance(ev, start_events):
                    depth += 1
                    if depth > MAX_DEPTH:
                        self.problem(ev.start_mark, "", TOO_DEEP)
                        return False
                elif isinstance(ev, end_events):
                    depth -= 1
        except yaml.YAMLError:
            raise _Syntax from None
        finally:
            self.offset = 0
        return ok

    def read_chunks(self, f: Field, path: str) -> Seq:
        """The `umkm` list, composed and read a slice at a time."""
        self.consumed = True
        out = Seq()
        out.marks, out.mark, out.offset = [], Pos(0, 0), 0
        head, index = self.source, 0
        for chunk in self.chunks:
            if chunk.too_big:
                size = len(chunk.text.encode("utf-8", "surrogatepass")) / 1e6
                self.problem(
                    Pos(chunk.line0, chunk.text.index("-")),
                    f"{path}[{index}]",
                    f"blok UMKM ini terlalu besar ({size:.1f} MB; batas "
                    f"{MAX_ITEM_BYTES // 1_000_000} MB, satu UMKM biasanya di bawah 5 KB): "
                    "mungkin ada teks atau daftar yang tertempel tanpa sengaja",
                )
                index += 1
                continue
            try:
                node = self.compose(chunk.text, chunk.line0)
            except _Refused:
                node = None
            if node is not None:
                if not isinstance(node, yaml.SequenceNode):
                    raise _Syntax
                escapes = self.escapes
                self.offset, self.source = chunk.line0, chunk.text
                self.escapes = "\\" in chunk.text
                try:
                    self.items(node, f, path, index, out)
                finally:
                    self.offset, self.source, self.escapes = 0, head, escapes
            index += chunk.items
        return out


# Whether a piece might hold what the composer must not see; then its events are walked first.
# Nesting needs brackets, indentation or compact "- - -" indicators: below these bounds it stays
# far under what the composers survive (libyaml ~20,000 levels, Python's ~300).
_ANCHOR_HINT = re.compile(r"[&*][^\s\[\]{},]")
_COMPACT = re.compile(r"[-?][ \t]+[-?][ \t]+[-?][ \t]+[-?]")
_COMPACT_STARTS = ("- -", "- ?", "? -", "? ?", "-  ", "?  ", "-\t", "?\t")


def _risky(text: str) -> bool:
    """Cheap tests first (substring searches), a regular expression only when they hit."""
    return bool(
        text.count("[") + text.count("{") > 200
        or "\t" in text
        or " " * 48 in text
        or (("&" in text or "*" in text) and _ANCHOR_HINT.search(text))
        or (any(s in text for s in _COMPACT_STARTS) and _COMPACT.search(text))
    )


_PLAIN_ASCII = bytes(range(0x20, 0x7F)) + b"\t\n"


_MAX_CHAR_PROBLEMS = 10_000


def _scan_characters(text: str, r: ChunkedReader) -> None:
    # fast path: what is left after deleting printable ASCII is a few non-ASCII characters
    rest = text.encode("utf-8", "surrogatepass").translate(None, _PLAIN_ASCII)
    if not rest or not FORBIDDEN.search(rest.decode("utf-8", "surrogatepass")):
        return
    line, last, line_start, found = 0, 0, 0, 0
    for m in FORBIDDEN.finditer(text):
        at = m.start()
        newlines = text.count("\n", last, at)
        if newlines:  # (searched only since the last hit: a line of a million NULs is linear)
            line += newlines
            line_start = text.rfind("\n", last, at) + 1
        last = at
        found += 1
        if found > _MAX_CHAR_PROBLEMS:  # a binary file: count the rest, do not describe them
            more = sum(1 for _ in FORBIDDEN.finditer(text, at))
            r.problem(
                Pos(line, at - line_start),
                "",
                f"{number_id(more)} karakter terlarang lagi mulai di sini: berkas "
                "ini mungkin biner (bukan teks YAML). Periksa berkas yang dipilih.",
            )
            return
        r.problem(Pos(line, at - line_start), "", char_problem(m.group()))


def compose_whole(text: str, name: str, loader=None) -> yaml.Node:
    """The node tree of the whole `text` for an editor that needs every node's position (the
    importer), with the checker's guards first: forbidden characters, anchors and aliases, too
    deep a nesting, an oversized file, and syntax errors worded for the admin. Raises DataError."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n")
    r = ChunkedReader(lines)
    _scan_characters(lines, r)
    if not r.problems and _risky(lines):
        try:
            r.structure(lines, 0)
        except _Syntax:
            pass  # worded below
    if r.problems:
        raise r.problems.error(name)
    if len(text) > MAX_WHOLE_BYTES * 8:
        raise DataError(name, [_too_big(text, "berkas ini", MAX_WHOLE_BYTES * 8)])
    try:
        node = yaml.compose(text, Loader=loader or FAST_LOADER)
    except yaml.YAMLError:
        node = None
    if not isinstance(node, yaml.MappingNode):
        first = first_syntax_problem(lines) or Problem(
            1, 1, "isi berkas harus berupa pemetaan YAML (kunci: nilai)"
        )
        raise DataError(name, [first])
    return node


def read_tree(
    text: str,
    name: str,
    root: Field = declarations.ROOT,
    *,
    secret: bool = False,
    chunked: bool = True,
) -> tuple[Rec, ChunkedReader]:
    """Compose and read `text` per the declarations under `root`. Returns the values and the
    reader holding the problems found so far (the caller adds cross-field rules). Raises
    DataError when the file cannot be read as YAML at all."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # lines as the editor counts them
    r = ChunkedReader(text, secret)
    _scan_characters(text, r)
    if r.problems:
        raise r.problems.error(name)
    gc_was_enabled = gc.isenabled()
    gc.disable()  # the tree holds no cycles; the collector's passes cost more than the reading
    try:
        return _read(text, name, root, r, chunked)
    finally:
        if gc_was_enabled:
            gc.enable()


def _read(
    text: str, name: str, root: Field, r: ChunkedReader, chunked: bool
) -> tuple[Rec, ChunkedReader]:
    chunk_key = next((f.key for f in root.fields if f.kind == RECORDS), None)
    layout = file_layout.layout(text, chunk_key) if chunked and chunk_key else None
    if layout is not None:
        if len(text) - sum(len(c.text) for c in layout.chunks) > MAX_HEAD_BYTES:
            raise DataError(name, [_section_too_big(text, layout, root)])
        r.chunks, r.chunk_key, r.source = layout.chunks, chunk_key, layout.head
        try:
            node = r.compose(layout.head, 0)
            if node is not None:
                data = _root(node, root, r)
                if r.consumed:
                    return data, r
        except _Refused:
            raise r.problems.error(name) from None
        except _Syntax:
            pass
        r = ChunkedReader(text, r.secret > 0)  # the slices did not fit: start again, whole
    first = first_syntax_problem(text)
    if first:
        raise DataError(name, [first])
    if len(text) > MAX_WHOLE_BYTES:
        raise DataError(name, [_too_big(text, "berkas ini", MAX_WHOLE_BYTES, root)])
    try:
        node = r.compose(text, 0)
    except _Refused:
        raise r.problems.error(name) from None
    except _Syntax:  # pragma: no cover - the event walk above found no error
        raise DataError(name, [Problem(1, 1, "kesalahan susunan YAML")]) from None
    if node is None:
        raise DataError(name, [Problem(1, 1, "berkas kosong: belum ada data registri")])
    return _root(node, root, r), r


def _section_too_big(text: str, layout: Layout, root: Field) -> Problem:
    """The largest section of a head over MAX_HEAD_BYTES, named at its line (not composed)."""
    key, offset, size = max(
        (s for s in layout.sections if s[0] != "umkm"), key=lambda s: s[2], default=("", 0, 0)
    )
    known = [f.key for f in root.fields]
    unknown = "" if key in known else f"{unknown_key(key, known)}; "
    return Problem(
        text.count("\n", 0, offset) + 1,
        1,
        f"{key}: {unknown}bagian ini terlalu besar untuk dibaca ({size / 1e6:.1f} MB; semua "
        f"bagian selain umkm paling banyak {MAX_HEAD_BYTES // 10**6} MB): mungkin ada teks atau "
        "daftar yang tertempel tanpa sengaja",
    )


def _too_big(text: str, what: str, limit: int, root: Field = declarations.ROOT) -> Problem:
    size = len(text.encode("utf-8", "surrogatepass")) / 1e6
    if root is not declarations.ROOT:  # data/rahasia.yaml: a few lines per UMKM
        return Problem(
            1,
            1,
            f"{what} terlalu besar untuk dibaca ({size:.1f} MB; batas {limit // 10**6} MB): "
            "data rahasia satu registri jauh lebih kecil; mungkin ada teks atau daftar yang "
            "tertempel tanpa sengaja",
        )
    return Problem(
        1,
        1,
        f"{what} terlalu besar untuk dibaca dalam susunan ini ({size:.1f} MB; batas "
        f"{limit // 10**6} MB): tulis setiap bagian (registri:, sektor:, kecamatan:, lsp:, "
        "umkm:) di kolom pertama dan setiap UMKM sebagai butir '- id: ...' di bawah umkm:, "
        "seperti contoh",
    )


def _root(node: yaml.Node, root: Field, r: ChunkedReader) -> Rec:
    if not isinstance(node, yaml.MappingNode):
        r.problem(
            node.start_mark,
            "",
            "isi berkas harus berupa pemetaan dengan bagian "
            + ", ".join(f.key for f in root.fields),
        )
        return Rec()
    return r.mapping(node, root, "")
