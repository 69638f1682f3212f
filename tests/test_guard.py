"""The permanent-URL guard with the id ledger: check and build against data/id-terbit.txt, its
git history, the last local build and the live site (issue 9 fault 6, issue 12)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import git, make_project, run_generator

from generator.publish import ledger

SITE_URL = "https://registri.dinkop-uji.go.id/"
HEAD = """\
registri:
  judul: Registri Uji
  penerbit: Dinas Koperasi Kabupaten Uji
  wilayah: Kabupaten Uji
  kontak: {{email: pengaduan@dinkop-uji.go.id, telepon: "0335 123456"}}
  contoh: {contoh}
sektor: {{batik: Batik}}
kecamatan: [Kraksaan]
lsp: {{uji: {{nama: LSP Uji}}}}
umkm:
"""
UMKM = """\
  - id: {uid}
    nama: Usaha {uid}
    pemilik: Siti
    sektor: batik
    kecamatan: Kraksaan
    sertifikat:
{certs}"""
CERT = """\
      - id: {cid}
        nomor: "U/{cid}"
        pemegang: Siti
        skema: Pengelolaan Usaha Mikro
        lsp: uji
        tanggal_terbit: 2024-01-10
        pembiayaan: mandiri
"""


def data_text(umkm: dict[str, list[str]], contoh: bool = False) -> str:
    body = "".join(
        UMKM.format(uid=uid, certs="".join(CERT.format(cid=c) for c in certs))
        for uid, certs in umkm.items()
    )
    return HEAD.format(contoh="true" if contoh else "false") + body


TWO = {"batik-satu": ["uji-0001", "uji-0002"], "batik-dua": ["uji-0003"]}


@pytest.fixture
def project(tmp_path) -> Path:
    return make_project(tmp_path / "p", data_text(TWO), site_url=SITE_URL)


def write_data(project: Path, umkm: dict[str, list[str]], contoh: bool = False) -> None:
    (project / "data" / "umkm.yaml").write_text(data_text(umkm, contoh), encoding="utf-8")


LEDGER = Path("data") / "id-terbit.txt"


def record(project: Path, umkm: dict[str, list[str]] = TWO) -> None:
    """The ledger `build --catat` writes for `umkm` (tested on its own below); tests that are
    about reading the ledger start from it without paying for a build."""
    certs = [c for cs in umkm.values() for c in cs]
    ledger.write(project / LEDGER, ledger.Ledger(certs, list(umkm)))


# -- the ledger: written only by a build that is going to be published -----------------------


def test_build_catat_records_ids_and_later_builds_keep_their_indices(project):
    r = run_generator(project, "build")
    assert r.returncode == 0, r.stdout + r.stderr
    assert not (project / LEDGER).exists()  # a local build records nothing
    r = run_generator(project, "build", "--catat")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "5 id baru dicatat" in r.stderr  # 3 certificates + 2 UMKM
    assert "wajib di-commit" in r.stderr
    first = ledger.read(project / LEDGER)
    assert first.certificates == ["uji-0001", "uji-0002", "uji-0003"]
    # a new certificate placed first in the file still comes after the recorded ones
    write_data(project, {"batik-nol": ["uji-0000"], **TWO})
    assert run_generator(project, "build", "--catat").returncode == 0
    again = ledger.read(project / LEDGER)
    assert again.certificates == ["uji-0001", "uji-0002", "uji-0003", "uji-0000"]
    assert again.index("uji-0000") == 3 and again.index("uji-0001") == 0
    assert run_generator(project, "check").returncode == 0


def test_sample_data_never_writes_a_ledger(tmp_path):
    project = make_project(tmp_path / "p", data_text(TWO, contoh=True), site_url=SITE_URL)
    r = run_generator(project, "build", "--catat")
    assert r.returncode == 0, r.stdout + r.stderr
    assert not (project / LEDGER).exists() and "Data contoh" in r.stderr


def test_a_registry_with_a_ledger_may_not_go_back_to_sample(project):
    record(project)
    write_data(project, TWO, contoh=True)
    for cmd in (("check",), ("build",)):
        r = run_generator(project, *cmd)
        assert r.returncode == 1, r.stdout
        assert "data/umkm.yaml:6:1: registri.contoh: true" in r.stdout
        assert "contoh: false" in r.stdout


def test_a_recorded_id_missing_from_the_data_fails_check_and_build_at_its_ledger_line(project):
    assert run_generator(project, "build", "--catat").returncode == 0
    site_before = sorted(p.name for p in (project / "site" / "verifikasi").iterdir())
    write_data(project, {"batik-satu": ["uji-0001"]})
    line = (project / LEDGER).read_text("utf-8").splitlines().index("sertifikat 1 uji-0002") + 1
    r = run_generator(project, "check")
    assert r.returncode == 1
    assert f"data/id-terbit.txt:{line}:1: sertifikat 'uji-0002' sudah terbit" in r.stdout
    assert "status: dicabut" in r.stdout and "uji-0003" in r.stdout and "batik-dua" in r.stdout
    assert "Traceback" not in r.stdout + r.stderr
    r = run_generator(project, "build", "--catat")
    assert r.returncode == 1 and "uji-0002" in r.stdout
    assert sorted(p.name for p in (project / "site" / "verifikasi").iterdir()) == site_before


def test_a_damaged_ledger_is_reported_at_its_line(project):
    (project / LEDGER).write_text("sertifikat 0 uji-0001\nsertifikat 5 uji-0002\n")
    r = run_generator(project, "check")
    assert r.returncode == 1 and "data/id-terbit.txt:2:1: nomor urut 5 seharusnya 1" in r.stdout


# -- the ledger's own git history ------------------------------------------------------------

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


@needs_git
def test_removing_ids_from_data_and_ledger_together_is_caught_by_git_history(project):
    git(project, "init", "-q", "-b", "main")
    record(project)
    git(project, "add", "data")
    git(project, "commit", "-q", "-m", "terbit pertama")
    commit = git(project, "rev-parse", "--short", "HEAD").strip()
    # the admin removes a certificate and "tidies" the ledger to match
    write_data(project, {"batik-satu": ["uji-0001", "uji-0002"], "batik-dua": []})
    text = (project / LEDGER).read_text("utf-8").replace("sertifikat 2 uji-0003\n", "")
    (project / LEDGER).write_text(text, encoding="utf-8")
    git(project, "commit", "-q", "-am", "rapikan")
    r = run_generator(project, "check")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "data/id-terbit.txt: baris 'sertifikat 2 uji-0003' pernah tercatat" in r.stdout
    assert f"(commit {commit})" in r.stdout
    r = run_generator(project, "build", "--catat")
    assert r.returncode == 1 and "uji-0003" in r.stdout
    # swapping two status-list indices (every id still there) is caught the same way
    git(project, "revert", "--no-edit", "HEAD")
    assert run_generator(project, "check").returncode == 0
    text = (project / LEDGER).read_text("utf-8")
    text = text.replace("sertifikat 0 uji-0001", "sertifikat 0 uji-0002", 1).replace(
        "sertifikat 1 uji-0002", "sertifikat 1 uji-0001", 1
    )
    (project / LEDGER).write_text(text, "utf-8")
    r = run_generator(project, "check")
    assert r.returncode == 1 and "'sertifikat 0 uji-0001' pernah tercatat" in r.stdout


@needs_git
def test_shallow_clone_and_no_repository_give_warnings(project, tmp_path):
    r = run_generator(project, "check")
    assert r.returncode == 0, r.stdout + r.stderr  # not a git repository: a warning
    assert "bukan repositori git" in r.stderr
    git(project, "init", "-q", "-b", "main")
    record(project)
    git(project, "add", "data", "mkdocs.yml")
    git(project, "commit", "-q", "-m", "satu")
    write_data(project, {**TWO, "batik-tiga": ["uji-0004"]})
    record(project, {**TWO, "batik-tiga": ["uji-0004"]})
    git(project, "commit", "-q", "-am", "dua")
    clone = tmp_path / "dangkal"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{project}", str(clone))
    r = run_generator(clone, "check")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "klon git dangkal" in r.stderr and "fetch-depth: 0" in r.stderr


# -- manifests of built sites: the last local build, the live site ---------------------------


def test_check_compares_with_the_last_local_build(project):
    """No ledger yet (nothing published): the local site/ still catches a removed id."""
    assert run_generator(project, "build").returncode == 0
    write_data(project, {"batik-satu": ["uji-0001", "uji-0002"], "batik-dua": []})
    r = run_generator(project, "check")
    assert r.returncode == 1
    assert "sertifikat 'uji-0003' sudah pernah terbit" in r.stdout
    assert "site/api/manifest.json" in r.stdout
    # another data file is not compared with this project's site
    other = project / "lain.yaml"
    other.write_text(data_text({"batik-lain": ["lain-0001"]}), encoding="utf-8")
    assert run_generator(project, "check", "--data", "lain.yaml").returncode == 0


def test_sample_data_against_its_local_build_only_warns(tmp_path):
    project = make_project(tmp_path / "p", data_text(TWO, contoh=True), site_url=SITE_URL)
    assert run_generator(project, "build").returncode == 0
    write_data(project, {"batik-satu": ["uji-0001"]}, contoh=True)
    r = run_generator(project, "check")
    assert r.returncode == 0 and "tidak ada di data contoh ini" in r.stderr
    # and going from the sample to a real registry compares nothing
    write_data(project, {"batik-nyata": ["nyata-0001"]})
    r = run_generator(project, "check")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "dibangun dari data contoh" in r.stderr


@pytest.fixture(scope="module")
def live(tmp_path_factory, serve_dir):
    """A local 'live site': /terbit/ has a manifest, anything else is 404."""
    root = tmp_path_factory.mktemp("live")
    (root / "terbit" / "api").mkdir(parents=True)
    (root / "terbit" / "api" / "manifest.json").write_text(
        json.dumps({"contoh": False, "sertifikat": ["uji-0001"], "umkm": []})
    )
    return serve_dir(root)


def test_previous_404_passes_only_while_the_ledger_is_empty(project, live):
    wrong = f"{live}salah/api/manifest.json"
    r = run_generator(project, "check", "--previous", wrong)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "belum pernah terbit" in r.stderr
    record(project)
    r = run_generator(project, "check", "--previous", wrong)
    assert r.returncode == 1
    assert "HTTP 404" in r.stdout and "site_url di mkdocs.yml kemungkinan salah" in r.stdout
    assert "mencatat 5 id" in r.stdout


def test_previous_live_manifest_is_compared(project, live):
    write_data(project, {"batik-dua": ["uji-0003"]})
    r = run_generator(project, "check", "--previous", f"{live}terbit/api/manifest.json")
    assert r.returncode == 1 and "uji-0001" in r.stdout and "status: dicabut" in r.stdout


def test_manifest_json_says_whether_it_is_sample_data(project):
    from datetime import UTC, datetime

    from generator.data import load
    from generator.publish import manifest

    registry = load.load(project / "data" / "umkm.yaml")
    data = manifest.manifest_data(registry, datetime(2026, 1, 1, tzinfo=UTC))
    assert data["contoh"] is False and data["sertifikat"] == ["uji-0001", "uji-0002", "uji-0003"]


# -- the workflow's commit-back: standard library only, and only an extension lands --------


def _merge(new: Path, current: Path) -> subprocess.CompletedProcess:
    """`python -S` (no site-packages: nothing installed) -m generator.publish.ledger gabung."""
    import sys

    from conftest import ROOT

    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run(
        [sys.executable, "-S", "-m", "generator.publish.ledger", "gabung", str(new), str(current)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_commit_back_writes_only_a_ledger_that_extends_main(tmp_path):
    base = ledger.Ledger(["uji-0001"], ["batik-satu"])
    current, new = tmp_path / "main.txt", tmp_path / "baru.txt"
    ledger.write(current, base)
    ledger.write(new, ledger.Ledger(["uji-0001", "uji-0002"], ["batik-satu", "batik-dua"]))
    r = _merge(new, current)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "2 id baru dicatat" in r.stdout
    assert current.read_text() == new.read_text()
    # main moved on meanwhile (another run recorded uji-0003 as index 1): refuse, change nothing
    ledger.write(current, ledger.Ledger(["uji-0001", "uji-0003"], ["batik-satu"]))
    before = current.read_text()
    r = _merge(new, current)
    assert r.returncode == 1 and "TIDAK diterbitkan" in r.stderr
    assert current.read_text() == before
    # first deploy: no ledger on main yet
    r = _merge(new, tmp_path / "belum-ada.txt")
    assert r.returncode == 0 and (tmp_path / "belum-ada.txt").read_text() == new.read_text()
