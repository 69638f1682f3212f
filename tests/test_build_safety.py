"""Where a build may write, one build at a time, and a swap that never leaves the site missing
(issue 9, faults 1 and 7)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import ROOT, make_project, run_generator, run_mkdocs
from hostile import hostile_yaml

from generator.publish import lock, site_folder


def tree(folder: Path) -> dict[str, str]:
    """Every file and folder under `folder` (hidden ones and .git included) with its hash."""
    out = {}
    for p in sorted(folder.rglob("*")):
        rel = str(p.relative_to(folder))
        out[rel] = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
    return out


@pytest.fixture
def project(tmp_path) -> Path:
    p = make_project(tmp_path / "proyek", hostile_yaml())
    (p / ".git").mkdir()
    (p / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    return p


def _outside(tmp_path: Path) -> dict[str, str]:
    return {k: v for k, v in tree(tmp_path).items() if not k.startswith("proyek/.cache")}


# -- fault 1: a build replaces only a folder that is missing, empty, or an earlier site ------


@pytest.mark.parametrize(
    "site_dir, words",
    [
        (".", "ini adalah folder proyek"),
        ("docs", "ini adalah folder halaman"),
        ("data", "ini adalah folder data"),
        ("overrides", "ini adalah folder tema"),
        (".git", "ini adalah riwayat git"),
        ("..", "memuat folder proyek"),
        ("docs/situs", "di dalam folder halaman"),
        ("overrides/x", "di dalam folder tema"),
        ("mkdocs.yml", "ini berkas, bukan folder"),
        ("../lain", "bukan situs buatan Registri UMKM"),
    ],
)
def test_build_refuses_a_site_dir_it_may_not_replace(project, tmp_path, site_dir, words):
    other = tmp_path / "lain"
    other.mkdir()
    (other / "skripsi.docx").write_bytes(b"tidak boleh hilang")
    before = _outside(tmp_path)
    r = run_generator(project, "build", "--site-dir", site_dir)
    assert r.returncode == 1, r.stdout + r.stderr
    assert words in r.stdout and "Traceback" not in r.stdout + r.stderr
    assert _outside(tmp_path) == before


@pytest.mark.parametrize("site_dir", ["data", ".", "docs", ".."])
def test_site_dir_in_mkdocs_yml_is_guarded_too(project, tmp_path, site_dir):
    cfg = project / "mkdocs.yml"
    cfg.write_text(cfg.read_text("utf-8").replace("site_dir: site", f"site_dir: {site_dir}"))
    before = _outside(tmp_path)
    r = run_generator(project, "build")
    assert r.returncode == 1 and "tidak boleh dipakai sebagai folder situs" in r.stdout
    assert _outside(tmp_path) == before


@pytest.mark.parametrize("site_dir", ["data", "../lain"])
def test_plain_mkdocs_build_is_guarded_by_the_hook(project, tmp_path, site_dir):
    """mkdocs itself refuses a site_dir holding docs/; the hook refuses the rest."""
    (tmp_path / "lain").mkdir()
    (tmp_path / "lain" / "laporan.xlsx").write_bytes(b"tidak boleh hilang")
    cfg = project / "mkdocs.yml"
    cfg.write_text(cfg.read_text("utf-8").replace("site_dir: site", f"site_dir: {site_dir}"))
    before = _outside(tmp_path)
    r = run_mkdocs(project, env={"REGISTRI_CACHE_DIR": str(tmp_path / "qr")}, timeout=300)
    assert r.returncode != 0
    assert "tidak boleh dipakai sebagai folder situs" in r.stderr
    assert _outside(tmp_path) == before


def test_plain_mkdocs_build_marks_its_site(project, tmp_path):
    r = run_mkdocs(project, env={"REGISTRI_CACHE_DIR": str(tmp_path / "qr")}, timeout=300)
    assert r.returncode == 0, r.stderr
    assert (project / "site" / site_folder.SITE_MARKER).is_file()


def test_build_replaces_a_missing_folder_and_then_its_own_earlier_site(project, tmp_path):
    target = tmp_path / "baru"
    for _ in range(2):  # missing, then an earlier site of ours
        r = run_generator(project, "build", "--site-dir", str(target))
        assert r.returncode == 0, r.stdout + r.stderr
        assert (target / "umkm" / "jahat" / "index.html").is_file()
        assert (target / site_folder.SITE_MARKER).is_file()


def test_check_site_dir_unit(tmp_path):
    project = tmp_path / "p"
    (project / "docs").mkdir(parents=True)
    assert site_folder.check_site_dir(project / "site", project) == (project / "site").resolve()
    (project / "kosong").mkdir()  # an empty folder
    assert site_folder.check_site_dir(project / "kosong", project)
    legacy = project / "lama"  # a site built before the marker existed
    (legacy / "api").mkdir(parents=True)
    (legacy / "index.html").write_text("<!doctype html>")
    (legacy / "api" / "manifest.json").write_text("{}")
    assert site_folder.check_site_dir(legacy, project)
    (legacy / "api" / "manifest.json").unlink()
    with pytest.raises(site_folder.SiteDirError, match="bukan situs buatan"):
        site_folder.check_site_dir(legacy, project)
    with pytest.raises(site_folder.SiteDirError):
        site_folder.check_site_dir(tmp_path, project)
    with pytest.raises(site_folder.SiteDirError):  # the data file's own folder
        site_folder.check_site_dir(tmp_path / "d", project, tmp_path / "d" / "umkm.yaml")
    with pytest.raises(site_folder.SiteDirError):  # docs_dir as mkdocs.yml names it
        site_folder.check_site_dir(project / "halaman", project, cfg={"docs_dir": "halaman"})


# -- fault 7: one build at a time ------------------------------------------------------------


def test_second_build_waits_then_refuses_with_a_message(project):
    with lock.project_lock(project):
        r = run_generator(project, "build", env={lock.WAIT_ENV: "1"})
    assert r.returncode == 1
    assert "Menunggu proses lain" in r.stderr
    assert f"(PID {os.getpid()})" in r.stdout and "Tidak ada yang diubah" in r.stdout
    assert not (project / "site").exists() and not (project / "docs" / "umkm").exists()


def test_second_build_waits_and_then_builds(project):
    held = threading.Event()
    release = threading.Event()

    def holder():
        with lock.project_lock(project):
            held.set()
            release.wait(30)

    t = threading.Thread(target=holder)
    t.start()
    held.wait(10)
    threading.Timer(2.0, release.set).start()
    r = run_generator(project, "build", env={lock.WAIT_ENV: "60"})
    t.join()
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Menunggu proses lain" in r.stderr
    assert (project / "site" / "umkm" / "jahat" / "index.html").is_file()


def test_the_lock_is_reentrant_in_one_process(tmp_path):
    with lock.project_lock(tmp_path), lock.project_lock(tmp_path):
        pass
    with lock.project_lock(tmp_path):  # released: taken again at once
        pass


def _complete(site_dir: Path) -> bool:
    import json

    manifest = json.loads((site_dir / "api" / "manifest.json").read_text("utf-8"))
    return all((site_dir / "umkm" / u / "index.html").is_file() for u in manifest["umkm"]) and all(
        (site_dir / "verifikasi" / c / "index.html").is_file() for c in manifest["sertifikat"]
    )


def test_two_builds_at_once_both_give_complete_sites(tmp_path):
    """Before the lock, two builds sharing docs/ gave sites with missing profiles."""
    project = make_project(tmp_path / "proyek")  # the sample: 100 UMKM
    env = dict(
        os.environ,
        SOURCE_DATE_EPOCH="1795824000",
        NO_MKDOCS_2_WARNING="1",
        REGISTRI_CACHE_DIR=str(project / ".cache" / "qr"),
    )
    env.pop("REGISTRI_DATA", None)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "generator", "build", "--site-dir", name],
            cwd=project,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("situs-a", "situs-b")
    ]
    outs = [p.communicate(timeout=600) for p in procs]
    for p, (out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, out + err
        assert "Traceback" not in out + err
    assert _complete(project / "situs-a") and _complete(project / "situs-b")


# -- fault 7: the swap never leaves the site missing, even on SIGKILL ------------------------

KILLER = """
import os, pathlib, signal, sys
from generator.publish import swap
target = pathlib.Path(sys.argv[1]).resolve()
mode = sys.argv[2]
if mode == "no-exchange":
    swap._exchange = lambda a, b: False
