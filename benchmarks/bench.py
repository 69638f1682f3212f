"""Build benchmark: synthetic registries of 1,000 and 10,000 UMKM (100,000 with --full).

    python benchmarks/bench.py [--full] [--sizes 1000,10000] [--keep DIR] [--rev HEAD | --src DIR]

For each size, in a temporary copy of the project (see project.py):
  1. the first build (`python -m generator build`, empty QR cache), in a subprocess of its own:
     wall time, peak RSS, seconds per stage (check, generate incl. QR, write, engine), QR made
     and taken from the cache, and what it produced (pages, files, bytes, search index);
  2. a second build with unchanged data (a new process: disk cache only), for the QR time;
  3. the plain engine (MkDocs + Material, the same theme configuration, no hook, no plugin but
     search) building as many trivial pages of the same average size as the engine handles in
     our site (the generated Markdown pages, plus the standalone verification pages, which it
     copies), so that our overhead is a ratio.
Prints a Markdown table and writes it to benchmarks/out/results.md (and results.json).
Nothing is asserted: the targets are printed beside the numbers. The sources (working tree,
or --rev) are copied once at the start, so the whole run measures one state of the code.
"""

from __future__ import annotations

import argparse
import json
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

# Targets of the "Scale, weight and accessibility" issue (reported, not asserted).
TARGET_RATIO = 1.3  # full build / plain engine
TARGET_BYTES_PER_CERT = 10 * 1024
TARGET_INDEX_PER_UMKM = 300
TARGET_QR_SECOND = 0.10  # second build's QR time / first build's
TARGET_MEMORY = 4 * 1024**3  # at 100,000 UMKM
STAGES = ("check", "generate", "write", "engine")


# ---------------------------------------------------------------------------------------------
# Measuring
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
    data.update(wall=r.seconds, cpu=r.cpu_seconds, rss=r.max_rss_bytes,
                warnings=_warnings(r.stderr))
    # TIMINGS counts the hook's work twice: in its stage and inside `engine`
    data["stages"]["engine"] = (data["stages"].get("engine", 0.0)
                                - sum(data.get("hook_in_engine", {}).values()))
    return data


def _warnings(stderr: str) -> list[str]:
    return [ln for ln in stderr.splitlines() if ln.startswith(("WARNING", "ERROR"))][:5]


def measure_site(site: Path) -> dict:
    files = [p for p in site.rglob("*") if p.is_file()]
    # the search index: Lunr's one file (plain engine) or the Pagefind bundle (generator)
    index = site / "search" / "search_index.json"
    bundle = [p for p in files if "pagefind" in p.relative_to(site).parts[:1]]
    return {
        "files": len(files),
        "bytes": sum(p.stat().st_size for p in files),
        "html": sum(1 for p in files if p.suffix == ".html"),
        "index_bytes": (index.stat().st_size if index.exists() else 0)
        + sum(p.stat().st_size for p in bundle),
    }


