"""The public key format of `registri.kunci`: a W3C Multikey, multibase base58btc (`z`) of the
multicodec header 0xed01 and the 32 bytes of an Ed25519 key (`z6Mk...`). The checker reads it
here (a listed key must be a real key) and the signing wing writes and verifies with it."""

from __future__ import annotations

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(_B58)}
ED25519_PUB = b"\xed\x01"  # multicodec ed25519-pub, varint


def b58encode(data: bytes) -> str:
    n = int.from_bytes(data, "big")
    out = []
    while n:
        n, r = divmod(n, 58)
        out.append(_B58[r])
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + "".join(reversed(out))


def b58decode(text: str) -> bytes:
    n = 0
    for c in text:
        if c not in _B58_INDEX:
            raise ValueError(f"karakter '{c}' bukan base58")
        n = n * 58 + _B58_INDEX[c]
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    zeros = len(text) - len(text.lstrip("1"))
    return b"\0" * zeros + body


def public_multibase(public: Ed25519PublicKey) -> str:
    return "z" + b58encode(ED25519_PUB + raw_public(public))


def decode_public(multibase: str) -> Ed25519PublicKey:
    """The key of a `z6Mk...` Multikey value; ValueError with a plain-words reason."""
    if not multibase.startswith("z"):
        raise ValueError("harus diawali 'z' (multibase base58btc)")
    raw = b58decode(multibase[1:])
    if len(raw) != 34 or not raw.startswith(ED25519_PUB):
        raise ValueError("bukan kunci publik Ed25519 (seharusnya diawali z6Mk, 48 karakter)")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def raw_public(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
