"""One rule for reading any file the user names (issue 18, item 6): regular files only, size
checked before reading, symlinks followed and their targets checked the same way, for every
option of every command (found by walking the argparse parsers: tests/path_options.py).

Before: `check --data /dev/zero`, `--config /dev/zero`, `--previous /dev/zero`, `verify --kunci
/dev/zero` and `import` of a symlink to /dev/zero named .xlsx ended in MemoryError tracebacks; a
FIFO as `--data` hung forever; a symlink loop as `build --data` or `--site-dir` was a
RuntimeError traceback.
"""

from __future__ import annotations

import os

import pytest
from conftest import make_project
from path_options import ENV_PATHS, OPTIONS, argv_for, hostile_paths, run_many, walk

from generator.data import user_files
from generator.signing import keys


def test_every_option_is_classified():
    """A new option of any command must be added to OPTIONS (and so to the tests below)."""
    assert sorted(walk()) == sorted(OPTIONS)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    p = make_project(tmp_path_factory.mktemp("jalur"))
    (p / "impor.csv").write_text("id,nama\n", encoding="utf-8")
    return p


PATH_OPTIONS = [(c, o, r) for (c, o), r in {**OPTIONS}.items() if r != "-"]


@pytest.mark.parametrize(
    "command,option,role", PATH_OPTIONS, ids=[f"{c}-{o}" for c, o, _ in PATH_OPTIONS]
)
def test_a_hostile_path_gets_one_line_and_exit_1(project, command, option, role):
    suffix = ".xlsx" if option == "berkas" else ".yaml"
    kinds = hostile_paths(project / "jahat", suffix)
    if role != "in":  # a folder is what these options want
        kinds.pop("folder")
    results = run_many(project, [argv_for(command, option, path) for path in kinds.values()])
    for (kind, path), (rc, out) in zip(kinds.items(), results, strict=True):
        lines = [line for line in out.splitlines() if line.strip()]
        assert rc == 1, (kind, rc, out[-2000:])
        assert "Traceback" not in out, (kind, out[-2000:])
        if role == "in":
            assert len(lines) == 1 and lines[0].startswith(f"{path}: "), (kind, lines)
        else:
            assert 1 <= len(lines) <= 2, (kind, lines)


@pytest.mark.parametrize("kind", ["perangkat", "pipa", "folder", "tautan-ke-perangkat"])
def test_the_private_key_file_variable_follows_the_rule(tmp_path, kind):
    (name,) = [option for _, option in ENV_PATHS]
    path = hostile_paths(tmp_path)[kind]
    with pytest.raises(keys.SigningError) as e:
        keys.private_key_from_env({name: path})
    assert str(e.value).startswith(f"{name}={path}: ") and "\n" not in str(e.value)


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    """(Before, `check --data FIFO` hung in open(): it waits for a writer that never comes.)"""
    fifo = tmp_path / "pipa"
    os.mkfifo(fifo)
    with pytest.raises(user_files.UserFileError, match=r"pipa \(FIFO\)"):
        user_files.read_bytes(fifo, user_files.DATA)


def test_a_symlink_to_a_regular_file_is_read_and_its_target_size_counts(tmp_path):
    target = tmp_path / "besar.yaml"
    target.write_bytes(b"x" * 2000)
    link = tmp_path / "tautan.yaml"
    link.symlink_to(target)
    assert user_files.read_bytes(link, user_files.Kind("berkas uji", 2000)) == b"x" * 2000
    with pytest.raises(user_files.UserFileError, match="berkas uji terlalu besar"):
        user_files.read_bytes(link, user_files.Kind("berkas uji", 1999))


def test_a_data_file_of_nul_bytes_is_refused_in_one_pass(project, tmp_path):
    """A sparse 8 MB file (all NUL) under the data limit: before, the scan for forbidden
    characters looked back to the line start for each of them (quadratic on one line) and ran
    for minutes; run_many stops a case after 20 s."""
    sparse = tmp_path / "nol.yaml"
    with open(sparse, "wb") as f:
        f.truncate(8 * 2**20)
    ((rc, out),) = run_many(project, [(["check", "--data", str(sparse)], {})])
    assert rc == 1, out[-500:]
    assert "mungkin biner" in out and "Traceback" not in out
