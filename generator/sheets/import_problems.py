"""Where an import problem is (a cell of a sheet, a line of a CSV or of the data file), the
report that collects every problem of a run, and how each is printed (text or GitHub annotations).
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from ..data import diagnostics

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


# -- how a problem is printed ----------------------------------------------------------------------


def _gh_escape(s: str, prop: bool = False) -> str:
    s = s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return s.replace(":", "%3A").replace(",", "%2C") if prop else s


def format_issue(issue: Issue, source: str, data_name: str, fmt: str) -> str:
    # a message may quote a cell (a header, an id): one line whatever it holds, NIKs masked
    message = diagnostics.cut(diagnostics.one_line(diagnostics.mask_numbers(issue.message)))
    issue = Issue(issue.where, message, issue.warning, issue.data_line)
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


def sort_key(i: Issue):
    if i.where is None:
        return (1 if i.data_line else -1, i.data_line or (0, 0), 0, 0, i.message)
    return (0, (i.where.order, i.where.row), i.where.col, i.warning, i.message)
