"""One member registry: fetched, verified, cached. The portal's only use of the HTTP client
(publish/fetch.py) and of the verifier (signing/verify.py, signing/sums.py), kept in this one
module so that changes to either meet the portal in one place.

What is fetched (nothing but what the portal shows or needs to check it):

    api/SHA256SUMS (+ its parts when the list is cut), api/SHA256SUMS.jws, did.json,
    api/registri.json, the parts it lists (api/registri/<kecamatan>.json), api/perubahan.json

How it is checked, as `verify` does: the JWS over SHA256SUMS with a key of the member's
did.json; the did:web of that document equal to the did:web of the member's address (and to
`did` when the portal names it); every fetched file's sha256 equal to its line in SHA256SUMS.
A member without SHA256SUMS.jws is *unsigned*: shown and marked, its hashes still checked
against its (unauthenticated) list.

Fetch only what changed: a file whose sha256 in the new SHA256SUMS equals that of the cached
copy is not fetched at all; the small files that are always asked for (the sums, the JWS,
did.json) go as conditional requests (ETag / If-Modified-Since).

The cache, `.cache/portal/<id>/`: the last good copy of each member (its files and
`meta.json`: when it was checked, its status, did, keys, the validators of each file). A new
copy replaces it only once verified; an unreachable member is built from it (its age shown);
a member whose data fails verification is left out, and its cached copy is kept as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..publish import fetch
from ..signing import credentials, sums
from ..signing import verify as site_verify
from .config import Member

CACHE_DIR = ".cache/portal"
WORKERS = 8  # members fetched at once (each one file at a time)
META = "meta.json"
REGISTRY_INDEX = "api/registri.json"
CHANGES = "api/perubahan.json"
ALWAYS = (sums.SUMS_PATH, sums.JWS_PATH, credentials.DID_PATH)

# statuses of a member (anggota.json `status`)
VERIFIED = "terverifikasi"
UNSIGNED = "tidak-bertanda-tangan"
FAILED = "gagal-verifikasi"  # left out
UNREACHABLE = "tidak-terjangkau"  # left out: no good copy either


@dataclass
class Outcome:
    """What the build learned of one member."""

    member: Member
    status: str
    checked: datetime | None = None  # when its data was last verified (the cached copy's)
    fresh: bool = True  # False: the copy is from the cache (the member was unreachable now)
    message: str = ""  # one line for the build's output (and the home page)
    did: str | None = None
    keys: list[dict[str, str]] = field(default_factory=list)  # [{"id", "publik"}]
    files: dict[str, bytes] = field(default_factory=dict)  # what the portal reads
    fetched: int = 0  # files downloaded (not from the cache) this build

    @property
    def usable(self) -> bool:
        return self.status in (VERIFIED, UNSIGNED)

    def json(self, rel: str) -> Any:
        return fetch.parse_json(self.files[rel])


class Unreachable(Exception):
    """The member could not be read now (network, server error): its cache may stand in."""


class Rejected(Exception):
    """The member's data fails verification: left out."""


