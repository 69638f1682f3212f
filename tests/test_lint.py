"""ruff runs as a test: lint everywhere, formatting of the package and the hook."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent

LINT_PATHS = ("generator", "tests", "hooks", "benchmarks")
FORMAT_PATHS = ("generator", "hooks")


def _existing(paths: tuple[str, ...]) -> list[str]:
    found = [p for p in paths if (PROJECT / p).exists()]
    if not found:
        pytest.skip(f"none of {', '.join(paths)} exists")
    return found


def _ruff(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_ruff_check():
    proc = _ruff("check", "--no-cache", *_existing(LINT_PATHS))
    assert proc.returncode == 0, f"ruff check failed:\n{proc.stdout}\n{proc.stderr}"


def test_ruff_format():
    proc = _ruff("format", "--check", "--no-cache", *_existing(FORMAT_PATHS))
    assert proc.returncode == 0, f"ruff format --check failed:\n{proc.stdout}\n{proc.stderr}"