def engine_inputs(docs: Path) -> dict:
    """What the engine was given in docs/: Markdown pages and standalone HTML pages."""
    md = [p.stat().st_size for p in docs.rglob("*.md")]
    html = [p.stat().st_size for p in docs.rglob("*.html")]
    return {"md": len(md), "md_avg": sum(md) // max(1, len(md)),
            "html": len(html), "html_avg": sum(html) // max(1, len(html))}


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


def plain_project(tmp: Path, inputs: dict, src: Path) -> Path:
    """A project of `inputs['md']` trivial Markdown pages and `inputs['html']` static HTML
    pages of the same average sizes, with our theme configuration and nothing else."""
    cfg = yaml.safe_load((src / "mkdocs.yml").read_text(encoding="utf-8"))
    plain = {
        "site_name": cfg.get("site_name", "Plain"),
        "site_url": cfg.get("site_url"),
        "use_directory_urls": True,
        "theme": cfg["theme"],
        "plugins": [p for p in cfg.get("plugins", ["search"])
                    if p == "search" or (isinstance(p, dict) and "search" in p)],
        "nav": [{"Beranda": "index.md"}],
        # as in our mkdocs.yml: pages out of the nav keep the engine linear
        "not_in_nav": "/p/\n/v/\n",
    }
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / "mkdocs.yml").write_text(yaml.safe_dump(plain, allow_unicode=True), encoding="utf-8")
    project._copy_tree(src / "overrides", tmp / "overrides", project.GENERATED_OVERRIDES)
    docs = tmp / "docs"
    docs.mkdir(exist_ok=True)
    (docs / "index.md").write_text("# Beranda\n\n" + _filler(inputs["md_avg"], 0), "utf-8")
    for i in range(1, inputs["md"]):
        d = docs / "p" / f"{i:06d}"
        d.mkdir(parents=True)
        (d / "index.md").write_text(f"---\ntitle: Halaman {i}\n---\n\n# Halaman {i}\n\n"
                                    + _filler(inputs["md_avg"], i), "utf-8")
    for i in range(inputs["html"]):
        d = docs / "v" / f"{i:06d}"
        d.mkdir(parents=True)
        body = _filler(inputs["html_avg"] - 120, i)
        (d / "index.html").write_text(f"<!doctype html><html lang=id><title>{i}</title><p>"
                                      f"{body}</p></html>\n", "utf-8")
    return tmp


def plain_build(tmp: Path, src: Path) -> dict:
    env = project.env(tmp, src)
    r = project.run([project.PYTHON, "-m", "mkdocs", "build", "-q", "-f",
                     str(tmp / "mkdocs.yml"), "-d", str(tmp / "site")], tmp, env)
    if r.returncode != 0:
        raise RuntimeError(f"plain build failed:\n{r.stderr[-3000:]}")
    return {"wall": r.seconds, "cpu": r.cpu_seconds, "rss": r.max_rss_bytes,
            **measure_site(tmp / "site")}


# ---------------------------------------------------------------------------------------------
# One size
# ---------------------------------------------------------------------------------------------


def bench_size(n: int, work: Path, src: Path, keep: Path | None, log) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix=f"registri-bench-{n}-", dir=work))
    try:
        t0 = time.perf_counter()
        text = synth.render(n, source=src / "data" / "umkm.yaml")
        project.make(tmp, text, src)
        n_cert = text.count("\n      - id: ")
        log(f"[{n}] synthetic data: {n} UMKM, {n_cert} certificates "
            f"({time.perf_counter() - t0:.1f} s); first build...")
        first = instrumented_build(tmp, src)
        site = measure_site(tmp / "site")
        inputs = engine_inputs(tmp / "docs")
        log(f"[{n}] first build {first['wall']:.1f} s; second build...")
        second = instrumented_build(tmp, src)
        log(f"[{n}] second build {second['wall']:.1f} s; plain engine "
            f"({inputs['md']} Markdown + {inputs['html']} HTML pages)...")
        if keep:
            dest = keep / f"site-{n}"
            shutil.rmtree(dest, ignore_errors=True)
            shutil.copytree(tmp / "site", dest)
        shutil.rmtree(tmp / "site")
        plain_tmp = tmp / "plain"
        plain_project(plain_tmp, inputs, src)
        plain = plain_build(plain_tmp, src)
        log(f"[{n}] plain engine {plain['wall']:.1f} s")
        return {"n": n, "certs": n_cert, "first": first, "second": second, "site": site,
                "inputs": inputs, "plain": plain}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# The table
# ---------------------------------------------------------------------------------------------


def _mb(b: float) -> str:
    if b < 1024**2:
        return f"{b / 1024:,.0f} KB"
    return f"{b / 1024**2:,.1f} MB"


def _ok(good: bool) -> str:
    return "ok" if good else "**missed**"


