"""YAML -> model, reporting every problem with FILE:LINE:COL and the field path.

Only yaml.SafeLoader's composer is used: the file becomes a tree of nodes that keep their
position, and this module turns nodes into values itself, following the declarations of
model.py. So a `nomor: 0001` stays the text "0001", `pemilik: yes` stays "yes", and every
semantic problem (unknown sector, date order, duplicate id...) still knows its line.
"""

from __future__ import annotations

import difflib
import pickle
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from . import config, model, riwayat
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
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True, order=True)
class Problem:
    line: int
    col: int
    message: str

    def format(self, filename: str) -> str:
        if self.line <= 0:
            return f"{filename}: {self.message}"
        return f"{filename}:{self.line}:{self.col}: {self.message}"


class DataError(Exception):
    """The data file has problems; `problems` holds every one, sorted by line."""

    def __init__(self, filename: str, problems: list[Problem]):
        self.filename = filename
        self.problems = sorted(problems)
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        return [p.format(self.filename) for p in self.problems]


class _Rec(dict):
    """A mapping read from YAML, remembering where it and each of its values stand."""

    __slots__ = ("mark", "marks")  # a national registry holds ~10^6 of these at once
    mark: yaml.Mark
    marks: dict[str, yaml.Mark]


class _Seq(list):
    __slots__ = ("mark", "marks")
    mark: yaml.Mark
    marks: list[yaml.Mark]


def _suggest(word: str, options) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.7)
    return f"; mungkin maksud Anda {close[0]}?" if close else ""


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == _NULL_TAG


class _Reader:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        # one object per distinct text: sektor, kecamatan, lsp, skema, asesor, status... repeat
        # across 10^5 records (the registry's copy in load() keeps the sharing)
        self.texts: dict[str, str] = {}

    def problem(self, mark: yaml.Mark, path: str, message: str) -> None:
        where = f"{path}: " if path else ""
        self.problems.append(Problem(mark.line + 1, mark.column + 1, where + message))

    def value(self, node: yaml.Node, f: Field, path: str) -> Any:
        """Convert `node` per field `f`; None (with a problem recorded) when it does not fit."""
        kind = f.kind
        if kind in (TEXT, DATE, BOOL):
            if not isinstance(node, yaml.ScalarNode):
                self.problem(
                    node.start_mark,
                    path,
                    f"harus berupa {_KIND_WORDS[kind]}, bukan {_node_word(node)}",
                )
                return None
            return self.scalar(node, f, path)
        if kind in (TEXTS, RECORDS):
            if not isinstance(node, yaml.SequenceNode):
                hint = ""
                if kind == TEXTS and isinstance(node, yaml.ScalarNode):
                    hint = f" (tulis sebagai daftar, mis. [{node.value}])"
                self.problem(
                    node.start_mark,
                    path,
                    f"harus berupa {_KIND_WORDS[kind]}, bukan {_node_word(node)}{hint}",
                )
                return None
            out = _Seq()
            out.mark, out.marks = node.start_mark, []
            item_field = Field(f.key, TEXT if kind == TEXTS else RECORD, f.doc, fields=f.fields)
            for i, item in enumerate(node.value):
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
                    out.marks.append(item.start_mark)
            return out
        if kind in (RECORD, LABELS, NAMED):
            if not isinstance(node, yaml.MappingNode):
                self.problem(
                    node.start_mark,
                    path,
                    f"harus berupa {_KIND_WORDS[kind]}, bukan {_node_word(node)}",
                )
                return None
            return self.mapping(node, f, path)
        raise AssertionError(kind)

    def scalar(self, node: yaml.ScalarNode, f: Field, path: str) -> Any:
        text = node.value.strip()
        if f.kind == BOOL:
            if node.tag != _BOOL_TAG:
                self.problem(node.start_mark, path, f"harus true atau false, bukan '{text}'")
                return None
            return text.lower() in ("true", "yes", "on", "y")
        if f.kind == DATE:
            if not _DATE_RE.match(text):
                self.problem(
                    node.start_mark,
                    path,
                    f"tanggal '{text}' tidak sah: tulis sebagai TAHUN-BULAN-HARI, mis. 2020-08-27",
                )
                return None
            try:
                return date.fromisoformat(text)
            except ValueError:
                self.problem(node.start_mark, path, f"tanggal '{text}' tidak ada di kalender")
                return None
        text = self.texts.setdefault(text, text)
        if f.pattern and not re.match(f.pattern, text):
            self.problem(node.start_mark, path, f"'{text}' tidak sah: harus {f.pattern_hint}")
            return None
        if f.choices and text not in f.choices:
            choices = ", ".join(f.choices)
            self.problem(
                node.start_mark,
                path,
                f"'{text}' tidak dikenal: pilih salah satu "
                f"dari {choices}{_suggest(text, f.choices)}",
            )
            return None
        return text

    def mapping(self, node: yaml.MappingNode, f: Field, path: str) -> _Rec:
        out = _Rec()
        out.mark, out.marks = node.start_mark, {}
        key_lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.problem(key_node.start_mark, path, "kunci harus berupa teks")
                continue
            key = key_node.value
            key_path = f"{path}.{key}" if path else key
            if key in key_lines:
                self.problem(
                    key_node.start_mark,
                    key_path,
                    f"kunci '{key}' ditulis dua kali (pertama di baris {key_lines[key]})",
                )
                continue
            key_lines[key] = key_node.start_mark.line + 1
            out.marks[key] = value_node.start_mark
            if f.kind == RECORD:
                child = f.child(key)
                if child is None:
                    allowed = [c.key for c in f.fields]
                    self.problem(
                        key_node.start_mark,
                        key_path,
                        f"kunci tidak dikenal{_suggest(key, allowed)}"
                        + (
                            ""
                            if _suggest(key, allowed)
                            else f" (kunci yang boleh: {', '.join(allowed)})"
                        ),
                    )
                    continue
            else:  # LABELS / NAMED: the key is a code chosen by the admin
                if f.pattern and not re.match(f.pattern, key):
                    self.problem(
                        key_node.start_mark,
                        key_path,
                        f"kode '{key}' tidak sah: harus {f.pattern_hint}",
                    )
                    continue
                child = Field(
                    key, TEXT if f.kind == LABELS else RECORD, f.doc, required=True, fields=f.fields
                )
            if _is_null(value_node):
                if child.required:
                    self.problem(value_node.start_mark, key_path, "tidak boleh kosong")
                del out.marks[key]  # an empty optional key is the same as no key
                continue
            v = self.value(value_node, child, key_path)
            if v is None:
                continue
            if v == "" or (v == [] and child.kind != RECORDS) or v == {}:
                if child.required:
                    self.problem(value_node.start_mark, key_path, "tidak boleh kosong")
                del out.marks[key]  # an empty optional value is the same as no value
                continue
            out[key] = v
        if f.kind == RECORD:
            for child in f.fields:
                if child.required and child.key not in key_lines:
                    self.problem(
                        node.start_mark, path or "berkas", f"kunci wajib '{child.key}' belum diisi"
                    )
        return out


