"""`python -m generator export | import`: the registry as an Excel workbook to edit (with the
confidential RAHASIA sheet only outside the project and outside git), and a workbook or CSV
merged back into the data file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..data import config, load
from . import report


def cmd_export(args: argparse.Namespace) -> int:
    """The registry as a workbook: UMKM, Sertifikat, Referensi (and RAHASIA with --rahasia)."""
    from ..sheets import export_xlsx

    data = Path(args.data)
    out = Path(args.out) if args.out else _default_out(args)
    if out.parent == DEFAULT_OUT:  # keluaran/ (git-ignored) is made when first used
        try:
            out.parent.mkdir(exist_ok=True)
        except OSError as e:
            print(f"{out.parent}: folder tidak bisa dibuat ({e.strerror or e})", file=sys.stderr)
            return 1
    try:
        export_xlsx.check_out_path(out, data, replace_any=args.timpa)
    except export_xlsx.OutPathError as e:
        print(e, file=sys.stderr)
        return 1
    repo = None if args.rahasia or args.di_repo else _tracked_place(out)
    if repo is not None:
        print(
            f"{out}: berkas ini ada di dalam repositori {repo} dan tidak diabaikan "
            "git: satu 'commit semua' akan menerbitkannya. Tulis ke folder keluaran/ (bawaan), "
            "ke luar repositori, atau tambahkan --di-repo bila memang ingin di situ.",
            file=sys.stderr,
        )
        return 1
    try:
        registry = load.load(data)
    except load.DataError as e:
        return report.data_error(e, "Buku kerja tidak dibuat.")
    secrets = None
    if args.rahasia:
        inside = config.published_folder(out, [Path.cwd(), data.resolve().parent.parent])
        if inside is not None:
            print(
                f"{out}: berkas ini ada di {inside[1]} {inside[0]}, yang diterbitkan atau "
                "diganti setiap kali situs dibangun: data rahasia bisa menjadi publik. Simpan "
                "buku kerja RAHASIA di luar folder proyek, mis. di folder Dokumen.",
                file=sys.stderr,
            )
            return 1
        if not _rahasia_out_ignored(out):
            return 1
        secrets = _secrets_for_export(registry, data)
        if secrets is None:
            return 1
    try:
        counts = export_xlsx.write(registry, out, template=args.templat, secrets=secrets)
    except OSError as e:
        hint = "; tutup dulu berkas itu di Excel" if isinstance(e, PermissionError) else ""
        report.say(f"{out}: tidak bisa ditulis ({e.strerror or e}){hint}", sys.stderr)
        return 1
    if args.templat:
        print(
            f"{out}: templat kosong (judul kolom, daftar pilihan, Referensi) untuk angkatan baru."
        )
    else:
        report.say(f"{out}: {counts['umkm']} UMKM, {counts['sertifikat']} sertifikat.")
    if secrets is not None:
        print(
            f"Lembar RAHASIA berisi data rahasia {counts['rahasia']} UMKM: jangan unggah "
            "berkas ini ke GitHub atau membagikannya.",
            file=sys.stderr,
        )
    return 0


DEFAULT_OUT = Path("keluaran")  # git-ignored (.gitignore): an export is not committed by accident


def _default_out(args: argparse.Namespace) -> Path:
    name = "templat" if args.templat else "registri-rahasia" if args.rahasia else "registri"
    return DEFAULT_OUT / f"{name}.xlsx"


def _tracked_place(out: Path) -> Path | None:
    """The git work tree in which git would take `out` (a path it does not ignore), or None:
    outside any repository, ignored, or git not installed (nothing to ask then)."""
    import os
    import shutil

    from ..signing import newkey

    target = Path(os.path.abspath(out))
    repo = newkey._repository_of(target)
    if repo is None or shutil.which("git") is None or newkey._git_ignores(repo, target):
        return None
    return repo


def _rahasia_out_ignored(out: Path) -> bool:
    """False (said) when the RAHASIA workbook would land in a git work tree where git does not
    ignore it: one `git add .` from the public repository (the private key's rule)."""
    repo = _tracked_place(out)
    if repo is None:
        return True
    print(
        f"{out}: berkas ini ada di dalam repositori {repo} dan tidak diabaikan git: data "
        "rahasia bisa ikut terunggah dan menjadi publik. Simpan buku kerja RAHASIA di luar "
        "repositori (mis. di folder Dokumen), atau di folder yang tercantum di .gitignore.",
        file=sys.stderr,
    )
    return False


def _secrets_for_export(registry, data: Path):
    """Confidential records of the registry (inline sample blocks and data/rahasia.yaml), or
    None when data/rahasia.yaml has problems (reported)."""
    from ..data import confidential

    try:
        return confidential.all_secrets(registry, data)
    except load.DataError as e:
        report.data_error(e, "Buku kerja tidak dibuat.")
        return None


def cmd_import(args: argparse.Namespace) -> int:
    from ..sheets import importer

    result = importer.run(Path(args.berkas), Path(args.data), dry_run=args.dry_run, fmt=args.format)
    for line in result.lines:
        _print_escaped(line)
    for line in result.notes:
        _print_escaped(line, sys.stderr)
    return result.code


def _print_escaped(text: str, file=None) -> None:
    """Each line of `text` with every control character escaped (a file name holding a newline
    or a terminal escape cannot forge a line or a colour)."""
    from ..data import diagnostics

    for part in text.split("\n"):
        print(diagnostics.one_line(part), file=file or sys.stdout)
