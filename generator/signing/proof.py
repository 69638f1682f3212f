"""Data Integrity proofs, cryptosuite eddsa-rdfc-2022 (W3C Data Integrity EdDSA
Cryptosuites v1.0, section 3.3).

    hashData   = sha256(RDFC-1.0(proof options)) || sha256(RDFC-1.0(document without proof))
    proofValue = "z" + base58btc(Ed25519 signature over hashData)

RDF Dataset Canonicalization is pyld's URDNA2015 (RDFC-1.0 gives the same output), with our
offline context loader and a "safe mode" like the JavaScript libraries': a property or type
that the contexts do not define would be dropped silently from the signed statements, so it
is an error instead. tests/test_signing.py checks this module against the specification's
own test vectors (w3c/vc-di-eddsa TestVectors/eddsa-rdfc-2022).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from ..data import multikey
from . import contexts, keys

TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"


class ProofError(Exception):
    """The document cannot be canonicalized or its proof is malformed."""


def canonize(document: dict, loader: Callable = contexts.load) -> str:
    """RDFC-1.0 N-Quads of a JSON-LD document; ProofError on any undefined term."""
    from pyld import jsonld  # imported on first use: ~1 s, and most commands never sign

    dropped: list[str] = []

    def on_dropped(name):
        dropped.append(str(name))

    processor = jsonld.JsonLdProcessor(on_property_dropped=on_dropped)
    try:
        nquads = processor.normalize(
            document,
            {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": loader},
        )
    except contexts.UnknownContext as e:
        raise ProofError(f"konteks JSON-LD tidak dikenal: {e}") from None
    except jsonld.JsonLdError as e:
        cause = e
        while getattr(cause, "__cause__", None) is not None:
            if isinstance(cause.__cause__, contexts.UnknownContext):
                raise ProofError(f"konteks JSON-LD tidak dikenal: {cause.__cause__}") from None
            cause = cause.__cause__
        raise ProofError(f"JSON-LD tidak sah: {e}") from None
    if dropped:
        raise ProofError("istilah tidak didefinisikan konteks: " + ", ".join(sorted(dropped)))
    for line in nquads.splitlines():  # @type values the contexts do not define
        if " <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> " in line:
            obj = line.split(" <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> ", 1)[1]
            if not obj.startswith("<") or ":" not in obj:
                raise ProofError(f"jenis (type) tidak didefinisikan konteks: {obj}")
    return nquads


def proof_options(document: dict, verification_method: str, created: str) -> dict:
    """The proof configuration, without proofValue, in the order it is published."""
    return {
        "type": TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }


def hash_data(document: dict, options: dict, loader: Callable = contexts.load) -> bytes:
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    config = {**options, "@context": document["@context"]}
    config.pop("proofValue", None)
    return (
        hashlib.sha256(canonize(config, loader).encode("utf-8")).digest()
        + hashlib.sha256(canonize(unsecured, loader).encode("utf-8")).digest()
    )


def create(document: dict, options: dict, sign: Callable[[bytes], bytes], loader=contexts.load):
    """The proof (options + proofValue) for `document` (which has no proof)."""
    signature = sign(hash_data(document, options, loader))
    return {**options, "proofValue": "z" + multikey.b58encode(signature)}


def verify(document: dict, public, loader=contexts.load) -> None:
    """Check `document["proof"]` with `public` (an Ed25519 public key); ProofError otherwise."""
    proof = document.get("proof")
    if not isinstance(proof, dict):
        raise ProofError("tidak ada proof")
    if proof.get("type") != TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        raise ProofError(f"proof bukan {TYPE} {CRYPTOSUITE}")
    if proof.get("proofPurpose") != "assertionMethod":
        raise ProofError("proofPurpose bukan assertionMethod")
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value.startswith("z"):
        raise ProofError("proofValue bukan multibase base58btc")
    try:
        signature = multikey.b58decode(value[1:])
    except ValueError:
        raise ProofError("proofValue rusak") from None
    if len(signature) != 64:
        raise ProofError("proofValue bukan tanda tangan Ed25519")
    if not keys.verify(public, signature, hash_data(document, proof, loader)):
        raise ProofError("tanda tangan tidak cocok dengan isi (isi diubah, atau kunci lain)")
