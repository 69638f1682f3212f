"""A portal's members as an attacker runs them (SPEC "Portal": a member that fails is told in
one line and the build goes on). Every member here is a real HTTP server on a local port: one
good signed registry, built for real, and hostile servers around copies of it: huge, endless
or trickling bodies, redirects to another host, to a private address or in a loop, a server
error, a SHA256SUMS listing thousands of parts, a registri.json naming a part outside api/ or
nested too deep, hostile strings. Then the cache, edited as an attacker with the workflow's
cache would: never trusted, never a traceback.
"""

from __future__ import annotations

import http.server
import json
import re
import shutil
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, make_project, run_generator
from test_portal import Server, free_port, member_text, portal_project
from test_signing import new_key

from generator.portal import members
from generator.portal.config import Member
from generator.portal.limits import Limits
from generator.signing import sums
from generator.signing.anchor import did_of_site

LIMITS = Limits(seconds=4, member_bytes=3 * 1024 * 1024)
NOW = datetime(2026, 12, 1, tzinfo=UTC)
RLO = "\u202e"
HOSTILE_NAME = f"<script>alert('nama')</script>{RLO}Kopi <img src=x onerror=alert(1)> Jahat"


class Hostile:
    """A real HTTP server whose every GET is answered by `answer(handler)`."""

    def __init__(self, answer):
        stop = self.stop_event = threading.Event()

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_GET(self):
                self.stop = stop
                try:
                    answer(self)
                except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
                    pass

        self.srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.srv.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.srv.server_address[1]}/"
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()

    def close(self):
        self.stop_event.set()
        self.srv.shutdown()
        self.srv.server_close()


def start_file(h, folder: Path) -> bytes | None:
    """Answer 404, or the status and headers of the file of `folder` the request names; its
    bytes are returned for the caller to send (None after a 404)."""
    f = folder / h.path.split("?", 1)[0].lstrip("/")
    if not f.is_file():
        h.send_error(404)
        return None
    body = f.read_bytes()
    h.send_response(200)
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    return body


def folder_with(folder: Path, overrides: dict):
    """Serve `folder`, but a path in `overrides` is answered by its function."""

    def answer(h):
        path = h.path.split("?", 1)[0]
        if path in overrides:
            return overrides[path](h)
        body = start_file(h, folder)
        if body is not None:
            h.wfile.write(body)

    return answer


def endless(h):
    h.send_response(200)
    h.end_headers()
    block = b"[" * 65536
    while not h.stop.is_set():
        h.wfile.write(block)


def absurd_length(h):
    h.send_response(200)
    h.send_header("Content-Length", str(10**15))
    h.end_headers()
    h.wfile.write(b"{")


def slowly(folder: Path):
    """Serve `folder`, every file in three slices a second apart: each request ends well
    within the client's deadline for one request; only the member's own time limit stops it."""

    def answer(h):
        body = start_file(h, folder)
        if body is None:
            return
        step = len(body) // 3 + 1
        for i in range(0, len(body), step):
            if i and h.stop.wait(1.0):
                return
            h.wfile.write(body[i : i + step])
            h.wfile.flush()

    return answer


def redirect(to):
    def answer(h):
        h.send_response(302)
        h.send_header("Location", to(h.path))
        h.send_header("Content-Length", "0")
        h.end_headers()

    return answer


