"""YAML -> model, reporting every problem with FILE:LINE:COL and the field path.

Only the YAML composer is used: the file becomes a tree of nodes that keep their position, and
this module turns nodes into values itself, following the declarations of model.py. So a
`nomor: 0001` stays the text "0001", `pemilik: yes` stays "yes", and every semantic problem
(unknown sector, date order, duplicate id...) still knows its line.

The file is hostile until read. Before libyaml sees it: characters that break front matter,
display or terminals are refused with their position; nesting deeper than the format needs and
YAML anchors/aliases are refused (libyaml's composer recurses: 50,000 `[` crash it; aliases
expand a small file into a huge tree). The `umkm` list is composed a few items at a time
(`_layout`), so memory holds one slice of nodes, not the whole tree, and one UMKM block has a size
limit. Problems are collected with a cap per cause, and every message is one line whatever the
data holds (values are shown `repr`-style, NIK-like numbers masked).
"""

from __future__ import annotations

import difflib
import functools
import gc
import pickle
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from . import config, history, model, yaml_text
from .model import BOOL, DATE, LABELS, NAMED, RECORD, RECORDS, TEXT, TEXTS, Field

_KIND_WORDS = {
    TEXT: "teks",
    DATE: "tanggal (YYYY-MM-DD)",
    BOOL: "true atau false",
    TEXTS: "daftar (list) teks",
    RECORD: "pemetaan kunci: nilai",
    RECORDS: "daftar (list) pemetaan",
    LABELS: "pemetaan kode: nama",
    NAMED: "pemetaan kode: data",
}
_NULL_TAG = "tag:yaml.org,2002:null"
_BOOL_TAG = "tag:yaml.org,2002:bool"
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

# -- limits ----------------------------------------------------------------------------------
MAX_DEPTH = 20  # the format nests 7 deep (umkm > item > sertifikat > item > unit > text)
MAX_ITEM_BYTES = 1_000_000  # one UMKM block; a real one is 1-2 KB
MAX_HEAD_BYTES = 4_000_000  # everything but the umkm list (registri, sektor, kecamatan, lsp)
MAX_WHOLE_BYTES = 16_000_000  # a file not in the usual layout is composed in one piece
MAX_NAME_CHARS = 80  # names that become file names (kecamatan)
SHOWN_PER_CAUSE = 20  # problems printed per cause; the rest are counted on one line
_KEPT_PER_CAUSE = SHOWN_PER_CAUSE + 1
_KEPT_TOTAL = 20_000
_CHUNK_BYTES = 16_000  # umkm items composed together (small slices keep the GC idle)

_TOO_DEEP = (
    f"susunan bersarang lebih dari {MAX_DEPTH} tingkat (berkas data paling dalam 7 tingkat): "
    "periksa tanda [ { dan indentasi di sini"
)

# -- characters refused anywhere in the file ---------------------------------------------------
# (tab, LF and CR are white space: in a value they come from "\t", "\n", "\r" escapes, and every
# output escapes or folds them; a raw CR is read as a line end)
_BIDI = "\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
_INVISIBLE = "\u200b\u2060\ufeff\u180e\u2061-\u2064"
_NONCHARACTERS = "\ufdd0-\ufdef\ufffe\uffff"  # (astral ones are harmless, and slow a regex)
_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff"
    + _NONCHARACTERS
    + _BIDI
    + _INVISIBLE
    + "]"
)
_BIDI_RE = re.compile(f"[{_BIDI}]")
_NONCHAR_RE = re.compile(f"[{_NONCHARACTERS}]")


def _char_problem(ch: str) -> str:
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


# -- one line per problem, whatever the data holds ---------------------------------------------
_NIK_LIKE = re.compile(r"(?<![0-9])[0-9](?:[ .-]?[0-9]){15,}(?![0-9])")


# a NIK is exactly 16 digits (maybe grouped): never in public data
_NIK_IN_PUBLIC = re.compile(r"(?<![0-9])[0-9](?:[ .-]?[0-9]){15}(?![0-9]|[ .-][0-9])")
_PLAIN_KEY = re.compile(r"[a-z0-9_-]{1,60}")


def mask_numbers(text: str) -> str:
    """Mask every NIK-like number (16 or more digits, maybe grouped): CI logs are public."""
    return _NIK_LIKE.sub("[nomor 16 angka disamarkan]", text)


def one_line(text: str) -> str:
    """`text` with every non-printable character escaped as in repr (line breaks included)."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def show(text: str, limit: int = 60) -> str:
    """A data value in a message: quoted and escaped like repr, cut when long."""
    if len(text) > limit:
        return f"{text[:limit]!r}... ({len(text)} karakter)"
    return repr(text)


def number_id(n: int) -> str:
    """4812 -> '4.812' (Indonesian thousands separator)."""
    return f"{n:,}".replace(",", ".")


class _Pos(NamedTuple):
    """Where a value stands: 0-based line and column (the names of yaml.Mark's fields)."""

    line: int
    column: int


@dataclass(frozen=True, order=True)
class Problem:
    line: int
    col: int
    message: str

    def format(self, filename: str) -> str:
        message = mask_numbers(self.message)
        if self.line <= 0:
            return one_line(f"{filename}: {message}")
        return one_line(f"{filename}:{self.line}:{self.col}: {message}")


_CAUSE_PARTS = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|\[[^\]]*\]|[0-9]+")


def _cause(message: str) -> str:
    """What problems of one kind share: the message without its values, indices and numbers."""
    return _CAUSE_PARTS.sub("#", message)


class _Problems:
    """Collected problems, at most a few of each cause (a pasted list of 100,000 wrong lines
    must not take gigabytes), with the count of every cause."""

    def __init__(self) -> None:
        self.kept: list[Problem] = []
        self.counts: Counter[str] = Counter()

    def add(self, p: Problem) -> None:
        cause = _cause(p.message)
        self.counts[cause] += 1
        if self.counts[cause] <= _KEPT_PER_CAUSE and len(self.kept) < _KEPT_TOTAL:
            self.kept.append(p)

    def __bool__(self) -> bool:
        return bool(self.counts)

    def error(self, filename: str) -> DataError:
        return DataError(filename, self.kept, self.counts)