def _node_word(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "pemetaan (kunci: nilai)"
    if isinstance(node, yaml.SequenceNode):
        return "daftar (list)"
    return f"teks '{node.value}'"


def _id_of(node: yaml.MappingNode) -> str | None:
    for k, v in node.value:
        if isinstance(k, yaml.ScalarNode) and k.value == "id" and isinstance(v, yaml.ScalarNode):
            if re.match(model.SLUG_RE, v.value):
                return v.value
    return None


def _check_references(data: _Rec, r: _Reader) -> None:
    """Rules that span the file: references, uniqueness, dates and statuses."""
    sectors = data.get("sektor") or {}
    districts = data.get("kecamatan") or []
    lsps = data.get("lsp") or {}
    slugs: dict[str, str] = {}
    seen_names: dict[str, int] = {}
    if isinstance(districts, _Seq):
        for name, mark in zip(districts, districts.marks, strict=True):
            if name in seen_names:
                r.problem(
                    mark,
                    "kecamatan",
                    f"'{name}' ditulis dua kali (pertama di baris {seen_names[name]})",
                )
            seen_names.setdefault(name, mark.line + 1)
            slug = model.slugify(name)
            if not slug:
                r.problem(
                    mark,
                    "kecamatan",
                    f"'{name}' tidak menghasilkan alamat halaman: pakai huruf atau angka",
                )
            elif slug in slugs and slugs[slug] != name:
                r.problem(
                    mark,
                    "kecamatan",
                    f"'{name}' dan '{slugs[slug]}' menghasilkan "
                    f"alamat halaman yang sama (kecamatan/{slug}/)",
                )
            slugs.setdefault(slug, name)
    refs = {"sektor": sectors, "kecamatan": districts, "lsp": lsps}
    seen: dict[tuple[str, str], int] = {}

    def unique(scope: str, value: str, mark: yaml.Mark, path: str) -> None:
        key = (scope, value)
        if key in seen:
            r.problem(mark, path, f"{scope} '{value}' sudah dipakai di baris {seen[key]}")
        else:
            seen[key] = mark.line + 1

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
                    f"{f.key} '{value}' tidak ada di bagian '{f.ref}'{_suggest(value, options)}",
                )
            if f.unique:
                unique(f.unique, value, mark, fpath)

    # normalised number or id -> (cert id, line, text as written)
    lookup_keys: dict[str, tuple[str, int, str]] = {}

    def lookup_key(text: str, cid: str, mark: yaml.Mark, path: str) -> None:
        key = re.sub(r"[^0-9a-z]", "", text.casefold())
        other = lookup_keys.get(key)
        if other and other[0] != cid and other[2] != text:  # same text: a duplicate, said once
            r.problem(
                mark,
                path,
                f"'{text}' tidak bisa dibedakan dari sertifikat '{other[0]}' "
                f"(baris {other[1]}) saat dicari tanpa huruf besar, spasi atau tanda "
                "baca; buat nomor atau id yang berbeda",
            )
        elif not other:
            lookup_keys[key] = (cid, mark.line + 1, text)

    for u_index, u in enumerate(data.get("umkm") or []):
        upath = f"umkm[{u.get('id', u_index)}]"
        record_rules(u, model.UMKM, upath)
        if re.match(model.RESERVED_UMKM_ID, u.get("id", "")):
            r.problem(
                u.marks["id"],
                f"{upath}.id",
                f"id '{u['id']}' dipakai untuk halaman direktori; pilih id lain",
            )
        for c_index, c in enumerate(u.get("sertifikat") or []):
            cpath = f"{upath}.sertifikat[{c.get('id', c_index)}]"
            record_rules(c, model.CERTIFICATE, cpath)
            _certificate_rules(c, cpath, r)
            if "id" in c:
                lookup_key(c["id"], c["id"], c.marks["id"], f"{cpath}.id")
                if "nomor" in c:
                    lookup_key(c["nomor"], c["id"], c.marks["nomor"], f"{cpath}.nomor")