orig_exchange = getattr(swap, "_exchange", lambda a, b: False)
orig_rename = pathlib.Path.rename
def die():
    os.kill(os.getpid(), signal.SIGKILL)
def exchange(a, b):
    done = orig_exchange(a, b)
    if done:
        die()
    return done
def rename(self, dest):
    out = orig_rename(self, dest)
    if pathlib.Path(self).resolve() == target:  # the old site was just moved away
        die()
    return out
swap._exchange = exchange
pathlib.Path.rename = rename
from generator.__main__ import main
sys.exit(main(sys.argv[3:]))
"""


def _kill_at_swap(project: Path, mode: str) -> subprocess.CompletedProcess:
    env = dict(
        os.environ,
        SOURCE_DATE_EPOCH="1795824000",
        NO_MKDOCS_2_WARNING="1",
        REGISTRI_CACHE_DIR=str(project / ".cache" / "qr"),
        PYTHONPATH=str(ROOT),
    )
    env.pop("REGISTRI_DATA", None)
    return subprocess.run(
        [sys.executable, "-c", KILLER, str(project / "site"), mode, "build"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_sigkill_at_the_swap_leaves_a_whole_site(project):
    assert run_generator(project, "build").returncode == 0
    data = project / "data" / "umkm.yaml"
    data.write_text(data.read_text("utf-8").replace("Batik Baik", "Batik Terbaru"), "utf-8")
    r = _kill_at_swap(project, "exchange")
    assert r.returncode == -9, r.stdout + r.stderr  # killed right after the swap
    page = project / "site" / "umkm" / "batik-baik" / "index.html"
    assert "Batik Terbaru" in page.read_text("utf-8")
    assert _complete(project / "site")
    leftovers = [p for p in project.iterdir() if p.name.startswith(".site.")]
    assert leftovers  # the old site, which the killed build did not get to delete
    assert run_generator(project, "build").returncode == 0
    assert not [p for p in project.iterdir() if p.name.startswith(".site.")]


def test_without_an_atomic_exchange_the_next_build_puts_the_site_back(project):
    """Where renameat2 is missing (Windows, macOS), a kill between the two renames leaves the
    old site aside; the next build, even a failing one, puts it back first."""
    assert run_generator(project, "build").returncode == 0
    before = tree(project / "site")
    r = _kill_at_swap(project, "no-exchange")
    assert r.returncode == -9, r.stdout + r.stderr
    data = project / "data" / "umkm.yaml"
    data.write_text(data.read_text("utf-8").replace("sektor: batik\n", "sektor: batk\n"), "utf-8")
    r = run_generator(project, "build")
    assert r.returncode == 1 and "batk" in r.stdout
    assert tree(project / "site") == before
    assert not [p for p in project.iterdir() if p.name.startswith(".site.")]


def test_leftovers_of_killed_builds_are_cleaned(project):
    assert run_generator(project, "build").returncode == 0
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    ).stdout.strip()
    left = project / f".site.baru-{dead}"
    left.mkdir()
    site_folder.mark_site(left)
    (left / "index.html").write_text("setengah")
    foreign = project / f".site.baru-{dead}x"  # not ours by name: kept
    foreign.mkdir()
    unmarked = project / ".site.lama-1"  # no marker: not ours, kept
    unmarked.mkdir()
    assert run_generator(project, "build").returncode == 0
    assert not left.exists() and foreign.exists() and unmarked.exists()


@pytest.mark.parametrize("command", ["build", "qr", "check"])
@pytest.mark.parametrize("config", ["data", "rusak.yml"])
def test_config_at_a_folder_or_a_non_utf8_file_is_one_line(project, tmp_path, command, config):
    # --config pointing at a folder, or at a file saved in another encoding (Windows-1252):
    # one Indonesian line and exit 1, never a traceback, nothing changed.
    (project / "rusak.yml").write_bytes(b"site_name: Registri \xff\xfe\n")
    before = _outside(tmp_path)
    r = run_generator(project, command, "--config", config)
    assert r.returncode == 1 and "Traceback" not in r.stderr + r.stdout, r.stderr
    assert f"{config}:" in r.stderr + r.stdout
    assert _outside(tmp_path) == before