class DataError(Exception):
    """The data file has problems; `problems` holds them (a few of each cause), sorted by line,
    and `total` how many there were."""

    def __init__(self, filename: str, problems: list[Problem], counts: Counter[str] | None = None):
        self.filename = filename
        self.problems = sorted(problems)
        # how many problems of each cause there were (the collector keeps only a few of each)
        self.counts = Counter(_cause(p.message) for p in self.problems)
        self.counts.update((counts or Counter()) - self.counts)
        self.total = sum(self.counts.values())
        super().__init__("\n".join(self.lines()))

    def entries(self) -> list[Problem]:
        """The problems to print: the first SHOWN_PER_CAUSE of each cause, then one line that
        counts the rest, at the place of the next one."""
        shown: Counter[str] = Counter()
        out = []
        for p in self.problems:
            cause = _cause(p.message)
            shown[cause] += 1
            if shown[cause] <= SHOWN_PER_CAUSE:
                out.append(p)
            elif shown[cause] == SHOWN_PER_CAUSE + 1:
                rest = self.counts[cause] - SHOWN_PER_CAUSE
                out.append(
                    Problem(
                        p.line,
                        p.col,
                        f"... dan {number_id(rest)} kesalahan serupa lagi; "
                        f"yang berikutnya di sini: {p.message}",
                    )
                )
        return out

    def lines(self) -> list[str]:
        return [p.format(self.filename) for p in self.entries()]


class _Rec(dict):
    """A mapping read from YAML, remembering where it and each of its values stand (marks of
    the piece it was composed from: add `offset` for the line in the file)."""

    # a national registry holds ~10^6 of these at once
    __slots__ = ("mark", "marks", "key_marks", "secret_mark", "offset")
    mark: yaml.Mark
    marks: dict[str, yaml.Mark]
    key_marks: dict[str, yaml.Mark]  # LABELS / NAMED / secret records: where each key stands
    offset: int


class _Seq(list):
    __slots__ = ("mark", "marks", "offset")
    mark: yaml.Mark
    marks: list[_Pos]  # positions in the file (a list may span several pieces)
    offset: int


def _suggest(word: str, options) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.7)
    return f"; mungkin maksud Anda {close[0]}?" if close else ""


def _unknown_key(key: str, allowed: list[str]) -> str:
    hint = _suggest(key, allowed)
    return "kunci tidak dikenal" + (hint or f" (kunci yang boleh: {', '.join(allowed)})")


@functools.lru_cache(maxsize=4096)
def _key_in_path(key: str) -> str:
    plain = key.isprintable() and 0 < len(key) <= 40 and not set(key) & set(".[]'\":")
    return key if plain else show(key, 40)


def _as_list(text: str) -> str:
    """How to write `text` as a one-item YAML list, for a hint."""
    if re.fullmatch(r"[\w][\w .-]*", text) and len(text) <= 60:
        return f"[{text}]"
    return f"[{yaml_text.quote(text[:60], ascii_only=False)}]"


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == _NULL_TAG


class _Syntax(Exception):
    """A piece did not compose: the whole text is examined again for the real first error."""


class _Refused(Exception):
    """A piece holds what must never be composed (aliases, deep nesting); it was reported."""


class _Chunk(NamedTuple):
    line0: int  # 0-based line of the piece's first line in the file
    text: str
    items: int
    too_big: bool


class _Layout(NamedTuple):
    head: str  # the file with the umkm list's lines left empty (line numbers unchanged)
    chunks: list[_Chunk]
    sections: list[tuple[str, int, int]]  # every top-level key: (key, offset, size)


