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
from . import keys
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
        self.anchors: list[tuple[set[str], str]] = []  # (keys, where they were read)

    def public(self, vm_id: str):
        """The Ed25519 key of `vm_id` when it may be believed; ValueError saying why not."""
        publik = self.methods.get(vm_id)
        if publik is None:
            raise ValueError(f"kunci {vm_id} tidak ada di did.json (assertionMethod)")
        if self.pinned is not None and publik not in self.pinned:
            raise ValueError(f"kunci {vm_id} ({publik}) bukan kunci yang disematkan (--kunci)")
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
                      "kunci": [{"id": ..., "publik": "z6Mk..."}, ...], "diperiksa": ...}, ...]}

    Only `did` and `kunci[].publik` decide; a member listed twice gives the keys of both."""
    members = trust_list.get("anggota") if isinstance(trust_list, dict) else None
    if not isinstance(members, list):
        raise ValueError("bukan daftar anggota portal (kunci 'anggota' tidak ada)")
    found: set[str] | None = None
    for m in members:
        if not isinstance(m, dict) or m.get("did") != did:
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


def local_trust_list(where: str):
    """The parsed trust list of a portal given as a file or a built portal folder, read under
    the rule for files the user names; VerifyError "<where>: ..." when it cannot be."""
    from ..data import user_files
    from ..publish import fetch

    kind = user_files.Kind("daftar anggota portal", MAX_TRUST_LIST_BYTES)
    path = Path(where)
    try:
        if path.is_dir() and not path.is_symlink():
            path = path / TRUST_LIST_PATH
            if not path.exists():
                raise VerifyError(
                    f"{where}: bukan folder portal (tidak ada {TRUST_LIST_PATH} di dalamnya)"
                )
        raw = user_files.read_bytes(path, kind)
        return fetch.parse_json(raw)
    except user_files.UserFileError as e:
        raise VerifyError(f"{where}: daftar anggota portal tidak bisa dibaca: {e}") from None
    except fetch.JsonError as e:
        raise VerifyError(f"{where}: daftar anggota portal bukan JSON yang sah ({e})") from None
    except OSError:  # e.g. a name too long for the file system, before any file is opened
        raise VerifyError(f"{where}: daftar anggota portal tidak bisa dibuka") from None


def from_portal(where: str, did: str) -> set[str]:
    """The keys a portal's trust list (a URL, a portal's address, a file or a built portal
    folder) gives `did`; VerifyError when the list cannot be read or does not list it."""
    from ..publish import fetch

    try:
        if where.startswith(("http://", "https://")):
            url = where if where.endswith(".json") else where.rstrip("/") + "/" + TRUST_LIST_PATH
            data = fetch.get_json(url, max_bytes=MAX_TRUST_LIST_BYTES)
        else:
            data = local_trust_list(where)
        found = trust_list_keys(data, did)
    except (fetch.FetchError, fetch.JsonError, ValueError, OSError) as e:
        raise VerifyError(f"{where}: daftar anggota portal tidak bisa dibaca ({e})") from None
    if not found:
        raise VerifyError(
            f"{did} tidak terdaftar (atau tanpa kunci) di daftar anggota portal {where}: "
            "kunci situs ini tidak tertambat."
        )
    return found
