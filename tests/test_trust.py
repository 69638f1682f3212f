"""The address as the trust anchor (SPEC "Trust", issue 10): no placeholder reaches paper, a
*.github.io address is warned about, a custom domain gets CNAME, the workflow deploys only to
site_url, and labels carry the official host. Labels are read back by zxing-cpp."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import yaml
import zxingcpp
from bs4 import BeautifulSoup
from conftest import SAMPLE, as_real_registry, make_project, run_generator, run_mkdocs
from PIL import Image

from generator.data import load, trust
from generator.site import qr_print

ROOT = Path(__file__).resolve().parent.parent
REAL_URL = "https://registri-umkm.probolinggokab.go.id/"
REAL_HOST = "registri-umkm.probolinggokab.go.id"
GH_URL = "https://dinkop.github.io/registri-umkm/"
LINE = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+):(?P<col>\d+): (?P<msg>.+)$")


def real_sample() -> str:
    """The sample registry turned into a real-looking one: contoh false, a real contact."""
    return (
        as_real_registry(SAMPLE.read_text(encoding="utf-8"))
        .replace("registri-umkm@example.org", "dinkop@probolinggokab.go.id")
        .replace('"(0335) 000-0000"', '"(0335) 841234"')
        .replace("No. 1, Kraksaan, Kabupaten Probolinggo (alamat contoh)", "No. 7, Kraksaan")
    )


def sample_as_real() -> str:
    """contoh: false and nothing else changed (but the inline rahasia blocks, which a real
    registry may not hold): every sample placeholder is still there."""
    return as_real_registry(SAMPLE.read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------------
# Placeholder hosts


@pytest.mark.parametrize(
    "host",
    [
        "example.github.io",
        "example.org",
        "example.com",
        "registri.example.org",
        "dinas.example",
        "registri.test",
        "registri.invalid",
        "localhost",
        "registri.localhost",
        "127.0.0.1",
        "10.1.2.3",
        "::1",
        "alamat-situs",
        "contoh.id",
        "registri",
    ],
)
def test_placeholder_hosts(host):
    assert trust.placeholder_host(host)


@pytest.mark.parametrize(
    "host", ["dinkop-probolinggo.github.io", REAL_HOST, "umkm.jatimprov.go.id", "registri.id"]
)
def test_real_hosts(host):
    assert trust.placeholder_host(host) is None


def test_host_of_handles_ports_case_and_ipv6():
    assert trust.host_of("https://Registri.Example.ORG:8443/x/") == "registri.example.org"
    assert trust.host_of("http://[::1]:8000/") == "::1"
    assert trust.host_of(None) is None


# ---------------------------------------------------------------------------------------------
# check, build and qr refuse a real registry with placeholders


@pytest.fixture(scope="module")
def placeholder_project(tmp_path_factory) -> Path:
    """contoh: false with the sample's site_url and contact (as shipped, minus the flag)."""
    return make_project(tmp_path_factory.mktemp("placeholder"), sample_as_real())


def _problem_lines(text: str) -> list[re.Match]:
    return [m for m in map(LINE.match, text.splitlines()) if m]


def _line_of(path: Path, needle: str) -> int:
    return next(
        i for i, line in enumerate(path.read_text("utf-8").splitlines(), 1) if needle in line
    )


def test_check_refuses_placeholders_naming_file_and_line(placeholder_project):
    r = run_generator(placeholder_project, "check")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "Traceback" not in r.stdout + r.stderr
    found = {(Path(m["file"]).name, int(m["line"])): m["msg"] for m in _problem_lines(r.stdout)}
    cfg = placeholder_project / "mkdocs.yml"
    data = placeholder_project / "data" / "umkm.yaml"
    site_line = _line_of(cfg, "site_url:")
    assert "site_url" in found[("mkdocs.yml", site_line)]
    assert "example.github.io" in found[("mkdocs.yml", site_line)]
    for key, needle in (
        ("email", "registri-umkm@example.org"),
        ("telepon", '"(0335) 000-0000"'),
        ("alamat", "(alamat contoh)"),
    ):
        msg = found[("umkm.yaml", _line_of(data, needle))]
        assert f"registri.kontak.{key}" in msg


def test_check_of_the_sample_itself_passes(tmp_path):
    project = make_project(tmp_path)
    r = run_generator(project, "check")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "peringatan" not in r.stderr


