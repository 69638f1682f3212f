"""The GitHub Pages workflow: triggers, permissions, actions, and the commands it runs."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "publish.yml"
README = ROOT / "README.md"

INSTALL = 'pip install -c constraints.txt -e ".[test]"'
TEST = "python -m pytest"


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def _steps(workflow: dict, job: str) -> list[dict]:
    return workflow["jobs"][job]["steps"]


def _uses(workflow: dict, job: str) -> dict[str, dict]:
    return {s["uses"]: s.get("with", {}) for s in _steps(workflow, job) if "uses" in s}


def _run_lines(workflow: dict) -> list[str]:
    return [
        line.strip()
        for job in workflow["jobs"].values()
        for step in job["steps"]
        for line in step.get("run", "").splitlines()
    ]


def test_triggers(workflow):
    on = workflow.get("on", workflow.get(True))  # PyYAML (YAML 1.1) reads `on:` as True
    assert on["push"]["branches"] == ["main"]
    (schedule,) = on["schedule"]
    fields = schedule["cron"].split()
    assert len(fields) == 5 and fields[2:] == ["*", "*", "*"], "daily"
    assert "workflow_dispatch" in on


def test_permissions_and_concurrency(workflow):
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert workflow["concurrency"]["group"] == "pages"


def test_actions(workflow):
    build = _uses(workflow, "build")
    assert "actions/checkout@v4" in build
    assert str(build["actions/setup-python@v5"]["python-version"]) == "3.11"
    assert "actions/configure-pages@v5" in build
    assert build["actions/upload-pages-artifact@v3"]["path"] == "site"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    assert "actions/deploy-pages@v4" in _uses(workflow, "deploy")


def test_build_order(workflow):
    """Install, guard, test, build, then upload: nothing is published that failed a check."""
    names = []
    for step in _steps(workflow, "build"):
        text = step.get("run", step.get("uses", ""))
        for key, marker in (
            ("install", INSTALL),
            ("guard", "python -m generator check --previous"),
            ("test", TEST),
            ("build", "python -m generator build --strict"),
            ("upload", "actions/upload-pages-artifact"),
        ):
            if marker in text:
                names.append(key)
    assert names == ["install", "guard", "test", "build", "upload"]


def test_guard_reads_the_live_manifest(workflow):
    runs = "\n".join(_run_lines(workflow))
    assert 'python -m generator check --previous "${site_url}api/manifest.json"' in runs
    assert "config.require_site_url(config.read_mkdocs_yml()" in runs
    assert "python -m generator build --strict" in runs


def test_tests_run_in_real_chrome(workflow):
    test_step = next(s for s in _steps(workflow, "build") if TEST in s.get("run", ""))
    assert "CHROMIUM_PATH=" in test_step["run"] and "google-chrome" in test_step["run"]


def test_build_date_is_the_day_of_the_run(workflow):
    """SOURCE_DATE_EPOCH would freeze expiry at the commit date: the daily run needs today."""
    env_values = [workflow.get("env", {})] + [j.get("env", {}) for j in workflow["jobs"].values()]
    env_values += [s.get("env", {}) for j in workflow["jobs"].values() for s in j["steps"]]
    assert not any("SOURCE_DATE_EPOCH" in env for env in env_values)
    assert not any("SOURCE_DATE_EPOCH=" in line for line in _run_lines(workflow))


def test_install_and_test_commands_are_the_readme_ones(workflow):
    if not README.exists():
        pytest.skip("README.md is not written yet")
    fenced = "\n".join(
        re.findall(r"^```[^\n]*\n(.*?)^```", README.read_text(encoding="utf-8"), re.M | re.S)
    )
    runs = _run_lines(workflow)
    for command in (INSTALL, TEST):
        assert command in fenced, f"README.md has no code block with: {command}"
        assert any(line == command or line.startswith(command + " ") for line in runs), command


# --- the guard step, run as the runner runs it (bash -e), against a local site -------------


@pytest.fixture
def guard_script(workflow) -> str:
    step = next(
        s for s in _steps(workflow, "build") if "generator check --previous" in s.get("run", "")
    )
    return step["run"]


# contoh: true, because the local site's address (127.0.0.1) is one that `check` refuses
# for a real registry (SPEC "Trust": no placeholder address ever reaches paper).
DATA = """
registri: {judul: Registri Uji, penerbit: Dinas Uji, wilayah: Kabupaten Uji, contoh: true}
sektor: {batik: Batik}
kecamatan: [Kraksaan]
lsp: {uji: {nama: LSP Uji}}
umkm:
  - {id: batik-satu, nama: Batik Satu, pemilik: Siti, sektor: batik, kecamatan: Kraksaan}
"""


def _run_guard(script: str, cwd: Path, site_url: str | None) -> subprocess.CompletedProcess:
    (cwd / "data").mkdir(exist_ok=True)
    (cwd / "data" / "umkm.yaml").write_text(DATA, encoding="utf-8")
    lines = ["site_name: Uji"] + ([f"site_url: {site_url}"] if site_url else [])
    (cwd / "mkdocs.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.run(
        ["bash", "-e", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_guard_step_passes_on_first_deploy_and_fails_on_a_lost_id(
    guard_script, tmp_path, serve_dir
):
    site = tmp_path / "site"
    site.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    base = serve_dir(site)

    first = _run_guard(guard_script, work, base)  # nothing published yet: 404
    assert first.returncode == 0, first.stdout + first.stderr

    (site / "api").mkdir()
    (site / "api" / "manifest.json").write_text(
        json.dumps({"versi_format": 1, "sertifikat": ["uji-2019-0001"], "umkm": ["batik-satu"]})
    )
    lost = _run_guard(guard_script, work, base)
    assert lost.returncode == 1
    assert "uji-2019-0001" in lost.stdout and "status: dicabut" in lost.stdout


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_guard_step_without_site_url_fails_with_a_message(guard_script, tmp_path):
    result = _run_guard(guard_script, tmp_path, None)
    assert result.returncode != 0
    assert "::error::" in result.stderr and "site_url" in result.stderr
    assert "Traceback" not in result.stderr
