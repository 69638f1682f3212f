"""The public site, built for real from small real data, read back with an HTML parser."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import ROOT, SAMPLE, as_real_registry, make_project, run_generator, run_mkdocs
from hostile import FILE_SECRETS, HOSTILE, SECRETS, hostile_yaml, rahasia_yaml

from generator.data import load
from generator.data.model import slugify


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def text_of(path: Path) -> str:
    return " ".join(soup(path).get_text(" ").split())


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    project = make_project(tmp_path_factory.mktemp("hostile"), hostile_yaml())
    (project / "data" / "rahasia.yaml").write_text(rahasia_yaml(), encoding="utf-8")
    r = run_generator(project, "build", "--strict")
    assert r.returncode == 0, r.stdout + r.stderr
    checked = run_generator(project, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "data rahasia sah untuk 2 UMKM" in checked.stdout
    for s in SECRETS + FILE_SECRETS:  # nothing confidential printed either
        assert s not in r.stdout + r.stderr + checked.stdout + checked.stderr
    return project / "site"


def tree_digest(site: Path) -> dict[str, str]:
    return {
        str(p.relative_to(site)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


# -- the sample site -------------------------------------------------------------------------


def test_every_page_of_the_sample_exists(sample_site):
    registry = load.load(SAMPLE)
    assert (sample_site / "index.html").exists()
    assert (sample_site / "umkm" / "index.html").exists()
    assert (sample_site / "404.html").exists()
    for u in registry.umkm:
        assert (sample_site / "umkm" / u.id / "index.html").exists(), u.id
        for c in u.sertifikat:
            assert (sample_site / "verifikasi" / c.id / "index.html").exists(), c.id
    for key in registry.sektor:
        assert (sample_site / "sektor" / key / "index.html").exists()
    for name in registry.kecamatan:
        assert (sample_site / "kecamatan" / slugify(name) / "index.html").exists()


def test_kecamatan_slug_rule():
    assert slugify("Kota Anyar") == "kota-anyar"
    assert slugify("Sumber  Asih/Timur") == "sumber-asih-timur"


def test_lists_show_exactly_their_umkm(sample_site):
    registry = load.load(SAMPLE)
    for key in registry.sektor:
        page = soup(sample_site / "sektor" / key / "index.html")
        ids = {li["data-id"] for li in page.select(".ru-list .ru-item")}
        assert ids == {u.id for u in registry.umkm if u.sektor == key}
    for name in registry.kecamatan:
        page = soup(sample_site / "kecamatan" / slugify(name) / "index.html")
        ids = {li["data-id"] for li in page.select(".ru-list .ru-item")}
        assert ids == {u.id for u in registry.umkm if u.kecamatan == name}
    directory = soup(sample_site / "umkm" / "index.html")
    assert {li["data-id"] for li in directory.select(".ru-list .ru-item")} == {
        u.id for u in registry.umkm
    }


def test_batik_in_kraksaan_is_two_clicks_from_home(sample_site):
    """Home -> sector Batik -> the profile; and the kecamatan page lists them too."""
    registry = load.load(SAMPLE)
    expected = {u.id for u in registry.umkm if u.sektor == "batik" and u.kecamatan == "Kraksaan"}
    assert len(expected) >= 3
    home = soup(sample_site / "index.html")
    assert home.select_one('a[href="sektor/batik/"]')
    assert home.select_one('a[href="kecamatan/"]')
    kraksaan = soup(sample_site / "kecamatan" / "kraksaan" / "index.html")
    listed = {li["data-id"] for li in kraksaan.select(".ru-item") if "Batik" in li.get_text()}
    assert expected <= listed


def test_profile_shows_facts_contacts_and_certificates(sample_site):
    registry = load.load(SAMPLE)
    u = next(u for u in registry.umkm if u.kontak.whatsapp and len(u.sertifikat) >= 2)
    page = soup(sample_site / "umkm" / u.id / "index.html")
    text = " ".join(page.get_text(" ").split())
    for value in (u.nama, u.pemilik, u.kecamatan, registry.sektor[u.sektor], *u.produk):
        assert value in text
    wa = page.select_one('a[href^="https://wa.me/62"]')
    assert wa is not None and wa["href"][len("https://wa.me/") :].isdigit()
    for c in u.sertifikat:
        link = page.select_one(f'a[href="../../verifikasi/{c.id}/"]')
        assert link is not None
        assert c.nomor in text
    statuses = page.select("[data-status]")
    assert len(statuses) == len(u.sertifikat)


def test_home_has_figures_charts_and_identity(sample_site):
    registry = load.load(SAMPLE)
    page = soup(sample_site / "index.html")
    charts = page.select("figure.ru-figure svg.ru-chart")
    assert len(charts) == 4
    captions = [f.figcaption.get_text() for f in page.select("figure.ru-figure")]
    assert any("sektor" in c for c in captions) and any("kecamatan" in c for c in captions)
    assert any("tahun" in c for c in captions) and any("status" in c for c in captions)
    text = " ".join(page.get_text(" ").split())
    assert f"{len(registry.umkm)} UMKM" in text
    assert registry.registri.penerbit in text
    assert "Data per 28 November 2026" in text
    assert page.find("html")["lang"] == "id"


def test_sample_banner_on_every_page(sample_site):
    for p in [
        sample_site / "index.html",
        sample_site / "tentang" / "index.html",
        sample_site / "404.html",
        sample_site / "api" / "index.html",
        next((sample_site / "verifikasi").glob("*/index.html")),
        next((sample_site / "umkm").glob("*/index.html")),
    ]:
        assert "DATA CONTOH" in p.read_text(encoding="utf-8"), p


def test_no_banner_when_not_sample(tmp_path):
    # a real registry: its own address and contact (the sample's would be refused), and no
    # inline rahasia blocks (a real registry keeps them in data/rahasia.yaml)
    text = (
        as_real_registry(SAMPLE.read_text(encoding="utf-8"))
        .replace("registri-umkm@example.org", "dinkop@probolinggokab.go.id")
        .replace('"(0335) 000-0000"', '"(0335) 841234"')
        .replace("No. 1, Kraksaan, Kabupaten Probolinggo (alamat contoh)", "No. 7, Kraksaan")
    )
    project = make_project(tmp_path, text, site_url="https://registri-umkm.probolinggokab.go.id/")
    r = run_generator(project, "build")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "DATA CONTOH" not in (project / "site" / "index.html").read_text(encoding="utf-8")


def test_no_third_party_urls_in_pages(sample_site):
    """No Google Fonts, no CDN: every src/href of scripts, styles and fonts is local."""
    for p in [
        sample_site / "index.html",
        sample_site / "umkm" / "index.html",
        next((sample_site / "verifikasi").glob("*/index.html")),
    ]:
        page = soup(p)
        for tag in page.select("script[src], link[href], img[src]"):
            url = tag.get("src") or tag.get("href")
            if tag.name == "link" and tag.get("rel") == ["canonical"]:
                continue
            assert not url.startswith(("http://", "https://", "//")), (p, url)
        assert "fonts.googleapis" not in p.read_text(encoding="utf-8")


def pagefind_fragments(site: Path) -> list[dict]:
    """Every record of the built Pagefind index, read straight from its files (gzip'd
    "pagefind_dcd" + JSON), not through Pagefind."""
    out = []
    for f in sorted((site / "pagefind" / "fragment").glob("*.pf_fragment")):
        raw = gzip.decompress(f.read_bytes())
        assert raw.startswith(b"pagefind_dcd")
        out.append(json.loads(raw[len(b"pagefind_dcd") :]))
    return out


def test_search_indexes_each_umkm_once_and_nothing_else(sample_site):
    """No whole-registry index (Lunr's search_index.json is gone); the Pagefind records hold
    every UMKM exactly once, as a section whose anchor is its id; no verification page, list or
    certificate is in the index."""
    assert not (sample_site / "search").exists()
    registry = load.load(SAMPLE)
    frags = pagefind_fragments(sample_site)
    ids = [a["id"] for f in frags for a in f["anchors"] if a["element"] == "h2"]
    assert sorted(ids) == sorted(u.id for u in registry.umkm)
    assert all(f["url"].startswith("/g/") for f in frags)  # records, not pages of the site
    blob = " ".join(f["content"] for f in frags)
    for _, c in registry.certificates():
        assert c.nomor not in blob and c.id not in blob
    by_id = {u.id: u for u in registry.umkm}
    for f in frags:  # a record is uniform in what the filters filter on
        members = [by_id[a["id"]] for a in f["anchors"]]
        assert f["filters"]["sektor"] == sorted({u.sektor for u in members})
        assert f["filters"]["kecamatan"] == sorted({u.kecamatan_slug for u in members})
        assert len(members) <= 16
    nav = soup(sample_site / "tentang" / "index.html").select("nav.md-nav--primary a.md-nav__link")
    hrefs = [a.get("href", "") for a in nav]
    assert len(hrefs) < 20
    assert not any("verifikasi/" in h and h.rstrip("/").count("/") > 1 for h in hrefs)


def test_search_index_covers_names_owners_products(sample_site):
    registry = load.load(SAMPLE)
    blob = " ".join(f["content"] for f in pagefind_fragments(sample_site))
    for u in registry.umkm[:20]:
        assert u.nama in blob
        assert u.pemilik in blob
        for p in u.produk:
            assert p in blob
        assert u.kecamatan in blob
        assert registry.sektor[u.sektor] in blob


def test_mkdocs_build_strict_has_no_warnings(tmp_path):
    project = make_project(tmp_path)
    env = {"SOURCE_DATE_EPOCH": "1795824000", "REGISTRI_CACHE_DIR": str(tmp_path / "qr")}
    r = run_mkdocs(project, "--strict", env=env)
    assert r.returncode == 0, r.stderr
    assert "WARNING" not in r.stderr, r.stderr
    assert (project / "site" / "verifikasi").is_dir()


# -- hostile data ----------------------------------------------------------------------------


def test_hostile_text_is_shown_as_text(hostile_site):
    profile = soup(hostile_site / "umkm" / "jahat" / "index.html")
    text = profile.get_text()
    for key in ("nama", "pemilik", "produk", "deskripsi", "desa", "nomor", "skema"):
        assert HOSTILE[key] in text, key
    verify = soup(hostile_site / "verifikasi" / "uji-2024-0001" / "index.html")
    vtext = verify.get_text()
    for key in ("nama", "pemegang", "nomor", "skema", "alasan"):
        assert HOSTILE[key] in vtext, key
    # the title element holds the text, not markup
    assert HOSTILE["nomor"] in verify.title.get_text()
    assert HOSTILE["nama"] in profile.title.get_text()


def test_hostile_text_never_becomes_markup(hostile_site):
    for p in hostile_site.rglob("*.html"):
        page = soup(p)
        for s in page.find_all("script"):
            assert "alert" not in (s.string or ""), p
        assert not page.select("img[onerror]"), p
        assert not page.select('[href^="javascript:"]'), p
        assert not page.find("i", string="1"), p
        assert not page.find("em", string="Uji"), p
        assert not page.find("b", string="bold"), p
        raw = p.read_text(encoding="utf-8")
        assert "<script>alert" not in raw, p
        assert "49" not in page.get_text().split("{{")[0][-3:]  # {{ 7*7 }} never evaluated
    desc = soup(hostile_site / "umkm" / "jahat" / "index.html").select_one(".ru-deskripsi")
    assert desc.get_text() == HOSTILE["deskripsi"]


def test_hostile_title_in_front_matter_and_header(hostile_site):
    page = soup(hostile_site / "umkm" / "jahat" / "index.html")
    assert page.title.get_text().startswith(HOSTILE["nama"])
    assert page.select_one("h1").get_text() == HOSTILE["nama"]
    home = soup(hostile_site / "index.html")
    assert home.select_one("h1").get_text() == HOSTILE["judul"]


def test_no_secret_in_any_output_byte(hostile_site, sample_site):
    registry = load.load(SAMPLE)
    sample_secrets = [
        v
        for s in registry.confidential_records().values()
        for v in (s.nik, s.alamat, s.catatan)
        if v
    ]
    assert len(sample_secrets) >= 10
    for site, secrets in ((hostile_site, SECRETS + FILE_SECRETS), (sample_site, sample_secrets)):
        for p in site.rglob("*"):
            if not p.is_file():
                continue
            data = p.read_bytes()
            if p.suffix == ".gz":
                import gzip

                data = gzip.decompress(data)
            for s in secrets:
                assert s.encode() not in data, (p, s)
                assert json.dumps(s)[1:-1].encode() not in data, (p, s)


def test_revoked_shows_reason_and_date(hostile_site):
    verify = soup(hostile_site / "verifikasi" / "uji-2024-0001" / "index.html")
    status = verify.select("[data-status]")
    assert len(status) == 1 and status[0]["data-status"] == "dicabut"
    assert "1 Februari 2025" in verify.get_text()


# -- failure leaves the old site untouched ----------------------------------------------------


def test_failed_build_leaves_old_site_byte_identical(tmp_path):
    project = make_project(tmp_path, hostile_yaml())
    assert run_generator(project, "build").returncode == 0
    before = tree_digest(project / "site")
    docs_before = tree_digest(project / "docs")
    broken = hostile_yaml().replace("sektor: batik\n", "sektor: batk\n")
    (project / "data" / "umkm.yaml").write_text(broken, encoding="utf-8")
    r = run_generator(project, "build")
    assert r.returncode == 1
    assert "batk" in r.stdout and "Traceback" not in r.stdout + r.stderr
    assert tree_digest(project / "site") == before
    assert tree_digest(project / "docs") == docs_before
    assert not [p for p in project.iterdir() if p.name.startswith(".site.")]


def test_engine_failure_leaves_old_site_byte_identical(tmp_path):
    project = make_project(tmp_path, hostile_yaml())
    assert run_generator(project, "build").returncode == 0
    before = tree_digest(project / "site")
    # a broken hand-written link makes `--strict` fail inside the engine
    (project / "docs" / "tentang.md").write_text("# T\n\n[x](tidak-ada.md)\n", encoding="utf-8")
    r = run_generator(project, "build", "--strict")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "Traceback" not in r.stdout + r.stderr
    assert tree_digest(project / "site") == before


def test_data_option_and_site_dir(tmp_path):
    project = make_project(tmp_path)
    other = tmp_path / "lain.yaml"
    other.write_text(hostile_yaml(), encoding="utf-8")
    r = run_generator(project, "build", "--data", str(other), "--site-dir", str(tmp_path / "out"))
    assert r.returncode == 0, r.stdout + r.stderr
    assert (tmp_path / "out" / "umkm" / "jahat" / "index.html").exists()
    assert not (project / "site").exists()


def test_stale_generated_pages_are_removed(tmp_path):
    project = make_project(tmp_path, hostile_yaml())
    assert run_generator(project, "build").returncode == 0
    assert (project / "docs" / "umkm" / "batik-baik" / "index.html").exists()
    data = yaml.safe_load(hostile_yaml())
    data["umkm"][1]["id"] = "batik-baru"
    (project / "data" / "umkm.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    assert run_generator(project, "build").returncode == 0
    assert not (project / "docs" / "umkm" / "batik-baik").exists()
    assert (project / "site" / "umkm" / "batik-baru" / "index.html").exists()


def test_unchanged_data_rewrites_no_generated_file(tmp_path):
    """The hook writes only files whose bytes change, so `mkdocs serve` does not loop."""
    project = make_project(tmp_path, hostile_yaml())
    assert run_generator(project, "build").returncode == 0
    mtimes = {p: p.stat().st_mtime_ns for p in (project / "docs").rglob("*") if p.is_file()}
    assert run_generator(project, "build").returncode == 0
    assert {p: p.stat().st_mtime_ns for p in (project / "docs").rglob("*") if p.is_file()} == mtimes


def test_generated_folders_are_git_ignored():
    ignored = (ROOT / ".gitignore").read_text()
    for name in (
        "site/",
        "docs/umkm/",
        "docs/verifikasi/",
        "docs/api/",
        "docs/index.md",
        "docs/index.html",
        "docs/sektor/",
        "docs/kecamatan/",
        "overrides/partials/registri/",
    ):
        assert name in ignored


def test_plain_mkdocs_build_with_bad_data_fails_clearly(tmp_path):
    broken = hostile_yaml().replace("sektor: batik\n", "sektor: batk\n")
    project = make_project(tmp_path, broken)
    r = run_mkdocs(project, env={"REGISTRI_CACHE_DIR": str(tmp_path / "qr")})
    assert r.returncode != 0
    assert "batk" in r.stderr and "mungkin maksud Anda batik" in r.stderr
    assert "Traceback" not in r.stderr + r.stdout
    assert not (project / "site").exists()


def test_compact_html_keeps_preformatted_text():
    from generator.site.postbuild import compact_html

    html = "<div>\n    <p>a</p>\n\n   <pre>x\n    y</pre>\n  <textarea>1\n  2</textarea>\n</div>"
    assert compact_html(html) == (
        "<div>\n<p>a</p>\n<pre>x\n    y</pre>\n<textarea>1\n  2</textarea>\n</div>"
    )


def test_without_site_url_pages_show_no_guessed_qr(tmp_path):
    project = make_project(tmp_path, hostile_yaml(), site_url=None)
    r = run_generator(project, "build", "--strict")
    assert r.returncode == 0, r.stdout + r.stderr
    page = soup(project / "site" / "verifikasi" / "uji-2024-0001" / "index.html")
    assert page.select_one(".v-qr") is None
    assert page.select_one('link[rel="canonical"]') is None
    assert page.select_one("[data-status]")["data-status"] == "dicabut"
