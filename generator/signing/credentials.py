"""What the registry signs: one Open Badges 3.0 credential per certificate, the two status
lists, and the DID document of the issuer. Plain dicts; pure functions of the data, the key
list, site_url and the build time.

Paths (SPEC "Keys and signatures"): did.json, api/kredensial/<id>.json,
api/status/pencabutan.json (revocation), api/status/pembekuan.json (suspension).
"""

from __future__ import annotations

import base64
import gzip
from datetime import date, datetime, timedelta

from ..data import model
from . import contexts, keys

CREDENTIAL_DIR = "api/kredensial"
STATUS_DIR = "api/status"
DID_PATH = "did.json"
# statusPurpose -> file name (Indonesian, like every path of the site)
STATUS_LISTS = {"revocation": "pencabutan.json", "suspension": "pembekuan.json"}
STATUS_OF_PURPOSE = {"revocation": "dicabut", "suspension": "dibekukan"}
# W3C Bitstring Status List: at least 131,072 entries (16 KB), so that one bit does not
# single out a holder (herd privacy); it grows in steps of that size.
MIN_BITS = 131_072


def credential_path(cert_id: str) -> str:
    return f"{CREDENTIAL_DIR}/{cert_id}.json"


def status_list_path(purpose: str) -> str:
    return f"{STATUS_DIR}/{STATUS_LISTS[purpose]}"


def _day_start(d: date) -> str:
    return f"{d.isoformat()}T00:00:00Z"


def _day_end(d: date) -> str:
    return f"{d.isoformat()}T23:59:59Z"


def _stamp(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def issuer(registry: model.Registry, did: str, site_url: str) -> dict:
    info = registry.registri
    out = {"id": did, "type": ["Profile"], "name": info.penerbit, "url": site_url}
    if info.kontak.email:
        out["email"] = info.kontak.email
    if info.kontak.telepon:
        out["phone"] = info.kontak.telepon
    return out


def certificate_credential(
    registry: model.Registry,
    umkm: model.Umkm,
    c: model.Certificate,
    index: int,
    did: str,
    site_url: str,
) -> dict:
    """The unsigned OpenBadgeCredential of one certificate. It holds no status and no build
    time: its status lives in the status lists (bit `index`), so it stays the same bytes
    from day to day while the data does not change."""
    page = f"{site_url}verifikasi/{c.id}/"
    lsp = registry.lsp[c.lsp]
    body = lsp.nama + (f", {lsp.lembaga}" if lsp.lembaga else "")
    parts = [
        f"Lulus uji kompetensi skema {c.skema} yang diselenggarakan {body}"
        + (f" (lisensi {lsp.lisensi})" if lsp.lisensi else "")
        + (f" di {c.tuk}" if c.tuk else "")
        + (f" pada {c.tanggal_uji.isoformat()}" if c.tanggal_uji else "")
    ]
    if c.unit:
        parts.append("Unit kompetensi: " + "; ".join(c.unit))
    if c.asesor:
        parts.append("Asesor: " + ", ".join(c.asesor))
    narrative = " ".join(p if p.endswith(".") else p + "." for p in parts)
    achievement = {
        "id": f"{page}#pencapaian",
        "type": ["Achievement"],
        "achievementType": "Certificate",
        "name": c.skema,
        "description": f"Sertifikat kompetensi skema {c.skema} bagi pelaku UMKM, "
        f"diterbitkan melalui {registry.registri.penerbit}.",
        "criteria": {"narrative": narrative},
        "creator": {
            "id": f"{site_url}api/registri.json#lsp-{lsp.key}",
            "type": ["Profile"],
            "name": body,
        },
    }
    subject = {
        "type": ["AchievementSubject"],
        "name": c.pemegang,
        "identifier": [
            {
                "type": "IdentityObject",
                "identityType": "name",
                "hashed": False,
                "identityHash": c.pemegang,
            }
        ],
        "achievement": achievement,
    }
    credential = {
        "@context": [contexts.VC_V2, contexts.OB_V3],
        "id": page,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"Sertifikat Kompetensi {c.nomor}",
        "description": f"{c.skema} — {c.pemegang}, {umkm.nama} "
        f"(Kecamatan {umkm.kecamatan}, {registry.registri.wilayah}). Nomor sertifikat {c.nomor}.",
        "url": page,
        "issuer": issuer(registry, did, site_url),
        "validFrom": _day_start(c.tanggal_terbit),
    }
    if c.berlaku_sampai:
        credential["validUntil"] = _day_end(c.berlaku_sampai)
    credential["credentialSubject"] = subject
    credential["credentialStatus"] = [
        {
            "id": f"{site_url}{status_list_path(purpose)}#{index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": purpose,
            "statusListIndex": str(index),
            "statusListCredential": f"{site_url}{status_list_path(purpose)}",
        }
        for purpose in STATUS_LISTS
    ]
    return credential


def encode_bits(set_bits: list[int], size: int) -> str:
    """encodedList of a Bitstring Status List: multibase base64url (`u`, no padding) of the
    GZIP of the bitstring; index 0 is the left-most (most significant) bit of the first byte.
    gzip's header time is 0, so the same bits always give the same text."""
    data = bytearray(size // 8)
    for i in set_bits:
        data[i // 8] |= 0x80 >> (i % 8)
    packed = gzip.compress(bytes(data), compresslevel=9, mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).rstrip(b"=").decode("ascii")


def decode_bits(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise ValueError("encodedList bukan multibase base64url")
    return gzip.decompress(keys.b64url_decode(encoded[1:]))


def bit(bits: bytes, index: int) -> bool:
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def list_size(n_indices: int) -> int:
    return max(MIN_BITS, -(-n_indices // MIN_BITS) * MIN_BITS)


def status_list_credential(
    purpose: str,
    set_bits: list[int],
    size: int,
    did: str,
    site_url: str,
    built: datetime,
    days: int,
) -> dict:
    """The unsigned BitstringStatusListCredential of one purpose, valid from the build for
    `days` days (registri.masa_status_hari): the daily rebuild signs it anew, and a replayed
    old copy of the site is stale once its lists' validUntil has passed (SPEC "Trust")."""
    url = f"{site_url}{status_list_path(purpose)}"
    return {
        "@context": [contexts.VC_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": did,
        "validFrom": _stamp(built),
        "validUntil": _stamp(built + timedelta(days=days)),
        "credentialSubject": {
            "id": f"{url}#daftar",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": encode_bits(set_bits, size),
        },
    }


def did_document(registry: model.Registry, did: str) -> dict:
    """Every listed key, retired ones too, as a Multikey under assertionMethod: what a retired
    key signed keeps verifying."""
    methods = [
        {
            "id": f"{did}#{k.id}",
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": k.publik,
        }
        for k in registry.registri.kunci
    ]
    return {
        "@context": [contexts.DID_V1, contexts.MULTIKEY_V1],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [m["id"] for m in methods],
    }
