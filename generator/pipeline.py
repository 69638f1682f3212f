"""The pipeline: check -> generate into docs/ -> engine build aside -> swap into place.

`generate` is what the MkDocs hook (hooks/registri.py) calls for `mkdocs build`/`serve`;
`build` is `python -m generator build`: it never leaves a half-written site behind.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import signing
from .api import exports
from .data import config, load, trust
from .data.model import Registry
from .publish import guard, ledger, lock, reuse
from .publish.site_folder import check_site_dir, mark_site
from .publish.swap import aside, clean_leftovers, swap_in
from .site import docs_files, pages
from .site.memo import Memo

DATA_ENV = "REGISTRI_DATA"  # lets `generator build --data X` reach the hook
DEFAULT_DATA = "data/umkm.yaml"


@dataclass
class Timings:
    """Seconds spent per stage, for the benchmark."""

    stages: dict[str, float] = field(default_factory=dict)

    def add(self, stage: str, seconds: float) -> None:
        self.stages[stage] = self.stages.get(stage, 0.0) + seconds


TIMINGS = Timings()
# True inside `python -m generator serve`: a preview is neither published nor printed, so the
# hook does not refuse placeholder addresses there (as for `mkdocs serve`).
preview = False
# ((data path, mtime_ns, size, build datetime, site_url), registry) of the last generation in
# this process: `generator build` generates, then the engine's hook finds nothing changed.
_last_generated: tuple | None = None
# The signer of the last generation (None: unsigned site), for finishing the built site.
_last_signer: signing.Signer | None = None
_last_docs_dir: Path | None = None  # where the last generation wrote (finish links from it)
# True while `build` runs the engine: the hook then leaves finishing the site to `build`.
_building = False
# The incremental plan of the engine run under way (publish/reuse.py), None outside engine_build.
_reuse: reuse.Reuse | None = None
# The generator's files the engine leaves to place_generated.
_placed = reuse.Placed()


def fix_clock() -> None:
    """Freeze the build clock for the rest of this process (unless SOURCE_DATE_EPOCH already
    does): pages that carry the build time are then the same on every regeneration."""
    os.environ.setdefault("SOURCE_DATE_EPOCH", str(int(config.build_datetime().timestamp())))


def data_path(project_dir: Path, explicit: str | os.PathLike | None = None) -> Path:
    chosen = explicit or os.environ.get(DATA_ENV) or DEFAULT_DATA
    p = Path(chosen)
    return p if p.is_absolute() else (project_dir / p)


def generate(
    project_dir: Path,
    data: Path,
    site_url: config.SiteUrl | str | None,
    docs_dir: Path | None = None,
    overrides_dir: Path | None = None,
    config_file: Path | None = None,
    refuse_placeholders: bool = True,
    for_preview: bool = False,
    cold: bool = False,
    recheck_docs: bool = False,
) -> Registry:
    """Validate `data` and write every generated page into docs/ (only changed files).

    Raises load.DataError (nothing written) when the data has problems, or when a real
    registry still holds a placeholder address or contact (trust.TrustError; `serve` passes
    refuse_placeholders=False: a preview is neither published nor printed), and
    signing.SigningError (nothing written) when keys are listed and the build cannot sign;
    a preview (`for_preview`, or `preview` set by generator serve) without the private key
    is built unsigned instead. `recheck_docs` (serve, between saves): the last generation is
    reused only while every file it wrote to docs/ still has the stat it left (one lstat per
    file; a page deleted or edited by hand is written again)."""
    global _last_generated, _last_signer, _last_docs_dir
    built = config.build_datetime()
    site_url = config.SiteUrl.of(site_url)  # the hook's MkDocs setting, or a test's str
    st = data.stat() if data.exists() else None
    led = ledger.path_for(data)
    lst = led.stat() if led.exists() else None
    key = (
        str(data.resolve()),
        st and st.st_mtime_ns,
        st and st.st_size,
        built,
        site_url,
        lst and lst.st_mtime_ns,
        lst and lst.st_size,
    )
    site_name = _site_name(config_file or project_dir / "mkdocs.yml")  # titles the pages
    key += (site_name,)
    if _last_generated and _last_generated[0] == key:
        if not recheck_docs or _last_generated[2].intact():
            return _last_generated[1]
    t0 = time.perf_counter()
    registry = load.load(data)
    problem = guard.ledger_problems(registry, data)
    if problem is not None:
        raise problem
    if refuse_placeholders:
        trust.require_publishable(
            registry, site_url, data, config_file or project_dir / "mkdocs.yml"
        )
    TIMINGS.add("check", time.perf_counter() - t0)
    signer = signing.signer_for(registry, built, site_url, preview=for_preview or preview)
    docs_dir = docs_dir or project_dir / "docs"
    overrides_dir = overrides_dir or project_dir / "overrides"
    # only the files whose inputs changed are rendered (site/memo.py); `cold`: every file
    memo = Memo(docs_dir, enabled=not cold)
    site = pages.Site(registry, built, site_url, site_name, memo)

    # signing: credentials, status lists and did.json (timed apart for the benchmark)
    signed = _timed(
        signing.signed_files(registry, built, signer, project_dir, led) if signer else iter(())
    )

    def produced():
        yield from site.files()
        yield from exports.iter_api_files(registry, built, site_url, site)
        yield from signed

    t1 = time.perf_counter()
    render = _timed(produced())
    docs_files.sync_tree(
        docs_dir, render, docs_files.GENERATED_DOCS, docs_files.GENERATED_DOCS_FILES, memo
    )
    memo.save()
    docs_files.sync_tree(overrides_dir, site.overrides().items(), docs_files.GENERATED_OVERRIDES)
    total = time.perf_counter() - t1
    TIMINGS.add("generate", render.seconds - signed.seconds)
    TIMINGS.add("sign", signed.seconds)
    TIMINGS.add("write", total - render.seconds)
    _last_generated = (key, registry, memo)
    _last_signer = signer
    _last_docs_dir = docs_dir
    return registry


def _site_name(config_file: Path) -> str | None:
    try:
        return config.read_mkdocs_yml(config_file).get("site_name")
    except (OSError, config.ConfigError):
        return None


def placed_after_engine(src_uri: str) -> bool:
    """Whether a file of docs/ is left out of the engine and linked into the built site by
    `finish` instead: the signed credentials, 13,069 files at 10,000 UMKM that the engine
    would copy one by one (about 2.5 s of a warm build, measured with MkDocs)."""
    return src_uri.startswith(signing.CREDENTIAL_DIR + "/")


def take_generated(files) -> None:
    """The hook's on_files (a build that is published, not a preview): see reuse.Placed."""
    _placed.take(files)


