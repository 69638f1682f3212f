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


def cmd_serve(args: argparse.Namespace, path: Path, host: str, port: int) -> int:
    """Build the portal once (members fetched now), then serve the built folder until Ctrl+C.
    No live reload: a portal's pages change with its members, not with a file being edited;
    run `serve` again after editing portal.yaml."""
    import functools
    import http.server

    site = Path(args.config).parent / "site"
    build_args = argparse.Namespace(
        config=args.config, site_dir=str(site), strict=False, mesin="mkdocs"
    )
    rc = cmd_build(build_args, path)
    if rc != 0:
        return rc

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *a):
            pass

    try:
        server = http.server.ThreadingHTTPServer(
            (host, port), functools.partial(Quiet, directory=str(site))
        )
    except OSError as e:
        print(f"Alamat {host}:{port} tidak bisa dipakai ({e.strerror}). Coba --dev-addr lain.")
        return 1
    print(f"Membuka portal di http://{host}:{port}/ (Ctrl+C untuk berhenti).", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
