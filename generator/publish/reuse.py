"""Incremental builds: the engine renders only the outputs whose inputs changed; every other
output of the previous site is hard-linked into the new folder (no copy, no render).

Content-addressed: every file the engine would write (a Markdown page's HTML, a copied file)
gets a key, a hash of everything its bytes depend on; the manifest of the previous build maps
each output path to its key and to the (inode, size, mtime) the output had when the manifest
was written. An output is reused only when its key is unchanged and the previous file is still
exactly the one described, so a manifest that is missing, unreadable, stale or edited, or a
site file edited by hand, only costs a render (a cold build at worst), never a wrong page.

What a key holds:
- a copied file: the sha256 of its source bytes (of a file the generator wrote and nobody
  touched since, from the generator's manifest, site/memo.py: keyed by its stat, not read);
- a page: its source bytes, its paths, and everything global that reaches every page's HTML
  (`global_key`: mkdocs.yml, the theme's custom_dir files, the hooks' and the generator's code,
  the engine's and the theme's versions, the build mode, the nav's titles, addresses and front
  matter); a page that goes through Python-Markdown (anything but a generated one-HTML-block
  page) also holds the list of every file of the site (its links are resolved against it).
A page of the nav differs from the others only by its own address (the active item) and its
neighbours in the nav (previous/next links): both in the nav's part of the key.

A reused output is a hard link shared with the previous site, which may be the one online:
nothing may write into it in place afterwards. The engine only writes outputs it renders
(fresh files: the links are made for outputs it skips); `check_untouched` verifies after the
build that every linked file is as it was linked.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from importlib import metadata
from pathlib import Path

from ..site.docs_files import GENERATED_DOCS
from ..site.memo import file_stat, sha_of, sha_table, write_manifest
from ..site.memo import h as _h
from ..site.memo import read_manifest as memo_manifest
from ..site.memo import tree_hash as _tree_hash

VERSION = 2  # of the manifest format and of the keying rules: change when either changes
# What the build writes into the site after the engine (the sitemaps and robots.txt, CNAME,
# SHA256SUMS, the search index, did.json on a bare host), in place when the file is there: a
# file of docs/ at one of these paths is never linked from the previous site (the write would
# change the previous site too), even when the build that recorded it wrote nothing over it.
WRITTEN_AFTER_ENGINE = ("CNAME", "robots.txt", "sitemap.xml", ".well-known/did.json")
WRITTEN_AFTER_ENGINE_PREFIXES = ("sitemap-", "pagefind/", "api/SHA256SUMS")
_PACKAGES = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "jinja2", "properdocs")


def manifest_path(site: Path) -> Path:
    """Where the manifest of the site folder `site` is kept: next to it, not inside (it is not
    published, and a cold and an incremental build give the same site, byte for byte)."""
    site = Path(site)
    return site.with_name(f".{site.name}-render.json")


def _versions() -> str:
    out = []
    for name in _PACKAGES:
        try:
            out.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            out.append(f"{name}=-")
    return ";".join(out)


def global_key(config, code_dirs: list[Path], mode: object) -> str:
    """What reaches every rendered page: mkdocs.yml (bytes and the settings hooks changed),
    the theme's custom_dir, the code (`code_dirs`, the hooks), package versions, `mode`."""
    cfg_file = Path(config.config_file_path)
    hooks = [cfg_file.parent / h for h in (config.get("hooks") or [])]
    parts: list[object] = [VERSION, _versions(), *_config_sources(cfg_file), mode]
    parts += [str(config.site_url), config.use_directory_urls]
    parts += [_tree_hash(Path(config.theme.custom_dir)) if config.theme.custom_dir else "-"]
    parts += [_tree_hash(d) for d in code_dirs]
    parts += [_h(Path(h).read_bytes()) if Path(h).is_file() else "-" for h in hooks]
    return _h(*parts)


