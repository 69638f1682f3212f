"""The permanent-URL guard: no id that was ever published may disappear.

A printed QR code leads to /verifikasi/<id>/ and a shared link to /umkm/<id>/ for ever. Before
a deploy, `python -m generator check --previous <site_url>api/manifest.json` compares the ids
of the live site (exports.manifest_data, published as api/manifest.json) with the data.
"""

from __future__ import annotations

import http.client
import json
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from . import exports, model

TIMEOUT_SECONDS = 20
KINDS = ("sertifikat", "umkm")


class ManifestError(Exception):
    """The previous manifest cannot be read; the message is for the admin, in plain words."""


def _is_url(path_or_url: str) -> bool:
    return path_or_url.startswith(("http://", "https://"))


def _fetch(url: str) -> bytes | None:
    request = urllib.request.Request(
        url, headers={"Accept": "application/json", "User-Agent": "registri-umkm-check"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return response.read()
    except urllib.error.HTTPError as e:
        if e.code == 404:
            return None  # nothing published there yet: the first deploy
        raise ManifestError(
            f"server menjawab HTTP {e.code} ({e.reason}); manifest situs yang sudah terbit tidak "
            "bisa dibaca. Coba lagi nanti, atau periksa site_url di mkdocs.yml."
        ) from None
    except urllib.error.URLError as e:
        reason = e.reason
        if isinstance(reason, TimeoutError):
            raise ManifestError(
                f"tidak ada jawaban dalam {TIMEOUT_SECONDS} detik. Coba lagi nanti."
            ) from None
        raise ManifestError(
            f"situs tidak bisa dihubungi ({reason}). Periksa sambungan internet dan site_url "
            "di mkdocs.yml."
        ) from None
    except TimeoutError:
        raise ManifestError(
            f"tidak ada jawaban dalam {TIMEOUT_SECONDS} detik. Coba lagi nanti."
        ) from None
    except (OSError, ValueError, http.client.HTTPException) as e:
        raise ManifestError(f"manifest tidak bisa diambil ({e}).") from None


def _read_local(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise ManifestError("berkas manifest tidak ditemukan.") from None
    except IsADirectoryError:
        raise ManifestError("ini folder, bukan berkas manifest.") from None
    except OSError as e:
        raise ManifestError(f"berkas manifest tidak bisa dibaca ({e.strerror}).") from None


def _parse(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ManifestError(
            "isinya bukan manifest JSON yang sah (mungkin halaman lain, atau berkas rusak). "
            "Manifest yang benar adalah api/manifest.json dari situs yang sudah terbit."
        ) from None
    if not isinstance(data, dict):
        raise ManifestError("isinya bukan manifest: harus berupa objek JSON.")
    for kind in KINDS:
        ids = data.get(kind)
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise ManifestError(
                f"isinya bukan manifest: daftar '{kind}' (id yang sudah terbit) tidak ada "
                "atau tidak berupa daftar teks."
            )
    return data


def load_previous(path_or_url: str) -> dict | None:
    """The manifest of the published site: from a local file or an http(s) URL.

    None when the URL answers 404 (no site published there yet). Any other failure, and any
    content that is not a manifest, raises ManifestError."""
    path_or_url = str(path_or_url)
    if _is_url(path_or_url):
        raw = _fetch(path_or_url)
        if raw is None:
            return None
    else:
        raw = _read_local(path_or_url)
    return _parse(raw)


def missing_from(registry: model.Registry, previous: dict | None) -> list[tuple[str, str]]:
    """(kind, id) of every id in `previous` that `registry` no longer has."""
    if previous is None:
        return []
    now = exports.published_ids(registry)
    return [(kind, i) for kind in KINDS for i in sorted(set(previous[kind]) - set(now[kind]))]


def missing_ids(registry: model.Registry, path_or_url: str) -> list[tuple[str, str]]:
    """(kind, id) published before (per the manifest at `path_or_url`) but absent now;
    kind is "sertifikat" or "umkm". [] when nothing was published yet."""
    previous = load_previous(path_or_url)
    if previous is None:
        print(
            f"{path_or_url}: belum ada manifest (HTTP 404): dianggap situs belum pernah terbit.",
            file=sys.stderr,
        )
    return missing_from(registry, previous)


def describe_missing(datafile: str, missing: list[tuple[str, str]]) -> list[str]:
    """Plain Indonesian lines: which published ids are gone, and what to do instead."""
    lines = []
    for kind, i in missing:
        if kind == "sertifikat":
            lines.append(
                f"{datafile}: sertifikat '{i}' sudah pernah terbit tetapi tidak ada lagi di data. "
                f"Kode QR yang sudah tercetak mengarah ke verifikasi/{i}/, jadi sertifikat tidak "
                "pernah dihapus: kembalikan sertifikat ini dengan id yang sama, lalu tambahkan "
                "status: dicabut, alasan_status: <alasan> dan tanggal_status: <TAHUN-BULAN-HARI>."
            )
        else:
            lines.append(
                f"{datafile}: UMKM '{i}' sudah pernah terbit tetapi tidak ada lagi di data. "
                f"Alamat profilnya (umkm/{i}/) sudah dicetak atau dibagikan: kembalikan "
                "UMKM ini dengan id yang sama. Bila usahanya berhenti, biarkan profilnya tetap ada "
                "dan cabut sertifikatnya (status: dicabut)."
            )
    if missing:
        lines.append(
            f"{len(missing)} id yang sudah terbit hilang. Id tidak boleh diubah atau dihapus; "
            "bila id diganti, kembalikan id lama. Data lamanya ada di riwayat git "
            f"(git log -p -- {datafile}). Pemeriksaan ini gagal, dan situs tidak diterbitkan, "
            "sampai id itu kembali."
        )
    return lines
