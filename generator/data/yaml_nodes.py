"""Reading the data file as composed nodes, for editing it in place: the loader that keeps only
positions, the file's lines split where PyYAML counts them, and a node's value as load.py reads it.
"""

from __future__ import annotations

import re
from datetime import date

import yaml

from .declarations import DATE, RECORD, TEXT, TEXTS, Field

LINE_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")  # what PyYAML counts as a line break
_NULL_TAG = "tag:yaml.org,2002:null"
STR_TAG = "tag:yaml.org,2002:str"


class PositionLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Composes nodes for their positions only: every plain scalar is text except the empty
    value and the spellings of null (PyYAML's resolver tries a dozen regular expressions per
    scalar; this is a third of the time at 10,000 UMKM)."""

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode and implicit[0] and value in _NULLS:
            return _NULL_TAG
        return super().resolve(kind, value, implicit) if kind is not yaml.ScalarNode else STR_TAG


_NULLS = frozenset(("", "~", "null", "Null", "NULL"))


def compose(text: str) -> yaml.Node | None:
    """The node tree of `text` for editing (trusted text: a registry file goes through
    compose.compose_whole, which guards and words the errors)."""
    return yaml.compose(text, Loader=PositionLoader)


def split_lines(text: str) -> list[str]:
    """Lines with their line break, split exactly where PyYAML counts a new line."""
    lines, pos = [], 0
    for m in LINE_BREAK.finditer(text):
        lines.append(text[pos : m.end()])
        pos = m.end()
    if pos < len(text):
        lines.append(text[pos:])
    return lines


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
