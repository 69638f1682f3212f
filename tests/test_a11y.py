"""Accessibility, in a real Chromium, of the sample site built into tmp_path.

axe-core (axe-playwright-python) over the home page, the directory, a profile, a verification
page of each status, the 404 page, the look-up page, a sector list, the about and API pages:
no violation of impact serious or critical. Every status is shown as a word, never by colour
alone. The directory filter and the look-up form are reachable with the Tab key alone.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import bench_module

from generator.data import load
from generator.data.model import STATUS_LABELS

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "umkm.yaml"

MATERIAL_PAGES = ("home", "directory", "profile", "404", "lookup", "sector", "about", "api")

# Known violations of our templates, CSS or theme configuration: axe rule -> (pages, why and
# the fix). Each (page, rule) is also tested on its own as a strict xfail, so that the fix
# makes it fail until its entry here is removed; any other violation fails at once.
KNOWN: dict[str, tuple[tuple[str, ...], str]] = {
    # Fixed since (kept for the record): aria-dialog-name (overrides/partials/search.html),
    # link-in-text-block (registri.css underlines links in text), nested-interactive
    # (charts.py: role=group for charts with links), scrollable-region-focusable (status.js).
}


def _known(name: str, rule: str) -> bool:
    return name in KNOWN.get(rule, ((), ""))[0]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The sample registry, built by `python -m generator build` in a copy of the project."""
    project = bench_module("project")
    tmp = project.make(tmp_path_factory.mktemp("a11y"))
    project.build(tmp)
    return tmp / "site"


@pytest.fixture(scope="module")
def base(site):
    """The site served as GitHub Pages serves a project site: under the path of site_url
    (/registri-umkm/), gzip, 404.html for unknown paths. (At / the 404 page would lose its
    styles: it refers to its assets by absolute path, /registri-umkm/assets/...)"""
    weight = bench_module("weight")
    server = weight.serve(site, weight.site_prefix(site.parent / "mkdocs.yml"))
    yield server.base
    server.close()


PAGES = {
    "home": "",
    "directory": "umkm/",
    "directory-filtered": "umkm/?sektor=batik&status=berlaku",
    "profile": None,
    "404": "tidak-ada-di-registri/",
    "lookup": "verifikasi/",
    "sector": "sektor/batik/",
    "about": "tentang/",
    "api": "api/",
}
STATUS_PAGES = ("berlaku", "kedaluwarsa", "dibekukan", "dicabut")


def _verification_path(site: Path, status: str) -> str:
    """A certificate of the sample whose displayed status (at build time) is `status`."""
    for p in sorted((site / "api" / "sertifikat").glob("*.json")):
        if json.loads(p.read_text(encoding="utf-8")).get("status_tampil") == status:
            return f"verifikasi/{p.stem}/"
    pytest.fail(f"the sample has no certificate that is {status} at build time")


def _path(site: Path, name: str) -> str:
    if name.startswith("verifikasi-"):
        return _verification_path(site, name.removeprefix("verifikasi-"))
    if name == "profile":  # the first UMKM of the data file
        return f"umkm/{load.load(SAMPLE).umkm[0].id}/"
    return PAGES[name]


ALL = [*PAGES, *(f"verifikasi-{s}" for s in STATUS_PAGES)]


def _open(browser, url: str):
    """A fresh phone-sized page at `url`, once its scripts have run."""
    ctx = browser.new_context(viewport={"width": 360, "height": 640})
    page = ctx.new_page()
    page.goto(url, wait_until="networkidle")
    if page.query_selector("[data-direktori]"):  # the filter shows once its index is read
        page.wait_for_function("() => !document.querySelector('.ru-filter').hidden")
        if "?" in url:  # a filtered list is drawn from its shards
            page.wait_for_function(
                "() => /cocok/.test(document.querySelector('.ru-jumlah').textContent)"
            )
    return ctx, page


def _axe(page) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def _describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} — {v['helpUrl']}")
        for node in v["nodes"][:8]:
            lines.append(
                f"    {' '.join(map(str, node['target']))}: "
                f"{node.get('failureSummary', '').splitlines()[-1:]}"
            )
    return "\n".join(lines)


@pytest.fixture(scope="module")
def axe_violations(browser, site, base):
    """name -> serious and critical violations on that page (each page checked once)."""
    seen: dict[str, list[dict]] = {}

    def get(name: str) -> list[dict]:
        if name not in seen:
            ctx, page = _open(browser, base + _path(site, name))
            try:
                seen[name] = _axe(page)
            finally:
                ctx.close()
        return seen[name]

    return get