class _Cache:
    def __init__(self, folder: Path):
        self.folder = folder
        try:
            self.meta = json.loads((folder / META).read_text(encoding="utf-8"))
            if not isinstance(self.meta, dict):
                raise ValueError
        except (OSError, ValueError):
            self.meta = {}
        self.validators: dict[str, dict] = self.meta.get("validator") or {}
        self.digests: dict[str, str] = self.meta.get("sha256") or {}

    def read(self, rel: str) -> bytes | None:
        try:
            return (self.folder / "files" / rel).read_bytes()
        except OSError:
            return None

    def read_checked(self, rel: str, digest: str) -> bytes | None:
        """The cached copy of `rel` when its bytes still have `digest`."""
        if self.digests.get(rel) != digest:
            return None
        data = self.read(rel)
        return data if data is not None and _sha(data) == digest else None


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class _Reader:
    """Reads a member's files: conditional requests, the cache for unchanged files."""

    def __init__(self, member: Member, cache: _Cache):
        self.m, self.cache = member, cache
        self.files: dict[str, bytes] = {}
        self.validators: dict[str, dict] = {}
        self.fetched = 0

    def get(self, rel: str, missing_ok: bool = False) -> bytes | None:
        """A file of the member (conditional request when the cache has it)."""
        v = self.cache.validators.get(rel) or {}
        cached = self.cache.read(rel) if v else None
        try:
            r = fetch.get_if_changed(
                self.m.url + rel,
                etag=v.get("etag") if cached is not None else None,
                last_modified=v.get("last-modified") if cached is not None else None,
            )
        except fetch.FetchError as e:
            if e.status == 404 and missing_ok:
                return None
            if e.status == 404:
                raise Rejected(f"{rel} tidak ada ({e})") from None
            raise Unreachable(f"{rel}: {e}") from None
        if r is None:  # 304: the cached copy is current
            data = cached
        else:
            data = r.body
            self.fetched += 1
            v = {k: r.headers[k] for k in ("etag", "last-modified") if k in r.headers}
        self.files[rel] = data
        self.validators[rel] = v
        return data

    def listed(self, rel: str, digest: str | None) -> bytes:
        """A file listed in SHA256SUMS: from the cache when its hash is unchanged, else
        fetched; its sha256 must be the listed one."""
        if digest is None:
            raise Rejected(f"{rel} tidak tercantum di {sums.SUMS_PATH}")
        data = self.cache.read_checked(rel, digest)
        if data is None:
            data = self.get(rel)
        if _sha(data) != digest:
            raise Rejected(f"{rel}: isi berubah, sha256 tidak cocok dengan {sums.SUMS_PATH}")
        self.files[rel] = data
        self.validators.setdefault(rel, self.cache.validators.get(rel) or {})
        return data


def _keys_of(did_doc: Any, member: Member) -> tuple[Any, list[dict[str, str]]]:
    """The verifier's view of the member's did.json (the keys it believes), after checking that
    the document is the did:web of the member's own address (and the portal's `did`)."""
    if not isinstance(did_doc, dict):
        raise Rejected(f"{credentials.DID_PATH} bukan dokumen DID")
    expected = member.expected_did
    if did_doc.get("id") != expected:
        raise Rejected(
            f"{credentials.DID_PATH}: did:web {did_doc.get('id')!r} bukan milik alamat anggota "
            f"({expected})"
        )
    trust = site_verify._Keys(did_doc, None)
    if not trust.methods:
        raise Rejected(f"{credentials.DID_PATH} tidak memuat kunci Multikey di assertionMethod")
    keys = [{"id": vm.split("#", 1)[-1], "publik": pk} for vm, pk in sorted(trust.methods.items())]
    return trust, keys


def _check(reader: _Reader) -> tuple[str, str | None, list[dict[str, str]]]:
    """Fetch and verify; (status, did, keys). Raises Unreachable or Rejected."""
    m = reader.m
    sums_raw = reader.get(sums.SUMS_PATH)
    jws = reader.get(sums.JWS_PATH, missing_ok=True)
    status, did, keys = UNSIGNED, None, []
    if jws is not None:
        did_raw = reader.get(credentials.DID_PATH)
        try:
            did_doc = fetch.parse_json(did_raw)
        except fetch.JsonError as e:
            raise Rejected(f"{credentials.DID_PATH}: {e}") from None
        trust, keys = _keys_of(did_doc, m)
        try:
            sums.check_jws(jws.decode("ascii", "replace"), sums_raw, trust.public)
        except ValueError as e:
            raise Rejected(f"{sums.JWS_PATH}: {e}") from None
        status, did = VERIFIED, trust.did
    try:
        listed = sums.parse(sums_raw)
        for part in [r for r in listed if sums.is_part(r)]:
            for rel, digest in sums.parse(reader.listed(part, listed[part])).items():
                listed.setdefault(rel, digest)
    except (ValueError, UnicodeDecodeError) as e:
        raise Rejected(f"{sums.SUMS_PATH}: {e}") from None
    try:
        index = fetch.parse_json(reader.listed(REGISTRY_INDEX, listed.get(REGISTRY_INDEX)))
        parts = [p["berkas"] for p in index["bagian"]]
    except (fetch.JsonError, TypeError, KeyError) as e:
        raise Rejected(f"{REGISTRY_INDEX} tidak terbaca ({e})") from None
    for rel in parts:
        if not isinstance(rel, str) or not sums.safe_name(rel) or not rel.startswith("api/"):
            raise Rejected(f"{REGISTRY_INDEX}: bagian {rel!r} di luar api/")
        reader.listed(rel, listed.get(rel))
    if CHANGES in listed:
        reader.listed(CHANGES, listed[CHANGES])
    return status, did, keys


