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
from conftest import GIT_ENV, git

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


def test_permissions_each_job_only_what_it_needs(workflow):
    """Only deploy can publish; only catat can write to the repository, and it installs and
    tests nothing; the build job (pip, pytest) can only read."""
    assert workflow["permissions"] == {}
    jobs = workflow["jobs"]
    assert jobs["build"]["permissions"] == {"contents": "read", "pages": "read"}
    assert jobs["catat"]["permissions"] == {"contents": "write"}
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert set(jobs) == {"build", "catat", "deploy"}
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}


PIN = re.compile(r"^\s*(?:-\s+)?uses:\s+(\S+)@([0-9a-f]{40}) # (v\d+\.\d+\.\d+)\s*$")


def test_every_action_is_pinned_by_commit_sha_with_its_tag():
    lines = [ln for ln in WORKFLOW.read_text("utf-8").splitlines() if "uses:" in ln]
    assert len(lines) >= 9
    for line in lines:
        assert PIN.match(line), f"not pinned by a full SHA with '# vX.Y.Z': {line.strip()}"
    actions = {PIN.match(line)[1] for line in lines}
    assert actions == {
        "actions/checkout",
        "actions/setup-python",
        "actions/cache",
        "actions/upload-artifact",
        "actions/download-artifact",
        "actions/configure-pages",
        "actions/upload-pages-artifact",
        "actions/deploy-pages",
    }
    # one SHA per action: no two versions of the same action in one workflow
    pins = {}
    for line in lines:
        name, sha, _ = PIN.match(line).groups()
        assert pins.setdefault(name, sha) == sha, name


def _action(workflow: dict, job: str, name: str) -> dict:
    (step,) = [s for s in _steps(workflow, job) if s.get("uses", "").startswith(name + "@")]
    return step


def test_actions(workflow):
    checkout = _action(workflow, "build", "actions/checkout")["with"]
    assert checkout["fetch-depth"] == 0  # the ledger is checked against its whole history
    assert checkout["ref"] == "${{ github.ref }}"  # the newest main, not the pushed commit
    assert checkout["persist-credentials"] is False
    assert str(_action(workflow, "build", "actions/setup-python")["with"]["python-version"]) == (
        "3.11"
    )
    assert _action(workflow, "build", "actions/configure-pages")
    assert _action(workflow, "build", "actions/upload-pages-artifact")["with"]["path"] == "site"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == ["build", "catat"]
    assert deploy["environment"]["name"] == "github-pages"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]
    for words in (
        "!cancelled()",
        "refs/heads/main",
        "needs.build.result == 'success'",
        "needs.catat.result == 'success' || needs.catat.result == 'skipped'",
    ):
        assert words in deploy["if"]


def test_build_order(workflow):
    """Install, guard, test, build (recording new ids), then upload."""
    names = []
    for step in _steps(workflow, "build"):
        text = step.get("run", step.get("uses", ""))
        for key, marker in (
            ("install", INSTALL),
            ("guard", "python -m generator check --format github --previous"),
            ("test", TEST),
            ("build", "python -m generator build --strict --catat"),
            ("ledger", "actions/upload-artifact"),
            ("upload", "actions/upload-pages-artifact"),
        ):
            if marker in text:
                names.append(key)
    assert names == ["install", "guard", "test", "build", "ledger", "upload"]


def test_commit_back_job_installs_and_tests_nothing(workflow):
    job = workflow["jobs"]["catat"]
    assert job["needs"] == "build"
    assert "needs.build.outputs.id_baru == 'true'" in job["if"]
    assert "refs/heads/main" in job["if"]
    uses = [s["uses"].split("@")[0] for s in job["steps"] if "uses" in s]
    assert uses == ["actions/checkout", "actions/download-artifact"]
    runs = "\n".join(s.get("run", "") for s in job["steps"])
    for forbidden in ("pip", "pytest", "npm", "apt-get", "python -m generator "):
        assert forbidden not in runs
    assert "python3 -S -m generator.publish.ledger gabung" in runs


def test_guard_reads_the_live_manifest(workflow):
    runs = "\n".join(_run_lines(workflow))
    assert (
        'python -m generator check --format github --previous "${site_url}api/manifest.json"'
        in runs
    )
    assert "config.require_site_url(config.read_mkdocs_yml()" in runs


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
        s
        for s in _steps(workflow, "build")
        if "generator check --format github --previous" in s.get("run", "")
    )
    return step["run"]