class _Reader:
    def __init__(self, text: str, secret: bool = False) -> None:
        self.problems = _Problems()
        self.offset = 0  # line of the piece being read, in the file
        self.source = text  # the piece being read (to place escapes exactly)
        self.escapes = "\\" in text  # forbidden characters can only come from "\x85"-escapes
        self.secret = 1 if secret else 0  # inside `rahasia`: values are never shown
        self.chunks: list[_Chunk] | None = None
        self.chunk_key: str | None = None
        self.consumed = False
        # one object per distinct text: sektor, kecamatan, lsp, skema, asesor, status... repeat
        # across 10^5 records (the registry's copy in load() keeps the sharing)
        self.texts: dict[str, str] = {}

    # -- positions and messages -------------------------------------------------------------

    def problem(self, mark, path: str, message: str, offset: int | None = None) -> None:
        """Record a problem at `mark` (a yaml.Mark or _Pos of the piece being read, or of a
        record read earlier: then `offset` is that record's)."""
        line = mark.line + (self.offset if offset is None else offset)
        where = f"{path}: " if path else ""
        self.problems.add(Problem(line + 1, mark.column + 1, where + message))

    def show(self, text: str) -> str:
        return "(nilai rahasia, tidak ditampilkan)" if self.secret else show(text)

    def node_word(self, node: yaml.Node) -> str:
        if isinstance(node, yaml.MappingNode):
            return "pemetaan (kunci: nilai)"
        if isinstance(node, yaml.SequenceNode):
            return "daftar (list)"
        return f"teks {self.show(node.value)}"

    def bad_characters(self, node: yaml.ScalarNode, path: str) -> bool:
        """Refuse a value holding a forbidden character written as an escape ("\\u202e")."""
        m = _FORBIDDEN.search(node.value) if self.escapes and node.style == '"' else None
        if not m:
            return False
        self.problem(self.escape_pos(node, m.group()), path, _char_problem(m.group()))
        return True

    def escape_pos(self, node: yaml.ScalarNode, ch: str) -> _Pos:
        """Where the escape that wrote `ch` stands (else where the value starts)."""
        start, end = node.start_mark.index, node.end_mark.index
        raw = self.source[start:end]
        code = ord(ch)
        named = {0: "0", 7: "a", 8: "b", 9: "t", 10: "n", 11: "v", 12: "f", 13: "r"}
        named.update({27: "e", 0x85: "N", 0xA0: "_", 0x2028: "L", 0x2029: "P"})
        forms = [f"x{code:02x}", f"u{code:04x}", f"U{code:08x}"]
        if code in named:
            forms.append(named[code])
        pattern = "|".join(re.escape("\\" + f) for f in forms)
        m = re.search(pattern, raw, re.IGNORECASE if code not in named else 0)
        if not m:
            return node.start_mark
        before = raw[: m.start()]
        if "\n" in before:
            line = node.start_mark.line + before.count("\n")
            col = len(before) - before.rfind("\n") - 1
        else:
            line, col = node.start_mark.line, node.start_mark.column + len(before)
        return _Pos(line, col)

    # -- values ----------------------------------------------------------------------------

    def value(self, node: yaml.Node, f: Field, path: str) -> Any:
        """Convert `node` per field `f`; None (with a problem recorded) when it does not fit."""
        kind = f.kind
        if kind in (TEXT, DATE, BOOL):
            if not isinstance(node, yaml.ScalarNode):
                self.problem(
                    node.start_mark,
                    path,
                    f"harus berupa {_KIND_WORDS[kind]}, bukan {self.node_word(node)}",
                )
                return None
            return self.scalar(node, f, path)
        if kind in (TEXTS, RECORDS):
            if not isinstance(node, yaml.SequenceNode):
                hint = ""
                if kind == TEXTS and isinstance(node, yaml.ScalarNode) and not self.secret:
                    hint = f" (tulis sebagai daftar, mis. {_as_list(node.value.strip())})"
                self.problem(
                    node.start_mark,
                    path,
                    f"harus berupa {_KIND_WORDS[kind]}, bukan {self.node_word(node)}{hint}",
                )
                return None
            out = _Seq()
            out.mark, out.marks, out.offset = node.start_mark, [], self.offset
            self.items(node, f, path, 0, out)
            out.offset = 0  # item marks are kept as lines of the file
            return out
        if kind in (RECORD, LABELS, NAMED):
            if not isinstance(node, yaml.MappingNode):
                self.problem(
                    node.start_mark,
                    path,
                    f"harus berupa {_KIND_WORDS[kind]}, bukan {self.node_word(node)}",
                )
                return None
            return self.mapping(node, f, path)
        raise AssertionError(kind)

    def items(self, node: yaml.SequenceNode, f: Field, path: str, start: int, out: _Seq) -> None:
        """Read the items of a sequence into `out`; item numbers start at `start`."""
        kind = f.kind
        item_field = Field(f.key, TEXT if kind == TEXTS else RECORD, f.doc, fields=f.fields)
        for i, item in enumerate(node.value, start):
            item_path = f"{path}[{i}]"
            if _is_null(item) or (
                kind == TEXTS and isinstance(item, yaml.ScalarNode) and not item.value.strip()
            ):
                self.problem(
                    item.start_mark,
                    item_path,
                    "butir daftar kosong: isi atau hapus baris '-' ini",
                )
                continue
            if kind == RECORDS and isinstance(item, yaml.MappingNode):
                item_path = f"{path}[{_id_of(item) or i}]"
            v = self.value(item, item_field, item_path)
            if v is not None:
                out.append(v)
                out.marks.append(_Pos(item.start_mark.line + self.offset, item.start_mark.column))

    def scalar(self, node: yaml.ScalarNode, f: Field, path: str) -> Any:
        if self.bad_characters(node, path):
            return None
        text = node.value.strip()
        here = node.start_mark
        if f.kind == BOOL:
            # only a plain true/false: `!!bool maybe`, "true" in quotes, yes/no/on/off are not
            # what a YAML 1.2 editor (and the JSON Schema) read as a boolean
            if node.tag != _BOOL_TAG or node.style or text.lower() not in ("true", "false"):
                self.problem(
                    here, path, f"harus true atau false (tanpa tanda kutip), bukan {show(text)}"
                )
                return None
            return text.lower() == "true"
        if f.kind == DATE:
            if not _DATE_RE.fullmatch(text):
                if any(c.isdigit() and not c.isascii() for c in text):
                    self.problem(
                        here,
                        path,
                        f"tanggal {self.show(text)} memakai angka yang bukan angka biasa "
                        "(mis. angka lebar penuh ０１２ dari papan ketik Jepang/Tionghoa): "
                        "ketik ulang dengan angka 0-9, mis. 2020-08-27",
                    )
                else:
                    self.problem(
                        here,
                        path,
                        f"tanggal {self.show(text)} tidak sah: tulis sebagai "
                        "TAHUN-BULAN-HARI, mis. 2020-08-27",
                    )
                return None
            try:
                return date.fromisoformat(text)
            except ValueError:
                self.problem(here, path, f"tanggal {self.show(text)} tidak ada di kalender")
                return None
        text = self.texts.setdefault(text, text)
        if not self.secret and _NIK_IN_PUBLIC.search(text):
            self.problem(
                here,
                path,
                "nilai ini memuat 16 angka seperti NIK: data pribadi tidak boleh masuk data "
                "publik (situs, data terbuka, riwayat git). Hapus nomor itu; NIK pemilik "
                "ditulis di data/rahasia.yaml (kunci nik)",
            )
            return None
        if f.pattern and not re.fullmatch(f.pattern, text):
            self.problem(here, path, f"{self.show(text)} tidak sah: harus {f.pattern_hint}")
            return None
        if f.choices and text not in f.choices:
            choices = ", ".join(f.choices)
            self.problem(
                here,
                path,
                f"{self.show(text)} tidak dikenal: pilih salah satu "
                f"dari {choices}{_suggest(text, f.choices)}",
            )
            return None
        return text

    def mapping(self, node: yaml.MappingNode, f: Field, path: str) -> _Rec:
        out = _Rec()
        out.mark, out.marks, out.offset = node.start_mark, {}, self.offset
        if f.kind != RECORD or self.secret:
            out.key_marks = {}
        key_lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.problem(key_node.start_mark, path, "kunci harus berupa teks")
                continue
            key = key_node.value
            # in confidential data a key may be pasted text: only a key of the format's own
            # shape (a field name, a UMKM id) is shown
            shown = (
                _key_in_path(key)
                if not self.secret or _PLAIN_KEY.fullmatch(key)
                else "(kunci tidak ditampilkan)"
            )
            key_path = f"{path}.{shown}" if path else shown
            key_pos = key_node.start_mark
            if self.bad_characters(key_node, key_path):
                continue
            if key in key_lines:
                self.problem(
                    key_pos,
                    key_path,
                    f"kunci {show(key, 40)} ditulis dua kali (pertama di baris {key_lines[key]})",
                )
                continue
            key_lines[key] = key_pos.line + 1 + self.offset
            out.marks[key] = value_node.start_mark
            if f.kind == RECORD:
                child = f.child(key)
                if child is None:
                    self.problem(key_pos, key_path, _unknown_key(key, [c.key for c in f.fields]))
                    continue
            else:  # LABELS / NAMED: the key is a code chosen by the admin
                if f.pattern and not re.fullmatch(f.pattern, key):
                    self.problem(
                        key_pos, key_path, f"kode {show(key, 40)} tidak sah: harus {f.pattern_hint}"
                    )
                    continue
                child = Field(
                    key, TEXT if f.kind == LABELS else RECORD, f.doc, required=True, fields=f.fields
                )
            if hasattr(out, "key_marks"):
                out.key_marks[key] = key_pos
            if child.secret and not _is_null(value_node):
                out.secret_mark = key_pos
            if key == self.chunk_key and path == "" and self.chunks is not None:
                v = self.read_chunks(child, key_path)
            elif _is_null(value_node):
                if child.required:
                    self.problem(value_node.start_mark, key_path, "tidak boleh kosong")
                del out.marks[key]  # an empty optional key is the same as no key
                continue
            else:
                self.secret += child.secret
                try:
                    v = self.value(value_node, child, key_path)
                finally:
                    self.secret -= child.secret
            if v is None:
                continue
            if v == "" or (v == [] and child.kind != RECORDS) or v == {}:
                emptied = isinstance(value_node, yaml.CollectionNode) and value_node.value
                if child.required and not emptied:  # (emptied: its items were reported)
                    self.problem(value_node.start_mark, key_path, "tidak boleh kosong")
                del out.marks[key]  # an empty optional value is the same as no value
                continue
            out[key] = v
        if f.kind == RECORD:
            for child in f.fields:
                if child.required and child.key not in key_lines:
                    self.problem(
                        out.mark, path or "berkas", f"kunci wajib '{child.key}' belum diisi"
                    )
        return out

    # -- composing, a piece at a time --------------------------------------------------------

    def compose(self, text: str, line0: int) -> yaml.Node | None:
        """Compose one piece of the file (None: no document in it). Raises _Refused when it
        holds what must never be composed (reported), _Syntax when it is not valid YAML."""
        if _risky(text) and not self.structure(text, line0):
            raise _Refused
        try:
            return yaml.compose(text, Loader=_FAST_LOADER)
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
            for ev in yaml.parse(text, Loader=_FAST_LOADER):
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
                        self.problem(ev.start_mark, "", _TOO_DEEP)
                        return False
                elif isinstance(ev, end_events):
                    depth -= 1
        except yaml.YAMLError:
            raise _Syntax from None
        finally:
            self.offset = 0
        return ok

    def read_chunks(self, f: Field, path: str) -> _Seq:
        """The `umkm` list, composed and read a slice at a time."""
        self.consumed = True
        out = _Seq()
        out.marks, out.mark, out.offset = [], _Pos(0, 0), 0
        head, index = self.source, 0
        for chunk in self.chunks:
            if chunk.too_big:
                size = len(chunk.text.encode("utf-8", "surrogatepass")) / 1e6
                self.problem(
                    _Pos(chunk.line0, chunk.text.index("-")),
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


def _id_of(node: yaml.MappingNode) -> str | None:
    for k, v in node.value:
        if isinstance(k, yaml.ScalarNode) and k.value == "id" and isinstance(v, yaml.ScalarNode):
            if re.fullmatch(model.SLUG_RE, v.value):
                return v.value
    return None


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


# lines that start in column 1, but comments and items of a block list ("- x")
_COL0 = re.compile(r"^(?:[^ \t\n#-]|-[^ \t\n]).*", re.M)
_TOP_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*)[ \t]*:(?:[ \t]+(.*))?")
_FIRST_CONTENT = re.compile(r"^( *)([^ \t\n#])", re.M)