def _certificate_rules(c: _Rec, path: str, r: _Reader) -> None:
    order = [k for k in ("tanggal_uji", "tanggal_terbit", "berlaku_sampai") if k in c]
    for earlier, later in zip(order, order[1:], strict=False):
        if c[earlier] > c[later]:
            r.problem(
                c.marks[later],
                f"{path}.{later}",
                f"{later} ({c[later]}) lebih awal dari {earlier} ({c[earlier]})",
            )
    if "status" in c.marks and "status" not in c:
        return  # the status itself was rejected: its rules cannot be judged
    if c.get("riwayat"):
        for mark, rpath, message in riwayat.problems(c, path, config.build_date()):
            r.problem(mark, rpath, message)
    status = c.get("status", "aktif")
    if status in ("dibekukan", "dicabut"):
        for k in ("alasan_status", "tanggal_status"):
            if k not in c.marks:  # absent or empty; a rejected value was reported already
                r.problem(c.mark, f"{path}.{k}", f"wajib diisi karena status '{status}'")
        if "tanggal_status" in c and "tanggal_terbit" in c:
            if c["tanggal_status"] < c["tanggal_terbit"]:
                r.problem(
                    c.marks["tanggal_status"],
                    f"{path}.tanggal_status",
                    f"tanggal_status ({c['tanggal_status']}) lebih awal dari "
                    f"tanggal_terbit ({c['tanggal_terbit']})",
                )
    else:
        for k in ("alasan_status", "tanggal_status"):
            if k in c:
                r.problem(
                    c.marks[k], f"{path}.{k}", "hanya diisi bila status 'dibekukan' atau 'dicabut'"
                )