def table(results: list[dict]) -> str:
    cols = [f"{r['n']:,} UMKM" for r in results]
    rows: list[tuple[str, list[str], str]] = []

    def row(name: str, fn, target: str = "") -> None:
        rows.append((name, [fn(r) for r in results], target))

    def stage(r: dict, which: str, s: str) -> float:
        return r[which]["stages"].get(s, 0.0)

    row("certificates", lambda r: f"{r['certs']:,}")
    row("**first build**, wall (CPU) time",
        lambda r: f"{r['first']['wall']:.1f} s ({r['first']['cpu']:.1f} s)")
    for s in STAGES:
        row(f"  {s}", lambda r, s=s: f"{stage(r, 'first', s):.1f} s "
            f"({stage(r, 'first', s) / r['n'] * 1000:.2f} ms/UMKM)")
    row("  QR codes (part of generate)", lambda r: f"{r['first']['qr_seconds']:.1f} s "
        f"({r['first']['qr_seconds'] / max(1, r['certs']) * 1000:.2f} ms/cert.)")
    row("  other (start-up, imports, swap)",
        lambda r: f"{r['first']['wall'] - sum(r['first']['stages'].values()):.1f} s")
    row("  pages rendered (passes of pages.Site.files)", lambda r: f"{r['first']['passes']}",
        "1")
    row("  QR made / from cache", lambda r: f"{r['first']['qr_stats'].get('made', 0):,} / "
        f"{r['first']['qr_stats'].get('cached', 0):,}")
    row("  peak memory (RSS)", lambda r: _mb(r["first"]["rss"]),
        f"< {TARGET_MEMORY / 1024**3:.0f} GB at 100k")
    row("**second build** (same data), wall (CPU) time",
        lambda r: f"{r['second']['wall']:.1f} s ({r['second']['cpu']:.1f} s)")
    for s in STAGES:
        row(f"  {s}", lambda r, s=s: f"{stage(r, 'second', s):.1f} s")
    row("  QR codes: time / share of first",
        lambda r: f"{r['second']['qr_seconds']:.2f} s / "
        f"{r['second']['qr_seconds'] / max(1e-9, r['first']['qr_seconds']):.1%} "
        f"({_ok(r['second']['qr_seconds'] <= TARGET_QR_SECOND * r['first']['qr_seconds'])})",
        f"< {TARGET_QR_SECOND:.0%}")
    row("  QR made / from cache", lambda r: f"{r['second']['qr_stats'].get('made', 0):,} / "
        f"{r['second']['qr_stats'].get('cached', 0):,}")
    row("  pages rendered (passes)", lambda r: f"{r['second']['passes']}", "1")
    row("**plain engine**, same number of pages",
        lambda r: f"{r['plain']['wall']:.1f} s ({r['plain']['cpu']:.1f} s CPU; "
        f"{r['inputs']['md']:,} Markdown + {r['inputs']['html']:,} HTML pages; "
        f"{_mb(r['plain']['rss'])})")
    row("full build / plain engine (wall; CPU)",
        lambda r: f"first {r['first']['wall'] / r['plain']['wall']:.2f}x; "
        f"{r['first']['cpu'] / r['plain']['cpu']:.2f}x "
        f"({_ok(r['first']['wall'] <= TARGET_RATIO * r['plain']['wall'])}); second "
        f"{r['second']['wall'] / r['plain']['wall']:.2f}x; "
        f"{r['second']['cpu'] / r['plain']['cpu']:.2f}x "
        f"({_ok(r['second']['wall'] <= TARGET_RATIO * r['plain']['wall'])})",
        f"<= {TARGET_RATIO}x")
    row("pages (HTML files)", lambda r: f"{r['site']['html']:,}")
    row("site: files / bytes", lambda r: f"{r['site']['files']:,} / {_mb(r['site']['bytes'])}")
    row("site bytes per certificate",
        lambda r: f"{r['site']['bytes'] / r['certs'] / 1024:.1f} KB "
        f"({_ok(r['site']['bytes'] / r['certs'] <= TARGET_BYTES_PER_CERT)})",
        f"<= {TARGET_BYTES_PER_CERT // 1024} KB")
    row("search index: bytes / per UMKM",
        lambda r: f"{_mb(r['site']['index_bytes'])} / {r['site']['index_bytes'] / r['n']:.0f} B "
        f"({_ok(r['site']['index_bytes'] / r['n'] <= TARGET_INDEX_PER_UMKM)})",
        f"<= {TARGET_INDEX_PER_UMKM} B per UMKM")
    header = "| measure | " + " | ".join(cols) + " | target |"
    lines = [header, "|---|" + "---|" * len(cols) + "---|"]
    for name, values, target in rows:
        name = name.replace("  ", "&nbsp;&nbsp;", 1) if name.startswith("  ") else name
        lines.append(f"| {name} | " + " | ".join(values) + f" | {target} |")
    lines += ["", *growth(results)]
    return "\n".join(lines) + "\n"


