"""Incremental builds (issue 22): the engine renders only what changed, links the rest from the
previous site, and the result is byte for byte the site a cold build of the same data gives.

The random edit sequences run in this process (pipeline.build, as `python -m generator build`
does), on small synthetic registries: ~0.3 s a build, two per step."""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from conftest import FIXED_EPOCH, ROOT, bench_module, make_project, run_generator
from test_signing import new_key

from generator import pipeline
from generator.publish import reuse
from generator.site import docs_files, memo

SEQUENCES = 52  # random edit sequences, half of them signed, in 4 chains of 13
STEPS = 2  # edits per sequence, each followed by an incremental build and a cold one
# the pages of mkdocs.yml's nav (always rendered: few) and the theme's 404 page
NAV_PAGES = {"index.html", "umkm/index.html", "sektor/index.html", "kecamatan/index.html"}
NAV_PAGES |= {"verifikasi/index.html", "api/index.html", "panduan/index.html"}
NAV_PAGES |= {"tentang/index.html", "404.html"}
URLS = ("https://example.github.io/registri-umkm/", "https://umkm.example.org/")


def tree(site: Path) -> dict[str, str]:
    """{relative path: sha256} of every file under `site`."""
    return {
        p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def inodes(site: Path) -> dict[str, int]:
    return {p.relative_to(site).as_posix(): p.stat().st_ino for p in site.rglob("*") if p.is_file()}


def dump(data: dict) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)


class Editor:
    """Random edits of a registry (as a dict) and of mkdocs.yml's site_url."""

    def __init__(self, project: Path, data: dict, rng: random.Random):
        self.project, self.data, self.rng = project, data, rng
        self.n = 0

    def apply(self) -> str:
        kinds = ["status", "status", "add", "remove", "kecamatan", "site_url", "nama", "expiry"]
        # inputs every page shares (the pages of a UMKM whose own record did not change)
        kinds += ["sektor", "judul", "masa", "tanggal", "rotate"]
        kind = self.rng.choice(kinds)
        getattr(self, kind)()
        self.save()
        return kind

    def _cert(self) -> dict:
        return self.rng.choice([c for u in self.data["umkm"] for c in u["sertifikat"]])

    def status(self) -> None:
        c = self._cert()
        if c.get("status") in ("dibekukan", "dicabut"):
            return self.expiry()
        c["status"] = self.rng.choice(["dibekukan", "dicabut"])
        c["alasan_status"] = f"Alasan uji {self.n}"
        later = c["tanggal_terbit"] + timedelta(days=self.rng.randrange(300))
        c["tanggal_status"] = max(c["tanggal_terbit"], min(later, date(2026, 11, 27)))

    def expiry(self) -> None:
        c = self._cert()
        c["berlaku_sampai"] = c["tanggal_terbit"] + timedelta(days=self.rng.randrange(200, 2000))

    def add(self) -> None:
        self.n += 1
        u = json.loads(json.dumps(self.rng.choice(self.data["umkm"]), default=str))
        u["id"] = f"tambah-{self.n}-{self.rng.randrange(10**6)}"
        u["nama"] = f"Usaha Tambahan {self.n}"
        for i, c in enumerate(u["sertifikat"]):
            c["id"] = f"{u['id']}-s{i}"
            c["nomor"] = f"TAMBAH/{self.n}/{i}"
            for k, v in list(c.items()):
                if k.startswith("tanggal") or k == "berlaku_sampai":
                    c[k] = date.fromisoformat(v)
            if c.get("riwayat"):
                del c["riwayat"]
        self.data["umkm"].insert(self.rng.randrange(len(self.data["umkm"]) + 1), u)

    def remove(self) -> None:
        if len(self.data["umkm"]) > 3:
            self.data["umkm"].pop(self.rng.randrange(len(self.data["umkm"])))
        else:
            self.add()

    def kecamatan(self) -> None:
        self.n += 1
        used = sorted({u["kecamatan"] for u in self.data["umkm"]})
        old = self.rng.choice(used)
        new = f"Kecamatan Baru {self.n}"
        self.data["kecamatan"] = [new if k == old else k for k in self.data["kecamatan"]]
        for u in self.data["umkm"]:
            if u["kecamatan"] == old:
                u["kecamatan"] = new

    def nama(self) -> None:
        self.n += 1
        letter = self.rng.choice("ABCDEFGH")
        self.rng.choice(self.data["umkm"])["nama"] = f"Nama Baru {self.n} {letter}"

    def sektor(self) -> None:
        self.n += 1
        key = self.rng.choice(sorted(self.data["sektor"]))
        self.data["sektor"][key] = f"Sektor Baru {self.n}"

    def judul(self) -> None:
        self.n += 1
        self.data["registri"]["judul"] = f"Registri UMKM Uji {self.n}"

    def masa(self) -> None:
        self.data["registri"]["masa_status_hari"] = self.rng.choice([1, 3, 7, 30, 366])

    def tanggal(self) -> None:
        """The build date moves on: certificates expire, statuses stop being new."""
        now = int(os.environ["SOURCE_DATE_EPOCH"])
        os.environ["SOURCE_DATE_EPOCH"] = str(now + 86400 * self.rng.randrange(1, 500))

    def rotate(self) -> None:
        """A signed registry retires its key for a new one (an unsigned one starts signing)."""
        kunci = self.data["registri"].get("kunci")
        if not kunci:
            return self.sign(True, self.keys)
        key_a, publik_a, key_b, publik_b = self.keys
        if kunci[-1]["id"] == "kunci-a":
            kunci[-1]["berlaku_sampai"] = date(2026, 6, 30)
            kunci.append({"id": "kunci-b", "publik": publik_b, "berlaku_mulai": date(2026, 7, 1)})
            os.environ["REGISTRI_KUNCI_FILE"] = str(key_b)
        else:
            self.sign(True, self.keys)

    def site_url(self) -> None:
        cfg = self.project / "mkdocs.yml"
        text = cfg.read_text(encoding="utf-8")
        now = re.search(r"(?m)^site_url: (\S+)", text).group(1)
        new = URLS[1] if now == URLS[0] else URLS[0]
        cfg.write_text(text.replace(f"site_url: {now}", f"site_url: {new}"), encoding="utf-8")

    def sign(self, signed: bool, key_publik) -> None:
        """Sign the registry with the test key from now on, or stop signing it."""
        key, publik = key_publik[:2]
        self.keys = key_publik
        if signed:
            self.data["registri"]["kunci"] = [
                {"id": "kunci-a", "publik": publik, "berlaku_mulai": date(2026, 1, 1)}
            ]
            os.environ["REGISTRI_KUNCI_FILE"] = str(key)
        else:
            self.data["registri"].pop("kunci", None)
            os.environ.pop("REGISTRI_KUNCI_FILE", None)
        self.save()

    def save(self) -> None:
        path = self.project / "data" / "umkm.yaml"
        path.write_text(dump(self.data), encoding="utf-8")
        t = time.time_ns() + self.rng.randrange(1, 10**9)  # a new mtime: the pipeline's cache key
        os.utime(path, ns=(t, t))