def _key_rules(data: _Rec, r: _Reader) -> None:
    """registri.kunci: real Ed25519 keys, dates in order, and one key still in use."""
    info = data.get("registri")
    keys = info.get("kunci") if isinstance(info, _Rec) else None
    if not keys:
        return
    from .signing.keys import decode_public

    seen: dict[tuple[str, str], int] = {}
    for i, k in enumerate(keys):
        path = f"registri.kunci[{k.get('id', i)}]"
        for key in ("id", "publik"):
            if key in k:
                first = seen.setdefault((key, k[key]), k.marks[key].line + 1)
                if first != k.marks[key].line + 1:
                    r.problem(
                        k.marks[key],
                        f"{path}.{key}",
                        f"{key} '{k[key]}' sudah dipakai di baris {first}",
                    )
        if "publik" in k:
            try:
                decode_public(k["publik"])
            except ValueError as e:
                r.problem(k.marks["publik"], f"{path}.publik", f"kunci publik tidak sah: {e}")
        if "berlaku_mulai" in k and "berlaku_sampai" in k:
            if k["berlaku_sampai"] < k["berlaku_mulai"]:
                r.problem(
                    k.marks["berlaku_sampai"],
                    f"{path}.berlaku_sampai",
                    f"berlaku_sampai ({k['berlaku_sampai']}) lebih awal dari berlaku_mulai "
                    f"({k['berlaku_mulai']})",
                )
    if all("berlaku_sampai" in k for k in keys):
        r.problem(
            keys.mark,
            "registri.kunci",
            "semua kunci sudah pensiun (berlaku_sampai terisi): tidak ada kunci untuk "
            "menandatangani. Buat kunci baru dengan 'python -m generator kunci baru'.",
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


# libyaml's composer is ~10x faster; the pure-Python one words errors the same everywhere, so
# a file that libyaml rejects is read again by it for the message.
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def compose(text: str, name: str) -> yaml.Node:
    try:
        try:
            node = yaml.compose(text, Loader=_FAST_LOADER)
        except yaml.YAMLError:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        what = e.problem or "susunan YAML tidak sah"
        ctx = f" ({e.context})" if e.context else ""
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise DataError(
            name,
            [
                Problem(
                    line,
                    col,
                    f"kesalahan susunan YAML: {what}{ctx}. "
                    "Periksa indentasi dan tanda ':' di sekitar baris ini.",
                )
            ],
        ) from None
    except yaml.reader.ReaderError as e:
        before = text[: e.position]
        line = before.count("\n") + 1
        col = e.position - (before.rfind("\n") + 1) + 1
        raise DataError(
            name,
            [
                Problem(
                    line,
                    col,
                    f"karakter tidak sah (kode {e.character!r}) di berkas: hapus karakter itu",
                )
            ],
        ) from None
    except yaml.YAMLError as e:
        first = str(e).splitlines()[0] if str(e) else "susunan YAML tidak sah"
        raise DataError(name, [Problem(1, 1, f"kesalahan susunan YAML: {first}")]) from None
    if node is None:
        raise DataError(name, [Problem(1, 1, "berkas kosong: belum ada data registri")])
    if not isinstance(node, yaml.MappingNode):
        raise DataError(
            name,
            [
                Problem(
                    node.start_mark.line + 1,
                    node.start_mark.column + 1,
                    "isi berkas harus berupa pemetaan dengan bagian "
                    "registri, sektor, kecamatan, lsp dan umkm",
                )
            ],
        )
    return node


def parse(text: str | bytes, name: str = "data/umkm.yaml") -> model.Registry:
    """Validate `text` (or its UTF-8 bytes) and return the registry; DataError lists every
    problem."""
    r = _Reader()
    try:
        node = _streamed_root(text)
        if node is None:  # empty, or not a mapping: compose() words the problem
            node = compose(_str(text), name)
        data = r.mapping(node, model.ROOT, "")
    except yaml.YAMLError as e:
        compose(_str(text), name)  # raises DataError with the parser's words for this file
        raise DataError(name, [Problem(1, 1, f"kesalahan susunan YAML: {e}")]) from None
    _check_references(data, r)
    _key_rules(data, r)
    if r.problems:
        raise DataError(name, r.problems)
    return _build(data)


# ---------------------------------------------------------------------------------------------
# The streamed composer. yaml.compose holds the node tree of the whole file (a node and two marks
# per scalar: ~3 GB at 100,000 UMKM, the peak of `check`). Here the root mapping's values are
# composed one at a time, and a block sequence under the root (`umkm:`) one item at a time: the
# reader turns each item into values before the next is composed, so only one UMKM's nodes are
# alive at once. The nodes are yaml's own (same tags, values and start marks as yaml.compose
# gives); a file yaml.compose rejects is left to compose() for the message.
# ---------------------------------------------------------------------------------------------


def _streamed_root(text: str | bytes) -> yaml.MappingNode | None:
    """The root mapping with lazily composed values; None when the document is empty, not a
    mapping, or has an anchor on the root (compose() handles those)."""
    events = _FAST_LOADER(text)
    events.get_event()  # StreamStart
    if not events.check_event(yaml.DocumentStartEvent):
        return None
    events.get_event()
    if not events.check_event(yaml.MappingStartEvent) or events.peek_event().anchor:
        return None
    return _Composer(events).root()


class _Composer:
    def __init__(self, events) -> None:
        self.events = events
        self.anchors: dict[str, yaml.Node] = {}

    def root(self) -> yaml.MappingNode:
        start = self.events.get_event()
        tag = self._tag(yaml.MappingNode, start, None)
        return yaml.MappingNode(tag, self._root_pairs(start), start.start_mark, None)

    def _root_pairs(self, start):
        ev = self.events
        while not ev.check_event(yaml.MappingEndEvent):
            key = self.node()
            if ev.check_event(yaml.SequenceStartEvent) and not ev.peek_event().anchor:
                seq = ev.get_event()
                tag = self._tag(yaml.SequenceNode, seq, None)
                value = yaml.SequenceNode(tag, self._items(), seq.start_mark, None)
                yield key, value
                for _ in value.value:  # what the reader skipped (a duplicate key...)
                    pass
            else:
                yield key, self.node()
        ev.get_event()  # MappingEnd
        ev.get_event()  # DocumentEnd
        if not ev.check_event(yaml.StreamEndEvent):
            raise yaml.composer.ComposerError(
                "expected a single document in the stream",
                start.start_mark,
                "but found another document",
                ev.get_event().start_mark,
            )

    def _items(self):
        ev = self.events
        while not ev.check_event(yaml.SequenceEndEvent):
            yield self.node()
        ev.get_event()

    def _tag(self, kind, event, value):
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.events.resolve(kind, value, event.implicit)
        return tag

    def node(self) -> yaml.Node:
        """One node and everything under it (yaml.composer.Composer.compose_node)."""
        ev = self.events
        if ev.check_event(yaml.AliasEvent):
            alias = ev.get_event()
            if alias.anchor not in self.anchors:
                raise yaml.composer.ComposerError(
                    None, None, f"found undefined alias {alias.anchor!r}", alias.start_mark
                )
            return self.anchors[alias.anchor]
        event = ev.get_event()
        if event.anchor is not None and event.anchor in self.anchors:
            raise yaml.composer.ComposerError(
                f"found duplicate anchor {event.anchor!r}; first occurrence",
                self.anchors[event.anchor].start_mark,
                "second occurrence",
                event.start_mark,
            )
        node: yaml.Node
        if isinstance(event, yaml.ScalarEvent):
            tag = self._tag(yaml.ScalarNode, event, event.value)
            node = yaml.ScalarNode(tag, event.value, event.start_mark, None, style=event.style)
        elif isinstance(event, yaml.SequenceStartEvent):
            tag = self._tag(yaml.SequenceNode, event, None)
            node = yaml.SequenceNode(tag, [], event.start_mark, None)
            if event.anchor is not None:
                self.anchors[event.anchor] = node
            while not ev.check_event(yaml.SequenceEndEvent):
                node.value.append(self.node())
            ev.get_event()
            return node
        else:
            tag = self._tag(yaml.MappingNode, event, None)
            node = yaml.MappingNode(tag, [], event.start_mark, None)
            if event.anchor is not None:
                self.anchors[event.anchor] = node
            while not ev.check_event(yaml.MappingEndEvent):
                key = self.node()
                node.value.append((key, self.node()))
            ev.get_event()
            return node
        if event.anchor is not None:
            self.anchors[event.anchor] = node
        return node


def _str(text: str | bytes) -> str:
    return text if isinstance(text, str) else text.decode("utf-8")


def load(path: str | Path) -> model.Registry:
    path = Path(path)
    # libyaml reads UTF-8: given a str it would hold a UTF-8 copy beside it (~2-3x the file)
    data = read_text(path).encode("utf-8")  # read_text checks it and words what is wrong
    registry = parse(data, str(path))
    del data
    # The YAML node tree leaves the registry's strings scattered over memory the allocator
    # cannot return; one copy made after the tree is freed gives back ~2.4 GB at 100,000 UMKM
    # (peak build memory 4.6 -> 3.1 GiB, measured), for ~0.06 ms per UMKM.
    blob = pickle.dumps(registry, protocol=pickle.HIGHEST_PROTOCOL)
    del registry
    return pickle.loads(blob)


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
