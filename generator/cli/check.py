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
    from . import portal

    portal_file = portal.portal_for(args, None if args.data == DEFAULT_DATA else args.data)
    if portal_file is not None:
        return portal.cmd_check(portal_file, args.format)
    # Every kind of problem in one run (the data, the placeholders a real registry may not
    # publish, data/rahasia.yaml, a confidential value copied into public data): the admin
    # fixes them all at once instead of meeting the next kind after fixing the first.
    errors, registry, secrets = [], None, {}
    try:
        site_url, config_file = _site_url_for_check(args.config)
    except config.ConfigError as e:
        report.say(e)
        return 1
    need_site_url = config_file is not None
    try:
        registry = load.load(args.data)
    except load.DataError as e:
        errors.append(e)
    judged = registry if registry is not None else _registri_as_read(args.data)
    if judged is not None:
        try:
            trust.require_publishable(
                judged, site_url, Path(args.data), config_file, need_site_url=need_site_url
            )
        except load.DataError as e:
            errors.append(e)
    try:  # data/rahasia.yaml beside the data, when present: validated, never printed
        secrets = confidential.read(confidential.path_for(args.data), registry or judged)
    except load.DataError as e:
        errors.append(e)
    copied = _copied_secrets(registry, secrets, args.data)
    if copied is not None:
        errors.append(copied)
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


def _registri_as_read(data):
    """When the data has errors: what the placeholder rules and rahasia.yaml's id rule need
    (`registri` and the UMKM ids as read, values with problems left out), or None when the
    file cannot be read as YAML at all (its problem is already reported)."""
    from types import SimpleNamespace

    from ..data import compose, model

    try:
        tree, _ = compose.read_tree(load.read_text(Path(data)), str(data))
    except (load.DataError, OSError):
        return None
    reg = tree.get("registri") if isinstance(tree, dict) else None
    if not isinstance(reg, dict) or ("contoh" in getattr(reg, "marks", {}) and "contoh" not in reg):
        return None  # sample or real registry: not known (`contoh` missing or not valid)
    kontak = reg.get("kontak") if isinstance(reg.get("kontak"), dict) else {}
    umkm = tree.get("umkm") if isinstance(tree, dict) else None
    ids = [u["id"] for u in umkm or () if isinstance(u, dict) and isinstance(u.get("id"), str)]
    return SimpleNamespace(
        registri=SimpleNamespace(
            contoh=reg.get("contoh") is True,
            kontak=model.RegistryContact(
                **{k: kontak.get(k) for k in ("email", "telepon", "alamat")}
            ),
        ),
        umkm=[SimpleNamespace(id=i) for i in ids],
    )


def _copied_secrets(registry, secrets, data) -> load.DataError | None:
    """A confidential value (alamat, catatan) copied into a public field of its UMKM."""
    from ..data import confidential

    if registry is None:
        return None
    found = confidential.copied_into_public(
        registry, {**registry.confidential_records(), **secrets}
    )
    if not found:
        return None
    return load.DataError(str(data), [load.Problem(0, 0, m) for m in found])


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
