"""The scale benchmark: every figure of issue 13's table, for 1,000, 10,000 and 100,000 UMKM,
beside the plain engine and beside the goal.

    python benchmarks/bench.py [--sizes 1000,10000,100000] [--keep DIR] [--rev HEAD | --src DIR]
                               [--no-weight]

For each size, one run, in a temporary copy of the project (see project.py):
  1. cold build: `python -m generator build` with an empty QR cache, in a process of its own
     (wall and CPU time, peak RSS, seconds per stage, QR codes made and cached);
  2. warm build: the same again with unchanged data and the QR cache of the first (a new
     process, as the next day's build or the admin's second build);
  3. what it produced: bytes per certificate, the largest file under /api/;
  4. page weight, first visit in Chromium over a gzip server (benchmarks/weight.py): home,
     directory, and the first search (what the search fetches, up front or on demand, to
     answer the first query typed into the header's search box);
  5. the plain engine: MkDocs + Material with our theme configuration and its own search
     (Lunr), no hook, making the same pages as Material pages (profiles, lists, home and, since
     issue 22, verification pages: prose as long as the text of their content) and copying the
     rest (/api/, seals, assets; see plain_project): its build time and peak RSS, and the
     weight of its home page and first search.
Prints the table and writes benchmarks/out/results.md (and results.json). Nothing is asserted:
the goals are printed beside the figures, and a missed one is marked. The sources (working
tree, or --rev) are copied once at the start, so the whole run measures one state of the code.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import project
import synth
import yaml

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
STAGES = ("check", "generate", "write", "engine")
KB, MB = 1024, 1024**2

# Issue 13's goals (reported, never asserted).
GOAL_HOME = 100 * KB  # first visit of the home page, gzip, at 100k
GOAL_DIRECTORY = 120 * KB  # first visit of the directory, filters included, at 100k
GOAL_SEARCH = 300 * KB  # what the first search fetches, at 100k
GOAL_COLD = 1.5  # cold build / plain engine
GOAL_WARM = 1.2  # warm build / plain engine
GOAL_BYTES_PER_CERT = 10 * KB  # and 100k certificates under 1 GB
GOAL_API_FILE = 10 * MB  # no file an integrator must fetch whole is larger
GOAL_MEMORY = 1.5  # peak RSS / plain engine's peak RSS


# ---------------------------------------------------------------------------------------------
# Our builds
# ---------------------------------------------------------------------------------------------


def instrumented_build(tmp: Path, src: Path) -> dict:
    """One `generator build` in a subprocess; its BENCH line plus wall time and peak RSS."""
    cmd = [project.PYTHON, str(HERE / "buildrun.py"), *project.build_args(tmp)]
    r = project.run(cmd, tmp, project.env(tmp, src))
    line = next((ln for ln in r.stdout.splitlines() if ln.startswith("BENCH: ")), None)
    if r.returncode != 0 or line is None:
        raise RuntimeError(f"build failed ({r.returncode}):\n{r.stdout[-3000:]}\n"
                           f"{r.stderr[-3000:]}")
    data = json.loads(line[len("BENCH: "):])
    # the QR pool's workers are not our descendants (forkserver): their CPU time is reported
    data.update(wall=r.seconds, cpu=r.cpu_seconds + data.get("qr_pool_cpu", 0.0),
                rss=r.max_rss_bytes)
    # TIMINGS counts the hook's work twice: in its stage and inside `engine`
    data["stages"]["engine"] = (data["stages"].get("engine", 0.0)
                                - sum(data.get("hook_in_engine", {}).values()))
    return data


def measure_site(site: Path) -> dict:
    files = [p for p in site.rglob("*") if p.is_file()]
    api = [p for p in files if p.relative_to(site).parts[:1] == ("api",)]
    largest = max(api, key=lambda p: p.stat().st_size, default=None)
    # the search index: Lunr's one file (plain engine) or the Pagefind bundle (generator)
    index = site / "search" / "search_index.json"
    bundle = [p for p in files if "pagefind" in p.relative_to(site).parts[:1]]
    return {
        "files": len(files),
        "bytes": sum(p.stat().st_size for p in files),
        "html": sum(1 for p in files if p.suffix == ".html"),
        "largest_api": (largest.relative_to(site).as_posix(), largest.stat().st_size)
        if largest else ("", 0),
        "index_bytes": (index.stat().st_size if index.exists() else 0)
        + sum(p.stat().st_size for p in bundle),
    }


def engine_inputs(docs: Path) -> dict:
    """What the engine was given in docs/: Markdown pages and every other file."""
    md = [p.stat().st_size for p in docs.rglob("*.md")]
    return {"md": len(md), "md_avg": sum(md) // max(1, len(md)),
            "static": sum(1 for p in docs.rglob("*") if p.is_file() and p.suffix != ".md")}


# ---------------------------------------------------------------------------------------------
# The plain engine
# ---------------------------------------------------------------------------------------------

WORDS = ("usaha mikro kecil menengah sertifikat kompetensi batik tulis kopi robusta keripik "
         "singkong anyaman bambu kecamatan desa produk olahan pemasaran daring").split()


def _filler(size: int, seed: int) -> str:
    words, n, i = [], 0, seed
    while n < size:
        w = WORDS[(i * 7 + n) % len(WORDS)]
        words.append(w)
        n += len(w) + 1
        i += 1
    text = " ".join(words)
    # paragraphs of ~400 characters, as a page of ordinary prose
    return "\n\n".join(text[k:k + 400] for k in range(0, len(text), 400))


# Pages the plain engine makes itself, as Material pages; the rest it copies (/api/, seals,
# assets). Issue 22: every page a reader opens is a Material page here, verification pages
# too (kept out of Lunr's index by front matter, as ours are kept out of Pagefind's), and each
# page's prose is as long as the *text* of our page's content, not its HTML (issue 13's
# baseline copied our verification pages and counted markup as text: 3.4x the search text).
PLAIN_PAGES = ("umkm", "sektor", "kecamatan", "verifikasi")
_MAIN = re.compile(rb"<main\b.*?</main>", re.S)
_NOT_TEXT = re.compile(r"<(script|style|svg)\b.*?</\1>|<[^>]+>", re.S | re.I)


def text_size(html: bytes) -> int:
    """Characters a reader sees in the page's <main> (the whole page when it has none)."""
    import html as _html

    main = _MAIN.search(html)
    part = (main.group(0) if main else html).decode("utf-8", "replace")
    return len(" ".join(_html.unescape(_NOT_TEXT.sub(" ", part)).split()))


