"""The portal's build: portal.yaml -> fetch and verify members -> pages into docs/ -> the engine
builds aside -> search index, sums -> swap into place. The same engine and the same safety as
a registry's build (pipeline.py): the project lock, the site-folder guard, the swap; a build
that fails leaves the previous site untouched.
"""

from __future__ import annotations

import functools
import os
import shutil
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from . import pipeline, signing
from .data import config
from .portal import config as portal_config
from .portal import limits as member_limits
from .portal import members, merge, pages, records
from .publish import lock
from .publish.site_folder import check_site_dir
from .publish.swap import aside, clean_leftovers
from .site import docs_files, search, security

DEFAULT_PORTAL = portal_config.PORTAL_PATH


@dataclass
class Result:
    outcomes: list[members.Outcome]
    merged: merge.Merged
    signed: bool


def portal_data(project_dir: Path, explicit: str | None) -> Path | None:
    """The portal.yaml this command works on, or None for a registry project: `--data` naming
    a portal.yaml, or (without --data) data/portal.yaml in a project with no data/umkm.yaml."""
    if explicit:
        p = Path(explicit)
        return p if portal_config.is_portal(p) else None
    p = project_dir / DEFAULT_PORTAL
    if p.is_file() and not (project_dir / pipeline.DEFAULT_DATA).is_file():
        return p
    return None


def say(line: str) -> None:
    print(line, file=sys.stderr)


def build(
    config_file: Path,
    data: Path,
    site_dir: Path | None = None,
    strict: bool = False,
    engine: str = "mkdocs",
    report=say,
) -> Result:
    """Build the portal. load.DataError for a bad portal.yaml, pipeline.BuildError when no
    member is usable or the engine fails, SiteDirError, SigningError (nothing changed)."""
    pipeline.use_engine(engine)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    pipeline.fix_clock()
    built = config.build_datetime()
    project_dir = config_file.parent.resolve()
    portal = portal_config.load(data)
    cfg_raw = config.read_mkdocs_yml(config_file)
    site_url = config.SiteUrl.of(cfg_raw.get("site_url"))
    chosen = site_dir or project_dir / str(cfg_raw.get("site_dir") or "site")
    target = check_site_dir(chosen, project_dir, data, cfg_raw)
    signer = pages.signer_of(portal, built, site_url)
    try:
        limits = member_limits.Limits.from_env()
    except member_limits.SettingError as e:
        raise pipeline.BuildError(str(e)) from None
    try:
        with lock.project_lock(project_dir):
            return _locked(
                portal, config_file, project_dir, cfg_raw, target, built, site_url, signer,
                strict, report, limits,
            )  # fmt: skip
    except lock.LockError as e:
        raise pipeline.BuildError(str(e)) from None


def _locked(portal, config_file, project_dir, cfg_raw, target, built, site_url, signer, strict,
            report, limits) -> Result:  # fmt: skip
    clean_leftovers(target)
    now = datetime.now(tz=UTC).replace(microsecond=0)
    outcomes = members.refresh_all(portal.anggota, project_dir / members.CACHE_DIR, now, limits)
    merged = merge.merge(outcomes, built.date())  # may leave out a member it cannot read
    for o in outcomes:
        report(f"anggota {o.member.id} ({o.member.url}): {o.message}")
    if not any(o.usable for o in outcomes):
        raise pipeline.BuildError(
            "tidak ada registri anggota yang bisa dipakai (semua tidak terjangkau tanpa "
            "salinan, atau gagal verifikasi)."
        )
    docs_dir = project_dir / str(cfg_raw.get("docs_dir") or "docs")
    site_name = cfg_raw.get("site_name")
    docs_files.sync_tree(
        docs_dir,
        pages.files(portal, outcomes, merged, built, site_url, site_name, signer),
        pages.GENERATED,
        pages.GENERATED_FILES,
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = aside(target, "baru")
    shutil.rmtree(tmp, ignore_errors=True)
    pipeline.engine_build(config_file, tmp, strict)
    try:
        today = built.date()
        names = {
            merged.keys[o.member.id]: o.member.nama for o in outcomes if o.member.id in merged.keys
        }
        search.build_index(
            tmp,
            merged.registry,
            today,
            records=functools.partial(records.write, merged.registry, today, names),
        )
        for page in tmp.rglob("*.html"):  # the theme's own pages (404) get the same policy
            text = page.read_text(encoding="utf-8")
            if "Content-Security-Policy" not in text:
                page.write_text(security.protect(text), encoding="utf-8")
        signing.finish_site(tmp, signer)  # SHA256SUMS (+ JWS), .well-known/did.json
    except search.SearchIndexError as e:
        shutil.rmtree(tmp, ignore_errors=True)
        raise pipeline.BuildError(str(e)) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    pipeline.install(tmp, target)
    return Result(outcomes, merged, signer is not None)
