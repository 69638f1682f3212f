"""Field reference tables, generated from the declarations, for the admin guide and /api/."""

from __future__ import annotations

from .declarations import BOOL, DATE, INT, LABELS, NAMED, RECORD, RECORDS, TEXT, TEXTS, walk_fields

GUIDE_PATH = "docs/panduan/index.md"  # the admin guide: in the repository and on the site
README_START = "<!-- field-reference:start (python -m generator docs) -->"
README_END = "<!-- field-reference:end -->"

_KIND = {
    TEXT: "teks",
    DATE: "tanggal",
    BOOL: "true/false",
    INT: "bilangan",
    TEXTS: "daftar teks",
    RECORD: "bagian",
    RECORDS: "daftar",
    LABELS: "kode: nama",
    NAMED: "kode: bagian",
}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def data_field_table() -> str:
    """Markdown table of every key of data/umkm.yaml (Indonesian, for the admin guide)."""
    rows = ["| kunci | jenis | wajib | keterangan |", "|---|---|---|---|"]
    for path, f in walk_fields():
        extra = []
        if f.choices:
            extra.append("pilihan: " + ", ".join(f"`{c}`" for c in f.choices))
        if f.ref:
            extra.append(f"harus ada di `{f.ref}`")
        if f.example:
            extra.append(f"contoh: `{f.example}`")
        doc = f.doc + (" (" + "; ".join(extra) + ")" if extra else "")
        rows.append(f"| `{path}` | {_KIND[f.kind]} | {'ya' if f.required else ''} | {_cell(doc)} |")
    return "\n".join(rows) + "\n"


def replace_between(text: str, start: str, end: str, body: str) -> str:
    head, sep, rest = text.partition(start)
    if not sep:
        raise ValueError(f"marker {start!r} not found")
    _, sep2, tail = rest.partition(end)
    if not sep2:
        raise ValueError(f"marker {end!r} not found")
    return f"{head}{start}\n{body}{end}{tail}"
