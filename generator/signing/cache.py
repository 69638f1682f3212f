"""Proof cache: canonicalizing a credential costs ~12 ms of CPU (pyld), 131,203 of them ~27
minutes, and a daily rebuild changes almost none. So each proofValue is kept under a hash of
everything that determines it (the unsigned credential, the proof options, the public key,
the contexts, pyld's version), as the QR cache keeps codes.

The cache never changes what a build publishes: a hit gives exactly the bytes signing would
(Ed25519 is deterministic and `created` comes from the data), and an entry that is missing,
damaged or forged is simply signed again. Entries carry an HMAC keyed by the private key, so
a cache restored from elsewhere (CI's actions/cache) cannot slip in a proof: without the key
no entry passes. One text file, rewritten (atomically) only when the set of entries changes,
keeping only the entries this build used.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

from . import contexts, keys

CACHE_FORMAT = 1
CACHE_ENV = "REGISTRI_PROOF_CACHE_DIR"
DEFAULT_DIR = ".cache/bukti"
FILE_NAME = f"bukti-v{CACHE_FORMAT}.txt"


def cache_dir(project_dir: Path) -> Path:
    chosen = os.environ.get(CACHE_ENV)
    return Path(chosen) if chosen else project_dir / DEFAULT_DIR


class ProofCache:
    def __init__(self, folder: Path, signer: keys.Signer):
        from importlib import metadata

        self.path = folder / FILE_NAME
        raw = signer.private.private_bytes_raw()
        self._mac_key = hashlib.sha256(b"registri-umkm proof cache\0" + raw).digest()
        self._salt = keys.canonical_json(
            {
                "format": CACHE_FORMAT,
                "contexts": contexts.bundle_digest(),
                "pyld": metadata.version("PyLD"),
                "key": signer.key.publik,
            }
        )
        self.old: dict[str, str] = {}
        self.used: dict[str, str] = {}
        try:
            text = self.path.read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError):
            text = ""
        for line in text.splitlines():
            parts = line.split(" ")
            if len(parts) == 3 and hmac.compare_digest(parts[2], self._mac(parts[0], parts[1])):
                self.old[parts[0]] = parts[1]

    def _mac(self, digest: str, value: str) -> str:
        msg = f"{digest} {value}".encode("ascii", "replace")
        return hmac.new(self._mac_key, msg, hashlib.sha256).hexdigest()[:32]

    def digest(self, document_json: str, options_json: str) -> str:
        """The key of a proof: the salt, the proof options and the unsigned credential (both
        as the exact JSON text the build publishes)."""
        h = hashlib.sha256(self._salt)
        h.update(b"\0" + options_json.encode() + b"\0" + document_json.encode())
        return h.hexdigest()

    def get(self, digest: str) -> str | None:
        value = self.old.get(digest) or self.used.get(digest)
        if value is not None:
            self.used[digest] = value
        return value

    def put(self, digest: str, value: str) -> None:
        self.used[digest] = value

    def save(self) -> None:
        """Write the entries of this build, when they differ from what was read."""
        if self.used.keys() == self.old.keys():
            return
        lines = "".join(f"{d} {v} {self._mac(d, v)}\n" for d, v in sorted(self.used.items()))
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
            tmp.write_text(lines, encoding="ascii")
            tmp.replace(self.path)
        except OSError:
            pass  # a cache that cannot be written only costs time on the next build
