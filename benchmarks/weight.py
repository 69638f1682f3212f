"""Page weight: what a first visit downloads, served with gzip as GitHub Pages serves it.

    python benchmarks/weight.py [--site DIR] [--site-10k DIR | --no-10k] [--screenshots]

Builds the sample registry (or takes --site), serves it on 127.0.0.1 from a small threaded
HTTP server that gzips text types, and loads in Chromium, each in a fresh browser context (no
cache, no cookies): the verification page of the first certificate, the home page, the look-up
page, the directory, the directory with a sector + kecamatan filter chosen, and a first search
typed into the header's box on the home page (Pagefind). For each: requests, bytes
transferred (gzip, headers included, as the server wrote them), bytes after decompression, and
requests to any host but 127.0.0.1 (blocked and counted).
Then the same at 10,000 UMKM (a synthetic registry, benchmarks/synth.py), with the directory's
time until its filter works and the time a typed word takes to update the count, also with the
CPU slowed down 4x as on a cheap phone. Prints a table; writes benchmarks/out/weight.md.

The server, `measure` and `first_visits` (home, directory + filter, first search: what
benchmarks/bench.py's table needs) are used by tests/test_weight.py too.
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import json
import os
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update"]
VERIFY_BUDGET = 80 * 1024  # bytes transferred by a first visit of a verification page
LOOKUP_BUDGET = 20 * 1024  # the look-up page (/verifikasi/) weighs what home weighs (issue 19)

# Issue 20's budgets with the holder's portfolio (share, seal, LinkedIn, report, print)
PORTFOLIO_BUDGETS = {"verification": 12 * 1024, "profile": 15 * 1024}

TYPES = {
    ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8", ".json": "application/json",
    ".svg": "image/svg+xml", ".xml": "application/xml", ".csv": "text/csv; charset=utf-8",
    ".txt": "text/plain; charset=utf-8", ".md": "text/markdown; charset=utf-8",
    ".map": "application/json", ".webmanifest": "application/manifest+json",
    ".png": "image/png", ".ico": "image/x-icon", ".woff2": "font/woff2", ".gz": "application/gzip",
}
GZIP_TYPES = ("text/", "application/json", "application/xml", "image/svg+xml",
              "application/manifest+json")


# ---------------------------------------------------------------------------------------------
# A static server like GitHub Pages: gzip for text, 404.html for unknown paths
# ---------------------------------------------------------------------------------------------


@dataclass
class Hit:
    path: str
    status: int
    wire_bytes: int  # status line, headers and body, as written to the socket
    body_bytes: int  # body after decompression
    gzip: bool


@dataclass
class Server:
    root: Path
    httpd: http.server.ThreadingHTTPServer
    prefix: str = "/"
    hits: list[Hit] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base(self) -> str:
        """The site's address: http://127.0.0.1:<port><prefix>."""
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{self.prefix}"

    def take(self) -> list[Hit]:
        with self.lock:
            hits, self.hits = self.hits, []
        return hits

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def site_prefix(config_file: Path) -> str:
    """The path of mkdocs.yml's site_url ('/registri-umkm/'), where GitHub Pages serves a
    project site; the built 404.html refers to its assets by that absolute path."""
    from generator.data import config

    path = urllib.parse.urlsplit(str(config.read_mkdocs_yml(config_file).get("site_url") or ""))
    return f"/{path.path.strip('/')}/" if path.path.strip("/") else "/"