def _layout(text: str, chunk_key: str) -> _Layout | None:
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
    chunks: list[_Chunk] = []
    bounds = [*starts, len(body)]
    piece_start, n = starts[0], 0

    def cut(a: int, b: int, items: int, too_big: bool = False) -> None:
        nonlocal line
        piece = body[a:b]
        chunks.append(_Chunk(line, piece, items, too_big))
        line += piece.count("\n")

    for a, b in zip(bounds, bounds[1:], strict=False):
        if b - a > MAX_ITEM_BYTES:
            if n:
                cut(piece_start, a, n)
            cut(a, b, 1, too_big=True)
            piece_start, n = b, 0
            continue
        n += 1
        if b - piece_start >= _CHUNK_BYTES:
            cut(piece_start, b, n)
            piece_start, n = b, 0
    if n:
        cut(piece_start, len(body), n)
    head = text[:start] + "\n" * body.count("\n") + text[end:]
    bounds = [k[1] for k in keys] + [len(text)]
    sections = [(k[0], k[1], bounds[j + 1] - k[1]) for j, k in enumerate(keys)]
    return _Layout(head, chunks, sections)


# -- syntax errors, in the admin's words, at the line to fix -----------------------------------

_NO_SPACE_AFTER_COLON = re.compile(r"[ \t]*(?:-[ \t]+)?([A-Za-z_][A-Za-z0-9_-]*):(?=[^\s:/])")