def _save(folder: Path, reader: _Reader, outcome: Outcome) -> None:
    """Replace the member's cached copy by the verified one (a new folder, then renamed)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    new = folder.with_name(folder.name + ".baru")
    shutil.rmtree(new, ignore_errors=True)
    for rel, data in reader.files.items():
        target = new / "files" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    meta = {
        "diperiksa": outcome.checked.isoformat(timespec="seconds"),
        "status": outcome.status,
        "did": outcome.did,
        "kunci": outcome.keys,
        "sha256": {rel: _sha(data) for rel, data in reader.files.items()},
        "validator": reader.validators,
        "berkas": sorted(reader.files),
    }
    (new / META).write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    old = folder.with_name(folder.name + ".lama")
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        folder.rename(old)
    new.rename(folder)
    shutil.rmtree(old, ignore_errors=True)


def _from_cache(member: Member, cache: _Cache, why: str) -> Outcome:
    why = why.rstrip(".")
    meta = cache.meta
    status = meta.get("status")
    files = {}
    for rel in meta.get("berkas") or []:
        data = cache.read(rel)
        if data is None or _sha(data) != (cache.digests.get(rel) or ""):
            status = None  # a damaged cache is no good copy
            break
        files[rel] = data
    if status not in (VERIFIED, UNSIGNED) or REGISTRY_INDEX not in files:
        return Outcome(member, UNREACHABLE, message=f"tidak terjangkau: {why}; belum ada salinan")
    try:
        checked = datetime.fromisoformat(meta["diperiksa"])
    except (KeyError, TypeError, ValueError):
        return Outcome(member, UNREACHABLE, message=f"tidak terjangkau: {why}; salinan rusak")
    return Outcome(
        member,
        status,
        checked=checked,
        fresh=False,
        message=f"tidak terjangkau: {why}; dipakai salinan terakhir",
        did=meta.get("did"),
        keys=list(meta.get("kunci") or []),
        files=files,
    )


def refresh(member: Member, cache_root: Path, now: datetime) -> Outcome:
    """Fetch, verify and cache one member; never raises for the member's own faults."""
    folder = cache_root / member.id
    cache = _Cache(folder)
    reader = _Reader(member, cache)
    try:
        status, did, keys = _check(reader)
    except Unreachable as e:
        return _from_cache(member, cache, str(e))
    except Rejected as e:
        return Outcome(member, FAILED, message=f"ditinggalkan, gagal verifikasi: {e}")
    outcome = Outcome(member, status, now, True, "", did, keys, dict(reader.files), reader.fetched)
    outcome.message = (
        "terverifikasi" if status == VERIFIED else "tidak bertanda tangan (ditampilkan, ditandai)"
    ) + f"; {reader.fetched} berkas diunduh"
    try:
        _save(folder, reader, outcome)
    except OSError as e:
        outcome.message += f"; salinan tidak tersimpan ({e.strerror or e})"
    return outcome


def refresh_all(
    members: tuple[Member, ...], cache_root: Path, now: datetime | None = None
) -> list[Outcome]:
    """Every member, WORKERS at a time (threads: the work is waiting on the network); in the
    order of portal.yaml."""
    now = now or datetime.now(tz=UTC).replace(microsecond=0)
    workers = max(
        1, min(WORKERS, len(members), int(os.environ.get("REGISTRI_PORTAL_WORKERS", WORKERS)))
    )
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(lambda m: refresh(m, cache_root, now), members))
