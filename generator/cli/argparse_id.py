"""argparse, in Indonesian: the words argparse writes itself (usage, options, -h, its errors).

argparse takes these words from gettext with no Indonesian catalogue, so a parser class of our
own supplies them; every option's own help is written in Indonesian where it is declared, and
tests/test_cli_help.py walks every command and fails on an option without it.
"""

from __future__ import annotations

import argparse
import re
import sys

# argparse's error messages (Python 3.11-3.13), as regular expressions -> Indonesian.
_ERRORS = [
    (r"the following arguments are required: (.*)", r"wajib diisi: \1"),
    (r"unrecognized arguments: (.*)", r"tidak dikenal: \1"),
    (
        r"argument (.*?): invalid choice: (.*?) \(choose from (.*)\)",
        r"\1: pilihan \2 tidak ada (pilih salah satu: \3)",
    ),
    (r"argument (.*?): expected one argument", r"\1: perlu satu nilai"),
    (r"argument (.*?): expected at least one argument", r"\1: perlu paling sedikit satu nilai"),
    (r"argument (.*?): expected (\d+) arguments?", r"\1: perlu \2 nilai"),
    (r"argument (.*?): ignored explicit argument (.*)", r"\1: nilai \2 tidak dipakai"),
    (r"argument (.*?): invalid (.*?) value: (.*)", r"\1: nilai \3 tidak sah"),
    (r"argument (.*?): not allowed with argument (.*)", r"\1: tidak boleh bersama \2"),
    (r"argument (.*?): (.*)", r"\1: \2"),
    (r"ambiguous option: (.*?) could match (.*)", r"pilihan \1 ambigu: bisa berarti \2"),
    (r"one of the arguments (.*) is required", r"salah satu dari \1 wajib diisi"),
]


_METAVARS = {"data": "BERKAS", "config": "BERKAS", "out": "TUJUAN", "site_dir": "FOLDER",
             "root": "FOLDER", "previous": "MANIFEST"}  # fmt: skip


def translate_error(message: str) -> str:
    for pattern, replacement in _ERRORS:
        m = re.fullmatch(pattern, message, re.S)
        if m:
            return m.expand(replacement)
    return message


class Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(
            usage, actions, groups, "penggunaan: " if prefix is None else prefix
        )


class Parser(argparse.ArgumentParser):
    """ArgumentParser that speaks Indonesian; subcommands get the same class."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", Formatter)
        add_help = kwargs.pop("add_help", True)
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = "argumen"
        self._optionals.title = "pilihan"
        if add_help:
            self.add_argument(
                "-h", "--help", action="help", help="tampilkan bantuan ini lalu keluar"
            )

    def add_argument(self, *args, **kwargs):
        """Options that take a value get an Indonesian placeholder (argparse would print the
        option's own name in capitals: --data DATA, --out OUT)."""
        action = kwargs.get("action")
        takes_value = action in (None, "store", "append", "extend") and kwargs.get("nargs") != 0
        if args and args[0].startswith("-") and takes_value and "metavar" not in kwargs:
            name = args[-1].lstrip("-").replace("-", "_")
            kwargs["metavar"] = _METAVARS.get(name, "NILAI")
        return super().add_argument(*args, **kwargs)

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: galat: {translate_error(message)}\n")


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """The subcommand parsers of `parser`, by name (for tests and docs)."""
    out: dict[str, argparse.ArgumentParser] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            out.update(action.choices)
    return out
