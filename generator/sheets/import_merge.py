"""Planning the merge: the data file's UMKM and certificates by id, each sheet row turned into
field changes of its record or a new record, and those edits asked of the document (RAHASIA rows
are kept aside for data/rahasia.yaml).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

import yaml

from ..data import declarations, yaml_edit, yaml_nodes
from ..data.declarations import RECORD, RECORDS, Field
from .import_problems import Report
from .import_tables import Row, Table
from .layout import CERT_SHEET, SECRET_SHEET, UMKM_SHEET, Column

_UMKM_FIELD = next(f for f in declarations.ROOT.fields if f.key == "umkm")
_CERT_FIELD = next(f for f in declarations.UMKM if f.key == "sertifikat")


# -- the data file -----------------------------------------------------------------------------


@dataclass
class DataIndex:
    umkm: dict[str, yaml.MappingNode]
    cert: dict[str, tuple[str, yaml.MappingNode]]  # id -> (umkm id, node)
    umkm_line: list[tuple[int, str]]  # (first line, umkm id), for messages


def index_data(root: yaml.MappingNode) -> DataIndex:
    umkm: dict[str, yaml.MappingNode] = {}
    cert: dict[str, tuple[str, yaml.MappingNode]] = {}
    lines = []
    seq = yaml_nodes.mapping_items(root).get("umkm")
    if seq and isinstance(seq[1], yaml.SequenceNode):
        for item in seq[1].value:
            if not isinstance(item, yaml.MappingNode):
                continue
            items = yaml_nodes.mapping_items(item)
            uid = items.get("id", (None, None))[1]
            if not isinstance(uid, yaml.ScalarNode):
                continue
            u = uid.value.strip()
            umkm.setdefault(u, item)
            lines.append((item.start_mark.line, u))
            certs = items.get("sertifikat", (None, None))[1]
            if isinstance(certs, yaml.SequenceNode):
                for c in certs.value:
                    if isinstance(c, yaml.MappingNode):
                        cid = yaml_nodes.mapping_items(c).get("id", (None, None))[1]
                        if isinstance(cid, yaml.ScalarNode):
                            cert.setdefault(cid.value.strip(), (u, c))
    return DataIndex(umkm, cert, lines)


def _current(items: dict, col: Column):
    if col.parent:
        parent = items.get(col.parent)
        if parent is None or not isinstance(parent[1], yaml.MappingNode):
            return None
        items = yaml_nodes.mapping_items(parent[1])
    pair = items.get(col.key)
    return yaml_nodes.node_value(pair[1] if pair else None, col.field)


def _same(new, current, f: Field) -> bool:
    if new == current:
        return True
    return current is None and f.default is not None and new == f.default


def _changes(row: Row, node: yaml.MappingNode, table: Table, report: Report) -> dict:
    """key -> new value / DELETE (a block such as kontak: a dict of its changes)."""
    changes: dict = {}
    items = yaml_nodes.mapping_items(node)
    for name, col in table.columns.items():
        if col.is_id or name in row.bad or name not in row.values:
            continue
        new = row.values[name]
        current = _current(items, col)
        if _same(new, current, col.field):
            continue
        if new is None:
            if col.field.required:
                report.error(row.cell(name), f"{name} wajib diisi: sel ini tidak boleh dikosongkan")
                continue
            new = yaml_edit.DELETE
        elif isinstance(new, tuple):
            new = list(new)
        if col.parent:
            changes.setdefault(col.parent, {})[col.key] = new
        else:
            changes[col.key] = new
    return changes


def _new_record(row: Row, table: Table) -> dict:
    out: dict = {}
    for name, col in table.columns.items():
        v = row.values.get(name)
        if v is None or name == "umkm_id":
            continue
        if isinstance(v, tuple):
            v = list(v)
        if col.parent:
            out.setdefault(col.parent, {})[col.key] = v
        else:
            out[col.key] = v
    return out


def _missing_required(row: Row, table: Table, fields, report: Report, what: str) -> bool:
    missing = False
    for f in fields:
        if not f.required or f.kind in (RECORD, RECORDS) or f.key == "id":
            continue
        if f.key not in table.columns:
            report.error(
                row.cell("id"),
                f"{what} baru butuh kolom '{f.key}', tetapi kolom itu tidak ada di lembar "
                f"{table.title}",
            )
            missing = True
        elif row.values.get(f.key) is None and f.key not in row.bad:
            report.error(row.cell(f.key), f"{f.key} wajib diisi untuk {what} baru")
            missing = True
    return missing


# -- the merge ---------------------------------------------------------------------------------


@dataclass
class Plan:
    doc: yaml_edit.Document
    umkm_rows: dict[str, Row] = field(default_factory=dict)
    cert_rows: dict[str, Row] = field(default_factory=dict)
    new_umkm: list[str] = field(default_factory=list)
    new_cert: list[str] = field(default_factory=list)
    changed: list[tuple[Row, str, str]] = field(default_factory=list)  # row, record id, keys
    touched: set[int] = field(default_factory=set)  # id() of rows that add or change something
    secret_rows: dict[str, Row] = field(default_factory=dict)  # RAHASIA sheet, by UMKM id


def merge(doc: yaml_edit.Document, tables: list[Table], report: Report) -> Plan:
    idx = index_data(doc.root)
    plan = Plan(doc)
    by_sheet = {t.sheet: t for t in tables}
    umkm_t, cert_t = by_sheet.get(UMKM_SHEET), by_sheet.get(CERT_SHEET)
    new_umkm: dict[str, dict] = {}
    new_umkm_rows: dict[str, Row] = {}

    if umkm_t:
        sheet_ids = {r.values.get("id") for r in umkm_t.rows}
        by_name = {}
        for uid, node in idx.umkm.items():
            if uid not in sheet_ids:
                nama = yaml_nodes.node_value(
                    yaml_nodes.mapping_items(node).get("nama", (0, None))[1], declarations.UMKM[1]
                )
                by_name.setdefault(str(nama).casefold(), uid)
        for row in umkm_t.rows:
            uid = row.values.get("id")
            if not _row_id(row, umkm_t, plan.umkm_rows, report, "UMKM"):
                continue
            plan.umkm_rows[uid] = row
            node = idx.umkm.get(uid)
            if node is not None:
                ch = _changes(row, node, umkm_t, report)
                if ch:
                    _apply(doc, node, declarations.UMKM, ch, row, report)
                    plan.changed.append((row, uid, ", ".join(_flat_keys(ch))))
                    plan.touched.add(id(row))
                continue
            nama = str(row.values.get("nama") or "").casefold()
            if nama and nama in by_name:
                report.error(
                    row.cell("id"),
                    f"id '{uid}' belum ada, padahal UMKM bernama '{row.values['nama']}' sudah "
                    f"terdaftar dengan id '{by_name[nama]}' (tidak ada di lembar ini). id yang "
                    f"sudah terbit tidak boleh diubah: kembalikan id '{by_name[nama]}'",
                )
                continue
            if _missing_required(row, umkm_t, declarations.UMKM, report, "UMKM"):
                continue
            new_umkm[uid] = _new_record(row, umkm_t)
            new_umkm_rows[uid] = row
            plan.touched.add(id(row))

    new_certs_of: dict[str, list[tuple[dict, Row]]] = {}
    if cert_t:
        for row in cert_t.rows:
            cid = row.values.get("id")
            if not _row_id(row, cert_t, plan.cert_rows, report, "sertifikat"):
                continue
            plan.cert_rows[cid] = row
            owner = row.values.get("umkm_id")
            existing = idx.cert.get(cid)
            if existing is not None:
                current_owner, node = existing
                if owner and owner != current_owner and "umkm_id" not in row.bad:
                    report.error(
                        row.cell("umkm_id"),
                        f"sertifikat '{cid}' milik UMKM '{current_owner}'; memindahkan "
                        f"sertifikat lewat impor tidak didukung: kembalikan umkm_id ke "
                        f"'{current_owner}'",
                    )
                    continue
                ch = _changes(row, node, cert_t, report)
                if ch:
                    _apply(doc, node, declarations.CERTIFICATE, ch, row, report)
                    plan.changed.append((row, cid, ", ".join(_flat_keys(ch))))
                    plan.touched.add(id(row))
                continue
            if "umkm_id" not in cert_t.columns:
                report.error(
                    row.cell("id"),
                    f"sertifikat baru '{cid}' butuh kolom umkm_id (id UMKM pemiliknya), tetapi "
                    "kolom itu tidak ada",
                )
                continue
            if not owner:
                if "umkm_id" not in row.bad:
                    report.error(
                        row.cell("umkm_id"),
                        "umkm_id wajib diisi untuk sertifikat baru: id UMKM pemiliknya",
                    )
                continue
            if owner not in idx.umkm and owner not in new_umkm:
                if owner in new_umkm_rows or (umkm_t and owner in plan.umkm_rows):
                    continue  # its UMKM row has errors, reported there
                close = difflib.get_close_matches(owner, list(idx.umkm) + list(new_umkm), 1)
                hint = f"; mungkin maksud Anda '{close[0]}'?" if close else ""
                report.error(
                    row.cell("umkm_id"),
                    f"UMKM '{owner}' tidak ada di data maupun di lembar {UMKM_SHEET}{hint}",
                )
                continue
            if _missing_required(row, cert_t, declarations.CERTIFICATE, report, "sertifikat"):
                continue
            new_certs_of.setdefault(owner, []).append((_new_record(row, cert_t), row))
            plan.new_cert.append(cid)
            plan.touched.add(id(row))

    secret_t = by_sheet.get(SECRET_SHEET)
    if secret_t:
        for row in secret_t.rows:
            uid = row.values.get("umkm_id")
            if "umkm_id" in row.bad:
                continue
            if not uid:
                report.error(row.cell("umkm_id"), "umkm_id wajib diisi di lembar RAHASIA")
            elif uid in plan.secret_rows:
                report.error(
                    row.cell("umkm_id"),
                    f"umkm_id '{uid}' sudah ada di baris {plan.secret_rows[uid].number} lembar "
                    "ini: satu UMKM satu baris",
                )
            else:
                plan.secret_rows[uid] = row

    for owner, items in new_certs_of.items():
        if owner in new_umkm:
            new_umkm[owner]["sertifikat"] = [values for values, _ in items]
        else:
            doc.append_items(idx.umkm[owner], "sertifikat", _CERT_FIELD, declarations.UMKM, items)
    doc.append_items(
        doc.root,
        "umkm",
        _UMKM_FIELD,
        declarations.ROOT.fields,
        [(values, new_umkm_rows[uid]) for uid, values in new_umkm.items()],
    )
    plan.new_umkm = list(new_umkm)
    return plan


def _row_id(row: Row, table: Table, seen: dict[str, Row], report: Report, what: str) -> bool:
    uid = row.values.get("id")
    if "id" in row.bad:
        return False
    if not uid:
        report.error(
            row.cell("id"),
            f"id kosong: baris {what} baru perlu id baru (huruf kecil, angka, tanda -, "
            "mis. batik-melati)",
        )
        return False
    if uid in seen:
        report.error(
            row.cell("id"),
            f"id '{uid}' sudah ada di baris {seen[uid].number} lembar ini: satu id satu baris",
        )
        return False
    return True


def _apply(doc, node, fields, changes, row: Row, report: Report) -> None:
    try:
        doc.set_record(node, fields, changes, origin=row)
    except yaml_edit.FlowStyleRecord as e:
        report.error(
            row.cell("id"),
            f"blok ini ditulis dalam satu baris {{...}} di data (baris {e.line}): tulis ulang "
            "sebagai blok biasa agar bisa diubah lewat impor",
        )


def _flat_keys(changes: dict) -> list[str]:
    out = []
    for k, v in changes.items():
        if isinstance(v, dict):
            out += [f"{k}.{c}" for c in v]
        else:
            out.append(k)
    return out
