"""Status history (SPEC "Status history"): the `riwayat` rules of `check`, the status on a date,
and the registry's feed of status events (Atom parsed as XML, JSON)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime

import pytest
from conftest import SAMPLE

from generator.api import feed
from generator.api import page as api_page
from generator.data import history, load, model

BUILT = datetime(2026, 11, 28, 7, 17, tzinfo=UTC)
EPOCH = str(int(BUILT.timestamp()))
SITE = "https://registri-umkm.probolinggokab.go.id/"

HEAD = """\
registri: {judul: Registri Uji, penerbit: Dinas Uji, wilayah: Kabupaten Uji, contoh: true}
sektor: {batik: Batik}
kecamatan: [Kraksaan]
lsp: {uji: {nama: LSP Uji}}
umkm:
  - id: batik-uji
    nama: Batik Uji
    pemilik: Siti
    sektor: batik
    kecamatan: Kraksaan
    sertifikat:
      - id: uji-2024-0001
        nomor: "UJI/2024/0001"
        pemegang: Siti
        skema: Pengelolaan Usaha Mikro
        lsp: uji
        tanggal_terbit: 2024-01-10
        berlaku_sampai: 2027-01-09
        pembiayaan: mandiri
"""


@pytest.fixture(autouse=True)
def build_date(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def problems(extra: str) -> list[load.Problem]:
    try:
        load.parse(HEAD + extra, "umkm.yaml")
    except load.DataError as e:
        return e.problems
    return []


def line_of(extra: str, needle: str) -> int:
    return next(i for i, ln in enumerate((HEAD + extra).splitlines(), 1) if needle in ln)


GOOD = """\
        status: dicabut
        alasan_status: Dokumen palsu
        tanggal_status: 2025-06-01
        riwayat:
          - tanggal: 2024-03-01
            status: dibekukan
            alasan: Pemeriksaan
          - tanggal: 2024-04-01
            status: aktif
"""


def test_valid_history_passes_and_is_kept_in_order():
    assert problems(GOOD) == []
    registry = load.parse(HEAD + GOOD)
    ((_, c),) = registry.certificates()
    assert c.riwayat == (
        model.StatusEvent(date(2024, 3, 1), "dibekukan", "Pemeriksaan"),
        model.StatusEvent(date(2024, 4, 1), "aktif", None),
    )


@pytest.mark.parametrize(
    "extra,needle,words",
    [
        (  # out of order
            """\
        riwayat:
          - {tanggal: 2024-06-01, status: dibekukan, alasan: a}
          - {tanggal: 2024-05-01, status: aktif}
          - {tanggal: 2024-07-01, status: dibekukan, alasan: b}
          - {tanggal: 2024-08-01, status: aktif}
""",
            "2024-05-01",
            "tidak urut",
        ),
        (  # in the future of the build date (2026-11-28)
            """\
        riwayat:
          - {tanggal: 2026-11-29, status: dibekukan, alasan: a}
          - {tanggal: 2026-11-30, status: aktif}
""",
            "2026-11-29",
            "masa depan",
        ),
        (  # after the current tanggal_status
            """\
        status: dibekukan
        alasan_status: x
        tanggal_status: 2025-01-01
        riwayat:
          - {tanggal: 2025-02-01, status: dibekukan, alasan: a}
""",
            "2025-02-01",
            "sesudah tanggal_status",
        ),
        (  # before the certificate was issued
            """\
        riwayat:
          - {tanggal: 2023-12-01, status: dibekukan, alasan: a}
          - {tanggal: 2024-02-01, status: aktif}
""",
            "2023-12-01",
            "lebih awal dari tanggal_terbit",
        ),
        (  # a suspension without its reason
            """\
        riwayat:
          - {tanggal: 2024-03-01, status: dibekukan}
          - {tanggal: 2024-04-01, status: aktif}
""",
            "2024-03-01",
            "alasan: wajib diisi",
        ),
        (  # aktif now, but the history ends suspended: when was it reinstated?
            """\
        riwayat:
          - {tanggal: 2024-03-01, status: dibekukan, alasan: a}
""",
            "2024-03-01",
            "tambahkan peristiwa status 'aktif'",
        ),
        (  # unknown status word, with a suggestion
            """\
        riwayat:
          - {tanggal: 2024-03-01, status: dibekuk, alasan: a}
