"""`check` and `build` of a portal project (data/portal.yaml): the same commands as a
registry's, over generator/portal_pipeline.py.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..data import config, load
from . import report


def portal_for(args: argparse.Namespace, data_arg: str | None) -> Path | None:
    """The portal.yaml this command is about, or None (a registry project)."""
    from .. import portal_pipeline

    project = Path(getattr(args, "config", None) or "mkdocs.yml").parent
    return portal_pipeline.portal_data(project, data_arg)


def cmd_check(path: Path, fmt: str) -> int:
    from ..portal import config as portal_config

    try:
        portal = portal_config.load(path)
    except load.DataError as e:
        return report.data_errors([e], "Perbaiki lalu jalankan lagi.", fmt)
    print(f"{path}: data portal sah: {len(portal.anggota)} registri anggota.")
    return 0


def cmd_build(args: argparse.Namespace, path: Path) -> int:
    from .. import pipeline, portal_pipeline, signing
    from ..publish import site_folder

    pipeline.quiet_mkdocs_logging()
    try:
        result = portal_pipeline.build(
            Path(args.config),
            path,
            Path(args.site_dir) if args.site_dir else None,
            strict=args.strict,
            engine=args.mesin,
            report=lambda line: report.say(line, sys.stderr),
        )
    except load.DataError as e:
        return report.data_error(e, "Situs tidak diubah.")
    except (
        config.ConfigError,
        pipeline.BuildError,
        site_folder.SiteDirError,
        signing.SigningError,
    ) as e:
        report.say(e)
        print("Situs tidak diubah.", file=sys.stderr)
        return 1
    usable = [o for o in result.outcomes if o.usable]
    print(
        f"Portal dibangun di {args.site_dir or 'site'}/: {len(usable)} dari "
        f"{len(result.outcomes)} registri anggota, {len(result.merged.registry.umkm)} UMKM."
    )
    print(
        "api/anggota.json ditandatangani dengan kunci portal."
        if result.signed
        else "Portal tidak ditandatangani: portal.kunci kosong."
    )
    return 0
