"""QR codes: decoded by an independent decoder (zxing-cpp), rendered by a real Chromium."""

from __future__ import annotations

import base64
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import segno
import zxingcpp
from bs4 import BeautifulSoup
from conftest import bench_module
from PIL import Image

from generator.__main__ import main
from generator.data import config, load
from generator.site import qr, qr_code, qr_print

ROOT = Path(__file__).resolve().parent.parent
SITE = "https://dinas.github.io/registri/"
SECRET_NIK = "3513999988887777"
SECRET_NOTE = "CATATAN-RAHASIA-DINAS"
HOSTILE = "<script>alert(1)</script>"
EPOCH_2024_06_01 = "1717200000"

YAML_HEAD = """\
registri:
  judul: Registri Uji
  penerbit: Dinas Koperasi Kabupaten Uji
  wilayah: Kabupaten Uji
sektor:
  batik: Batik
kecamatan: [Kraksaan]
lsp:
  lsp-uji:
    nama: LSP Uji
umkm:
  - id: batik-uji
    nama: Batik "Uji" & <b>Sejahtera</b>
    pemilik: Siti Aminah
    sektor: batik
    kecamatan: Kraksaan
    sertifikat:
"""
# a real registry (contoh: false) keeps its confidential data in rahasia.yaml beside the data
RAHASIA_YAML = f"""\
umkm:
  batik-uji: {{nik: "{SECRET_NIK}", catatan: {SECRET_NOTE}}}
"""

CERT = """\
      - id: {id}
        nomor: "{nomor}"
        pemegang: "{pemegang}"
        skema: Pengelolaan Usaha Mikro
        lsp: lsp-uji
        tanggal_terbit: 2020-09-07
        pembiayaan: mandiri
"""

EXTRA = {
    "expired": "        berlaku_sampai: 2021-09-06\n",
    "revoked": "        status: dicabut\n        alasan_status: Dokumen palsu\n"
    "        tanggal_status: 2022-01-01\n",
}


def registry_yaml(n_valid: int = 2, expired: bool = True, revoked: bool = True) -> str:
    text = YAML_HEAD
    certs = [
        (f"uji-2020-{i:04d}", f"UJI/UMKM/2020/{i:04d}", "Siti Aminah", "")
        for i in range(1, n_valid + 1)
    ]
    if expired:
        certs.append(("uji-2019-kadaluwarsa", "UJI/UMKM/2019/0099", HOSTILE, EXTRA["expired"]))
    if revoked:
        certs.append(("uji-2021-dicabut", "UJI/UMKM/2021/0007", "Budi Santoso", EXTRA["revoked"]))
    for cid, nomor, holder, extra in certs:
        text += CERT.format(id=cid, nomor=nomor, pemegang=holder) + extra
    return text


@pytest.fixture(autouse=True)
def fresh_cache(tmp_path, monkeypatch):
    """Each test starts with an empty cache of its own and a fixed build date."""
    monkeypatch.setenv(qr.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH_2024_06_01)
    qr.clear_memory_cache()
    monkeypatch.setitem(qr.stats, "made", 0)
    monkeypatch.setitem(qr.stats, "cached", 0)
    yield
    qr.clear_memory_cache()


@pytest.fixture
def data_file(tmp_path):
    path = tmp_path / "umkm.yaml"
    path.write_text(registry_yaml(), encoding="utf-8")
    (tmp_path / "rahasia.yaml").write_text(RAHASIA_YAML, encoding="utf-8")
    return path


@pytest.fixture
def registry(data_file):
    return load.load(data_file)


@pytest.fixture
def printed(registry, tmp_path):
    out = tmp_path / "qr-cetak"
    qr_print.write_print_files(registry, SITE, out)
    return out


QR_FORMATS = (zxingcpp.BarcodeFormat.QRCode, zxingcpp.BarcodeFormat.MicroQRCode)


def decode(image: Image.Image) -> list:
    return zxingcpp.read_barcodes(image)


def assert_single_qr(results: list, url: str) -> None:
    assert len(results) == 1, results
    r = results[0]
    assert r.text == url
    assert r.format == zxingcpp.BarcodeFormat.QRCode  # Micro QR reports MicroQRCode
    assert r.ec_level in ("Q", "H")


