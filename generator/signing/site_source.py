"""Where `python -m generator verify` reads a site from: a built folder (only files inside it,
whatever SHA256SUMS names) or a published address over HTTP (only what SHA256SUMS lists). Both
answer the same questions: a file's bytes, its sha256, and (a folder only) every file present.
"""

from __future__ import annotations

from pathlib import Path

from . import sums


class VerifyError(Exception):
    """The site cannot be checked at all (not found, not a site); for the user."""


class FolderSource:
    def __init__(self, root: Path):
        if not root.is_dir():
            raise VerifyError(f"{root}: folder situs tidak ditemukan")
        self.root = root.resolve()
        self.name = str(root)

    def _inside(self, rel: str) -> Path | None:
        """The file `rel` names, if it is a file inside the site (no absolute path, no '..',
        no symlink leading out): a hostile SHA256SUMS or site never makes us read elsewhere."""
        target = (self.root / rel).resolve()
        if not target.is_relative_to(self.root) or not target.is_file():
            return None
        return target

    def read(self, rel: str) -> bytes | None:
        target = self._inside(rel)
        try:
            return None if target is None else target.read_bytes()
        except OSError:
            return None

    def all_files(self) -> list[str] | None:
        return sums.site_files(self.root)

    def sha256(self, rel: str) -> str | None:
        target = self._inside(rel)
        try:
            return None if target is None else sums.file_sha256(target)
        except OSError:
            return None

    def sha256_many(self, rels: list[str]) -> dict[str, str | None]:
        return {rel: self.sha256(rel) for rel in rels}


class UrlSource:
    """A published site, read over HTTP with the project's one bounded client (fetch.py).
    Every file listed in SHA256SUMS is downloaded and hashed as it comes (a web server lists
    nothing, so files the list does not name cannot be seen). All requests of one check share
    one byte budget; only SHA256SUMS and its parts may be large, a JSON document is read whole
    up to fetch.MAX_BYTES."""

    MAX_BYTES = 512 * 1024 * 1024  # SHA256SUMS of a national registry is tens of MB
    WORKERS = 8

    def __init__(self, base: str):
        from ..publish import fetch

        self.base = base if base.endswith("/") else base + "/"
        self.name = self.base
        self.arrived: dict[str, str] = {}  # file -> the URL it came from, after redirects
        self.budget = fetch.Budget()

    def read(self, rel: str) -> bytes | None:
        from ..publish import fetch

        big = rel == sums.SUMS_PATH or sums.is_part(rel)
        limit = self.MAX_BYTES if big else fetch.MAX_BYTES
        try:
            response = fetch.get(self.base + rel, max_bytes=limit, budget=self.budget)
        except fetch.FetchError as e:
            if e.status == 404:
                return None
            raise VerifyError(f"{self.base}{rel}: {e}") from None
        self.arrived[rel] = response.url
        return response.body

    def root_of(self, rel: str) -> str:
        """The site root `rel` was read from: the base URL, or where a redirect led."""
        url = self.arrived.get(rel, self.base + rel).split("?", 1)[0]
        return url[: -len(rel)] if url.endswith("/" + rel) else url.rsplit("/", 1)[0] + "/"

    def all_files(self) -> list[str] | None:
        return None

    def sha256(self, rel: str) -> str | None:
        from ..publish import fetch

        try:
            return fetch.sha256(self.base + rel, max_bytes=self.MAX_BYTES, budget=self.budget)
        except fetch.FetchError as e:
            if e.status == 404:
                return None
            raise VerifyError(f"{self.base}{rel}: {e}") from None

    def sha256_many(self, rels: list[str]) -> dict[str, str | None]:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(self.WORKERS) as pool:
            return dict(zip(rels, pool.map(self.sha256, rels), strict=True))


def source_for(target: str):
    if target.startswith(("http://", "https://")):
        return UrlSource(target)
    return FolderSource(Path(target))
