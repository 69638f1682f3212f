"""In-place edits of data/umkm.yaml that keep everything the admin wrote.

The file is never re-serialised. PyYAML's composer (libyaml when available) gives every node its
line and column; an edit replaces, inserts or deletes whole lines around exactly the value that
changes, and everything else (comments, blank lines, key order, quoting, flow or block lists,
CRLF line ends, a BOM) stays byte for byte. New keys, certificates and UMKM are written in the
style the file already uses (indentation, list style, quoting of each key, blank lines between
blocks), learned from the file itself. ruamel.yaml's round trip was measured and rejected:
see benchmarks/README.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import yaml

from .declarations import DATE, RECORD, RECORDS, TEXT, TEXTS, Field

DELETE = object()  # a change that removes the key

_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")  # what PyYAML counts as a line break
_NULL_TAG = "tag:yaml.org,2002:null"
_STR_TAG = "tag:yaml.org,2002:str"
_RESOLVER = yaml.resolver.Resolver()
# YAML 1.2 readers (editors, ruamel) read these plain scalars as numbers; YAML 1.1 ones may not.
_NUMBER_12 = re.compile(
    r"^[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?$"
    r"|^0o[0-7]+$|^0x[0-9a-fA-F]+$|^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$"
)
_PLAIN_FIRST_BAD = set("-?:,[]{}#&*!|>'\"%@`")
_FLOW_BAD = set(",[]{}")


class PositionLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Composes nodes for their positions only: every plain scalar is text except the empty
    value and the spellings of null (PyYAML's resolver tries a dozen regular expressions per
    scalar; this is a third of the time at 10,000 UMKM)."""

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode and implicit[0] and value in _NULLS:
            return _NULL_TAG
        return super().resolve(kind, value, implicit) if kind is not yaml.ScalarNode else _STR_TAG


_NULLS = frozenset(("", "~", "null", "Null", "NULL"))


def compose(text: str) -> yaml.Node | None:
    """The node tree of `text` for editing (trusted text: a registry file goes through
    compose.compose_whole, which guards and words the errors)."""
    return yaml.compose(text, Loader=PositionLoader)


def split_lines(text: str) -> list[str]:
    """Lines with their line break, split exactly where PyYAML counts a new line."""
    lines, pos = [], 0
    for m in _BREAK.finditer(text):
        lines.append(text[pos : m.end()])
        pos = m.end()
    if pos < len(text):
        lines.append(text[pos:])
    return lines


def _printable(ch: str) -> bool:
    o = ord(ch)
    return (
        ch in "\t\n"
        or 0x20 <= o <= 0x7E
        or 0xA0 <= o <= 0xD7FF
        or (0xE000 <= o <= 0xFFFD and o != 0xFEFF)
        or 0x10000 <= o <= 0x10FFFF
    )


def double_quoted(s: str) -> str:
    out = ['"']
    for ch in s:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif _printable(ch):
            out.append(ch)
        else:
            o = ord(ch)
            out.append(
                f"\\x{o:02x}" if o <= 0xFF else f"\\u{o:04x}" if o <= 0xFFFF else f"\\U{o:08x}"
            )
    out.append('"')
    return "".join(out)


def plain_ok(s: str, flow: bool = False) -> bool:
    """True when `s` written without quotes reads back as the same text in YAML 1.1 and 1.2."""
    if not s or s != s.strip() or s[0] in _PLAIN_FIRST_BAD:
        return False
    if ": " in s or " #" in s or s.endswith(":") or "\t" in s:
        return False
    if not all(_printable(ch) and ch != "\n" for ch in s):
        return False
    if flow and any(ch in _FLOW_BAD for ch in s):
        return False
    if _NUMBER_12.match(s) or s.lower() in ("true", "false", "null", "~"):
        return False
    return _RESOLVER.resolve(yaml.ScalarNode, s, (True, False)) == _STR_TAG


def single_quoted_ok(s: str) -> bool:
    return "\n" not in s and all(_printable(ch) for ch in s) and s == s.strip()


def is_null(node: yaml.Node | None) -> bool:
    return node is None or (isinstance(node, yaml.ScalarNode) and node.tag == _NULL_TAG)


