"""The permanent-URL guard: an id published once may never disappear."""

from __future__ import annotations

import http.server
import json
import socket
import subprocess
import sys
import tempfile
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from generator.api import exports
from generator.data import load
from generator.publish import manifest

ROOT = Path(__file__).resolve().parent.parent

DATA = """
registri:
  judul: Registri Uji
  penerbit: Dinas Uji
  wilayah: Kabupaten Uji
sektor:
  batik: Batik
kecamatan: [Kraksaan]
lsp:
  uji:
    nama: LSP Uji
umkm:
  - id: batik-satu
    nama: Batik Satu
    pemilik: Siti
    sektor: batik
    kecamatan: Kraksaan
    sertifikat:
      - id: uji-2020-0001
        nomor: "U/2020/0001"
        pemegang: Siti
        skema: Pengelolaan Usaha Mikro
        lsp: uji
        tanggal_terbit: 2020-09-07
        pembiayaan: mandiri
"""


@pytest.fixture
def datafile(tmp_path) -> Path:
    path = tmp_path / "umkm.yaml"
    path.write_text(DATA, encoding="utf-8")
    return path


def _manifest(tmp_path: Path, sertifikat: list[str], umkm: list[str]) -> Path:
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps({"versi_format": 1, "sertifikat": sertifikat, "umkm": umkm}))
    return path


# A folder without mkdocs.yml: `check` then judges the data alone. In the project folder it
# would also judge the sample's site_url, which a real registry (no `contoh: true`) may not use.
NO_SITE = Path(tempfile.mkdtemp(prefix="registri-check-"))


def check(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "generator", "check", *args],
        cwd=NO_SITE,
        capture_output=True,
        text=True,
        timeout=60,
    )


# --- the comparison ------------------------------------------------------------------------


def test_the_published_manifest_reads_back_with_nothing_missing(datafile, tmp_path):
    registry = load.load(datafile)
    published = exports.api_files(registry, datetime(2024, 5, 1, tzinfo=UTC), None)
    path = tmp_path / "manifest.json"
    path.write_bytes(published["api/manifest.json"])
    assert manifest.load_previous(str(path))["sertifikat"] == ["uji-2020-0001"]
    assert manifest.missing_ids(registry, str(path)) == []


def test_missing_ids_are_named_with_what_to_do(datafile, tmp_path):
    registry = load.load(datafile)
    previous = _manifest(
        tmp_path, ["uji-2019-0099", "uji-2020-0001"], ["batik-satu", "tenun-hilang"]
    )
    missing = manifest.missing_ids(registry, str(previous))
    assert missing == [("sertifikat", "uji-2019-0099"), ("umkm", "tenun-hilang")]
    lines = manifest.describe_missing("data/umkm.yaml", missing)
    text = "\n".join(lines)
    cert_line = next(line for line in lines if "uji-2019-0099" in line)
    assert cert_line.startswith("data/umkm.yaml: ")
    for words in (
        "status: dicabut",
        "alasan_status",
        "tanggal_status",
        "verifikasi/uji-2019-0099/",
    ):
        assert words in cert_line
    umkm_line = next(line for line in lines if "tenun-hilang" in line)
    assert "umkm/tenun-hilang/" in umkm_line and "kembalikan" in umkm_line
    assert "batik-satu" not in text and "uji-2020-0001" not in text


def test_no_previous_manifest_means_nothing_missing(datafile):
    assert manifest.missing_from(load.load(datafile), None) == []
    assert manifest.describe_missing("data/umkm.yaml", []) == []


# --- the command line ------------------------------------------------------------------------


def test_check_fails_when_a_published_id_is_missing(datafile, tmp_path):
    previous = _manifest(tmp_path, ["uji-2019-0099", "uji-2020-0001"], ["batik-satu"])
    result = check("--data", str(datafile), "--previous", str(previous))
    assert result.returncode == 1
    assert "uji-2019-0099" in result.stdout and "status: dicabut" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_check_passes_when_only_new_ids_appear(datafile, tmp_path):
    previous = _manifest(tmp_path, [], ["batik-satu"])
    result = check("--data", str(datafile), "--previous", str(previous))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "data sah" in result.stdout


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"<!doctype html><title>Situs</title>",
        b'{"sertifikat": "x"}',
        b"[1, 2]",
        b"\xff\xfe\x00garbage",
    ],
)
def test_check_reports_a_broken_manifest_plainly(datafile, tmp_path, content):
    path = tmp_path / "manifest.json"
    path.write_bytes(content)
    with pytest.raises(manifest.ManifestError):
        manifest.load_previous(str(path))
    result = check("--data", str(datafile), "--previous", str(path))
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "manifest" in result.stdout


def test_check_reports_a_missing_manifest_file(datafile, tmp_path):
    result = check("--data", str(datafile), "--previous", str(tmp_path / "tidak-ada.json"))
    assert result.returncode == 1
    assert "tidak ditemukan" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


# --- over HTTP -------------------------------------------------------------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, bytes]] = {}

    def do_GET(self):  # noqa: N802 (http.server's naming)
        status, body = self.routes.get(self.path, (404, b"<h1>404</h1>"))
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    manifest_body = json.dumps({"versi_format": 1, "sertifikat": ["uji-2019-0099"], "umkm": []})
    _Handler.routes = {
        "/situs/api/manifest.json": (200, manifest_body.encode()),
        "/rusak/api/manifest.json": (200, b"<html>bukan json</html>"),
        "/galat/api/manifest.json": (500, b"oops"),
    }
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}/"
    srv.shutdown()
    srv.server_close()


def test_url_answering_404_means_no_site_yet(server, datafile):
    url = f"{server}belum-terbit/api/manifest.json"
    assert manifest.load_previous(url) is None
    assert manifest.missing_ids(load.load(datafile), url) == []
    result = check("--data", str(datafile), "--previous", url)
    assert result.returncode == 0, result.stdout + result.stderr


def test_url_with_a_manifest_is_compared(server, datafile):
    url = f"{server}situs/api/manifest.json"
    assert manifest.load_previous(url)["sertifikat"] == ["uji-2019-0099"]
    result = check("--data", str(datafile), "--previous", url)
    assert result.returncode == 1
    assert "uji-2019-0099" in result.stdout


@pytest.mark.parametrize("where", ["rusak", "galat"])
def test_url_with_garbage_or_server_error_is_a_clear_error(server, datafile, where):
    url = f"{server}{where}/api/manifest.json"
    with pytest.raises(manifest.ManifestError):
        manifest.load_previous(url)
    result = check("--data", str(datafile), "--previous", url)
    assert result.returncode == 1
    assert result.stdout.startswith(f"{url}: ")
    assert "Traceback" not in result.stdout + result.stderr


def test_unreachable_url_is_a_clear_error():
    with socket.socket() as s:  # a port that nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(manifest.ManifestError, match="menolak sambungan"):
        manifest.load_previous(f"http://127.0.0.1:{port}/api/manifest.json")