def _line_of(text: str, index: int) -> tuple[int, str]:
    """(offset where the line holding `index` starts, that line)."""
    start = text.rfind("\n", 0, index) + 1
    end = text.find("\n", index)
    return start, text[start : end if end >= 0 else len(text)]


def _lines_before(text: str, index: int, n: int) -> list[tuple[int, int, str]]:
    """The line holding `index` and up to `n` content lines above it:
    [(line offset in text, 0-based line number, text)]."""
    out = []
    start, line = _line_of(text, index)
    number = text.count("\n", 0, start)
    while True:
        if line.strip() and not line.lstrip().startswith("#"):
            out.append((start, number, line))
            if len(out) > n:
                break
        if start == 0:
            break
        start, line = _line_of(text, start - 1)
        number -= 1
    return out


def _indent(line: str) -> int:
    """Column where a line's content starts (after a list item's '- ')."""
    m = re.match(r"[ ]*(?:-[ ]+)*", line)
    return m.end()


def syntax_problem(e: yaml.YAMLError, text: str) -> Problem:
    """The first YAML syntax error of `text`, in Indonesian, at the place the admin must act."""
    prefix = "kesalahan susunan YAML: "
    if not isinstance(e, yaml.MarkedYAMLError) or not (e.problem_mark or e.context_mark):
        return Problem(1, 1, prefix + "susunan YAML tidak sah")
    problem, context = e.problem or "", e.context or ""
    pm = e.problem_mark or e.context_mark
    cm = e.context_mark
    index = min(pm.index, len(text))
    at = text[index] if index < len(text) else ""

    def here(mark, message: str) -> Problem:
        return Problem(mark.line + 1, mark.column + 1, prefix + message)

    structural = (
        "could not find expected ':'",
        "mapping values are not allowed",
        "did not find expected key",
        "expected <block end>",
        "did not find expected '-' indicator",
    )
    if any(s in problem for s in structural):
        for _start, number, line in _lines_before(text, index, 3):
            m = _NO_SPACE_AFTER_COLON.match(line)
            if m:
                return Problem(
                    number + 1,
                    m.end() + 1,
                    prefix + f"setelah '{m.group(1)}:' harus ada spasi sebelum nilainya "
                    f"(tulis '{m.group(1)}: nilai')",
                )
    if at == "\t" or "tab" in problem:
        return here(
            pm,
            "ada karakter Tab di sini: YAML hanya menerima spasi untuk indentasi. Ganti Tab "
            "dengan spasi (VS Code: 'Convert Indentation to Spaces')",
        )
    if "quoted scalar" in context and ("end of stream" in problem or "document" in problem):
        quote = text[cm.index] if cm and cm.index < len(text) else '"'
        return here(
            cm or pm,
            f"tanda kutip {quote} dibuka di sini tetapi tidak ditutup: tambahkan {quote} "
            "di akhir nilai",
        )
    if "escape" in problem:  # point at the backslash that starts the escape
        line_start = text.rfind("\n", 0, index) + 1
        slash = text.rfind("\\", line_start, index + 1)
        if slash >= 0:
            pm = _Pos(pm.line, slash - line_start)
    if "escape" in problem and "Unicode" in problem:
        return here(pm, "kode \\u di sini bukan karakter Unicode yang sah: hapus kode ini")
    if "escape" in problem:
        return here(
            pm,
            "garis miring terbalik (\\) di dalam tanda kutip ganda memulai kode khusus: tulis "
            "\\\\ untuk satu garis miring, atau apit nilai dengan tanda kutip tunggal ('...')",
        )
    if "flow sequence" in context or "flow mapping" in context:
        close = "]" if "sequence" in context else "}"
        return here(
            cm or pm,
            f"tanda {text[cm.index] if cm else '['} yang dibuka di sini belum ditutup dengan "
            f"{close} (atau di dalamnya ada ':' tanpa tanda kutip)",
        )
    if "block scalar" in context:
        return here(pm, "sesudah tanda | atau > tidak boleh ada teks lain di baris yang sama")
    if "another document" in problem or "document" in context:
        return here(
            pm,
            "berkas hanya boleh berisi satu dokumen YAML: hapus baris '---' ini (dan isi "
            "sesudahnya bila itu salinan)",
        )
    if "cannot start any token" in problem and at in "@`%":
        return here(
            pm,
            f"nilai tidak boleh diawali {at}: apit seluruh nilai dengan tanda kutip, "
            f'mis. instagram: "{at}nama"',
        )
    if "cannot start any token" in problem:
        return here(pm, f"karakter {show(at)} tidak boleh ada di sini")
    line_start, line = _line_of(text, index)
    before = text[line_start:index].rstrip()
    if before.endswith(('"', "'")) and (
        "did not find expected key" in problem or "expected <block end>" in problem
    ):
        close = line_start + len(before) - 1
        opening = _opening_quote(text, close)
        if opening is not None and text.count("\n", opening, close):
            q = text[close]
            return Problem(
                text.count("\n", 0, opening) + 1,
                opening - (text.rfind("\n", 0, opening) + 1) + 1,
                prefix + f"tanda kutip {q} dibuka di sini tetapi tidak ditutup di baris ini "
                f"(baru tertutup di baris {text.count(chr(10), 0, close) + 1}): tambahkan {q} "
                "di akhir nilai",
            )
        return Problem(
            pm.line + 1,
            len(before),
            prefix + "ada teks sesudah tanda kutip penutup ini. Bila nilainya memuat tanda "
            'kutip, apit seluruh nilai dengan tanda kutip jenis lain, mis. pemilik: "Ma\'ruf"',
        )
    if "mapping values are not allowed" in problem:
        above = _lines_before(text, index, 1)
        indent = _indent(line)
        if len(above) > 1:
            prev = above[1][2]
            if indent > _indent(prev) and not prev.rstrip().endswith(":"):
                return Problem(
                    pm.line + 1,
                    indent + 1,
                    prefix + "baris ini menjorok lebih dalam daripada baris di atasnya: "
                    "samakan jumlah spasi di awal baris dengan kunci lain di blok ini",
                )
        return here(
            pm,
            "nilai berisi ': ' (titik dua lalu spasi): apit seluruh nilai dengan tanda kutip, "
            'mis. nama: "Batik: Satu"',
        )
    if any(s in problem for s in structural):
        indent = len(line) - len(line.lstrip(" "))
        block = f" (blok yang dimulai di baris {cm.line + 1})" if cm else ""
        return Problem(
            pm.line + 1,
            indent + 1,
            prefix + "indentasi baris ini tidak sejajar dengan baris lain di blok yang sama"
            f"{block}: setiap kunci dalam satu blok diawali jumlah spasi yang sama",
        )
    return here(pm, f"{problem or context}. Periksa indentasi dan tanda ':' di sekitar baris ini.")


