"""Confidential data in the workbook: only with --rahasia, in its own RAHASIA sheet, and back
into data/rahasia.yaml (never into data/umkm.yaml, never printed)."""

from __future__ import annotations

import os
import shutil
import stat
import sys

import openpyxl
import pytest
from conftest import SAMPLE

from generator.__main__ import main
from generator.data import load

rahasia = pytest.importorskip("generator.data.confidential", reason="data/confidential.py")


@pytest.fixture
def data(tmp_path):
    p = tmp_path / "data" / "umkm.yaml"
    p.parent.mkdir()
    shutil.copy(SAMPLE, p)
    return p


def test_rahasia_sheet_round_trip(data, tmp_path, capsys):
    out = tmp_path / "rahasia.xlsx"
    assert main(["export", "--data", str(data), "--out", str(out), "--rahasia"]) == 0
    assert "jangan unggah" in capsys.readouterr().err
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["UMKM", "Sertifikat", "Referensi", "RAHASIA"]
    ws = wb["RAHASIA"]
    assert ws.sheet_properties.tabColor.rgb.endswith("C00000")
    assert [c.value for c in ws[1]] == ["umkm_id", "nik", "alamat", "catatan"]
    secrets = rahasia.all_secrets(load.load(data), data)
    assert ws.max_row == len(secrets) + 1
    first = ws["A2"].value
    assert ws["B2"].value == secrets[first].nik

    before = data.read_bytes()
    assert main(["import", str(out), "--data", str(data)]) == 0, "unchanged: nothing to do"
    assert not (data.parent / "rahasia.yaml").exists()

    ws["B2"] = "3513000000000009"
    ws["D3"] = "Catatan baru dari buku kerja"
    wb.save(out)
    capsys.readouterr()
    assert main(["import", str(out), "--data", str(data), "--dry-run"]) == 0
    said = capsys.readouterr()
    assert "data rahasia 2 UMKM diubah (isinya tidak ditampilkan)" in said.out
    assert "3513000000000009" not in said.out + said.err
    assert not (data.parent / "rahasia.yaml").exists()

    assert main(["import", str(out), "--data", str(data)]) == 0
    said = capsys.readouterr()
    assert "3513000000000009" not in said.out + said.err
    assert data.read_bytes() == before, "nothing confidential goes into data/umkm.yaml"
    secret_file = data.parent / "rahasia.yaml"
    if sys.platform != "win32":
        assert stat.S_IMODE(os.stat(secret_file).st_mode) == 0o600
    after = rahasia.all_secrets(load.load(data), data)
    assert after[first].nik == "3513000000000009"
    assert after[ws["A3"].value].catatan == "Catatan baru dari buku kerja"
    assert main(["check", "--data", str(data)]) == 0


def test_nik_typed_as_a_number_is_refused(data, tmp_path, capsys):
    out = tmp_path / "rahasia.xlsx"
    assert main(["export", "--data", str(data), "--out", str(out), "--rahasia"]) == 0
    wb = openpyxl.load_workbook(out)
    wb["RAHASIA"]["B2"] = 3513084806631013
    wb.save(out)
    capsys.readouterr()
    assert main(["import", str(out), "--data", str(data)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{out}:RAHASIA!B2: nik tersimpan sebagai angka, bukan teks: NIK 16 digit tidak muat "
        "sebagai angka (digit terakhirnya hilang). Format kolom sebagai Teks, lalu ketik ulang "
        "isinya"  # the value itself is never printed
    ]
    assert not (data.parent / "rahasia.yaml").exists()


@pytest.mark.parametrize("fmt", ["teks", "github"])
def test_rahasia_sheet_values_are_never_printed(data, tmp_path, capsys, fmt):
    """A careless admin swaps columns, pastes a formula, leaves a space: every problem of the
    RAHASIA sheet names its cell, never the confidential value in it."""
    out = tmp_path / "rahasia.xlsx"
    assert main(["export", "--data", str(data), "--out", str(out), "--rahasia"]) == 0
    wb = openpyxl.load_workbook(out)
    ws = wb["RAHASIA"]
    secrets = [c.value for row in ws.iter_rows(min_row=2) for c in row[1:] if c.value]
    ws["A1"], ws["B1"] = "nik", "umkm_id"  # the NIK column is read as the UMKM id
    ws["C3"] = "Jl. Rahasia Sekali No. 7 "  # a trailing space: a warning
    ws["D4"] = '=CONCAT("Catatan rahasia", " panjang sekali", " sampai terpotong di pesan")'
    ws["C5"] = "3.513E+15"
    secrets += ["Jl. Rahasia Sekali No. 7", "Catatan rahasia", "3.513E+15"]
    wb.save(out)
    capsys.readouterr()
    before = data.read_bytes()
    assert main(["import", str(out), "--data", str(data), "--format", fmt]) == 1
    said = capsys.readouterr()
    lines = said.out.splitlines()
    assert lines and all("RAHASIA!" in line for line in lines)
    for value in secrets:
        assert value not in said.out + said.err
        assert value[:20] not in said.out + said.err
    assert data.read_bytes() == before
    assert not (data.parent / "rahasia.yaml").exists()