# ---------------------------------------------------------------------------------------------
# URL


@pytest.mark.parametrize(
    "site",
    [
        "https://dinas.github.io/registri",
        "https://dinas.github.io/registri/",
        "https://dinas.github.io/registri//",
    ],
)
def test_verification_url_is_site_url_verifikasi_id(site):
    assert qr.verification_url(site, "uji-2020-0001") == (
        "https://dinas.github.io/registri/verifikasi/uji-2020-0001/"
    )


@pytest.mark.parametrize("site", [None, "", "/registri/", "dinas.github.io/registri"])
def test_verification_url_never_guesses_a_site(site):
    with pytest.raises(config.ConfigError, match="site_url"):
        qr.verification_url(site, "uji-2020-0001")


# ---------------------------------------------------------------------------------------------
# Print files


def test_every_png_decodes_to_its_url_at_300_dpi(registry, printed):
    certs = [c for _, c in registry.certificates()]
    assert len(certs) == 4
    for cert in certs:
        url = qr.verification_url(SITE, cert.id)
        with Image.open(printed / f"{cert.id}.png") as im:
            assert_single_qr(decode(im), url)
            dpi = im.info.get("dpi")
            assert dpi and round(dpi[0]) == 300 and round(dpi[1]) == 300
            width_mm = im.size[0] / 300 * 25.4
        assert width_mm >= 25
        assert width_mm == pytest.approx(qr.print_size_mm(url), abs=0.01)


def svg_size_mm(svg: str) -> tuple[float, float]:
    root = re.search(r"<svg[^>]*>", svg).group(0)
    w = re.search(r'\swidth="([0-9.]+)mm"', root)
    h = re.search(r'\sheight="([0-9.]+)mm"', root)
    assert w and h, root
    assert re.search(r'\sviewBox="0 0 \d+ \d+"', root), root
    return float(w.group(1)), float(h.group(1))


def test_print_svg_is_sized_in_mm_and_decodes_in_chromium(registry, printed, browser):
    cert = next(c for _, c in registry.certificates())
    url = qr.verification_url(SITE, cert.id)
    svg = (printed / f"{cert.id}.svg").read_text(encoding="utf-8")
    width, height = svg_size_mm(svg)
    assert width == height >= 25
    assert width >= qr.PRINT_MIN_MM
    # Chromium draws CSS mm at 96 px/in: render the file at its own size, doubled.
    page = browser.new_page(device_scale_factor=2)
    try:
        data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
        page.set_content(
            f'<body style="margin:0;background:#fff">'
            f'<img id="q" src="data:image/svg+xml;base64,{data}"></body>'
        )
        box = page.locator("#q").bounding_box()
        assert box["width"] == pytest.approx(width / 25.4 * 96, abs=1)
        shot = page.locator("#q").screenshot()
    finally:
        page.close()
    assert_single_qr(decode(Image.open(io.BytesIO(shot))), url)


def test_no_secret_reaches_any_print_file(printed):
    for path in printed.iterdir():
        data = path.read_bytes()
        assert SECRET_NIK.encode() not in data and SECRET_NOTE.encode() not in data, path


# ---------------------------------------------------------------------------------------------
# Inline SVG


def test_inline_svg_is_embeddable_and_css_sized():
    url = qr.verification_url(SITE, "uji-2020-0001")
    svg = qr.inline_svg(url, title=f'Kode "QR" {HOSTILE}')
    root = re.search(r"<svg[^>]*>", svg).group(0)
    assert svg.startswith("<svg") and "<?xml" not in svg
    assert 'class="ru-qr"' in root and 'role="img"' in root
    assert re.search(r'\sviewBox="0 0 \d+ \d+"', root)
    assert not re.search(r"\s(width|height)=", root)
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert 'aria-label="Kode &quot;QR&quot; &lt;script&gt;' in root
    # Background + all dark modules: two paths, not one element per module.
    assert svg.count("<path") == 2
    default = qr.inline_svg(url)
    assert "aria-label=" in default and url in default