def status(code):
    def answer(h):
        h.send_error(code)

    return answer


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    """One member registry signed and built for its own local address, served there."""
    base = tmp_path_factory.mktemp("anggota")
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    pem, _, publik = new_key(base, "satu", "kunci-kab-satu")
    project = make_project(base / "kab-satu", member_text("kab-satu", ("kunci-kab-satu", publik)),
                           site_url=url)  # fmt: skip
    env = {"REGISTRI_KUNCI_FILE": str(pem), "REGISTRI_KUNCI": ""}
    r = run_generator(project, "build", env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    srv = Server(project / "site", port)
    yield {"site": project / "site", "url": url, "publik": publik, "server": srv, "pem": pem}
    srv.stop()


def unsigned_copy(good, dest: Path, edit=None) -> Path:
    """A copy of the good member's site, `edit(folder)` applied, its SHA256SUMS written anew
    without a signature (an unsigned member: its hashes are still checked)."""
    shutil.copytree(good["site"], dest)
    if edit:
        edit(dest)
    sums.write(dest, None)
    return dest


def parts_of(site: Path) -> list[str]:
    return [p["berkas"] for p in json.loads((site / "api" / "registri.json").read_text())["bagian"]]


def test_hostile_members_are_each_stopped_and_named_and_the_good_one_is_kept(good, tmp_path):
    plain = unsigned_copy(good, tmp_path / "polos")

    def many_parts(h):
        body = "".join(f"{'0' * 64}  api/SHA256SUMS-{i}\n" for i in range(1, 5001)).encode()
        h.send_response(200)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    def escape(folder: Path):
        index = json.loads((folder / "api" / "registri.json").read_text())
        index["bagian"][0]["berkas"] = "../../../../luar-cache.json"
        (folder / "api" / "registri.json").write_text(json.dumps(index))

    def absurd_size(folder: Path):
        index = json.loads((folder / "api" / "registri.json").read_text())
        index["bagian"][0]["ukuran"] = 10**15
        (folder / "api" / "registri.json").write_text(json.dumps(index))

    def deep(folder: Path):
        (folder / "api" / "registri.json").write_text("[" * 100_000 + "]" * 100_000)

    other = lambda p: f"http://localhost:{good['url'].rsplit(':', 1)[1].rstrip('/')}{p}"  # noqa: E731
    servers = {
        "raksasa": Hostile(folder_with(plain, {"/api/registri.json": endless})),
        "panjang": Hostile(folder_with(plain, {"/api/registri.json": absurd_length})),
        "menetes": Hostile(slowly(plain)),
        "pindah": Hostile(redirect(other)),
        "privat": Hostile(redirect(lambda p: "http://169.254.169.254/latest/meta-data/")),
        "berputar": Hostile(redirect(lambda p: p)),
        "galat": Hostile(status(500)),
        "ribuan": Hostile(folder_with(plain, {"/api/SHA256SUMS": many_parts})),
        "keluar": Hostile(folder_with(unsigned_copy(good, tmp_path / "keluar", escape), {})),
        "dalam": Hostile(folder_with(unsigned_copy(good, tmp_path / "dalam", deep), {})),
        "ukuran": Hostile(folder_with(unsigned_copy(good, tmp_path / "ukuran", absurd_size), {})),
    }
    listed = [Member("baik", "Baik", good["url"])] + [
        Member(mid, mid.title(), s.url) for mid, s in servers.items()
    ]
    cache = tmp_path / "proyek" / ".cache" / "portal"
    try:
        outcomes = {o.member.id: o for o in members.refresh_all(tuple(listed), cache, NOW, LIMITS)}
    finally:
        for s in servers.values():
            s.close()
    said = {k: o.message for k, o in outcomes.items()}
    assert outcomes["baik"].status == members.VERIFIED, said
    expect = {
        "raksasa": (members.UNREACHABLE, "batas unduhan anggota ini habis"),
        "panjang": (members.UNREACHABLE, "terlalu besar"),
        "menetes": (members.UNREACHABLE, "batas waktu 4 detik per anggota habis (api/registri"),
        "pindah": (members.UNREACHABLE, "mengalihkan ke alamat lain"),
        "privat": (members.UNREACHABLE, "ditolak"),
        "berputar": (members.UNREACHABLE, "lebih dari 5 kali"),
        "galat": (members.UNREACHABLE, "HTTP 500"),
        "ribuan": (members.FAILED, "5000 bagian (batas 100)"),
        "keluar": (members.FAILED, "di luar api/"),
        "dalam": (members.FAILED, "tidak terbaca"),
        "ukuran": (members.FAILED, "ukuran bagian 1000000000000000 tidak masuk akal"),
    }
    for mid, (state, words) in expect.items():
        o = outcomes[mid]
        assert o.status == state and words in o.message, (mid, o.status, o.message)
        assert o.message.isprintable() and "Traceback" not in o.message
    # nothing was written outside the cache folder of each member
    assert not list(tmp_path.rglob("luar-cache.json"))
    assert sorted(p.name for p in cache.iterdir() if not p.name.startswith(".")) == ["baik"]


def test_a_did_json_with_too_many_keys_is_refused(good, tmp_path):
    """A member signs validly but pads its did.json with keys (they would all go into the
    portal's trust list): refused past Limits.max_keys."""
    from datetime import date

    from generator.data import model
    from generator.signing import keys as signing_keys

    site = shutil.copytree(good["site"], tmp_path / "kunci-banyak")
    doc = json.loads((site / "did.json").read_text())
    did = doc["id"]
    for i in range(150):
        vm = f"{did}#kunci-{i}"
        doc["verificationMethod"].append(dict(doc["verificationMethod"][0], id=vm))
        doc["assertionMethod"].append(vm)
    for rel in ("did.json", ".well-known/did.json"):
        (site / rel).write_text(json.dumps(doc))
    private, _ = signing_keys.private_key_from_env({"REGISTRI_KUNCI_FILE": str(good["pem"])})
    key = model.SigningKey("kunci-kab-satu", good["publik"], date(2026, 1, 1))
    sums.write(site, signing_keys.Signer(private, key, did, good["url"]))
    srv = Hostile(folder_with(site, {}))
    try:
        o = members.refresh(Member("banyak", "Banyak", srv.url, did), tmp_path / "c", NOW, LIMITS)
    finally:
        srv.close()
    assert o.status == members.FAILED and "memuat 151 kunci (batas 100)" in o.message, o.message


def test_bad_limit_settings_are_one_plain_line(good, tmp_path):
    project = portal_project(
        tmp_path / "p", f"  - {{id: baik, nama: Baik, url: '{good['url']}'}}\n"
    )
    for name, value in (("REGISTRI_PORTAL_DETIK", "lama"), ("REGISTRI_PORTAL_WORKERS", "0"),
                        ("REGISTRI_PORTAL_MB", "nan")):  # fmt: skip
        r = run_generator(project, "build", env={name: value})
        assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
        assert name in r.stdout + r.stderr
    assert not (project / "site").exists()


# ---------------------------------------------------------------------------------------------
# Hostile strings reach the portal's pages as text, and no link leaves http(s)


def _hostile_strings(folder: Path):
    for rel in parts_of(folder):
        data = json.loads((folder / rel).read_text())
        first = data["umkm"][0]
        first["nama"] = HOSTILE_NAME
        first["pemilik"] = f"Siti{RLO}\u2066 </title><script>alert(2)</script>"
        first["produk"] = ["[klik](javascript:alert(3))"]
        long = json.loads(json.dumps(first))
        long["id"], long["nama"] = "nama-panjang", "A" * 20_000
        bad = json.loads(json.dumps(first))
        bad["id"], bad["nama"] = "javascript:alert(4)", "Usaha Jahat Tautan"
        data["umkm"] += [long, bad]
        (folder / rel).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    index = json.loads((folder / "api" / "registri.json").read_text())
    for part in index["bagian"]:  # the sizes the index announces, as the member's build writes
        part["ukuran"] = (folder / part["berkas"]).stat().st_size
    (folder / "api" / "registri.json").write_text(json.dumps(index))


@pytest.fixture(scope="module")
def hostile_portal(good, tmp_path_factory):
    """A real portal build over the good member, a member with hostile strings, a member
    sending an endless body and one redirecting in a loop (limits set by the environment)."""
    base = tmp_path_factory.mktemp("portal-jahat")
    jahat = unsigned_copy(good, base / "jahat", _hostile_strings)
    port = free_port()
    srv = Server(jahat, port)
    endless_srv = Hostile(folder_with(jahat, {"/api/SHA256SUMS": endless}))
    loop_srv = Hostile(redirect(lambda p: p))
    project = portal_project(
        base / "proyek",
        f"  - {{id: baik, nama: Kabupaten Baik, url: '{good['url']}'}}\n"
        f"  - {{id: jahat, nama: Kabupaten Jahat, url: 'http://127.0.0.1:{port}/'}}\n"
        f"  - {{id: tanpa-akhir, nama: Tanpa Akhir, url: '{endless_srv.url}'}}\n"
        f"  - {{id: berputar, nama: Berputar, url: '{loop_srv.url}'}}\n",
        head="portal: {judul: Portal Uji, penerbit: Dinas Uji, contoh: true}",
    )
    env = {"REGISTRI_PORTAL_MB": "2", "REGISTRI_PORTAL_DETIK": "60"}
    try:
        r = run_generator(project, "build", env=env)
    finally:
        endless_srv.close()
        loop_srv.close()
    assert r.returncode == 0, r.stdout + r.stderr
    yield {"site": project / "site", "build": r, "server": srv}
    srv.stop()


def test_a_portal_build_names_each_bad_member_in_one_line_and_goes_on(hostile_portal):
    err = hostile_portal["build"].stderr
    lines = {mid: [ln for ln in err.splitlines() if ln.startswith(f"anggota {mid} ")]
             for mid in ("baik", "jahat", "tanpa-akhir", "berputar")}  # fmt: skip
    assert all(len(v) == 1 for v in lines.values()), err
    assert "terverifikasi" in lines["baik"][0]
    assert "tidak bertanda tangan" in lines["jahat"][0]
    assert "batas unduhan anggota ini habis (2.0 MB" in lines["tanpa-akhir"][0]
    assert "lebih dari 5 kali" in lines["berputar"][0]
    home = BeautifulSoup((hostile_portal["site"] / "index.html").read_text(), "html.parser")
    shown = {tr["data-anggota"] for tr in home.select("tr[data-anggota]")}
    assert shown == {"baik", "jahat"}
    assert {li["data-anggota"] for li in home.select("li[data-anggota]")} == {
        "tanpa-akhir",
        "berputar",
    }


def test_hostile_strings_are_text_and_no_link_leaves_http(hostile_portal):
    site = hostile_portal["site"]
    for page in site.rglob("*.html"):
        doc = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for el in doc.find_all(True):
            assert not [a for a in el.attrs if a.lower().startswith("on")], (page, el)
        for script in doc.find_all("script"):
            assert "alert(" not in script.get_text(), page
        for a in doc.find_all(["a", "area"], href=True):
            assert re.match(r"(https?://|/|\.\.?/|#|[\w./-]*$)", a["href"]), (page, a["href"])
            assert not a["href"].lower().startswith(("javascript:", "data:")), page
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in site.rglob("*")
             if p.is_file() and p.suffix in (".html", ".json", ".xml", ".js")]  # fmt: skip
    whole = "\n".join(texts)
    assert RLO not in whole and "\u2066" not in whole  # bidi overrides never reach a reader
    assert "A" * 1000 not in whole  # the absurdly long name is skipped, not shown
    assert "Usaha Jahat Tautan" not in whole  # an id that is not a slug never makes a link
    # the hostile name is in the portal's data as text (the directory shows it)
    assert "<script>alert('nama')</script>Kopi" in whole.replace("\\u003c", "<")