def plain_project(tmp: Path, ours: Path) -> Path:
    """The same pages for the plain engine: MkDocs + Material with our theme settings but no
    overrides, no hook, Material's own search. Every generated page of `PLAIN_PAGES` and the
    home page becomes a Markdown page of prose as long as the text of the page's content, at
    the same address (verification pages excluded from search); every other file of our docs/
    (/api/, seals, assets, hand-written pages) is there as it is (hard links: the same bytes
    to copy)."""
    cfg = yaml.load((ours / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Tolerant)
    cfg.pop("hooks", None)
    cfg.pop("watch", None)
    cfg["plugins"] = ["search"]  # MkDocs' default: the plain engine's own search (Lunr)
    if isinstance(cfg.get("theme"), dict):
        cfg["theme"].pop("custom_dir", None)  # Material's own header, search box and footer
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / "mkdocs.yml").write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    n = 0
    for folder in ("docs",):
        for path in (ours / folder).rglob("*"):
            if not path.is_file():
                continue
            rel = path.relative_to(ours / folder)
            target = tmp / folder / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if folder == "docs" and path.name == "index.html" and (
                rel.parts[0] in PLAIN_PAGES or rel.as_posix() == "index.html"
            ):
                n += 1
                hidden = "search:\n  exclude: true\n" if rel.parts[0] == "verifikasi" else ""
                target.with_suffix(".md").write_text(
                    f"---\ntitle: Halaman {n}\n{hidden}---\n\n"
                    + _filler(text_size(path.read_bytes()), n), "utf-8")
                continue
            try:
                os.link(path, target)
            except OSError:
                shutil.copy2(path, target)
    return tmp


class _Tolerant(yaml.SafeLoader):
    """mkdocs.yml may hold !ENV and python tags: keep them as plain values."""


_Tolerant.add_multi_constructor("", lambda loader, suffix, node: loader.construct_scalar(node)
                                if isinstance(node, yaml.ScalarNode) else None)