# A real registry (contoh: false) at a real-looking address, the way the workflow sees one. The
# address is reached through an HTTP proxy on 127.0.0.1 (publish/fetch.py honours http_proxy),
# which serves a local folder: no test reaches the internet, and `check` sees no placeholder.
SITE_URL = "http://registri.dinkop-uji.go.id/"
DATA = """
registri:
  judul: Registri Uji
  penerbit: Dinas Uji
  wilayah: Kabupaten Uji
  kontak: {email: pengaduan@dinkop-uji.go.id}
  contoh: false
sektor: {batik: Batik}
kecamatan: [Kraksaan]
lsp: {uji: {nama: LSP Uji}}
umkm:
  - {id: batik-satu, nama: Batik Satu, pemilik: Siti, sektor: batik, kecamatan: Kraksaan}
"""


@pytest.fixture
def site_behind_proxy(tmp_path):
    """(folder, proxy URL): a proxy that answers every http://registri.dinkop-uji.go.id/PATH
    with the folder's PATH, or 404."""
    import http.server
    import threading
    from urllib.parse import urlsplit

    folder = tmp_path / "terbit"
    folder.mkdir()

    class Proxy(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            parts = urlsplit(self.path)
            file = folder / parts.path.lstrip("/")
            ok = parts.hostname == "registri.dinkop-uji.go.id" and file.is_file()
            body = file.read_bytes() if ok else b"<h1>404</h1>"
            self.send_response(200 if ok else 404)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield folder, f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


def _run_guard(
    script: str, cwd: Path, site_url: str | None, proxy: str = ""
) -> subprocess.CompletedProcess:
    (cwd / "data").mkdir(exist_ok=True)
    (cwd / "data" / "umkm.yaml").write_text(DATA, encoding="utf-8")
    lines = ["site_name: Uji"] + ([f"site_url: {site_url}"] if site_url else [])
    (cwd / "mkdocs.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "no_proxy")}
    env.update(
        {
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            "PYTHONPATH": str(ROOT),
            "http_proxy": proxy,
        }
    )
    return subprocess.run(
        ["bash", "-e", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_guard_step_passes_on_first_deploy_and_fails_on_a_lost_id(
    guard_script, tmp_path, site_behind_proxy
):
    site, proxy = site_behind_proxy
    work = tmp_path / "work"
    work.mkdir()

    first = _run_guard(guard_script, work, SITE_URL, proxy)  # nothing published yet: 404
    assert first.returncode == 0, first.stdout + first.stderr
    assert "belum pernah terbit" in first.stderr

    (site / "api").mkdir()
    (site / "api" / "manifest.json").write_text(
        json.dumps({"versi_format": 1, "sertifikat": ["uji-2019-0001"], "umkm": ["batik-satu"]})
    )
    lost = _run_guard(guard_script, work, SITE_URL, proxy)
    assert lost.returncode == 1, lost.stdout + lost.stderr
    assert "uji-2019-0001" in lost.stdout and "status: dicabut" in lost.stdout


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_guard_step_fails_on_a_404_once_ids_are_recorded(guard_script, tmp_path, site_behind_proxy):
    """A wrong or dead site_url cannot switch the guard off once the ledger has ids."""
    from generator.publish import ledger

    _, proxy = site_behind_proxy
    work = tmp_path / "work"
    (work / "data").mkdir(parents=True)
    ledger.write(work / "data" / "id-terbit.txt", ledger.Ledger([], ["batik-satu"]))
    result = _run_guard(guard_script, work, SITE_URL, proxy)
    assert result.returncode == 1
    assert "HTTP 404" in result.stdout
    assert "site_url di mkdocs.yml kemungkinan salah" in result.stdout


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_guard_step_without_site_url_fails_with_a_message(guard_script, tmp_path):
    result = _run_guard(guard_script, tmp_path, None)
    assert result.returncode != 0
    assert "::error::" in result.stderr and "site_url" in result.stderr
    assert "Traceback" not in result.stderr


# -- the test step: a missing browser fails the run, it never skips the browser tests -------


def _test_step(workflow: dict) -> dict:
    (step,) = [s for s in _steps(workflow, "build") if TEST in s.get("run", "")]
    return step


def _shim(folder: Path, name: str, body: str) -> None:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text("#!/bin/sh\n" + body + "\n", encoding="utf-8")
    path.chmod(0o755)


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_test_step_requires_the_browser(workflow, tmp_path):
    step = _test_step(workflow)
    assert step["env"]["REGISTRI_REQUIRE_BROWSER"] == "1"
    bin_dir = tmp_path / "bin"
    _shim(
        bin_dir,
        "python",
        'echo "python $* CHROMIUM_PATH=$CHROMIUM_PATH REQUIRE=$REGISTRI_REQUIRE_BROWSER"',
    )
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", **step["env"]}
    if shutil.which("google-chrome", path=env["PATH"]):
        pytest.skip("this machine has google-chrome on the system PATH")
    missing = subprocess.run(
        ["bash", "-e", "-c", step["run"]], env=env, capture_output=True, text=True, timeout=60
    )
    assert missing.returncode != 0
    assert "::error::" in missing.stdout and "python -m pytest" not in missing.stdout
    _shim(bin_dir, "google-chrome", "exit 0")
    found = subprocess.run(
        ["bash", "-e", "-c", step["run"]], env=env, capture_output=True, text=True, timeout=60
    )
    assert found.returncode == 0, found.stderr
    assert f"python -m pytest CHROMIUM_PATH={bin_dir}/google-chrome REQUIRE=1" in found.stdout


# -- the commit-back step, run as the runner runs it, against a local 'origin' -------------


@pytest.fixture
def origin(tmp_path) -> tuple[Path, Path]:
    """A bare 'origin' whose main holds the generator's ledger code and a ledger; and a clone
    of it, as actions/checkout leaves the catat job."""
    from generator.publish import ledger

    seed = tmp_path / "seed"
    for name in (
        "__init__.py",
        "publish/__init__.py",
        "publish/ledger.py",
        "data/__init__.py",
        "data/model.py",
        "data/declarations.py",
    ):
        (seed / "generator" / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "generator" / name, seed / "generator" / name)
    (seed / "data").mkdir()
    ledger.write(seed / "data" / "id-terbit.txt", ledger.Ledger(["uji-0001"], ["batik-satu"]))
    git(seed, "init", "-q", "-b", "main")
    git(seed, "add", ".")
    git(seed, "commit", "-q", "-m", "awal")
    bare = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", str(seed), str(bare))
    work = tmp_path / "work"
    git(tmp_path, "clone", "-q", str(bare), str(work))
    return bare, work


def _run_commit_back(workflow: dict, work: Path, tmp_path: Path, new_ledger) -> tuple:
    from generator.publish import ledger

    (step,) = [s for s in _steps(workflow, "catat") if "run" in s]
    temp = tmp_path / "runner-temp"
    (temp / "id-terbit").mkdir(parents=True, exist_ok=True)
    ledger.write(temp / "id-terbit" / "id-terbit.txt", new_ledger)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    if not (bin_dir / "python3").exists():
        (bin_dir / "python3").symlink_to(sys.executable)
    env = {
        **os.environ,
        **GIT_ENV,
        "RUNNER_TEMP": str(temp),
        "GITHUB_RUN_ID": "42",
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
    }
    env.pop("PYTHONPATH", None)
    r = subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return r, r.stdout + r.stderr


@pytest.mark.skipif(
    shutil.which("git") is None or shutil.which("bash") is None, reason="needs git and bash"
)
def test_commit_back_lands_an_extension_and_retries_a_lost_race(workflow, origin, tmp_path):
    from generator.publish import ledger

    bare, work = origin
    # the first push is rejected (another push landed meanwhile): the step fetches and retries
    hook = bare / "hooks" / "pre-receive"
    flag = tmp_path / "sekali"
    hook.write_text(f"#!/bin/sh\nif [ ! -e '{flag}' ]; then touch '{flag}'; exit 1; fi\nexit 0\n")
    hook.chmod(0o755)
    new = ledger.Ledger(["uji-0001", "uji-0002"], ["batik-satu", "batik-dua"])
    r, out = _run_commit_back(workflow, work, tmp_path, new)
    assert r.returncode == 0, out
    assert flag.exists()  # it did lose the first push
    landed = git(bare, "show", "main:data/id-terbit.txt")
    assert ledger.parse(landed).certificates == ["uji-0001", "uji-0002"]
    assert "run 42" in git(bare, "log", "-1", "--format=%s", "main")


@pytest.mark.skipif(
    shutil.which("git") is None or shutil.which("bash") is None, reason="needs git and bash"
)
def test_commit_back_refuses_when_main_gave_the_index_to_another_id(workflow, origin, tmp_path):
    from generator.publish import ledger

    bare, work = origin
    # meanwhile, main recorded uji-0003 as index 1
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(bare), str(other))
    ledger.write(
        other / "data" / "id-terbit.txt", ledger.Ledger(["uji-0001", "uji-0003"], ["batik-satu"])
    )
    git(other, "commit", "-q", "-am", "lain")
    git(other, "push", "-q", "origin", "main")
    before = git(bare, "rev-parse", "main")
    r, out = _run_commit_back(
        workflow, work, tmp_path, ledger.Ledger(["uji-0001", "uji-0002"], ["batik-satu"])
    )
    assert r.returncode != 0
    assert "TIDAK diterbitkan" in out
    assert git(bare, "rev-parse", "main") == before


# -- every workflow: pinned actions; the pull-request check (periksa.yml) -------------------------

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
PERIKSA = ROOT / ".github" / "workflows" / "periksa.yml"


def test_every_action_of_every_workflow_is_pinned_like_publish():
    """No `uses:` anywhere without a full SHA and its tag; the same action has the same pin in
    every workflow (the SHAs publish.yml uses)."""
    assert len(WORKFLOWS) >= 3
    pins: dict[str, str] = {}
    for wf in WORKFLOWS:
        for line in wf.read_text("utf-8").splitlines():
            if re.match(r"^\s*(?:-\s+)?uses:", line):
                m = PIN.match(line)
                assert m, f"{wf.name}: not pinned by a full SHA with '# vX.Y.Z': {line.strip()}"
                assert pins.setdefault(m[1], m[2]) == m[2], f"{wf.name}: {m[1]} pinned twice"


@pytest.fixture(scope="module")
def periksa() -> dict:
    return yaml.safe_load(PERIKSA.read_text(encoding="utf-8"))


def test_pull_request_workflow_triggers_and_least_permissions(periksa):
    on = periksa.get("on", periksa.get(True))
    assert set(on) == {"pull_request"}, "runs on pull requests only"
    paths = on["pull_request"]["paths"]
    for needed in ("data/**", "mkdocs.yml", "generator/**", "hooks/**", "overrides/**"):
        assert needed in paths
    assert periksa["permissions"] == {"contents": "read"}
    for job in periksa["jobs"].values():
        assert job.get("permissions", {"contents": "read"}) == {"contents": "read"}
    text = PERIKSA.read_text("utf-8")
    assert "secrets." not in text, "a pull request's code never sees the signing key"
    for publishing in ("deploy-pages", "upload-pages-artifact", "git push", "--catat"):
        assert publishing not in text
    runs = _run_lines(periksa)
    assert "python -m generator check --format github" in runs
    assert any(r.startswith("python -m generator build --strict --pratinjau") for r in runs)


def _run_periksa_steps(periksa: dict, project: Path, tmp_path: Path):
    """Each `run:` step after the install, in `project`, as the runner runs it (bash -e)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGISTRI_KUNCI")}
    env["RUNNER_TEMP"] = str(tmp_path / "runner")
    (tmp_path / "runner").mkdir(exist_ok=True)
    results = []
    for step in periksa["jobs"]["periksa"]["steps"]:
        run = step.get("run", "")
        if not run or "pip install" in run:
            continue
        results.append(
            subprocess.run(
                ["bash", "-e", "-c", run.replace("python ", f"{sys.executable} ")],
                cwd=project,
                capture_output=True,
                text=True,
                env=env,
                timeout=600,
            )
        )
    return results


def test_pull_request_check_passes_signed_data_without_the_key_and_flags_a_bad_line(
    periksa, tmp_path
):
    from conftest import SAMPLE, make_project
    from test_signing import new_key

    keydir = tmp_path / "kunci"
    keydir.mkdir()
    publik = new_key(keydir, "a", "kunci-a")[2]
    text = SAMPLE.read_text(encoding="utf-8").replace(
        "  contoh: true",
        f"  kunci:\n    - id: kunci-a\n      publik: {publik}\n      berlaku_mulai: 2026-01-01\n"
        "  contoh: true",
        1,
    )
    project = make_project(tmp_path / "p", text)
    results = _run_periksa_steps(periksa, project, tmp_path)
    assert [r.returncode for r in results] == [0, 0], [r.stdout + r.stderr for r in results]
    assert (tmp_path / "runner" / "situs" / "index.html").is_file()
    assert not (project / "site").exists(), "nothing where publishing would take it"
    # a bad line: a red cross, with the annotation on its line
    bad = text.replace("    kecamatan: Kraksaan\n", "    kecamatan: Atlantis\n", 1)
    (project / "data" / "umkm.yaml").write_text(bad, encoding="utf-8")
    (check, *_) = _run_periksa_steps(periksa, project, tmp_path)
    assert check.returncode == 1
    assert re.search(r"^::error file=data/umkm.yaml,line=\d+,col=\d+::", check.stdout, re.M)