def test_the_directory_shows_hostile_names_as_text_in_chromium(browser, hostile_portal):
    port = free_port()
    srv = Server(hostile_portal["site"], port)
    page = browser.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        page.goto(f"http://127.0.0.1:{port}/umkm/?q=jahat")
        page.wait_for_function(
            "() => document.querySelectorAll('[data-direktori] .ru-list li[data-id]').length > 0",
            timeout=30000,
        )
        links = page.eval_on_selector_all(
            "[data-direktori] .ru-list li[data-id] a",
            "els => els.map(a => [a.textContent, a.protocol])",
        )
        injected = page.eval_on_selector_all(".ru-list img, .ru-list script", "els => els.length")
    finally:
        page.close()
        srv.stop()
    assert dialogs == [] and injected == 0
    assert any("<script>alert('nama')</script>Kopi" in text for text, _ in links), links
    assert {proto for _, proto in links} <= {"http:", "https:"}


def test_a_member_id_that_would_leave_the_cache_is_refused(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "portal.yaml").write_text(
        "portal: {judul: P, penerbit: Q, contoh: true}\nanggota:\n"
        "  - {id: '../../keluar', nama: A, url: 'https://a.go.id/'}\n",
        encoding="utf-8",
    )
    r = run_generator(tmp_path, "check")
    assert r.returncode == 1 and r.stdout.startswith("data/portal.yaml:3:"), r.stdout