_INHERIT = re.compile(rb"""(?m)^INHERIT:[ \t]*["']?([^"'#\r\n]+?)["']?[ \t]*(?:#.*)?$""")
_ENV = re.compile(rb"!ENV[ \t]*\[?[ \t]*['\"]?([A-Za-z_][A-Za-z0-9_]*)")


def _config_sources(cfg_file: Path) -> list[object]:
    """What the engine's settings are read from: mkdocs.yml's bytes, those of the files it
    INHERITs (MkDocs merges them, a chain), and the values of the environment variables that
    `!ENV` tags in them name."""
    out: list[object] = []
    seen: set[Path] = set()
    path: Path | None = cfg_file
    while path is not None and path not in seen and len(seen) < 20:
        seen.add(path)
        try:
            raw = path.read_bytes()
        except OSError:
            out.append(f"{path}: -")
            break
        out.append(raw)
        out += [f"{n.decode()}={os.environ.get(n.decode())}" for n in _ENV.findall(raw)]
        m = _INHERIT.search(raw)
        path = (path.parent / m.group(1).decode("utf-8", "replace")).resolve() if m else None
    return out


def read_manifest(site: Path | None) -> dict[str, list]:
    """{output path: [key, inode, size, mtime_ns]} of the previous build of `site`; {} when
    there is none or it cannot be trusted (the build is then cold)."""
    if site is None:
        return {}
    return memo_manifest(manifest_path(site), VERSION, 4)


class Reuse:
    """One incremental engine run: `plan` (called from the hook's on_nav) decides per output
    whether the engine renders it or it is linked from `previous`; `write_manifest` records
    the finished site."""

    def __init__(self, previous: Path | None, out: Path):
        self.previous = previous
        self.out = out
        self.old = read_manifest(previous) if previous is not None and previous.is_dir() else {}
        self.keys: dict[str, str] = {}  # output path -> key, of this build
        self.linked: dict[str, list] = {}  # output path -> stat when linked
        self.rendered: list[str] = []
        self.after_engine: dict[str, list | None] | None = None
        self._folders: set[str] = set()  # folders of `out` made for links

    def plan(self, nav, config, files, code_dirs: list[Path], mode: object) -> None:
        from mkdocs.utils.meta import YAML_RE, get_data

        from ..site.docs_files import raw_html_page

        g = global_key(config, code_dirs, mode)
        shas = sha_table(Path(config.docs_dir))
        nav_fp = _h(*_nav_parts(nav.items, get_data))
        all_files = _h(*sorted(f.src_uri for f in files))
        # what the engine writes over a copied file after copying it (theme templates)
        rewritten = {*config.theme.static_templates, *(config.get("extra_templates") or [])}
        for f in files:
            if not f.inclusion.is_included() or f.dest_uri in rewritten:
                continue
            if f.is_documentation_page():
                source = f.content_bytes
                text = source.decode("utf-8", "replace")
                m = YAML_RE.match(text)
                body = text[m.end() :] if m else text
                raw = raw_html_page(f.src_uri, body) is not None
                key = _h(
                    "page", g, nav_fp, f.src_uri, f.dest_uri, f.url, source,
                    "" if raw else all_files,
                )  # fmt: skip
            else:
                key = _h("file", f.src_uri, f.dest_uri, _sha(shas, f))
            self.keys[f.dest_uri] = key
            reuse = self._link(f.dest_uri, key)
            f.is_modified = (lambda r: lambda: not r)(reuse)  # the engine's --dirty test
            if not reuse:
                self.rendered.append(f.dest_uri)

    def _link(self, dest: str, key: str) -> bool:
        entry = self.old.get(dest)
        if entry is None or entry[0] != key or self.previous is None:
            return False
        if dest in WRITTEN_AFTER_ENGINE or dest.startswith(WRITTEN_AFTER_ENGINE_PREFIXES):
            return False
        src = os.path.join(self.previous, dest)
        st = file_stat(src)
        if st is None or st != entry[1:] or not fresh_mode(src):
            return False
        target = os.path.join(self.out, dest)
        try:
            folder = os.path.dirname(target)
            if folder not in self._folders:
                os.makedirs(folder, exist_ok=True)
                self._folders.add(folder)
            os.link(src, target)  # fails on an existing file: nothing is ever linked over
        except OSError:
            return False
        self.linked[dest] = st
        return True

    def watch(self, dest: str) -> None:
        """A file linked into the new site by someone else (pipeline.place_generated): it
        may be shared with the site online too, so `check_untouched` verifies it as well."""
        st = file_stat(os.path.join(self.out, dest))
        if st is not None:
            self.linked[dest] = st

    def engine_done(self) -> None:
        """The engine has written its outputs (the hook's on_post_build, first): what is
        written after this (search index, sitemaps, sums) is not the engine's output, and an
        output overwritten by it must never be linked (it would be written into in place)."""
        self.after_engine = {d: file_stat(os.path.join(self.out, d)) for d in self.keys}

    def check_untouched(self) -> list[str]:
        """Outputs linked from the previous site that something wrote into after linking (so
        the previous site changed too): a bug to fix, reported by the build."""
        return [d for d, st in self.linked.items() if file_stat(os.path.join(self.out, d)) != st]

    def write_manifest(self, site: Path) -> None:
        """Record the finished `site` (the folder the outputs are in now) for the next build:
        written aside and renamed, so a killed build leaves the old manifest or the new one."""
        entries = {}
        after_engine = self.after_engine
        for dest, key in self.keys.items():
            st = file_stat(os.path.join(site, dest))
            if st is not None and (after_engine is None or after_engine.get(dest) == st):
                entries[dest] = [key, *st]
        try:
            write_manifest(manifest_path(site), VERSION, entries)
        except OSError:
            pass  # the site is in place; the next build renders what it cannot reuse


