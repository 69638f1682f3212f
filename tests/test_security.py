"""Content-Security-Policy and referrer policy on every published page (issue 9, fault 10)."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from generator.site import security


def _meta(page: BeautifulSoup, **attrs):
    return page.find("meta", attrs=attrs)


_TAG_WITH_HANDLER = re.compile(r"<[a-zA-Z][^>]*\s(on[a-z]+)\s*=", re.S)
_JS_URL = re.compile(r"""\shref\s*=\s*["']?\s*javascript:""", re.I)


def test_every_html_page_of_the_site_carries_both_policies(sample_site):
    pages = sorted(sample_site.rglob("*.html"))
    assert len(pages) > 250
    for path in pages:
        text = path.read_text(encoding="utf-8")
        where = path.relative_to(sample_site)
        head_end = text.find("</head>")
        assert head_end > 0, where
        head = BeautifulSoup(text[: head_end + 7], "html.parser")
        csp = head.find_all("meta", attrs={"http-equiv": "Content-Security-Policy"})
        assert len(csp) == 1, f"{where}: no (or more than one) CSP <meta> in <head>"
        assert text.count("Content-Security-Policy") == 1, where
        scripts = security.inline_scripts(text)
        # exactly the policy, with exactly this page's inline scripts allowed
        assert csp[0]["content"] == security.policy(map(security.script_hash, scripts)), where
        # before every script, so that it governs all of them
        first_script = text.find("<script")
        assert first_script < 0 or text.find("Content-Security-Policy") < first_script, where
        referrer = _meta(head, name="referrer")
        assert referrer is not None and referrer["content"] == "no-referrer", where
        # no inline event handlers or javascript: URLs that the policy would have to allow
        assert not _TAG_WITH_HANDLER.search(text), (where, _TAG_WITH_HANDLER.search(text))
        assert not _JS_URL.search(text), where


def test_our_own_pages_need_no_inline_script(sample_site):
    verify = next((sample_site / "verifikasi").glob("*/index.html")).read_text("utf-8")
    assert security.inline_scripts(verify) == []
    assert f'content="{security.CONTENT_SECURITY_POLICY}"' in verify


def test_the_policy_is_strict():
    p = security.CONTENT_SECURITY_POLICY
    directives = dict(d.strip().split(" ", 1) for d in p.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["object-src"] == "'none'" and directives["base-uri"] == "'none'"
    for name, value in directives.items():
        assert "unsafe-inline" not in value and "unsafe-eval" not in value, name
        assert "*" not in value and "http:" not in value and "https:" not in value, name
    hashed = security.policy([security.script_hash("alert(1)")])
    assert "script-src 'self' 'sha256-" in hashed and "style-src 'self';" in hashed


def test_protect_inserts_after_charset_and_hashes_only_runnable_scripts():
    page = (
        '<!doctype html><html><head><meta charset="utf-8"><title>x</title>'
        '<script>var a=1</script><script src="x.js"></script>'
        '<script type="application/json" id="c">{"a": 1}</script>'
        '<script type="module">import "./y.js"</script></head><body></body></html>'
    )
    out = security.protect(page)
    assert out.index("Content-Security-Policy") < out.index("<title>")
    assert out.index('<meta charset="utf-8">') < out.index("Content-Security-Policy")
    assert security.script_hash("var a=1") in out
    assert security.script_hash('import "./y.js"') in out
    assert security.script_hash('{"a": 1}') not in out
    assert security.protect(out) == out  # never twice


# -- in a real browser: the pages work under their policy -------------------------------------

RECORD = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(
  e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sourceFile || '') + ':' + e.lineNumber));
"""


@pytest.fixture(scope="module")
def served(sample_site, serve_dir):
    return serve_dir(sample_site)


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 360, "height": 640})
    ctx.add_init_script(RECORD)
    pg = ctx.new_page()
    pg.console_csp = []
    pg.on(
        "console",
        lambda m: pg.console_csp.append(m.text) if "Content Security Policy" in m.text else None,
    )
    yield pg
    ctx.close()


def _violations(page) -> list[str]:
    return page.evaluate("window.__csp") + page.console_csp


@pytest.mark.parametrize(
    "path",
    [
        "",
        "umkm/",
        "umkm/halaman-2/",
        "sektor/",
        "sektor/batik/",
        "kecamatan/",
        "kecamatan/kraksaan/",
        "verifikasi/",
        "verifikasi/mwpm-2020-0001/",
        "api/",
        "panduan/",
        "tentang/",
        "tidak-ada/sama-sekali/",
    ],
)
def test_no_csp_violation_on_the_main_pages(page, served, path):
    page.goto(served + path)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.querySelector('meta[http-equiv]').httpEquiv") == (
        "Content-Security-Policy"
    )
    assert _violations(page) == [], path


def test_scripts_still_work_under_the_policy(page, served):
    """Search (Pagefind: a module, a worker running WebAssembly, fetches of its index) from a
    light page and from a Material page, the directory filter and text search (fetch), the
    look-up (fetch of a shard) and a profile page's theme scripts, all without a violation."""
    for path in ("", "tentang/"):
        page.goto(served + path)
        page.wait_for_load_state("networkidle")
        page.click("#k-cari-q")
        page.keyboard.type("Batik", delay=30)
        page.wait_for_selector(".k-cari__hasil li", timeout=15000)
    page.goto(served + "umkm/")
    page.wait_for_selector(".ru-filter:not([hidden])")
    page.select_option("#ru-sektor", "batik")
    page.wait_for_function("() => location.search.includes('sektor=batik')")
    page.fill("#ru-q", "tulis")
    page.wait_for_function("() => /cocok/.test(document.querySelector('.ru-jumlah').textContent)")
    assert page.query_selector(".ru-list .ru-item") is not None
    page.goto(served + "verifikasi/")
    page.fill("#ru-cari-input", "MWPM/UMKM/2020/0001")
    page.press("#ru-cari-input", "Enter")
    page.wait_for_url("**/verifikasi/mwpm-2020-0001/", timeout=15000)
    page.wait_for_load_state("networkidle")
    assert _violations(page) == []
