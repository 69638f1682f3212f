"""What the command line prints about bad data: one line per problem, safe on any terminal.

`FILE:LINE:COL: message` for people and editors; with `--format github` the same problems as
GitHub Actions workflow commands, so that each shows on its line of the commit and pull request:

    ::error file=data/umkm.yaml,line=151,col=9::umkm[x].desa: ...

Messages are already one line (load.Problem.format escapes every non-printable character and
masks NIK-like numbers), so no data value can start a line of a CI log or inject a command.
"""

from __future__ import annotations

import re
import sys

from ..data import diagnostics, load

FORMATS = ("teks", "github")


def configure_output() -> None:
    """Never fail on a character the console cannot show (Windows code pages, PYTHONIOENCODING=
    cp1252, a pipe with a legacy locale): write it as an escape instead."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError):  # replaced by a test harness, or already closed
            pass


def say(message: object, file=None) -> None:
    """Print an error message that may quote data (a config value, an id, an engine's error)
    as one line: escaped like the problems, NIK-like numbers masked."""
    print(diagnostics.one_line(diagnostics.mask_numbers(str(message))), file=file or sys.stdout)


def escape_data(text: str) -> str:
    """GitHub's escaping of a workflow command's message (actions/toolkit escapeData)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """GitHub's escaping of a workflow command's property value (escapeProperty)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_command(filename: str, p: load.Problem, level: str = "error") -> str:
    props = f"file={escape_property(diagnostics.one_line(filename))}"
    if p.line > 0:
        props += f",line={p.line},col={p.col}"
    message = diagnostics.one_line(diagnostics.mask_numbers(p.message))
    return f"::{level} {props}::{escape_data(message)}"


_POSITION = re.compile(r"(?P<file>.+?):(?P<line>[0-9]+):(?P<col>[0-9]+): (?P<message>.*)")


def _read_back(line: str, filename: str) -> tuple[str, load.Problem]:
    """A line written as `FILE:LINE:COL: message` or `FILE: message`, as (file, problem)."""
    m = _POSITION.fullmatch(line)
    if m:
        return m["file"], load.Problem(int(m["line"]), int(m["col"]), m["message"])
    name, sep, message = line.partition(": ")
    return (name, load.Problem(0, 0, message)) if sep else (filename, load.Problem(0, 0, line))


def _problems(e: load.DataError) -> list[tuple[str, load.Problem]]:
    """(file, problem) to print. An error class that writes its own lines (trust.TrustError:
    problems in two files) is read back from them."""
    if type(e).lines is load.DataError.lines:
        return [(e.filename, p) for p in e.entries()]
    return [_read_back(line, e.filename) for line in e.lines()]


def problem_line(line: str, fmt: str, filename: str) -> None:
    """Print one line already written as `FILE[:LINE:COL]: message` in format `fmt`."""
    if fmt == "github":
        print(github_command(*_read_back(line, filename)))
    else:
        say(line)


def data_errors(errors: list[load.DataError], tail: str, fmt: str = "teks") -> int:
    """Print every problem of `errors` (files in order), then a count on stderr; returns 1."""
    for e in errors:
        if fmt == "github":
            for name, p in _problems(e):
                print(github_command(name, p))
        else:
            for line in e.lines():
                print(diagnostics.one_line(diagnostics.mask_numbers(line)))
    counts = " dan ".join(
        f"{diagnostics.number_id(e.total)} masalah di {diagnostics.one_line(e.filename)}"
        for e in errors
    )
    print(f"\nDitemukan {counts}. {tail}", file=sys.stderr)
    return 1


def data_error(e: load.DataError, tail: str = "Perbaiki lalu jalankan lagi.") -> int:
    """Print every problem as FILE:LINE:COL: message, and a count; exit code 1."""
    return data_errors([e], tail)
