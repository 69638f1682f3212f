"""Generate only what changed (issue 22): each generated file of docs/ is keyed by the inputs it
shows, and a file whose key is the one recorded for the file now in docs/ is neither rendered
nor written again.

The manifest (`.docs-generated.json` next to docs/, not inside: never published) maps each
generated path to [key, sha256, inode, size, mtime_ns]: the key of the inputs it was rendered
from (None: rendered on every build), the sha256 of its bytes and the stat the file had when
the generator wrote it (always by rename: a rewrite is a new inode) or found it equal. An entry
is trusted only while the file still has exactly that stat, so a file edited or replaced by
anyone else, a missing, corrupt or foreign manifest only costs a render (a cold build at worst).

A key always holds `global_key`: the generator's code and templates, the versions of Python,
Jinja2, MarkupSafe and segno (they shape the bytes), everything of the registry
but its UMKM list (registry name, keys, masa_status_hari, sector labels, kecamatan, LSP), the
build date (a status that passes its end on the next day), site_url and the site's name. Pages
show the build date, never the build time (only api/dibangun.json does, which is rendered
every time); tests/test_engine.py checks that a rebuild the same day rewrites nothing else.

The engine's reuse (publish/reuse.py) reads `sha_of` to key a docs/ file without reading it.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from importlib import metadata
from pathlib import Path

VERSION = 1
KEEP = object()  # what a generator yields instead of a file's content: "unchanged, keep it"
_CODE = Path(__file__).resolve().parent.parent  # the generator package


def h(*parts: object) -> str:
    """sha256 over `parts`, each length-prefixed (no two lists of parts hash alike)."""
    d = hashlib.sha256()
    for p in parts:
        b = p if isinstance(p, bytes) else str(p).encode("utf-8", "surrogatepass")
        d.update(len(b).to_bytes(8, "little"))
        d.update(b)
    return d.hexdigest()


def tree_hash(root: Path) -> str:
    """Hash of every file under `root` (relative path and bytes), in a stable order."""
    d = hashlib.sha256()
    if not root.is_dir():
        return "-"
    for p in sorted(root.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts and not p.name.endswith(".pyc"):
            d.update(h(p.relative_to(root).as_posix(), p.read_bytes()).encode())
    return d.hexdigest()


_code_hash: tuple[tuple, str] | None = None


def code_hash() -> str:
    """tree_hash of the generator package, recomputed when any of its files' stat changes."""
    global _code_hash
    stats = []
    for folder, dirs, files in os.walk(_CODE):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            st = os.stat(os.path.join(folder, name))
            stats.append((folder, name, st.st_ino, st.st_size, st.st_mtime_ns))
    fingerprint = tuple(stats)
    if _code_hash is None or _code_hash[0] != fingerprint:
        _code_hash = (fingerprint, tree_hash(_CODE))
    return _code_hash[1]


# the packages whose code shapes a generated file's bytes (templates, escaping, QR drawing)
_PACKAGES = ("jinja2", "markupsafe", "segno")


def _versions() -> str:
    out = [sys.version]
    for name in _PACKAGES:
        try:
            out.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            out.append(f"{name}=-")
    return ";".join(out)


def global_key(registry, today, site_url, site_name) -> str:
    """What every generated file may show beside its own records (see the module's text)."""
    r = registry
    parts = (repr(r.registri), repr(r.sektor), repr(r.kecamatan), repr(r.lsp))
    return h(
        VERSION,
        code_hash(),
        _versions(),
        *parts,
        today.isoformat(),
        repr(site_url),
        repr(site_name),
    )


def write_manifest(path: Path, version: int, entries: dict) -> None:
    """{"versi": version, "berkas": entries} written aside and renamed over `path`: a killed
    build leaves the old manifest or the new one. On failure (a full disk) no manifest is
    left at all (the next build renders what it cannot trust) and the error is raised."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps({"versi": version, "berkas": entries}), encoding="utf-8")
        tmp.replace(path)
    except OSError:
        for p in (tmp, path):
            try:
                p.unlink()
            except OSError:
                pass
        raise


def read_manifest(path: Path, version: int, width: int) -> dict[str, list]:
    """The entries of a manifest `write_manifest` wrote, each a list of `width` values; {}
    when it is missing, unreadable or of another version (what it held is then not trusted)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("versi") != version or not isinstance(data.get("berkas"), dict):
            return {}
        return {
            k: v
            for k, v in data["berkas"].items()
            if isinstance(k, str) and isinstance(v, list) and len(v) == width
        }
    except (OSError, ValueError, AttributeError):
        return {}


