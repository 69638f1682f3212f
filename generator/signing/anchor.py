"""Where `verify` gets its trust in a site's keys (SPEC "Trust": a signature proves nothing
without its issuer).

A site's own did.json proves only that whoever made the site holds the key in it: a copy of
the registry signed with someone else's key and claiming the registry's did:web carries a
did.json of its own. So a key is believed only when it is anchored outside the site checked:

- read over HTTP from the very host (and path) the did:web names (`verify URL` fetches the
  site from there, and refuses a site whose did:web names another host);
- pinned by the user (`--kunci`, handled in verify.py);
- read from the did:web's own host by did:web resolution (`https://<host>[/<path>]/did.json`,
  `/.well-known/did.json` for a bare host), for a folder;
- listed for that issuer in a portal's trust list (`--portal`: its /api/anggota.json).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..data import multikey
from . import keys, sums
from .site_source import VerifyError

TRUST_LIST_PATH = "api/anggota.json"  # a portal's members, under the portal's address
MAX_TRUST_LIST_BYTES = 64 * 1024 * 1024


def did_to_site_url(did: str) -> str:
    """https URL of the folder a did:web lives in (the site root)."""
    parts = did.split(":")
    if len(parts) < 3 or parts[:2] != ["did", "web"] or not parts[2]:
        raise ValueError(f"'{did}' bukan did:web")
    host = unquote(parts[2])
    path = "/".join(parts[3:])
    return f"https://{host}/" + (f"{path}/" if path else "")


def site_root(url: str) -> str:
    """`url` as a site root: the host in lower case, the path ending in '/', no query."""
    parts = urlsplit(url)
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return f"{parts.scheme}://{parts.netloc.lower()}{path}"


def did_of_site(site_url: str) -> str:
    """The did:web a site published at `site_url` must claim (scheme, query and case of the
    host aside; a port is part of the host)."""
    return keys.did_web(site_root(site_url))


def roots_of(did: str) -> tuple[str, str]:
    """The roots a site of `did` may have been built for: did:web says host and path, not the
    scheme (a site built for http://127.0.0.1:PORT/ names its pages with http)."""
    https = did_to_site_url(did)
    return https, "http://" + https.removeprefix("https://")


def did_document_url(did: str) -> str:
    """Where did:web resolution reads the DID document (did:web method specification)."""
    site_url = did_to_site_url(did)
    return site_url + keys.did_document_path(site_url)


def document_methods(doc, did) -> dict[str, str]:
    """Verification method id -> Ed25519 key (publicKeyMultibase) of every Multikey a DID
    document of `did` lists under assertionMethod (the keys that may sign for it)."""
    if not isinstance(doc, dict) or not isinstance(did, str) or doc.get("id") != did:
        return {}
    listed = doc.get("assertionMethod")
    assertion = {x for x in listed if isinstance(x, str)} if isinstance(listed, list) else set()
    methods = doc.get("verificationMethod")
    return {
        vm["id"]: vm["publicKeyMultibase"]
        for vm in (methods if isinstance(methods, list) else [])
        if isinstance(vm, dict)
        and vm.get("type") == "Multikey"
        and vm.get("controller") == did
        and vm.get("id") in assertion
        and isinstance(vm.get("publicKeyMultibase"), str)
    }


class Keys:
    """The verification methods of a DID document that `verify` believes: the Multikey keys
    under its assertionMethod (`document_methods`), narrowed by the keys pinned with --kunci
    and by every anchor added to `anchors` (a key must be in each)."""

    def __init__(self, did_doc: dict, pinned: set[str] | None):
        """`pinned`: keys from --kunci (None: not given); `anchors` gets the others."""
        self.did = did_doc.get("id")
        self.methods = document_methods(did_doc, self.did)
        self.pinned = pinned
        self.pin_option = "--kunci"  # the option that pinned them, for the message
        self.anchors: list[tuple[set[str], str]] = []  # (keys, where they were read)

    def public(self, vm_id: str):
        """The Ed25519 key of `vm_id` when it may be believed; ValueError saying why not."""
        publik = self.methods.get(vm_id)
        if publik is None:
            raise ValueError(f"kunci {vm_id} tidak ada di did.json (assertionMethod)")
        if self.pinned is not None and publik not in self.pinned:
            raise ValueError(
                f"kunci {vm_id} ({publik}) bukan kunci yang disematkan ({self.pin_option})"
            )
        for found, where in self.anchors:
            if publik not in found:
                raise ValueError(f"kunci {vm_id} ({publik}) bukan kunci penerbit menurut {where}")
        return multikey.decode_public(publik)

    def listed(self) -> list[dict[str, str]]:
        """[{"id": <fragment>, "publik": z6Mk...}] of the methods, sorted (a trust list's form)."""
        return [
            {"id": vm.split("#", 1)[-1], "publik": pk} for vm, pk in sorted(self.methods.items())
        ]


def believed_keys(did_doc, pinned: set[str] | None = None) -> Keys:
    """The keys `verify` believes for this did.json (its own `id` as the DID): the one answer
    to that question for verify, the portal's members and a portal's signed trust list."""
    if not isinstance(did_doc, dict):
        did_doc = {}
    return Keys(did_doc, pinned)


def trust_list_keys(trust_list, did: str) -> set[str] | None:
    """The keys a portal's trust list (its /api/anggota.json) gives the issuer `did`; None when
    the issuer is not a member. The format, shared with the portal:

        {"anggota": [{"id": ..., "nama": ..., "url": ..., "host": ..., "did": "did:web:...",
                      "kunci": [{"id": ..., "publik": "z6Mk..."}, ...], "diperiksa": ...,
                      "status": "terverifikasi", ...}, ...]}

    Only `did`, `status` and `kunci[].publik` decide: a member counts only with `status`
    "terverifikasi" (the portal checked its signature) and `did` exactly the issuer's; a
    member listed twice gives the keys of both."""
    members = trust_list.get("anggota") if isinstance(trust_list, dict) else None
    if not isinstance(members, list):
        raise ValueError("bukan daftar anggota portal (kunci 'anggota' tidak ada)")
    found: set[str] | None = None
    for m in members:
        if not isinstance(m, dict) or m.get("did") != did or m.get("status") != BELIEVED:
            continue
        found = found or set()
        for k in m.get("kunci") or []:
            if isinstance(k, dict) and isinstance(k.get("publik"), str):
                found.add(k["publik"])
    return found


def from_host(did: str) -> set[str]:
    """The keys the did:web's own host publishes for it; VerifyError when they cannot be read."""
    from ..publish import fetch

    url = did_document_url(did)
    try:
        doc = fetch.get_json(url)
    except fetch.FetchError as e:
        raise VerifyError(
            f"Kunci situs ini tidak tertambat: did.json penerbitnya di {url} tidak bisa "
            f"diambil ({e}) Tanpa itu tanda tangan tidak membuktikan siapa penerbitnya; "
            "sematkan kuncinya dengan --kunci atau --portal."
        ) from None
    found = set(document_methods(doc, did).values())
    if not found:
        raise VerifyError(
            f"Kunci situs ini tidak tertambat: {url} bukan dokumen DID {did} yang memuat kunci; "
            "sematkan kuncinya dengan --kunci atau --portal."
        )
    return found


TRUST_LIST_JWS = TRUST_LIST_PATH + ".jws"  # its detached JWS, by the portal's key
BELIEVED = "terverifikasi"  # the only status of a member whose keys a trust list vouches for


def _read_local(path: Path, kind) -> bytes:
    from ..data import user_files

    return user_files.read_bytes(path, kind)


def local_trust_list(where: str) -> tuple[bytes, bytes | None, dict | None]:
    """(api/anggota.json, its JWS or None, the portal's did.json or None) of a portal given as
    a file (its `.jws` beside it) or a built portal folder, read under the rule for files the
    user names; VerifyError "<where>: ..." when the list cannot be read."""
    from ..data import user_files
    from ..publish import fetch

    kind = user_files.Kind("daftar anggota portal", MAX_TRUST_LIST_BYTES)
    small = user_files.Kind("berkas portal", 1024 * 1024)
    path = Path(where)
    try:
        folder = path.is_dir() and not path.is_symlink()
        if folder:
            path = path / TRUST_LIST_PATH
            if not path.exists():
                raise VerifyError(
                    f"{where}: bukan folder portal (tidak ada {TRUST_LIST_PATH} di dalamnya)"
                )
        raw = _read_local(path, kind)
        fetch.parse_json(raw)
        jws_path = path.with_name(path.name + ".jws")
        jws = _read_local(jws_path, small) if jws_path.exists() else None
        did_doc = None
        did_path = Path(where) / keys.did_document_path("https://portal/") if folder else None
        if did_path is not None and did_path.exists():
            did_doc = fetch.parse_json(_read_local(did_path, small))
    except user_files.UserFileError as e:
        raise VerifyError(f"{where}: daftar anggota portal tidak bisa dibaca: {e}") from None
    except fetch.JsonError as e:
        raise VerifyError(f"{where}: daftar anggota portal bukan JSON yang sah ({e})") from None
    except OSError:  # e.g. a name too long for the file system, before any file is opened
        raise VerifyError(f"{where}: daftar anggota portal tidak bisa dibuka") from None
    return raw, jws, did_doc


def _portal_urls(where: str) -> tuple[str, str]:
    """(the portal's root, the URL of its trust list) for a portal address or the address of
    its api/anggota.json."""
    if where.endswith(".json"):
        if not where.endswith("/" + TRUST_LIST_PATH):
            raise VerifyError(
                f"{where}: alamat --portal harus alamat portal atau alamat {TRUST_LIST_PATH}-nya "
                "(tanda tangannya dan did.json portal dicari dari sana)."
            )
        return site_root(where.removesuffix(TRUST_LIST_PATH)), where
    root = site_root(where)
    return root, root + TRUST_LIST_PATH


def remote_trust_list(where: str) -> tuple[bytes, bytes | None, dict | None, str]:
    """(api/anggota.json, its JWS or None, the portal's did.json or None, the did:web of the
    portal's address) read from the portal's own address (did:web resolution for did.json)."""
    from ..publish import fetch

    root, url = _portal_urls(where)

    def optional(u: str, limit: int) -> bytes | None:
        try:
            return fetch.get(u, max_bytes=limit).body
        except fetch.FetchError as e:
            if e.status == 404:
                return None
            raise

    raw = fetch.get(url, max_bytes=MAX_TRUST_LIST_BYTES).body
    jws = optional(url + ".jws", 64 * 1024)
    did_raw = optional(root + keys.did_document_path(root), 1024 * 1024)
    did_doc = fetch.parse_json(did_raw) if did_raw is not None else None
    return raw, jws, did_doc, did_of_site(root)


def check_trust_list_signature(
    raw: bytes, jws: bytes | None, did_doc, portal_did: str | None, pinned: set[str] | None
) -> str:
    """Whether the portal signed this trust list: the JWS over it by a key of the portal's own
    did.json (whose id must be `portal_did`, the did:web of the address it was read from, when
    known), that key among `pinned` when the portal's key is pinned (--kunci-portal). A portal
    that publishes keys (or whose key is pinned) must have signed it. A note for the report;
    VerifyError in one line otherwise."""
    if did_doc is not None and portal_did is not None:
        claimed = did_doc.get("id") if isinstance(did_doc, dict) else None
        if claimed != portal_did:
            raise VerifyError(
                f"did.json portal mengaku sebagai {str(claimed)[:200]}, tetapi dibaca dari "
                f"{portal_did}: daftar anggota ini tidak dipercaya (tiruan?)."
            )
    trust = believed_keys(did_doc, pinned) if did_doc is not None else None
    if trust is not None:
        trust.pin_option = "--kunci-portal"
    has_key = bool(trust and trust.methods) or pinned is not None
    if jws is None:
        if has_key:
            raise VerifyError(
                f"daftar anggota portal tidak bertanda tangan ({TRUST_LIST_JWS} tidak ada), "
                "padahal portal ini punya kunci: tidak dipercaya."
            )
        return (
            "Daftar anggota portal tidak bertanda tangan (portal tanpa kunci): dipercaya "
            "karena alamatnya saja."
        )
    if not has_key:  # a signed list without the portal's did.json: nothing to check it with
        raise VerifyError(
            f"daftar anggota portal bertanda tangan ({TRUST_LIST_JWS}), tetapi kunci portal tidak "
            "diketahui (did.json portal tidak ada atau tanpa kunci): sematkan kunci portal "
            "dengan --kunci-portal."
        )
    text = jws.decode("ascii", "replace")
    try:
        if trust is not None and trust.methods:
            kid = sums.check_jws(text, raw, trust.public)
        else:  # a bare file: one of the pinned keys must have signed it
            kid = _signed_by_one_of(text, raw, pinned or set())
    except ValueError as e:
        raise VerifyError(
            f"tanda tangan daftar anggota portal ({TRUST_LIST_JWS}) tidak sah: {e}. "
            "Daftar ini tidak dipercaya."
        ) from None
    return f"Daftar anggota portal ditandatangani kunci portal {kid}."


def _signed_by_one_of(jws: str, raw: bytes, pinned: set[str]) -> str:
    for publik in sorted(pinned):
        try:
            return sums.check_jws(jws, raw, lambda _kid, p=publik: multikey.decode_public(p))
        except ValueError:
            continue
    raise ValueError("tidak ditandatangani kunci portal yang disematkan (--kunci-portal)")


def from_portal(where: str, did: str, pinned: set[str] | None = None) -> tuple[set[str], str]:
    """(the keys a portal's trust list gives `did`, a note on the list's signature). The list
    is a URL (a portal's address, or its api/anggota.json), a file or a built portal folder;
    its signature is checked first (check_trust_list_signature, `pinned`: --kunci-portal).
    Only a member whose status is `terverifikasi` and whose did is exactly `did` counts.
    VerifyError when the list cannot be read or believed, or does not list the issuer."""
    from ..publish import fetch

    try:
        if where.startswith(("http://", "https://")):
            raw, jws, did_doc, portal_did = remote_trust_list(where)
        else:
            (raw, jws, did_doc), portal_did = local_trust_list(where), None
        note = check_trust_list_signature(raw, jws, did_doc, portal_did, pinned)
        found = trust_list_keys(fetch.parse_json(raw), did)
    except (fetch.FetchError, fetch.JsonError, ValueError, OSError) as e:
        raise VerifyError(f"{where}: daftar anggota portal tidak bisa dibaca ({e})") from None
    if not found:
        raise VerifyError(
            f"{did} tidak terdaftar (atau tanpa kunci, atau belum terverifikasi) di daftar "
            f"anggota portal {where}: kunci situs ini tidak tertambat."
        )
    return found, note
