"""The generator's files in docs/ (and in the theme overrides): which folders and files are its
own, its Markdown pages (YAML front matter + one raw HTML block, which the MkDocs hook passes
through without Python-Markdown), and writing the tree without touching unchanged files.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable
from html import escape
from pathlib import Path

from ..data import yaml_text
from .memo import KEEP, Memo

# Folders of docs/ (and of the theme overrides) that belong to the generator: git-ignored,
# rewritten on every build, stale files removed.
GENERATED_DOCS = ("umkm", "sektor", "kecamatan", "verifikasi", "api", "lencana")
# index.md: the home page of older builds
GENERATED_DOCS_FILES = ("index.md", "index.html", "404.html", "did.json")
GENERATED_OVERRIDES = ("partials/registri",)


def front_matter(**meta) -> str:
    """YAML front matter that no character of the data can break: every value is a YAML
    double-quoted scalar written in printable ASCII only (anything else as an escape: line
    breaks of any kind, controls, BOM, bidi marks). Text is HTML-escaped here, once, because
    Material prints page.meta.title and page.title into HTML without escaping them."""
    clean = {}
    for k, v in meta.items():
        if v is None:
            continue
        clean[k] = escape(v) if isinstance(v, str) else v
    lines = [f"{yaml_text.key(k)}: {yaml_text.flow(v)}" for k, v in clean.items()]
    return "---\n" + "\n".join(lines) + "\n---\n\n"


def is_generated(src_uri: str) -> bool:
    """Whether a page of docs/ (path relative to docs/, with /) is written by the generator."""
    return src_uri in GENERATED_DOCS_FILES or src_uri.split("/", 1)[0] in GENERATED_DOCS


def html_block(html: str) -> str:
    """Make rendered HTML one Markdown raw-HTML block: no blank lines, no leading indent, so
    Python-Markdown (or any CommonMark engine) passes it through untouched."""
    lines = [ln.strip() for ln in html.splitlines()]
    return "\n".join(ln for ln in lines if ln) + "\n"


_ONE_BLOCK = re.compile(r"<div\b[^\n]*\n(?:[^\n]+\n)*?[^\n]*</div>\n?")


def raw_html_page(src_uri: str, markdown: str) -> str | None:
    """The HTML that Markdown would make of a generated page that is one raw HTML block
    (`html_block` of a `<div>`), or None for any other page. The engine's hook sets such
    a page aside instead of running Python-Markdown over it (30% of a warm build at 10,000
    UMKM went to parsing these blocks); the output is byte-identical (tested)."""
    top = src_uri.split("/", 1)[0]
    if top not in GENERATED_DOCS and src_uri not in GENERATED_DOCS_FILES:
        return None
    text = markdown.lstrip("\n")
    if not _ONE_BLOCK.fullmatch(text):
        return None
    return text.rstrip("\n")


def sync_tree(
    root: Path,
    files: Iterable[tuple[str, str | bytes]],
    managed: tuple[str, ...],
    managed_files: tuple[str, ...] = (),
    memo: Memo | None = None,
) -> int:
    """Write `files` under `root`, touching only files whose bytes change (so `mkdocs serve`
    does not loop; a write is a new file renamed into place), and delete stale files inside the
    `managed` folders. A content of KEEP (memo.py) keeps the file as it is. With `memo`, each
    file's sha256 and stat are recorded, and a file is compared through them, unread.
    Returns writes."""
    written = 0
    wanted = set()
    for rel, content in files:
        target = root / rel
        wanted.add(os.path.join(root, rel))
        if content is KEEP:
            continue
        data = content.encode("utf-8") if isinstance(content, str) else content
        sha = hashlib.sha256(data).hexdigest() if memo is not None else ""
        if memo is None or not memo.same(rel, sha):
            try:
                same = target.read_bytes() == data
            except OSError:
                same = False
            if not same:
                target.parent.mkdir(parents=True, exist_ok=True)
                tmp = target.with_name(target.name + ".tmp")
                tmp.write_bytes(data)
                tmp.replace(target)
                written += 1
        if memo is not None:
            memo.record(rel, sha)
    for folder in managed:
        base = root / folder
        if base.exists():
            _remove_stale(base, wanted)
    for name in managed_files:
        p = root / name
        if p.exists() and str(p) not in wanted:
            p.unlink()
    return written


def _remove_stale(base: Path, wanted: set[str]) -> None:
    """Delete the files under `base` that are not `wanted`, then the folders left empty."""
    emptied: set[str] = set()
    for folder, dirs, names in os.walk(base, topdown=False):
        left = len(names) + len(dirs)
        for name in names:
            p = os.path.join(folder, name)
            if p not in wanted:
                os.unlink(p)
                left -= 1
        for name in dirs:
            p = os.path.join(folder, name)
            if p in emptied and not os.path.islink(p):
                os.rmdir(p)
                left -= 1
        if left == 0:
            emptied.add(folder)
