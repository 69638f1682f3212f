"""The published id manifests: what a site says it published, read back and compared.

Every build publishes `api/manifest.json` (`manifest_data`): every certificate and UMKM id of
the site. The permanent-URL guard (publish/guard.py) compares the data with the manifest of
the last local build (`site/api/manifest.json`) and, with `check --previous PATH_OR_URL`, with
the live site's. The id ledger (publish/ledger.py) is the guard that a wrong address cannot
switch off; these comparisons are extra nets.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from ..data import declarations, model, user_files
from . import fetch

# The version of every file under /api/ (generator/api reads it from here: publish is below api).
FORMAT_VERSION = 2  # 2: api/registri.json is an index of per-kecamatan parts; the build time
# moved out of every file into api/dibangun.json
KINDS = ("sertifikat", "umkm")
TIMEOUT_SECONDS = 30.0  # for the whole request, redirects and every byte included
MAX_BYTES = 64 * 1024 * 1024  # ~1.5 million ids
_SLUG = re.compile(declarations.SLUG_RE)


def published_ids(registry: model.Registry) -> dict[str, list[str]]:
    """{"sertifikat": [...], "umkm": [...]}: every published id, sorted."""
    return {
        "sertifikat": sorted(c.id for _, c in registry.certificates()),
        "umkm": sorted(u.id for u in registry.umkm),
    }


def manifest_data(registry: model.Registry, built: datetime) -> dict:
    """The content of api/manifest.json: what the permanent-URL guard compares against."""
    return {
        "versi_format": FORMAT_VERSION,
        "contoh": registry.registri.contoh,
        **published_ids(registry),
    }


class ManifestError(Exception):
    """The previous manifest cannot be read; the message is for the admin, in plain words."""


def _is_url(path_or_url: str) -> bool:
    return path_or_url.startswith(("http://", "https://"))


def _read_local(path: str) -> bytes:
    try:
        return user_files.read_bytes(path, user_files.MANIFEST)
    except user_files.UserFileError as e:
        if e.missing:
            raise ManifestError("berkas manifest tidak ditemukan.") from None
        raise ManifestError(f"{e}.") from None


def parse(raw: bytes) -> dict[str, Any]:
    """A manifest from bytes: JSON within limits, both id lists present, every id a valid slug
    (checked before anything prints one). ManifestError otherwise."""
    try:
        data = fetch.parse_json(raw)
    except fetch.JsonError as e:
        raise ManifestError(
            f"isinya bukan manifest JSON yang sah: {e} Manifest yang benar adalah "
            "api/manifest.json dari situs yang sudah terbit."
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
        for n, ident in enumerate(ids, start=1):
            if not _SLUG.fullmatch(ident):
                raise ManifestError(
                    f"isinya bukan manifest yang sah: id ke-{n} di daftar '{kind}' bukan id "
                    "(hanya huruf kecil, angka dan tanda -, 2-63 karakter)."
                )
    return data


_parse = parse  # the name older callers used


def load_previous(path_or_url: str) -> dict | None:
    """The manifest of a published site: from a local file or an http(s) URL.

    None when the URL answers 404 (no site there). Any other failure, and any content that is
    not a manifest, raises ManifestError."""
    path_or_url = str(path_or_url)
    if _is_url(path_or_url):
        try:
            raw = fetch.get(
                path_or_url,
                accept="application/json",
                max_bytes=MAX_BYTES,
                deadline=TIMEOUT_SECONDS,
            ).body
        except fetch.FetchError as e:
            if e.status == 404:
                return None
            raise ManifestError(
                f"manifest situs yang sudah terbit tidak bisa dibaca: {e}"
            ) from None
    else:
        raw = _read_local(path_or_url)
    return parse(raw)


def from_sample(previous: dict | None) -> bool:
    """True when the manifest is of a site built from sample data (`registri.contoh: true`)."""
    return bool(previous) and previous.get("contoh") is True


def missing_from(registry: model.Registry, previous: dict | None) -> list[tuple[str, str]]:
    """(kind, id) of every id in `previous` that `registry` no longer has."""
    if previous is None:
        return []
    now = published_ids(registry)
    return [(kind, i) for kind in KINDS for i in sorted(set(previous[kind]) - set(now[kind]))]


def missing_ids(registry: model.Registry, path_or_url: str) -> list[tuple[str, str]]:
    """(kind, id) published before (per the manifest at `path_or_url`) but absent now;
    kind is "sertifikat" or "umkm". [] when the URL answers 404."""
    return missing_from(registry, load_previous(path_or_url))


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