@pytest.mark.parametrize("background", ["#ffffff", "#1e2129"])  # Material light / slate
def test_inline_svg_decodes_when_drawn_by_chromium(browser, background):
    url = qr.verification_url(SITE, "uji-2020-0001")
    page = browser.new_page()
    try:
        page.set_content(
            f'<body style="margin:20px;background:{background}">'
            f"<style>.ru-qr{{width:300px;height:300px;display:block}}</style>"
            f'<div id="q">{qr.inline_svg(url)}</div></body>'
        )
        box = page.locator("#q svg").bounding_box()
        assert box["width"] == pytest.approx(300) and box["height"] == pytest.approx(300)
        shot = page.locator("#q svg").screenshot()
    finally:
        page.close()
    assert_single_qr(decode(Image.open(io.BytesIO(shot))), url)


def test_short_content_is_still_a_full_qr_code():
    url = qr.verification_url("http://a.id", "ab")
    svg = qr.inline_svg(url)
    # Version 1 is 21 modules, + 2 x 4 quiet zone: Micro QR would be at most 17 + 2 x 2.
    size = int(re.search(r'viewBox="0 0 (\d+) ', svg).group(1))
    assert size >= 29 and (size - 8 - 17) % 4 == 0


# ---------------------------------------------------------------------------------------------
# Making codes: a fixed mask, guarded


def test_fixed_mask_codes_decode_and_stay_within_the_penalty_limit():
    """Codes of URLs of every length the registry can have (ids of 2-63 characters, five
    site_urls): made with the fixed mask, scored under the limit, and read back by zxing-cpp."""
    import random

    urls = bench_module("qr_masks").sample_urls(120, random.Random(13))
    urls.append(qr.verification_url("https://a.id/", "ab"))  # the shortest
    urls.append(qr.verification_url(SITE, "a" * 63))
    fixed = 0
    for url in urls:
        code = qr_code.make(url)
        fixed += code.mask == qr_code.MASK
        if code.version in qr_code.PENALTY_LIMIT:
            assert code.mask == qr_code.MASK
            assert qr_code._penalty_of(code) <= qr_code.PENALTY_LIMIT[code.version]
        image = Image.open(io.BytesIO(qr._png(code, scale=3)))
        # QR and Micro QR only: with every format on, zxing-cpp now and then also reads a
        # few modules of a row as a 1D barcode (ITF), whatever the mask (1 in ~200 codes)
        assert_single_qr(zxingcpp.read_barcodes(image, formats=QR_FORMATS), url)
    assert fixed >= len(urls) * 0.9


def test_a_code_over_the_penalty_limit_gets_the_full_mask_selection(monkeypatch):
    url = qr.verification_url(SITE, "uji-2020-0001")
    monkeypatch.setattr(qr_code, "PENALTY_LIMIT", {v: 0 for v in range(1, 41)})
    code = qr_code.make(url)
    reference = segno.make(url, **qr_code.MAKE)  # segno's own choice among the 8 masks
    assert code.mask == reference.mask
    assert code.rows == qr_code._make_from(reference).rows
    assert_single_qr(decode(Image.open(io.BytesIO(qr._png(code, scale=3)))), url)


def test_drawings_match_segno_module_for_module():
    """Our PNG and SVG draw the same modules as segno's own writers (pixel for pixel)."""
    url = qr.verification_url(SITE, "uji-2020-0001")
    ours = Image.open(io.BytesIO(qr.print_png(url))).convert("1")
    reference = segno.make(url, mask=qr_code.MASK, **qr_code.MAKE)
    buf = io.BytesIO()
    reference.save(
        buf, kind="png", border=qr.BORDER, scale=ours.size[0] // reference.symbol_size()[0]
    )
    theirs = Image.open(io.BytesIO(buf.getvalue())).convert("1")
    assert ours.size == theirs.size and ours.tobytes() == theirs.tobytes()


# ---------------------------------------------------------------------------------------------
# Cache: one file of codes, shared by pages and print


