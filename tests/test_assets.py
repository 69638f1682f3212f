"""Our scripts and stylesheets are published without their comments (generator/site/assets.py,
issue 20's weight budget): only what is certainly a comment goes, and every published script
still parses (Node's own parser, `node --check`)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from generator.site import assets

ROOT = Path(__file__).resolve().parent.parent
OWN = ROOT / "docs" / "assets" / "registri"


def test_whole_line_comments_go_inline_ones_and_strings_stay():
    js = (
        '/* file\n   header */\n(function () {\n  // a note\n  var u = "https://x/*y";'
        " // inline\n  /* one line */\n  return u;\n})();\n"
    )
    assert assets.compact_js(js) == (
        '(function () {\nvar u = "https://x/*y"; // inline\nreturn u;\n})();\n'
    )
    css = '/* head */\n.a { color: red; } /* why */\n\n  .b { content: ""; }\n'
    assert assets.compact_css(css) == '.a { color: red; }\n.b { content: ""; }\n'


@pytest.mark.parametrize(
    "js",
    [
        "var t = `\n  /* kept: inside a template literal */\n`;\n",
        "/* a */ var x = 1;\n",
        "/* open\n  */ x = 1;\n",
        'var s = "a\\\n  // not a comment";\n',
        "/* never closed\n",
    ],
    ids=["template-literal", "code-after-comment", "code-after-block", "continued-line", "open"],
)
def test_what_cannot_be_read_safely_is_published_as_written(js):
    assert assets.compact_js(js) == js


def test_a_quoted_comment_opening_leaves_the_stylesheet_as_written():
    css = '.a::before { content: "/*"; }\n/* c */\n'
    assert assets.compact_css(css) == css


def test_compact_is_idempotent_and_every_published_script_parses(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(OWN, site / "assets" / "registri")
    saved = assets.compact(site)
    assert saved > 0
    assert assets.compact(site) == 0
    node = shutil.which("node")
    for path in sorted((site / "assets" / "registri").glob("*.js")):
        src = (OWN / path.name).read_text("utf-8")
        assert path.read_text("utf-8") != src, f"{path.name} was not compacted"
        if node:
            r = subprocess.run([node, "--check", str(path)], capture_output=True, text=True)
            assert r.returncode == 0, (path.name, r.stderr)
    for path in sorted((site / "assets" / "registri").glob("*.css")):
        assert "/*" not in path.read_text("utf-8"), path.name
