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

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..data import diagnostics
from ..data import limits as data_limits
from ..publish import fetch, lock
from ..signing import anchor, credentials, sums
from . import cache as member_cache
from .cache import MemberCache
from .config import Member
from .limits import Limits

CACHE_DIR = ".cache/portal"
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
        """A member file parsed (depth and size limited), every string without the characters
        no registry may hold (bidi overrides, controls, invisible marks: data/limits.py)."""
        return _clean(fetch.parse_json(self.files[rel]))


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return data_limits.FORBIDDEN.sub("", value)
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    return value


class Unreachable(Exception):
    """The member could not be read now (network, server error, its limits): its cache may
    stand in."""


class Rejected(Exception):
    """The member's data fails verification: left out."""


class _Reader:
    """Reads a member's files over HTTP within its limits: conditional requests, the cache for
    unchanged files (re-hashed before use)."""

    def __init__(self, member: Member, cache: MemberCache, lim: Limits, budget: fetch.Budget):
        self.m, self.cache, self.lim, self.budget = member, cache, lim, budget
        self.end = time.monotonic() + lim.seconds
        self.files: dict[str, bytes] = {}
        self.validators: dict[str, dict] = {}
        self.fetched = 0

    def _request(self, rel: str, v: dict, max_bytes: int = fetch.MAX_BYTES):
        remaining = self.end - time.monotonic()
        if remaining <= 0:
            raise Unreachable(f"batas waktu {self.lim.seconds:g} detik per anggota habis ({rel})")
        try:
            return fetch.get_if_changed(
                self.m.url + rel,
                etag=v.get("etag"),
                last_modified=v.get("last-modified"),
                deadline=min(fetch.DEADLINE_SECONDS, remaining),
                max_bytes=max_bytes,
                budget=self.budget,
                same_origin=True,
            )
        except fetch.FetchError as e:
            if time.monotonic() >= self.end:
                raise Unreachable(
                    f"batas waktu {self.lim.seconds:g} detik per anggota habis ({rel})"
                ) from None
            if e.status == 404:
                raise
            raise Unreachable(f"{rel}: {e}") from None

    def get(
        self, rel: str, missing_ok: bool = False, max_bytes: int = fetch.MAX_BYTES
    ) -> bytes | None:
        """A file of the member (conditional request when the cache holds a good copy)."""
        v = _validators(self.cache.validators.get(rel))
        cached = self.cache.read_checked(rel) if v else None
        try:
            r = self._request(rel, v if cached is not None else {}, max_bytes)
        except fetch.FetchError as e:  # 404
            if missing_ok:
                return None
            raise Rejected(f"{rel} tidak ada ({e})") from None
        if r is None:  # 304: the cached copy (its hash checked above) is current
            data = cached
        else:
            data = r.body
            self.fetched += 1
            v = {k: r.headers[k] for k in ("etag", "last-modified") if k in r.headers}
        self.files[rel] = data
        self.validators[rel] = v or {}
        return data

    def listed(self, rel: str, digest: str | None, max_bytes: int = fetch.MAX_BYTES) -> bytes:
        """A file listed in SHA256SUMS: from the cache when its hash is unchanged, else
        fetched (at most `max_bytes`); its sha256 must be the listed one."""
        if digest is None:
            raise Rejected(f"{rel} tidak tercantum di {sums.SUMS_PATH}")
        data = self.cache.read_checked(rel, digest)
        if data is None:
            data = self.get(rel, max_bytes=max_bytes)
        if member_cache.sha(data) != digest:
            raise Rejected(f"{rel}: isi berubah, sha256 tidak cocok dengan {sums.SUMS_PATH}")
        self.files[rel] = data
        self.validators.setdefault(rel, _validators(self.cache.validators.get(rel)))
        return data


def _validators(v: Any) -> dict[str, str]:
    """The ETag / Last-Modified the cache recorded for a file, when they can be sent back as
    they are (meta.json is untrusted: a line break in one would be a header of its own)."""
    if not isinstance(v, dict):
        return {}
    return {
        k: x
        for k, x in v.items()
        if k in ("etag", "last-modified") and isinstance(x, str) and x.isprintable()
        and 0 < len(x) <= 200
    }  # fmt: skip


class _CacheReader:
    """The same reading over the cached copy alone (the member is unreachable): every file
    must still have the sha256 recorded for it, and the copy is verified again from them."""

    def __init__(self, member: Member, cache: MemberCache, lim: Limits):
        self.m, self.cache, self.lim = member, cache, lim
        self.files: dict[str, bytes] = {}

    def get(self, rel: str, missing_ok: bool = False) -> bytes | None:
        if rel not in self.cache.digests and missing_ok:
            return None
        data = self.cache.read_checked(rel)
        if data is None:
            raise member_cache.Damaged(rel)
        self.files[rel] = data
        return data

    def listed(self, rel: str, digest: str | None, max_bytes: int = 0) -> bytes:
        if digest is None or self.cache.digests.get(rel) != digest:
            raise member_cache.Damaged(rel)
        return self.get(rel)


