"""Hostile review of the workbook path (issue 18 items 3, 4, 5, 8, 9, 10; issue 19's export
folder): formulas never written, an import's result always passes `check`, the NIK guard on
every digit, bounded reading, short messages, and a workbook that is not ours never replaced.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
import test_spreadsheet
from conftest import SAMPLE

from generator.__main__ import main
from generator.data import load

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")
run, data = test_spreadsheet.run, test_spreadsheet.data  # the runner and the data fixture


def _no_formula(book: Path) -> None:
    with zipfile.ZipFile(book) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), name
    wb = openpyxl.load_workbook(book)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)


# -- item 3: no live formula from any label -------------------------------------------------


FORMULAS = [
    '=HYPERLINK(\\"http://x\\";\\"klik\\")',
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1)",
]


@pytest.mark.parametrize("payload", FORMULAS)
def test_export_writes_no_formula_from_any_label(data, tmp_path, capsys, payload):
    text = data.read_text(encoding="utf-8")
    text = text.replace("  batik: Batik\n", f'  batik: "{payload}"\n', 1)
    text = text.replace(
        "nama: LSP Manajemen Wirausaha dan Produktivitas Merdeka", f'nama: "{payload}"', 1
    )
    text = text.replace("lembaga: Universitas Merdeka Malang", f'lembaga: "{payload}"', 1)
    text = text.replace("  - Wonomerto\n", f'  - Wonomerto\n  - "{payload}"\n', 1)
    data.write_text(text, encoding="utf-8")
    assert load.load(data)  # the data is valid: the workbook must cope
    out = tmp_path / "x.xlsx"
    code, _, err = run(capsys, "export", "--data", str(data), "--out", str(out), "--rahasia")
    assert code == 0, err
    _no_formula(out)
    ref = openpyxl.load_workbook(out)["Referensi"]
    values = {c.value for row in ref.iter_rows() for c in row}
    assert payload.replace('\\"', '"') in values


# -- item 10 and issue 19: never replace a workbook we did not make; keluaran/ by default --------


def test_export_refuses_to_replace_a_workbook_it_did_not_make(data, tmp_path, capsys):
    theirs = tmp_path / "laporan.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "laporan keuangan"
    wb.save(theirs)
    before = theirs.read_bytes()
    code, out, err = run(capsys, "export", "--data", str(data), "--out", str(theirs))
    assert code == 1 and out == "" and len(err.strip().splitlines()) == 1, err
    assert "bukan buatan" in err and "--timpa" in err
    assert theirs.read_bytes() == before
    # our own workbook is replaced without a question, and --timpa replaces theirs
    ours = tmp_path / "registri.xlsx"
    assert run(capsys, "export", "--data", str(data), "--out", str(ours))[0] == 0
    assert run(capsys, "export", "--data", str(data), "--out", str(ours))[0] == 0
    code, _, err = run(capsys, "export", "--data", str(data), "--out", str(theirs), "--timpa")
    assert code == 0, err
    assert openpyxl.load_workbook(theirs).sheetnames[0] == "UMKM"
    # a file that is not a workbook at all is not replaced either
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a zip")
    assert run(capsys, "export", "--data", str(data), "--out", str(junk))[0] == 1
    assert junk.read_bytes() == b"not a zip"


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, timeout=60, capture_output=True)


def test_export_goes_to_an_ignored_folder_and_refuses_tracked_places(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _git(tmp_path, "init", "-q")
    (tmp_path / ".gitignore").write_text("keluaran/\n", encoding="utf-8")
    (tmp_path / "data").mkdir()
    shutil.copy(SAMPLE, tmp_path / "data" / "umkm.yaml")
    code, out, err = run(capsys, "export")
    assert code == 0, err
    assert (tmp_path / "keluaran" / "registri.xlsx").is_file()
    # a path git would take: refused, one line, nothing written
    code, out, err = run(capsys, "export", "--out", "registri.xlsx")
    assert code == 1 and out == "" and len(err.strip().splitlines()) == 1, err
    assert "git" in err and "--di-repo" in err
    assert not (tmp_path / "registri.xlsx").exists()
    code, _, err = run(capsys, "export", "--out", "registri.xlsx", "--di-repo")
    assert code == 0, err
    assert (tmp_path / "registri.xlsx").is_file()
    # outside any git repository: no question asked
    outside = tmp_path.parent / f"{tmp_path.name}-luar"
    outside.mkdir()
    code, _, err = run(capsys, "export", "--out", str(outside / "r.xlsx"))
    assert code == 0, err


def test_repository_ignores_keluaran():
    root = Path(__file__).resolve().parent.parent
    lines = (root / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "keluaran/" in lines or "/keluaran/" in lines


# -- item 4: the RAHASIA sheet keeps check's character rules ----------------------------------


@pytest.mark.parametrize("char", ["\u202e", "\u200b", "\ufffe", "\u2066", "\x85"])
def test_rahasia_cell_with_a_character_check_refuses(data, tmp_path, capsys, char):
    out = tmp_path / "r.xlsx"
    assert main(["export", "--data", str(data), "--out", str(out), "--rahasia"]) == 0
    wb = openpyxl.load_workbook(out)
    wb["RAHASIA"]["C2"] = f"Jl. Mawar_x{ord(char):04X}_ No. 1"  # as Excel writes it
    wb.save(out)
    capsys.readouterr()
    code, said, err = run(capsys, "import", str(out), "--data", str(data))
    secret = data.parent / "rahasia.yaml"
    if code == 0:  # whatever the import accepts, check accepts
        code2, out2, err2 = run(capsys, "check", "--data", str(data))
        assert code2 == 0, out2 + err2
    else:
        assert "RAHASIA!C2" in said, said
        assert not secret.exists()
        assert "Traceback" not in said + err
    assert code == 1


# -- item 5: the NIK guard sees every kind of digit, and a copied confidential address ---------


@pytest.mark.parametrize(
    "nik",
    [
        "３５１３０８４８０６６３１０１３",  # full-width
        "٣٥١٣٠٨٤٨٠٦٦٣١٠١٣",  # Arabic-Indic
        "𝟑𝟓𝟏𝟑𝟎𝟖𝟒𝟖𝟎𝟔𝟔𝟑𝟏𝟎𝟏𝟑",  # mathematical bold
        "3513 0848 ０６６３ 1013",
    ],
)
def test_nik_in_any_digits_is_refused_in_public_data(data, capsys, nik):
    text = data.read_text(encoding="utf-8")
    text = text.replace(
        "deskripsi: Batik tulis bermotif", f"deskripsi: NIK {nik}. Batik tulis bermotif", 1
    )
    data.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "check", "--data", str(data))
    assert code == 1 and "seperti NIK" in out, out + err
    assert nik not in out + err


def test_confidential_address_copied_into_a_public_field(tmp_path, capsys):
    from conftest import as_real_registry

    d = tmp_path / "data"
    d.mkdir()
    text = as_real_registry(SAMPLE.read_text(encoding="utf-8"))
    alamat = "Jl. Mawar No. 12, RT 002/RW 002, Desa Kandangjati Kulon"
    text = text.replace(
        "deskripsi: Batik tulis bermotif",
        "deskripsi: Rumah produksi di JL. MAWAR  no. 12, rt 002/rw 002, desa Kandangjati "
        "kulon. Batik tulis bermotif",
        1,
    )
    (d / "umkm.yaml").write_text(text, encoding="utf-8")
    (d / "rahasia.yaml").write_text(
        f'umkm:\n  batik-kembang-kopi:\n    nik: "3513084806631013"\n    alamat: "{alamat}"\n'
        "    catatan: Ya\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "check", "--data", str(d / "umkm.yaml"))
    assert code == 1, out + err
    assert "alamat rahasia" in out and "deskripsi" in out, out
    assert "Mawar" not in out + err
    # a short confidential value ("Ya") is no match for every "ya" in the public text
    assert out.count("rahasia") >= 1 and "catatan" not in out


# -- item 9: import messages quote a long cell cut, like check --------------------------------


def test_import_message_cuts_a_long_cell(data, tmp_path, capsys):
    out = tmp_path / "b.xlsx"
    assert main(["export", "--data", str(data), "--out", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    ws = wb["UMKM"]
    ws.cell(1, ws.max_column + 1, "x" * 40_000)  # an unknown header of 40,000 characters
    ws["D2"] = "y" * 40_000  # sektor: not a choice, quoted in the message
    wb["Sertifikat"]["F2"] = "z" * 40_000  # a date column
    wb.save(out)
    capsys.readouterr()
    code, said, err = run(capsys, "import", str(out), "--data", str(data))
    assert code == 1
    assert said.strip()
    for line in (said + err).splitlines():
        assert len(line) <= 1000, line[:200]


def test_import_refuses_a_confidential_address_pasted_into_a_public_cell(data, tmp_path, capsys):
    out = tmp_path / "b.xlsx"
    assert main(["export", "--data", str(data), "--out", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    ws = wb["UMKM"]
    desc = next(c.column for c in ws[1] if c.value == "deskripsi")
    assert ws["A2"].value == "batik-kembang-kopi"
    ws.cell(2, desc, "Alamat: jl. mawar no. 12 RT 002/RW 002, Desa Kandangjati Kulon,Kec.Kraksaan")
    wb.save(out)
    capsys.readouterr()
    before = data.read_bytes()
    code, said, err = run(capsys, "import", str(out), "--data", str(data))
    assert code == 1 and "alamat rahasia" in said, said + err
    assert data.read_bytes() == before


# -- item 8: bounded reading: shared strings, cells, and sheets the import does not read --------


_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def _insert(parts: dict[str, bytes], name: str, before: str, text: str) -> None:
    parts[name] = parts[name].decode().replace(before, text + before).encode()


def _with_extra_sheet(book: Path, out: Path, sheet_xml: bytes, strings: int = 0) -> Path:
    """`book` with one more sheet ("Catatan") holding `sheet_xml`, and `strings` unused shared
    strings (our exports write inline strings: the part is added): the parts written by hand,
    as a hostile file would be."""
    with zipfile.ZipFile(book) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    added = [("worksheets/extra.xml", "worksheet", "rIdX", "worksheet")]
    if strings:
        added.append(("sharedStrings.xml", "sharedStrings", "rIdS", "sharedStrings"))
        parts["xl/sharedStrings.xml"] = (
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            + "<si><t>a</t></si>" * strings
            + "</sst>"
        ).encode()
    _insert(
        parts,
        "xl/workbook.xml",
        "</sheets>",
        f'<sheet xmlns:r="{_R}" name="Catatan" sheetId="99" r:id="rIdX"/>',
    )
    for target, rel, rid, content in added:
        _insert(
            parts,
            "xl/_rels/workbook.xml.rels",
            "</Relationships>",
            f'<Relationship Id="{rid}" Type="{_R}/{rel}" Target="{target}"/>',
        )
        _insert(
            parts,
            "[Content_Types].xml",
            "</Types>",
            f'<Override PartName="/xl/{target}" ContentType="{_CT}.{content}+xml"/>',
        )
    parts["xl/worksheets/extra.xml"] = sheet_xml
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for n, b in parts.items():
            z.writestr(n, b)
    return out


_NS = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def test_a_sheet_the_import_does_not_read_is_never_parsed(data, tmp_path, capsys):
    book = tmp_path / "b.xlsx"
    assert main(["export", "--data", str(data), "--out", str(book)]) == 0
    # a broken (unclosed) sheet that the import has no use for: never parsed, so no error
    out = _with_extra_sheet(book, tmp_path / "x.xlsx", _NS + b"<sheetData><row><c><v>1")
    capsys.readouterr()
    code, said, err = run(capsys, "import", str(out), "--data", str(data))
    assert code == 0, said + err
    assert "Catatan" not in said + err


def test_too_many_shared_strings_and_cells_are_refused_in_one_line(
    data, tmp_path, capsys, monkeypatch
):
    from generator.sheets import read_xlsx

    book = tmp_path / "b.xlsx"
    assert main(["export", "--data", str(data), "--out", str(book)]) == 0
    empty = _NS + b"<sheetData/></worksheet>"
    out = _with_extra_sheet(book, tmp_path / "s.xlsx", empty, strings=5_000)
    monkeypatch.setattr(read_xlsx, "MAX_SHARED_STRINGS", 2_000)
    capsys.readouterr()
    before = data.read_bytes()
    code, said, err = run(capsys, "import", str(out), "--data", str(data))
    assert code == 1 and "teks bersama" in said, said + err
    assert len(said.strip().splitlines()) == 1 and "Traceback" not in err
    monkeypatch.setattr(read_xlsx, "MAX_SHARED_STRINGS", 1_000_000)
    monkeypatch.setattr(read_xlsx, "MAX_CELLS", 500)  # the sample has ~1,500 cells
    code, said, err = run(capsys, "import", str(book), "--data", str(data))
    assert code == 1 and "lebih dari 500 sel" in said, said + err
    assert len(said.strip().splitlines()) == 1
    assert data.read_bytes() == before
