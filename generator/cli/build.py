"""`python -m generator build | serve | docs`: the site built and swapped into place, served with
live reload, and the files generated from the model that are committed (JSON Schema, the admin
guide's field table).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..data import config, load, reference, schema, trust, user_files
from . import report


def cmd_build(args: argparse.Namespace) -> int:
    from .. import pipeline, signing
    from ..publish import site_folder
    from . import portal

    portal_file = portal.portal_for(args, args.data)
    if portal_file is not None:
        return portal.cmd_build(args, portal_file)
    pipeline.quiet_mkdocs_logging()
    if args.pratinjau:
        if args.catat:
            print("--pratinjau tidak diterbitkan: jangan dipakai bersama --catat", file=sys.stderr)
            return 1
        pipeline.preview = True  # a pull request's check: never published, never signed
    config_file = Path(args.config)
    data = Path(args.data) if args.data else pipeline.data_path(config_file.parent.resolve())
    try:
        registry = pipeline.build(
            config_file,
            data,
            Path(args.site_dir) if args.site_dir else None,
            strict=args.strict,
            engine=args.mesin,
            record=args.catat,
            cold=args.bersih,
        )
    except load.DataError as e:
        return report.data_error(e, "Situs tidak diubah.")
    except (
        config.ConfigError,
        pipeline.BuildError,
        site_folder.SiteDirError,  # not a BuildError: publish/ sits below the pipeline
        signing.SigningError,
    ) as e:
        report.say(e)
        print("Situs tidak diubah.", file=sys.stderr)
        return 1
    trust.print_warnings(registry, config.read_site_url(config_file), config_file)
    n_cert = sum(1 for _ in registry.certificates())
    target = args.site_dir or "site"
    print(f"Situs dibangun di {target}/: {len(registry.umkm)} UMKM, {n_cert} sertifikat.")
    if pipeline._last_signer is not None:
        s = signing.stats
        print(
            f"Ditandatangani dengan kunci '{pipeline._last_signer.key.id}': {n_cert} sertifikat "
            f"digital ({s['signed']} ditandatangani baru, {s['cached']} dari cache)."
        )
    elif args.pratinjau:
        print("Pratinjau tanpa tanda tangan: hanya untuk diperiksa, tidak untuk diterbitkan.")
    else:
        print("Situs tidak ditandatangani: registri.kunci kosong.")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .. import pipeline, serve

    config_file = Path(args.config)
    data = Path(args.data) if args.data else pipeline.data_path(config_file.parent.resolve())
    if data.is_absolute() and data.is_relative_to(Path.cwd()):
        data = data.relative_to(Path.cwd())  # error lines read data/umkm.yaml:12:5, as check's
    host, _, port = args.dev_addr.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        print(f"--dev-addr {args.dev_addr!r}: tulis ALAMAT:PORT, mis. 127.0.0.1:8000")
        return 1
    if not serve.is_loopback(host) and not args.jaringan:
        print(
            f"--dev-addr {args.dev_addr!r}: alamat ini membuka pratinjau ke jaringan; situs yang "
            "belum terbit bisa dibuka orang lain. Tambahkan --jaringan bila memang disengaja, "
            "atau pakai 127.0.0.1:PORT."
        )
        return 1
    if not serve.is_loopback(host):
        print(
            f"PERINGATAN: pratinjau terbuka untuk jaringan ({args.dev_addr}): siapa pun yang "
            "bisa menjangkau komputer ini dapat membukanya. Hentikan (Ctrl+C) setelah selesai.",
            file=sys.stderr,
        )
    from . import portal

    portal_file = portal.portal_for(args, args.data)
    if portal_file is not None:
        return portal.cmd_serve(args, portal_file, host, int(port))
    try:
        return serve.serve(config_file, data, host, int(port))
    except config.ConfigError as e:
        report.say(e)
        return 1


_GUIDE = user_files.Kind("panduan", 16 * user_files.MB)


def cmd_docs(args: argparse.Namespace) -> int:
    """Rewrite what is generated from the model and committed: JSON Schema, the admin guide's
    field table."""
    root = Path(args.root)
    guide = root / reference.GUIDE_PATH
    try:  # the guide first: --root at a folder that is no project writes nothing
        text = user_files.read_text(guide, _GUIDE, encoding="utf-8")
    except (user_files.UserFileError, UnicodeDecodeError) as e:
        why = str(e) if isinstance(e, user_files.UserFileError) else "bukan teks UTF-8"
        report.say(f"{guide}: {why}; --root harus folder proyek", sys.stderr)
        return 1
    try:
        new = reference.replace_between(
            text, reference.README_START, reference.README_END, reference.data_field_table()
        )
    except ValueError:
        report.say(
            f"{guide}: tanda awal/akhir tabel kunci data tidak ada; tidak diubah", sys.stderr
        )
        return 1
    try:
        (root / schema.SCHEMA_PATH).parent.mkdir(parents=True, exist_ok=True)
        (root / schema.SCHEMA_PATH).write_text(schema.json_schema_text(), encoding="utf-8")
        guide.write_text(new, encoding="utf-8")
    except OSError as e:
        report.say(f"{root}: tidak bisa ditulis ({e.strerror or e})", sys.stderr)
        return 1
    print(f"ditulis: {schema.SCHEMA_PATH}, {reference.GUIDE_PATH} (tabel kunci data)")
    return 0