def test_build_refuses_and_writes_nothing(placeholder_project):
    r = run_generator(placeholder_project, "build")
    assert r.returncode == 1
    assert "site_url" in r.stdout and "Situs tidak diubah" in r.stderr
    assert not (placeholder_project / "site").exists()
    assert not (placeholder_project / "docs" / "verifikasi").exists()


def test_mkdocs_build_refuses_too(placeholder_project):

    env = {"REGISTRI_CACHE_DIR": str(placeholder_project / ".cache")}
    r = run_mkdocs(placeholder_project, env=env, timeout=300)
    assert r.returncode != 0
    assert "site_url" in r.stderr and "Traceback" not in r.stderr
    assert not (placeholder_project / "site" / "verifikasi").exists()


def test_qr_with_the_samples_site_url_refuses_to_make_a_single_label(tmp_path):
    # a real contact, contoh: false, and mkdocs.yml's site_url as shipped with the sample
    project = make_project(tmp_path, real_sample())
    out = project / "label"
    r = run_generator(project, "qr", "--semua", "--out", str(out))
    assert r.returncode == 1
    (m,) = _problem_lines(r.stdout)
    assert m["file"] == "mkdocs.yml" and int(m["line"]) == _line_of(
        project / "mkdocs.yml", "site_url:"
    )
    assert "example.github.io" in m["msg"] and "Traceback" not in r.stdout + r.stderr
    assert not out.exists()
    assert not list(project.glob(".label*"))
    # the project's own pictures: the admin guide's, the link-preview images (pratinjau-*.png)
    made = [p for p in (*project.rglob("*.png"), *project.rglob("*.svg"))
            if "panduan" not in p.parts and not p.name.startswith("pratinjau-")]  # fmt: skip
    assert not made
    assert "Tidak ada kode QR yang dibuat" in r.stderr


def test_qr_refuses_a_placeholder_contact_alone(tmp_path):
    text = real_sample().replace("dinkop@probolinggokab.go.id", "lapor@dinas.test")
    project = make_project(tmp_path, text, site_url=REAL_URL)
    r = run_generator(project, "qr", "--out", str(tmp_path / "label"))
    assert r.returncode == 1
    (m,) = _problem_lines(r.stdout)
    assert "registri.kontak.email" in m["msg"] and "dinas.test" in m["msg"]
    assert int(m["line"]) == _line_of(project / "data" / "umkm.yaml", "lapor@dinas.test")
    assert not (tmp_path / "label").exists()


def test_real_registry_without_site_url_is_refused(tmp_path):
    project = make_project(tmp_path, real_sample(), site_url=None)
    r = run_generator(project, "build")
    assert r.returncode == 1 and "site_url belum diisi" in r.stdout
    r = run_generator(project, "check")
    assert r.returncode == 1 and "site_url belum diisi" in r.stdout


def test_check_without_mkdocs_yml_checks_the_data_alone(tmp_path):
    data = tmp_path / "umkm.yaml"
    data.write_text(sample_as_real(), encoding="utf-8")
    r = run_generator(tmp_path, "check", "--data", str(data))
    assert r.returncode == 1
    msgs = [m["msg"] for m in _problem_lines(r.stdout)]
    assert len(msgs) == 3 and all("registri.kontak" in m for m in msgs)


# ---------------------------------------------------------------------------------------------
# github.io: a warning that names the better anchor; a custom domain: CNAME


@pytest.fixture(scope="module")
def github_io_build(tmp_path_factory):
    project = make_project(
        tmp_path_factory.mktemp("ghio"),
        real_sample(),
        site_url="https://dinkop-probolinggo.github.io/registri-umkm/",
    )
    return project, run_generator(project, "build")


def test_github_io_builds_with_a_warning_naming_go_id(github_io_build):
    project, r = github_io_build
    assert r.returncode == 0, r.stdout + r.stderr
    warning = next(line for line in r.stderr.splitlines() if "peringatan" in line)
    assert warning.startswith("mkdocs.yml:")
    assert "dinkop-probolinggo.github.io" in warning and ".go.id" in warning
    assert not (project / "site" / "CNAME").exists()
    for cmd in (("check",), ("qr", "--out", str(project / "label"))):
        r = run_generator(project, *cmd)
        assert r.returncode == 0, r.stdout + r.stderr
        assert ".go.id" in r.stderr


def test_custom_domain_gets_cname(tmp_path):
    project = make_project(tmp_path, real_sample(), site_url=REAL_URL)
    r = run_generator(project, "build")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "peringatan" not in r.stderr
    assert (project / "site" / "CNAME").read_text("ascii") == REAL_HOST + "\n"


