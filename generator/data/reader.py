"""YAML nodes -> values, following the declarations, each problem with its line and field path.

Only the YAML composer is used: the file becomes a tree of nodes that keep their position, and
this module turns nodes into values itself, following declarations.py. So a `nomor: 0001` stays
the text "0001", `pemilik: yes` stays "yes", and every value read remembers where it stands, for
the rules that span the file (file_rules.py).
"""

from __future__ import annotations

import functools
import re
from datetime import date
from typing import TYPE_CHECKING, Any

import yaml

from . import declarations, yaml_text
from .declarations import BOOL, DATE, INT, LABELS, NAMED, RECORD, RECORDS, TEXT, TEXTS, Field
from .diagnostics import Pos, Problem, Problems, ascii_digits, show, suggest, unknown_key
from .limits import FORBIDDEN, char_problem

if TYPE_CHECKING:
    from .file_layout import Chunk

_KIND_WORDS = {
    TEXT: "teks",
    DATE: "tanggal (YYYY-MM-DD)",
    BOOL: "true atau false",
    INT: "bilangan bulat",
    TEXTS: "daftar (list) teks",
    RECORD: "pemetaan kunci: nilai",
    RECORDS: "daftar (list) pemetaan",
    LABELS: "pemetaan kode: nama",
    NAMED: "pemetaan kode: data",
}
_NULL_TAG = "tag:yaml.org,2002:null"
_BOOL_TAG = "tag:yaml.org,2002:bool"
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

# a NIK is exactly 16 digits (maybe grouped): never in public data
_NIK_IN_PUBLIC = re.compile(r"(?<![0-9])[0-9](?:[ .-]?[0-9]){15}(?![0-9]|[ .-][0-9])")
_PLAIN_KEY = re.compile(r"[a-z0-9_-]{1,60}")


class Rec(dict):
    """A mapping read from YAML, remembering where it and each of its values stand (marks of
    the piece it was composed from: add `offset` for the line in the file)."""

    # a national registry holds ~10^6 of these at once
    __slots__ = ("mark", "marks", "key_marks", "secret_mark", "offset")
    mark: yaml.Mark
    marks: dict[str, yaml.Mark]
    key_marks: dict[str, yaml.Mark]  # LABELS / NAMED / secret records: where each key stands
    offset: int


class Seq(list):
    __slots__ = ("mark", "marks", "offset")
    mark: yaml.Mark
    marks: list[Pos]  # positions in the file (a list may span several pieces)
    offset: int


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


class Reader:
    """Reads nodes into values per their Field, recording every problem; the composing of the
    file, a piece at a time, is compose.ChunkedReader's."""

    def __init__(self, text: str, secret: bool = False) -> None:
        self.problems = Problems()
        self.offset = 0  # line of the piece being read, in the file
        self.source = text  # the piece being read (to place escapes exactly)
        self.escapes = "\\" in text  # forbidden characters can only come from "\x85"-escapes
        self.secret = 1 if secret else 0  # inside `rahasia`: values are never shown
        # the `umkm` list's slices: set, and read by read_chunks, in compose.ChunkedReader
        self.chunks: list[Chunk] | None = None
        self.chunk_key: str | None = None
        self.consumed = False
        # one object per distinct text: sektor, kecamatan, lsp, skema, asesor, status... repeat
        # across 10^5 records (the registry's copy in load() keeps the sharing)
        self.texts: dict[str, str] = {}

    # -- positions and messages -------------------------------------------------------------

    def problem(self, mark, path: str, message: str, offset: int | None = None) -> None:
        """Record a problem at `mark` (a yaml.Mark or Pos of the piece being read, or of a
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
        m = FORBIDDEN.search(node.value) if self.escapes and node.style == '"' else None
        if not m:
            return False
        self.problem(self.escape_pos(node, m.group()), path, char_problem(m.group()))
        return True

    def escape_pos(self, node: yaml.ScalarNode, ch: str) -> Pos:
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
        return Pos(line, col)

    # -- values ----------------------------------------------------------------------------

    def value(self, node: yaml.Node, f: Field, path: str) -> Any:
        """Convert `node` per field `f`; None (with a problem recorded) when it does not fit."""
        kind = f.kind
        if kind in (TEXT, DATE, BOOL, INT):
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
            out = Seq()
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

    def items(self, node: yaml.SequenceNode, f: Field, path: str, start: int, out: Seq) -> None:
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
                out.marks.append(Pos(item.start_mark.line + self.offset, item.start_mark.column))

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
        if f.kind == INT:
            low, high = f.bounds or (0, 10**6)
            if node.style or not re.fullmatch(r"[0-9]{1,7}", text) or not low <= int(text) <= high:
                self.problem(
                    here,
                    path,
                    f"harus bilangan bulat {low} sampai {high} (tanpa tanda kutip), "
                    f"bukan {show(text)}",
                )
                return None
            return int(text)
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
        if not self.secret and _NIK_IN_PUBLIC.search(ascii_digits(text)):
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
                f"dari {choices}{suggest(text, f.choices)}",
            )
            return None
        return text

    def mapping(self, node: yaml.MappingNode, f: Field, path: str) -> Rec:
        out = Rec()
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
                    self.problem(key_pos, key_path, unknown_key(key, [c.key for c in f.fields]))
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


def _id_of(node: yaml.MappingNode) -> str | None:
    for k, v in node.value:
        if isinstance(k, yaml.ScalarNode) and k.value == "id" and isinstance(v, yaml.ScalarNode):
            if re.fullmatch(declarations.SLUG_RE, v.value):
                return v.value
    return None