def node_value(node: yaml.Node | None, f: Field):
    """The value of `node` as load.py reads it (None when empty or absent), for comparison."""
    if is_null(node):
        return None
    if f.kind in (TEXT, DATE):
        if not isinstance(node, yaml.ScalarNode):
            return _UNREADABLE
        text = node.value.strip()
        if not text:
            return None
        if f.kind == DATE:
            try:
                return date.fromisoformat(text)
            except ValueError:
                return _UNREADABLE
        return text
    if f.kind == TEXTS:
        if not isinstance(node, yaml.SequenceNode):
            return _UNREADABLE
        items = tuple(
            i.value.strip()
            for i in node.value
            if isinstance(i, yaml.ScalarNode) and not is_null(i) and i.value.strip()
        )
        return items or None
    if f.kind == RECORD:
        if not isinstance(node, yaml.MappingNode):
            return _UNREADABLE
        children = {k.value: v for k, v in node.value if isinstance(k, yaml.ScalarNode)}
        out = {}
        for c in f.fields:
            v = node_value(children.get(c.key), c)
            if v is not None:
                out[c.key] = v
        return out or None
    return _UNREADABLE


class _Unreadable:
    def __repr__(self) -> str:
        return "<unreadable>"


_UNREADABLE = _Unreadable()


def mapping_items(node: yaml.MappingNode) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    return {k.value: (k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)}


@dataclass
class Edit:
    start: int  # first old line replaced (0-based)
    end: int  # line after the last one replaced; start == end inserts
    lines: list[str]
    origin: Any = None  # what asked for it (a sheet row), for messages about the new lines


@dataclass
class Style:
    """How this file writes things, learned from the file (defaults: the sample's style)."""

    newline: str = "\n"
    map_indent: int = 2
    seq_offset: dict[str, int] = field(default_factory=dict)  # key -> dash column - key column
    flow_lists: dict[str, bool] = field(default_factory=dict)  # key -> written [a, b]
    quoting: dict[str, str | None] = field(default_factory=dict)  # key -> None, '"' or "'"
    blank_between: dict[str, bool] = field(default_factory=dict)  # umkm / sertifikat items

    def offset(self, key: str) -> int:
        return self.seq_offset.get(key, self.seq_offset.get("umkm", 2))


