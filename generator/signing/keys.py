"""Ed25519 keys: the private key file, did:web, and which listed key signs a build.

A public key is written as in a W3C Multikey (data/multikey.py: multibase base58btc of the
multicodec header 0xed01 and the 32 key bytes, e.g. `z6Mk...`). The private key file is PKCS#8
PEM (what OpenSSL and every crypto library read); the build also accepts a Multikey secret key
(`z3u2...`, multicodec 0x1300) as key text.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ..data import model, user_files
from ..data.multikey import b58decode, public_multibase, raw_public

KEY_FILE_ENV = "REGISTRI_KUNCI_FILE"
KEY_TEXT_ENV = "REGISTRI_KUNCI"

ED25519_PRIV = b"\x80\x26"  # multicodec ed25519-priv (0x1300), varint


class SigningError(Exception):
    """The build cannot sign as the data asks; the message is for the admin, in Indonesian."""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def fingerprint(public: Ed25519PublicKey) -> str:
    """SHA-256 of the 32 raw key bytes, hex in groups of four (to read out over the phone)."""
    h = hashlib.sha256(raw_public(public)).hexdigest()
    return " ".join(h[i : i + 4] for i in range(0, len(h), 4))


def public_jwk(public: Ed25519PublicKey) -> dict:
    return {"kty": "OKP", "crv": "Ed25519", "x": b64url(raw_public(public))}


def public_pem(public: Ed25519PublicKey) -> str:
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def private_pem(private: Ed25519PrivateKey) -> str:
    return private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def load_private(text: str, source: str) -> Ed25519PrivateKey:
    """The private key in `text` (PKCS#8 PEM, or a Multikey secret `z3u2...`)."""
    text = text.strip()
    if "-----BEGIN" in text:
        start = text.index("-----BEGIN")
        try:
            key = serialization.load_pem_private_key(text[start:].encode("ascii"), password=None)
        except (ValueError, TypeError, UnicodeEncodeError):
            raise SigningError(
                f"{source}: isi kunci privat rusak atau terlindung kata sandi. Salin lagi seluruh "
                "isi berkas kunci privat, termasuk baris -----BEGIN dan -----END."
            ) from None
        if not isinstance(key, Ed25519PrivateKey):
            raise SigningError(f"{source}: kunci privat bukan kunci Ed25519.")
        return key
    if text.startswith("z"):
        try:
            raw = b58decode(text[1:])
        except ValueError:
            raw = b""
        if len(raw) == 34 and raw.startswith(ED25519_PRIV):
            return Ed25519PrivateKey.from_private_bytes(raw[2:])
    raise SigningError(
        f"{source}: bukan kunci privat. Isinya harus seluruh berkas yang dibuat oleh "
        "'python -m generator kunci baru' (diawali -----BEGIN PRIVATE KEY-----)."
    )


def private_key_from_env(environ=os.environ) -> tuple[Ed25519PrivateKey, str] | None:
    """(key, where it came from) from REGISTRI_KUNCI_FILE or REGISTRI_KUNCI; None when neither
    is set (an empty value counts as not set: a missing GitHub secret is an empty string)."""
    path = environ.get(KEY_FILE_ENV, "").strip()
    if path:
        try:
            text = user_files.read_text(path, user_files.PRIVATE_KEY, encoding="utf-8")
        except user_files.UserFileError as e:
            if e.missing:
                raise SigningError(
                    f"{KEY_FILE_ENV}={path}: berkas kunci privat tidak ada."
                ) from None
            raise SigningError(f"{KEY_FILE_ENV}={path}: {e}.") from None
        except UnicodeDecodeError as e:
            raise SigningError(
                f"{KEY_FILE_ENV}={path}: berkas kunci privat tidak bisa dibaca ({e})."
            ) from None
        return load_private(text, f"{KEY_FILE_ENV}={path}"), path
    text = environ.get(KEY_TEXT_ENV, "")
    if text.strip():
        return load_private(text, KEY_TEXT_ENV), KEY_TEXT_ENV
    return None


def sign(private: Ed25519PrivateKey, data: bytes) -> bytes:
    return private.sign(data)


def verify(public: Ed25519PublicKey, signature: bytes, data: bytes) -> bool:
    try:
        public.verify(signature, data)
        return True
    except InvalidSignature:
        return False


# ---------------------------------------------------------------------------------------------
# did:web and the key that signs this build
# ---------------------------------------------------------------------------------------------


def did_web(site_url: str) -> str:
    """`did:web:<host>[:<path segments>]` of an absolute site_url (did:web method spec:
    a port's colon is written %3A; path segments are joined with ':')."""
    rest = site_url.split("://", 1)[1]
    host, _, path = rest.partition("/")
    segments = [s for s in path.split("/") if s]
    return ":".join(["did:web", host.lower().replace(":", "%3A"), *segments])


def did_document_path(site_url: str) -> str:
    """Where did:web resolution reads the document, relative to the site's root folder:
    `.well-known/did.json` for a bare host, `did.json` under the path otherwise."""
    rest = site_url.split("://", 1)[1]
    path = rest.partition("/")[2].strip("/")
    return "did.json" if path else ".well-known/did.json"


@dataclass(frozen=True)
class Signer:
    """The private key of this build, the listed key it matches, and the issuer's DID."""

    private: Ed25519PrivateKey
    key: model.SigningKey
    did: str
    site_url: str

    @property
    def verification_method(self) -> str:
        return f"{self.did}#{self.key.id}"

    def sign(self, data: bytes) -> bytes:
        return self.private.sign(data)

    def proof_created(self, issued: date, built: datetime) -> str:
        """`proof.created` of a credential: the later of the issue date and the key's first
        day, at 00:00 UTC, never after the build. A function of the data and the key only, so
        an unchanged credential keeps its bytes (and its cached proof) from day to day."""
        day = max(issued, self.key.berlaku_mulai)
        moment = min(datetime.combine(day, time(0), tzinfo=UTC), built)
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def active_on(key: model.SigningKey, day: date) -> bool:
    return key.berlaku_mulai <= day and (key.berlaku_sampai is None or day <= key.berlaku_sampai)


def signer_for(
    registry: model.Registry,
    built: datetime,
    site_url: str | None,
    environ=os.environ,
    preview: bool = False,
) -> Signer | None:
    """The signer of this build, or None for an unsigned site (no key listed; or a preview
    without the private key). SigningError when keys are listed and the build cannot sign."""
    listed = registry.registri.kunci
    if not listed:
        return None
    if not site_url:
        if preview:
            return None
        raise SigningError(
            "registri.kunci mendaftar kunci, tetapi mkdocs.yml belum mengisi site_url: "
            "tanda tangan memerlukan alamat situs (did:web). Isi site_url lalu bangun lagi."
        )
    found = private_key_from_env(environ)
    if found is None:
        if preview:
            return None
        ids = ", ".join(k.id for k in listed)
        raise SigningError(
            f"registri.kunci mendaftar kunci ({ids}), tetapi kunci privatnya tidak diberikan. "
            f"Situs tidak dibangun tanpa tanda tangan. Beri lokasi berkas kunci privat di "
            f"variabel lingkungan {KEY_FILE_ENV} (atau isinya di {KEY_TEXT_ENV}; di GitHub: "
            "secret REGISTRI_KUNCI). Lihat Panduan admin, bagian Tanda tangan digital."
        )
    private, source = found
    publik = public_multibase(private.public_key())
    match = next((k for k in listed if k.publik == publik), None)
    if match is None:
        raise SigningError(
            f"{source}: kunci privat ini (publik {publik}) tidak cocok dengan kunci mana pun di "
            "registri.kunci. Periksa bahwa secret/berkas berisi kunci yang benar."
        )
    today = built.date()
    if match.berlaku_sampai is not None and today > match.berlaku_sampai:
        raise SigningError(
            f"{source}: kunci '{match.id}' sudah pensiun (berlaku_sampai "
            f"{match.berlaku_sampai}). Tanda tangani dengan kunci yang masih berlaku."
        )
    if today < match.berlaku_mulai:
        raise SigningError(
            f"{source}: kunci '{match.id}' baru berlaku mulai {match.berlaku_mulai}; "
            f"tanggal pembangunan {today}."
        )
    return Signer(private, match, did_web(site_url), site_url)


def canonical_json(data) -> bytes:
    """Sorted keys, no spaces, UTF-8: the bytes whose hash names a cached proof."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
