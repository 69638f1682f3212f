"""Problems in a data file, one line each, whatever the data holds.

A Problem is a place (line, column) and a message in the admin's words; DataError carries the
problems of one file. They are collected with a cap per cause (a pasted list of 100,000 wrong lines
must not take gigabytes) and every message is one line: values are shown `repr`-style and NIK-like
numbers masked, since CI logs are public.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import NamedTuple

SHOWN_PER_CAUSE = 20  # problems printed per cause; the rest are counted on one line
_KEPT_PER_CAUSE = SHOWN_PER_CAUSE + 1
_KEPT_TOTAL = 20_000

_NIK_LIKE = re.compile(r"(?<![0-9])[0-9](?:[ .-]?[0-9]){15,}(?![0-9])")


def ascii_digits(text: str) -> str:
    """`text` with every digit of any script written as 0-9 and compatibility forms folded
    (NFKC: full-width ３, mathematical 𝟑, Arabic-Indic ٣ all become 3), so that a pattern of
    ASCII digits sees a number however it was typed or pasted."""
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKC", text)
    return "".join(str(unicodedata.digit(c, c)) if c.isdigit() else c for c in text)


def mask_numbers(text: str) -> str:
    """Mask every NIK-like number (16 or more digits, maybe grouped): CI logs are public."""
    return _NIK_LIKE.sub("[nomor 16 angka disamarkan]", text)


def one_line(text: str) -> str:
    """`text` with every non-printable character escaped as in repr (line breaks included)."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


MAX_LINE_CHARS = 900  # a message line, whatever it quotes


def cut(line: str, limit: int = MAX_LINE_CHARS) -> str:
    """One printed line, cut to `limit` characters (check's and import's lines alike)."""
    if len(line) <= limit:
        return line
    return f"{line[: limit - 30]}... ({number_id(len(line))} karakter)"


def show(text: str, limit: int = 60) -> str:
    """A data value in a message: quoted and escaped like repr, cut when long."""
    if len(text) > limit:
        return f"{text[:limit]!r}... ({len(text)} karakter)"
    return repr(text)


def number_id(n: int) -> str:
    """4812 -> '4.812' (Indonesian thousands separator)."""
    return f"{n:,}".replace(",", ".")


class Pos(NamedTuple):
    """Where a value stands: 0-based line and column (the names of yaml.Mark's fields)."""

    line: int
    column: int


@dataclass(frozen=True, order=True)
class Problem:
    line: int
    col: int
    message: str

    def format(self, filename: str) -> str:
        message = mask_numbers(self.message)
        if self.line <= 0:
            return cut(one_line(f"{filename}: {message}"))
        return cut(one_line(f"{filename}:{self.line}:{self.col}: {message}"))


_CAUSE_PARTS = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|\[[^\]]*\]|[0-9]+")


def _cause(message: str) -> str:
    """What problems of one kind share: the message without its values, indices and numbers."""
    return _CAUSE_PARTS.sub("#", message)


class Problems:
    """Collected problems, at most a few of each cause (a pasted list of 100,000 wrong lines
    must not take gigabytes), with the count of every cause."""

    def __init__(self) -> None:
        self.kept: list[Problem] = []
        self.counts: Counter[str] = Counter()

    def add(self, p: Problem) -> None:
        cause = _cause(p.message)
        self.counts[cause] += 1
        if self.counts[cause] <= _KEPT_PER_CAUSE and len(self.kept) < _KEPT_TOTAL:
            self.kept.append(p)

    def __bool__(self) -> bool:
        return bool(self.counts)

    def error(self, filename: str) -> DataError:
        return DataError(filename, self.kept, self.counts)


class DataError(Exception):
    """The data file has problems; `problems` holds them (a few of each cause), sorted by line,
    and `total` how many there were."""

    def __init__(self, filename: str, problems: list[Problem], counts: Counter[str] | None = None):
        self.filename = filename
        self.problems = sorted(problems)
        # how many problems of each cause there were (the collector keeps only a few of each)
        self.counts = Counter(_cause(p.message) for p in self.problems)
        self.counts.update((counts or Counter()) - self.counts)
        self.total = sum(self.counts.values())
        super().__init__("\n".join(self.lines()))

    def entries(self) -> list[Problem]:
        """The problems to print: the first SHOWN_PER_CAUSE of each cause, then one line that
        counts the rest, at the place of the next one."""
        shown: Counter[str] = Counter()
        out = []
        for p in self.problems:
            cause = _cause(p.message)
            shown[cause] += 1
            if shown[cause] <= SHOWN_PER_CAUSE:
                out.append(p)
            elif shown[cause] == SHOWN_PER_CAUSE + 1:
                rest = self.counts[cause] - SHOWN_PER_CAUSE
                out.append(
                    Problem(
                        p.line,
                        p.col,
                        f"... dan {number_id(rest)} kesalahan serupa lagi; "
                        f"yang berikutnya di sini: {p.message}",
                    )
                )
        return out

    def lines(self) -> list[str]:
        return [p.format(self.filename) for p in self.entries()]


def suggest(word: str, options) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.7)
    return f"; mungkin maksud Anda {close[0]}?" if close else ""


def unknown_key(key: str, allowed: list[str]) -> str:
    hint = suggest(key, allowed)
    return "kunci tidak dikenal" + (hint or f" (kunci yang boleh: {', '.join(allowed)})")