""",
            "dibekuk",
            "mungkin maksud Anda dibekukan",
        ),
    ],
    ids=["order", "future", "after-status", "before-issue", "reason", "reinstated", "typo"],
)
def test_check_refuses(extra, needle, words):
    found = problems(extra)
    assert found, extra
    assert any(words in p.message and p.line == line_of(extra, needle) for p in found), found
    assert all("riwayat" in p.message for p in found)


def test_future_is_judged_on_the_build_date(monkeypatch):
    extra = """\
        riwayat:
          - {tanggal: 2026-11-29, status: dibekukan, alasan: a}
          - {tanggal: 2026-11-30, status: aktif}
"""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(datetime(2026, 12, 1, tzinfo=UTC).timestamp())))
    assert problems(extra) == []


# ---------------------------------------------------------------------------------------------
# Timeline and status on a date


def cert(**kw) -> model.Certificate:
    base = dict(
        id="uji-1",
        nomor="U/1",
        pemegang="Siti",
        skema="S",
        lsp="uji",
        tanggal_terbit=date(2024, 1, 10),
        pembiayaan="mandiri",
        berlaku_sampai=date(2027, 1, 9),
    )
    return model.Certificate(**{**base, **kw})


def test_status_on_a_date():
    c = cert(
        status="dicabut",
        alasan_status="x",
        tanggal_status=date(2025, 6, 1),
        riwayat=(
            model.StatusEvent(date(2024, 3, 1), "dibekukan", "a"),
            model.StatusEvent(date(2024, 4, 1), "aktif"),
        ),
    )
    on = {
        d: history.status_on(c, date.fromisoformat(d))
        for d in (
            "2024-01-09",
            "2024-01-10",
            "2024-02-29",
            "2024-03-01",
            "2024-03-31",
            "2024-04-01",
            "2025-05-31",
            "2025-06-01",
            "2027-01-10",
        )
    }
    assert on == {
        "2024-01-09": "belum-terbit",
        "2024-01-10": "berlaku",
        "2024-02-29": "berlaku",
        "2024-03-01": "dibekukan",
        "2024-03-31": "dibekukan",
        "2024-04-01": "berlaku",
        "2025-05-31": "berlaku",
        "2025-06-01": "dicabut",
        "2027-01-10": "dicabut",
    }
    plain = cert()
    assert history.status_on(plain, date(2027, 1, 9)) == "berlaku"
    assert history.status_on(plain, date(2027, 1, 10)) == "kedaluwarsa"


def test_events_oldest_first_with_expiry_only_when_it_happened_in_force():
    c = cert(
        riwayat=(
            model.StatusEvent(date(2024, 3, 1), "dibekukan", "a"),
            model.StatusEvent(date(2024, 4, 1), "aktif"),
        )
    )
    kinds = [(e.tanggal.isoformat(), e.jenis) for e in history.events(c, date(2027, 2, 1))]
    assert kinds == [
        ("2024-01-10", "terbit"),
        ("2024-03-01", "dibekukan"),
        ("2024-04-01", "aktif"),
        ("2027-01-10", "kedaluwarsa"),
    ]
    assert [e.jenis for e in history.events(c, date(2027, 1, 9))][-1] == "aktif"
    revoked = cert(status="dicabut", alasan_status="x", tanggal_status=date(2025, 6, 1))
    assert [e.jenis for e in history.events(revoked, date(2030, 1, 1))] == ["terbit", "dicabut"]


# ---------------------------------------------------------------------------------------------
# The feed: Atom (parsed as XML) and JSON


ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def sample_registry():
    import os

    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        return load.load(SAMPLE)
    finally:
        if old is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


def test_atom_feed_has_the_required_elements(sample_registry):
    root = ET.fromstring(feed.atom_bytes(sample_registry, BUILT, SITE))
    assert root.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{tag}") is not None, tag
    assert root.find(f"{ATOM}author/{ATOM}name").text == sample_registry.registri.penerbit
    self_link = root.find(f"{ATOM}link[@rel='self']")
    assert self_link.get("href") == f"{SITE}api/perubahan.xml"
    entries = root.findall(f"{ATOM}entry")
    assert 0 < len(entries) <= history.FEED_MAX
    ids = set()
    for e in entries:
        for tag in ("id", "title", "updated", "content", "category"):
            assert e.find(f"{ATOM}{tag}") is not None and (
                e.find(f"{ATOM}{tag}").text or e.find(f"{ATOM}{tag}").get("term")
            ), tag
        assert e.find(f"{ATOM}id").text.startswith("urn:uuid:")
        ids.add(e.find(f"{ATOM}id").text)
        link = e.find(f"{ATOM}link[@rel='alternate']")
        assert link.get("href").startswith(f"{SITE}verifikasi/")
        datetime.fromisoformat(e.find(f"{ATOM}updated").text)  # RFC 3339
    assert len(ids) == len(entries)
    updated = [e.find(f"{ATOM}updated").text for e in entries]
    assert updated == sorted(updated, reverse=True), "newest first"
    assert root.find(f"{ATOM}updated").text == updated[0]
    kinds = {e.find(f"{ATOM}category").get("term") for e in entries}
    assert {"terbit", "dibekukan", "dicabut", "aktif", "kedaluwarsa"} <= kinds


def test_json_feed_lists_the_same_events(sample_registry):
    data = json.loads(feed.json_bytes(sample_registry, BUILT, SITE))
    root = ET.fromstring(feed.atom_bytes(sample_registry, BUILT, SITE))
    rows = data["peristiwa"]
    assert [(r["tanggal"], r["jenis"]) for r in rows] == [
        (e.find(f"{ATOM}updated").text[:10], e.find(f"{ATOM}category").get("term"))
        for e in root.findall(f"{ATOM}entry")
    ]
    assert data["batas"] == history.FEED_MAX and data["tanggal_data"] == "2026-11-28"
    revoked = next(
        r for r in rows if r["sertifikat"] == "mwpm-2020-0016" and r["jenis"] == "dicabut"
    )
    assert revoked["tanggal"] == "2021-03-15" and revoked["status_tampil"] == "dicabut"
    assert revoked["url_verifikasi"] == f"{SITE}verifikasi/mwpm-2020-0016/"
    reinstated = [r for r in rows if r["jenis"] == "aktif"]
    assert {r["sertifikat"] for r in reinstated} >= {"mwpm-2023-0002", "ump-2024-0005"}


def test_feed_is_bounded_and_stable(sample_registry):
    rows = history.latest(sample_registry, BUILT.date(), limit=5)
    assert len(rows) == 5
    every = history.latest(sample_registry, BUILT.date(), limit=10_000)
    assert len(every) > history.FEED_MAX  # the sample has more events than one feed holds
    data = json.loads(feed.json_bytes(sample_registry, BUILT, SITE))
    assert len(data["peristiwa"]) == history.FEED_MAX
    # no build time in either file: the same data a day later (no new event) gives the same feed
    later = datetime(2026, 11, 28, 23, 0, tzinfo=UTC)
    assert feed.atom_bytes(sample_registry, later, SITE) == feed.atom_bytes(
        sample_registry, BUILT, SITE
    )


def test_feed_without_site_url_is_still_valid_atom(sample_registry):
    root = ET.fromstring(feed.atom_bytes(sample_registry, BUILT, None))
    assert root.find(f"{ATOM}id").text.startswith("urn:uuid:")
    for e in root.findall(f"{ATOM}entry"):
        assert e.find(f"{ATOM}link") is None and e.find(f"{ATOM}content").text


def test_feed_shows_hostile_text_as_text():
    from dataclasses import replace

    registry = load.parse(HEAD + GOOD)
    u = registry.umkm[0]
    c = replace(
        u.sertifikat[0],
        nomor="UJI/<b>1</b>&amp;",
        alasan_status="<script>alert(1)</script> \u0007 \ud800",
    )
    registry = replace(registry, umkm=(replace(u, sertifikat=(c,)),))
    raw = feed.atom_bytes(registry, BUILT, SITE)
    root = ET.fromstring(raw)  # well-formed XML: characters XML cannot carry are replaced
    assert b"<script>" not in raw and b"<b>" not in raw
    titles = [e.find(f"{ATOM}title").text for e in root.findall(f"{ATOM}entry")]
    assert any("UJI/<b>1</b>&amp;" in t for t in titles)
    contents = " ".join(e.find(f"{ATOM}content").text for e in root.findall(f"{ATOM}entry"))
    assert "<script>alert(1)</script> \ufffd \ufffd" in contents


def test_api_page_documents_the_feeds(sample_registry):
    page = api_page.index_page(sample_registry, BUILT, SITE)
    assert "api/perubahan.xml" in page and 'data-api-file="api/perubahan.json"' in page
    assert "## Perubahan status (Atom dan JSON)" in page