def _keys_of(did_doc: Any, member: Member, lim: Limits) -> tuple[anchor.Keys, list[dict]]:
    """The keys verify believes for the member's did.json (anchor.believed_keys), after
    checking that the document is the did:web of the member's own address (and the portal's
    `did`)."""
    if not isinstance(did_doc, dict):
        raise Rejected(f"{credentials.DID_PATH} bukan dokumen DID")
    expected = member.expected_did
    if did_doc.get("id") != expected:
        raise Rejected(
            f"{credentials.DID_PATH}: did:web {str(did_doc.get('id'))[:200]!r} bukan milik "
            f"alamat anggota ({expected})"
        )
    trust = anchor.believed_keys(did_doc)
    if not trust.methods:
        raise Rejected(f"{credentials.DID_PATH} tidak memuat kunci Multikey di assertionMethod")
    if len(trust.methods) > lim.max_keys:
        raise Rejected(
            f"{credentials.DID_PATH} memuat {len(trust.methods)} kunci (batas {lim.max_keys})"
        )
    return trust, trust.listed()


def _unsigned_allowed(reader) -> None:
    """An unsigned site is shown (marked) only when nothing says the member signs: not when
    portal.yaml names its `did`, nor when its last good copy was signed (a signature that
    disappears is a downgrade, the mark of a takeover: left out until the admin removes the
    member's cached copy)."""
    if reader.m.did:
        raise Rejected(
            f"{sums.JWS_PATH} tidak ada, padahal portal.yaml menyebut did anggota ini "
            f"({reader.m.did}): situs bertanda tangan yang diharapkan"
        )
    if isinstance(reader, _Reader) and sums.JWS_PATH in reader.cache.digests:
        raise Rejected(
            f"{sums.JWS_PATH} hilang: salinan terakhir anggota ini bertanda tangan. Bila memang "
            f"disengaja, hapus {CACHE_DIR}/{reader.m.id}/"
        )


def _check(reader) -> tuple[str, str | None, list[dict[str, str]]]:
    """Fetch and verify; (status, did, keys). Raises Unreachable or Rejected (or
    cache.Damaged when reading the cache)."""
    m, lim = reader.m, reader.lim
    sums_raw = reader.get(sums.SUMS_PATH)
    jws = reader.get(sums.JWS_PATH, missing_ok=True)
    status, did, keys = UNSIGNED, None, []
    if jws is None:
        _unsigned_allowed(reader)
    else:
        did_raw = reader.get(credentials.DID_PATH)
        try:
            did_doc = fetch.parse_json(did_raw)
        except fetch.JsonError as e:
            raise Rejected(f"{credentials.DID_PATH}: {e}") from None
        trust, keys = _keys_of(did_doc, m, lim)
        try:
            sums.check_jws(jws.decode("ascii", "replace"), sums_raw, trust.public)
        except ValueError as e:
            raise Rejected(f"{sums.JWS_PATH}: {e}") from None
        status, did = VERIFIED, trust.did
    try:
        listed = sums.parse(sums_raw)
        parts = [r for r in listed if sums.is_part(r)]
        if len(parts) > lim.max_parts:
            raise ValueError(f"mencantumkan {len(parts)} bagian (batas {lim.max_parts})")
        for part in parts:
            for rel, digest in sums.parse(reader.listed(part, listed[part])).items():
                listed.setdefault(rel, digest)
    except (ValueError, UnicodeDecodeError) as e:
        raise Rejected(f"{sums.SUMS_PATH}: {e}") from None
    try:
        index = fetch.parse_json(reader.listed(REGISTRY_INDEX, listed.get(REGISTRY_INDEX)))
        parts = [(p["berkas"], _size(p)) for p in index["bagian"]]
    except (fetch.JsonError, TypeError, KeyError, AttributeError) as e:
        raise Rejected(f"{REGISTRY_INDEX} tidak terbaca ({type(e).__name__})") from None
    if len(parts) > lim.max_bagian:
        raise Rejected(f"{REGISTRY_INDEX}: {len(parts)} bagian (batas {lim.max_bagian})")
    if sum(size for _, size in parts) > lim.member_bytes:
        raise Rejected(f"{REGISTRY_INDEX}: ukuran bagian-bagiannya melebihi batas unduhan anggota")
    for rel, size in parts:
        if not isinstance(rel, str) or not sums.safe_name(rel) or not rel.startswith("api/"):
            raise Rejected(f"{REGISTRY_INDEX}: bagian {str(rel)[:200]!r} di luar api/")
        reader.listed(rel, listed.get(rel), size)
    if CHANGES in listed:
        reader.listed(CHANGES, listed[CHANGES])
    return status, did, keys


