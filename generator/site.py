"""The pipeline: check -> generate into docs/ -> engine build aside -> swap into place.

`generate` is what the MkDocs hook (hooks/registri.py) calls for `mkdocs build`/`serve`;
`build` is `python -m generator build`: it never leaves a half-written site behind.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import config, exports, load, pages, trust
from .model import Registry

DATA_ENV = "REGISTRI_DATA"  # lets `generator build --data X` reach the hook
DEFAULT_DATA = "data/umkm.yaml"


@dataclass
class Timings:
    """Seconds spent per stage, for the benchmark."""

    stages: dict[str, float] = field(default_factory=dict)

    def add(self, stage: str, seconds: float) -> None:
        self.stages[stage] = self.stages.get(stage, 0.0) + seconds


TIMINGS = Timings()
# ((data path, mtime_ns, size, build datetime, site_url), registry) of the last generation in
# this process: `generator build` generates, then the engine's hook finds nothing changed.
_last_generated: tuple | None = None


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
    site_url: str | None,
    docs_dir: Path | None = None,
    overrides_dir: Path | None = None,
    config_file: Path | None = None,
    refuse_placeholders: bool = True,
) -> Registry:
    """Validate `data` and write every generated page into docs/ (only changed files).

    Raises load.DataError (nothing written) when the data has problems, or when a real
    registry still holds a placeholder address or contact (trust.TrustError; `serve` passes
    refuse_placeholders=False: a preview is neither published nor printed)."""
    global _last_generated
    built = config.build_datetime()
    site_url = config.normalise_site_url(site_url)
    st = data.stat() if data.exists() else None
    key = (str(data.resolve()), st and st.st_mtime_ns, st and st.st_size, built, site_url)
    if _last_generated and _last_generated[0] == key:
        return _last_generated[1]
    t0 = time.perf_counter()
    registry = load.load(data)
    if refuse_placeholders:
        trust.require_publishable(
            registry, site_url, data, config_file or project_dir / "mkdocs.yml"
        )
    TIMINGS.add("check", time.perf_counter() - t0)
    docs_dir = docs_dir or project_dir / "docs"
    overrides_dir = overrides_dir or project_dir / "overrides"
    site = pages.Site(registry, built, site_url)

    def produced():
        yield from site.files()
        yield from exports.api_files(registry, built, site_url).items()

    t1 = time.perf_counter()
    render = _timed(produced())
    pages.sync_tree(docs_dir, render, pages.GENERATED_DOCS, pages.GENERATED_DOCS_FILES)
    pages.sync_tree(overrides_dir, site.overrides().items(), pages.GENERATED_OVERRIDES)
    total = time.perf_counter() - t1
    TIMINGS.add("generate", render.seconds)
    TIMINGS.add("write", total - render.seconds)
    _last_generated = (key, registry)
    return registry


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


def build(
    config_file: Path, data: Path, site_dir: Path | None = None, strict: bool = False
) -> Registry:
    """Generate and build the site into a fresh folder, then swap it into place."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError, MkDocsException

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    # One clock for the whole build: the engine's hook then sees the same date and finds the
    # pages already generated (and sitemap dates agree with the pages).
    fix_clock()
    project_dir = config_file.parent.resolve()
    os.environ[DATA_ENV] = str(data.resolve())
    cfg_raw = config.read_mkdocs_yml(config_file)
    registry = generate(project_dir, data, cfg_raw.get("site_url"), config_file=config_file)

    target = (site_dir or project_dir / cfg_raw.get("site_dir", "site")).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.baru-{os.getpid()}")
    old = target.with_name(f".{target.name}.lama-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    t0 = time.perf_counter()
    try:
        from mkdocs.commands.build import build as mkdocs_build

        cfg = load_config(config_file=str(config_file), site_dir=str(tmp), strict=strict)
        mkdocs_build(cfg)
    except (Abort, ConfigurationError, MkDocsException) as e:
        shutil.rmtree(tmp, ignore_errors=True)
        raise BuildError(f"mkdocs gagal membangun situs: {e}") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    TIMINGS.add("engine", time.perf_counter() - t0)
    if target.exists():
        target.rename(old)
    tmp.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    return registry


_KEEP_WHITESPACE = re.compile(r"(<pre\b.*?</pre>|<textarea\b.*?</textarea>)", re.S | re.I)
_INDENT = re.compile(r"[ \t]*\n\s*")


def compact_html(html: str) -> str:
    """Fold each run of white space that holds a line break into one line break. Browsers
    render it the same (outside <pre> and <textarea>, which are kept as they are); the theme's
    indentation is ~17% of a generated Material page."""
    parts = _KEEP_WHITESPACE.split(html)
    for i in range(0, len(parts), 2):
        parts[i] = _INDENT.sub("\n", parts[i])
    return "".join(parts)


def quiet_mkdocs_logging(level: int = logging.WARNING) -> None:
    """Show the engine's warnings and errors, not its INFO chatter."""
    logger = logging.getLogger("mkdocs")
    logger.setLevel(level)
    if not logger.handlers:
        h = logging.StreamHandler()
        h.setFormatter(logging.Formatter("%(levelname)s - %(message)s"))
        logger.addHandler(h)