def place_generated(site_dir: Path) -> None:
    """The hook's on_post_build, first: link what take_generated took into `site_dir`."""
    t0 = time.perf_counter()
    _placed.place(site_dir, _reuse)
    TIMINGS.add("place", time.perf_counter() - t0)


def finish(site_dir: Path, digest=None) -> None:
    """The hook point after the engine, before the site is published: signing completes the
    built folder (the credentials linked in from docs/, SHA256SUMS over the final files, its
    JWS, .well-known/did.json). `digest`: `build`'s reuse.Sums (hashes kept from the previous
    site), None: every file read."""
    t0 = time.perf_counter()
    if _last_signer is not None and _last_docs_dir is not None:
        signing.place_credentials(_last_docs_dir, site_dir)
    signing.finish_site(site_dir, _last_signer, digest)
    TIMINGS.add("sums", time.perf_counter() - t0)


def building() -> bool:
    """True while `build` runs the engine (the hook then does not finish the site itself)."""
    return _building


class _timed:
    """Iterate `it`, adding up the seconds spent producing its items."""

    def __init__(self, it):
        self.it, self.seconds = it, 0.0

    def __iter__(self):
        return self

    def __next__(self):
        t = time.perf_counter()
        try:
            return next(self.it)
        finally:
            self.seconds += time.perf_counter() - t


class BuildError(Exception):
    """The engine failed; the message is for the admin."""


ENGINES = ("mkdocs", "properdocs")