def test_sample_build_writes_no_cname(sample_site):
    assert not (sample_site / "CNAME").exists()


# ---------------------------------------------------------------------------------------------
# The workflow deploys only to site_url


@pytest.mark.parametrize(
    "site_url,pages_url,ok",
    [
        (GH_URL, GH_URL, True),
        ("https://dinkop.github.io/registri-umkm", "https://DINKOP.github.io/registri-umkm/", True),
        (REAL_URL, "https://registri-umkm.probolinggokab.go.id/", True),
        (REAL_URL, "https://dinkop.github.io/registri-umkm/", False),
        (
            "https://example.github.io/registri-umkm/",
            "https://dinkop.github.io/registri-umkm/",
            False,
        ),
        (REAL_URL, "http://registri-umkm.probolinggokab.go.id/", False),
        (None, "https://dinkop.github.io/registri-umkm/", False),
        (REAL_URL, "", False),
    ],
)
def test_deploy_address_must_be_site_url(site_url, pages_url, ok):
    problem = trust.deploy_address_problem(site_url, pages_url)
    assert (problem is None) == ok, problem
    if site_url and pages_url and not ok:
        assert "Pages" in problem


def test_deploy_check_command(tmp_path):
    import subprocess
    import sys

    project = make_project(tmp_path, site_url=REAL_URL)

    def run(url):
        return subprocess.run(
            [sys.executable, "-m", "generator.data.trust", url],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=60,
        )

    good = run(REAL_URL)
    assert good.returncode == 0, good.stdout + good.stderr
    bad = run("https://dinkop.github.io/registri-umkm/")
    assert bad.returncode == 1
    m = LINE.match(bad.stdout.strip())
    assert m and m["file"] == "mkdocs.yml" and "dinkop.github.io" in m["msg"]


def test_workflow_compares_site_url_with_the_pages_address():
    wf = yaml.safe_load((ROOT / ".github" / "workflows" / "publish.yml").read_text("utf-8"))
    steps = wf["jobs"]["build"]["steps"]
    uses = [s.get("uses", "") for s in steps]
    pages = next(i for i, u in enumerate(uses) if u.startswith("actions/configure-pages"))
    upload = next(i for i, u in enumerate(uses) if u.startswith("actions/upload-pages-artifact"))
    step_id = steps[pages]["id"]
    check = next(
        s for s in steps[pages + 1 : upload] if "python -m generator.data.trust" in s.get("run", "")
    )
    # the address comes in through the environment, never pasted into the script
    assert f"steps.{step_id}.outputs.base_url" in str(check.get("env", {}))
    assert "${{" not in check["run"]


# ---------------------------------------------------------------------------------------------
# Labels of a real-looking registry


@pytest.fixture(scope="module")
def real_labels(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("labels"), real_sample(), site_url=REAL_URL)
    out = project / "label"
    r = run_generator(project, "qr", "--out", str(out))
    assert r.returncode == 0, r.stdout + r.stderr
    return project, out


def _sheet(out: Path) -> BeautifulSoup:
    return BeautifulSoup((out / qr_print.LABEL_SHEET).read_text("utf-8"), "html.parser")


def test_default_labels_are_the_valid_certificates_only(real_labels):
    project, out = real_labels
    from datetime import date

    registry = load.load(project / "data" / "umkm.yaml")
    today = date(2026, 11, 28)  # conftest.FIXED_EPOCH
    valid = {c.id for _, c in registry.certificates() if c.displayed_status(today) == "berlaku"}
    labels = _sheet(out).select("article.label")
    assert {a["data-id"] for a in labels} == valid
    assert {p.stem for p in out.glob("*.png")} == valid
    assert all(a["data-status"] == "berlaku" for a in labels)


def test_every_label_shows_the_official_host_under_its_qr(real_labels):
    _, out = real_labels
    for a in _sheet(out).select("article.label"):
        host = a.select_one(".resmi .host")
        assert host is not None and host.get_text() == REAL_HOST
        assert a.select_one(".url").get_text().startswith(REAL_URL)


