"""The site's own scripts and stylesheets (docs/assets/registri/), as published: without their
comments and indentation.

The sources explain themselves at length; a reader's phone needs none of it. Comments are a
third of status.js's gzip bytes, and the verification page's first visit must stay <= 12 KB
gzip (issue 20). This is not a minifier: only what is certainly a comment goes. In a script,
a line that is a `//` comment, or a `/* ... */` block that starts a line and ends one; inline
comments stay. A file this cannot read safely (a template literal, a line continued with a
backslash, code after a block comment's end) is published as written.
"""

from __future__ import annotations

import re
from pathlib import Path

FOLDER = (
    "assets",
    "registri",
)  # under the site: our own files only (not Pagefind's, not Material's)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_CSS_QUOTED_COMMENT = re.compile(r"[\"'][^\"'\n]*/\*")


def compact_js(text: str) -> str:
    """`text` without its whole-line comments and indentation; `text` itself when unsure."""
    out: list[str] = []
    in_block = False
    for line in text.splitlines():
        s = line.strip()
        if in_block:
            if "*/" in s:
                if not s.endswith("*/") or s.count("*/") > 1:
                    return text
                in_block = False
            continue
        if s.endswith("\\"):
            return text
        if s.startswith("//"):
            continue
        if s.startswith("/*"):
            if "*/" not in s[2:]:
                in_block = True
                continue
            if s.endswith("*/") and s.count("*/") == 1:
                continue
            return text
        if s:
            out.append(s)
    result = "\n".join(out) + "\n"
    return text if in_block or "`" in result else result


def compact_css(text: str) -> str:
    """`text` without comments, indentation and empty lines; `text` itself when a quoted
    string might hold a comment's opening."""
    if _CSS_QUOTED_COMMENT.search(text):
        return text
    lines = (line.strip() for line in _CSS_COMMENT.sub("", text).splitlines())
    return "\n".join(line for line in lines if line) + "\n"


def is_ours(rel_path: str) -> bool:
    """Whether `rel_path` (a site path, "/"-separated) is one of the scripts and stylesheets
    `compact` publishes compacted."""
    folder, _, name = rel_path.rpartition("/")
    return folder == "/".join(FOLDER) and name.endswith((".js", ".css"))


def compacted(rel_path: str, text: str) -> str:
    """The published text of our script or stylesheet `rel_path` (see `is_ours`)."""
    return compact_js(text) if rel_path.endswith(".js") else compact_css(text)


def compact(site_dir: Path) -> int:
    """Compact every .js and .css of the site's own asset folder in place; returns the bytes
    saved. Idempotent: a compacted file stays as it is."""
    saved = 0
    folder = Path(site_dir).joinpath(*FOLDER)
    for path in sorted(folder.glob("*")):
        if path.suffix not in (".js", ".css") or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        small = compacted(path.name, text)
        if small != text:
            path.write_text(small, encoding="utf-8")
            saved += len(text.encode("utf-8")) - len(small.encode("utf-8"))
    return saved
