"""A full disk during `build` (issue 18, item 11): one Indonesian line, exit 1, the old site
intact and no temp folder left. Before: an `OSError: [Errno 28]` traceback.

The disk is a real small tmpfs (mounted when the tests run as root), filled up to a few KB or
MB short of what the rebuild needs, so that it fails at different stages (copying files, the
engine's pages, the search index, whose program exits 0 leaving empty files); without root, a
file-size limit (RLIMIT_FSIZE, EFBIG) stands in.
"""

from __future__ import annotations

import hashlib
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXED_EPOCH, make_project

SIZE_MB = 40


def _tree(site: Path) -> str:
    h = hashlib.sha256()
    for f in sorted(site.rglob("*")):
        if f.is_file():
            h.update(f.relative_to(site).as_posix().encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


def _build(project: Path, preexec=None, *args: str):
    env = dict(os.environ, SOURCE_DATE_EPOCH=FIXED_EPOCH, NO_MKDOCS_2_WARNING="1")
    env["REGISTRI_CACHE_DIR"] = str(project / ".cache" / "qr")
    env.pop("REGISTRI_DATA", None)
    return subprocess.run(
        [sys.executable, "-m", "generator", "build", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        preexec_fn=preexec,
    )


@pytest.fixture
def small_disk(tmp_path):
    mnt = tmp_path / "disk"
    mnt.mkdir()
    if os.geteuid() != 0:
        pytest.skip("a tmpfs needs root (the file-size limit test runs instead)")
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={SIZE_MB}m", "tmpfs", str(mnt)])
    if r.returncode != 0:
        pytest.skip("tmpfs cannot be mounted here")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)])


def _assert_refused_cleanly(r, project: Path, before: str) -> None:
    out = r.stdout + r.stderr
    assert r.returncode == 1, out[-3000:]
    assert "Traceback" not in out, out[-3000:]
    lines = [line for line in out.splitlines() if line.strip()]
    assert any(w in line for line in lines for w in ("disk penuh", "batas ukuran")), lines
    assert len(lines) <= 3, lines
    assert _tree(project / "site") == before
    left = [p.name for p in project.iterdir() if p.name.startswith(".site.") or p.suffix == ".tmp"]
    assert left == [], left


# The rebuild is cold (--bersih): an incremental one links nearly everything and needs a few
# hundred KB; a cold one copies the theme's files (~3.7 MB) before the search index.
@pytest.mark.parametrize("free_kb", [16, 1000, 2500, 3500])
def test_a_full_disk_during_build_is_one_line_and_the_old_site_stays(small_disk, free_kb):
    project = make_project(small_disk / "p")
    first = _build(project)
    assert first.returncode == 0, first.stdout + first.stderr
    before = _tree(project / "site")
    st = os.statvfs(small_disk)
    with open(small_disk / "pengisi", "wb") as f:  # fill the disk but `free_kb`
        f.write(b"\0" * max(0, st.f_bavail * st.f_frsize - free_kb * 1024))
    _assert_refused_cleanly(_build(project, None, "--bersih"), project, before)


def test_a_file_size_limit_during_build_is_one_line_and_the_old_site_stays(tmp_path):
    """Without root: RLIMIT_FSIZE makes the first large file written fail with EFBIG."""
    project = make_project(tmp_path / "p")
    first = _build(project)
    assert first.returncode == 0, first.stdout + first.stderr
    before = _tree(project / "site")

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (200 * 1024, 200 * 1024))

    _assert_refused_cleanly(_build(project, limit, "--bersih"), project, before)