_umask: int | None = None


def fresh_mode(path: str) -> bool:
    """Whether the file at `path` has the permissions a file written now gets (0o666 less the
    umask), as every output of a cold build has: a file chmodded by hand is not linked."""
    global _umask
    if _umask is None:
        _umask = os.umask(0o022)
        os.umask(_umask)
    try:
        return os.lstat(path).st_mode & 0o7777 == 0o666 & ~_umask
    except OSError:
        return False


def _sha(shas: dict[str, list], f) -> str:
    """sha256 of a copied file's bytes: from the generator's manifest when the generator wrote
    the file and it is untouched since (site/memo.py: no read), else read and hashed."""
    known = sha_of(shas, f.src_uri, f.abs_src_path) if f.abs_src_path else None
    return known or hashlib.sha256(f.content_bytes).hexdigest()


def forget(site: Path) -> None:
    """Remove the manifest and the hashes of `site` (the next build of it is cold)."""
    for path in (manifest_path(site), sums_path(site)):
        try:
            path.unlink()
        except FileNotFoundError:
            pass


def _nav_parts(items, get_data) -> list[str]:
    """What of the nav every page shows: each item's kind, title, address, and for a page its
    front matter (Material reads icons and flags from it), or its whole source when its title
    is not set in mkdocs.yml (it then comes from the page)."""
    out = []
    for item in items:
        url = getattr(item, "url", None)
        if getattr(item, "file", None) is not None:  # a page
            title = item.title  # before the page is read: only a title set in mkdocs.yml
            source = item.file.content_string
            meta = json.dumps(get_data(source)[1], sort_keys=True, default=str)
            out.append(_h("p", title, url, meta, source if title is None else ""))
        else:
            out.append(_h(type(item).__name__, item.title, url))
        out.extend(_nav_parts(getattr(item, "children", None) or [], get_data))
        out.append(")")
    return out