@pytest.fixture(scope="module")
def in_process(tmp_path_factory):
    """Builds in this process, at the fixed date; the environment put back afterwards."""
    saved = dict(os.environ)
    os.environ["SOURCE_DATE_EPOCH"] = FIXED_EPOCH
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    pipeline.quiet_mkdocs_logging()
    key_dir = tmp_path_factory.mktemp("kunci-inkremental")
    key, _, publik = new_key(key_dir, "a", "kunci-a")
    key_b, _, publik_b = new_key(key_dir, "b", "kunci-b")
    yield key, publik, key_b, publik_b
    os.environ.clear()
    os.environ.update(saved)


def start(tmp: Path, seed: int, key_publik) -> tuple[Path, Editor]:
    synth = bench_module("synth")
    rng = random.Random(seed)
    data = yaml.safe_load(synth.render(4 + rng.randrange(4), seed=seed))
    os.environ["REGISTRI_PROOF_CACHE_DIR"] = str(tmp / "bukti")
    project = make_project(tmp / f"p{seed}", dump(data))
    editor = Editor(project, data, rng)
    editor.sign(False, key_publik)
    return project, editor


def build(project: Path, site: str, cold: bool = False) -> None:
    pipeline.build(
        project / "mkdocs.yml",
        project / "data" / "umkm.yaml",
        project / site,
        strict=True,
        cold=cold,
    )


@pytest.mark.parametrize("chain", range(4))
def test_incremental_and_cold_builds_give_byte_identical_sites(in_process, tmp_path, chain):
    """SEQUENCES seeded random edit sequences (status changes, added and removed UMKM, renamed
    UMKM and kecamatan, expiry dates, site_url changed; and what every page shares: a renamed
    sector, the registry's name, masa_status_hari, a later build date, a key rotation; signed
    and unsigned, and the switch between them), run one after another on one project per
    chain: after every step the incremental site equals a cold build of the same data, file
    for file."""
    per = SEQUENCES // 4
    os.environ["SOURCE_DATE_EPOCH"] = FIXED_EPOCH  # the "tanggal" edit moves it on
    project, editor = start(tmp_path, chain, in_process)
    build(project, "site")
    for seed in range(chain * per, (chain + 1) * per):
        editor.rng = random.Random(seed)
        editor.sign(seed % 2 == 1, in_process)
        for step in range(STEPS):
            kind = editor.apply()
            build(project, "site")
            build(project, "dingin", cold=True)
            got, want = tree(project / "site"), tree(project / "dingin")
            assert got == want, (seed, step, kind, sorted(set(got.items()) ^ set(want.items())))


