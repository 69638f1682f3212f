"""The JSON records of /api/: model objects as public JSON values (one UMKM with its
certificates, one certificate file), the addresses they link to, the build stamp, and the
bytes of a JSON file. Only public fields are read: model fields marked `secret` are skipped,
and the registry's confidential records are never asked for.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from ..data import declarations, model
from ..data.config import SiteUrl
from ..data.declarations import RECORD, RECORDS, Field
from ..publish.manifest import FORMAT_VERSION

LICENCE = {"nama": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/deed.id"}


def _value(v: Any) -> Any:
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, tuple | list):
        return [_value(x) for x in v]
    return v


def public_fields(
    obj: Any, fields: tuple[Field, ...], skip: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The public fields of a model object, in declaration order (declarations.py is the source)."""
    out: dict[str, Any] = {}
    for f in fields:
        if f.secret or f.key in skip:
            continue
        v = getattr(obj, f.key)
        if f.kind == RECORD:
            out[f.key] = public_fields(v, f.fields)
        elif f.kind == RECORDS:
            out[f.key] = [public_fields(x, f.fields) for x in v]
        else:
            out[f.key] = _value(v)
    return out


def certificate_fields(c: model.Certificate) -> dict[str, Any]:
    return public_fields(c, declarations.CERTIFICATE)


def absolute_url(site_url: SiteUrl | None, path: str) -> str | None:
    return f"{site_url}{path}" if site_url else None


def verification_url(site_url: SiteUrl | None, cert_id: str) -> str | None:
    return absolute_url(site_url, f"verifikasi/{cert_id}/")


def profile_url(site_url: SiteUrl | None, umkm_id: str) -> str | None:
    return absolute_url(site_url, f"umkm/{umkm_id}/")


def build_stamp(built: datetime) -> dict[str, Any]:
    return {
        "versi_format": FORMAT_VERSION,
        "dibangun": built.isoformat(timespec="seconds"),
        "tanggal_data": built.date().isoformat(),
    }


def lsp_record(lsp: model.Lsp) -> dict[str, Any]:
    return {"kode": lsp.key, **public_fields(lsp, declarations.LSP)}


def umkm_nested_keys() -> tuple[str, ...]:
    """The UMKM keys that hold lists of records (its certificates): written apart."""
    return tuple(f.key for f in declarations.UMKM if f.kind == RECORDS)


def umkm_record(u: model.Umkm, today: date, site_url: SiteUrl | None) -> dict[str, Any]:
    """One UMKM of api/registri/<kecamatan>.json, with its certificates."""
    record: dict[str, Any] = {}
    for key, value in public_fields(u, declarations.UMKM, skip=umkm_nested_keys()).items():
        record[key] = value
        if key == "kecamatan":
            record["kecamatan_slug"] = u.kecamatan_slug
    record["url_profil"] = profile_url(site_url, u.id)
    record["sertifikat"] = [
        {
            **certificate_fields(c),
            "status_tampil": c.displayed_status(today),
            "url_verifikasi": verification_url(site_url, c.id),
        }
        for c in u.sertifikat
    ]
    return record


def certificate_data(
    registry: model.Registry,
    umkm: model.Umkm,
    c: model.Certificate,
    built: datetime,
    site_url: SiteUrl | None,
) -> dict:
    """The content of api/sertifikat/<id>.json."""
    status = c.displayed_status(built.date())
    label_id, label_en = model.STATUS_LABELS[status]
    info = registry.registri
    data = {"versi_format": FORMAT_VERSION, **certificate_fields(c)}
    data["lsp"] = lsp_record(registry.lsp[c.lsp])
    data["status_tampil"] = status
    data["status_label"] = {"id": label_id, "en": label_en}
    data["url_verifikasi"] = verification_url(site_url, c.id)
    data["umkm"] = {
        "id": umkm.id,
        "nama": umkm.nama,
        "sektor": umkm.sektor,
        "sektor_nama": registry.sektor[umkm.sektor],
        "kecamatan": umkm.kecamatan,
        "kecamatan_slug": umkm.kecamatan_slug,
        "url_profil": profile_url(site_url, umkm.id),
    }
    data["registri"] = {
        "judul": info.judul,
        "penerbit": info.penerbit,
        "wilayah": info.wilayah,
        "contoh": info.contoh,
    }
    return data


def json_bytes(data: Any) -> bytes:
    # Compact: a national registry publishes 100,000s of these (pretty-print with jq).
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