def serve(root: Path, prefix: str = "/") -> Server:
    """Serve `root` at http://127.0.0.1:<free port><prefix> in a background thread; any other
    path gets 404.html with status 404, as on GitHub Pages."""
    root = Path(root).resolve()
    prefix = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
    cache: dict[Path, bytes] = {}  # gzip once per file, as a CDN would
    server: Server

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:
            pass

        def do_HEAD(self) -> None:  # noqa: N802
            self.do_GET(head=True)

        def do_GET(self, head: bool = False) -> None:  # noqa: N802
            path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
            if path + "/" == prefix:
                return self._send(301, b"", "text/plain", path, {"Location": prefix}, head)
            inside = path.startswith(prefix)
            target = (root / path[len(prefix):]).resolve() if inside else root / "__missing__"
            status = 200
            if root not in (target, *target.parents):
                target = root / "__missing__"
            if target.is_dir():
                if not path.endswith("/"):
                    return self._send(301, b"", "text/plain", path,
                                      {"Location": path + "/"}, head)
                target = target / "index.html"
            if not target.is_file():
                status, target = 404, root / "404.html"
                if not target.is_file():
                    return self._send(404, b"Not found", "text/plain", path, {}, head)
            ctype = TYPES.get(target.suffix, "application/octet-stream")
            return self._send(status, target.read_bytes(), ctype, path, {}, head, target)

        def _send(self, status, body, ctype, path, headers, head, target=None) -> None:
            raw_len = len(body)
            zipped = ("gzip" in self.headers.get("Accept-Encoding", "")
                      and ctype.startswith(GZIP_TYPES) and raw_len > 0)
            if zipped:
                if target is not None and target in cache:
                    body = cache[target]
                else:
                    body = gzip.compress(body, compresslevel=6, mtime=0)
                    if target is not None:
                        cache[target] = body
            lines = [f"HTTP/1.1 {status} {self.responses.get(status, ('',))[0]}",
                     f"Content-Type: {ctype}", f"Content-Length: {len(body)}",
                     "Cache-Control: max-age=600", "Vary: Accept-Encoding"]
            if zipped:
                lines.append("Content-Encoding: gzip")
            lines += [f"{k}: {v}" for k, v in headers.items()]
            head_bytes = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
            self.wfile.write(head_bytes if head else head_bytes + body)
            with server.lock:
                server.hits.append(Hit(path, status, len(head_bytes) + (0 if head else len(body)),
                                       raw_len, zipped))

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    server = Server(root, httpd, prefix)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return server


# ---------------------------------------------------------------------------------------------
# Measuring one first visit
# ---------------------------------------------------------------------------------------------


@dataclass
class Visit:
    url: str
    status: int
    requests: int
    wire_bytes: int
    body_bytes: int
    outside: list[str]
    hits: list[Hit]

    def largest(self, n: int = 3) -> str:
        top = sorted(self.hits, key=lambda h: -h.wire_bytes)[:n]
        return ", ".join(f"{h.path.rsplit('/', 1)[-1] or h.path} {h.wire_bytes / 1024:.0f} KB"
                         for h in top)


def new_context(browser, viewport: dict | None = None, **kwargs):
    """A fresh context (no cache, no cookies), a phone's screen unless `viewport` says
    otherwise, that blocks and records requests to any host but 127.0.0.1. Returns (context,
    list of outside URLs)."""
    outside: list[str] = []
    ctx = browser.new_context(viewport=viewport or {"width": 360, "height": 640},
                              device_scale_factor=2, **kwargs)

    def is_outside(url: str) -> bool:
        parts = urllib.parse.urlsplit(url)
        return parts.scheme in ("http", "https", "ws", "wss") and parts.hostname != "127.0.0.1"

    def block(route) -> None:
        outside.append(route.request.url)
        route.abort()

    ctx.route(is_outside, block)
    return ctx, outside


def settle(server: Server, quiet: float = 0.8, limit: float = 15.0) -> None:
    """Wait until the server has seen no new request for `quiet` seconds (workers included)."""
    end = time.monotonic() + limit
    seen, since = -1, time.monotonic()
    while time.monotonic() < end:
        with server.lock:
            n = len(server.hits)
        if n != seen:
            seen, since = n, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
        time.sleep(0.05)


def _visit(url: str, status: int, hits: list[Hit], outside: list[str]) -> Visit:
    return Visit(url, status, len(hits), sum(h.wire_bytes for h in hits),
                 sum(h.body_bytes for h in hits), list(outside), hits)


def _load(page, server: Server, path: str, outside: list[str]) -> Visit:
    """Open base+path in `page` (a fresh context) and account for every byte sent until the
    server has been quiet a moment."""
    server.take()
    response = page.goto(server.base + path, wait_until="networkidle")
    settle(server)
    return _visit(path, response.status if response else 0, server.take(), outside)


def measure(browser, server: Server, path: str) -> Visit:
    """Load base+path in a fresh context and account for every byte the server sent."""
    ctx, outside = new_context(browser)
    try:
        return _load(ctx.new_page(), server, path, outside)
    finally:
        ctx.close()


SEARCH_DONE_JS = """(w) => {
  const p = document.querySelector('.k-cari__hasil:not([hidden]) .k-cari__jumlah');
  return p && p.textContent.includes('\u201c' + w + '\u201d'); }"""
COUNT_DONE_JS = "() => /cocok/.test(document.querySelector('.ru-jumlah').textContent)"