def _size(part: dict) -> int:
    """The size a part of registri.json announces (`ukuran`, bytes): the most that is read of
    it. Rejected for a size that is not a plain count up to one file's limit."""
    size = part.get("ukuran", fetch.MAX_BYTES)
    if type(size) is not int or not 0 <= size <= fetch.MAX_BYTES:
        raise Rejected(f"{REGISTRY_INDEX}: ukuran bagian {str(size)[:40]} tidak masuk akal")
    return size


def _from_cache(member: Member, cache: MemberCache, lim: Limits, now: datetime, why: str):
    """The cached copy, verified again from its own files, for an unreachable member."""
    why = why.rstrip(".")
    if not cache.exists and not cache.damaged:
        return Outcome(member, UNREACHABLE, message=f"tidak terjangkau: {why}; belum ada salinan")
    reader = _CacheReader(member, cache, lim)
    try:
        checked = datetime.fromisoformat(cache.meta["diperiksa"])
        if checked.tzinfo is None or checked > now:
            raise ValueError
        status, did, keys = _check(reader)
    except (KeyError, TypeError, ValueError, Rejected, member_cache.Damaged) as e:
        what = ", ".join(dict.fromkeys(cache.damaged)) or str(e)[:200] or "meta.json"
        return Outcome(
            member,
            UNREACHABLE,
            message=f"tidak terjangkau: {why}; salinan di cache rusak ({what}), tidak dipakai",
        )
    return Outcome(
        member,
        status,
        checked=checked,
        fresh=False,
        message=f"tidak terjangkau: {why}; dipakai salinan terakhir",
        did=did,
        keys=keys,
        files=dict(reader.files),
    )


def refresh(
    member: Member,
    cache_root: Path,
    now: datetime,
    lim: Limits | None = None,
    budget: fetch.Budget | None = None,
) -> Outcome:
    """Fetch, verify and cache one member within its limits; never raises for the member's own
    faults (nor for its cache's)."""
    lim = lim or Limits()
    try:
        outcome = _refresh(member, cache_root, now, lim, budget)
    except Exception as e:  # noqa: BLE001 - one member's unforeseen fault never stops the build
        why = f"ditinggalkan: galat tak terduga ({type(e).__name__})"
        outcome = Outcome(member, FAILED, message=why)
    # the message quotes what the member sent (a redirect's address, a name): one plain line
    outcome.message = diagnostics.cut(diagnostics.one_line(outcome.message), 500)
    return outcome


def _refresh(member, cache_root, now, lim, budget) -> Outcome:
    folder = cache_root / member.id
    cache = MemberCache(folder)
    mine = fetch.Budget(lim.member_bytes, parent=budget, what="anggota ini")
    reader = _Reader(member, cache, lim, mine)
    try:
        status, did, keys = _check(reader)
    except Unreachable as e:
        return _from_cache(member, cache, lim, now, str(e))
    except Rejected as e:
        return Outcome(member, FAILED, message=f"ditinggalkan, gagal verifikasi: {e}")
    outcome = Outcome(member, status, now, True, "", did, keys, dict(reader.files), reader.fetched)
    outcome.message = (
        "terverifikasi" if status == VERIFIED else "tidak bertanda tangan (ditampilkan, ditandai)"
    ) + f"; {reader.fetched} berkas diunduh"
    if cache.damaged:
        outcome.message += (
            f"; salinan di cache rusak ({', '.join(dict.fromkeys(cache.damaged))}), diunduh ulang"
        )
    meta = {
        "diperiksa": now.isoformat(timespec="seconds"),
        "status": status,
        "did": did,
        "kunci": keys,
    }
    try:
        member_cache.save(folder, reader.files, reader.validators, meta)
    except OSError as e:
        outcome.message += f"; salinan tidak tersimpan ({e.strerror or e})"
    return outcome


def refresh_all(
    members: tuple[Member, ...],
    cache_root: Path,
    now: datetime | None = None,
    lim: Limits | None = None,
) -> list[Outcome]:
    """Every member, `lim.workers` at a time (threads: the work is waiting on the network), in
    the order of portal.yaml; one byte budget for them all, one share of it and one deadline
    for each. The cache folder has a lock of its own (`<cache>/.cache/bangun.lock`, the build
    lock's kind): two builds, or a build and another use of the cache, never write it at once."""
    now = now or datetime.now(tz=UTC).replace(microsecond=0)
    lim = lim or Limits.from_env()
    budget = fetch.Budget(lim.build_bytes, what="pembangunan portal ini")
    workers = max(1, min(lim.workers, len(members)))
    Path(cache_root).mkdir(parents=True, exist_ok=True)
    with lock.project_lock(Path(cache_root), "memperbarui salinan anggota portal"):
        with ThreadPoolExecutor(workers) as pool:
            return list(pool.map(lambda m: refresh(m, cache_root, now, lim, budget), members))
