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

from dataclasses import dataclass
from typing import Any

import yaml

from .declarations import RECORD, TEXTS, Field
from .yaml_nodes import LINE_BREAK, is_null, mapping_items, node_value
from .yaml_style import StyledFile

DELETE = object()  # a change that removes the key


@dataclass
class Edit:
    start: int  # first old line replaced (0-based)
    end: int  # line after the last one replaced; start == end inserts
    lines: list[str]
    origin: Any = None  # what asked for it (a sheet row), for messages about the new lines


class Document(StyledFile):
    """The data file's text with its node tree, and the edits asked of it."""

    def __init__(self, text: str, root: yaml.MappingNode):
        super().__init__(text, root)
        self.root = root
        self.edits: list[Edit] = []

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
        m = LINE_BREAK.search(line)
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
    m = LINE_BREAK.search(line)
    return line[: m.start()] if m else line


class FlowStyleRecord(Exception):
    """A record written as {a: b, ...} on one line: not edited in place."""

    def __init__(self, line: int):
        self.line = line


class OverlappingEdits(Exception):
    """Two edits touch the same line (a bug, or a record written in an unusual layout)."""
