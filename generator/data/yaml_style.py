"""How the data file writes things, so that new text looks like the admin's: scalars quoted only
when they must be, the style learned from the file (indentation, list style, quoting of each key,
blank lines between blocks), and keys and records rendered in that style.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import yaml

from .declarations import DATE, RECORD, RECORDS, TEXT, TEXTS, Field
from .yaml_nodes import LINE_BREAK, STR_TAG, is_null, mapping_items, split_lines

_RESOLVER = yaml.resolver.Resolver()
# YAML 1.2 readers (editors, ruamel) read these plain scalars as numbers; YAML 1.1 ones may not.
_NUMBER_12 = re.compile(
    r"^[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?$"
    r"|^0o[0-7]+$|^0x[0-9a-fA-F]+$|^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$"
)
_PLAIN_FIRST_BAD = set("-?:,[]{}#&*!|>'\"%@`")
_FLOW_BAD = set(",[]{}")


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
    return _RESOLVER.resolve(yaml.ScalarNode, s, (True, False)) == STR_TAG


def single_quoted_ok(s: str) -> bool:
    return "\n" not in s and all(_printable(ch) for ch in s) and s == s.strip()


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


class StyledFile:
    """The data file's lines and the style they are written in: where a node ends, and new keys
    and records rendered as this file would write them."""

    def __init__(self, text: str, root: yaml.MappingNode):
        self.text = text
        self.lines = split_lines(text)
        first_break = LINE_BREAK.search(text)
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