class Document:
    """The data file's text with its node tree, and the edits asked of it."""

    def __init__(self, text: str, root: yaml.MappingNode):
        self.text = text
        self.lines = split_lines(text)
        self.root = root
        self.edits: list[Edit] = []
        first_break = _BREAK.search(text)
        self.style = Style(newline=first_break.group() if first_break else "\n")
        self._learn(root)

    # -- reading positions ---------------------------------------------------------------------

    def last_line(self, node: yaml.Node) -> int:
        """The last line holding any part of `node` (comments after it excluded)."""
        if isinstance(node, yaml.ScalarNode):
            start, end = node.start_mark, node.end_mark
            if node.style in ("|", ">"):
                line = end.line - (1 if end.column == 0 else 0)
                while line > start.line and not self.lines[line].strip():
                    line -= 1
                return line
            if end.line > start.line and end.column == 0:
                return end.line - 1
            return end.line
        if node.flow_style or not node.value:
            return node.end_mark.line if node.flow_style else node.start_mark.line
        last = node.value[-1]
        return self.last_line(last[1] if isinstance(node, yaml.MappingNode) else last)

    def _dash_col(self, item: yaml.Node) -> int:
        line = self.lines[item.start_mark.line]
        dash = line.rfind("-", 0, item.start_mark.column)
        return dash if dash >= 0 else item.start_mark.column

    def _blank_before(self, prev: yaml.Node, item: yaml.Node) -> bool:
        lo, hi = self.last_line(prev) + 1, item.start_mark.line
        return any(not self.lines[i].strip() for i in range(lo, hi))

    # -- learning the style --------------------------------------------------------------------

    def _learn(self, root: yaml.MappingNode) -> None:
        st = self.style
        umkm = mapping_items(root).get("umkm")
        if umkm is None or not isinstance(umkm[1], yaml.SequenceNode):
            return
        self._learn_seq("umkm", umkm[0], umkm[1])
        for item in umkm[1].value[:50]:  # the first blocks say how the file is written
            if isinstance(item, yaml.MappingNode):
                self._learn_record(item)
        st.quoting.setdefault("nomor", '"')
        for k in ("telepon", "whatsapp", "nik", "lisensi"):
            st.quoting.setdefault(k, '"')

    def _learn_seq(self, key: str, key_node: yaml.Node, seq: yaml.SequenceNode) -> None:
        st = self.style
        if seq.flow_style:
            st.flow_lists.setdefault(key, True)
            return
        st.flow_lists.setdefault(key, False)
        if seq.value:
            st.seq_offset.setdefault(key, self._dash_col(seq.value[0]) - key_node.start_mark.column)
            if len(seq.value) > 1 and key not in st.blank_between:
                st.blank_between[key] = self._blank_before(seq.value[0], seq.value[1])

    def _learn_record(self, node: yaml.MappingNode) -> None:
        st = self.style
        for k, v in node.value:
            if not isinstance(k, yaml.ScalarNode):
                continue
            if isinstance(v, yaml.ScalarNode) and not is_null(v):
                st.quoting.setdefault(k.value, v.style if v.style in ('"', "'") else None)
            elif isinstance(v, yaml.SequenceNode):
                self._learn_seq(k.value, k, v)
                for item in v.value[:20]:
                    if isinstance(item, yaml.MappingNode):
                        self._learn_record(item)
            elif isinstance(v, yaml.MappingNode) and not v.flow_style and v.value:
                if "map_indent" not in st.quoting:  # learn once
                    st.map_indent = v.value[0][0].start_mark.column - k.start_mark.column
                    st.quoting["map_indent"] = None
                self._learn_record(v)

    # -- rendering -----------------------------------------------------------------------------

    def scalar(self, key: str, value, old: yaml.ScalarNode | None = None, flow=False) -> str:
        if isinstance(value, date):
            return value.isoformat()
        s = str(value)
        style = old.style if old is not None and not is_null(old) else self.style.quoting.get(key)
        if style == '"':
            return double_quoted(s)
        if style == "'" and single_quoted_ok(s):
            return "'" + s.replace("'", "''") + "'"
        return s if plain_ok(s, flow=flow) else double_quoted(s)

    def _flow_list(self, key: str, items) -> str:
        return "[" + ", ".join(self.scalar(key, i, flow=True) for i in items) + "]"

    def _flow_map(self, f: Field, values: dict) -> str:
        parts = [f"{c.key}: {self.scalar(c.key, values[c.key], flow=True)}" for c in f.fields
                 if c.key in values]  # fmt: skip
        return "{" + ", ".join(parts) + "}"

    def _wants_flow(self, key: str, items) -> bool:
        if key in self.style.flow_lists:
            return self.style.flow_lists[key]
        return sum(len(i) + 2 for i in items) < 60

    def render_key(self, f: Field, value, col: int) -> list[str]:
        """`key: value` at column `col`, as lines (a block value continues below)."""
        nl, pad = self.style.newline, " " * col
        if f.kind in (TEXT, DATE):
            return [f"{pad}{f.key}: {self.scalar(f.key, value)}{nl}"]
        if f.kind == TEXTS:
            if self._wants_flow(f.key, value):
                return [f"{pad}{f.key}: {self._flow_list(f.key, value)}{nl}"]
            dash = " " * (col + self.style.offset(f.key))
            return [f"{pad}{f.key}:{nl}"] + [f"{dash}- {self.scalar(f.key, i)}{nl}" for i in value]
        if f.kind == RECORD:
            out = [f"{pad}{f.key}:{nl}"]
            for c in f.fields:
                if c.key in value:
                    out += self.render_key(c, value[c.key], col + self.style.map_indent)
            return out
        if f.kind == RECORDS:
            out = [f"{pad}{f.key}:{nl}"]
            blank = self.style.blank_between.get(f.key, False)
            for i, item in enumerate(value):
                if i and blank:
                    out.append(nl)
                out += self.render_item(f.fields, item, col + self.style.offset(f.key))
            return out
        raise AssertionError(f.kind)

    def render_item(self, fields: tuple[Field, ...], values: dict, dash_col: int) -> list[str]:
        out: list[str] = []
        for f in fields:
            if f.key not in values:
                continue
            lines = self.render_key(f, values[f.key], dash_col + 2)
            if not out:
                lines[0] = " " * dash_col + "- " + lines[0][dash_col + 2 :]
            out += lines
        return out

    # -- edits ---------------------------------------------------------------------------------

    def _replace_value(self, key_node, value_node, rendered: str, origin) -> None:
        """Replace the value's characters, keeping what stands before and after it."""
        lines = self.lines
        sm = value_node.start_mark
        last = self.last_line(value_node)
        prefix = lines[sm.line][: sm.column]
        if is_null(value_node) and value_node.start_mark.index == value_node.end_mark.index:
            rest = lines[sm.line][sm.column :]
            self.edits.append(Edit(sm.line, sm.line + 1, [f"{prefix} {rendered}{rest}"], origin))
            return
        if isinstance(value_node, yaml.ScalarNode) and value_node.style in ("|", ">"):
            suffix = self._line_break(lines[last])
        else:
            em = value_node.end_mark
            suffix = lines[last][em.column :] if em.line == last else self._line_break(lines[last])
        self.edits.append(Edit(sm.line, last + 1, [prefix + rendered + suffix], origin))

    @staticmethod
    def _line_break(line: str) -> str:
        m = _BREAK.search(line)
        return m.group() if m else ""

    def _delete_key(self, key_node, value_node, f: Field, origin) -> None:
        line = self.lines[key_node.start_mark.line]
        if line[: key_node.start_mark.column].strip():  # `- key:` opens an item: keep the line
            empty = "[]" if f.kind == TEXTS else "{}" if f.kind == RECORD else '""'
            self._replace_value(key_node, value_node, empty, origin)
            return
        self.edits.append(
            Edit(key_node.start_mark.line, self.last_line(value_node) + 1, [], origin)
        )

    def set_record(
        self, node: yaml.MappingNode, fields: tuple[Field, ...], changes: dict, origin=None
    ) -> None:
        """Apply `changes` (key -> new value, DELETE, or for a block: a dict of changes)."""
        if node.flow_style:
            raise FlowStyleRecord(node.start_mark.line + 1)
        present = mapping_items(node)
        key_col = node.value[0][0].start_mark.column if node.value else node.start_mark.column
        pending: dict[int, list[str]] = {}  # anchor line -> new key lines
        order = [f for f in fields if f.key in changes]
        for f in order:
            new = changes[f.key]
            if f.key in present:
                kn, vn = present[f.key]
                if new is DELETE:
                    self._delete_key(kn, vn, f, origin)
                elif f.kind == RECORD:
                    self._set_block(f, kn, vn, new, origin)
                elif f.kind == TEXTS and isinstance(vn, yaml.SequenceNode) and not vn.flow_style:
                    self._replace_block_list(f, vn, new, origin)
                elif f.kind == TEXTS:
                    self._replace_value(kn, vn, self._flow_list(f.key, new), origin)
                else:
                    old = vn if isinstance(vn, yaml.ScalarNode) else None
                    self._replace_value(kn, vn, self.scalar(f.key, new, old), origin)
                continue
            if new is DELETE:
                continue
            if f.kind == RECORD:
                new = {k: v for k, v in new.items() if v is not DELETE}
                if not new:
                    continue
            anchor = self._anchor(node, fields, f, present)
            pending.setdefault(anchor, []).extend(self.render_key(f, new, key_col))
        for anchor, lines in pending.items():
            self.edits.append(Edit(anchor, anchor, lines, origin))

    def _anchor(self, node, fields, f: Field, present) -> int:
        """Where a new key goes: after the nearest key declared before it that is present."""
        declared = [g.key for g in fields]
        before = declared[: declared.index(f.key)]
        best = None
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value in before:
                best = self.last_line(v)  # the file's order wins when it differs from ours
        if best is None:
            best = self.last_line(node.value[0][1]) if node.value else node.start_mark.line
        return best + 1

    def _set_block(self, f: Field, key_node, value_node, changes: dict, origin) -> None:
        """Changes inside a one-level block such as `kontak`."""
        if isinstance(value_node, yaml.MappingNode) and not value_node.flow_style:
            remaining = {k for k in mapping_items(value_node)}
            gone = {k for k, v in changes.items() if v is DELETE}
            if remaining and remaining <= gone:  # every key removed: remove the block
                self._delete_key(key_node, value_node, f, origin)
                return
            self.set_record(value_node, f.fields, changes, origin)
            return
        current = node_value(value_node, f)
        merged = dict(current) if isinstance(current, dict) else {}
        for k, v in changes.items():
            if v is DELETE:
                merged.pop(k, None)
            else:
                merged[k] = v
        if not merged:
            self._delete_key(key_node, value_node, f, origin)
        else:
            self._replace_value(key_node, value_node, self._flow_map(f, merged), origin)

    def _replace_block_list(self, f: Field, seq: yaml.SequenceNode, items, origin) -> None:
        dash = self._dash_col(seq.value[0]) if seq.value else seq.start_mark.column
        nl = self.style.newline
        lines = [f"{' ' * dash}- {self.scalar(f.key, i)}{nl}" for i in items]
        self.edits.append(Edit(seq.start_mark.line, self.last_line(seq) + 1, lines, origin))

    def append_items(
        self,
        owner: yaml.MappingNode,
        key: str,
        f: Field,
        owner_fields: tuple[Field, ...],
        items: list[tuple[dict, Any]],
    ) -> None:
        """Add records (each with its origin) at the end of the list `owner[key]`."""
        if not items:
            return
        present = mapping_items(owner)
        nl = self.style.newline
        blank = self.style.blank_between.get(key, key == "umkm")
        if key in present and isinstance(present[key][1], yaml.SequenceNode):
            kn, seq = present[key]
            if seq.value and not seq.flow_style:
                dash = self._dash_col(seq.value[0])
                at = self.last_line(seq) + 1
                for values, origin in items:
                    lines = ([nl] if blank else []) + self.render_item(f.fields, values, dash)
                    self.edits.append(Edit(at, at, lines, origin))
                return
        key_col = owner.value[0][0].start_mark.column if owner.value else owner.start_mark.column
        dash = key_col + self.style.offset(key)
        block: list[str] = [f"{' ' * key_col}{key}:{nl}"]
        for i, (values, _origin) in enumerate(items):
            if i and blank:
                block.append(nl)
            block += self.render_item(f.fields, values, dash)
        origin = items[0][1]
        if key in present:  # `key: []`, `key:` or a flow list: rewrite it as a block
            kn, vn = present[key]
            self.edits.append(Edit(kn.start_mark.line, self.last_line(vn) + 1, block, origin))
        else:
            at = self._anchor(owner, owner_fields, f, present)
            self.edits.append(Edit(at, at, block, origin))

    # -- result --------------------------------------------------------------------------------

    def sorted_edits(self) -> list[Edit]:
        edits = sorted(self.edits, key=lambda e: (e.start, e.end))
        for a, b in zip(edits, edits[1:], strict=False):
            if b.start < a.end:
                raise OverlappingEdits(a.start + 1, b.start + 1)
        return edits

    def result(self) -> str:
        out: list[str] = []
        pos = 0
        for e in self.sorted_edits():
            out.extend(self.lines[pos : e.start])
            out.extend(e.lines)
            pos = max(pos, e.end)
        out.extend(self.lines[pos:])
        return "".join(out)

    def origin_of_new_line(self, new_line: int):
        """For a 0-based line of result(): ("old", old line) or ("edit", origin)."""
        shift = 0
        for e in self.sorted_edits():
            new_start = e.start + shift
            if new_line < new_start:
                break
            if new_line < new_start + len(e.lines):
                return ("edit", e.origin)
            shift += len(e.lines) - (e.end - e.start)
        return ("old", new_line - shift)

    def diff(self, name: str, context: int = 2) -> list[str]:
        """A unified diff of the edits (computed from them: no full-file comparison)."""
        edits = self.sorted_edits()
        if not edits:
            return []
        out = [f"--- {name}", f"+++ {name} (sesudah impor)"]
        groups: list[list[Edit]] = []
        for e in edits:
            if groups and e.start - groups[-1][-1].end <= 2 * context:
                groups[-1].append(e)
            else:
                groups.append([e])
        shift = 0
        for g in groups:
            lo = max(0, g[0].start - context)
            hi = min(len(self.lines), g[-1].end + context)
            body: list[str] = []
            pos = lo
            added = removed = 0
            for e in g:
                body += [" " + _strip_break(line) for line in self.lines[pos : e.start]]
                body += ["-" + _strip_break(line) for line in self.lines[e.start : e.end]]
                body += ["+" + _strip_break(line) for line in e.lines]
                removed += e.end - e.start
                added += len(e.lines)
                pos = e.end
            body += [" " + _strip_break(line) for line in self.lines[pos:hi]]
            old_len = hi - lo
            new_len = old_len - removed + added
            out.append(f"@@ -{lo + 1},{old_len} +{lo + 1 + shift},{new_len} @@")
            out += body
            shift += added - removed
        return out


def _strip_break(line: str) -> str:
    m = _BREAK.search(line)
    return line[: m.start()] if m else line


class FlowStyleRecord(Exception):
    """A record written as {a: b, ...} on one line: not edited in place."""

    def __init__(self, line: int):
        self.line = line


class OverlappingEdits(Exception):
    """Two edits touch the same line (a bug, or a record written in an unusual layout)."""
