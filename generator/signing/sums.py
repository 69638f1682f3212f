"""api/SHA256SUMS over every file of the finished site, and api/SHA256SUMS.jws: a JWS (RFC
7515, alg EdDSA) with detached payload, as Debian signs its Release file.

SHA256SUMS is in `sha256sum` format (`<hex>  <path>`, paths relative to the site root, sorted),
so `sha256sum -c SHA256SUMS` run in the site folder checks a downloaded copy. A site of more than
PART_LINES files (a national registry: 376,506 files, 38 MB of sums at 100,000 UMKM) gets its
list cut into parts `api/SHA256SUMS-1`, `-2`, ... of PART_LINES lines (~5 MB) each, and
SHA256SUMS then lists the parts with their hashes: no file a verifier must fetch whole is over
10 MB, the JWS still signs one small file, and `sha256sum -c` works at both levels. The JWS is
`<header>..<signature>` (RFC 7515 appendix F): put base64url(SHA256SUMS) between the dots to get
a compact JWS any JOSE library verifies; its header names the key (`kid`, a did:web URL).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

from . import keys

SUMS_PATH = "api/SHA256SUMS"
JWS_PATH = "api/SHA256SUMS.jws"
_CHUNK = 1 << 20
PART_LINES = 50_000  # lines of one part of the list (~5 MB)
_PART = re.compile(r"api/SHA256SUMS-[1-9][0-9]{0,5}")


def part_path(n: int) -> str:
    return f"api/SHA256SUMS-{n}"


def is_part(rel: str) -> bool:
    """Whether `rel` names a part of the list (listed, with its hash, in SHA256SUMS)."""
    return bool(_PART.fullmatch(rel))


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(_CHUNK):
            h.update(block)
    return h.hexdigest()


def site_files(site_dir: Path) -> list[str]:
    """Every file of the site (relative, '/'-separated, sorted) but the sums and their JWS."""
    out = []
    skip = len(os.path.join(site_dir, ""))
    for folder, dirs, files in os.walk(site_dir):
        dirs.sort()
        for name in files:
            rel = os.path.join(folder, name)[skip:].replace(os.sep, "/")
            if rel not in (SUMS_PATH, JWS_PATH):
                out.append(rel)
    return sorted(out)


def render(
    site_dir: Path, part_lines: int = PART_LINES, digest=None
) -> tuple[bytes, dict[str, bytes]]:
    """(SHA256SUMS, {part path: part}): the list whole while it has at most `part_lines`
    lines; otherwise parts of that many lines, and SHA256SUMS listing the parts. `digest(site,
    rel)` gives a file's sha256 (an incremental build's, publish/reuse.py: a linked file's
    previous hash); by default each file is read and hashed."""
    digest = digest or (lambda site, rel: file_sha256(site / rel))
    lines = []
    for rel in site_files(site_dir):
        if "\n" in rel or "\\" in rel:
            raise keys.SigningError(f"{rel!r}: nama berkas memuat baris baru atau '\\'")
        lines.append(f"{digest(site_dir, rel)}  {rel}\n")
    if len(lines) <= part_lines:
        return "".join(lines).encode("utf-8"), {}
    parts = {
        part_path(i // part_lines + 1): "".join(lines[i : i + part_lines]).encode("utf-8")
        for i in range(0, len(lines), part_lines)
    }
    top = "".join(f"{hashlib.sha256(b).hexdigest()}  {rel}\n" for rel, b in parts.items())
    return top.encode("utf-8"), parts


def parse(text: bytes) -> dict[str, str]:
    """path -> hex; ValueError naming the bad line."""
    out = {}
    for n, line in enumerate(text.decode("utf-8").splitlines(), start=1):
        digest, sep, rel = line.partition("  ")
        if not sep or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise ValueError(f"baris {n} bukan '<sha256>  <berkas>'")
        out[rel] = digest
    return out


def safe_name(rel: str) -> bool:
    """Whether a name listed in SHA256SUMS is a plain relative path inside the site (what
    `write` lists): never absolute, `..`, a URL, a backslash, or a query. A verifier reads no
    other name, from a folder or from a URL."""
    parts = rel.split("/")
    return (
        rel.isprintable()
        and not any(c in rel for c in "\\?#:")
        and all(p not in ("", ".", "..") for p in parts)
    )


def jws_header(signer: keys.Signer) -> dict:
    return {"alg": "EdDSA", "kid": signer.verification_method}


def detached_jws(payload: bytes, signer: keys.Signer) -> str:
    header = keys.b64url(json.dumps(jws_header(signer), separators=(",", ":")).encode())
    signature = signer.sign(f"{header}.{keys.b64url(payload)}".encode("ascii"))
    return f"{header}..{keys.b64url(signature)}"


def check_jws(jws: str, payload: bytes, public_for_kid) -> str:
    """Verify a detached JWS over `payload`; returns the kid. `public_for_kid(kid)` gives the
    key or raises ValueError. ValueError with a plain-words reason otherwise."""
    parts = jws.strip().split(".")
    if len(parts) != 3 or parts[1] != "":
        raise ValueError("bukan JWS terpisah (<header>..<tanda tangan>)")
    try:
        header = json.loads(keys.b64url_decode(parts[0]))
        signature = keys.b64url_decode(parts[2])
    except (ValueError, UnicodeDecodeError):
        raise ValueError("header atau tanda tangan JWS rusak") from None
    if not isinstance(header, dict) or header.get("alg") != "EdDSA":
        raise ValueError("alg JWS bukan EdDSA")
    if header.get("crit"):
        raise ValueError("JWS memuat 'crit' yang tidak dikenal")
    kid = header.get("kid")
    if not isinstance(kid, str):
        raise ValueError("JWS tidak menyebut kunci (kid)")
    public = public_for_kid(kid)
    signing_input = f"{parts[0]}.{keys.b64url(payload)}".encode("ascii")
    if not keys.verify(public, signature, signing_input):
        raise ValueError(f"tanda tangan JWS tidak cocok dengan isi SHA256SUMS (kunci {kid})")
    return kid


def write(
    site_dir: Path, signer: keys.Signer | None, part_lines: int = PART_LINES, digest=None
) -> None:
    api = site_dir / SUMS_PATH
    api.parent.mkdir(parents=True, exist_ok=True)
    for old in api.parent.glob("SHA256SUMS-*"):
        if is_part(old.relative_to(site_dir).as_posix()):
            old.unlink()
    payload, parts = render(site_dir, part_lines, digest)
    for rel, content in parts.items():
        (site_dir / rel).write_bytes(content)
    api.write_bytes(payload)
    jws = site_dir / JWS_PATH
    if signer is not None:
        jws.write_text(detached_jws(payload, signer), encoding="ascii")
    elif jws.exists():
        jws.unlink()
