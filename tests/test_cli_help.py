"""Every command and option of `python -m generator` explains itself in Indonesian, and so do
the words argparse writes itself (usage, options, -h, its errors)."""

from __future__ import annotations

import argparse
import re

import pytest

from generator.__main__ import build_parser, main
from generator.cli import argparse_id

# Words of English help text that never occur in our Indonesian help.
ENGLISH = {"the", "and", "of", "to", "show", "this", "message", "exit", "with", "for", "from",
           "only", "print", "write", "default", "directory", "output", "file", "usage", "options",
           "path", "if", "when", "use", "which"}  # fmt: skip


def _parsers():
    root = build_parser()
    yield "python -m generator", root
    yield from argparse_id.subcommands(root).items()


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", re.sub(r"`[^`]*`|\([^)]*\)", " ", text.lower())))


@pytest.mark.parametrize("name, parser", list(_parsers()), ids=lambda x: str(x)[:20])
def test_every_option_has_indonesian_help(name, parser):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                assert choice.help, f"{name} {choice.dest}: command without help"
                assert not _words(choice.help) & ENGLISH, (choice.dest, choice.help)
            continue
        label = "/".join(action.option_strings) or action.dest
        assert action.help and action.help != argparse.SUPPRESS, (
            f"{name} {label}: option without help"
        )
        english = _words(action.help) & ENGLISH
        assert not english, f"{name} {label}: help looks English ({english}): {action.help!r}"


@pytest.mark.parametrize("name, parser", list(_parsers()), ids=lambda x: str(x)[:20])
def test_help_screen_is_indonesian(name, parser):
    text = parser.format_help()
    assert text.startswith("penggunaan: ")
    assert "pilihan:" in text and "tampilkan bantuan ini lalu keluar" in text
    assert not re.search(r"--[a-z-]+ (DATA|OUT|CONFIG|ROOT|SITE_DIR|PREVIOUS)\b", text), text
    for english in ("usage:", "options:", "optional arguments:", "positional arguments:",
                    "show this help message and exit"):  # fmt: skip
        assert english not in text, (name, english)


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["import"], "galat: wajib diisi: BERKAS"),
        (["check", "--tidak-ada"], "galat: tidak dikenal: --tidak-ada"),
        (["ekspor"], "galat: PERINTAH: pilihan 'ekspor' tidak ada (pilih salah satu: 'check',"),
        (
            ["import", "x.xlsx", "--format", "json"],
            "galat: --format: pilihan 'json' tidak ada (pilih salah satu: 'teks', 'github')",
        ),
        (["qr", "--sejak", "kemarin"], "galat: --sejak: tanggal 'kemarin' tidak sah"),
        (["import", "x.xlsx", "--data"], "galat: --data: perlu satu nilai"),
    ],
)
def test_argparse_errors_in_indonesian(capsys, argv, expected):
    with pytest.raises(SystemExit) as e:
        main(argv)
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("penggunaan: ")
    assert expected in err, err
    assert "error:" not in err and "usage:" not in err