def _opening_quote(text: str, close: int) -> int | None:
    """Where the quoted scalar that ends at `close` (its closing quote) was opened."""
    q = text[close]
    i = close - 1
    while i >= 0:
        if text[i] == q:
            if q == "'" and i > 0 and text[i - 1] == "'":
                i -= 2  # '' is a quote inside a single-quoted value
                continue
            if q == '"':
                slashes = i - len(text[:i].rstrip("\\"))
                if slashes % 2:
                    i -= 1
                    continue
            return i
        i -= 1
    return None


def _first_syntax_problem(text: str) -> Problem | None:
    """Walk the whole text's events (bounded memory, no recursion) for its first error: too
    deep a nesting, a second document, or a syntax error."""
    docs = depth = 0
    start_events = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
    end_events = (yaml.SequenceEndEvent, yaml.MappingEndEvent)
    try:
        for ev in yaml.parse(text, Loader=_FAST_LOADER):
            m = ev.start_mark
            if isinstance(ev, start_events):
                depth += 1
                if depth > MAX_DEPTH:
                    return Problem(m.line + 1, m.column + 1, _TOO_DEEP)
            elif isinstance(ev, end_events):
                depth -= 1
            elif isinstance(ev, yaml.DocumentStartEvent):
                docs += 1
                if docs > 1:
                    return Problem(
                        m.line + 1,
                        m.column + 1,
                        "kesalahan susunan YAML: berkas hanya boleh berisi satu dokumen YAML: "
                        "hapus baris '---' ini (dan isi sesudahnya bila itu salinan)",
                    )
    except yaml.YAMLError as e:
        return syntax_problem(e, text)
    return None


# -- reading files -----------------------------------------------------------------------------


def _key_rules(data: _Rec, r: _Reader) -> None:
    """registri.kunci: real Ed25519 keys, dates in order, and one key still in use."""
    info = data.get("registri")
    keys = info.get("kunci") if isinstance(info, _Rec) else None
    if not keys:
        return
    from ..signing.keys import decode_public

    seen: dict[tuple[str, str], int] = {}
    for i, k in enumerate(keys):
        path = f"registri.kunci[{k.get('id', i)}]"
        for key in ("id", "publik"):
            if key in k:
                line = k.marks[key].line + k.offset + 1
                first = seen.setdefault((key, k[key]), line)
                if first != line:
                    r.problem(
                        k.marks[key],
                        f"{path}.{key}",
                        f"{key} {show(k[key])} sudah dipakai di baris {first}",
                        offset=k.offset,
                    )
        if "publik" in k:
            try:
                decode_public(k["publik"])
            except ValueError as e:
                r.problem(
                    k.marks["publik"], f"{path}.publik", f"kunci publik tidak sah: {e}", k.offset
                )
        _in_order(k, "berlaku_mulai", "berlaku_sampai", path, r)
    if all("berlaku_sampai" in k for k in keys):
        r.problem(
            keys.mark,
            "registri.kunci",
            "semua kunci sudah pensiun (berlaku_sampai terisi): tidak ada kunci untuk "
            "menandatangani. Buat kunci baru dengan 'python -m generator kunci baru'.",
            offset=keys.offset,
        )


def read_text(path: Path) -> str:
    """The file's text, or DataError with one plain-words problem."""
    name = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataError(name, [Problem(0, 0, "berkas tidak ditemukan")]) from None
    except IsADirectoryError:
        raise DataError(name, [Problem(0, 0, "ini folder, bukan berkas")]) from None
    except OSError as e:
        raise DataError(name, [Problem(0, 0, f"berkas tidak bisa dibaca ({e.strerror})")]) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        before = raw[: e.start]
        line = before.count(b"\n") + 1
        line_start = before.rfind(b"\n") + 1
        col = len(raw[line_start : e.start].decode("utf-8", errors="replace")) + 1
        raise DataError(
            name,
            [
                Problem(
                    line,
                    col,
                    "berkas bukan teks UTF-8: ada byte yang "
                    "tidak bisa dibaca. Simpan ulang sebagai UTF-8.",
                )
            ],
        ) from None


# libyaml's composer is ~10x faster than the pure-Python one.
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


_PLAIN_ASCII = bytes(range(0x20, 0x7F)) + b"\t\n"


def _scan_characters(text: str, r: _Reader) -> None:
    # fast path: what is left after deleting printable ASCII is a few non-ASCII characters
    rest = text.encode("utf-8", "surrogatepass").translate(None, _PLAIN_ASCII)
    if not rest or not _FORBIDDEN.search(rest.decode("utf-8", "surrogatepass")):
        return
    line, last = 0, 0
    for m in _FORBIDDEN.finditer(text):
        line += text.count("\n", last, m.start())
        last = m.start()
        col = m.start() - (text.rfind("\n", 0, m.start()) + 1)
        r.problem(_Pos(line, col), "", _char_problem(m.group()))