@pytest.mark.parametrize("name", ALL)
def test_axe_no_serious_violations(axe_violations, site, name):
    found = [v for v in axe_violations(name) if not _known(name, v["id"])]
    assert not found, f"axe on {name} ({_path(site, name)}):\n{_describe(found)}"


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        pytest.param(n, r, marks=pytest.mark.xfail(strict=True, reason=why))
        for r, (names, why) in KNOWN.items()
        for n in names
    ],
)
def test_axe_known_violation(axe_violations, name, rule):
    found = [v for v in axe_violations(name) if v["id"] == rule]
    assert not found, _describe(found)


STATUS_JS = """() => Array.from(document.querySelectorAll('[data-status]')).map(e => ({
  status: e.getAttribute('data-status'), text: e.innerText.trim(),
  visible: !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length)}))"""


@pytest.mark.parametrize(
    "name", ["directory", "profile", "404", *(f"verifikasi-{s}" for s in STATUS_PAGES)]
)
def test_status_is_a_word_not_a_colour(browser, site, base, name):
    ctx, page = _open(browser, base + _path(site, name))
    try:
        shown = [s for s in page.evaluate(STATUS_JS) if s["visible"]]
    finally:
        ctx.close()
    assert shown, f"no status element on {name}"
    for s in shown:
        word = STATUS_LABELS[s["status"]][0]
        assert word in s["text"], f"{name}: data-status={s['status']} shows {s['text']!r}"
    if name.startswith("verifikasi-"):
        assert [s["status"] for s in shown] == [name.removeprefix("verifikasi-")]


FOCUS_JS = """() => { const e = document.activeElement;
  return e && e !== document.body ? (e.dataset.kbd || e.id || e.tagName) : null; }"""


def _tab_through(page, selector: str, limit: int = 120) -> tuple[set[str], dict[str, str]]:
    """Press Tab from the top of the page until every control matching `selector` had the
    focus (or `limit` presses). Returns (reached, {mark: description} of the controls)."""
    controls = page.evaluate(
        """(sel) => Object.fromEntries(Array.from(document.querySelectorAll(sel)).map((e, i) => {
             e.dataset.kbd = 'kbd-' + i;
             return [e.dataset.kbd, e.id || e.name || e.type || e.textContent.trim()];
           }))""",
        selector,
    )
    # a page just loaded has nothing focused: the first Tab goes to its first control
    assert page.evaluate(FOCUS_JS) is None
    reached: set[str] = set()
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_JS)
        if focused:
            reached.add(focused)
        if set(controls) <= reached:
            break
    return reached, controls


def test_directory_filter_reachable_by_keyboard(browser, base):
    ctx, page = _open(browser, base + "umkm/")
    try:
        reached, controls = _tab_through(
            page, ".ru-filter input, .ru-filter select, .ru-filter button"
        )
    finally:
        ctx.close()
    names = set(controls.values())
    assert {"ru-q", "ru-sektor", "ru-kecamatan", "ru-status"} <= names
    missed = {controls[k] for k in controls if k not in reached}
    assert not missed, f"not reachable with Tab: {sorted(missed)}"


@pytest.mark.parametrize("path", ["", "tidak-ada-di-registri/"], ids=["home", "404"])
def test_lookup_form_reachable_by_keyboard(browser, base, path):
    ctx, page = _open(browser, base + path)
    try:
        reached, controls = _tab_through(page, "form.ru-cari input, form.ru-cari button")
    finally:
        ctx.close()
    assert "ru-cari-input" in controls.values()
    missed = {controls[k] for k in controls if k not in reached}
    assert not missed, f"not reachable with Tab: {sorted(missed)}"


@pytest.mark.parametrize("path", ["", "tentang/"], ids=["light-page", "material-page"])
def test_axe_on_open_search_results(browser, base, path):
    """The header's search box with its results open (standalone and Material pages)."""
    ctx, page = _open(browser, base + path)
    try:
        page.click("#k-cari-q")
        page.keyboard.type("batik", delay=30)
        page.wait_for_selector(".k-cari__hasil li", timeout=15000)
        found = _axe(page)
        assert not found, _describe(found)
        # the results are reachable with the keyboard: Tab from the box goes into them
        page.focus("#k-cari-q")
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.closest('.k-cari__hasil') !== null")
    finally:
        ctx.close()