# ---------------------------------------------------------------------------------------------
# The cache: re-hashed before use, verified again before it stands in, never believed


def _refresh(member, cache):
    return members.refresh(member, cache, NOW, LIMITS)


def test_an_edited_cached_file_is_fetched_again_not_trusted(good, tmp_path):
    """The server answers 304 to a file the cache holds; the cached bytes were edited: they
    are re-hashed, found changed, and fetched again (before: the edited SHA256SUMS was used
    and the member left out as failing its signature)."""
    cache = tmp_path / "cache"
    m = Member("baik", "Baik", good["url"])
    assert _refresh(m, cache).status == members.VERIFIED
    sums_file = cache / "baik" / "files" / "api" / "SHA256SUMS"
    sums_file.write_bytes(sums_file.read_bytes() + b"0" * 64 + b"  api/palsu.json\n")
    index = cache / "baik" / "files" / "api" / "registri.json"
    index.write_bytes(index.read_bytes()[:-20])  # truncated
    meta = cache / "baik" / "meta.json"
    data = json.loads(meta.read_text())
    data["validator"]["did.json"] = {"etag": "x\r\nX-Sisip: 1", "last-modified": ["bukan"]}
    meta.write_text(json.dumps(data))
    before = len(good["server"].requests)
    o = _refresh(m, cache)
    assert o.status == members.VERIFIED, o.message
    assert "salinan di cache rusak (api/SHA256SUMS, api/registri.json), diunduh ulang" in o.message
    asked = good["server"].requests[before:]
    assert "/api/SHA256SUMS" in asked and "/api/registri.json" in asked
    assert b"palsu" not in sums_file.read_bytes()  # the cache holds the good copy again