class MemoryBytecodeCache:
    """The engine's compiled templates, kept for the next build of this process (serve, the
    tests): a build then loads the theme's ~30 templates instead of compiling them (about a
    third of a small rebuild). Each is checked against its source's checksum by Jinja."""

    def __init__(self):
        import jinja2

        class _Cache(jinja2.BytecodeCache):
            store: dict[str, bytes] = {}

            def load_bytecode(self, bucket) -> None:
                data = self.store.get(bucket.key)
                if data is not None:
                    bucket.bytecode_from_string(data)  # dropped when the checksum differs

            def dump_bytecode(self, bucket) -> None:
                self.store[bucket.key] = bucket.bytecode_to_string()

        self.cache = _Cache()


def sums_path(site: Path) -> Path:
    """Where the hashes of the site's files are kept for the next build's SHA256SUMS."""
    site = Path(site)
    return site.with_name(f".{site.name}-sums.json")


class Sums:
    """SHA256SUMS of an incremental build without reading every file: a file of the new site
    that is the very file (same inode, size and mtime_ns) the previous site holds at the same
    path, and that the previous build hashed with that stat, keeps its hash. A hard link shares
    the inode, so only the files this build linked qualify; the previous site still exists while
    this one is hashed, so its inodes cannot have been reused. Anything else is read."""

    def __init__(self, previous: Path | None):
        self.previous = previous
        self.old = memo_manifest(sums_path(previous), VERSION, 4) if previous is not None else {}
        self.new: dict[str, list] = {}
        self.reused = 0

    def __call__(self, site: Path, rel: str) -> str:
        path = os.path.join(site, rel)
        st = file_stat(path)
        entry = self.old.get(rel)
        if (
            st is not None
            and entry is not None
            and entry[1:] == st
            and file_stat(os.path.join(self.previous, rel)) == st
        ):
            sha = entry[0]
            self.reused += 1
        else:
            h = hashlib.sha256()
            with open(path, "rb") as f:
                while block := f.read(1 << 20):
                    h.update(block)
            sha = h.hexdigest()
        if st is not None:
            self.new[rel] = [sha, *st]
        return sha

    def save(self, site: Path) -> None:
        """Record the hashes for the next build of `site` (written aside, renamed)."""
        try:
            write_manifest(sums_path(site), VERSION, self.new)
        except OSError:
            pass  # the site is in place; the next build reads every file


class Placed:
    """The generator's own files of its folders (standalone pages, JSON, seals: ~47,000 at
    10,000 UMKM), which the engine would only copy: `take` removes them from the engine's
    files (the hook's on_files), `place` links them from docs/ into the built site (its
    on_post_build, first; a copy where a link cannot be made). Safe to link: docs/ files are
    replaced by rename, never written in place (site/docs_files.py); an incremental build's
    `check_untouched` verifies that nothing wrote into them in the built site either."""

    def __init__(self):
        self.files: list[tuple[str, str]] = []  # (docs/ file, site path)

    def take(self, files) -> None:
        self.files.clear()
        for f in list(files):
            top, _, rest = f.src_uri.partition("/")
            if (
                top in GENERATED_DOCS
                and rest != "index.html"  # a folder's first page: mkdocs.yml's nav names it
                and f.abs_src_path
                and not f.is_documentation_page()
                and f.inclusion.is_included()
            ):
                files.remove(f)
                self.files.append((f.abs_src_path, f.dest_uri))

    def place(self, site_dir: Path, plan: Reuse | None) -> None:
        made: set[str] = set()
        for src, dest in self.files:
            target = os.path.join(site_dir, dest)
            folder = os.path.dirname(target)
            if folder not in made:
                os.makedirs(folder, exist_ok=True)
                made.add(folder)
            try:
                if not fresh_mode(src):  # chmodded by hand: published as a cold build's file
                    raise OSError
                os.link(src, target)
            except OSError:
                shutil.copyfile(src, target)
            if plan is not None:
                plan.watch(dest)
        self.files.clear()