def plain_build(tmp: Path, src: Path) -> dict:
    env = project.env(tmp, src)
    r = project.run([project.PYTHON, "-m", "mkdocs", "build", "-q", "-f",
                     str(tmp / "mkdocs.yml"), "-d", str(tmp / "site")], tmp, env)
    if r.returncode != 0:
        raise RuntimeError(f"plain build failed:\n{r.stderr[-3000:]}")
    return {"wall": r.seconds, "cpu": r.cpu_seconds, "rss": r.max_rss_bytes,
            **measure_site(tmp / "site")}


# ---------------------------------------------------------------------------------------------
# Page weight
# ---------------------------------------------------------------------------------------------

SEARCH_WORD = "batik"  # as weight.first_visits types it into our header's box


def plain_first_search(browser, server, weight) -> dict:
    """The plain engine's first search (Material, Lunr): what its home page loads for search
    (the index, fetched up front by the search worker) plus what typing `SEARCH_WORD` into
    its search box fetches, at a desktop size where the box is in the header."""
    ctx, outside = weight.new_context(browser, viewport={"width": 1280, "height": 800})
    try:
        page = ctx.new_page()
        server.take()
        page.goto(server.base, wait_until="networkidle")
        weight.settle(server)
        upfront = [h for h in server.take() if "search" in h.path or "lunr" in h.path]
        page.locator(".md-search__input").first.click()
        page.keyboard.type(SEARCH_WORD, delay=50)
        page.wait_for_timeout(1500)
        weight.settle(server)
        hits = upfront + server.take()
        return {"bytes": sum(h.wire_bytes for h in hits), "requests": len(hits),
                "outside": len(outside)}
    finally:
        ctx.close()


def _summary(*visits) -> dict:
    hits = [h for v in visits for h in v.hits]
    top = sorted(hits, key=lambda h: -h.wire_bytes)[:2]
    return {"bytes": sum(v.wire_bytes for v in visits),
            "requests": sum(v.requests for v in visits),
            "largest": ", ".join(f"{h.path.rsplit('/', 1)[-1] or h.path} "
                                 f"{h.wire_bytes / 1024:.0f} KB" for h in top),
            "outside": sum(len(v.outside) for v in visits)}


def page_weight(site: Path, prefix: str, plain: bool = False) -> dict:
    """First visits at a phone's size: home, directory with a sector + kecamatan filter chosen,
    and the first search typed into the header's box (benchmarks/weight.py's `first_visits`,
    which knows our pages); for the plain engine, its home page and Material's search."""
    import weight
    from playwright.sync_api import sync_playwright

    server = weight.serve(site, prefix)
    out = {}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=weight.CHROMIUM,
                                         args=weight.CHROMIUM_ARGS)
            if plain:
                out["home"] = _summary(weight.measure(browser, server, ""))
                out["search"] = plain_first_search(browser, server, weight)
            else:
                v = weight.first_visits(browser, server)
                out["home"] = _summary(v["home"])
                out["directory"] = _summary(v["directory"], v["directory_filter"])
                out["search"] = _summary(v["search"])
            browser.close()
    finally:
        server.close()
    return out


# ---------------------------------------------------------------------------------------------
# One size
# ---------------------------------------------------------------------------------------------


def bench_size(n: int, work: Path, src: Path, keep: Path | None, weigh: bool, log) -> dict:
    import weight

    tmp = Path(tempfile.mkdtemp(prefix=f"registri-bench-{n}-", dir=work))
    try:
        t0 = time.perf_counter()
        text = synth.render(n, source=src / "data" / "umkm.yaml")
        project.make(tmp, text, src)
        n_cert = text.count("\n      - id: ")
        del text
        log(f"[{n}] synthetic data: {n} UMKM, {n_cert} certificates "
            f"({time.perf_counter() - t0:.1f} s); cold build...")
        cold = instrumented_build(tmp, src)
        log(f"[{n}] cold build {cold['wall']:.1f} s; warm build...")
        # into an empty site/, as on CI and as the plain engine: deleting the last site is
        # the same work for any engine
        shutil.move(tmp / "site", tmp / "site-cold")
        shutil.rmtree(tmp / "site-cold")
        warm = instrumented_build(tmp, src)
        site = measure_site(tmp / "site")
        inputs = engine_inputs(tmp / "docs")
        log(f"[{n}] warm build {warm['wall']:.1f} s; page weight...")
        prefix = weight.site_prefix(tmp / "mkdocs.yml")
        ours_weight = page_weight(tmp / "site", prefix) if weigh else {}
        if keep:
            dest = keep / f"site-{n}"
            shutil.rmtree(dest, ignore_errors=True)
            shutil.copytree(tmp / "site", dest)
        shutil.rmtree(tmp / "site")
        log(f"[{n}] plain engine ({inputs['md']} Markdown pages + {inputs['static']} other "
            "files)...")
        plain_tmp = tmp / "plain"
        plain_project(plain_tmp, tmp)
        plain = plain_build(plain_tmp, src)
        plain_weight = page_weight(plain_tmp / "site", prefix, plain=True) if weigh else {}
        log(f"[{n}] plain engine {plain['wall']:.1f} s")
        return {"n": n, "certs": n_cert, "cold": cold, "warm": warm, "site": site,
                "inputs": inputs, "plain": plain, "weight": ours_weight,
                "plain_weight": plain_weight}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# The tables
