"""The import workflow (.github/workflows/impor.yml): its step script, run for real with bash in
a clone, against a bare repository as `origin`; `gh` (the GitHub CLI) is replaced by a script
that records what it was asked, since tests never reach the network."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
import yaml
from conftest import ROOT, SAMPLE

from generator.__main__ import main

WORKFLOW = ROOT / ".github" / "workflows" / "impor.yml"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def _step(workflow: dict) -> dict:
    (step,) = [s for s in workflow["jobs"]["impor"]["steps"] if "import" in s.get("run", "")]
    return step


def test_triggers_and_permissions(workflow):
    on = workflow.get("on", workflow.get(True))
    assert on == {"push": {"paths": ["data/impor/**"]}}
    assert workflow["permissions"] == {"contents": "write", "pull-requests": "write"}
    assert "github-actions[bot]" in workflow["jobs"]["impor"]["if"]
    run = _step(workflow)["run"]
    assert "--format github" in run and "--dry-run" in run
    assert "git push -q origin main" not in run


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


def _repo(tmp_path: Path) -> tuple[Path, Path]:
    """A bare `origin` with the sample data on main, and a clone of it as the runner has."""
    origin = tmp_path / "origin.git"
    seed = tmp_path / "seed"
    (seed / "data" / "impor").mkdir(parents=True)
    shutil.copy(SAMPLE, seed / "data" / "umkm.yaml")
    for name in ("mkdocs.yml",):
        shutil.copy(ROOT / name, seed / name)
    _git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    _git(seed, "init", "-q", "-b", "main")
    _git(seed, "add", "-A")
    _git(seed, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "awal")
    _git(seed, "remote", "add", "origin", str(origin))
    _git(seed, "push", "-q", "origin", "main")
    return origin, seed


def _upload(seed: Path, workbook: Path) -> None:
    """What github.com's "Upload files" to main does."""
    shutil.copy(workbook, seed / "data" / "impor" / workbook.name)
    _git(seed, "add", "-A")
    _git(seed, "-c", "user.name=admin", "-c", "user.email=a@a", "commit", "-qm", "Unggah")
    _git(seed, "push", "-q", "origin", "main")


def _run_step(workflow, tmp_path: Path, origin: Path) -> tuple[subprocess.CompletedProcess, Path]:
    runner = tmp_path / "runner"
    _git(tmp_path, "clone", "-q", str(origin), str(runner))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "gh.log"
    gh = bin_dir / "gh"
    gh.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" >> "{log}"\necho "---" >> "{log}"\n')
    gh.chmod(0o755)
    python = bin_dir / "python"
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    python.chmod(0o755)
    env = dict(os.environ)
    env.update(
        PATH=f"{bin_dir}{os.pathsep}{env['PATH']}",
        GITHUB_ACTIONS="true",
        GITHUB_REF_NAME="main",
        GITHUB_RUN_ID="4242",
        DEFAULT_BRANCH="main",
        GH_TOKEN="test",
    )
    proc = subprocess.run(
        ["bash", "-c", _step(workflow)["run"]],
        cwd=runner,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return proc, log


def _workbook(tmp_path: Path, change) -> Path:
    out = tmp_path / "angkatan-2025.xlsx"
    assert main(["export", "--data", str(SAMPLE), "--out", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    change(wb)
    wb.save(out)
    return out


def _set(ws, header: str, row: int, value) -> None:
    letter = next(c.column_letter for c in ws[1] if c.value == header)
    ws[f"{letter}{row}"] = value


def test_clean_upload_becomes_a_pull_request(workflow, tmp_path, capsys):
    origin, seed = _repo(tmp_path)
    book = _workbook(tmp_path, lambda wb: _set(wb["UMKM"], "desa", 2, "Desa Dari Excel"))
    capsys.readouterr()
    _upload(seed, book)
    proc, log = _run_step(workflow, tmp_path, origin)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert _git(origin, "rev-parse", "main").strip() == _git(seed, "rev-parse", "HEAD").strip(), (
        "main is not touched"
    )
    files = _git(origin, "ls-tree", "-r", "--name-only", "impor/4242").split()
    assert "data/impor/angkatan-2025.xlsx" not in files, "the workbook leaves the repository"
    data = _git(origin, "show", "impor/4242:data/umkm.yaml")
    assert "    desa: Desa Dari Excel\n" in data
    diff = _git(origin, "diff", "main", "impor/4242", "--", "data/umkm.yaml")
    assert sum(1 for ln in diff.splitlines() if ln.startswith(("+ ", "- "))) == 2
    args = log.read_text().split("---\n")
    create = [a for a in args if a.startswith("pr\ncreate")]
    assert create, args
    assert "--base\nmain\n--head\nimpor/4242\n" in create[0]
    assert "+    desa: Desa Dari Excel" in create[0], "the description shows the diff"


def test_faulty_upload_fails_with_annotations_and_changes_nothing(workflow, tmp_path, capsys):
    origin, seed = _repo(tmp_path)
    book = _workbook(tmp_path, lambda wb: _set(wb["Sertifikat"], "tanggal_terbit", 2, "27/08/2020"))
    capsys.readouterr()
    _upload(seed, book)
    before = _git(origin, "for-each-ref").strip()
    proc, log = _run_step(workflow, tmp_path, origin)
    assert proc.returncode == 1
    annotations = [ln for ln in proc.stdout.splitlines() if ln.startswith("::error file=")]
    assert annotations[0].startswith(
        "::error file=data/impor/angkatan-2025.xlsx,title=Sertifikat!"
    ), proc.stdout
    assert "ditulis sebagai teks" in annotations[0]
    assert _git(origin, "for-each-ref").strip() == before, "nothing pushed"
    assert not log.exists(), "no pull request"


def test_upload_with_a_confidential_sheet_is_refused(workflow, tmp_path, capsys):
    origin, seed = _repo(tmp_path)
    book = _workbook(tmp_path, lambda wb: wb.create_sheet("RAHASIA").append(["umkm_id", "nik"]))
    capsys.readouterr()
    _upload(seed, book)
    proc, _ = _run_step(workflow, tmp_path, origin)
    assert proc.returncode == 1
    assert "data rahasia tidak boleh ada di repositori publik" in proc.stdout