def forbid_segno(monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError("segno.make called although the code is cached")

    monkeypatch.setattr(segno, "make", boom)
    monkeypatch.setattr(segno, "make_qr", boom)


def cache_file(tmp_path: Path) -> Path:
    return tmp_path / "cache" / qr.CACHE_FILE


def test_one_code_serves_the_page_and_both_print_files(monkeypatch):
    url = qr.verification_url(SITE, "uji-2020-0001")
    first = (qr.inline_png(url), qr.inline_svg(url), qr.print_svg(url), qr.print_png(url))
    assert qr.stats["made"] == 1
    forbid_segno(monkeypatch)
    assert (qr.inline_png(url), qr.inline_svg(url), qr.print_svg(url), qr.print_png(url)) == first


def test_disk_cache_survives_a_new_process(monkeypatch, tmp_path):
    urls = [qr.verification_url(SITE, f"uji-2020-{i:04d}") for i in (1, 2)]
    qr.prepare(urls)
    made = [(qr.inline_png(u), qr.print_svg(u), qr.print_png(u)) for u in urls]
    assert [p.name for p in (tmp_path / "cache").iterdir()] == [qr.CACHE_FILE]  # no debris
    qr.clear_memory_cache()
    forbid_segno(monkeypatch)
    assert [(qr.inline_png(u), qr.print_svg(u), qr.print_png(u)) for u in urls] == made
    assert qr.stats["made"] == 2


def test_codes_made_outside_prepare_are_kept_at_exit(tmp_path):
    url = qr.verification_url(SITE, "uji-2020-0001")
    qr.print_png(url)
    qr._save_at_exit()
    assert url in qr._read_file(cache_file(tmp_path))


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b"",
        lambda b: b[: len(b) // 2],
        lambda b: b[:-3] + bytes([b[-3] ^ 0x10]) + b[-2:],  # one flipped bit in a code
        lambda b: b"\xff\xfe garbage",
    ],
)
def test_damaged_cache_file_is_made_again(damage, tmp_path):
    url = qr.verification_url(SITE, "uji-2020-0001")
    qr.prepare([url])
    good = qr.print_png(url)
    path = cache_file(tmp_path)
    path.write_bytes(damage(path.read_bytes()))
    qr.clear_memory_cache()
    qr.prepare([url])
    assert qr.print_png(url) == good
    assert qr.stats["made"] == 2
    qr.clear_memory_cache()
    qr.prepare([url])  # and the file was repaired
    assert qr.stats["made"] == 2


def test_unreadable_cache_file_is_made_again(tmp_path):
    url = qr.verification_url(SITE, "uji-2020-0001")
    good = qr.inline_png(url)
    qr.clear_memory_cache()
    path = cache_file(tmp_path)
    path.unlink()
    path.mkdir()  # a folder where the file should be: reading fails, writing too
    assert qr.inline_png(url) == good
    qr.prepare([url])


@pytest.mark.parametrize(
    "change",
    [
        lambda m: m.setattr(segno, "__version__", "99.0.0"),
        lambda m: m.setattr(qr_code, "MASK", 3),
        lambda m: m.setitem(qr_code.MAKE, "error", "h"),
    ],
)
def test_cache_holds_only_codes_made_with_the_parameters_in_force(change, monkeypatch):
    url = qr.verification_url(SITE, "uji-2020-0001")
    qr.prepare([url, qr.verification_url(SITE, "uji-2020-0002")])
    assert qr.stats == {"made": 2, "cached": 0}
    qr.clear_memory_cache()
    change(monkeypatch)
    qr.inline_png(url)
    assert qr.stats["made"] == 3


def test_two_processes_writing_the_cache_keep_both_codes(tmp_path):
    a, b = (qr.verification_url(SITE, f"uji-2020-{i:04d}") for i in (1, 2))
    qr.inline_png(a)  # process 1 made a, not yet saved
    other = qr._Cache(cache_file(tmp_path))  # process 2 makes b and saves first
    other.add(b, qr_code.make(b).record())
    other.save()
    qr.prepare([a])  # process 1 saves: merged, not overwritten
    assert set(qr._read_file(cache_file(tmp_path))) == {a, b}


def test_a_complete_prepare_drops_codes_no_longer_needed(tmp_path):
    old = qr.verification_url("https://lama.github.io/registri/", "uji-2020-0001")
    new = qr.verification_url(SITE, "uji-2020-0001")
    qr.prepare([old])
    qr.prepare([new], complete=True)  # e.g. site_url changed
    assert set(qr._read_file(cache_file(tmp_path))) == {new}


