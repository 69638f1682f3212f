"""Workbook or CSV -> data/umkm.yaml: merge the rows, report every problem by its cell.

New UMKM and certificates are added, a changed cell changes its field, an emptied cell removes
an optional field, and a row missing from the sheet deletes nothing. Every problem of the sheet is
reported at once, as FILE:SHEET!CELL: message (a CSV: FILE:LINE:COL: message); on any error
nothing is written. The merged text is validated by the same checker as `check` before it is
written, so the result always passes `check`, and its problems are reported at the cells that
caused them. The file is edited in place (yaml_edit.py): an unchanged sheet changes no byte.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from openpyxl.utils import get_column_letter

from ..data import compose, declarations, diagnostics, load, model, yaml_edit
from ..data.declarations import RECORD, RECORDS, Field
from . import layout, read_sheet, sheet_values
from .layout import CERT_SHEET, SECRET_SHEET, UMKM_SHEET, Column

SHEET_ORDER = (UMKM_SHEET, CERT_SHEET, SECRET_SHEET)
_UMKM_FIELD = next(f for f in declarations.ROOT.fields if f.key == "umkm")
_CERT_FIELD = next(f for f in declarations.UMKM if f.key == "sertifikat")


# -- where a problem is ----------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Where:
    order: int  # sheet order, for sorting
    row: int
    col: int  # 1-based; 0 = the row as a whole
    sheet: str = ""  # the sheet's title as the workbook spells it ("" for a CSV)
    csv: bool = False

    def text(self) -> str:
        if self.csv:
            return f"{self.row}:{max(self.col, 1)}"
        return f"{self.sheet}!{get_column_letter(max(self.col, 1))}{self.row}"


@dataclass(frozen=True, order=True)
class Issue:
    where: Where | None  # None: a problem of the file as a whole
    message: str
    warning: bool = False
    data_line: tuple[int, int] | None = None  # a problem in the data file itself (line, col)


@dataclass
class Row:
    sheet: str  # UMKM / Sertifikat / RAHASIA
    number: int
    place: Where  # the row's first cell; other cells are made from it on demand
    cols: dict[str, int]  # column name -> column number (shared by the table's rows)
    values: dict[str, object] = field(default_factory=dict)  # name -> value (None: empty)
    bad: set[str] = field(default_factory=set)  # cells with an error of their own

    def cell(self, name: str | None) -> Where:
        col = self.cols.get(name or "") or self.cols.get("id")
        if col is None:
            return self.place
        p = self.place
        return Where(p.order, p.row, col, p.sheet, p.csv)


@dataclass
class Table:
    sheet: str
    title: str
    order: int
    csv: bool
    columns: dict[str, Column]  # present columns by name
    header: dict[str, Where]
    rows: list[Row]


class Report:
    def __init__(self) -> None:
        self.issues: list[Issue] = []

    def error(self, where: Where | None, message: str) -> None:
        self.issues.append(Issue(where, message))

    def warn(self, where: Where | None, message: str) -> None:
        self.issues.append(Issue(where, message, warning=True))

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if not i.warning]

    def has_error_at(self, where: Where) -> bool:
        return any(i.where == where and not i.warning for i in self.issues)


# -- reading the tables ------------------------------------------------------------------------


def _norm(header) -> str:
    return re.sub(r"\s+", "_", str(header).strip().lower())


def _is_header(value: str, name: str) -> bool:
    return value == name or (len(value) <= len(name) + 4 and _norm(value) == name)


_ALL_COLUMNS = {s: {c.name: c for c in layout.columns_of(s)} for s in SHEET_ORDER}


def _which_sheet(title: str) -> str | None:
    t = title.strip().lower()
    for s in SHEET_ORDER:
        if t == s.lower():
            return s
    return None


def _csv_sheet(raw: read_sheet.RawSheet) -> str | None:
    """A CSV holds one sheet: the one whose columns its header names."""
    if not raw.rows:
        return None
    names = {_norm(c.value) for c in raw.rows[0][1].values() if isinstance(c.value, str)}
    if "umkm_id" in names and names & {"nomor", "skema", "lsp", "pemegang"}:
        return CERT_SHEET
    if "umkm_id" in names and names & {"nik", "catatan"}:
        return SECRET_SHEET
    if names & set(_ALL_COLUMNS[UMKM_SHEET]):
        return UMKM_SHEET
    return None


def _header_row(raw, sheet: str, where, report: Report):
    """(row number, {col: header}) of the header, or None (reported)."""
    known = set(_ALL_COLUMNS[sheet]) | {c for s in SHEET_ORDER for c in _ALL_COLUMNS[s]}
    for i, (number, cells) in enumerate(raw.rows[:6]):
        names = [_norm(c.value) for c in cells.values() if c.type == "s"]
        if sum(1 for n in names if n in known) >= min(2, len(cells)):
            if i > 0:
                report.error(
                    where(raw.rows[0][0], 1),
                    f"judul kolom (id, nama, ...) harus di baris pertama lembar; ada di baris "
                    f"{number}: hapus baris di atasnya",
                )
                return None
            return number, cells
    report.error(
        where(raw.rows[0][0], 1),
        "baris pertama harus berisi judul kolom persis seperti kunci data "
        f"({', '.join(list(_ALL_COLUMNS[sheet])[:4])}, ...): ekspor ulang buku kerja untuk "
        "melihat contohnya",
    )
    return None


def read_tables(path: Path, report: Report) -> list[Table]:
    raws = read_sheet.read(path)
    tables: list[Table] = []
    if len(raws) == 1 and raws[0].csv:
        raw = raws[0]
        sheet = _csv_sheet(raw)
        if sheet is None:
            where = Where(0, 1, 1, csv=True)
            report.error(
                where,
                "judul kolom tidak dikenal: baris pertama CSV harus berisi judul kolom seperti "
                "di buku kerja ekspor (id;nama;pemilik;... untuk UMKM, id;umkm_id;nomor;... untuk "
                f"sertifikat); berkas {raw.note}",
            )
            return []
        t = _table(raw, sheet, 0, report)
        return [t] if t else []
    found = {}
    for raw in raws:
        sheet = _which_sheet(raw.title)
        if sheet and sheet not in found:
            found[sheet] = raw
    if UMKM_SHEET not in found and CERT_SHEET not in found:
        titles = ", ".join(r.title for r in raws) or "tidak ada"
        report.error(
            None,
            f"tidak ada lembar bernama {UMKM_SHEET} atau {CERT_SHEET} (lembar yang ada: {titles}): "
            "beri nama lembar persis UMKM dan Sertifikat, seperti buku kerja hasil ekspor",
        )
        return []
    if SECRET_SHEET in found and os.environ.get("GITHUB_ACTIONS") == "true":
        report.error(
            None,
            f"buku kerja ini berisi lembar {SECRET_SHEET} dan sudah diunggah ke GitHub: data "
            "rahasia tidak boleh ada di repositori publik. Hapus berkas ini beserta riwayatnya "
            "(atau minta bantuan pengelola repositori), lalu unggah buku kerja tanpa lembar "
            f"{SECRET_SHEET}",
        )
        return []
    for sheet in SHEET_ORDER:
        if sheet in found:
            t = _table(found[sheet], sheet, SHEET_ORDER.index(sheet), report)
            if t:
                tables.append(t)
    return tables


def _table(raw: read_sheet.RawSheet, sheet: str, order: int, report: Report) -> Table | None:
    def where(row: int, col: int) -> Where:
        return Where(order, row, col, raw.title if not raw.csv else "", raw.csv)

    if raw.too_long:
        report.error(
            where(raw.too_long, 1),
            f"terlalu banyak baris (lebih dari {read_sheet.MAX_ROWS:,}): pecah menjadi beberapa "
            "berkas".replace(",", "."),
        )
        return None
    if raw.too_wide:
        r, c = raw.too_wide
        report.error(
            where(r, c),
            f"ada isi di kolom ke-{c}: lembar ini paling banyak {read_sheet.MAX_COLUMNS} kolom; "
            "hapus kolom yang tidak dipakai",
        )
    if not raw.rows:
        return Table(sheet, raw.title, order, raw.csv, {}, {}, [])
    found = _header_row(raw, sheet, where, report)
    if found is None:
        return None
    header_number, header_cells = found
    columns: dict[int, Column] = {}
    header: dict[str, Where] = {}
    suggested: set[str] = set()  # columns an unknown header probably meant (said there)
    own = _ALL_COLUMNS[sheet]
    for col, cell in sorted(header_cells.items()):
        w = where(header_number, col)
        if cell.type == "f":
            report.error(w, "judul kolom berisi rumus: tulis nama kolomnya sebagai teks")
            continue
        text = str(cell.value).strip()
        name = _norm(cell.value)
        if name in own:
            if name in header:
                report.error(
                    w, f"kolom '{name}' ada dua kali (juga di {header[name].text()}): hapus satu"
                )
                continue
            if text != name:
                pass  # "Tanggal Terbit" is read as tanggal_terbit: nothing to say
            columns[col] = own[name]
            header[name] = w
            continue
        elsewhere = [s for s in SHEET_ORDER if s != sheet and name in _ALL_COLUMNS[s]]
        if elsewhere and not (raw.csv):
            report.error(
                w, f"kolom '{text}' milik lembar {elsewhere[0]}, bukan lembar {sheet}: pindahkan"
            )
            continue
        close = difflib.get_close_matches(name, list(own), n=1, cutoff=0.6)
        suggested.update(close)
        hint = (
            f"; mungkin maksud Anda '{close[0]}'? Judul kolom harus persis kunci data"
            if close
            else f": judul kolom harus persis kunci data ({', '.join(own)})"
        )
        report.error(w, f"kolom '{text}' tidak dikenal{hint}")
    key = "umkm_id" if sheet == SECRET_SHEET else "id"
    if key not in header:
        report.error(
            where(header_number, 1),
            f"kolom wajib '{key}' tidak ada di baris judul lembar {sheet}: tanpa {key} baris "
            "tidak bisa dicocokkan dengan data",
        )
        return None
    absent = [c for c in own if c not in header and c != "umkm_id" and c not in suggested]
    if absent:
        report.warn(
            where(header_number, 1),
            f"kolom {', '.join(absent)} tidak ada di lembar ini: isinya di data tidak diubah",
        )
    merged_cells: set[tuple[int, int]] = set()  # cells a merge covers: said once, at its corner
    for r1, c1, r2, c2 in raw.merged:
        rng = f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}"
        report.error(
            where(r1, c1),
            f"sel digabung (Merge) {rng}: pisahkan (Unmerge Cells) lalu isi setiap baris "
            "dengan nilainya sendiri",
        )
        if (r2 - r1 + 1) * (c2 - c1 + 1) <= 100_000:
            merged_cells.update((r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1))
    col_numbers = {column.name: col for col, column in columns.items()}
    rows: list[Row] = []
    unheaded: set[int] = set()
    previous = header_number
    header_width = max(header_cells)
    for number, cells in raw.rows:
        if number <= header_number:
            continue
        if number > previous + 1 and rows:
            gap = (
                f"baris {previous + 1}"
                if number == previous + 2
                else f"baris {previous + 1}-{number - 1}"
            )
            report.warn(
                where(previous + 1, 1),
                f"{gap} kosong di tengah data: dilewati (baris di bawahnya tetap dibaca)",
            )
        previous = number
        row = Row(sheet, number, where(number, min(cells)), col_numbers)
        same_as_header = sum(
            1
            for col, cell in cells.items()
            if col in columns and cell.type == "s" and _is_header(cell.value, columns[col].name)
        )
        if same_as_header >= max(2, len(cells) // 2):
            report.error(
                where(number, min(cells)),
                "baris judul kedua (isinya sama dengan judul kolom): hapus baris ini",
            )
            continue
        for col in cells:
            if col not in header_cells and col not in unheaded:
                unheaded.add(col)
                report.error(
                    where(number, col),
                    "sel berisi data tetapi kolomnya tidak berjudul: beri judul kolom "
                    "atau hapus isinya",
                )
        values = row.values
        for col, column in columns.items():
            if merged_cells and (number, col) in merged_cells:
                row.bad.add(column.name)
                continue
            out = sheet_values.convert(cells.get(col), column, hide=sheet == SECRET_SHEET)
            if out.error:
                report.error(where(number, col), out.error)
                row.bad.add(column.name)
                continue
            if out.warning:
                report.warn(where(number, col), out.warning)
            values[column.name] = out.value
        if raw.csv and raw.widths.get(number, header_width) < header_width:
            report.error(
                where(number, raw.widths[number] + 1),
                f"baris ini hanya berisi {raw.widths[number]} kolom, padahal judulnya "
                f"{header_width}: periksa tanda pemisah di baris ini",
            )
            continue
        if all(v is None for v in row.values.values()) and not row.bad:
            continue
        rows.append(row)
    return Table(sheet, raw.title, order, raw.csv, {c.name: c for c in columns.values()},
                 header, rows)  # fmt: skip


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
    seq = yaml_edit.mapping_items(root).get("umkm")
    if seq and isinstance(seq[1], yaml.SequenceNode):
        for item in seq[1].value:
            if not isinstance(item, yaml.MappingNode):
                continue
            items = yaml_edit.mapping_items(item)
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
                        cid = yaml_edit.mapping_items(c).get("id", (None, None))[1]
                        if isinstance(cid, yaml.ScalarNode):
                            cert.setdefault(cid.value.strip(), (u, c))
    return DataIndex(umkm, cert, lines)


def _current(items: dict, col: Column):
    if col.parent:
        parent = items.get(col.parent)
        if parent is None or not isinstance(parent[1], yaml.MappingNode):
            return None
        items = yaml_edit.mapping_items(parent[1])
    pair = items.get(col.key)
    return yaml_edit.node_value(pair[1] if pair else None, col.field)


def _same(new, current, f: Field) -> bool:
    if new == current:
        return True
    return current is None and f.default is not None and new == f.default


def _changes(row: Row, node: yaml.MappingNode, table: Table, report: Report) -> dict:
    """key -> new value / DELETE (a block such as kontak: a dict of its changes)."""
    changes: dict = {}
    items = yaml_edit.mapping_items(node)
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
                nama = yaml_edit.node_value(yaml_edit.mapping_items(node).get("nama", (0, None))[1],
                                            declarations.UMKM[1])  # fmt: skip
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


# -- validation of the result, mapped back to cells --------------------------------------------

_PATH = re.compile(
    r"^umkm\[(?P<u>[^\]]+)\](?:\.sertifikat\[(?P<c>[^\]]+)\])?"
    r"(?:\.(?P<f>[a-z_]+(?:\.[a-z_]+)?))?(?:\[\d+\])?: (?P<msg>.*)$",
    re.S,
)
_REQUIRED = re.compile(r"kunci wajib '([a-z_]+)'")
_LINE_REF = re.compile(r"baris (\d+)")


def validate(plan: Plan, new_text: str, data_name: str, report: Report, csv: bool):
    """The registry of the merged text, or None (its problems reported at their cells)."""
    try:
        return load.parse(new_text, data_name)
    except load.DataError as e:
        for p in e.problems:
            _map_problem(plan, p, report, data_name, csv)
    return None


def _describe_line(plan: Plan, line: int, data_name: str, csv: bool) -> str:
    kind, what = plan.doc.origin_of_new_line(line - 1)
    if kind == "edit" and isinstance(what, Row):
        return f"baris {what.number} CSV" if csv else f"sel {what.cell('id').text()}"
    return f"baris {what + 1} {data_name}"


def _map_problem(plan: Plan, p: load.Problem, report: Report, data_name: str, csv: bool) -> None:
    """Put a problem of the merged file on the cell that caused it."""
    origin = plan.doc.origin_of_new_line
    m = _PATH.match(p.message)
    name = m["f"] if m else None
    text = m["msg"] if m else p.message
    if m and not name:
        req = _REQUIRED.search(text)
        name = req[1] if req else None
    row = None
    if m:
        row = plan.cert_rows.get(m["c"]) if m["c"] else plan.umkm_rows.get(m["u"])
    data_line = None
    if row is None and p.line > 0:
        kind, what = origin(p.line - 1)
        if kind == "edit" and isinstance(what, Row):
            row = what
        else:
            data_line = (what + 1, p.col)
    ref = _LINE_REF.search(text)
    if ref:
        kind, other = origin(int(ref[1]) - 1)
        if (
            kind == "edit"
            and isinstance(other, Row)
            and other is not row
            and (row is None or id(row) not in plan.touched)
        ):
            # The checker names the later of two clashing places; the row to fix is the one
            # that this import adds or changes: say it there, naming the other place.
            here = f"sel {row.cell(name).text()}" if row else f"baris {data_line[0]} {data_name}"
            text = text[: ref.start()] + here + text[ref.end() :]
            row, data_line = other, None
        else:
            text = _LINE_REF.sub(lambda x: _describe_line(plan, int(x[1]), data_name, csv), text)
    if row is None:
        if data_line:
            report.issues.append(Issue(None, text, data_line=data_line))
        else:
            report.error(None, text)
        return
    where = row.cell(name)
    if name in row.bad or report.has_error_at(where):
        return  # the cell's own problem is already said
    report.error(where, text)


# -- output ------------------------------------------------------------------------------------


def _gh_escape(s: str, prop: bool = False) -> str:
    s = s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return s.replace(":", "%3A").replace(",", "%2C") if prop else s


def format_issue(issue: Issue, source: str, data_name: str, fmt: str) -> str:
    # a message may quote a cell (a header, an id): one line whatever it holds, NIKs masked
    issue = Issue(issue.where, diagnostics.one_line(diagnostics.mask_numbers(issue.message)),
                  issue.warning, issue.data_line)  # fmt: skip
    source, data_name = diagnostics.one_line(source), diagnostics.one_line(data_name)
    level = "warning" if issue.warning else "error"
    if fmt == "github":
        if issue.data_line:
            line, col = issue.data_line
            props = f"file={_gh_escape(data_name, True)},line={line},col={col}"
            return f"::{level} {props}::{_gh_escape(issue.message)}"
        props = f"file={_gh_escape(source, True)}"
        if issue.where and issue.where.csv:
            props += f",line={issue.where.row},col={max(issue.where.col, 1)}"
            text = issue.message
        elif issue.where:
            props += f",title={_gh_escape(issue.where.text(), True)}"
            text = f"{issue.where.text()}: {issue.message}"
        else:
            text = issue.message
        return f"::{level} {props}::{_gh_escape(text)}"
    prefix = "peringatan: " if issue.warning else ""
    if issue.data_line:
        return f"{data_name}:{issue.data_line[0]}:{issue.data_line[1]}: {prefix}{issue.message}"
    if issue.where is None:
        return f"{source}: {prefix}{issue.message}"
    return f"{source}:{issue.where.text()}: {prefix}{issue.message}"


def _sort_key(i: Issue):
    if i.where is None:
        return (1 if i.data_line else -1, i.data_line or (0, 0), 0, 0, i.message)
    return (0, (i.where.order, i.where.row), i.where.col, i.warning, i.message)


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
            for i in sorted(report.issues, key=_sort_key)
        ]
        errors = len(report.errors)
        if errors:
            notes.append(f"\n{errors} masalah ditemukan di {source_name}. {tail}")
        return Result(code, said + out, notes)

    if source.suffix.lower() in (".yaml", ".yml") or (
        source.exists() and data.exists() and source.resolve() == data.resolve()
    ):
        report.error(None, "ini berkas data YAML; impor membaca buku kerja .xlsx atau .csv")
        return finish(1, "Data tidak diubah.")
    try:
        raw_bytes = data.read_bytes()
        text = load.read_text(data)
        root = _compose(text, data_name)
    except load.DataError as e:
        for line in e.lines():
            out.append(line)
        notes.append(
            f"\n{data_name} belum sah: perbaiki dulu (python -m generator check), lalu impor lagi."
        )
        return Result(1, out, notes)
    except OSError as e:
        out.append(f"{data_name}: berkas tidak bisa dibaca ({e.strerror or e})")
        return Result(1, out, notes)
    try:
        tables = read_tables(source, report)
    except read_sheet.ReadError as e:
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
        secrets_out = _secret_changes(plan, registry, data, report)
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


def _secret_changes(plan: Plan, registry, data: Path, report: Report):
    """(path, new text, UMKM changed, old bytes) of data/rahasia.yaml, or None: the RAHASIA
    sheet's rows merged over the secrets the registry has (the file beside the data, and a
    sample's inline blocks). Values are never printed."""
    from ..data import confidential

    path = confidential.path_for(data)
    try:
        current = confidential.all_secrets(registry, data)
        in_file = confidential.read(path, registry)
    except load.DataError as e:
        for line in e.lines():
            report.error(None, line)
        return None
    known = {u.id for u in registry.umkm}
    merged = dict(in_file)
    changed = 0
    for uid, row in plan.secret_rows.items():
        if uid not in known:
            report.error(row.cell("umkm_id"), f"UMKM '{uid}' tidak ada di data registri")
            continue
        old = current.get(uid) or model.Secret()
        values = {f.key: getattr(old, f.key) for f in declarations.SECRET}
        for f in declarations.SECRET:
            if f.key in row.values and f.key not in row.bad:
                values[f.key] = row.values[f.key]
        new = model.Secret(**values)
        if new != old:
            merged[uid] = new
            changed += 1
    if not changed:
        return None
    old_bytes = path.read_bytes() if path.exists() else b""
    return path, confidential.render(merged), changed, old_bytes


def _compose(text: str, name: str) -> yaml.MappingNode:
    # the checker's guards (aliases, deep nesting, characters, syntax worded for the admin) come
    # before the editor's loader composes the whole file
    return compose.compose_whole(text, name, yaml_edit.PositionLoader)


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


class DataChanged(Exception):
    pass


def write_atomically(path: Path, content: bytes, expected_old: bytes, private=False) -> None:
    """Replace `path` with `content` via a temporary file in the same folder, unless the file
    changed since it was read (another import or an editor saving it); `expected_old` is b""
    for a file that did not exist. private: readable by its owner only (POSIX). A symlinked
    `path` is written through: the file it points at changes, the link stays."""
    path = Path(os.path.realpath(path))
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        if private:
            os.chmod(tmp, 0o600)
        current = path.read_bytes() if path.exists() else b""
        if current != expected_old:
            raise DataChanged
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