# ---------------------------------------------------------------------------------------------


def _size(b: float) -> str:
    if b < MB:
        return f"{b / KB:,.1f} KB"
    if b < 1024 * MB:
        return f"{b / MB:,.1f} MB"
    return f"{b / 1024 / MB:,.2f} GB"


def _mark(ok: bool | None) -> str:
    return "" if ok is None else (" ✔" if ok else " **✘**")


def figures(r: dict, last: bool) -> list[tuple[str, str, str, str]]:
    """(figure, ours, plain engine, goal) of one size; goals that are stated "at 100k" are
    judged on the largest size only."""
    w, pw = r.get("weight", {}), r.get("plain_weight", {})
    rows = []

    def visit(key: str, goal: int, what: str) -> None:
        ours = w.get(key)
        plain = pw.get(key)
        ok = (ours["bytes"] <= goal) if (ours and last) else None
        rows.append((
            what,
            (f"{_size(ours['bytes'])} / {ours['requests']} req." + _mark(ok)) if ours else "—",
            f"{_size(plain['bytes'])} / {plain['requests']} req." if plain else "—",
            f"<= {_size(goal)} at 100k",
        ))

    visit("home", GOAL_HOME, "first visit, home (gzip)")
    visit("directory", GOAL_DIRECTORY, "first visit, directory + a sector and kecamatan filter")
    visit("search", GOAL_SEARCH, f"first search ('{SEARCH_WORD}'), fetched for it")
    plain = r["plain"]
    for key, goal, what in (("cold", GOAL_COLD, "cold build"), ("warm", GOAL_WARM,
                                                                "warm build")):
        ratio = r[key]["wall"] / plain["wall"]
        cpu = r[key]["cpu"] / plain["cpu"]
        rows.append((f"{what} vs plain engine (wall; CPU)",
                     f"{r[key]['wall']:,.1f} s = {ratio:.2f}x" + _mark(ratio <= goal)
                     + f"; CPU {cpu:.2f}x",
                     f"{plain['wall']:,.1f} s; CPU {plain['cpu']:,.1f} s", f"<= {goal}x"))
    per_cert = r["site"]["bytes"] / r["certs"]
    rows.append(("site bytes per certificate",
                 f"{_size(per_cert)} ({_size(r['site']['bytes'])} in all)"
                 + _mark(per_cert <= GOAL_BYTES_PER_CERT),
                 f"{_size(plain['bytes'] / r['certs'])}",
                 f"<= {_size(GOAL_BYTES_PER_CERT)}; 100k under 1 GB"))
    name, size = r["site"]["largest_api"]
    rows.append(("largest file under /api/", f"{_size(size)} ({name})"
                 + _mark(size <= GOAL_API_FILE), "—", f"<= {_size(GOAL_API_FILE)}"))
    peak = max(r["cold"]["rss"], r["warm"]["rss"])
    ratio = peak / plain["rss"]
    rows.append(("peak memory (RSS)", f"{_size(peak)} = {ratio:.2f}x" + _mark(ratio <= GOAL_MEMORY),
                 _size(plain["rss"]), f"<= {GOAL_MEMORY}x the plain engine"))
    return rows


def table(results: list[dict]) -> str:
    lines = []
    cols = " | ".join(f"{r['n']:,} UMKM ({r['certs']:,} cert.): ours | plain engine"
                      for r in results)
    lines += [f"| figure | {cols} | goal |", "|---|" + "---|---|" * len(results) + "---|"]
    per_size = [figures(r, r is results[-1] and r["n"] >= 100_000) for r in results]
    for i, (what, *_rest) in enumerate(per_size[0]):
        cells = " | ".join(f"{rows[i][1]} | {rows[i][2]}" for rows in per_size)
        lines.append(f"| {what} | {cells} | {per_size[0][i][3]} |")
    lines += ["", *details(results)]
    return "\n".join(lines) + "\n"