def test_many_missing_codes_are_made_over_all_cores(monkeypatch, tmp_path):
    urls = [qr.verification_url(SITE, f"uji-2020-{i:04d}") for i in range(1, 9)]
    monkeypatch.setattr(qr, "PARALLEL_MIN", 4)
    monkeypatch.setattr(qr, "_cores", lambda: 2)
    qr.prepare(urls)
    assert qr.stats["made"] == len(urls)
    records = qr._read_file(cache_file(tmp_path))
    assert all(records[u] == qr_code.make(u).record() for u in urls)  # as made in this process
    qr.clear_memory_cache()

    class NoPool:
        def __init__(self, *args, **kwargs):
            raise AssertionError("a process pool was started with a warm cache")

    monkeypatch.setattr(qr, "ProcessPoolExecutor", NoPool)
    qr.prepare(urls)
    assert qr.stats["made"] == len(urls)


def test_without_processes_the_codes_are_made_here(monkeypatch, tmp_path):
    urls = [qr.verification_url(SITE, f"uji-2020-{i:04d}") for i in range(1, 6)]
    monkeypatch.setattr(qr, "PARALLEL_MIN", 2)
    monkeypatch.setattr(qr, "_cores", lambda: 2)

    def no_pool(*args, **kwargs):
        raise OSError(38, "Function not implemented")  # e.g. no /dev/shm for semaphores

    monkeypatch.setattr(qr, "ProcessPoolExecutor", no_pool)
    qr.prepare(urls)
    assert qr.stats["made"] == len(urls)
    assert set(qr._read_file(cache_file(tmp_path))) == set(urls)


