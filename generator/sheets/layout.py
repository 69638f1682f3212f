"""The workbook layout, read from the data model: sheets, columns, how a value looks in a cell.

Export (`export_xlsx.py`) and import (`importer.py`) both take their columns from here, so a
field declared in `declarations.py` appears in the workbook and is imported without touching
either. A column is a
key of the data file (`nama`) or a key inside a one-level block (`kontak.telepon`); lists of
records (`umkm[].sertifikat`, and any later list of records such as a status history) are not
columns: the certificates have their own sheet, the rest stays in the YAML, untouched by an import.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..data import declarations, model
from ..data.declarations import DATE, RECORD, RECORDS, TEXT, TEXTS, Field

UMKM_SHEET = "UMKM"
CERT_SHEET = "Sertifikat"
REF_SHEET = "Referensi"
SECRET_SHEET = "RAHASIA"

# The certificate sheet's link to its UMKM. Not a key of the data file (a certificate sits inside
# its UMKM's block there), so it is declared here, with the same rules as `umkm[].id`.
UMKM_ID = Field(
    "umkm_id",
    TEXT,
    "id UMKM pemilik sertifikat ini (kolom id di lembar UMKM).",
    required=True,
    pattern=declarations.SLUG_RE,
    pattern_hint="2-63 huruf kecil a-z, angka atau tanda -, diawali huruf atau angka",
)

LIST_SEPARATOR = "; "

# Text fields whose content is a number an admin must keep as typed: Excel turns them into numbers
# (0812... loses its 0, 16-digit NIK loses its last digit, 6.28E+12 loses everything).
NUMBER_LIKE = frozenset({"nomor", "telepon", "whatsapp", "nik", "lisensi"})

# Text fields that may hold more than one line (Alt+Enter in a cell).
MULTILINE = frozenset({"deskripsi", "alasan_status", "catatan", "alamat"})


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its header is the key of the data file."""

    name: str  # header text: "nama", "kontak.telepon", "umkm_id"
    field: Field
    parent: str | None = None  # "kontak" for kontak.telepon

    @property
    def key(self) -> str:
        return self.field.key

    @property
    def kind(self) -> str:
        return self.field.kind

    @property
    def is_id(self) -> bool:
        return self.name == "id" or self.name == "umkm_id"


def _columns(fields: tuple[Field, ...]) -> list[Column]:
    out: list[Column] = []
    for f in fields:
        if f.secret or f.kind == RECORDS:
            continue
        if f.kind == RECORD:
            out.extend(
                Column(f"{f.key}.{c.key}", c, parent=f.key)
                for c in f.fields
                if c.kind in (TEXT, DATE, TEXTS) and not c.secret
            )
        elif f.kind in (TEXT, DATE, TEXTS):
            out.append(Column(f.key, f))
    return out


def umkm_columns() -> list[Column]:
    return _columns(declarations.UMKM)


def certificate_columns() -> list[Column]:
    cols = _columns(declarations.CERTIFICATE)
    return [cols[0], Column(UMKM_ID.key, UMKM_ID), *cols[1:]]


def secret_columns() -> list[Column]:
    return [Column(UMKM_ID.key, UMKM_ID), *(Column(f.key, f) for f in declarations.SECRET)]


def columns_of(sheet: str) -> list[Column]:
    return {
        UMKM_SHEET: umkm_columns,
        CERT_SHEET: certificate_columns,
        SECRET_SHEET: secret_columns,
    }[sheet]()


def choices_of(f: Field, registry: model.Registry) -> list[str]:
    """The drop-down list of a column, from the data's own vocabularies (empty: no list)."""
    if f.ref == "sektor":
        return list(registry.sektor)
    if f.ref == "kecamatan":
        return list(registry.kecamatan)
    if f.ref == "lsp":
        return list(registry.lsp)
    return list(f.choices)


def join_list(items) -> str:
    """A list as one cell: items joined with '; ' (a ';' or '\\' inside an item is escaped)."""
    return LIST_SEPARATOR.join(i.replace("\\", "\\\\").replace(";", "\\;") for i in items)


def split_list(text: str) -> list[str]:
    """The inverse of join_list: items split on unescaped ';', stripped, empty ones dropped."""
    if "\\" not in text:
        return [s.strip() for s in text.split(";") if s.strip()]
    items, cur, i = [], [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text) and text[i + 1] in "\\;":
            cur.append(text[i + 1])
            i += 2
            continue
        if ch == ";":
            items.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
        i += 1
    items.append("".join(cur))
    return [s.strip() for s in items if s.strip()]


def cell_value(col: Column, value) -> str | date | None:
    """What the export writes in a cell for a model value (None: empty cell)."""
    if value is None or value == () or value == "":
        return None
    if col.kind == TEXTS:
        return join_list(value)
    return value