def test_a_damaged_cache_never_stands_in_for_an_unreachable_member(good, tmp_path):
    cache = tmp_path / "cache"
    did = did_of_site(good["url"])
    up = Member("m", "M", good["url"])
    down = Member("m", "M", f"http://127.0.0.1:{free_port()}/", did)  # nothing listens
    assert _refresh(up, cache).status == members.VERIFIED
    o = _refresh(down, cache)
    assert (o.status, o.fresh) == (members.VERIFIED, False) and "salinan terakhir" in o.message
    folder = cache / "m"
    part = folder / "files" / parts_of(good["site"])[0]
    part.write_bytes(part.read_bytes().replace(b"Batik", b"Batiq", 1))
    o = _refresh(down, cache)
    assert o.status == members.UNREACHABLE and not o.usable, o.message
    assert f"salinan di cache rusak ({parts_of(good['site'])[0]})" in o.message
    for damage in ("{rusak", "", "[]", '{"diperiksa": "2999-01-01T00:00:00+00:00"}'):
        assert _refresh(up, cache).status == members.VERIFIED
        meta = folder / "meta.json"
        if damage.startswith('{"diperiksa"'):
            data = json.loads(meta.read_text())
            data["diperiksa"] = "2999-01-01T00:00:00+00:00"  # from the future
            damage = json.dumps(data)
        meta.write_text(damage)
        o = _refresh(down, cache)
        assert o.status == members.UNREACHABLE and "rusak" in o.message, (damage, o.message)


def test_a_copy_left_aside_by_a_stopped_build_is_taken_back(good, tmp_path):
    """A build killed between the two renames of a new copy leaves the old one as
    `<id>.lama`: the next build takes it back instead of losing the member's last good copy."""
    cache = tmp_path / "cache"
    assert _refresh(Member("m", "M", good["url"]), cache).status == members.VERIFIED
    (cache / "m").rename(cache / "m.lama")
    down = Member("m", "M", f"http://127.0.0.1:{free_port()}/", did_of_site(good["url"]))
    o = _refresh(down, cache)
    assert (o.status, o.fresh) == (members.VERIFIED, False), o.message
    assert (cache / "m").is_dir() and not (cache / "m.lama").exists()


