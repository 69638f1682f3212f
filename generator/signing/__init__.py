"""Signing the registry (SPEC "Keys and signatures").

    keys.py         the private key from the environment, did:web, which listed key signs
                    this build (the Multikey encoding is data/multikey.py)
    contexts/       the JSON-LD contexts (local copies) and an offline document loader
    proof.py        eddsa-rdfc-2022 Data Integrity proofs (pyld RDFC-1.0 + Ed25519)
    credentials.py  the OpenBadgeCredential of a certificate, the status lists, did.json
    baking.py       the credential baked into a PNG and an SVG (Open Badges 3.0)
    cache.py        proofs cached by what determines them (a rebuild re-signs nothing)
    sums.py         api/SHA256SUMS and its detached JWS, over the finished site
    verify.py       `python -m generator verify`: everything above, checked
    site_source.py  where verify reads a site from: a folder, or a URL (bounded)
    newkey.py       `python -m generator kunci baru`

The site pipeline calls `signed_files` while generating docs/ and `finish_site` on the folder
the engine built, before it is swapped into place.

May import: data, sheets, site, publish.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from ..data import model, multikey
from ..publish import ledger
from . import baking, cache, credentials, keys, proof, sums
from .keys import Signer, SigningError, signer_for

__all__ = [
    "CREDENTIAL_DIR",
    "SigningError",
    "Signer",
    "signer_for",
    "signed_files",
    "place_credentials",
    "finish_site",
    "stats",
]

CREDENTIAL_DIR = credentials.CREDENTIAL_DIR
PUBLISHED = (".json", ".png", ".svg")  # a credential, and the same baked into two images

stats = {"signed": 0, "cached": 0}
"""Credentials signed anew and proofs taken from the cache by the last `signed_files`."""

_CHUNK = 512  # credentials collected before the cache misses among them are canonicalized
_PARALLEL_MIN = 64  # fewer misses than this are canonicalized in this process


def json_bytes(data) -> bytes:
    """Compact, like every JSON file of /api/ (pipe through jq to read it)."""
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def status_indices(registry: model.Registry, ledger_path: Path) -> dict[str, int]:
    """Permanent status-list index of every certificate, from the id ledger at `ledger_path`
    (ledger.path_for(data): next to the data file)."""
    try:
        recorded = ledger.read(ledger_path)
    except ledger.LedgerError as e:
        raise SigningError(str(e)) from None
    return ledger.status_indices(registry, recorded)


def signed_files(
    registry: model.Registry,
    built: datetime,
    signer: Signer,
    project_dir: Path,
    ledger_path: Path | None = None,
) -> Iterator[tuple[str, bytes]]:
    """did.json, every credential and both status lists, signed (paths relative to docs/).
    The proof cache lives under `project_dir`; the ledger at `ledger_path` (default: the
    project's data/id-terbit.txt)."""
    site_url, did = signer.site_url, signer.did
    indices = status_indices(registry, ledger_path or project_dir / ledger.LEDGER_PATH)
    yield credentials.DID_PATH, json_bytes(credentials.did_document(registry, did))

    size = credentials.list_size(max(indices.values(), default=0) + 1)
    for purpose, status in credentials.STATUS_OF_PURPOSE.items():
        bits = sorted(indices[c.id] for _, c in registry.certificates() if c.status == status)
        doc = credentials.status_list_credential(
            purpose, bits, size, did, site_url, built, registry.registri.masa_status_hari
        )
        options = proof.proof_options(doc, signer.verification_method, doc["validFrom"])
        doc["proof"] = proof.create(doc, options, signer.sign)
        yield credentials.status_list_path(purpose), json_bytes(doc)

    proofs = cache.ProofCache(cache.cache_dir(project_dir), signer)
    pool = None  # a ProcessPoolExecutor, made when a chunk has enough cache misses
    # (path, credential, options, its compact JSON without the proof, cache digest)
    pending: list[tuple[str, dict, dict, str, str]] = []

    def flush() -> Iterator[tuple[str, bytes]]:
        nonlocal pool
        misses = [p for p in pending if proofs.get(p[4]) is None]
        if len(misses) >= _PARALLEL_MIN and (os.cpu_count() or 1) > 1:
            if pool is None:
                from concurrent.futures import ProcessPoolExecutor

                pool = ProcessPoolExecutor(max_workers=os.cpu_count())
            hashes = list(pool.map(_hash_data, [(m[1], m[2]) for m in misses], chunksize=16))
        else:
            hashes = [_hash_data((m[1], m[2])) for m in misses]
        for m, data in zip(misses, hashes, strict=True):
            proofs.put(m[4], "z" + multikey.b58encode(signer.sign(data)))
        for path, _, options, body, digest in pending:
            # the proof is the last key: the signed file is the unsigned JSON plus the proof
            signed = {**options, "proofValue": proofs.get(digest)}
            data = (body[:-1] + ',"proof":' + _compact(signed) + "}\n").encode("utf-8")
            yield path, data
            # the same bytes baked into a PNG and an SVG (Open Badges 3.0 "Baked Badge")
            yield from baking.baked_files(site_url, _cert_id(path), data)
        pending.clear()

    try:
        for u, c in registry.certificates():
            doc = credentials.certificate_credential(registry, u, c, indices[c.id], did, site_url)
            created = signer.proof_created(c.tanggal_terbit, built)
            options = proof.proof_options(doc, signer.verification_method, created)
            body = _compact(doc)
            digest = proofs.digest(body, _compact(options))
            pending.append((credentials.credential_path(c.id), doc, options, body, digest))
            if len(pending) >= _CHUNK:
                yield from flush()
        yield from flush()
    finally:
        if pool is not None:
            pool.shutdown()
    stats["signed"], stats["cached"] = len(proofs.used) - _old_used(proofs), _old_used(proofs)
    proofs.save()


def _cert_id(path: str) -> str:
    return path.removeprefix(CREDENTIAL_DIR + "/").removesuffix(".json")


def _compact(data) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _old_used(proofs: cache.ProofCache) -> int:
    return sum(1 for d in proofs.used if d in proofs.old)


def _hash_data(job: tuple[dict, dict]) -> bytes:
    document, options = job
    return proof.hash_data(document, options)


def place_credentials(docs_dir: Path, site_dir: Path) -> int:
    """Link every credential of docs/ into the built site (a copy where a link cannot be
    made: another file system, Windows without the right). The engine leaves them out (the
    hook's on_files): linking 10^4 files costs a fraction of copying them through the engine.
    Safe to link: docs/ files are replaced by rename, never rewritten in place."""
    import shutil

    src = docs_dir / CREDENTIAL_DIR
    if not src.is_dir():
        return 0
    dst = site_dir / CREDENTIAL_DIR
    dst.mkdir(parents=True, exist_ok=True)
    n = 0
    with os.scandir(src) as it:
        for entry in it:
            if not entry.is_file(follow_symlinks=False) or not entry.name.endswith(PUBLISHED):
                continue
            target = dst / entry.name
            if os.path.lexists(target):
                target.unlink()
            try:
                os.link(entry.path, target)
            except OSError:
                shutil.copyfile(entry.path, target)
            n += 1
    return n


def finish_site(site_dir: Path, signer: Signer | None, digest=None) -> None:
    """Complete a built site before it is published: what did:web resolution needs beside
    /did.json (`.well-known/did.json` on a bare host), then api/SHA256SUMS over every file,
    and its JWS when the site is signed. `digest`: see sums.render."""
    if signer is not None:
        where = keys.did_document_path(signer.site_url)
        if where != credentials.DID_PATH:
            target = site_dir / where
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes((site_dir / credentials.DID_PATH).read_bytes())
    sums.write(site_dir, signer, digest=digest)
