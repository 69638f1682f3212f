"""`python -m generator check`: the data, data/rahasia.yaml beside it, the placeholders a real
registry may not publish, and the ids already published (the ledger's git history, the last
local build's manifest, `--previous`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..data import config, load, trust
from . import report

DEFAULT_DATA = "data/umkm.yaml"


def cmd_check(args: argparse.Namespace) -> int:
    from ..data import confidential

    errors, registry, secrets = [], None, {}
    try:
        registry = load.load(args.data)
        site_url, config_file = _site_url_for_check(args.config)
        trust.require_publishable(
            registry, site_url, Path(args.data), config_file, need_site_url=config_file is not None
        )
    except load.DataError as e:
        errors.append(e)
    except config.ConfigError as e:
        report.say(e)
        return 1
    try:  # data/rahasia.yaml beside the data, when present: validated, never printed
        secrets = confidential.read(confidential.path_for(args.data), registry)
    except load.DataError as e:
        errors.append(e)
    if errors:
        return report.data_errors(errors, "Perbaiki lalu jalankan lagi.", args.format)
    trust.print_warnings(registry, site_url, config_file)
    from ..publish import guard

    problem = guard.ledger_problems(registry, args.data)
    if problem is not None:
        return report.data_errors([problem], "Perbaiki lalu jalankan lagi.", args.format)
    findings = _published_ids_guard(registry, args, config_file)
    for line in findings.warnings:
        report.say(line, sys.stderr)
    for line in findings.errors:
        report.problem_line(line, args.format, args.data)
    if findings.errors:
        return 1
    n_cert = sum(1 for _ in registry.certificates())
    report.say(f"{args.data}: data sah: {len(registry.umkm)} UMKM, {n_cert} sertifikat.")
    if secrets:
        where = confidential.path_for(args.data)
        report.say(f"{where}: data rahasia sah untuk {len(secrets)} UMKM.")
    return 0


def _published_ids_guard(registry, args: argparse.Namespace, config_file: Path | None):
    """The ledger's git history, the last local build's manifest and `--previous`."""
    from ..publish import guard, ledger, manifest

    findings = guard.Findings()
    recorded = 0
    if not registry.registri.contoh:
        findings.extend(guard.history_problems(args.data))
        recorded = len(ledger.read(ledger.path_for(args.data)))
    sources = []
    if args.previous:
        sources.append((str(args.previous), False))
    if Path(args.data).resolve() == Path(DEFAULT_DATA).resolve():
        site_dir = "site"
        if config_file is not None:
            try:
                site_dir = str(config.read_mkdocs_yml(config_file).get("site_dir") or "site")
            except config.ConfigError:
                pass
        base = config_file.parent if config_file is not None else Path()
        local = base / site_dir / "api" / "manifest.json"
        if local.is_file():
            sources.append((str(local), True))
    for source, is_local in sources:
        try:
            previous = manifest.load_previous(source)
        except manifest.ManifestError as e:
            findings.errors.append(f"{source}: {e}")
            continue
        findings.extend(
            guard.manifest_problems(
                registry, args.data, previous, source, recorded=recorded, local=is_local
            )
        )
    return findings


def _site_url_for_check(config_arg: str | None) -> tuple[config.SiteUrl | None, Path | None]:
    """site_url from mkdocs.yml, and the file it came from. `check` without --config in a
    folder that has no mkdocs.yml checks the data alone (config file None)."""
    path = Path(config_arg or "mkdocs.yml")
    if config_arg is None and not path.exists():
        return None, None
    return config.read_site_url(path), path
