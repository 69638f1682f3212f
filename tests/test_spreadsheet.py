"""Spreadsheets: export, import, round trips, and every typical spreadsheet fault by its cell.

Workbooks are edited with openpyxl the way a person edits them in Excel (open, change a cell,
save), and read back with openpyxl; the data file is checked with the project's own checker and
compared byte for byte.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
import yaml
from conftest import SAMPLE

from generator.__main__ import main
from generator.data import load
from generator.sheets import layout

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


# -- helpers -------------------------------------------------------------------------------------


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def col(ws, name: str) -> str:
    """The column letter of header `name` (the layout follows the model: never hard-coded)."""
    for c in ws[1]:
        if c.value == name:
            return c.column_letter
    raise KeyError(name)


def row_of(ws, record_id: str) -> int:
    for c in ws["A"]:
        if c.value == record_id:
            return c.row
    raise KeyError(record_id)


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    """The sample registry exported once."""
    out = tmp_path_factory.mktemp("book") / "registri.xlsx"
    assert main(["export", "--data", str(SAMPLE), "--out", str(out)]) == 0
    return out


@pytest.fixture
def data(tmp_path) -> Path:
    """A copy of the sample data file to import into."""
    p = tmp_path / "data" / "umkm.yaml"
    p.parent.mkdir()
    shutil.copy(SAMPLE, p)
    return p


def edit(book: Path, tmp_path: Path, change, name: str = "edited.xlsx") -> Path:
    """Open the workbook, let `change(wb)` edit it, save it under a new name."""
    wb = openpyxl.load_workbook(book)
    change(wb)
    out = tmp_path / name
    wb.save(out)
    return out


# -- export ------------------------------------------------------------------------------------


def test_export_layout(book):
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["UMKM", "Sertifikat", "Referensi"]
    registry = load.load(SAMPLE)
    u, c = wb["UMKM"], wb["Sertifikat"]
    assert [x.value for x in u[1]] == [x.name for x in layout.umkm_columns()]
    assert [x.value for x in c[1]] == [x.name for x in layout.certificate_columns()]
    assert u.max_row == len(registry.umkm) + 1
    assert c.max_row == sum(1 for _ in registry.certificates()) + 1
    first = registry.umkm[0]
    r = row_of(u, first.id)
    assert u[f"{col(u, 'nama')}{r}"].value == first.nama
    assert u[f"{col(u, 'produk')}{r}"].value == "; ".join(first.produk)
    assert u[f"{col(u, 'kontak.telepon')}{r}"].value == first.kontak.telepon  # text, 0 kept
    _, cert = next(registry.certificates())
    r = row_of(c, cert.id)
    assert c[f"{col(c, 'umkm_id')}{r}"].value == first.id
    terbit = c[f"{col(c, 'tanggal_terbit')}{r}"]
    assert terbit.is_date and terbit.value.date() == cert.tanggal_terbit
    assert c[f"{col(c, 'asesor')}{r}"].value == "; ".join(cert.asesor)


def test_export_dropdowns_from_the_data(book):
    wb = openpyxl.load_workbook(book)
    registry = load.load(SAMPLE)
    ref = wb["Referensi"]

    def listed(ws, header: str) -> list[str]:
        letter = col(ws, header)
        (dv,) = [d for d in ws.data_validations.dataValidation if f"{letter}2:" in str(d.sqref)]
        assert dv.type == "list"
        m = re.fullmatch(r"=?'?Referensi'?!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)", dv.formula1)
        assert m, dv.formula1
        return [ref[f"{m[1]}{i}"].value for i in range(int(m[2]), int(m[4]) + 1)]

    u, c = wb["UMKM"], wb["Sertifikat"]
    assert listed(u, "sektor") == list(registry.sektor)
    assert listed(u, "kecamatan") == list(registry.kecamatan)
    assert listed(c, "lsp") == list(registry.lsp)
    assert listed(c, "status") == ["aktif", "dibekukan", "dicabut"]
    assert listed(c, "pembiayaan") == ["mandiri", "fasilitasi"]
    dates = [d for d in c.data_validations.dataValidation if d.type == "date"]
    assert {str(d.sqref).split(":")[0] for d in dates} == {
        f"{col(c, k)}2"
        for k in ("tanggal_uji", "tanggal_terbit", "berlaku_sampai", "tanggal_status")
    }


def test_export_locks_existing_ids_only(book):
    wb = openpyxl.load_workbook(book)
    for name in ("UMKM", "Sertifikat"):
        ws = wb[name]
        assert ws.protection.sheet, "the sheet is protected (without a password)"
        assert ws.protection.password is None
        assert ws["A2"].protection.locked, "an existing id is locked"
        assert not ws[f"{col(ws, 'nama' if name == 'UMKM' else 'nomor')}2"].protection.locked
        assert not ws.column_dimensions["A"].protection.locked, "new rows can get an id"
        assert ws.freeze_panes == "A2"
    c = wb["Sertifikat"]
    assert c[f"{col(c, 'umkm_id')}2"].protection.locked


def test_export_keeps_confidential_data_out(book):
    wb = openpyxl.load_workbook(book)
    secrets = load.load(SAMPLE).confidential_records()
    assert secrets, "the sample has confidential records to leak"
    values = {v for ws in wb for row in ws.iter_rows(values_only=True) for v in row if v}
    for s in secrets.values():
        for v in (s.nik, s.alamat, s.catatan):
            assert not v or all(v not in str(x) for x in values)
    raw = b"".join(zipfile.ZipFile(book).read(n) for n in zipfile.ZipFile(book).namelist())
    nik = next(s.nik for s in secrets.values() if s.nik)
    assert nik.encode() not in raw


def test_export_template_is_empty_with_dropdowns(tmp_path, capsys):
    out = tmp_path / "angkatan.xlsx"
    code, stdout, _ = run(capsys, "export", "--data", str(SAMPLE), "--out", str(out), "--templat")
    assert code == 0, stdout
    wb = openpyxl.load_workbook(out)
    assert wb["UMKM"].max_row == 1 and wb["Sertifikat"].max_row == 1
    assert wb["UMKM"].data_validations.dataValidation
    assert wb["Referensi"]["A2"].value == next(iter(load.load(SAMPLE).sektor))


@pytest.mark.parametrize(
    "out, message",
    [
        ("data/umkm.yaml", "nama berkas hasil harus berakhiran .xlsx"),
        ("hasil.csv", "nama berkas hasil harus berakhiran .xlsx"),
        ("folder.xlsx", "ini folder; sebut nama berkas .xlsx"),
        ("tidak-ada/hasil.xlsx", "folder tidak ada"),
    ],
)
def test_export_refuses_bad_out(tmp_path, data, capsys, monkeypatch, out, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "folder.xlsx").mkdir()
    before = data.read_bytes()
    code, _, err = run(capsys, "export", "--data", str(data), "--out", out)
    assert code == 1
    assert message in err
    assert data.read_bytes() == before


def test_export_text_that_looks_like_a_formula_stays_text(tmp_path, capsys):
    text = SAMPLE.read_text(encoding="utf-8").replace(
        "nama: Batik Kembang Kopi", 'nama: "=HYPERLINK(\\"http://x\\")"', 1
    )
    src = tmp_path / "umkm.yaml"
    src.write_text(text, encoding="utf-8")
    out = tmp_path / "x.xlsx"
    code, stdout, err = run(capsys, "export", "--data", str(src), "--out", str(out))
    assert code == 0, stdout + err
    xml = zipfile.ZipFile(out).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "HYPERLINK" in xml
    # and it comes back exactly: nothing changes
    code, said, err = run(capsys, "import", str(out), "--data", str(src))
    assert code == 0, said + err
    assert src.read_text(encoding="utf-8") == text
    # (a control character typed into a cell is refused at its cell: the faults below)


# -- round trips -------------------------------------------------------------------------------


def test_unchanged_workbook_leaves_data_byte_identical(book, data, tmp_path, capsys):
    before = data.read_bytes()
    code, out, err = run(capsys, "import", str(book), "--data", str(data))
    assert code == 0, out
    assert "Tidak ada perubahan" in err
    assert data.read_bytes() == before
    # opened and saved as a person would (openpyxl rewrites every part of the file)
    resaved = edit(book, tmp_path, lambda wb: None)
    code, out, _ = run(capsys, "import", str(resaved), "--data", str(data))
    assert code == 0, out
    assert data.read_bytes() == before


def test_one_cell_changes_exactly_that_field(book, data, tmp_path, capsys):
    before_text = data.read_text(encoding="utf-8")
    before = load.load(data)
    target = before.umkm[3]

    def change(wb):
        u = wb["UMKM"]
        u[f"{col(u, 'desa')}{row_of(u, target.id)}"] = "Desa Sumber Baru"

    code, out, _ = run(capsys, "import", str(edit(book, tmp_path, change)), "--data", str(data))
    assert code == 0, out
    after_text = data.read_text(encoding="utf-8")
    old_lines, new_lines = before_text.splitlines(), after_text.splitlines()
    assert len(old_lines) == len(new_lines)
    changed = [(a, b) for a, b in zip(old_lines, new_lines, strict=True) if a != b]
    assert changed == [(f"    desa: {target.desa}", "    desa: Desa Sumber Baru")]
    after = load.load(data)
    assert after.umkm[3].desa == "Desa Sumber Baru"
    assert [u for i, u in enumerate(after.umkm) if i != 3] == [
        u for i, u in enumerate(before.umkm) if i != 3
    ]


def test_certificate_cell_and_list_and_cleared_cell(book, data, tmp_path, capsys):
    reg = load.load(data)
    umkm, cert = next(reg.certificates())

    def change(wb):
        c, u = wb["Sertifikat"], wb["UMKM"]
        r = row_of(c, cert.id)
        c[f"{col(c, 'status')}{r}"] = "dicabut"
        c[f"{col(c, 'alasan_status')}{r}"] = "Usaha berhenti"
        c[f"{col(c, 'tanggal_status')}{r}"] = dt.date(2024, 1, 10)
        c[f"{col(c, 'asesor')}{r}"] = "Asesor Satu, S.E.; Asesor Dua"
        u[f"{col(u, 'kontak.telepon')}{row_of(u, umkm.id)}"] = None  # emptied: field removed

    code, out, _ = run(capsys, "import", str(edit(book, tmp_path, change)), "--data", str(data))
    assert code == 0, out
    after = load.load(data)
    u2 = after.umkm_by_id()[umkm.id]
    c2 = u2.sertifikat[0]
    assert (c2.status, c2.alasan_status, c2.tanggal_status) == (
        "dicabut",
        "Usaha berhenti",
        dt.date(2024, 1, 10),
    )
    assert c2.asesor == ("Asesor Satu, S.E.", "Asesor Dua")
    assert u2.kontak.telepon is None and u2.kontak.whatsapp == umkm.kontak.whatsapp
    assert "telepon" not in data.read_text(encoding="utf-8").split(f"- id: {umkm.id}")[1][:600]


def test_comments_order_and_layout_survive_an_import(book, data, tmp_path, capsys):
    text = data.read_text(encoding="utf-8")
    comments = [line for line in text.splitlines() if line.lstrip().startswith("#")]
    assert len(comments) > 10
    reg = load.load(data)

    def change(wb):
        u, c = wb["UMKM"], wb["Sertifikat"]
        for i, target in enumerate(reg.umkm[:5]):
            u[f"{col(u, 'nama')}{row_of(u, target.id)}"] = f"{target.nama} Baru {i}"
        n = u.max_row + 1
        for k, v in {
            "id": "kopi-tengger-baru",
            "nama": "Kopi Tengger Baru",
            "pemilik": "Ani",
            "sektor": "minuman",
            "kecamatan": "Sukapura",
        }.items():
            u[f"{col(u, k)}{n}"] = v
        m = c.max_row + 1
        for k, v in {
            "id": "mwpm-2025-0001",
            "umkm_id": "kopi-tengger-baru",
            "nomor": "0001",
            "pemegang": "Ani",
            "skema": "Pengelolaan Usaha Mikro",
            "lsp": "mwpm",
            "tanggal_terbit": dt.date(2025, 2, 1),
            "pembiayaan": "fasilitasi",
        }.items():
            c[f"{col(c, k)}{m}"] = v

    code, out, _ = run(capsys, "import", str(edit(book, tmp_path, change)), "--data", str(data))
    assert code == 0, out
    new = data.read_text(encoding="utf-8")
    assert [line for line in new.splitlines() if line.lstrip().startswith("#")] == comments
    assert new.startswith(text.split("umkm:\n", 1)[0])  # the head of the file untouched

    # key order of every existing block unchanged
    def keys(t: str) -> list[str]:
        return [ln.strip().split(":")[0] for ln in t.splitlines() if ":" in ln]

    assert keys(new)[: len(keys(text))] == keys(text)
    tail = new.split("- id: kopi-tengger-baru", 1)[1]
    assert '        nomor: "0001"' in tail, "a number-like text stays quoted: still a string"
    assert yaml.safe_load(new)["umkm"][-1]["sertifikat"][0]["nomor"] == "0001"
    assert load.load(data).umkm[-1].sertifikat[0].nomor == "0001"
    code, out, _ = run(capsys, "check", "--data", str(data))
    assert code == 0, out


def test_dry_run_prints_a_diff_and_writes_nothing(book, data, tmp_path, capsys):
    before = data.read_bytes()
    target = load.load(data).umkm[0]

    def change(wb):
        u = wb["UMKM"]
        u[f"{col(u, 'pemilik')}{row_of(u, target.id)}"] = "Pemilik Baru"

    code, out, err = run(
        capsys, "import", str(edit(book, tmp_path, change)), "--data", str(data), "--dry-run"
    )
    assert code == 0
    assert data.read_bytes() == before
    assert f"-    pemilik: {target.pemilik}" in out.splitlines()
    assert "+    pemilik: Pemilik Baru" in out.splitlines()
    assert f"Diubah: UMKM {target.id}" in out
    assert "--dry-run" in err


def test_crlf_and_bom_are_kept(book, tmp_path, capsys):
    data = tmp_path / "umkm.yaml"
    data.write_bytes(b"\xef\xbb\xbf" + SAMPLE.read_bytes().replace(b"\n", b"\r\n"))
    before = data.read_bytes()
    code, out, _ = run(capsys, "import", str(book), "--data", str(data))
    assert code == 0 and data.read_bytes() == before, out
    target = load.load(SAMPLE).umkm[1]

    def change(wb):
        u, c = wb["UMKM"], wb["Sertifikat"]
        u[f"{col(u, 'deskripsi')}{row_of(u, target.id)}"] = "Baris satu\nBaris dua"
        m = c.max_row + 1
        for k, v in {
            "id": "mwpm-2025-0002",
            "umkm_id": target.id,
            "nomor": "X/1",
            "pemegang": "Ani",
            "skema": "S",
            "lsp": "mwpm",
            "asesor": "A; B",
            "tanggal_terbit": dt.date(2025, 2, 1),
            "pembiayaan": "mandiri",
        }.items():
            c[f"{col(c, k)}{m}"] = v

    code, out, _ = run(capsys, "import", str(edit(book, tmp_path, change)), "--data", str(data))
    assert code == 0, out
    raw = data.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b"\n" not in raw.replace(b"\r\n", b""), "every line ends in CRLF, new ones too"
    after = load.load(data)
    assert after.umkm_by_id()[target.id].deskripsi == "Baris satu\nBaris dua"
    assert after.umkm_by_id()[target.id].sertifikat[-1].asesor == ("A", "B")


def test_template_for_a_new_batch(tmp_path, data, capsys):
    """35 participants of one test day, typed into the template, as the guide shows."""
    tpl = tmp_path / "angkatan.xlsx"
    assert run(capsys, "export", "--data", str(data), "--out", str(tpl), "--templat")[0] == 0

    def fill(wb):
        u, c = wb["UMKM"], wb["Sertifikat"]
        for i in range(35):
            uid = f"peserta-2025-{i + 1:02d}"
            for k, v in {
                "id": uid,
                "nama": f"Usaha Peserta {i + 1}",
                "pemilik": f"Pemilik {i}",
                "sektor": "makanan",
                "kecamatan": "Kraksaan",
                "kontak.whatsapp": f"08123456{i:04d}",
            }.items():
                u[f"{col(u, k)}{i + 2}"] = v
            for k, v in {
                "id": f"mwpm-2025-1{i:03d}",
                "umkm_id": uid,
                "nomor": f"MWPM/UMKM/2025/1{i:03d}",
                "pemegang": f"Pemilik {i}",
                "skema": "Pengelolaan Usaha Mikro",
                "lsp": "mwpm",
                "asesor": "Bambang Setiawan, S.E., M.M.",
                "tanggal_uji": dt.date(2025, 3, 4),
                "tanggal_terbit": dt.date(2025, 3, 18),
                "berlaku_sampai": dt.date(2028, 3, 17),
                "pembiayaan": "fasilitasi",
                "status": "aktif",
            }.items():
                c[f"{col(c, k)}{i + 2}"] = v

    code, out, _ = run(capsys, "import", str(edit(tpl, tmp_path, fill)), "--data", str(data))
    assert code == 0, out
    assert "UMKM baru: 35" in out and "Sertifikat baru: 35" in out
    reg = load.load(data)
    assert len(reg.umkm) == len(load.load(SAMPLE).umkm) + 35
    assert reg.umkm[-1].sertifikat[0].tanggal_terbit == dt.date(2025, 3, 18)
    assert reg.umkm[-1].kontak.whatsapp == "081234560034"


# -- every problem, by its cell ----------------------------------------------------------------


def _faulty(book: Path, tmp_path: Path, sheet: str, header: str, value, row: int = 2):
    def change(wb):
        ws = wb[sheet]
        ws[f"{col(ws, header)}{row}"] = value

    path = edit(book, tmp_path, change)
    wb = openpyxl.load_workbook(path)
    return path, f"{sheet}!{col(wb[sheet], header)}{row}"


FAULTS = [
    (
        "Sertifikat",
        "tanggal_terbit",
        "27/08/2020",
        "tanggal '27/08/2020' ditulis sebagai teks (maksudnya 2020-08-27?): ketik ulang sebagai "
        "tanggal TAHUN-BULAN-HARI, mis. 2020-08-27, di sel berformat Tanggal",
    ),
    (
        "Sertifikat",
        "tanggal_uji",
        "44070",
        "tanggal tertulis sebagai angka seri Excel 44070 (= 2020-08-27), di sel berformat teks: "
        "format sel sebagai Tanggal, lalu ketik ulang tanggalnya",
    ),
    (
        "UMKM",
        "kontak.telepon",
        81334017927,
        "kontak.telepon tersimpan sebagai angka (81334017927), bukan teks: angka 0 atau tanda + "
        "di depannya hilang (maksudnya 081334017927?). Format kolom sebagai Teks, lalu ketik "
        "ulang isinya",
    ),
    (
        "UMKM",
        "kontak.whatsapp",
        6281334017927,
        "kontak.whatsapp tersimpan sebagai angka (6281334017927; Excel menampilkannya 6.28E+12), "
        "bukan teks: angka 0 atau tanda + di depannya hilang (maksudnya +6281334017927?). Format "
        "kolom sebagai Teks, lalu ketik ulang isinya",
    ),
    (
        "Sertifikat",
        "nomor",
        dt.datetime(2020, 1, 2),
        "Excel mengubah isi sel ini menjadi tanggal (2020-01-02): format kolom sebagai Teks, lalu "
        "ketik ulang isinya",
    ),
    (
        "UMKM",
        "desa",
        '=A2&"x"',
        'sel berisi rumus (=A2&"x"): ganti dengan nilainya (salin, lalu Tempel Spesial > Nilai / '
        "Paste Values)",
    ),
    (
        "UMKM",
        "deskripsi",
        "Kopi_x0007_ bubuk",
        "sel berisi karakter tak terlihat (kode U+0007): ketik ulang isinya atau tempel sebagai "
        "teks biasa",
    ),
    (
        "UMKM",
        "nama",
        "Satu\nDua",
        "sel berisi baris baru (Alt+Enter): tulis isinya dalam satu baris (hanya deskripsi dan "
        "alasan_status boleh beberapa baris)",
    ),
    (
        "Sertifikat",
        "status",
        "dicabt",
        "'dicabt' tidak dikenal: pilih salah satu dari aktif, dibekukan, dicabut; mungkin "
        "maksud Anda dicabut?",
    ),
    (
        "UMKM",
        "kecamatan",
        "Kraksan",
        "kecamatan 'Kraksan' tidak ada di bagian 'kecamatan'; mungkin maksud Anda Kraksaan?",
    ),
    ("UMKM", "nama", None, "nama wajib diisi: sel ini tidak boleh dikosongkan"),
    (
        "UMKM",
        "kontak.email",
        "bukan-email",
        "'bukan-email' tidak sah: harus alamat email, mis. nama@contoh.id (tanpa spasi, tanda "
        "?, & atau %)",
    ),
    ("Sertifikat", "berlaku_sampai", dt.date(2000, 1, 1), None),  # message from the checker
    (
        "UMKM",
        "deskripsi",
        "x" * 5001,
        "isi sel terlalu panjang (5.001 karakter; paling banyak 5.000)",
    ),
]


@pytest.mark.parametrize("sheet, header, value, message", FAULTS)
def test_fault_is_reported_at_its_cell(book, data, tmp_path, capsys, sheet, header, value, message):
    path, cell = _faulty(book, tmp_path, sheet, header, value)
    before = data.read_bytes()
    code, out, err = run(capsys, "import", str(path), "--data", str(data))
    assert code == 1
    assert data.read_bytes() == before, "nothing is written on any error"
    lines = [ln for ln in out.splitlines() if ": peringatan: " not in ln]
    if message is None:
        (line,) = lines
        assert line.startswith(f"{path}:{cell}: berlaku_sampai (2000-01-01) lebih awal dari ")
    else:
        assert lines == [f"{path}:{cell}: {message}"]
    assert "1 masalah ditemukan" in err and "tidak diubah" in err


def test_trailing_spaces_are_a_warning_and_are_dropped(book, data, tmp_path, capsys):
    target = load.load(data).umkm[0]
    path, cell = _faulty(book, tmp_path, "UMKM", "nama", f"{target.nama}   ")
    code, out, err = run(capsys, "import", str(path), "--data", str(data))
    assert code == 0
    assert out.splitlines() == [
        f"{path}:{cell}: peringatan: spasi di akhir isi sel dibuang ('{target.nama}')"
    ]
    assert "Tidak ada perubahan" in err


def test_merged_cell(book, data, tmp_path, capsys):
    def change(wb):
        u = wb["UMKM"]
        k = col(u, "kecamatan")
        u.merge_cells(f"{k}3:{k}5")

    path = edit(book, tmp_path, change)
    k = col(openpyxl.load_workbook(path)["UMKM"], "kecamatan")
    code, out, _ = run(capsys, "import", str(path), "--data", str(data))
    assert code == 1
    assert out.splitlines() == [
        f"{path}:UMKM!{k}3: sel digabung (Merge) {k}3:{k}5: pisahkan (Unmerge Cells) lalu isi "
        "setiap baris dengan nilainya sendiri"
    ]


def test_empty_row_in_the_middle_is_skipped_with_a_warning(book, data, tmp_path, capsys):
    target = load.load(data).umkm[9]

    def change(wb):
        u = wb["UMKM"]
        u.insert_rows(6)  # a row left empty in the middle: the rows below still count
        u[f"{col(u, 'desa')}{row_of(u, target.id)}"] = "Desa Setelah Baris Kosong"

    path = edit(book, tmp_path, change)
    code, out, _ = run(capsys, "import", str(path), "--data", str(data))
    assert code == 0, out
    assert out.splitlines()[0] == (
        f"{path}:UMKM!A6: peringatan: baris 6 kosong di tengah data: dilewati (baris di bawahnya "
        "tetap dibaca)"
    )
    assert load.load(data).umkm[9].desa == "Desa Setelah Baris Kosong"


def test_renamed_and_missing_columns(book, data, tmp_path, capsys):
    def change(wb):
        u = wb["UMKM"]
        u[f"{col(u, 'pemilik')}1"] = "Pemilik Usaha"
        u.delete_cols(u[f"{col(u, 'desa')}1"].column)

    path = edit(book, tmp_path, change)
    c = col(openpyxl.load_workbook(path)["UMKM"], "Pemilik Usaha")
    code, out, _ = run(capsys, "import", str(path), "--data", str(data))
    assert code == 1
    assert out.splitlines() == [
        f"{path}:UMKM!A1: peringatan: kolom desa tidak ada di lembar ini: isinya di data tidak "
        "diubah",
        f"{path}:UMKM!{c}1: kolom 'Pemilik Usaha' tidak dikenal; mungkin maksud Anda 'pemilik'? "
        "Judul kolom harus persis kunci data",
    ]


def test_missing_required_column_for_a_new_row(book, data, tmp_path, capsys):
    def change(wb):
        u = wb["UMKM"]
        u.delete_cols(u[f"{col(u, 'pemilik')}1"].column)
        n = u.max_row + 1
        u[f"A{n}"] = "usaha-baru"

    path = edit(book, tmp_path, change)
    n = openpyxl.load_workbook(path)["UMKM"].max_row
    code, out, _ = run(capsys, "import", str(path), "--data", str(data))
    assert code == 1
    assert (
        f"{path}:UMKM!A{n}: UMKM baru butuh kolom 'pemilik', tetapi kolom itu tidak ada di "
        "lembar UMKM" in out.splitlines()
    )


def test_second_header_row(book, data, tmp_path, capsys):
    def change(wb):
        u = wb["UMKM"]
        u.insert_rows(2)
        for c in u[1]:
            u.cell(2, c.column).value = c.value

    path = edit(book, tmp_path, change)
    code, out, _ = run(capsys, "import", str(path), "--data", str(data))
    assert code == 1
    assert out.splitlines() == [
        f"{path}:UMKM!A2: baris judul kedua (isinya sama dengan judul kolom): hapus baris ini"
    ]


def test_title_row_above_the_header(book, data, tmp_path, capsys):
    path = edit(
        book,
        tmp_path,
        lambda wb: (
            wb["UMKM"].insert_rows(1),
            wb["UMKM"].cell(1, 1, "Daftar Peserta Uji Kompetensi 2025"),
        ),
    )
    code, out, _ = run(capsys, "import", str(path), "--data", str(data))
    assert code == 1
    assert out.splitlines() == [
        f"{path}:UMKM!A1: judul kolom (id, nama, ...) harus di baris pertama lembar; ada di "
        "baris 2: hapus baris di atasnya"
    ]


def test_every_problem_at_once(book, data, tmp_path, capsys):
    def change(wb):
        u, c = wb["UMKM"], wb["Sertifikat"]
        u[f"{col(u, 'kecamatan')}2"] = "Kraksan"
        u[f"{col(u, 'kontak.telepon')}3"] = 81334017927
        c[f"{col(c, 'tanggal_terbit')}4"] = "27/08/2020"
        c[f"{col(c, 'status')}5"] = "dicabut"  # without alasan_status and tanggal_status

    path = edit(book, tmp_path, change)
    code, out, err = run(capsys, "import", str(path), "--data", str(data))
    assert code == 1
    cells = [ln.split(": ", 1)[0] for ln in out.splitlines()]
    assert cells == [
        f"{path}:UMKM!{col(openpyxl.load_workbook(path)['UMKM'], 'kecamatan')}2",
        f"{path}:UMKM!{col(openpyxl.load_workbook(path)['UMKM'], 'kontak.telepon')}3",
        f"{path}:Sertifikat!{col(openpyxl.load_workbook(path)['Sertifikat'], 'tanggal_terbit')}4",
        f"{path}:Sertifikat!{col(openpyxl.load_workbook(path)['Sertifikat'], 'alasan_status')}5",
        f"{path}:Sertifikat!{col(openpyxl.load_workbook(path)['Sertifikat'], 'tanggal_status')}5",
    ]
    assert "5 masalah ditemukan" in err


@pytest.mark.parametrize("fmt", ["teks", "github"])
def test_hostile_cell_text_stays_on_its_line(book, data, tmp_path, capsys, fmt):
    """A header or id quoted in a message cannot start a new line (a `::error::` workflow
    command in a CI log) nor print a NIK-like number: each problem is one line."""

    def change(wb):
        u = wb["UMKM"]
        u.cell(row=1, column=u.max_column + 2, value="zz\n::error::disuntik 3513084806631013")
        u["A2"] = "3513084806631013"  # a NIK typed into the id column

    path = edit(book, tmp_path, change)
    before = data.read_bytes()
    code, out, err = run(capsys, "import", str(path), "--data", str(data), "--format", fmt)
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 2, lines
    prefix = "::error " if fmt == "github" else f"{path}:UMKM!"
    assert all(line.startswith(prefix) for line in lines)
    assert "3513084806631013" not in out + err
    assert not any(line.startswith("::error::") for line in lines)
    assert data.read_bytes() == before


def test_retyped_id_is_caught(book, data, tmp_path, capsys):
    target = load.load(data).umkm[2]
    path, _ = _faulty(
        book,
        tmp_path,
        "UMKM",
        "id",
        "id-ketik-ulang",
        row=row_of(openpyxl.load_workbook(book)["UMKM"], target.id),
    )
    code, out, _ = run(capsys, "import", str(path), "--data", str(data))
    assert code == 1
    assert (
        f"id 'id-ketik-ulang' belum ada, padahal UMKM bernama '{target.nama}' sudah terdaftar "
        f"dengan id '{target.id}' (tidak ada di lembar ini). id yang sudah terbit tidak boleh "
        f"diubah: kembalikan id '{target.id}'" in out
    )


def test_moving_a_certificate_is_refused(book, data, tmp_path, capsys):
    reg = load.load(data)
    path, cell = _faulty(book, tmp_path, "Sertifikat", "umkm_id", reg.umkm[1].id)
    code, out, _ = run(capsys, "import", str(path), "--data", str(data))
    assert code == 1
    cert = reg.umkm[0].sertifikat[0]
    assert out.splitlines() == [
        f"{path}:{cell}: sertifikat '{cert.id}' milik UMKM '{reg.umkm[0].id}'; memindahkan "
        f"sertifikat lewat impor tidak didukung: kembalikan umkm_id ke '{reg.umkm[0].id}'"
    ]


def test_duplicate_certificate_number_points_at_the_cell(book, data, tmp_path, capsys):
    reg = load.load(data)
    certs = [c for _, c in reg.certificates()]

    def change(wb):
        c = wb["Sertifikat"]
        m = c.max_row + 1
        for k, v in {
            "id": "mwpm-2025-0009",
            "umkm_id": reg.umkm[0].id,
            "nomor": certs[3].nomor,
            "pemegang": "Ani",
            "skema": "S",
            "lsp": "mwpm",
            "tanggal_terbit": dt.date(2025, 2, 1),
            "pembiayaan": "mandiri",
        }.items():
            c[f"{col(c, k)}{m}"] = v

    path = edit(book, tmp_path, change)
    ws = openpyxl.load_workbook(path)["Sertifikat"]
    code, out, _ = run(capsys, "import", str(path), "--data", str(data))
    assert code == 1
    first = row_of(ws, certs[3].id)
    assert out.splitlines() == [
        f"{path}:Sertifikat!{col(ws, 'nomor')}{ws.max_row}: nomor sertifikat '{certs[3].nomor}' "
        f"sudah dipakai di sel Sertifikat!{col(ws, 'nomor')}{first}"
    ]


# -- CSV ---------------------------------------------------------------------------------------


def _csv(book: Path, sheet: str, delimiter: str, encoding: str, change=None) -> bytes:
    ws = openpyxl.load_workbook(book)[sheet]
    rows = [
        [
            "" if v is None else v.date().isoformat() if isinstance(v, dt.datetime) else str(v)
            for v in r
        ]
        for r in ws.iter_rows(values_only=True)
    ]
    if change:
        change(rows)
    buf = io.StringIO(newline="")
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buf.getvalue().encode(encoding)


@pytest.mark.parametrize(
    "delimiter, encoding",
    [(";", "cp1252"), (",", "utf-8"), (";", "utf-8-sig"), ("\t", "utf-16"), (",", "cp1252")],
)
def test_csv_as_excel_saves_it(book, data, tmp_path, capsys, delimiter, encoding):
    target = load.load(data).umkm[0]

    def change(rows):
        rows[1][rows[0].index("nama")] = "Batik Kembang Kopi Café"

    path = tmp_path / "umkm.csv"
    path.write_bytes(_csv(book, "UMKM", delimiter, encoding, change))
    code, out, _ = run(capsys, "import", str(path), "--data", str(data))
    assert code == 0, out
    after = load.load(data)
    assert after.umkm[0].nama == "Batik Kembang Kopi Café"
    assert after.umkm[1:] == load.load(SAMPLE).umkm[1:]
    assert target.id == after.umkm[0].id


@pytest.mark.parametrize(
    "raw",
    [
        b"\xef\xbb\xbfid;nama\r\nbatik-kembang-kopi;Batik \xff\r\n",  # BOM, then not UTF-8
        b"\xff\xfei\x00d\x00;\x00n\x00\x00\xd8",  # UTF-16 with a lone surrogate at its end
    ],
)
def test_csv_with_a_broken_encoding_is_one_line(data, tmp_path, capsys, raw):
    path = tmp_path / "rusak.csv"
    path.write_bytes(raw)
    before = data.read_bytes()
    code, out, err = run(capsys, "import", str(path), "--data", str(data))
    assert code == 1
    assert out.splitlines() == [
        f"{path}: baris 2: berkas tidak bisa dibaca sebagai UTF-8: simpan ulang sebagai CSV UTF-8"
    ] or out.splitlines() == [f"{path}: berkas UTF-16 rusak: simpan ulang sebagai CSV UTF-8"]
    assert "Traceback" not in err
    assert data.read_bytes() == before


def test_csv_unchanged_is_byte_identical_and_errors_use_line_col(book, data, tmp_path, capsys):
    before = data.read_bytes()
    path = tmp_path / "sertifikat.csv"
    path.write_bytes(_csv(book, "Sertifikat", ";", "utf-8-sig"))
    code, out, _ = run(capsys, "import", str(path), "--data", str(data))
    assert code == 0 and data.read_bytes() == before, out

    def change(rows):
        h = rows[0]
        rows[3][h.index("tanggal_terbit")] = "27/08/2020"
        rows[4][h.index("nomor")] = "6.28E+12"

    path.write_bytes(_csv(book, "Sertifikat", ";", "utf-8-sig", change))
    code, out, _ = run(capsys, "import", str(path), "--data", str(data))
    assert code == 1
    h = next(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert out.splitlines() == [
        f"{path}:4:{h.index('tanggal_terbit') + 1}: tanggal '27/08/2020' ditulis sebagai teks "
        "(maksudnya 2020-08-27?): ketik ulang sebagai tanggal TAHUN-BULAN-HARI, mis. 2020-08-27, "
        "di sel berformat Tanggal",
        f"{path}:5:{h.index('nomor') + 1}: '6.28E+12' adalah angka dalam bentuk ilmiah: Excel "
        "sudah membuang digit-digitnya. Format kolom sebagai Teks, lalu ketik ulang nomor "
        "lengkapnya",
    ]
    assert data.read_bytes() == before


def test_csv_lost_leading_zero_and_short_row(book, data, tmp_path, capsys):
    def change(rows):
        h = rows[0]
        rows[2][h.index("kontak.telepon")] = "81334027964"
        del rows[5][3:]

    path = tmp_path / "umkm.csv"
    path.write_bytes(_csv(book, "UMKM", ",", "utf-8", change))
    code, out, _ = run(capsys, "import", str(path), "--data", str(data))
    assert code == 1
    h = openpyxl.load_workbook(book)["UMKM"]
    tel = [c.value for c in h[1]].index("kontak.telepon") + 1
    assert out.splitlines() == [
        f"{path}:3:{tel}: nomor '81334027964' kehilangan angka 0 di depannya (Excel mengubahnya "
        "menjadi angka): tulis '081334027964', dan format kolom sebagai Teks",
        f"{path}:6:4: baris ini hanya berisi 3 kolom, padahal judulnya {h.max_column}: periksa "
        "tanda pemisah di baris ini",
    ]


# -- hostile files -------------------------------------------------------------------------------

_CT = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/'
    'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="'
    'application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/'
    'worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.worksheet+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.'
    'org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/'
    'workbook.xml"/></Relationships>'
)
_WB = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><sheets><sheet name="UMKM" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WB_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.'
    'org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/'
    'sheet1.xml"/></Relationships>'
)


def _xlsx(path: Path, sheet_data: str, head: str = "", tail: str = "") -> Path:
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?>' + head + '<worksheet xmlns="http://schemas.'
        'openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:XFD1048576"/>'
        f"<sheetData>{sheet_data}</sheetData>{tail}</worksheet>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WB)
        z.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _header_row() -> str:
    return (
        '<row r="1">'
        + "".join(
            _inline(f"{chr(65 + i)}1", c.name) for i, c in enumerate(layout.umkm_columns()[:5])
        )
        + "</row>"
    )


def test_hostile_huge_dimension_and_far_cell(data, tmp_path, capsys):
    reg = load.load(data)
    u = reg.umkm[0]
    row = "".join(
        _inline(f"{chr(65 + i)}2", v)
        for i, v in enumerate([u.id, u.nama, u.pemilik, u.sektor, u.kecamatan])
    )
    far = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    path = _xlsx(tmp_path / "far.xlsx", _header_row() + f'<row r="2">{row}</row>' + far)
    before = data.read_bytes()
    code, out, _ = run(capsys, "import", str(path), "--data", str(data))
    assert code == 1
    assert out.splitlines()[-1] == (
        f"{path}:UMKM!XFD1048576: ada isi di kolom ke-16384: lembar ini paling banyak 80 kolom; "
        "hapus kolom yang tidak dipakai"
    )
    assert data.read_bytes() == before


def test_hostile_cell_of_100k_characters(data, tmp_path, capsys):
    path = _xlsx(
        tmp_path / "long.xlsx",
        _header_row()
        + '<row r="2">'
        + _inline("A2", "batik-kembang-kopi")
        + _inline("B2", "x" * 100_000)
        + "</row>",
    )
    code, out, _ = run(capsys, "import", str(path), "--data", str(data))
    assert code == 1
    assert f"{path}:UMKM!B2: isi sel terlalu panjang (100.000 karakter; paling banyak 5.000)" in (
        out.splitlines()
    )


def test_hostile_entity_bomb(data, tmp_path, capsys):
    head = (
        '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    )
    path = _xlsx(
        tmp_path / "bomb.xlsx",
        _header_row() + '<row r="2">' + _inline("B2", "&lol3;") + "</row>",
        head=head,
    )
    code, out, _ = run(capsys, "import", str(path), "--data", str(data))
    assert code == 1
    assert out.splitlines() == [
        f"{path}: buku kerja berisi deklarasi XML yang tidak dipakai Excel (DTD/ENTITY): berkas "
        "ini bukan buatan Excel dan tidak dibaca"
    ]


def test_hostile_zip_bomb_is_refused_by_its_declared_size(data, tmp_path, capsys):
    path = tmp_path / "zipbomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(3):
            z.writestr(f"xl/worksheets/sheet{i}.xml", b"\0" * (150 * 1024 * 1024))
    assert path.stat().st_size < 2_000_000
    code, out, _ = run(capsys, "import", str(path), "--data", str(data))
    assert code == 1
    assert out.splitlines() == [
        f"{path}: buku kerja terlalu besar setelah dibuka (472 MB; paling besar 400 MB): "
        "mungkin berkas jebakan (zip bomb)"
    ]


@pytest.mark.parametrize(
    "content, name, message",
    [
        (
            b"not a zip at all",
            "x.xlsx",
            "berkas ini bukan buku kerja Excel .xlsx (isinya bukan format xlsx)",
        ),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100,
            "lama.xlsx",
            "berkas ini format Excel lama (.xls) atau dilindungi kata sandi: buka di Excel, "
            "hapus kata sandinya, lalu Simpan Sebagai Buku Kerja Excel (.xlsx)",
        ),
        (
            b"PK\x03\x04broken",
            "rusak.xlsx",
            "buku kerja rusak (arsip zip tidak utuh): simpan ulang dari Excel",
        ),
        (
            b"id,nama\n",
            "data.xls",
            "format .xls tidak didukung: buka di Excel atau LibreOffice "
            "lalu Simpan Sebagai (Save As) Buku Kerja Excel .xlsx",
        ),
        (b"a\0b", "nul.csv", "berkas ini bukan teks CSV (ada byte NUL): simpan ulang sebagai CSV"),
    ],
)
def test_unreadable_files(data, tmp_path, capsys, content, name, message):
    path = tmp_path / name
    path.write_bytes(content)
    code, out, _ = run(capsys, "import", str(path), "--data", str(data))
    assert code == 1
    assert out.splitlines() == [f"{path}: {message}"]


def test_import_of_the_data_file_itself_is_refused(data, capsys):
    before = data.read_bytes()
    code, out, _ = run(capsys, "import", str(data), "--data", str(data))
    assert code == 1 and data.read_bytes() == before
    assert "ini berkas data YAML" in out


def test_broken_data_file_is_reported_first(book, tmp_path, capsys):
    bad = tmp_path / "umkm.yaml"
    bad.write_text("registri:\n  judul: [\n", encoding="utf-8")
    code, out, err = run(capsys, "import", str(book), "--data", str(bad))
    assert code == 1
    assert out.startswith(f"{bad}:")
    assert "belum sah" in err


# -- GitHub annotations ------------------------------------------------------------------------

_ANNOTATION = re.compile(r"^::(error|warning) (?P<props>[^:]*)::(?P<msg>.*)$")


def _parse_annotation(line: str) -> dict:
    m = _ANNOTATION.match(line)
    assert m, line
    props = dict(p.split("=", 1) for p in m["props"].split(","))

    def unescape(s: str) -> str:
        for code, ch in (("%3A", ":"), ("%2C", ","), ("%0A", "\n"), ("%0D", "\r"), ("%25", "%")):
            s = s.replace(code, ch)
        return s

    return {k: unescape(v) for k, v in props.items()} | {"message": unescape(m["msg"])}


def test_github_annotations_name_the_workbook_and_cell(book, data, tmp_path, capsys):
    path, cell = _faulty(book, tmp_path, "Sertifikat", "tanggal_terbit", "27/08/2020")
    code, out, _ = run(capsys, "import", str(path), "--data", str(data), "--format", "github")
    assert code == 1
    (line,) = out.splitlines()
    a = _parse_annotation(line)
    assert a["file"] == str(path) and a["title"] == cell
    assert a["message"].startswith(f"{cell}: tanggal '27/08/2020' ditulis sebagai teks")

    csv_path = tmp_path / "s.csv"
    csv_path.write_bytes(
        _csv(
            book,
            "Sertifikat",
            ";",
            "utf-8",
            lambda rows: rows[2].__setitem__(rows[0].index("tanggal_terbit"), "27/08/2020"),
        )
    )
    code, out, _ = run(capsys, "import", str(csv_path), "--data", str(data), "--format", "github")
    a = _parse_annotation(out.splitlines()[0])
    assert (a["file"], a["line"], a["col"]) == (
        str(csv_path),
        "3",
        str([c.name for c in layout.certificate_columns()].index("tanggal_terbit") + 1),
    )


# -- the admin guide's commands ----------------------------------------------------------------

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "panduan" / "index.md"


def _blocks(text: str, lang: str) -> list[str]:
    return re.findall(rf"^ *```{lang}\n(.*?)^ *```", text, re.S | re.M)


def test_every_guide_command_has_a_powershell_form_that_parses():
    """Each ```sh block of the guide is followed by the same commands for Windows PowerShell
    (.venv\\Scripts\\python), and every `python -m generator` command in them is valid."""
    from generator.__main__ import build_parser

    text = GUIDE.read_text(encoding="utf-8")
    sh, ps = _blocks(text, "sh"), _blocks(text, "powershell")
    assert len(sh) == len(ps) >= 6
    for a, b in zip(sh, ps, strict=True):
        lines_a = [ln.strip() for ln in a.splitlines() if ln.strip()]
        lines_b = [ln.strip() for ln in b.splitlines() if ln.strip()]
        assert len(lines_a) == len(lines_b), (a, b)
        for la, lb in zip(lines_a, lines_b, strict=True):
            assert "/" not in lb.split("#")[0].replace("://", "").split(" -m generator")[0], lb
            if la.startswith(".venv/bin/python -m generator"):
                argv_a = la.split("#")[0].split()[3:]
                argv_b = lb.split("#")[0].split()[3:]
                assert lb.startswith(".venv\\Scripts\\python -m generator "), lb
                # the same command and options; a path argument may be spelt the Windows way

                def shape(argv):
                    return [
                        "PATH" if ("/" in w or "\\" in w) and "://" not in w else w for w in argv
                    ]

                assert shape(argv_a) == shape(argv_b), (la, lb)
                for argv in (argv_a, argv_b):
                    build_parser().parse_args(argv)  # SystemExit(2) on an unknown option


def test_output_piped_into_a_closed_reader_is_no_traceback(book, data, tmp_path):
    """`import ... --dry-run | head -3`: the reader goes away; no traceback."""
    import subprocess
    import sys

    def change(wb):  # a dry run printing more than a pipe holds (64 KB)
        u = wb["UMKM"]
        for i in range(400):
            r = u.max_row + 1
            for k, v in {"id": f"usaha-baru-{i}", "nama": f"Usaha Baru Nomor {i}",
                         "pemilik": "Pemilik Usaha Baru", "sektor": "makanan",
                         "kecamatan": "Kraksaan", "deskripsi": "x" * 120}.items():  # fmt: skip
                u[f"{col(u, k)}{r}"] = v

    path = edit(book, tmp_path, change)
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "import", str(path), "--data", str(data), "--dry-run"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.wait(timeout=120)
    assert "Traceback" not in err


@pytest.mark.parametrize("out", ["docs/rahasia.xlsx", "terbit/rahasia.xlsx", "site/r.xlsx"])
def test_export_rahasia_never_into_a_published_folder(tmp_path, capsys, monkeypatch, out):
    # docs/ is copied into the site (and committed), site/ is what gets uploaded: a workbook
    # with the RAHASIA sheet there makes NIK and home addresses public. Also through a symlink.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mkdocs.yml").write_text("site_name: Uji\nsite_dir: site\n", encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "site").mkdir()
    (tmp_path / "terbit").symlink_to(tmp_path / "docs", target_is_directory=True)
    (tmp_path / "data").mkdir()
    shutil.copy(SAMPLE, tmp_path / "data" / "umkm.yaml")
    code, stdout, err = run(capsys, "export", "--rahasia", "--out", out)
    assert code == 1 and stdout == "" and "Traceback" not in err
    assert len(err.splitlines()) == 1 and "data rahasia" in err, err
    assert not list((tmp_path / "docs").iterdir()) and not list((tmp_path / "site").iterdir())
    # without --rahasia the workbook holds only public data: it may go there
    code, _, err = run(capsys, "export", "--out", "docs/publik.xlsx")
    assert code == 0, err


def test_import_into_a_symlinked_data_file_writes_the_real_file(book, data, tmp_path, capsys):
    # data/umkm.yaml kept elsewhere (a shared folder) behind a symlink: the import changes that
    # file, and the symlink stays a symlink (it was replaced by a loose copy).
    real = tmp_path / "bersama" / "umkm.yaml"
    real.parent.mkdir()
    shutil.move(data, real)
    data.symlink_to(real)
    target = load.load(real).umkm[3]

    def change(wb):
        u = wb["UMKM"]
        u[f"{col(u, 'desa')}{row_of(u, target.id)}"] = "Desa Sumber Baru"

    code, out, _ = run(capsys, "import", str(edit(book, tmp_path, change)), "--data", str(data))
    assert code == 0, out
    assert data.is_symlink() and data.resolve() == real.resolve()
    assert load.load(real).umkm[3].desa == "Desa Sumber Baru"
    assert sorted(p.name for p in real.parent.iterdir()) == ["umkm.yaml"]


def test_export_rahasia_never_where_git_would_take_it(tmp_path, capsys, monkeypatch):
    # In a clone of the (public) repository, a RAHASIA workbook beside the data or in
    # data/impor/ is one `git add .` from being published; as with the private key, only a
    # path that git ignores (or one outside the repository) is accepted.
    import subprocess

    monkeypatch.chdir(tmp_path)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True, timeout=60)
    (tmp_path / ".gitignore").write_text("pribadi/\n", encoding="utf-8")
    (tmp_path / "data" / "impor").mkdir(parents=True)
    (tmp_path / "pribadi").mkdir()
    shutil.copy(SAMPLE, tmp_path / "data" / "umkm.yaml")
    for out in ("rahasia.xlsx", "data/impor/rahasia.xlsx"):
        code, stdout, err = run(capsys, "export", "--rahasia", "--out", out)
        assert code == 1 and stdout == "" and "Traceback" not in err
        assert len(err.splitlines()) == 1 and "tidak diabaikan git" in err, err
        assert not (tmp_path / out).exists()
    code, _, err = run(capsys, "export", "--rahasia", "--out", "pribadi/rahasia.xlsx")
    assert code == 0, err
    assert (tmp_path / "pribadi" / "rahasia.xlsx").is_file()