def compose_whole(text: str, name: str, loader=None) -> yaml.Node:
    """The node tree of the whole `text` for an editor that needs every node's position (the
    importer), with the checker's guards first: forbidden characters, anchors and aliases, too
    deep a nesting, an oversized file, and syntax errors worded for the admin. Raises DataError."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n")
    r = _Reader(lines)
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
        node = yaml.compose(text, Loader=loader or _FAST_LOADER)
    except yaml.YAMLError:
        node = None
    if not isinstance(node, yaml.MappingNode):
        first = _first_syntax_problem(lines) or Problem(
            1, 1, "isi berkas harus berupa pemetaan YAML (kunci: nilai)"
        )
        raise DataError(name, [first])
    return node


def read_tree(
    text: str, name: str, root: Field = model.ROOT, *, secret: bool = False, chunked: bool = True
) -> tuple[_Rec, _Reader]:
    """Compose and read `text` per the declarations under `root`. Returns the values and the
    reader holding the problems found so far (the caller adds cross-field rules). Raises
    DataError when the file cannot be read as YAML at all."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # lines as the editor counts them
    r = _Reader(text, secret)
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


def _read(text: str, name: str, root: Field, r: _Reader, chunked: bool) -> tuple[_Rec, _Reader]:
    chunk_key = next((f.key for f in root.fields if f.kind == RECORDS), None)
    layout = _layout(text, chunk_key) if chunked and chunk_key else None
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
        r = _Reader(text, r.secret > 0)  # the slices did not fit: start again, whole
    first = _first_syntax_problem(text)
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


def _section_too_big(text: str, layout: _Layout, root: Field) -> Problem:
    """The largest section of a head over MAX_HEAD_BYTES, named at its line (not composed)."""
    key, offset, size = max(
        (s for s in layout.sections if s[0] != "umkm"), key=lambda s: s[2], default=("", 0, 0)
    )
    known = [f.key for f in root.fields]
    unknown = "" if key in known else f"{_unknown_key(key, known)}; "
    return Problem(
        text.count("\n", 0, offset) + 1,
        1,
        f"{key}: {unknown}bagian ini terlalu besar untuk dibaca ({size / 1e6:.1f} MB; semua "
        f"bagian selain umkm paling banyak {MAX_HEAD_BYTES // 10**6} MB): mungkin ada teks atau "
        "daftar yang tertempel tanpa sengaja",
    )


def _too_big(text: str, what: str, limit: int, root: Field = model.ROOT) -> Problem:
    size = len(text.encode("utf-8", "surrogatepass")) / 1e6
    if root is not model.ROOT:  # data/rahasia.yaml: a few lines per UMKM
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


def _root(node: yaml.Node, root: Field, r: _Reader) -> _Rec:
    if not isinstance(node, yaml.MappingNode):
        r.problem(
            node.start_mark,
            "",
            "isi berkas harus berupa pemetaan dengan bagian "
            + ", ".join(f.key for f in root.fields),
        )
        return _Rec()
    return r.mapping(node, root, "")


def parse(text: str, name: str = "data/umkm.yaml", *, chunked: bool = True) -> model.Registry:
    """Validate `text` and return the registry; DataError lists every problem."""
    if not has_content(text):
        raise DataError(name, [Problem(1, 1, "berkas kosong: belum ada data registri")])
    data, r = read_tree(text, name, chunked=chunked)
    _check_references(data, r, name)
    _key_rules(data, r)
    if r.problems:
        raise r.problems.error(name)
    return _build(data)


_CONTENT = re.compile(r"^[ \t]*[^ \t\r\n#]", re.M)


def has_content(text: str) -> bool:
    """Whether `text` holds anything but blank lines and comments."""
    return bool(_CONTENT.search(text))


def load(path: str | Path) -> model.Registry:
    path = Path(path)
    registry = parse(read_text(path), str(path))
    # The YAML nodes leave the registry's strings scattered over memory the allocator cannot
    # return; one copy made after they are freed gives the memory back (measured at 100k).
    blob = pickle.dumps(registry, protocol=pickle.HIGHEST_PROTOCOL)
    del registry
    return pickle.loads(blob)


# -- rules that span the file ------------------------------------------------------------------