def test_a_forged_meta_json_gives_no_keys_and_no_status(good, tmp_path):
    """meta.json says what the portal found, but a copy that stands in is verified again from
    its own files: a status or keys written into meta.json are never believed (before: an
    unsigned member became 'terverifikasi' with the forger's key in the trust list)."""
    cache = tmp_path / "cache"
    fake = [{"id": "kunci-palsu", "publik": "z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH"}]
    plain = unsigned_copy(good, tmp_path / "polos")
    srv = Hostile(folder_with(plain, {}))
    unsigned = Member("polos", "Polos", srv.url)
    try:
        assert _refresh(unsigned, cache).status == members.UNSIGNED
    finally:
        srv.close()
    meta = cache / "polos" / "meta.json"
    data = json.loads(meta.read_text())
    data.update(status=members.VERIFIED, kunci=fake, did="did:web:registri.palsu.go.id")
    meta.write_text(json.dumps(data))
    o = _refresh(unsigned, cache)  # its server is gone: the cache stands in
    assert (o.status, o.keys, o.did, o.fresh) == (members.UNSIGNED, [], None, False), o.message
    # a signed member's cached keys come from its did.json, never from meta.json
    up = Member("m", "M", good["url"])
    assert _refresh(up, cache).status == members.VERIFIED
    meta = cache / "m" / "meta.json"
    data = json.loads(meta.read_text())
    data["kunci"] = fake
    meta.write_text(json.dumps(data))
    down = Member("m", "M", f"http://127.0.0.1:{free_port()}/", did_of_site(good["url"]))
    o = _refresh(down, cache)
    assert o.status == members.VERIFIED and [k["publik"] for k in o.keys] == [good["publik"]]


def test_a_member_that_stops_signing_is_left_out(good, tmp_path):
    """A signature that disappears is a downgrade (a takeover of the member's hosting would
    look so): refused when the last good copy was signed, and when portal.yaml names the
    member's did; an unsigned member nobody expected to sign is shown, marked."""
    cache = tmp_path / "cache"
    did = did_of_site(good["url"])
    assert _refresh(Member("m", "M", good["url"]), cache).status == members.VERIFIED
    srv = Hostile(folder_with(unsigned_copy(good, tmp_path / "polos"), {}))
    try:
        o = _refresh(Member("m", "M", srv.url), cache)
        assert o.status == members.FAILED and "salinan terakhir anggota ini bertanda tangan" in (
            o.message
        ), o.message
        o = _refresh(Member("baru", "Baru", srv.url, did), cache)
        assert o.status == members.FAILED and "portal.yaml menyebut did" in o.message, o.message
        assert _refresh(Member("lain", "Lain", srv.url), cache).status == members.UNSIGNED
    finally:
        srv.close()


def test_two_refreshes_at_once_leave_a_whole_cache(good, tmp_path):
    """Two processes refreshing the same cache at once (two builds): both finish, and the
    cache they leave verifies whole."""
    cache = tmp_path / "proyek" / ".cache" / "portal"
    code = (
        "import sys; from datetime import UTC, datetime; from pathlib import Path\n"
        "from generator.portal import members; from generator.portal.config import Member\n"
        "for _ in range(3):\n"
        "    o = members.refresh_all((Member('m', 'M', sys.argv[1]),), Path(sys.argv[2]))[0]\n"
        "    print(o.status, o.message)\n"
    )
    runs = [
        subprocess.Popen([sys.executable, "-c", code, good["url"], str(cache)], cwd=ROOT,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]  # fmt: skip
    for p in runs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        assert out.count("terverifikasi ") == 3, out
    down = Member("m", "M", f"http://127.0.0.1:{free_port()}/", did_of_site(good["url"]))
    o = members.refresh(down, cache, datetime.now(tz=UTC) + timedelta(seconds=5), LIMITS)
    assert o.status == members.VERIFIED and "salinan terakhir" in o.message, o.message
    assert not [p for p in cache.iterdir() if p.name.endswith((".baru", ".lama"))]
