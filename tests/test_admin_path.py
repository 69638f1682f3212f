"""The admin's path as a new admin finds it (issue 19): the guide's cross-references, `check`
reporting everything at once, the indentation message, `qr`'s print folder, page wording."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import SAMPLE

from generator.__main__ import main

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "panduan" / "index.md"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# -- the guide's "bagian N" ----------------------------------------------------------------------

_STOP = {"dan", "atau", "di", "ke", "yang", "untuk", "dengan", "dari", "sekali", "saja"}


def _sections(text: str) -> dict[int, str]:
    return {int(n): t for n, t in re.findall(r"(?m)^## (\d+)\. (.+)$", text)}


def _words(title: str) -> set[str]:
    words = re.findall(r"[a-z0-9.]+", title.lower().replace("`", ""))
    return {w.strip(".") for w in words if len(w.strip(".")) >= 4 and w not in _STOP} | (
        {".go.id"} if ".go.id" in title else set()
    )


def test_every_bagian_reference_points_at_the_section_it_means():
    """`bagian N` names a numbered section; the words just before the reference (what it
    refers to, e.g. "`.go.id` (bagian 9)") share a word with that section's title, or the
    reference is followed by what it is for ("lihat bagian 4 untuk ... buku kerja")."""
    text = GUIDE.read_text(encoding="utf-8")
    sections = _sections(text)
    assert sections, "numbered sections"
    flat = re.sub(r"\s+", " ", text)
    checked = 0
    for m in re.finditer(r"bagian (\d+)(?: (?:dan|sampai) (\d+))?", flat):
        first, last = int(m[1]), int(m[2] or m[1])
        for n in (first, last):
            assert n in sections, f"'{m[0]}': there is no section {n}"
        if m[2]:
            continue  # ranges: checked by the table test below
        before = flat[max(0, m.start() - 90) : m.start()].lower()
        after = flat[m.end() : m.end() + 60].lower()
        context = before + (after if before.rstrip().endswith("lihat") else "")
        words = _words(sections[first])
        assert any(w in context for w in words), (
            f"'...{flat[max(0, m.start() - 90) : m.end()]}': section {first} is '{sections[first]}'"
        )
        checked += 1
    assert checked >= 4


def test_the_two_ways_of_working_cover_every_section():
    text = GUIDE.read_text(encoding="utf-8")
    sections = _sections(text)
    web = re.search(r"\*\*di github\.com\*\* \(bagian (\d+) dan (\d+)\)", text)
    office = re.search(r"\*\*di komputer kantor\*\* \(bagian (\d+) sampai (\d+)\)", text)
    others = re.search(r"\*\*untuk pemilik UMKM dan provinsi\*\* \(bagian (\d+) dan (\d+)\)", text)
    assert web and office and others
    covered = {int(web[1]), int(web[2]), int(others[1]), int(others[2])}
    covered |= set(range(int(office[1]), int(office[2]) + 1))
    assert covered == set(sections), (covered, sorted(sections))


def test_guide_promises_the_pull_request_check_that_exists():
    text = GUIDE.read_text(encoding="utf-8")
    assert (ROOT / ".github" / "workflows" / "periksa.yml").is_file()
    section_1 = text.split("## 1.", 1)[1].split("## 2.", 1)[0]
    assert "periksa.yml" in section_1 and "Files changed" in section_1


# -- page wording ----------------------------------------------------------------------------


def test_verification_page_wording_is_not_doubled(sample_site):
    seen = set()
    for page in (sample_site / "verifikasi").glob("*/index.html"):
        text = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").get_text(" ")
        text = re.sub(r"\s+", " ", text)
        assert "(funded by the Dinas)" not in text and "(self-funded)" not in text, page
        assert "Lisensi licence" not in text, page
        if "Fasilitasi (dibiayai Dinas)" in text:
            seen.add("fasilitasi")
        if "Lisensi: " in text:
            seen.add("lisensi")
    assert seen == {"fasilitasi", "lisensi"}


@pytest.fixture
def sample_copy(tmp_path) -> Path:
    p = tmp_path / "data" / "umkm.yaml"
    p.parent.mkdir()
    p.write_bytes(SAMPLE.read_bytes())
    return p


# -- check reports every kind of problem in one run ------------------------------------------


def test_check_reports_every_kind_of_problem_at_once(sample_copy, capsys):
    text = sample_copy.read_text(encoding="utf-8").replace("contoh: true", "contoh: false")
    text = text.replace("    kecamatan: Kraksaan\n", "    kecamatan: Atlantis\n", 1)
    sample_copy.write_text(text, encoding="utf-8")
    (sample_copy.parent / "rahasia.yaml").write_text(
        'umkm:\n  tidak-ada:\n    nik: "3513084806631013"\n', encoding="utf-8"
    )
    code, out, err = run(
        capsys, "check", "--data", str(sample_copy), "--config", str(ROOT / "mkdocs.yml")
    )
    assert code == 1
    assert "data rahasia tidak boleh ada di" in out  # the inline blocks of a real registry
    assert "Atlantis" in out  # a data error
    assert "site_url" in out and "masih alamat contoh" in out  # the placeholder address
    for key in ("email", "telepon", "alamat"):
        assert f"registri.kontak.{key}:" in out, key  # the placeholder contacts
    assert "UMKM 'tidak-ada' tidak ada di data registri" in out  # rahasia.yaml's own problem
    assert "Traceback" not in err


def test_indentation_message_names_the_block_that_holds_the_line(sample_copy, capsys):
    lines = sample_copy.read_text(encoding="utf-8").split("\n")
    items = [i for i, line in enumerate(lines) if line.startswith("  - id:")]
    item = items[50]  # deep in the file, far from the first UMKM
    assert lines[item + 2].startswith("    pemilik:")
    lines[item + 2] = "   " + lines[item + 2].lstrip()
    sample_copy.write_text("\n".join(lines), encoding="utf-8")
    code, out, _ = run(capsys, "check", "--data", str(sample_copy))
    assert code == 1
    assert f":{item + 3}:4: " in out, out
    assert f"blok yang dimulai di baris {item + 1})" in out, out


# -- qr says what it replaces ----------------------------------------------------------------


def test_qr_says_what_it_replaces_and_keeps_the_admins_files(sample_copy, tmp_path, capsys):
    from generator.data import config, load

    cfg = tmp_path / "mkdocs.yml"
    cfg.write_text("site_name: Uji\nsite_url: https://dinas.github.io/registri/\n", "utf-8")
    today = config.build_date()
    ids = [
        c.id
        for _, c in load.load(sample_copy).certificates()
        if c.displayed_status(today) == "berlaku"
    ][:3]
    out = tmp_path / "qr-cetak"
    base = ["qr", "--data", str(sample_copy), "--config", str(cfg), "--out", str(out)]
    code, _, err = run(capsys, *base, "--sertifikat", *ids)
    assert code == 0 and "diganti" not in err, err
    code, said, err = run(capsys, *base, "--sertifikat", ids[0])
    assert code == 0, err
    assert len(said.strip().splitlines()) == 1
    assert "cetakan sebelumnya (3 kode QR," in err and "diganti" in err, err
    assert "2 label di antaranya tidak ada di cetakan ini" in err and "--out qr-cetak-" in err
    assert len(err.strip().splitlines()) == 1
    # the admin's own file in the folder: refused, nothing replaced (as before)
    (out / "catatan-admin.txt").write_text("jangan hapus", encoding="utf-8")
    before = sorted(p.name for p in out.iterdir())
    code, _, err = run(capsys, *base)
    assert code == 1 and "--out" in err
    assert sorted(p.name for p in out.iterdir()) == before
