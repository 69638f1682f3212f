"""Reproducible builds (issue 3). The live `serve` is tested in tests/test_serve.py."""

from __future__ import annotations

import hashlib
from pathlib import Path

from conftest import make_project, run_generator
from hostile import hostile_yaml


def digest(site: Path) -> dict[str, str]:
    return {
        str(p.relative_to(site)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def test_same_data_and_epoch_give_a_byte_identical_site(tmp_path):
    """Two builds in different folders, with different QR caches, at the same
    SOURCE_DATE_EPOCH: every byte of every file is the same."""
    a = make_project(tmp_path / "a")
    b = make_project(tmp_path / "elsewhere" / "b")
    assert run_generator(a, "build").returncode == 0
    assert run_generator(b, "build").returncode == 0
    da, db = digest(a / "site"), digest(b / "site")
    assert len(da) > 300
    assert da.keys() == db.keys()
    different = [k for k in da if da[k] != db[k]]
    assert different == []


def test_build_date_follows_source_date_epoch(tmp_path):
    project = make_project(tmp_path, hostile_yaml())
    assert run_generator(project, "build", epoch="1893456000").returncode == 0  # 2030-01-01
    page = (project / "site" / "verifikasi" / "uji-2024-0003" / "index.html").read_text("utf-8")
    assert "Data per <strong>1 Januari 2030</strong>" in page
    assert 'data-status="kedaluwarsa"' in page  # valid until 2027-09-30
