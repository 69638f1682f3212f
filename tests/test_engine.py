"""The engine half of scale: the Markdown lever, write-only-changed, one QR cache, the streamed
YAML composer, and other engines (ProperDocs). Behaviour only; speed is benchmarks/' job."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import FIXED_EPOCH, ROOT, make_project, run_generator

from generator.__main__ import main
from generator.data import load
from generator.site import docs_files, qr

DAY = 86_400
# Run `python -m generator` with the Markdown lever off: every page through Python-Markdown.
WITHOUT_LEVER = (
    "import sys; from generator.site import docs_files; "
    "docs_files.raw_html_page = lambda *a: None; "
    "from generator.__main__ import main; sys.exit(main(sys.argv[1:]))"
)


def generated_files(project: Path) -> dict[str, tuple[int, int]]:
    """(inode, mtime_ns) of every file the generator writes into docs/ and overrides/."""
    out = {}
    roots = [project / "docs" / d for d in docs_files.GENERATED_DOCS]
    roots += [project / "overrides" / d for d in docs_files.GENERATED_OVERRIDES]
    files = [p for r in roots if r.is_dir() for p in r.rglob("*") if p.is_file()]
    files += [
        project / "docs" / f
        for f in docs_files.GENERATED_DOCS_FILES
        if (project / "docs" / f).exists()
    ]
    for p in files:
        st = p.stat()
        out[p.relative_to(project).as_posix()] = (st.st_ino, st.st_mtime_ns)
    return out


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """The sample registry, built once at the fixed date."""
    project = make_project(tmp_path_factory.mktemp("engine"))
    r = run_generator(project, "build", "--strict")
    assert r.returncode == 0, r.stdout + r.stderr
    return project


# ---------------------------------------------------------------------------------------------
# The Markdown lever


def test_markdown_lever_keeps_every_output_byte_identical(project, tmp_path):
    plain = tmp_path / "plain"
    e = {
        **os.environ,
        "SOURCE_DATE_EPOCH": FIXED_EPOCH,
        qr.CACHE_ENV: str(project / ".cache" / "qr"),
    }
    r = subprocess.run(
        [sys.executable, "-c", WITHOUT_LEVER, "build", "--strict", "--site-dir", str(plain)],
        cwd=project,
        env=e,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    built = project / "site"
    ours = sorted(p.relative_to(built) for p in built.rglob("*") if p.is_file())
    theirs = sorted(p.relative_to(plain) for p in plain.rglob("*") if p.is_file())
    assert ours == theirs
    different = [str(p) for p in ours if (built / p).read_bytes() != (plain / p).read_bytes()]
    assert different == []


def test_markdown_lever_takes_every_generated_page_but_the_api_page(project):
    """Most generated pages are complete HTML files the engine copies; the generated Markdown
    pages left are one HTML block each, but for the /api/ page (Markdown headings). Since the
    look-up page became a light page (issue 19), /api/ is the only generated Markdown page."""
    taken, left = [], []
    for path in sorted((project / "docs").rglob("*.md")):
        uri = path.relative_to(project / "docs").as_posix()
        text = path.read_text(encoding="utf-8").split("---\n", 2)[2]  # as MkDocs passes it
        (taken if docs_files.raw_html_page(uri, text) is not None else left).append(uri)
    generated = [
        u
        for u in taken + left
        if u.split("/")[0] in docs_files.GENERATED_DOCS or u in docs_files.GENERATED_DOCS_FILES
    ]
    assert sorted(taken) == sorted(u for u in generated if u != "api/index.md")
    assert generated == ["api/index.md"]
    assert "api/index.md" in left and "tentang.md" in left and "panduan/index.md" in left


def test_the_hook_sets_the_block_aside_and_puts_it_back(project):
    spec = importlib.util.spec_from_file_location("_hook", project / "hooks" / "registri.py")
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    page = SimpleNamespace(
        file=SimpleNamespace(src_uri="umkm/batik-uji/index.md"), meta={"title": "Batik Uji"}
    )
    block = '<div class="ru-profil">\n<h1>Batik *Uji*</h1>\n<p>a</p>\n</div>\n'
    assert hook.on_page_markdown(block, page, None, None) == ""
    assert hook.on_page_content("", page, None, None) == block.rstrip("\n")
    # a hand-written page, or one with Markdown in it, goes through Markdown as before
    other = SimpleNamespace(file=SimpleNamespace(src_uri="tentang.md"), meta={})
    assert hook.on_page_markdown(block, other, None, None) == block
    assert hook.on_page_content("<p>x</p>", other, None, None) == "<p>x</p>"
    two = block + "\n## Judul\n"
    assert hook.on_page_markdown(two, page, None, None) == two


@pytest.mark.parametrize(
    "text",
    [
        "<div>\n<p>a</p>\n\n<p>b</p>\n</div>\n",  # a blank line: two blocks for Markdown
        "<div>a</div>\ntext after\n",
        "<span>inline</span>\n",
        "# Judul\n",
        "",
    ],
)
def test_only_one_div_block_is_taken(text):
    assert docs_files.raw_html_page("umkm/x/index.md", text) is None


# ---------------------------------------------------------------------------------------------
# Write only what changed


def test_a_warm_rebuild_rewrites_no_generated_file(project):
    before = generated_files(project)
    later = str(int(FIXED_EPOCH) + 5 * 3600)  # same data, same day, five hours later
    r = run_generator(project, "build", epoch=later)
    assert r.returncode == 0, r.stdout + r.stderr
    after = generated_files(project)
    assert set(after) == set(before)
    # the one small file that carries the build time (api/dibangun.json, documented)
    assert [p for p in before if after[p] != before[p]] == ["docs/api/dibangun.json"]


def test_the_next_day_no_certificate_file_is_rewritten(project):
    registry = load.load(project / "data" / "umkm.yaml")
    before = generated_files(project)
    day2 = int(FIXED_EPOCH) + DAY + 3600
    r = run_generator(project, "build", epoch=str(day2))
    assert r.returncode == 0, r.stdout + r.stderr
    after = generated_files(project)
    changed = {p for p in before if after[p] != before[p]}
    from datetime import UTC, datetime

    d1 = datetime.fromtimestamp(int(FIXED_EPOCH), UTC).date()
    d2 = datetime.fromtimestamp(day2, UTC).date()
    flipped = {
        c.id for _, c in registry.certificates() if c.displayed_status(d1) != c.displayed_status(d2)
    }
    json_changed = {p for p in changed if p.startswith("docs/api/sertifikat/")}
    assert json_changed == {f"docs/api/sertifikat/{i}.json" for i in flipped}
    # back to the first day for the other tests of this module
    assert run_generator(project, "build").returncode == 0


# ---------------------------------------------------------------------------------------------
# One QR cache for pages and print


def test_qr_after_build_makes_no_code_anew(project, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(qr.CACHE_ENV, str(project / ".cache" / "qr"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    qr.clear_memory_cache()  # as a new process: only the disk cache the build left
    monkeypatch.setitem(qr.stats, "made", 0)
    monkeypatch.setitem(qr.stats, "cached", 0)
    out = tmp_path / "cetak"
    rc = main(
        [
            "qr",
            "--semua",
            "--data",
            str(project / "data" / "umkm.yaml"),
            "--out",
            str(out),
            "--config",
            str(project / "mkdocs.yml"),
        ]
    )
    assert rc == 0, capsys.readouterr()
    n = sum(1 for _ in load.load(project / "data" / "umkm.yaml").certificates())
    assert len(list(out.glob("*.png"))) == n
    assert qr.stats["made"] == 0 and qr.stats["cached"] >= n
    qr.clear_memory_cache()


# ---------------------------------------------------------------------------------------------
# Another engine: ProperDocs, the maintained drop-in fork of MkDocs 1.6


def test_properdocs_builds_the_same_site(project, tmp_path):
    pytest.importorskip("properdocs")
    other = tmp_path / "properdocs"
    r = run_generator(
        project, "build", "--strict", "--mesin", "properdocs", "--site-dir", str(other)
    )
    assert r.returncode == 0, r.stdout + r.stderr
    built = project / "site"
    files = sorted(p.relative_to(built) for p in built.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(other) for p in other.rglob("*") if p.is_file())
    generator = re.compile(rb'<meta name="generator" content="([^"]*)">')
    engines, themed = set(), set()
    for rel in files:
        ours, theirs = (built / rel).read_bytes(), (other / rel).read_bytes()
        if rel.suffix == ".html" and generator.search(theirs):
            engines |= set(generator.findall(theirs))
            themed.add(rel.as_posix())
            ours, theirs = generator.sub(b"", ours), generator.sub(b"", theirs)
        if rel.name in ("SHA256SUMS", "SHA256SUMS.jws"):
            continue  # the sums of the pages above (compared below)
        assert ours == theirs, rel
    sums = [
        dict(
            ln.split("  ", 1)[::-1]
            for ln in (d / "api" / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
        )
        for d in (built, other)
    ]
    assert sums[0].keys() == sums[1].keys()
    assert {p for p in sums[0] if sums[0][p] != sums[1][p]} == themed
    # every Material page says which engine made it
    assert engines == {b"mkdocs-ProperDocs 1.6.7, mkdocs-material-9.8.2"}


def test_an_engine_that_is_not_installed_is_a_plain_error(project, monkeypatch):
    r = run_generator(project, "build", "--mesin", "zensical")
    assert r.returncode == 2 and "properdocs" in r.stderr and "Traceback" not in r.stderr


# Zensical (Material's successor) renders theme templates with MiniJinja, which has none of
# Python's string methods: `base_url.rstrip("/")` in an override stopped its whole build.
PY_STR_METHODS = {m for m in dir(str) if not m.startswith("_")}


def test_theme_overrides_call_no_python_string_method():
    overrides = ROOT / "overrides"
    generated = [overrides / d for d in docs_files.GENERATED_OVERRIDES]
    found = []
    for path in sorted(overrides.rglob("*.html")):
        if any(g in path.parents for g in generated):
            continue
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"\{[{%](.*?)[}%]\}", text, re.S):
            found += [
                f"{path.name}: .{m}()" for m in re.findall(r"\.(\w+)\(", tag) if m in PY_STR_METHODS
            ]
    assert found == []