def details(results: list[dict]) -> list[str]:
    """Where the time goes, and what the engine was given: for reading the figures above."""
    head = "| detail | " + " | ".join(f"{r['n']:,} UMKM" for r in results) + " |"
    lines = [head, "|---|" + "---|" * len(results)]

    def row(what: str, fn) -> None:
        lines.append(f"| {what} | " + " | ".join(fn(r) for r in results) + " |")

    for key in ("cold", "warm"):
        row(f"{key} build: check / generate / write / engine",
            lambda r, k=key: " / ".join(f"{r[k]['stages'].get(s, 0.0):,.1f}" for s in STAGES)
            + " s")
        row(f"{key} build: CPU time (all processes)",
            lambda r, k=key: f"{r[k]['cpu']:,.1f} s")
        row(f"{key} build: QR codes made / from cache",
            lambda r, k=key: f"{r[k]['qr_stats'].get('made', 0):,} / "
            f"{r[k]['qr_stats'].get('cached', 0):,}")
    row("cold build: QR time (in generate)",
        lambda r: f"{r['cold']['qr_seconds']:,.1f} s "
        f"({r['cold']['qr_seconds'] / max(1, r['certs']) * 1000:.2f} ms/cert.)")
    row("engine input: Markdown pages / other files",
        lambda r: f"{r['inputs']['md']:,} / {r['inputs']['static']:,}")
    row("site: files / HTML pages", lambda r: f"{r['site']['files']:,} / {r['site']['html']:,}")
    row("home: largest transfers", lambda r: r.get("weight", {}).get("home", {})
        .get("largest", "—"))
    row("directory: largest transfers", lambda r: r.get("weight", {}).get("directory", {})
        .get("largest", "—"))
    return lines


def environment() -> str:
    import platform
    from importlib.metadata import version

    def v(pkg: str) -> str:
        try:
            return version(pkg)
        except Exception:  # noqa: BLE001
            return "?"

    return (f"Python {platform.python_version()}, mkdocs {v('mkdocs')}, mkdocs-material "
            f"{v('mkdocs-material')}, segno {v('segno')}, PyYAML {v('PyYAML')}, pagefind "
            f"{v('pagefind')}; {os.cpu_count()} CPUs; {time.strftime('%Y-%m-%d')}.")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Issue 13's figures on synthetic registries.")
    p.add_argument("--sizes", default="1000,10000,100000",
                   help="comma-separated numbers of UMKM (default 1000,10000,100000)")
    p.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()),
                   help="where to make the temporary projects")
    p.add_argument("--keep", type=Path, help="copy each built site to DIR/site-<N>")
    p.add_argument("--no-weight", action="store_true", help="skip the Chromium page weights")
    p.add_argument("--out", type=Path, default=OUT / "results.md")
    p.add_argument("--rev", help="measure this git revision (e.g. HEAD) instead of the "
                   "working tree; either way the sources are copied once, at the start")
    p.add_argument("--src", type=Path, help="measure the sources in DIR (a copy of the "
                   "project with generator/, e.g. a scratch copy with a proposed change)")
    args = p.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    src_tmp = Path(tempfile.mkdtemp(prefix="registri-bench-src-", dir=args.work))
    try:
        if args.src:
            src, what = args.src.resolve(), f"sources in {args.src}"
        else:
            src = project.snapshot(src_tmp / "src", args.rev)
            what = project.revision(args.rev)
        log(f"measuring the {what}")
        results = []
        for n in sizes:
            results.append(bench_size(n, args.work, src, args.keep, not args.no_weight, log))
            # write what is known so far: a long run can be read while it goes on
            _write(args.out, results, what)
    finally:
        shutil.rmtree(src_tmp, ignore_errors=True)
    print(_write(args.out, results, what))
    return 0


def _write(out: Path, results: list[dict], what: str) -> str:
    text = f"## Scale benchmark\n\n{table(results)}\nCode: {what}. {environment()}\n"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    out.with_suffix(".json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    return text


if __name__ == "__main__":
    sys.exit(main())