def first_search(browser, server: Server, word: str = "batik",
                 path: str = "") -> tuple[Visit, Visit]:
    """A first visit of base+path, then `word` typed into the header's search box until its
    results show: (the page's visit, what the search alone fetched)."""
    ctx, outside = new_context(browser)
    try:
        page = ctx.new_page()
        visit = _load(page, server, path, outside)
        page.click("#k-cari-q")
        page.keyboard.type(word, delay=40)
        page.wait_for_function(SEARCH_DONE_JS, arg=word, timeout=60_000)
        settle(server)
        return visit, _visit(f"{path} + search '{word}'", 200, server.take(), outside)
    finally:
        ctx.close()


def directory_filter(browser, server: Server, sektor: str, kecamatan: str) -> tuple[Visit, Visit]:
    """A first visit of the directory, then the filter sektor + kecamatan chosen in its form
    until the count shows: (the page's visit, what the filter alone fetched)."""
    ctx, outside = new_context(browser)
    try:
        page = ctx.new_page()
        visit = _load(page, server, "umkm/", outside)
        page.wait_for_function(READY_JS, timeout=60_000)
        settle(server)
        visit = _visit("umkm/", visit.status, visit.hits + server.take(), outside)
        page.select_option("#ru-sektor", sektor)
        page.wait_for_function(COUNT_DONE_JS, timeout=60_000)
        page.select_option("#ru-kecamatan", kecamatan)
        page.wait_for_function(COUNT_DONE_JS, timeout=60_000)
        settle(server)
        return visit, _visit(f"umkm/ + filter {sektor}, {kecamatan}", 200, server.take(),
                             outside)
    finally:
        ctx.close()


def first_visits(browser, server: Server, word: str = "batik", sektor: str = "batik",
                 kecamatan: str = "kraksaan") -> dict[str, Visit]:
    """What a cheap phone downloads on a first visit (gzip, no cache), for the benchmark table:
    home, directory (with a sector + kecamatan filter), and a first search from the home page.
    Keys: home, directory, directory_filter, search (the search's own requests)."""
    home, search = first_search(browser, server, word)
    directory, filtered = directory_filter(browser, server, sektor, kecamatan)
    return {"home": home, "directory": directory, "directory_filter": filtered, "search": search}


READY_JS = "() => { const f = document.querySelector('.ru-filter'); return f && !f.hidden; }"
WATCH_JS = """() => {
  const count = document.querySelector('.ru-jumlah');
  window.__ru = {lastKey: null, lastChange: null};
  document.querySelector('#ru-q').addEventListener('input',
      () => { window.__ru.lastKey = performance.now(); }, true);
  new MutationObserver(() => { window.__ru.lastChange = performance.now(); })
      .observe(count, {childList: true, characterData: true, subtree: true});
}"""
# the count has changed since the last keystroke, and the input holds the whole word
# ... and the count is the answer ("N UMKM cocok"), not "Memuat..." while the search loads
UPDATED_JS = """(word) => window.__ru.lastKey !== null
  && window.__ru.lastChange > window.__ru.lastKey
  && document.querySelector('#ru-q').value === word
  && /cocok/.test(document.querySelector('.ru-jumlah').textContent)"""


# Chrome DevTools' "Slow 4G" preset: 1.6 Mbit/s down, 750 kbit/s up, 150 ms latency
SLOW_4G = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8,
           "uploadThroughput": 750_000 / 8}


def _throttle(ctx, page, cpu_slowdown: float, network: dict | None) -> None:
    if cpu_slowdown == 1 and not network:
        return
    cdp = ctx.new_cdp_session(page)
    if cpu_slowdown != 1:
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": cpu_slowdown})
    if network:
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", network)


PAINT_JS = """() => {
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  const nav = performance.getEntriesByType('navigation')[0];
  return {fcp: fcp ? fcp.startTime : null, load: nav ? nav.loadEventEnd : null};
}"""


def load_timing(browser, server: Server, path: str, cpu_slowdown: float = 1,
                network: dict | None = None) -> dict:
    """First contentful paint and load event of a first visit, in ms from navigation."""
    ctx, _ = new_context(browser)
    try:
        page = ctx.new_page()
        _throttle(ctx, page, cpu_slowdown, network)
        page.goto(server.base + path, wait_until="load", timeout=120_000)
        page.wait_for_function("() => performance.getEntriesByName('first-contentful-paint')"
                               ".length > 0", timeout=60_000)
        return page.evaluate(PAINT_JS)
    finally:
        ctx.close()