def manifest_path(docs_dir: Path) -> Path:
    docs_dir = Path(docs_dir)
    return docs_dir.with_name(f".{docs_dir.name}-generated.json")


def file_stat(path: Path | str) -> list | None:
    """[inode, size, mtime_ns] of a regular file (not a link); None otherwise."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    if not (st.st_mode & 0o170000 == 0o100000):  # a regular file, not a link
        return None
    return [st.st_ino, st.st_size, st.st_mtime_ns]


class Memo:
    """One generation into `docs_dir`: which files are kept, which are rendered, and their
    hashes for the manifest. `enabled=False`: everything is rendered (the manifest is still
    written, for the engine's reuse and the next build)."""

    def __init__(self, docs_dir: Path, enabled: bool = True):
        self.docs_dir = Path(docs_dir)
        self._dir = str(self.docs_dir)
        self.old = self._read() if enabled else {}
        self.new: dict[str, list] = {}
        self.kept = self.rendered = 0

    def _read(self) -> dict[str, list]:
        return read_manifest(manifest_path(self.docs_dir), VERSION, 5)

    def keep(self, rel: str, key: str) -> bool:
        """True when the file now at docs/`rel` was rendered from inputs with this `key` and
        is untouched since: the caller yields KEEP instead of rendering it."""
        entry = self.old.get(rel)
        if entry is None or entry[0] != key or file_stat(os.path.join(self._dir, rel)) != entry[2:]:
            self.new[rel] = [key, None, None, None, None]
            self.rendered += 1
            return False
        self.new[rel] = entry
        self.kept += 1
        return True

    def same(self, rel: str, sha: str) -> bool:
        """Whether docs/`rel` holds the bytes of `sha`, from the manifest and the file's stat
        (no read): only for a file rendered on every build (no key) or whose key is the one
        recorded; a file whose key changed is read and compared."""
        entry = self.old.get(rel)
        if entry is None or entry[1] != sha or entry[0] != self.new.get(rel, [None])[0]:
            return False
        return file_stat(os.path.join(self._dir, rel)) == entry[2:]

    def record(self, rel: str, sha: str) -> None:
        """docs/`rel` now holds the bytes of `sha` (written by rename, or found equal)."""
        key = self.new.get(rel, [None])[0]
        st = file_stat(os.path.join(self._dir, rel))
        self.new[rel] = [key, sha, *st] if st else [None, None, None, None, None]

    def intact(self) -> bool:
        """Whether every file this generation wrote or kept in docs/ still has the stat
        recorded for it (nothing deleted, edited or replaced since)."""
        return all(
            file_stat(os.path.join(self._dir, rel)) == v[2:]
            for rel, v in self.new.items()
            if v[1] is not None
        )

    def save(self) -> None:
        """Write the manifest aside and rename it over the old one."""
        entries = {k: v for k, v in self.new.items() if v[1] is not None}
        write_manifest(manifest_path(self.docs_dir), VERSION, entries)

    def forget(self) -> None:
        """The generation failed half way: the next one renders everything."""
        try:
            manifest_path(self.docs_dir).unlink()
        except FileNotFoundError:
            pass


def sha_table(docs_dir: Path) -> dict[str, list]:
    """{rel: [sha, inode, size, mtime_ns]} of what the generator wrote into `docs_dir`, for
    `sha_of`."""
    return {k: v[1:] for k, v in Memo(docs_dir)._read().items() if v[1]}


def sha_of(table: dict[str, list], rel: str, path: str) -> str | None:
    """The sha256 of docs/`rel` (at `path`) from `sha_table`, when the file still has the
    recorded stat (the engine's reuse keys it without reading it); None otherwise."""
    entry = table.get(rel)
    if entry is None or file_stat(path) != entry[1:]:
        return None
    return entry[0]