def _check_references(data: _Rec, r: _Reader, name: str = "data/umkm.yaml") -> None:
    """Rules that span the file: references, uniqueness, dates and statuses."""
    sectors = data.get("sektor") or {}
    districts = data.get("kecamatan") or []
    lsps = data.get("lsp") or {}
    slugs: dict[str, str] = {}
    seen_names: dict[str, int] = {}
    if isinstance(districts, _Seq):
        for district, mark in zip(districts, districts.marks, strict=True):
            if district in seen_names:
                r.problem(
                    mark,
                    "kecamatan",
                    f"{show(district)} ditulis dua kali (pertama di baris {seen_names[district]})",
                )
            seen_names.setdefault(district, mark.line + 1)
            slug = model.slugify(district)
            if len(district) > MAX_NAME_CHARS or len(slug) > 63:
                r.problem(
                    mark,
                    "kecamatan",
                    f"nama kecamatan terlalu panjang ({len(district)} karakter, paling banyak "
                    f"{MAX_NAME_CHARS}): nama ini menjadi nama folder halaman kecamatan",
                )
            elif not slug:
                r.problem(
                    mark,
                    "kecamatan",
                    f"{show(district)} tidak menghasilkan alamat halaman: pakai huruf atau angka",
                )
            elif slug in slugs and slugs[slug] != district:
                r.problem(
                    mark,
                    "kecamatan",
                    f"{show(district)} dan {show(slugs[slug])} menghasilkan "
                    f"alamat halaman yang sama (kecamatan/{slug}/)",
                )
            slugs.setdefault(slug, district)
    refs = {"sektor": sectors, "kecamatan": districts, "lsp": lsps}
    seen: dict[tuple[str, str], int] = {}
    info = data.get("registri")
    # a real registry (contoh absent or false) keeps no secrets in this file; not judged while
    # `registri` or its `contoh` is itself wrong
    real = isinstance(info, _Rec) and info.get("contoh", False) is False
    real = real and not ("contoh" in info.marks and "contoh" not in info)

    def unique(scope: str, value: str, mark, offset: int, path: str) -> None:
        key = (scope, value)
        if key in seen:
            r.problem(
                mark, path, f"{scope} {show(value)} sudah dipakai di baris {seen[key]}", offset
            )
        else:
            seen[key] = mark.line + 1 + offset

    def record_rules(rec: _Rec, fields: tuple[Field, ...], path: str) -> None:
        for f in fields:
            if f.key not in rec:
                continue
            mark, value, fpath = rec.marks[f.key], rec[f.key], f"{path}.{f.key}"
            if f.ref and value not in refs[f.ref]:
                options = list(refs[f.ref])
                r.problem(
                    mark,
                    fpath,
                    f"{f.key} {show(value)} tidak ada di bagian '{f.ref}'"
                    + _suggest(value, options),
                    rec.offset,
                )
            if f.unique:
                unique(f.unique, value, mark, rec.offset, fpath)

    # normalised number or id -> (cert id, line, text as written)
    lookup_keys: dict[str, tuple[str, int, str]] = {}

    def lookup_key(text: str, cid: str, mark, offset: int, path: str) -> None:
        key = re.sub(r"[^0-9a-z]", "", text.casefold())
        other = lookup_keys.get(key)
        if other and other[0] != cid and other[2] != text:  # same text: a duplicate, said once
            r.problem(
                mark,
                path,
                f"{show(text)} tidak bisa dibedakan dari sertifikat '{other[0]}' "
                f"(baris {other[1]}) saat dicari tanpa huruf besar, spasi atau tanda "
                "baca; buat nomor atau id yang berbeda",
                offset,
            )
        elif not other:
            lookup_keys[key] = (cid, mark.line + 1 + offset, text)

    for u_index, u in enumerate(data.get("umkm") or []):
        upath = f"umkm[{u.get('id', u_index)}]"
        record_rules(u, model.UMKM, upath)
        if re.fullmatch(model.RESERVED_UMKM_ID, u.get("id", "")):
            r.problem(
                u.marks["id"],
                f"{upath}.id",
                f"id '{u['id']}' dipakai untuk halaman direktori; pilih id lain",
                u.offset,
            )
        if real and hasattr(u, "secret_mark"):
            r.problem(
                u.secret_mark,
                f"{upath}.rahasia",
                f"data rahasia tidak boleh ada di {name}: registri ini bukan data contoh "
                "(contoh: false) dan berkas ini terbit di repositori publik. Pindahkan isinya "
                "ke data/rahasia.yaml, yang tidak ikut di-commit (Panduan admin: Data rahasia)",
                u.offset,
            )
        for c_index, c in enumerate(u.get("sertifikat") or []):
            cpath = f"{upath}.sertifikat[{c.get('id', c_index)}]"
            record_rules(c, model.CERTIFICATE, cpath)
            _certificate_rules(c, cpath, r)
            if "id" in c:
                lookup_key(c["id"], c["id"], c.marks["id"], c.offset, f"{cpath}.id")
                if "nomor" in c:
                    lookup_key(c["nomor"], c["id"], c.marks["nomor"], c.offset, f"{cpath}.nomor")


def _in_order(rec: _Rec, earlier: str, later: str, path: str, r: _Reader) -> None:
    """When both dates are there, `later` may not come before `earlier` (told at `later`)."""
    if earlier in rec and later in rec and rec[later] < rec[earlier]:
        r.problem(
            rec.marks[later],
            f"{path}.{later}",
            f"{later} ({rec[later]}) lebih awal dari {earlier} ({rec[earlier]})",
            rec.offset,
        )


def _certificate_rules(c: _Rec, path: str, r: _Reader) -> None:
    order = [k for k in ("tanggal_uji", "tanggal_terbit", "berlaku_sampai") if k in c]
    for earlier, later in zip(order, order[1:], strict=False):
        _in_order(c, earlier, later, path, r)
    if "status" in c.marks and "status" not in c:
        return  # the status itself was rejected: its rules cannot be judged
    if c.get("riwayat"):
        for mark, rpath, message in history.problems(c, path, config.build_date()):
            r.problem(mark, rpath, message, c.offset)
    status = c.get("status", "aktif")
    if status in ("dibekukan", "dicabut"):
        for k in ("alasan_status", "tanggal_status"):
            if k not in c.marks:  # absent or empty; a rejected value was reported already
                r.problem(c.mark, f"{path}.{k}", f"wajib diisi karena status '{status}'", c.offset)
        _in_order(c, "tanggal_terbit", "tanggal_status", path, r)
    else:
        for k in ("alasan_status", "tanggal_status"):
            if k in c:
                r.problem(
                    c.marks[k],
                    f"{path}.{k}",
                    "hanya diisi bila status 'dibekukan' atau 'dicabut'",
                    c.offset,
                )


def _texts(v) -> tuple[str, ...]:
    return tuple(v or ())


def _build(d: dict) -> model.Registry:
    info = d["registri"]
    umkm = []
    secrets = {}
    for u in d["umkm"]:
        certs = tuple(
            model.Certificate(
                **{k: v for k, v in c.items() if k not in ("unit", "asesor", "riwayat")},
                unit=_texts(c.get("unit")),
                asesor=_texts(c.get("asesor")),
                riwayat=tuple(model.StatusEvent(**e) for e in c.get("riwayat", ())),
                umkm_id=u["id"],
            )
            for c in u.get("sertifikat", ())
        )
        public = {
            k: v for k, v in u.items() if k not in ("rahasia", "sertifikat", "kontak", "produk")
        }
        umkm.append(
            model.Umkm(
                **public,
                produk=_texts(u.get("produk")),
                kontak=model.Contact(**u.get("kontak", {})),
                sertifikat=certs,
            )
        )
        if "rahasia" in u:
            secrets[u["id"]] = model.Secret(**u["rahasia"])
    return model.Registry(
        registri=model.RegistryInfo(
            **{
                **info,
                "kontak": model.RegistryContact(**info.get("kontak", {})),
                "kunci": tuple(model.SigningKey(**k) for k in info.get("kunci", ())),
            }
        ),
        sektor=dict(d["sektor"]),
        kecamatan=tuple(d["kecamatan"]),
        lsp={k: model.Lsp(key=k, **v) for k, v in d["lsp"].items()},
        umkm=tuple(umkm),
        _secrets=secrets,
    )
