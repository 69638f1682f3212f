"""The id ledger: append-only, permanent certificate indices."""

from __future__ import annotations

import pytest

from generator.data import load
from generator.publish import ledger
from tests.conftest import SAMPLE


@pytest.fixture(scope="module")
def sample():
    return load.load(SAMPLE)


def test_extend_appends_in_file_order_and_round_trips(sample, tmp_path):
    led = ledger.Ledger().extended(sample)
    ids = [c.id for _, c in sample.certificates()]
    assert led.certificates == ids
    assert [u.id for u in sample.umkm] == led.umkm
    path = tmp_path / "id-terbit.txt"
    assert ledger.write(path, led) is True
    assert ledger.write(path, led) is False  # unchanged: not rewritten
    again = ledger.read(path)
    assert again.certificates == led.certificates and again.umkm == led.umkm
    assert again.index(ids[7]) == 7


def test_indices_survive_insertions_and_removals(sample):
    led = ledger.Ledger(["zz-old-0001", "aa-old-0002"], [])
    idx = ledger.status_indices(sample, led)
    first = next(c.id for _, c in sample.certificates())
    assert idx[first] == 2  # new ids come after the recorded ones
    assert led.missing(sample) == [("sertifikat", "zz-old-0001"), ("sertifikat", "aa-old-0002")]


def test_missing_file_is_an_empty_ledger(tmp_path):
    assert ledger.read(tmp_path / "nope.txt").certificates == []


@pytest.mark.parametrize(
    "text, line, words",
    [
        ("sertifikat 1 abc-01\n", 1, "nomor urut 1 seharusnya 0"),
        ("sertifikat 0 abc-01\nsertifikat 1 abc-01\n", 2, "dua kali"),
        ("# x\nsertifikat 0 ABC\n", 2, "id tidak sah"),
        ("umkm a b\n", 1, "baris tidak dikenal"),
        ("sertifikat 0 abc-01\njunk\n", 2, "baris tidak dikenal"),
    ],
)
def test_damaged_ledger_names_its_line(text, line, words):
    with pytest.raises(ledger.LedgerError) as e:
        ledger.parse(text, "data/id-terbit.txt")
    assert e.value.line == line and words in e.value.message
    assert str(e.value).startswith(f"data/id-terbit.txt:{line}:1: ")
