"""The CSV files of /api/, for Excel with Indonesian settings (`;`, UTF-8 with BOM, CRLF):
the rules of a cell (lists joined, formulas defused), the rows of the UMKM and certificate
tables, and the bytes of a file.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from ..data import declarations, model
from ..data.config import SiteUrl
from . import records
from .catalogue import CSV_TEXT_COLUMNS, ApiFile

CSV_DELIMITER = ";"
CSV_LIST_JOIN = " | "
# A cell starting with one of these is a formula for Excel, LibreOffice or Google Sheets
# (the full-width forms too, in East Asian locales). Such a cell gets one ' in front; so does
# a cell that starts with ' itself, so that reading back is always "drop one leading '".
CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
CSV_TEXT_MARK = "'"


def csv_list(items: list[str] | tuple[str, ...]) -> str:
    """Join a list into one cell: items separated by " | "; in an item, \\ is written \\\\ and
    | is written \\| (so an item may hold " | " and still come back whole)."""
    return CSV_LIST_JOIN.join(i.replace("\\", "\\\\").replace("|", "\\|") for i in items)


def csv_cell(value: Any, always_mark: bool = False) -> str:
    """The text of one cell. None is an empty cell; lists are joined by `csv_list`; a text
    that a spreadsheet would run as a formula (or that starts with ') gets one ' in front."""
    if value is None:
        text = ""
    elif isinstance(value, list | tuple):
        text = csv_list([str(v) for v in value])
    elif isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = str(value)
    if text and (always_mark or text.startswith(CSV_FORMULA_START + (CSV_TEXT_MARK,))):
        text = CSV_TEXT_MARK + text
    return text


def csv_bytes(api_file: ApiFile, rows: list[dict[str, Any]]) -> bytes:
    columns = [f.name for f in api_file.fields]
    buf = io.StringIO()
    writer = csv.writer(
        buf,
        delimiter=CSV_DELIMITER,
        quotechar='"',
        lineterminator="\r\n",
        quoting=csv.QUOTE_MINIMAL,
    )
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cell(row[c], always_mark=c in CSV_TEXT_COLUMNS) for c in columns])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def csv_row_size(api_file: ApiFile, row: dict[str, Any]) -> int:
    """Bytes of one row in `csv_bytes` (header and BOM aside)."""
    return len(csv_bytes(api_file, [row])) - len(csv_bytes(api_file, []))


def umkm_rows(registry: model.Registry, site_url: SiteUrl | None) -> list[dict[str, Any]]:
    rows = []
    for u in registry.umkm:
        row = records.public_fields(
            u, declarations.UMKM, skip=("kontak", *records.umkm_nested_keys())
        )
        row.update(records.public_fields(u.kontak, declarations.UMKM_CONTACT))
        row["sektor_nama"] = registry.sektor[u.sektor]
        row["kecamatan_slug"] = u.kecamatan_slug
        row["sertifikat"] = [c.id for c in u.sertifikat]
        row["url_profil"] = records.profile_url(site_url, u.id)
        rows.append(row)
    return rows


def certificate_rows(
    registry: model.Registry, built: datetime, site_url: SiteUrl | None
) -> list[dict[str, Any]]:
    rows = []
    for u, c in registry.certificates():
        row = records.certificate_fields(c)
        row["riwayat"] = [
            f"{e.tanggal.isoformat()} {e.status}" + (f": {e.alasan}" if e.alasan else "")
            for e in c.riwayat
        ]
        row["lsp_nama"] = registry.lsp[c.lsp].nama
        row["status_tampil"] = c.displayed_status(built.date())
        row["umkm_id"] = u.id
        row["umkm_nama"] = u.nama
        row["sektor"] = u.sektor
        row["kecamatan"] = u.kecamatan
        row["url_verifikasi"] = records.verification_url(site_url, c.id)
        rows.append(row)
    return rows
