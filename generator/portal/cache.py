"""The portal's cache of its members: `.cache/portal/<id>/`, the last good copy of each member.

    files/<path>   the member's files as fetched (api/SHA256SUMS, its JWS, did.json, ...)
    meta.json      when the copy was verified, and the sha256 and ETag/Last-Modified of each file

The cache is kept between runs (the workflow restores it), so it is read as untrusted as a
member's server: a file is used only when its bytes still have the sha256 meta.json gives
(`read_checked`), only names that are plain paths inside `files/` are read, and a copy that
stands in for an unreachable member is verified again from its own files (members.py), never
believed from meta.json. A new copy replaces the old one whole (a new folder, then renames);
a copy left aside by a build that stopped between the two renames is taken back.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from ..signing import sums

META = "meta.json"
MAX_META_BYTES = 64 * 1024 * 1024


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Damaged(Exception):
    """A cached file is missing or its bytes are not those recorded: the copy is no good."""


class MemberCache:
    def __init__(self, folder: Path):
        self.folder = folder
        self.damaged: list[str] = []  # files found changed or missing while reading
        old = _aside(folder, "lama")
        if not folder.exists() and old.is_dir():  # a build stopped between the two renames
            try:
                old.rename(folder)
            except OSError:
                pass
        self.meta = self._meta()
        self.validators = _dict(self.meta.get("validator"))
        self.digests = {
            k: v for k, v in _dict(self.meta.get("sha256")).items() if isinstance(v, str)
        }

    def _meta(self) -> dict:
        path = self.folder / META
        try:
            if path.is_symlink() or path.stat().st_size > MAX_META_BYTES:
                raise ValueError
            meta = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, RecursionError):
            self.damaged.append(META)
            return {}
        if not isinstance(meta, dict):
            self.damaged.append(META)
            return {}
        return meta

    @property
    def exists(self) -> bool:
        return bool(self.meta)

    def _path(self, rel: str) -> Path | None:
        if not isinstance(rel, str) or not sums.safe_name(rel):
            return None
        return self.folder / "files" / rel

    def read_checked(self, rel: str, digest: str | None = None) -> bytes | None:
        """The cached bytes of `rel` when they have `digest` (default: the sha256 meta.json
        records for it); None when there is no such copy. A copy whose bytes changed is
        noted in `damaged`."""
        recorded = self.digests.get(rel)
        if recorded is None or (digest is not None and digest != recorded):
            return None
        path = self._path(rel)
        try:
            if path is None or path.is_symlink():
                raise OSError
            data = path.read_bytes()
        except OSError:
            self.damaged.append(rel)
            return None
        if sha(data) != recorded:
            self.damaged.append(rel)
            return None
        return data


def _dict(v) -> dict:
    return v if isinstance(v, dict) else {}


def _aside(folder: Path, tag: str) -> Path:
    return folder.with_name(f"{folder.name}.{tag}")


def save(folder: Path, files: dict[str, bytes], validators: dict, meta: dict) -> None:
    """Replace the member's cached copy by `files` (verified) and `meta` (+ their sha256 and
    validators): written into a new folder, then swapped in by two renames."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    new = _aside(folder, "baru")
    shutil.rmtree(new, ignore_errors=True)
    for rel, data in files.items():
        if not sums.safe_name(rel):  # never written: members.py fetches only such names
            raise OSError(f"nama berkas tidak aman: {rel!r}")
        target = new / "files" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    meta = {
        **meta,
        "sha256": {rel: sha(data) for rel, data in files.items()},
        "validator": validators,
        "berkas": sorted(files),
    }
    (new / META).write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    old = _aside(folder, "lama")
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        folder.rename(old)
    new.rename(folder)
    shutil.rmtree(old, ignore_errors=True)
