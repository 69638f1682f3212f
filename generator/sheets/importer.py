"""Workbook or CSV -> data/umkm.yaml: merge the rows, report every problem by its cell.

New UMKM and certificates are added, a changed cell changes its field, an emptied cell removes
an optional field, and a row missing from the sheet deletes nothing. Every problem of the sheet is
reported at once, as FILE:SHEET!CELL: message (a CSV: FILE:LINE:COL: message); on any error
nothing is written. The merged text is validated by the same checker as `check` before it is
written, so the result always passes `check`, and its problems are reported at the cells that
caused them. The file is edited in place (yaml_edit.py): an unchanged sheet changes no byte.

This module runs the steps: reading the sheets (import_tables.py), planning the merge
(import_merge.py), validating the result (import_check.py), reporting (import_problems.py) and
writing (import_write.py).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..data import compose, load, user_files, yaml_edit, yaml_nodes
from . import raw_cells
from .import_check import validate
from .import_merge import Plan, merge
from .import_problems import Report, format_issue, sort_key
from .import_tables import read_tables
from .import_write import DataChanged, copied_secrets, secret_changes, write_atomically


@dataclass
class Result:
    code: int
    lines: list[str]  # stdout
    notes: list[str]  # stderr


def run(
    source: Path,
    data: Path,
    *,
    dry_run: bool = False,
    fmt: str = "teks",
    secrets_path: Path | None = None,
) -> Result:
    """Import `source` into `data`; nothing is written unless every row is good."""
    source_name, data_name = str(source), str(data)
    out: list[str] = []
    notes: list[str] = []
    report = Report()

    def finish(code: int, tail: str) -> Result:
        said = [
            format_issue(i, source_name, data_name, fmt)
            for i in sorted(report.issues, key=sort_key)
        ]
        errors = len(report.errors)
        if errors:
            notes.append(f"\n{errors} masalah ditemukan di {source_name}. {tail}")
        return Result(code, said + out, notes)

    if source.suffix.lower() in (".yaml", ".yml") or (
        source.exists() and data.exists() and os.path.realpath(source) == os.path.realpath(data)
    ):
        report.error(None, "ini berkas data YAML; impor membaca buku kerja .xlsx atau .csv")
        return finish(1, "Data tidak diubah.")
    try:
        text = load.read_text(data)  # under user_files' rule: a device or FIFO is refused
        raw_bytes = user_files.read_bytes(data, user_files.DATA)
        root = _compose(text, data_name)
    except load.DataError as e:
        for line in e.lines():
            out.append(line)
        notes.append(
            f"\n{data_name} belum sah: perbaiki dulu (python -m generator check), lalu impor lagi."
        )
        return Result(1, out, notes)
    except user_files.UserFileError as e:
        out.append(f"{data_name}: {e}")
        return Result(1, out, notes)
    except OSError as e:
        out.append(f"{data_name}: berkas tidak bisa dibaca ({e.strerror or e})")
        return Result(1, out, notes)
    try:
        tables = read_tables(source, report)
    except raw_cells.ReadError as e:
        report.error(None, str(e))
        return finish(1, "Data tidak diubah.")
    doc = yaml_edit.Document(text, root)
    plan = merge(doc, tables, report)
    csv = any(t.csv for t in tables)
    try:
        new_text = doc.result()
    except yaml_edit.OverlappingEdits as e:
        report.error(None, f"perubahan bertumpuk di baris {e.args[0]}-{e.args[1]} data: {e}")
        return finish(1, "Data tidak diubah.")
    doc.root = None  # the node tree (~40% of the peak at 10,000 UMKM) is not needed any more
    del root
    registry = None
    if new_text != text or plan.secret_rows:
        registry = validate(plan, new_text, data_name, report, csv)
    secrets_out = None
    if registry is not None and plan.secret_rows:
        secrets_out = secret_changes(plan, registry, data, report)
    if registry is not None and not report.errors:
        copied_secrets(registry, data, secrets_out, report)
    if report.errors:
        return finish(1, f"{data_name} tidak diubah.")
    summary = _summary(plan, data_name)
    if secrets_out:
        summary.append(
            f"{secrets_out[0]}: data rahasia {secrets_out[2]} UMKM diubah (isinya tidak "
            "ditampilkan)."
        )
    if new_text == text and not secrets_out:
        notes.append(f"Tidak ada perubahan: {data_name} tidak diubah.")
        return finish(0, "")
    if dry_run:
        out.extend(summary)
        out.append("")
        out.extend(doc.diff(data_name))
        notes.append(f"Uji coba (--dry-run): {data_name} tidak diubah.")
        return finish(0, "")
    if new_text == text:
        return _write_secrets(secrets_out, report, out, summary, finish)
    bom = "\ufeff" if raw_bytes.startswith(b"\xef\xbb\xbf") else ""
    try:
        write_atomically(data, (bom + new_text).encode("utf-8"), raw_bytes)
    except DataChanged:
        report.error(
            None,
            f"{data_name} berubah selama impor berjalan (disunting di tempat lain?): "
            "jalankan impor lagi",
        )
        return finish(1, f"{data_name} tidak diubah.")
    except OSError as e:
        hint = "; tutup dulu berkas itu di editor lain" if isinstance(e, PermissionError) else ""
        report.error(None, f"{data_name} tidak bisa ditulis ({e.strerror or e}){hint}")
        return finish(1, f"{data_name} tidak diubah.")
    if secrets_out:
        return _write_secrets(secrets_out, report, out, summary, finish)
    out.extend(summary)
    return finish(0, "")


def _write_secrets(secrets_out, report: Report, out, summary, finish) -> Result:
    path, content, _n, old = secrets_out
    try:
        write_atomically(path, content.encode("utf-8"), old, private=True)
    except (DataChanged, OSError) as e:
        why = "berubah selama impor" if isinstance(e, DataChanged) else "tidak bisa ditulis"
        report.error(None, f"{path}: {why}; data rahasia tidak diubah, jalankan impor lagi")
        return finish(1, "")
    out.extend(summary)
    return finish(0, "")


def _compose(text: str, name: str) -> yaml.MappingNode:
    # the checker's guards (aliases, deep nesting, characters, syntax worded for the admin) come
    # before the editor's loader composes the whole file
    return compose.compose_whole(text, name, yaml_nodes.PositionLoader)


def _summary(plan: Plan, data_name: str) -> list[str]:
    lines = []
    if plan.new_umkm:
        lines.append(f"UMKM baru: {len(plan.new_umkm)} ({', '.join(plan.new_umkm[:10])}"
                     + (", ..." if len(plan.new_umkm) > 10 else "") + ")")  # fmt: skip
    if plan.new_cert:
        lines.append(f"Sertifikat baru: {len(plan.new_cert)} ({', '.join(plan.new_cert[:10])}"
                     + (", ..." if len(plan.new_cert) > 10 else "") + ")")  # fmt: skip
    for row, rid, keys in plan.changed[:200]:
        lines.append(f"Diubah: {row.sheet} {rid} (baris {row.number}): {keys}")
    if len(plan.changed) > 200:
        lines.append(f"... dan {len(plan.changed) - 200} baris lain diubah")
    n = len(plan.new_umkm) + len(plan.new_cert) + len(plan.changed)
    if n:
        lines.append(f"{data_name}: {n} perubahan.")
    return lines