def test_one_status_change_renders_only_the_pages_that_show_it(in_process, tmp_path):
    """A rebuild without change links every output; one certificate's status change renders
    only its own pages (the files whose bytes changed), never the theme, other UMKM or api."""
    project, editor = start(tmp_path, 1000, in_process)
    build(project, "site")
    before, ino = tree(project / "site"), inodes(project / "site")
    build(project, "site")
    ino2 = inodes(project / "site")
    rendered = {p for p in ino2 if ino2[p] != ino.get(p)}
    # re-made after the engine on every build: the marker, the search index, sums, sitemaps
    assert {p for p in rendered if p.endswith(".html")} <= NAV_PAGES, sorted(rendered)
    others = {p for p in rendered if not p.startswith("pagefind/")}  # the search index
    assert not any(p.startswith("assets/") or p.endswith(".json") for p in others), sorted(others)
    c = editor.data["umkm"][0]["sertifikat"][0]
    c.update(status="dicabut", alasan_status="Uji", tanggal_status=date(2026, 5, 1))
    editor.save()
    build(project, "site")
    after, ino3 = tree(project / "site"), inodes(project / "site")
    new_html = {p for p in ino3 if p.endswith(".html") and ino3[p] != ino2.get(p)}
    changed_html = {p for p in after if p.endswith(".html") and after[p] != before.get(p)}
    assert f"verifikasi/{c['id']}/index.html" in changed_html
    assert new_html - NAV_PAGES == changed_html - NAV_PAGES, (new_html, changed_html)


def test_a_linked_file_of_the_old_site_is_never_written_into(in_process, tmp_path):
    """Every file of the previous site keeps its bytes through an incremental build (a witness
    holds a second link to each), and every output the new site shares with it is equal."""
    project, editor = start(tmp_path, 2000, in_process)
    editor.sign(True, in_process)
    build(project, "site")
    witness = tmp_path / "saksi"
    subprocess.run(["cp", "-al", str(project / "site"), str(witness)], check=True)
    before = tree(witness)
    for _ in range(3):
        editor.apply()
        build(project, "site")
    assert tree(witness) == before


def test_a_manifest_edited_deleted_or_a_site_file_edited_falls_back_to_rendering(
    in_process, tmp_path
):
    project, editor = start(tmp_path, 3000, in_process)
    build(project, "site")
    site = project / "site"
    want = tree(site)
    manifest = reuse.manifest_path(site)
    assert manifest.is_file()
    # a page edited by hand in the site folder: re-rendered, not kept
    page = next(p for p in site.glob("umkm/*/index.html"))
    page.write_text("dirusak", encoding="utf-8")
    build(project, "site")
    assert tree(site) == want
    # a manifest that lies about a key (same stat): the key is checked, so the page is rendered
    # (the engine's manifest, for a page of the nav; the generator's, for a profile in docs/)
    for manifest_of, folder, rel in (
        (reuse.manifest_path, site, "umkm/index.html"),
        (memo.manifest_path, project / "docs", page.relative_to(site).as_posix()),
    ):
        data = json.loads(manifest_of(folder).read_text(encoding="utf-8"))
        (folder / rel).unlink()
        (folder / rel).write_text("dirusak", encoding="utf-8")
        st = (folder / rel).stat()
        data["berkas"][rel][-3:] = [st.st_ino, st.st_size, st.st_mtime_ns]
        data["berkas"][rel][0] = "0" * 64
        manifest_of(folder).write_text(json.dumps(data), encoding="utf-8")
        build(project, "site")
        assert tree(site) == want, rel
    for broken in ("{not json", '{"versi": 999, "berkas": {}}', '{"versi": 1, "berkas": 3}'):
        manifest.write_text(broken, encoding="utf-8")
        build(project, "site")
        assert tree(site) == want
    manifest.unlink()
    build(project, "site")
    assert tree(site) == want