def use_engine(name: str) -> None:
    """Build with `name`. ProperDocs (PyPI `properdocs`) is the maintained drop-in fork of
    MkDocs 1.6: once `properdocs.replacement` is imported, every `mkdocs.*` import (ours,
    Material's, the hook's) is ProperDocs. Call before anything imports mkdocs."""
    if name == "mkdocs":
        return
    if name != "properdocs":
        raise BuildError(f"mesin '{name}' tidak dikenal: pilih {' atau '.join(ENGINES)}")
    if "mkdocs" in sys.modules and sys.modules["mkdocs"].__name__ != "properdocs":
        raise RuntimeError("mkdocs is already imported: choose the engine first")
    try:
        import properdocs.replacement  # noqa: F401
    except ImportError:
        raise BuildError(
            "mesin properdocs belum terpasang: pip install -c constraints.txt properdocs"
        ) from None


def build(
    config_file: Path,
    data: Path,
    site_dir: Path | None = None,
    strict: bool = False,
    record: bool = False,
    engine: str = "mkdocs",
    cold: bool = False,
) -> Registry:
    """Generate and build the site into a fresh folder, then swap it into place.

    Holds the project lock throughout; refuses a site folder it may not replace (SiteDirError
    of publish/site_folder.py). `record` (a build that is going to be published: `build
    --catat`) also checks the ledger's git history first and appends the new ids to the ledger
    before the swap. `engine`: one of ENGINES. The engine renders only what changed since the
    site in place was built (publish/reuse.py); `cold` renders everything (`build --bersih`)."""
    use_engine(engine)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    # One clock for the whole build: the engine's hook then sees the same date and finds the
    # pages already generated (and sitemap dates agree with the pages).
    fix_clock()
    project_dir = config_file.parent.resolve()
    os.environ[DATA_ENV] = str(data.resolve())
    cfg_raw = config.read_mkdocs_yml(config_file)
    chosen = site_dir or project_dir / str(cfg_raw.get("site_dir") or "site")
    target = check_site_dir(chosen, project_dir, data, cfg_raw)
    try:
        with lock.project_lock(project_dir):
            return _build_locked(
                config_file, project_dir, data, cfg_raw, target, strict, record, cold
            )
    except lock.LockError as e:
        raise BuildError(str(e)) from None


def plan_reuse(nav, config, files, mode: object) -> None:
    """The hook's on_nav, during engine_build: decide which outputs the engine renders and link
    the others from the previous site (publish/reuse.py)."""
    if _reuse is not None:
        _reuse.plan(nav, config, files, [Path(__file__).parent], mode)


def engine_done() -> None:
    """The hook's on_post_build, before anything else writes into the site."""
    if _reuse is not None:
        _reuse.engine_done()


_templates: reuse.MemoryBytecodeCache | None = None


def engine_env(env):
    """The hook's on_env: the engine's templates compile once per process."""
    global _templates
    _templates = _templates or reuse.MemoryBytecodeCache()
    env.bytecode_cache = _templates.cache
    return env


class _NoDirtyWarning(logging.Filter):
    """The engine warns that a --dirty build may be inaccurate: not ours (publish/reuse.py keys
    every output by all it depends on), and in --strict a warning would fail the build."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("A 'dirty' build")


def engine_build(
    config_file: Path, out: Path, strict: bool = False, previous: Path | None = None
) -> reuse.Reuse:
    """Run the engine (MkDocs) into the fresh folder `out`, marked as our site before and
    after; outputs whose inputs did not change since the site `previous` was built are linked
    from it instead of rendered (None: a cold build). Returns the plan (for the manifest).
    BuildError when the engine fails; `out` is removed on any failure."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError, MkDocsException

    out.mkdir(parents=True)
    mark_site(out)  # first, so that a killed build's folder is recognised and cleaned up
    t0 = time.perf_counter()
    global _reuse
    plan = _reuse = reuse.Reuse(previous, out)
    from mkdocs.commands import build as engine

    # the engine's own logger: "properdocs.commands.build" under ProperDocs
    engine_log = logging.getLogger(engine.__name__)
    quiet = _NoDirtyWarning()
    engine_log.addFilter(quiet)
    try:
        cfg = load_config(config_file=str(config_file), site_dir=str(out), strict=strict)
        engine.build(cfg, dirty=True)  # every output's --dirty test is the plan's (on_nav)
        mark_site(out)
    except (Abort, ConfigurationError, MkDocsException) as e:
        shutil.rmtree(out, ignore_errors=True)
        raise BuildError(f"mkdocs gagal membangun situs: {e}") from None
    except BaseException:
        shutil.rmtree(out, ignore_errors=True)
        raise
    finally:
        _reuse = None
        engine_log.removeFilter(quiet)
    TIMINGS.add("engine", time.perf_counter() - t0)
    return plan