def test_every_label_decodes_to_its_page_on_the_official_host(real_labels, browser):
    _, out = real_labels
    page = browser.new_page(device_scale_factor=2)
    try:
        page.goto((out / qr_print.LABEL_SHEET).as_uri())
        page.wait_for_load_state("load")
        assert page.evaluate("[...document.images].filter(i => !i.naturalWidth).length") == 0
        page.emulate_media(media="print")
        # the host line sits under the code, inside the label, on one line
        layout = page.eval_on_selector_all(
            "article.label",
            """els => els.map(a => {
            const q = a.querySelector('.qr img').getBoundingClientRect();
            const h = a.querySelector('.resmi').getBoundingClientRect();
            const l = a.getBoundingClientRect();
            return [h.top >= q.bottom - 1, h.bottom <= l.bottom, h.height < 20];
        })""",
        )
        assert layout and all(all(x) for x in layout), layout
        shot = page.screenshot(full_page=True)
    finally:
        page.close()
    found = sorted(r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(shot))))
    ids = sorted(a["data-id"] for a in _sheet(out).select("article.label"))
    assert found == sorted(f"{REAL_URL}verifikasi/{i}/" for i in ids)
    for png in out.glob("*.png"):
        (result,) = zxingcpp.read_barcodes(Image.open(png))
        assert result.text == f"{REAL_URL}verifikasi/{png.stem}/"


def test_semua_marks_every_invalid_label_not_to_be_attached(real_labels):
    project, _ = real_labels
    out = project / "label-semua"
    r = run_generator(project, "qr", "--semua", "--out", str(out))
    assert r.returncode == 0, r.stdout + r.stderr
    soup = _sheet(out)
    invalid = soup.select('article.label:not([data-status="berlaku"])')
    assert invalid
    for a in invalid:
        assert "JANGAN DITEMPEL" in a.select_one(".status").get_text()
        assert a.find_parent("section")["class"] == ["halaman", "lain"]
    assert len(soup.select("article.label")) == 145


def test_sertifikat_picks_by_id(real_labels):
    project, _ = real_labels
    out = project / "label-id"
    r = run_generator(
        project, "qr", "--sertifikat", "mwpm-2023-0001", "mwpm-2023-0002", "--out", str(out)
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert sorted(a["data-id"] for a in _sheet(out).select("article.label")) == [
        "mwpm-2023-0001",
        "mwpm-2023-0002",
    ]


def test_unknown_id_is_a_clear_error_and_nothing_is_written(real_labels):
    project, out = real_labels
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    r = run_generator(
        project, "qr", "--sertifikat", "mwpm-2023-0001", "mwpm-2023-9999", "--out", str(out)
    )
    assert r.returncode == 1
    assert "mwpm-2023-9999" in r.stderr and "tidak ada sertifikat" in r.stderr
    assert "Traceback" not in r.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    fresh = project / "label-baru"
    r = run_generator(project, "qr", "--sertifikat", "MWPM-2023-0001", "--out", str(fresh))
    assert r.returncode == 1 and "mungkin maksud Anda mwpm-2023-0001" in r.stderr
    assert not fresh.exists()


def test_named_invalid_certificate_needs_semua(real_labels):
    project, _ = real_labels
    out = project / "label-cabut"
    r = run_generator(project, "qr", "--sertifikat", "mwpm-2020-0016", "--out", str(out))
    assert r.returncode == 1 and "DICABUT" in r.stderr and "--semua" in r.stderr
    assert not out.exists()
    r = run_generator(project, "qr", "--sertifikat", "mwpm-2020-0016", "--semua", "--out", str(out))
    assert r.returncode == 0
    (a,) = _sheet(out).select("article.label")
    assert a["data-status"] == "dicabut" and "JANGAN DITEMPEL" in a.get_text()


def test_sejak_picks_those_issued_on_or_after_a_date(real_labels):
    project, _ = real_labels
    out = project / "label-sejak"
    r = run_generator(project, "qr", "--sejak", "2024-06-03", "--out", str(out))
    assert r.returncode == 0, r.stdout + r.stderr
    registry = load.load(project / "data" / "umkm.yaml")
    from datetime import date

    want = {
        c.id
        for _, c in registry.certificates()
        if c.tanggal_terbit >= date(2024, 6, 3)
        and c.displayed_status(date(2026, 11, 28)) == "berlaku"
    }
    assert want and {a["data-id"] for a in _sheet(out).select("article.label")} == want
    bad = run_generator(project, "qr", "--sejak", "3 Juni 2024", "--out", str(out))
    assert bad.returncode == 2 and "TAHUN-BULAN-HARI" in bad.stderr
    none = run_generator(project, "qr", "--sejak", "2030-01-01", "--out", str(project / "x"))
    assert none.returncode == 1 and "tidak ada sertifikat" in none.stderr
    assert not (project / "x").exists()
