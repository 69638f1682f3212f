"""What is generated from the model and committed stays in step with it; the README's commands
are the ones CI runs."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.data import reference, schema
from generator.data.declarations import NAMED, RECORDS, ROOT, walk_fields

PROJECT = Path(__file__).resolve().parent.parent
README = PROJECT / "README.md"
GUIDE = PROJECT / reference.GUIDE_PATH
SCHEMA_FILE = PROJECT / schema.SCHEMA_PATH
DATA = PROJECT / "data" / "umkm.yaml"
CI_RUN = PROJECT / ".ci" / "run"

REGENERATE = "run `python -m generator docs` and commit the result"


def _readme() -> str:
    return README.read_text(encoding="utf-8")


def _readme_table() -> str:
    text = GUIDE.read_text(encoding="utf-8")
    assert text.count(reference.README_START) == 1, "start marker missing or repeated"
    assert text.count(reference.README_END) == 1, "end marker missing or repeated"
    body = text.split(reference.README_START, 1)[1].split(reference.README_END, 1)[0]
    assert body.startswith("\n")
    return body[1:]


def _command_after(marker: str) -> str:
    """The one command line of the ```sh block that follows `marker` in the README."""
    text = _readme()
    assert text.count(marker) == 1, f"{marker} missing or repeated in README.md"
    m = re.match(r"\s*```sh\n(.*?)\n```", text.split(marker, 1)[1], re.S)
    assert m, f"no ```sh block right after {marker}"
    lines = [line for line in m.group(1).splitlines() if line.strip()]
    assert len(lines) == 1, lines
    return lines[0]


def _schema_at(path: str) -> dict:
    """The sub-schema of a walk_fields() path, e.g. umkm[].sertifikat[].id, lsp.<kode>.nama."""
    node = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    for part in path.split("."):
        if part == "<kode>":
            node = node["additionalProperties"]
            continue
        key = part.removesuffix("[]")
        assert key in node.get("properties", {}), f"{path}: '{key}' not in the schema"
        node = node["properties"][key]
        if part.endswith("[]"):
            node = node["items"]
    return node


def test_committed_schema_is_generated_from_model():
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema.json_schema_text(), REGENERATE


def test_committed_schema_is_valid_draft_2020_12():
    jsonschema = pytest.importorskip("jsonschema")
    s = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(s)


def test_readme_field_table_is_generated_from_model():
    assert _readme_table() == reference.data_field_table(), REGENERATE


def test_every_field_is_in_readme_table():
    table = _readme_table()
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    paths_in_table = [row.split("`")[1] for row in rows]
    paths = [path for path, _ in walk_fields()]
    assert paths_in_table == paths
    for path, f in walk_fields():
        row = next(r for r in rows if r.startswith(f"| `{path}` |"))
        cells = [c.strip() for c in row.strip("|").split(" | ")]
        assert cells[2] == ("ya" if f.required else ""), row
        assert f.doc.replace("|", "\\|") in row, row


def test_every_field_is_in_schema():
    for path, f in walk_fields():
        node = _schema_at(path)
        if f.kind == NAMED:  # path ends in .<kode>: the field is the mapping of the codes
            node = _schema_at(path.removesuffix(".<kode>"))
        elif f.kind == RECORDS:  # path ends in []: the field is the list
            node = _schema_at(path.removesuffix("[]"))
            assert node["type"] == "array", path  # a list of records is never null
        assert node.get("description") == f.doc, path
        if f.pattern:
            got = node.get("pattern") or node.get("propertyNames", {}).get("pattern")
            assert got == f.pattern, path
        if f.choices:
            assert [c for c in node["enum"] if c is not None] == list(f.choices), path
        if not f.required and f.kind != RECORDS:  # empty optional keys are allowed
            assert "null" in node["type"], path


def test_schema_required_keys_follow_model():
    def check(fields, node, where):
        required = [f.key for f in fields if f.required]
        assert node.get("required", []) == required, where
        assert node["additionalProperties"] is False, f"{where}: unknown keys must fail"

    check(ROOT.fields, json.loads(SCHEMA_FILE.read_text(encoding="utf-8")), "berkas")
    for path, f in walk_fields():
        if f.fields:
            node = _schema_at(path)
            if f.kind == NAMED:
                node = _schema_at(path.removesuffix(".<kode>"))["additionalProperties"]
            check(f.fields, node, path)


def test_docs_command_reproduces_committed_files(tmp_path):
    (tmp_path / GUIDE.relative_to(PROJECT)).parent.mkdir(parents=True)
    (tmp_path / GUIDE.relative_to(PROJECT)).write_bytes(GUIDE.read_bytes())
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "docs", "--root", str(tmp_path)],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / GUIDE.relative_to(PROJECT)).read_bytes() == GUIDE.read_bytes()
    assert (tmp_path / schema.SCHEMA_PATH).read_bytes() == SCHEMA_FILE.read_bytes()


def test_docs_command_is_idempotent(tmp_path):
    (tmp_path / GUIDE.relative_to(PROJECT)).parent.mkdir(parents=True)
    shutil.copy(GUIDE, tmp_path / GUIDE.relative_to(PROJECT))
    for _ in range(2):
        subprocess.run(
            [sys.executable, "-m", "generator", "docs", "--root", str(tmp_path)],
            cwd=PROJECT,
            check=True,
            capture_output=True,
            timeout=120,
        )
    assert (tmp_path / GUIDE.relative_to(PROJECT)).read_text(encoding="utf-8") == GUIDE.read_text(
        encoding="utf-8"
    )


def test_data_file_points_editors_at_schema():
    first = DATA.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schema/umkm.schema.json"
    target = (DATA.parent / first.split("$schema=", 1)[1]).resolve()
    assert target == SCHEMA_FILE.resolve()
    assert target.is_file()


def test_ci_runs_the_readme_test_command():
    command = _command_after("<!-- test-command -->")
    assert "pytest" in command
    ci_lines = CI_RUN.read_text(encoding="utf-8").splitlines()
    assert command in ci_lines, f".ci/run must contain, as a line of its own:\n{command}"


def test_readme_build_command_uses_generator_build():
    command = _command_after("<!-- build-command -->")
    assert "python -m generator build" in command, command


@pytest.mark.parametrize("root", ["lain", "berkas.txt", "tanpa-tanda"])
def test_docs_root_that_is_no_project_is_one_line_and_writes_nothing(tmp_path, root):
    # --root at a folder without the admin guide, or at a file: no traceback, and no
    # schema/ left behind half-written.
    (tmp_path / "lain").mkdir()
    (tmp_path / "berkas.txt").write_text("catatan", encoding="utf-8")
    guide = tmp_path / "tanpa-tanda" / "docs" / "panduan" / "index.md"
    guide.parent.mkdir(parents=True)
    guide.write_text("# Panduan tanpa tanda tabel\n", encoding="utf-8")
    r = subprocess.run(
        [sys.executable, "-m", "generator", "docs", "--root", root],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert len(r.stderr.splitlines()) == 1 and r.stderr.startswith(root), r.stderr
    assert sorted(p.name for p in tmp_path.rglob("*")) == sorted(
        ["berkas.txt", "lain", "tanpa-tanda", "docs", "panduan", "index.md"]
    )
    assert guide.read_text(encoding="utf-8") == "# Panduan tanpa tanda tabel\n"
    assert (tmp_path / "berkas.txt").read_text(encoding="utf-8") == "catatan"