def test_unwritable_cache_costs_only_speed(monkeypatch, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv(qr.CACHE_ENV, str(blocker / "qr"))
    url = qr.verification_url(SITE, "uji-2020-0001")
    qr.prepare([url])
    assert qr.inline_svg(url).startswith("<svg")


def test_default_cache_is_dot_cache_qr_of_the_project(monkeypatch, tmp_path):
    monkeypatch.delenv(qr.CACHE_ENV)
    monkeypatch.chdir(tmp_path)
    assert qr.cache_dir() == tmp_path / ".cache" / "qr"
    qr.prepare([qr.verification_url(SITE, "uji-2020-0001")])
    assert (tmp_path / ".cache" / "qr" / qr.CACHE_FILE).is_file()


def test_unchanged_rebuild_runs_no_segno(registry, tmp_path, monkeypatch):
    first = qr_print.write_print_files(registry, SITE, tmp_path / "a")
    assert qr.stats["made"] == 4
    qr.clear_memory_cache()
    forbid_segno(monkeypatch)
    second = qr_print.write_print_files(registry, SITE, tmp_path / "b")
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes()


# ---------------------------------------------------------------------------------------------
# Label sheet


def test_label_sheet_has_one_label_per_certificate(registry, printed):
    sheet = (printed / qr_print.LABEL_SHEET).read_text(encoding="utf-8")
    soup = BeautifulSoup(sheet, "html.parser")
    labels = soup.select("article.label")
    certs = {c.id: (u, c) for u, c in registry.certificates()}
    assert sorted(lab["data-id"] for lab in labels) == sorted(certs)
    for lab in labels:
        umkm, cert = certs[lab["data-id"]]
        url = qr.verification_url(SITE, cert.id)
        assert lab.select_one(".nomor").get_text() == cert.nomor
        assert lab.select_one(".pemegang").get_text() == cert.pemegang
        assert lab.select_one(".usaha").get_text() == umkm.nama
        assert lab.select_one(".url").get_text() == url
        img = lab.select_one("img")
        assert img["src"] == f"{cert.id}.svg" and (printed / img["src"]).is_file()
    assert soup.html["lang"] == "id"


def test_label_sheet_shows_hostile_text_as_text(printed):
    html = (printed / qr_print.LABEL_SHEET).read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    holder = soup.select_one('article[data-id="uji-2019-kadaluwarsa"] .pemegang')
    assert holder.get_text() == HOSTILE and holder.find("script") is None
    assert not any("alert(1)" in s.get_text() for s in soup.find_all("script"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert soup.find("b") is None  # the business name "<b>Sejahtera</b>" is text too
    assert SECRET_NIK not in html and SECRET_NOTE not in html


def test_label_sheet_sets_invalid_certificates_apart(printed):
    sheet = (printed / qr_print.LABEL_SHEET).read_text(encoding="utf-8")
    soup = BeautifulSoup(sheet, "html.parser")
    valid = [a["data-id"] for a in soup.select("section.berlaku article.label")]
    other = {a["data-id"]: a for a in soup.select("section.lain article.label")}
    assert valid == ["uji-2020-0001", "uji-2020-0002"]
    assert set(other) == {"uji-2019-kadaluwarsa", "uji-2021-dicabut"}
    for cid, word in (("uji-2019-kadaluwarsa", "KEDALUWARSA"), ("uji-2021-dicabut", "DICABUT")):
        mark = other[cid].select_one(".status")
        assert mark.get_text(" ", strip=True) == f"{word} JANGAN DITEMPEL"
    assert all(a.select_one(".status") is None for a in soup.select("section.berlaku .label"))


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def test_label_sheet_prints_on_a4_without_splitting_labels(tmp_path, browser):
    # 13 valid + 2 invalid: 12 labels on page 1, 1 on page 2, the invalid ones on page 3.
    data = tmp_path / "umkm.yaml"
    data.write_text(registry_yaml(n_valid=13), encoding="utf-8")
    out = tmp_path / "qr-cetak"
    qr_print.write_print_files(load.load(data), SITE, out)
    page = browser.new_page(device_scale_factor=2)
    try:
        page.goto((out / qr_print.LABEL_SHEET).as_uri())
        page.wait_for_load_state("load")
        broken = page.evaluate("[...document.images].filter(i => !i.naturalWidth).length")
        assert broken == 0
        pdf = page.pdf(format="A4", prefer_css_page_size=True)
        page.emulate_media(media="print")
        shot = page.screenshot(full_page=True)
    finally:
        page.close()
    assert pdf_pages(pdf) == 3
    # Every label's code, as laid out on the sheet, reads back as its own URL.
    found = sorted(r.text for r in decode(Image.open(io.BytesIO(shot))))
    registry = load.load(data)
    assert found == sorted(qr.verification_url(SITE, c.id) for _, c in registry.certificates())


# ---------------------------------------------------------------------------------------------
# Command line


def write_mkdocs(tmp_path: Path, site_url: str | None) -> Path:
    path = tmp_path / "mkdocs.yml"
    text = "site_name: Registri Uji\n"
    if site_url is not None:
        text += f"site_url: {site_url}\n"
    path.write_text(text, encoding="utf-8")
    return path


def test_cli_writes_files_and_a_summary(data_file, tmp_path, capsys):
    cfg = write_mkdocs(tmp_path, "https://dinas.github.io/registri")
    out = tmp_path / "qr-cetak"
    rc = main(["qr", "--data", str(data_file), "--out", str(out), "--config", str(cfg)])
    stdout = capsys.readouterr().out
    assert rc == 0
    # by default only the BERLAKU certificates
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"{i}.{ext}" for i in ("uji-2020-0001", "uji-2020-0002") for ext in ("svg", "png")]
        + [qr_print.LABEL_SHEET]
    )
    assert len(stdout.strip().splitlines()) == 1 and "2 kode QR" in stdout
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".qr-cetak")] == []
    rc = main(["qr", "--data", str(data_file), "--out", str(out), "--config", str(cfg), "--semua"])
    stdout = capsys.readouterr().out
    assert rc == 0 and "4 kode QR" in stdout and "2 TIDAK BERLAKU" in stdout
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [
            f"{i}.{ext}"
            for i in ("uji-2020-0001", "uji-2020-0002", "uji-2019-kadaluwarsa", "uji-2021-dicabut")
            for ext in ("svg", "png")
        ]
        + [qr_print.LABEL_SHEET]
    )


@pytest.mark.parametrize("site_url", [None, "/registri/", '""'])
def test_cli_without_absolute_site_url_fails_cleanly(data_file, tmp_path, site_url):
    cfg = write_mkdocs(tmp_path, site_url)
    out = tmp_path / "qr-cetak"
    env = {**os.environ, "PYTHONPATH": str(ROOT), qr.CACHE_ENV: str(tmp_path / "cache")}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "qr",
            "--data",
            str(data_file),
            "--out",
            str(out),
            "--config",
            str(cfg),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert proc.returncode == 1
    assert "site_url" in proc.stderr and "mkdocs.yml" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert not out.exists()
    assert not any(p.name.startswith(".qr-cetak") for p in tmp_path.iterdir())


