"""Validating the merged text with the same checker as `check`, each problem put back on the
cell (or the line of the data file) that caused it.
"""

from __future__ import annotations

import re

from ..data import load
from .import_merge import Plan
from .import_problems import Issue, Report
from .import_tables import Row

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