def directory_timing(browser, server: Server, word: str = "kopi", cpu_slowdown: float = 1,
                     network: dict | None = None, screenshot: Path | None = None) -> dict:
    """Time from navigation start until the directory's filter shows, and from the last
    keystroke of `word` until the count updates (the directory waits 250 ms for more typing,
    then asks Pagefind)."""
    ctx, outside = new_context(browser)
    try:
        page = ctx.new_page()
        _throttle(ctx, page, cpu_slowdown, network)
        server.take()
        page.goto(server.base + "umkm/", wait_until="commit")
        page.wait_for_function(READY_JS, polling="raf", timeout=120_000)
        ready_ms = page.evaluate("() => performance.now()")
        count_before = page.text_content(".ru-jumlah")
        if screenshot:
            page.screenshot(path=str(screenshot))
        page.evaluate(WATCH_JS)
        page.click("#ru-q")
        page.keyboard.type(word, delay=60)
        page.wait_for_function(UPDATED_JS, arg=word, timeout=60_000)
        page.wait_for_timeout(500)  # a later redraw would move lastChange: take the last one
        r = page.evaluate("() => window.__ru")
        count_after = page.text_content(".ru-jumlah")
        if screenshot:
            page.screenshot(path=str(screenshot.with_name(screenshot.stem + "-filtered.png")))
        settle(server)
        hits = server.take()
        return {"ready_ms": ready_ms, "filter_ms": r["lastChange"] - r["lastKey"],
                "count_before": count_before, "count_after": count_after,
                "wire_bytes": sum(h.wire_bytes for h in hits), "requests": len(hits),
                "outside": list(outside)}
    finally:
        ctx.close()


# ---------------------------------------------------------------------------------------------
# Reporting
# ---------------------------------------------------------------------------------------------


def first_umkm(site: Path) -> str:
    """The first published UMKM id (sorted, as in the manifest)."""
    manifest = json.loads((site / "api" / "manifest.json").read_text(encoding="utf-8"))
    return manifest["umkm"][0]


def first_certificate(site: Path, data: Path | None = None) -> str:
    """The first certificate of the data file (file order), else the first published id."""
    if data is not None:
        from generator.data import load

        registry = load.load(data)
        return next(c.id for _, c in registry.certificates())
    manifest = json.loads((site / "api" / "manifest.json").read_text(encoding="utf-8"))
    return manifest["sertifikat"][0]


def _kb(b: float) -> str:
    return f"{b / 1024:,.1f} KB"


# Goals of issue 13 for a registry of 100,000 UMKM (bytes transferred, first visit, gzip)
GOALS_100K = {"home": 100 * 1024, "directory + filter": 120 * 1024, "first search": 300 * 1024}


def visit_rows(label: str, visits: list[tuple[str, Visit]]) -> list[str]:
    rows = []
    for name, v in visits:
        budget = ""
        if name.startswith("verification"):
            ok = v.wire_bytes <= VERIFY_BUDGET and not v.outside
            budget = f"<= {VERIFY_BUDGET // 1024} KB, 0 outside: {'ok' if ok else '**missed**'}"
        if name.startswith("look-up"):
            ok = v.wire_bytes <= LOOKUP_BUDGET and not v.outside
            budget = f"<= {LOOKUP_BUDGET // 1024} KB, 0 outside: {'ok' if ok else '**missed**'}"

        for page_name, goal in PORTFOLIO_BUDGETS.items():
            if name.startswith(page_name):
                ok = v.wire_bytes <= goal and not v.outside
                budget = (f"<= {goal // 1024} KB (issue 20), 0 outside: "
                          f"{'ok' if ok else '**missed**'}")
        for goal_name, goal in GOALS_100K.items():
            if name.startswith(goal_name):
                ok = v.wire_bytes <= goal and not v.outside
                budget = (f"<= {goal // 1024} KB at 100k, 0 outside: "
                          f"{'ok' if ok else '**missed**'}")
        rows.append(f"| {label} | {name} (HTTP {v.status}) | {v.requests} | {_kb(v.wire_bytes)} | "
                    f"{_kb(v.body_bytes)} | {len(v.outside)} | {v.largest()} | {budget} |")
    return rows


def run(site: Path, data: Path | None, browser, label: str,
        prefix: str) -> tuple[list[str], Server]:
    cert = first_certificate(site, data)
    umkm = first_umkm(site)
    server = serve(site, prefix)
    v = first_visits(browser, server)
    both = v["directory"].hits + v["directory_filter"].hits
    filtered = _visit("umkm/ + filter", 200, both, v["directory"].outside)
    visits = [
        (f"verification `verifikasi/{cert}/`", measure(browser, server, f"verifikasi/{cert}/")),
        (f"profile `umkm/{umkm}/`", measure(browser, server, f"umkm/{umkm}/")),
        ("home `/`", v["home"]),
        ("look-up `verifikasi/`", measure(browser, server, "verifikasi/")),
        ("directory `umkm/`", v["directory"]),
        ("directory + filter (batik, Kraksaan)", filtered),
        ("first search 'batik' (after home)", v["search"]),
        ("404 page", measure(browser, server, "tidak-ada/")),
    ]
    return visit_rows(label, visits), server