def test_cli_reports_data_problems_with_lines(tmp_path, capsys):
    data = tmp_path / "umkm.yaml"
    data.write_text(
        registry_yaml().replace("pembiayaan: mandiri", "pembiayaan: gratis", 1), encoding="utf-8"
    )
    cfg = write_mkdocs(tmp_path, SITE)
    out = tmp_path / "qr-cetak"
    rc = main(["qr", "--data", str(data), "--out", str(out), "--config", str(cfg)])
    assert rc == 1
    assert re.search(r"umkm\.yaml:\d+:\d+: .*pembiayaan", capsys.readouterr().out)
    assert not out.exists()


def test_cli_failure_leaves_the_previous_folder(data_file, tmp_path, monkeypatch, capsys):
    cfg = write_mkdocs(tmp_path, SITE)
    out = tmp_path / "qr-cetak"
    args = ["qr", "--data", str(data_file), "--out", str(out), "--config", str(cfg)]
    assert main(args) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    calls = []

    def failing_png(url):
        calls.append(url)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return b"PNG"

    monkeypatch.setattr(qr, "print_png", failing_png)
    assert main(args) == 1
    assert "tidak bisa ditulis" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert not any(p.name.startswith(".qr-cetak") for p in tmp_path.iterdir())


def test_cli_refuses_to_replace_a_foreign_folder(data_file, tmp_path, capsys):
    cfg = write_mkdocs(tmp_path, SITE)
    out = tmp_path / "dokumen"
    out.mkdir()
    (out / "catatan.txt").write_text("penting")
    rc = main(["qr", "--data", str(data_file), "--out", str(out), "--config", str(cfg)])
    assert rc == 1 and "--out" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["catatan.txt"]


@pytest.mark.parametrize("link", [False, True])
def test_cli_never_replaces_a_folder_of_the_admins_own_pictures(data_file, tmp_path, capsys, link):
    # Only .png/.svg files is not enough to be "ours": the admin's product photos and logo
    # (reached directly or through a symlink) must survive `qr --out` untouched.
    cfg = write_mkdocs(tmp_path, SITE)
    photos = tmp_path / "foto"
    photos.mkdir()
    (photos / "produk.png").write_bytes(b"foto produk")
    (photos / "logo.svg").write_text("<svg/>")
    out = photos
    if link:
        out = tmp_path / "tautan"
        out.symlink_to(photos, target_is_directory=True)
    rc = main(["qr", "--data", str(data_file), "--out", str(out), "--config", str(cfg)])
    err = capsys.readouterr().err
    assert rc == 1 and "--out" in err and "Traceback" not in err
    assert sorted(p.name for p in photos.iterdir()) == ["logo.svg", "produk.png"]
    assert (photos / "produk.png").read_bytes() == b"foto produk"


def test_cli_out_at_a_file_says_it_is_a_file(data_file, tmp_path, capsys):
    cfg = write_mkdocs(tmp_path, SITE)
    before = cfg.read_bytes()
    rc = main(["qr", "--data", str(data_file), "--out", str(cfg), "--config", str(cfg)])
    err = capsys.readouterr().err
    assert rc == 1 and "Traceback" not in err
    assert [line for line in err.splitlines() if "peringatan" not in line] == [
        f"{cfg}: ini berkas, bukan folder; berkas ini tidak diubah. Pilih folder untuk kode QR "
        "dengan --out, mis. --out qr-cetak"
    ]
    assert cfg.read_bytes() == before


def test_cli_keeps_a_picture_the_admin_added_to_an_earlier_print_folder(
    data_file, tmp_path, capsys
):
    # Codes always come as a pair (.svg and .png): a lone picture the admin dropped into the
    # print folder is theirs, so the folder is no longer replaced.
    cfg = write_mkdocs(tmp_path, SITE)
    out = tmp_path / "qr-cetak"
    args = ["qr", "--data", str(data_file), "--out", str(out), "--config", str(cfg)]
    assert main(args) == 0
    (out / "stempel-dinas.png").write_bytes(b"stempel")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    capsys.readouterr()
    assert main(args) == 1
    assert "--out" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
