"""The portal (SPEC "Portal: many registries, one view"), built for real over member registries
that are themselves built for real and served by real HTTP servers on local ports:

- two signed members, one unsigned member, one address that refuses connections, and one
  signed member whose api/registri.json was changed after signing;
- the portal shows two verified members, the unsigned one marked, names the tampered one (left
  out) and the dead one; api/anggota.json is signed by the portal's key;
- in Chromium, the portal's search finds a UMKM of each good member and links to the member's
  own profile; a printed number of member 2 typed into the look-up lands on member 2's own
  verification page;
- a member that goes down is built from its last good copy, its age shown; an unchanged member
  is not downloaded again.
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import socket
import threading
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import FIXED_EPOCH, ROOT, make_project, run_generator
from test_signing import new_key

from generator.portal import config as portal_config
from generator.signing import sums
from generator.signing.keys import did_web

MEMBER = """\
registri:
  judul: Registri UMKM {nama}
  penerbit: Dinas Koperasi {nama}
  wilayah: {nama}
  kontak: {{email: lapor@example.org}}
  contoh: true
{keys}sektor:
  batik: Batik
  makanan: Makanan
kecamatan: [{kec}]
lsp:
  uji: {{nama: LSP Uji}}
umkm:
  - id: {uid}
    nama: {usaha}
    pemilik: {pemilik}
    sektor: {sektor}
    kecamatan: {kec}
    produk: [{produk}]
    sertifikat:
      - id: {cid}
        nomor: "{nomor}"
        pemegang: {pemilik}
        skema: Produksi
        lsp: uji
        tanggal_terbit: 2024-06-01
        berlaku_sampai: 2029-05-31
        pembiayaan: mandiri
