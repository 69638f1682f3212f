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
    assert web and office
    covered = {int(web[1]), int(web[2])} | set(range(int(office[1]), int(office[2]) + 1))
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