def test_theme_or_code_change_renders_every_page(in_process, tmp_path):
    """A change in the theme overrides reaches every page: none is linked from the old site."""
    project, _ = start(tmp_path, 4000, in_process)
    build(project, "site")
    ino = inodes(project / "site")
    main = project / "overrides" / "main.html"
    main.write_text(main.read_text(encoding="utf-8") + "\n<!-- ubah -->\n", encoding="utf-8")
    build(project, "site")
    ino2 = inodes(project / "site")
    # the theme's pages (standalone HTML pages of docs/ are copied, not rendered)
    html = [p for p in ino2 if p.endswith(".html") and not (project / "docs" / p).is_file()]
    assert "api/index.html" in html and all(ino2[p] != ino.get(p) for p in html)
    assert any(ino2[p] == ino.get(p) for p in ino2 if p.startswith("assets/"))


def test_bersih_renders_everything_and_says_so_in_help(tmp_path):
    project = make_project(tmp_path / "p")
    r = run_generator(project, "build")
    assert r.returncode == 0, r.stderr
    ino = inodes(project / "site")
    r = run_generator(project, "build", "--bersih")
    assert r.returncode == 0, r.stderr
    ino2 = inodes(project / "site")
    # the engine's outputs are all made again; the generator's files are linked from docs/,
    # where a file is rendered again but rewritten only when its bytes change
    engine_outputs = [p for p in ino2 if p.split("/")[0] not in docs_files.GENERATED_DOCS]
    assert engine_outputs and not any(ino2[p] == ino.get(p) for p in engine_outputs)
    r = run_generator(project, "build")
    assert r.returncode == 0, r.stderr
    ino3 = inodes(project / "site")
    assert sum(ino3[p] == ino2.get(p) for p in ino3) > len(ino3) / 2
    r = run_generator(project, "build", "--help")
    assert "--bersih" in r.stdout


def test_serve_rebuilds_only_what_a_save_changed(tmp_path):
    """A real `python -m generator serve`: one data edit, and only the touched files of the
    served version are new; the others are the previous version's files (same inode)."""
    synth = bench_module("synth")
    data = yaml.safe_load(synth.render(5, seed=7))
    project = make_project(tmp_path / "p", dump(data))
    env = {**os.environ, "SOURCE_DATE_EPOCH": FIXED_EPOCH, "NO_MKDOCS_2_WARNING": "1"}
    env["TMPDIR"] = str(tmp_path)
    env.pop("REGISTRI_DATA", None)
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        versions = _wait_versions(proc, tmp_path, 1)
        first = inodes(versions[0])
        before = tree(versions[0])
        c = data["umkm"][0]["sertifikat"][0]
        c.update(status="dicabut", alasan_status="Uji", tanggal_status=date(2026, 5, 1))
        (project / "data" / "umkm.yaml").write_text(dump(data), encoding="utf-8")
        second = _wait_versions(proc, tmp_path, 1)[-1]
        now, after = inodes(second), tree(second)
        new = {p for p in now if now[p] != first.get(p)}
        changed = {p for p in after if after[p] != before.get(p)}
        assert f"verifikasi/{c['id']}/index.html" in changed
        assert changed <= new
        # linked, not rendered: the theme's files and every page whose bytes did not change
        assert not any(p.startswith("assets/") for p in new)
        unchanged_pages = {p for p in after if p.endswith(".html")} - changed
        assert unchanged_pages - NAV_PAGES and not (unchanged_pages - NAV_PAGES) & new
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _wait_versions(proc, tmp: Path, n: int) -> list[Path]:
    """The serve's version folders once `n` more builds finished (read from its output)."""
    done = 0
    while done < n:
        line = proc.stdout.readline()
        assert line, "serve berhenti"
        if line.startswith("Situs dibangun ulang"):
            done += 1
    folders = sorted(tmp.glob("registri-serve-*/v*"), key=lambda p: int(p.name[1:]))
    return [f for f in folders if f.is_dir()]


def test_reuse_module_imports_nothing_from_mkdocs_at_load():
    """publish/reuse.py imports the engine only when planning (the wings stay light)."""
    r = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, generator.publish.reuse as r; print('mkdocs' in sys.modules)",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert r.stdout.strip() == "False", r.stderr


def test_a_file_written_over_after_the_engine_is_never_linked(in_process, tmp_path):
    """docs/robots.txt is copied by the engine, then written over by the sitemaps (postbuild):
    it must not be linked from the old site, or that write would change the old site too."""
    project, editor = start(tmp_path, 5000, in_process)
    (project / "docs" / "robots.txt").write_text("User-agent: *\n", encoding="utf-8")
    build(project, "site")
    witness = tmp_path / "saksi"
    subprocess.run(["cp", "-al", str(project / "site"), str(witness)], check=True)
    before = tree(witness)
    build(project, "site")  # unchanged: everything the engine made is linked, not robots.txt
    editor.apply()
    build(project, "site")
    assert tree(witness) == before
    build(project, "dingin", cold=True)
    assert tree(project / "site") == tree(project / "dingin")
