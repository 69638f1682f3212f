"""The portal at scale: many synthetic members served locally, the portal built over them.

    python benchmarks/portal.py [--members 514] [--umkm 1000000] [--work DIR] [--no-browser]
                                [--reuse-members] [--only-members] [--part N] [--max-gb 12]

Building 514 full member sites (profiles, verification pages, credentials: ~18 KB per
certificate) is out of reach on this machine, so each member publishes only the files the
portal fetches, made by the project's own code from a synthetic registry (benchmarks/synth.py,
one seed per member): api/registri.json and its parts, api/perubahan.json, did.json, and
api/SHA256SUMS signed (api/SHA256SUMS.jws) with a member key. SHA256SUMS also lists the lines a
full site would (profile, verification page and credential of every UMKM and certificate), so
its size is a real member's. All members are served by one local HTTP server, each under its
own path (`/a001/` ...: did:web:127.0.0.1%3A<port>:a001).

Measured: the portal's first build (every member downloaded), a second build with the members
cached and unchanged (what the daily run does), peak memory of each, the portal's size and
file count, and (Chromium) the first visits of home and directory and a first search.

The members are made by 2 worker processes, one member at a time each (~77 MB a worker at
1,000,000 UMKM), and recorded in WORK/anggota.json: `--reuse-members` builds over the same
members (same bytes, same port) without making them again, `--only-members` makes them and
stops, `--part N` builds the portal over the first N members only (to measure a part before
a full run). Each build runs under a memory guard: past `--max-gb` (default 12) for all the
build's processes together (sampled twice a second), they are stopped and the run says so.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import http.server
import json
import os
import re
import shutil
import socket
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

import project  # noqa: E402
import synth  # noqa: E402

BUILT = datetime(2026, 11, 28, tzinfo=UTC)
EPOCH = str(int(BUILT.timestamp()))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _member(job: tuple[int, int, str, str, Path]) -> tuple[int, int, int]:
    """Write member i's published files under out/a<i>/; returns (UMKM, certificates, the
    worker's peak memory in bytes)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from generator.api import feed, registry_parts
    from generator.data import load, model
    from generator.data.config import SiteUrl
    from generator.signing import credentials, keys, sums

    i, n, base, private_hex, out = job
    mid = f"a{i:03d}"
    text = synth.render(n, seed=1000 + i)
    # numbers and ids of one member's certificates are its own (as with different LSPs)
    text = re.sub(r"(?m)^(      - id: )", rf"\g<1>{mid}-", text)
    text = text.replace('nomor: "', f'nomor: "{mid.upper()}/')
    src = out / f"{mid}.yaml"
    src.write_text(text, encoding="utf-8")
    registry = load.load(src)
    src.unlink()
    site_url = SiteUrl(f"{base}{mid}/")
    private = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(private_hex))
    key = model.SigningKey("kunci-1", keys.public_multibase(private.public_key()), date(2026, 1, 1))
    registry = replace(registry, registri=replace(registry.registri, kunci=(key,)))
    did = keys.did_web(site_url)
    signer = keys.Signer(private, key, did, site_url)
    files = {
        k: v
        for k, v in registry_parts.registry_files(registry, BUILT, site_url).items()
        if k.endswith(".json")
    }
    files["api/perubahan.json"] = feed.json_bytes(registry, BUILT, site_url)
    files["did.json"] = (
        json.dumps(credentials.did_document(registry, did), separators=(",", ":")) + "\n"
    ).encode()
    lines = {rel: hashlib.sha256(data).hexdigest() for rel, data in files.items()}
    for u, c in registry.certificates():  # what a full site lists besides (never fetched)
        for rel in (f"verifikasi/{c.id}/index.html", f"api/kredensial/{c.id}.json",
                    f"api/sertifikat/{c.id}.json"):  # fmt: skip
            lines[rel] = hashlib.sha256(rel.encode()).hexdigest()
        lines[f"umkm/{u.id}/index.html"] = hashlib.sha256(u.id.encode()).hexdigest()
    payload = "".join(f"{h}  {rel}\n" for rel, h in sorted(lines.items())).encode()
    files[sums.SUMS_PATH] = payload
    files[sums.JWS_PATH] = sums.detached_jws(payload, signer).encode()
    for rel, data in files.items():
        target = out / mid / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return len(registry.umkm), sum(1 for _ in registry.certificates()), peak


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _tree_size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def _mb(n: float) -> str:
    return f"{n / 1024 / 1024:,.1f} MB"


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                stat = Path(f"/proc/{d}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(d))
    out, todo = [], [root]
    while todo:
        for c in children.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


class _Guard(threading.Thread):
    """Samples the resident memory of this process's descendants (the build, Pagefind) every
    half second; kills them, by their ids, when together they pass `limit` bytes, so that a
    run at scale cannot take the machine's memory (shared with other work)."""

    def __init__(self, limit: float):
        super().__init__(daemon=True)
        self.limit, self.peak, self.killed = limit, 0, False
        self._halt = threading.Event()

    def run(self):
        page = os.sysconf("SC_PAGE_SIZE")
        while not self._halt.wait(0.5):
            pids, total = _descendants(os.getpid()), 0
            for pid in pids:
                try:
                    total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * page
                except OSError:
                    pass
            self.peak = max(self.peak, total)
            if total > self.limit:
                self.killed = True
                for pid in pids:
                    try:
                        os.kill(pid, 9)
                    except OSError:
                        pass

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self._halt.set()
        self.join()


def _make_members(members_dir: Path, n_members: int, n_umkm: int) -> dict:
    """Every member's files, one member at a time per worker process (2 on this machine):
    nothing of a member is kept once written, so memory does not grow with the UMKM."""
    members_dir.mkdir(parents=True)
    port = _free_port()
    base = f"http://127.0.0.1:{port}/"
    private_hex = os.urandom(32).hex()
    per = [n_umkm // n_members + (1 if i < n_umkm % n_members else 0)
           for i in range(n_members)]  # fmt: skip
    t0 = time.perf_counter()
    jobs = [(i + 1, n, base, private_hex, members_dir) for i, n in enumerate(per)]
    workers = min(2, os.cpu_count() or 1)
    with ProcessPoolExecutor(workers) as pool:
        made = list(pool.map(_member, jobs, chunksize=1))
    seconds = time.perf_counter() - t0
    files, size = _tree_size(members_dir)
    return {
        "members": n_members, "umkm": n_umkm, "port": port, "seconds": seconds,
        "n_umkm": sum(m[0] for m in made), "n_cert": sum(m[1] for m in made),
        "files": files, "bytes": size, "peak_worker": max(m[2] for m in made),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--members", type=int, default=514)
    ap.add_argument("--umkm", type=int, default=1_000_000, help="UMKM over all members")
    ap.add_argument("--work", default=str(ROOT / "benchmarks" / "out" / "portal"))
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--reuse-members", action="store_true",
                    help="keep the members made by an earlier run with the same sizes")
    ap.add_argument("--only-members", action="store_true", help="make the members and stop")
    ap.add_argument("--part", type=int, help="build the portal over the first N members only")
    ap.add_argument("--max-gb", type=float, default=12.0,
                    help="stop a build whose processes hold more memory than this together")
    args = ap.parse_args(argv)
    work = Path(args.work)
    members_dir = work / "anggota"
    made_file = work / "anggota.json"  # sizes, port and figures of the members made
    wanted = {"members": args.members, "umkm": args.umkm}
    made = json.loads(made_file.read_text()) if made_file.is_file() else {}
    if not (args.reuse_members and {k: made.get(k) for k in wanted} == wanted):
        shutil.rmtree(work, ignore_errors=True)
        made = _make_members(members_dir, args.members, args.umkm)
        made_file.write_text(json.dumps(made), encoding="utf-8")
    shutil.rmtree(work / "portal", ignore_errors=True)
    port, n_umkm, n_cert = made["port"], made["n_umkm"], made["n_cert"]
    members_files, members_bytes = made["files"], made["bytes"]
    print(f"members: {args.members}, {n_umkm:,} UMKM, {n_cert:,} certificates, "
          f"{members_files:,} files ({_mb(members_bytes)}) made in {made['seconds']:.0f} s "
          f"(peak of a worker {_mb(made['peak_worker'])})", flush=True)  # fmt: skip
    if args.only_members:
        return 0
    base = f"http://127.0.0.1:{port}/"
    handler = functools.partial(_Quiet, directory=str(members_dir))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()

    proj = work / "portal"
    (proj / "data").mkdir(parents=True)
    cfg = (ROOT / "contoh" / "portal" / "mkdocs.yml").read_text(encoding="utf-8")
    portal_port = _free_port()
    cfg = re.sub(r"(?m)^site_url:.*$", f"site_url: http://127.0.0.1:{portal_port}/", cfg)
    (proj / "mkdocs.yml").write_text(cfg, encoding="utf-8")
    in_portal = min(args.part or args.members, args.members)
    anggota = "".join(
        f"  - {{id: a{i:03d}, nama: Kabupaten Anggota {i:03d}, url: '{base}a{i:03d}/'}}\n"
        for i in range(1, in_portal + 1)
    )
    (proj / "data" / "portal.yaml").write_text(
        "portal: {judul: Portal Uji Skala, penerbit: Dinas Provinsi Uji, contoh: true}\n"
        f"anggota:\n{anggota}",
        encoding="utf-8",
    )
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("REGISTRI_KUNCI_FILE", None)
    env.pop("REGISTRI_KUNCI", None)
    cmd = [sys.executable, "-m", "generator", "build"]
    rows = []
    for label in ("first build (every member downloaded)", "second build (members cached)"):
        print(f"{label}: started, load average {_load()}", flush=True)
        with _Guard(args.max_gb * 1024**3) as guard:
            r = project.run(cmd, proj, env)
        if guard.killed:
            print(f"{label}: stopped, its processes held {_mb(guard.peak)} together (limit "
                  f"{args.max_gb} GB)", flush=True)  # fmt: skip
            return 1
        if r.returncode != 0:
            print(r.stdout[-3000:], r.stderr[-3000:])
            return 1
        downloaded = sum(int(x) for x in re.findall(r"; (\d+) berkas diunduh", r.stderr))
        rows.append((label, r.seconds, r.cpu_seconds, r.max_rss_bytes, downloaded, guard.peak))
        print(f"{label}: {r.seconds:,.0f} s wall, {r.cpu_seconds:,.0f} s CPU, peak "
              f"{_mb(r.max_rss_bytes)} (largest process), {_mb(guard.peak)} (all its processes "
              f"together, sampled), {downloaded} files downloaded; load average {_load()}",
              flush=True)  # fmt: skip
    site = proj / "site"
    n_files, n_bytes = _tree_size(site)
    pagefind = _tree_size(site / "pagefind")
    direktori = _tree_size(site / "api" / "direktori")
    print(f"portal: {n_files:,} files, {_mb(n_bytes)} (pagefind {pagefind[0]:,} files "
          f"{_mb(pagefind[1])}; directory shards {direktori[0]:,} files {_mb(direktori[1])})")
    visits = {}
    if not args.no_browser:
        import weight
        from playwright.sync_api import sync_playwright

        server = weight.serve(site)
        kec = json.loads((site / "api" / "direktori" / "indeks.json").read_text())["kecamatan"]
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=weight.CHROMIUM, args=weight.CHROMIUM_ARGS)
            try:
                v = weight.first_visits(browser, server, "batik", "batik", kec[0][0])
            finally:
                browser.close()
        server.close()
        visits = {k: (x.wire_bytes, x.requests) for k, x in v.items()}
        for k, (b, n) in visits.items():
            print(f"first visit {k}: {b / 1024:,.1f} KB gzip in {n} requests")
    httpd.shutdown()
    load = os.getloadavg()
    print(f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    result = {
        "members": args.members, "umkm": n_umkm, "certificates": n_cert,
        "member_files": members_files, "member_bytes": members_bytes,
        "builds": rows, "portal_files": n_files, "portal_bytes": n_bytes,
        "pagefind": pagefind, "direktori": direktori, "visits": visits, "load": load,
    }  # fmt: skip
    (work / "result.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