def build_site(work: Path, data_text: str | None, src: Path) -> tuple[Path, Path]:
    import project

    tmp = project.make(work, data_text, src)
    project.build(tmp, src=src)
    return tmp / "site", tmp / "data" / "umkm.yaml"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="First-visit weight of the pages, gzip, Chromium.")
    p.add_argument("--site", type=Path, help="a built site (else the sample is built)")
    p.add_argument("--site-10k", type=Path, help="a built 10,000-UMKM site (else built here)")
    p.add_argument("--no-10k", action="store_true", help="skip the 10,000-UMKM site")
    p.add_argument("--screenshots", action="store_true",
                   help="save the 10k directory at 360x640 to benchmarks/out/")
    p.add_argument("--out", type=Path, default=OUT / "weight.md")
    p.add_argument("--rev", help="build this git revision (e.g. HEAD), not the working tree")
    p.add_argument("--prefix", help="path to serve the sites at (default: the path of "
                   "site_url in mkdocs.yml, as GitHub Pages serves a project site)")
    args = p.parse_args(argv)
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(HERE))
    import project

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    work = Path(tempfile.mkdtemp(prefix="registri-weight-"))
    lines = ["## Page weight (first visit, gzip, Chromium)", "",
             "| site | page | requests | transferred | uncompressed | outside 127.0.0.1 | "
             "largest | target |", "|---|---|---|---|---|---|---|---|"]
    timing_lines: list[str] = []
    try:
        src = project.snapshot(work / "src", args.rev)
        what = project.revision(args.rev)
        prefix = args.prefix or site_prefix(src / "mkdocs.yml")
        if args.site:
            site, data = args.site, None
        else:
            log(f"building the sample registry ({what})...")
            site, data = build_site(work / "sample", None, src)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            rows, server = run(site, data, browser, "sample", prefix)
            server.close()
            lines += rows
            if not args.no_10k:
                if args.site_10k:
                    site10, data10 = args.site_10k, None
                else:
                    log("building a synthetic registry of 10,000 UMKM (a few minutes)...")
                    import synth

                    text = synth.render(10_000, source=src / "data" / "umkm.yaml")
                    site10, data10 = build_site(work / "10k", text, src)
                rows, server = run(site10, data10, browser, "10,000 UMKM", prefix)
                lines += rows
                shot = None
                if args.screenshots:
                    OUT.mkdir(parents=True, exist_ok=True)
                    shot = OUT / "direktori-10k-360x640.png"
                cert10 = first_certificate(site10, data10)
                conditions = (("this machine", 1, None), ("4x slower CPU", 4, None),
                              ("4x slower CPU + Slow 4G", 4, SLOW_4G))
                timing_lines = [
                    "", "At 10,000 UMKM, 360x640, first visit. Directory: time until its "
                    "filter works, and from the last keystroke of 'kopi' to the updated count "
                    "(incl. the directory's 250 ms debounce and the Pagefind search). "
                    "Verification page: first contentful paint / load event. "
                    "Slow 4G = 1.6 Mbit/s, 150 ms latency (DevTools preset).",
                    "", "| conditions | directory: filter usable | directory: count updated "
                    "| verification: paint / load | directory transferred |",
                    "|---|---|---|---|---|",
                ]
                for name, cpu, net in conditions:
                    t = directory_timing(browser, server, cpu_slowdown=cpu, network=net,
                                         screenshot=shot if cpu == 1 else None)
                    v = load_timing(browser, server, f"verifikasi/{cert10}/", cpu, net)
                    log(f"{name}: {t['count_before']} -> {t['count_after']}")
                    timing_lines.append(
                        f"| {name} | {t['ready_ms']:,.0f} ms | {t['filter_ms']:,.0f} ms | "
                        f"{v['fcp']:,.0f} / {v['load']:,.0f} ms | "
                        f"{_kb(t['wire_bytes'])} in {t['requests']} requests |")
                server.close()
            browser.close()
    finally:
        import shutil

        shutil.rmtree(work, ignore_errors=True)
    sample = f"given ({args.site})" if args.site else f"built from the {what}"
    big = "" if args.no_10k else (f"; 10,000 UMKM: given ({args.site_10k})" if args.site_10k
                                  else f"; 10,000 UMKM: built from the {what}")
    text = "\n".join(lines + timing_lines) + f"\n\nSites: sample {sample}{big}.\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