def _build_locked(
    config_file: Path,
    project_dir: Path,
    data: Path,
    cfg_raw: dict,
    target: Path,
    strict: bool,
    record: bool,
    cold: bool = False,
) -> Registry:
    clean_leftovers(target)  # first: a site a killed build left aside is put back
    check_site_dir(target, project_dir, data, cfg_raw)  # again: it may have changed meanwhile
    site_url = config.SiteUrl.of(cfg_raw.get("site_url"))
    global _last_generated
    _last_generated = None  # every build looks at docs/ again (only the hook's call is spared)
    registry = generate(project_dir, data, site_url, config_file=config_file, cold=cold)
    if record and not registry.registri.contoh:
        history = guard.history_problems(data)
        for line in history.warnings:
            print(line, file=sys.stderr)
        if history.errors:
            raise BuildError("\n".join(history.errors))
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = aside(target, "baru")
    shutil.rmtree(tmp, ignore_errors=True)
    global _building
    _building = True  # the hook leaves finishing the site to us
    if cold:
        reuse.forget(target)
    previous = None if cold or not target.is_dir() else target
    sums = reuse.Sums(previous)  # SHA256SUMS keeps the hashes of files linked from it
    try:
        plan = engine_build(config_file, tmp, strict, previous)
    finally:
        _building = False
    # -- post-build (generator/site/postbuild.py): the hook ran it; an engine without hooks did not
    from .site import postbuild, search

    try:  # whatever fails from here (a full disk included), the new folder goes
        if not postbuild.done(tmp):
            try:
                seconds = postbuild.finish(tmp, registry, config.build_datetime(), site_url)
                TIMINGS.add("postbuild", seconds)
            except search.SearchIndexError as e:
                raise BuildError(str(e)) from None
        # -- end of post-build
        # -- hook point: signing completes the built site before it is swapped in --
        finish(tmp, sums)
        touched = plan.check_untouched()
        if touched:
            reuse.forget(target)
            raise BuildError(
                "galat program: berkas yang ditautkan dari situs lama ikut diubah "
                f"({', '.join(touched[:3])}); bangun ulang dengan --bersih dan laporkan ke "
                "pengembang"
            )
        if record:
            _record(registry, data)  # before the swap: an id is recorded before it is published
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    install(tmp, target, later=True)
    plan.write_manifest(target)  # after the swap: they describe the site now in place
    sums.save(target)
    return registry


def install(tmp: Path, target: Path, later: bool = False) -> None:
    """The finished site `tmp` replaces `target` in one step; on failure, tmp is removed, the
    old site is left as it was and the admin gets one line. `later`: the old site is removed
    in the background (publish/swap.py's remove_later)."""
    try:
        swap_in(tmp, target, later)
    except OSError as e:
        shutil.rmtree(tmp, ignore_errors=True)
        raise BuildError(
            f"{target}: situs baru tidak bisa dipindahkan ke sini ({e.strerror}); situs lama "
            "tidak diubah. Tutup program yang membuka berkas di folder itu, lalu coba lagi."
        ) from None


def _record(registry: Registry, data: Path) -> None:
    path = ledger.path_for(data)
    if registry.registri.contoh:
        print(f"Data contoh: id tidak dicatat di {path}.", file=sys.stderr)
        return
    before = ledger.read(path)
    after = before.extended(registry)
    if ledger.write(path, after):
        print(
            f"{path}: {len(after) - len(before)} id baru dicatat. Berkas ini wajib di-commit.",
            file=sys.stderr,
        )


def quiet_mkdocs_logging(level: int = logging.WARNING) -> None:
    """Show the engine's warnings and errors, not its INFO chatter."""
    logger = logging.getLogger("mkdocs")
    logger.setLevel(level)
    if not logger.handlers:
        h = logging.StreamHandler()
        h.setFormatter(logging.Formatter("%(levelname)s - %(message)s"))
        logger.addHandler(h)