"""

# (member id, name, kecamatan, umkm id, business, owner, sector, product, cert id, number, signed)
MEMBERS = {
    "kab-satu": ("Kabupaten Satu", "Kraksaan", "batik-mawar", "Batik Mawar Sejati", "Siti",
                 "batik", "Batik tulis", "satu-2024-0001", "SATU/2024/0001", True),
    "kab-dua": ("Kabupaten Dua", "Paiton", "keripik-tempe-dua", "Keripik Tempe Lestari",
                "Budi", "makanan", "Keripik tempe", "dua-2024-0001", "DUA/2024/0001", True),
    "kota-tiga": ("Kota Tiga", "Maron", "jamu-kunyit", "Jamu Kunyit Asam Rahayu", "Wati",
                  "makanan", "Jamu kunyit", "tiga-2024-0001", "TIGA/2024/0001", False),
    "kab-ubah": ("Kabupaten Ubah", "Leces", "batik-ubah", "Batik Ubahan", "Ubah", "batik",
                 "Batik cap", "ubah-2024-0001", "UBAH/2024/0001", True),
}  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class Server:
    """A real HTTP server for one folder on a chosen local port; counts the requests."""

    def __init__(self, folder: Path, port: int):
        self.requests: list[str] = []
        seen = self.requests

        class Handler(_Quiet):
            def do_GET(self):
                seen.append(self.path)
                super().do_GET()

        handler = functools.partial(Handler, directory=str(folder))
        self.srv = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.thread = threading.Thread(target=self.srv.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.srv.shutdown()
        self.srv.server_close()


def member_text(mid: str, key: tuple[str, str] | None) -> str:
    nama, kec, uid, usaha, pemilik, sektor, produk, cid, nomor, _ = MEMBERS[mid]
    block = ""
    if key:
        block = (
            f"  kunci:\n    - id: {key[0]}\n      publik: {key[1]}\n"
            "      berlaku_mulai: 2026-01-01\n"
        )
    return MEMBER.format(
        nama=nama, keys=block, kec=kec, uid=uid, usaha=usaha, pemilik=pemilik, sektor=sektor,
        produk=produk, cid=cid, nomor=nomor,
    )  # fmt: skip


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Members built and served, the portal built over them. Yields a dict."""
    base = tmp_path_factory.mktemp("portal")
    key_dir = base / "kunci"
    key_dir.mkdir()
    servers: dict[str, Server] = {}
    urls: dict[str, str] = {}
    member_keys = {}
    for mid, spec in MEMBERS.items():
        port = free_port()
        urls[mid] = f"http://127.0.0.1:{port}/"
        key = None
        if spec[-1]:
            pem, _, publik = new_key(key_dir, mid, f"kunci-{mid}")
            key = (f"kunci-{mid}", publik)
            member_keys[mid] = (pem, publik)
        project = make_project(base / mid, member_text(mid, key), site_url=urls[mid])
        env = {
            "REGISTRI_KUNCI_FILE": str(member_keys[mid][0]) if key else "",
            "REGISTRI_KUNCI": "",
            "REGISTRI_PROOF_CACHE_DIR": str(project / ".cache" / "bukti"),
        }
        r = run_generator(project, "build", env=env)
        assert r.returncode == 0, r.stdout + r.stderr
        servers[mid] = Server(project / "site", port)
    # changed after signing: one byte of a UMKM's name in the registry's index
    tampered = base / "kab-ubah" / "site" / "api" / "registri.json"
    tampered.write_bytes(tampered.read_bytes().replace(b"Kabupaten Ubah", b"Kabupaten Ubah!", 1))
    dead = f"http://127.0.0.1:{free_port()}/"  # nothing listens there: connection refused

    portal_pem, _, portal_publik = new_key(key_dir, "portal", "kunci-portal")
    portal_port = free_port()
    portal_url = f"http://127.0.0.1:{portal_port}/"
    project = base / "proyek-portal"
    (project / "data").mkdir(parents=True)
    cfg = (ROOT / "contoh" / "portal" / "mkdocs.yml").read_text(encoding="utf-8")
    cfg = re.sub(r"(?m)^site_url:.*$", f"site_url: {portal_url}", cfg)
    (project / "mkdocs.yml").write_text(cfg, encoding="utf-8")
    order = ["kab-satu", "kab-dua", "kota-tiga", "kab-mati", "kab-ubah"]
    urls["kab-mati"] = dead
    anggota = "".join(
        f"  - id: {mid}\n    nama: {MEMBERS[mid][0] if mid in MEMBERS else 'Kabupaten Mati'}\n"
        f"    url: {urls[mid]}\n"
        for mid in order
    )
    (project / "data" / "portal.yaml").write_text(
        "portal:\n  judul: Portal Uji\n  penerbit: Dinas Provinsi Uji\n  contoh: true\n"
        f"  kunci:\n    - id: kunci-portal\n      publik: {portal_publik}\n"
        f"      berlaku_mulai: 2026-01-01\nanggota:\n{anggota}",
        encoding="utf-8",
    )
    env = {"REGISTRI_KUNCI_FILE": str(portal_pem), "REGISTRI_KUNCI": ""}
    r = run_generator(project, "build", env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    site = base / "situs-portal"
    shutil.copytree(project / "site", site)  # the first build, as it was
    portal_server = Server(site, portal_port)
    world = dict(
        project=project, site=site, urls=urls, servers=servers, build=r, env=env,
        portal_url=portal_url, portal_publik=portal_publik,
    )  # fmt: skip
    yield world
    portal_server.stop()
    for s in servers.values():
        try:
            s.stop()
        except OSError:
            pass


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_home_lists_verified_unsigned_and_names_the_left_out(world):
    home = soup(world["site"] / "index.html")
    rows = {tr["data-anggota"]: tr for tr in home.select("tr[data-anggota]")}
    assert set(rows) == {"kab-satu", "kab-dua", "kota-tiga"}
    assert rows["kab-satu"]["data-status"] == "terverifikasi"
    assert rows["kab-dua"]["data-status"] == "terverifikasi"
    assert rows["kota-tiga"]["data-status"] == "tidak-bertanda-tangan"
    assert "Tidak bertanda tangan" in rows["kota-tiga"].get_text()
    assert rows["kab-satu"].find("a")["href"] == world["urls"]["kab-satu"]
    assert rows["kab-satu"].find("time")  # when it was last checked
    left = {li["data-anggota"]: li for li in home.select("li[data-anggota]")}
    assert set(left) == {"kab-mati", "kab-ubah"}
    assert left["kab-ubah"]["data-status"] == "gagal-verifikasi"
    assert "api/registri.json" in left["kab-ubah"].get_text()
    assert "sha256" in left["kab-ubah"].get_text()
    assert left["kab-mati"]["data-status"] == "tidak-terjangkau"
    assert "menolak sambungan" in left["kab-mati"].get_text()
    # the build said each in one line, and went on
    err = world["build"].stderr
    for mid in ("kab-satu", "kab-dua", "kota-tiga", "kab-mati", "kab-ubah"):
        assert len([ln for ln in err.splitlines() if f"anggota {mid} " in ln]) == 1, err
    assert "DATA CONTOH" in home.get_text()


def test_portal_never_republishes_profiles_or_verification_pages(world):
    site = world["site"]
    assert not list((site / "verifikasi").glob("*/index.html"))
    assert [p.name for p in (site / "umkm").iterdir()] == ["index.html"]


def test_every_stylesheet_and_script_a_portal_page_names_is_published(world):
    """A page that links a file the portal does not publish loses its design (the page
    stylesheet split from the header's in issue 19 was missing on the portal)."""
    site = world["site"]
    pages = list(site.rglob("*.html"))
    assert len(pages) >= 3
    named = set()
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        refs = [t["href"] for t in soup.select('link[rel~="stylesheet"][href]')]
        refs += [t["src"] for t in soup.select("script[src]")]
        for ref in refs:
            assert not ref.startswith(("http:", "https:", "//")), (page, ref)
            path = ref.split("?", 1)[0]  # a root-relative address (404.html): the portal's root
            base = site if path.startswith("/") else page.parent
            target = (base / path.lstrip("/")).resolve()
            assert target.is_file(), f"{page.relative_to(site)} names {ref}"
            named.add(target.name)
    assert {"situs.css", "halaman.css"} <= named


def test_trust_list_names_members_keys_and_is_signed_by_the_portal(world):
    site = world["site"]
    raw = (site / "api" / "anggota.json").read_bytes()
    data = json.loads(raw)
    by_id = {a["id"]: a for a in data["anggota"]}
    one = by_id["kab-satu"]
    assert one["status"] == "terverifikasi" and one["url"] == world["urls"]["kab-satu"]
    assert one["host"] == "127.0.0.1"
    assert one["did"] == did_web(world["urls"]["kab-satu"])
    member_did = json.loads(
        (world["project"].parent / "kab-satu" / "site" / "did.json").read_text()
    )
    assert [k["publik"] for k in one["kunci"]] == [
        m["publicKeyMultibase"] for m in member_did["verificationMethod"]
    ]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", one["diperiksa"])
    assert (
        by_id["kota-tiga"]["status"] == "tidak-bertanda-tangan" and not by_id["kota-tiga"]["kunci"]
    )
    assert by_id["kab-ubah"]["status"] == "gagal-verifikasi" and not by_id["kab-ubah"]["kunci"]
    assert by_id["kab-mati"]["status"] == "tidak-terjangkau"
    # the signature: a detached JWS by the portal's key, published in the portal's did.json
    did_doc = json.loads((site / "did.json").read_text())
    assert did_doc["id"] == did_web(world["portal_url"])
    from generator.signing import anchor

    trust = anchor.believed_keys(did_doc, {world["portal_publik"]})
    jws = (site / "api" / "anggota.json.jws").read_text()
    assert sums.check_jws(jws, raw, trust.public).endswith("#kunci-portal")
    with pytest.raises(ValueError):
        sums.check_jws(jws, raw.replace(b"kab-satu", b"kab-palsu"), trust.public)
    # and the whole portal site verifies like a registry's (hashes, JWS)
    r = run_generator(site, "verify", str(site), "--kunci", str(site / "did.json"))
    assert r.returncode == 0, r.stdout + r.stderr


def test_verification_fails_for_a_site_signed_by_another_did(tmp_path, world):
    """A member whose did.json is not the did:web of its own address is left out."""
    from generator.portal import members

    folder = tmp_path / "tiruan"
    shutil.copytree(world["project"].parent / "kab-satu" / "site", folder)
    port = free_port()
    srv = Server(folder, port)
    try:
        m = portal_config.Member("tiruan", "Tiruan", f"http://127.0.0.1:{port}/")
        from datetime import UTC, datetime

        o = members.refresh(m, tmp_path / "cache", datetime.now(tz=UTC))
    finally:
        srv.stop()
    assert o.status == members.FAILED and "bukan milik alamat anggota" in o.message


def _search(page, url: str, words: str):
    page.goto(f"{url}umkm/?q={words}")
    page.wait_for_function(
        "() => document.querySelectorAll('[data-direktori] .ru-list li[data-id]').length > 0",
        timeout=30000,
    )
    return page.eval_on_selector_all(
        "[data-direktori] .ru-list li[data-id] a", "els => els.map(a => [a.textContent, a.href])"
    )


def test_search_finds_each_good_members_umkm_and_links_to_the_member(browser, world):
    page = browser.new_page()
    try:
        for mid, words in (("kab-satu", "mawar"), ("kab-dua", "tempe"), ("kota-tiga", "kunyit")):
            found = _search(page, world["portal_url"], words)
            spec = MEMBERS[mid]
            assert [spec[3], f"{world['urls'][mid]}umkm/{spec[2]}/"] in [list(x) for x in found]
        # the tampered member's UMKM is not in the portal at all
        page.goto(f"{world['portal_url']}umkm/?q=ubahan")
        page.wait_for_function(
            "() => /\\d|tidak/i.test(document.querySelector('.ru-jumlah').textContent)",
            timeout=30000,
        )
        assert "Batik Ubahan" not in page.inner_text(".ru-list")
    finally:
        page.close()


def test_lookup_of_a_printed_number_lands_on_the_members_verification_page(browser, world):
    page = browser.new_page()
    try:
        page.goto(f"{world['portal_url']}verifikasi/")
        page.fill("#ru-cari-input", "dua / 2024 / 0001")
        target = f"{world['urls']['kab-dua']}verifikasi/dua-2024-0001/"
        with page.expect_navigation(url=target, timeout=30000):
            page.click("form.ru-cari button[type=submit]")
        assert page.url == target
        # the member's own page, really served by the member
        assert page.get_attribute("[data-status]", "data-status") == "berlaku"
        assert "DUA/2024/0001" in page.inner_text("body")
    finally:
        page.close()


def test_unreachable_member_keeps_its_last_good_copy_with_its_age(world):
    """A rebuild with member 1 down: its cached copy is shown, marked unreachable, with its
    age; members that did not change are not downloaded again (conditional requests, hashes)."""
    two = world["servers"]["kab-dua"]
    before = len(two.requests)
    world["servers"]["kab-satu"].stop()
    epoch = str(int(FIXED_EPOCH) + 3 * 86400)
    r = run_generator(world["project"], "build", env=world["env"], epoch=epoch)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "anggota kab-satu" in r.stderr and "salinan terakhir" in r.stderr
    assert re.search(r"anggota kab-dua .*: terverifikasi; 0 berkas diunduh", r.stderr), r.stderr
    # kab-dua: SHA256SUMS, its JWS and did.json asked for, each answered 304; nothing else
    asked = two.requests[before:]
    assert sorted(asked) == ["/api/SHA256SUMS", "/api/SHA256SUMS.jws", "/did.json"], asked
    home = soup(world["project"] / "site" / "index.html")
    row = home.select_one('tr[data-anggota="kab-satu"]')
    assert row["data-status"] == "terverifikasi"
    assert row.select_one("[data-umur-hari]") is not None
    assert "Tidak terjangkau" in row.get_text()
    listed = json.loads((world["project"] / "site" / "api" / "anggota.json").read_text())
    one = next(a for a in listed["anggota"] if a["id"] == "kab-satu")
    assert one["terjangkau"] is False and one["kunci"]


def portal_project(
    folder: Path, members: str, head: str = "portal: {judul: P, penerbit: Q, contoh: true}"
) -> Path:
    """A portal project in `folder`: the sample portal's mkdocs.yml and a data/portal.yaml of
    `head` and the members' lines."""
    (folder / "data").mkdir(parents=True)
    shutil.copy(ROOT / "contoh" / "portal" / "mkdocs.yml", folder / "mkdocs.yml")
    text = f"{head}\nanggota:\n{members}"
    (folder / "data" / "portal.yaml").write_text(text, encoding="utf-8")
    return folder


def test_no_usable_member_fails_and_changes_nothing(tmp_path):
    dead = f"  - {{id: mati, nama: Mati, url: 'http://127.0.0.1:{free_port()}/'}}\n"
    project = portal_project(tmp_path / "p", dead)
    r = run_generator(project, "build")
    assert r.returncode == 1 and "tidak ada registri anggota" in r.stdout + r.stderr
    assert not (project / "site").exists()


@pytest.mark.parametrize(
    "text, where, words",
    [
        ("portal: {judul: P, penerbit: Q, warna: x}\nanggota: []\n", "1:", "tidak dikenal"),
        (
            "portal: {judul: P, penerbit: Q}\nanggota:\n  - {id: a1, nama: A, url: 'http://a.go.id/'}\n",
            "3:",
            "https",
        ),
        (
            "portal: {judul: P, penerbit: Q}\nanggota:\n"
            "  - {id: a1, nama: A, url: 'http://127.0.0.1:8001/'}\n",
            "3:",
            "contoh: true",
        ),
        (
            "portal: {judul: P, penerbit: Q, contoh: true}\nanggota:\n"
            "  - {id: a1, nama: A, url: 'https://a.go.id/'}\n"
            "  - {id: a1, nama: B, url: 'https://b.go.id/'}\n",
            "4:",
            "sudah dipakai",
        ),
        (
            "portal: {judul: P, penerbit: Q}\nanggota:\n"
            "  - {id: a1, nama: A, url: 'https://a.go.id/', did: 'did:web:b.go.id'}\n",
            "3:",
            "tidak cocok",
        ),
        ("portal: &a {judul: P, penerbit: Q}\nanggota: *a\n", "1:", "anchor"),
    ],
)
def test_check_refuses_a_bad_portal_yaml_with_line_and_column(tmp_path, text, where, words):
    (tmp_path / "data").mkdir()
    path = tmp_path / "data" / "portal.yaml"
    path.write_text(text, encoding="utf-8")
    r = run_generator(tmp_path, "check")
    assert r.returncode == 1, r.stdout
    first = r.stdout.splitlines()[0]
    assert first.startswith(f"data/portal.yaml:{where}") and words in first, r.stdout
    assert "Traceback" not in r.stdout + r.stderr


def test_sample_portal_checks():
    r = run_generator(ROOT / "contoh" / "portal", "check")
    assert r.returncode == 0, r.stdout + r.stderr
    assert portal_config.load(ROOT / "contoh" / "portal" / "data" / "portal.yaml").info.contoh


def test_portal_workflow_pins_every_action_as_publish_does():
    import yaml

    def pins(path: Path) -> dict[str, str]:
        text = path.read_text(encoding="utf-8")
        found = re.findall(r"uses: ([\w./-]+)@(\S+) # (v[\d.]+)", text)
        assert len(found) == text.count("uses: "), path  # every action pinned, tag in comment
        assert all(re.fullmatch(r"[0-9a-f]{40}", sha) for _, sha, _ in found), path
        return {name: sha for name, sha, _ in found}

    portal = ROOT / "contoh" / "portal" / ".github" / "workflows" / "portal.yml"
    mine, theirs = pins(portal), pins(ROOT / ".github" / "workflows" / "publish.yml")
    assert {k: theirs[k] for k in mine} == mine  # the same version of each action
    wf = yaml.safe_load(portal.read_text(encoding="utf-8"))
    on = wf.get("on", wf.get(True))
    assert "schedule" in on and wf["permissions"] == {}
    steps = wf["jobs"]["build"]["steps"]
    cache = next(s for s in steps if s.get("uses", "").startswith("actions/cache@"))
    assert cache["with"]["path"] == ".cache/portal"
    assert any("generator build" in s.get("run", "") for s in steps)


def test_conditional_get_skips_an_unchanged_file():
    """fetch.get_if_changed: If-None-Match / If-Modified-Since sent, 304 -> None (the caller's
    copy is current), 200 -> the new bytes; without validators, a plain request."""
    from generator.publish import fetch

    seen = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_GET(self):
            seen.append((self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")))
            if self.headers.get("If-None-Match") == '"v1"':
                self.send_response(304)
                self.send_header("ETag", '"v1"')
                self.end_headers()
                return
            body = b"isi"
            self.send_response(200)
            self.send_header("ETag", '"v1"')
            self.send_header("Last-Modified", "Sat, 28 Nov 2026 00:00:00 GMT")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{srv.server_address[1]}/berkas"
    try:
        first = fetch.get_if_changed(url)
        assert first.body == b"isi" and first.headers["etag"] == '"v1"'
        assert fetch.get_if_changed(url, etag='"v1"') is None
        again = fetch.get_if_changed(url, etag='"v0"', last_modified=first.headers["last-modified"])
        assert again.body == b"isi"
    finally:
        srv.shutdown()
        srv.server_close()
    assert seen[0] == (None, None) and seen[1] == ('"v1"', None)
    assert seen[2] == ('"v0"', "Sat, 28 Nov 2026 00:00:00 GMT")


def test_every_portal_page_carries_the_security_policy(world):
    from generator.site import security

    pages = sorted(world["site"].rglob("*.html"))
    assert {p.relative_to(world["site"]).as_posix() for p in pages} >= {
        "index.html",
        "umkm/index.html",
        "verifikasi/index.html",
    }
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert 'http-equiv="Content-Security-Policy"' in html, page
        assert security.protect(html) == html or "<script>" not in html, page


def test_lookup_of_a_number_two_members_share_offers_both(browser, world, tmp_path):
    """Two members that printed the same number: the look-up shows both members' pages to
    choose from, never one of them silently. (The shard is edited in a copy of the portal:
    the members of this test print different numbers.)"""
    from generator.site import lookup

    site = tmp_path / "situs"
    shutil.copytree(world["site"], site)
    key = lookup.normalise("SAMA/2024/0001")
    meta = json.loads((site / "api" / "cari" / "meta.json").read_text())
    shard = site / "api" / "cari" / f"{lookup.fnv1a(key) % meta['shards']}.json"
    data = json.loads(shard.read_text())
    data[key] = ["kab-satu/satu-2024-0001", "kab-dua/dua-2024-0001"]
    shard.write_text(json.dumps(data))
    port = free_port()
    srv = Server(site, port)
    page = browser.new_page()
    try:
        page.goto(f"http://127.0.0.1:{port}/verifikasi/")
        page.fill("#ru-cari-input", "SAMA/2024/0001")
        page.click("form.ru-cari button[type=submit]")
        page.wait_for_function("() => document.querySelectorAll('.ru-cari__hasil a').length > 1")
        links = page.eval_on_selector_all(
            ".ru-cari__hasil a", "els => els.map(a => [a.textContent, a.href])"
        )
    finally:
        page.close()
        srv.stop()
    assert links == [
        ["Kabupaten Satu", f"{world['urls']['kab-satu']}verifikasi/satu-2024-0001/"],
        ["Kabupaten Dua", f"{world['urls']['kab-dua']}verifikasi/dua-2024-0001/"],
    ]