def growth(results: list[dict]) -> list[str]:
    """Per-UMKM time of each stage from one size to the next: ~1.0 is linear."""
    out = []
    for a, b in zip(results, results[1:], strict=False):
        parts = []
        for s in (*STAGES, "qr", "wall"):
            def per(r, s=s):
                if s == "qr":
                    return r["first"]["qr_seconds"] / r["certs"]
                if s == "wall":
                    return r["first"]["wall"] / r["n"]
                return r["first"]["stages"].get(s, 0.0) / r["n"]
            ratio = per(b) / per(a) if per(a) else float("nan")
            mark = "" if ratio <= 1.25 else " **worse than linear**"
            parts.append(f"{s} {ratio:.2f}x{mark}")
        bytes_a, bytes_b = a["site"]["bytes"], b["site"]["bytes"]
        marginal = (bytes_b - bytes_a) / max(1, b["certs"] - a["certs"]) / 1024
        out.append(f"Per-item time, {a['n']:,} -> {b['n']:,} UMKM (1.00x = linear; target: no "
                   f"stage worse than linear): " + ", ".join(parts) + ". Marginal site bytes "
                   f"per added certificate: {marginal:.1f} KB.")
    return out


def environment() -> str:
    import os
    import platform
    from importlib.metadata import version

    def v(pkg: str) -> str:
        try:
            return version(pkg)
        except Exception:  # noqa: BLE001
            return "?"

    return (f"Python {platform.python_version()}, mkdocs {v('mkdocs')}, mkdocs-material "
            f"{v('mkdocs-material')}, segno {v('segno')}, PyYAML {v('PyYAML')}; "
            f"{os.cpu_count()} CPUs; {time.strftime('%Y-%m-%d')}.")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Build benchmark on synthetic registries.")
    p.add_argument("--full", action="store_true", help="also 100,000 UMKM")
    p.add_argument("--sizes", help="comma-separated sizes instead (e.g. 1000,10000)")
    p.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()),
                   help="where to make the temporary projects")
    p.add_argument("--keep", type=Path, help="copy each built site to DIR/site-<N>")
    p.add_argument("--out", type=Path, default=OUT / "results.md")
    p.add_argument("--rev", help="measure this git revision (e.g. HEAD) instead of the "
                   "working tree; either way the sources are copied once, at the start")
    p.add_argument("--src", type=Path, help="measure the sources in DIR (a copy of the "
                   "project with generator/, e.g. a scratch copy with a proposed change)")
    args = p.parse_args(argv)
    sizes = ([int(s) for s in args.sizes.split(",")] if args.sizes
             else [1000, 10000] + ([100000] if args.full else []))

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
            results.append(bench_size(n, args.work, src, args.keep, log))
            # write what is known so far: a long --full run can be read while it goes on
            _write(args.out, results, what)
    finally:
        shutil.rmtree(src_tmp, ignore_errors=True)
    print(_write(args.out, results, what))
    return 0


def _write(out: Path, results: list[dict], what: str) -> str:
    text = (f"## Build benchmark\n\n{table(results)}\nCode: {what}. {environment()}\n")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    out.with_suffix(".json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    return text


if __name__ == "__main__":
    sys.exit(main())
