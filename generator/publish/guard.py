"""The permanent-URL guard: an id that was published once never disappears.

Three nets, strongest first:

1. The id ledger (`data/id-terbit.txt`, publish/ledger.py), kept in the repository: every id
   a real registry ever published. An id recorded there and missing from the data fails every
   check and build, pointing at the ledger line. A wrong site_url cannot switch it off.
2. The ledger's own git history: every ledger line ever committed must still be in the file,
   unchanged, so removing ids from the data and the ledger together is caught too.
3. Manifests of sites already built: the last local build (`site/api/manifest.json`, so a
   removed certificate is caught at the desk) and, with `check --previous`, the live site.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from ..data import model, user_files
from ..data.load import DataError, Problem
from . import ledger, manifest


@dataclass
class Findings:
    """Error lines (the check fails) and warnings (it does not), for the admin."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def extend(self, other: Findings) -> None:
        self.errors += other.errors
        self.warnings += other.warnings


def _contoh_line(data: Path) -> int:
    try:
        text = user_files.read_text(data, user_files.DATA)
    except (user_files.UserFileError, UnicodeDecodeError):
        return 0
    for n, line in enumerate(text.splitlines(), start=1):
        if re.match(r"\s+contoh\s*:", line):
            return n
    return 0


def ledger_problems(registry: model.Registry, data: str | Path) -> DataError | None:
    """What the ledger says against this data (cheap: no git, no network), or None.

    A damaged ledger; a registry with a ledger that went back to `contoh: true`; every
    recorded id missing from the data, each on its ledger line."""
    path = ledger.path_for(data)
    try:
        led = ledger.read(path)
    except ledger.LedgerError as e:
        return DataError(str(path), [Problem(e.line, 1 if e.line else 0, e.message)])
    if registry.registri.contoh:
        if not len(led):
            return None
        line = _contoh_line(Path(data))
        return DataError(
            str(data),
            [
                Problem(
                    line,
                    1 if line else 0,
                    f"registri.contoh: true, padahal registri ini sudah menerbitkan "
                    f"{len(led)} id (tercatat di {path}). Registri yang sudah terbit tidak "
                    "boleh kembali menjadi data contoh: tulis contoh: false.",
                )
            ],
        )
    problems = []
    for kind, ident in led.missing(registry):
        if kind == "sertifikat":
            what = (
                f"sertifikat '{ident}' sudah terbit (tercatat di baris ini) tetapi tidak ada "
                f"lagi di {data}. Kode QR yang sudah tercetak mengarah ke verifikasi/{ident}/, "
                "jadi sertifikat tidak pernah dihapus: kembalikan sertifikat ini dengan id yang "
                "sama, lalu beri status: dicabut, alasan_status dan tanggal_status."
            )
        else:
            what = (
                f"UMKM '{ident}' sudah terbit (tercatat di baris ini) tetapi tidak ada lagi di "
                f"{data}. Alamat umkm/{ident}/ sudah dicetak atau dibagikan: kembalikan UMKM ini "
                "dengan id yang sama (bila usahanya berhenti, cabut sertifikatnya)."
            )
        problems.append(Problem(led.lines.get((kind, ident), 0), 1, what + " Baris ini tetap."))
    return DataError(str(path), problems) if problems else None


def _git(folder: Path, *args: str) -> subprocess.CompletedProcess | None:
    git = shutil.which("git")
    if git is None:
        return None
    try:
        return subprocess.run(
            [git, "-C", str(folder), *args],
            capture_output=True,
            timeout=120,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None


def history_problems(data: str | Path) -> Findings:
    """Every ledger line ever committed must still be in the ledger, unchanged.

    A missing git, a folder outside a repository, or a shallow clone give a warning (the
    workflow checks out with fetch-depth: 0)."""
    found = Findings()
    path = ledger.path_for(data)
    folder = path.parent.resolve()
    if not folder.is_dir():
        return found
    probe = _git(folder, "rev-parse", "--is-inside-work-tree", "--is-shallow-repository")
    if probe is None:
        found.warnings.append(
            f"{path}: git tidak tersedia: riwayat id-terbit tidak diperiksa "
            "(pemeriksaan ini berjalan di workflow)."
        )
        return found
    if probe.returncode != 0:
        found.warnings.append(
            f"{path}: folder ini bukan repositori git (atau git menolak membacanya): riwayat "
            "id-terbit tidak diperiksa."
        )
        return found
    if probe.stdout.decode("ascii", "replace").split()[-1:] == ["true"]:
        found.warnings.append(
            f"{path}: klon git dangkal (shallow): riwayat id-terbit hanya diperiksa sebagian. "
            "Di workflow, actions/checkout perlu fetch-depth: 0."
        )
    log = _git(
        folder,
        "log",
        "--full-history",
        "-m",
        "-p",
        "--unified=0",
        "--no-color",
        "--no-ext-diff",
        "--no-textconv",
        "--no-renames",
        "--format=commit %h",
        "--",
        path.name,
    )
    if log is None or log.returncode != 0:
        found.warnings.append(f"{path}: riwayat git tidak bisa dibaca: tidak diperiksa.")
        return found
    try:
        current_text = user_files.read_text(path, user_files.DATA, encoding="utf-8")
    except user_files.UserFileError as e:
        if not e.missing:
            return found  # ledger_problems reports the damaged file
        current_text = ""
    except UnicodeDecodeError:
        return found  # ledger_problems reports the damaged file
    current = {line.strip() for line in current_text.splitlines()}
    commit, reported = "", set()
    for raw in log.stdout.decode("utf-8", "replace").splitlines():
        if raw.startswith("commit "):
            commit = raw[7:].strip()
        elif raw.startswith("+") and not raw.startswith("+++"):
            line = raw[1:].strip()
            if ledger.entry(line) and line not in current and line not in reported:
                reported.add(line)
                found.errors.append(
                    f"{path}: baris {line!r} pernah tercatat (commit {commit}) tetapi sudah "
                    "diubah atau dihapus. Berkas ini hanya boleh bertambah: kembalikan baris "
                    f"itu persis seperti semula (git log -p -- {path}), dan kembalikan id itu "
                    "di data bila ikut dihapus."
                )
    return found


def manifest_problems(
    registry: model.Registry,
    data: str | Path,
    previous: dict | None,
    source: str,
    *,
    recorded: int,
    local: bool = False,
) -> Findings:
    """Compare the data with a published manifest (`previous`, None for an HTTP 404).

    A 404 passes only while the ledger is empty (`recorded` == 0): with ids recorded, the site
    must exist, so the address is wrong. Ids missing from the data fail a real registry; for
    sample data, and against a manifest of sample data, they are only reported."""
    found = Findings()
    if previous is None:
        if recorded:
            found.errors.append(
                f"{source}: tidak ada (HTTP 404), padahal {ledger.path_for(data)} mencatat "
                f"{recorded} id yang sudah terbit. site_url di mkdocs.yml kemungkinan salah "
                "(situs yang sudah terbit tidak ada di alamat itu): cocokkan dengan alamat di "
                "Settings -> Pages repositori ini."
            )
        else:
            found.warnings.append(
                f"{source}: belum ada manifest (HTTP 404): dianggap situs belum pernah terbit."
            )
        return found
    if manifest.from_sample(previous) and not registry.registri.contoh:
        found.warnings.append(
            f"{source}: situs itu dibangun dari data contoh: tidak dibandingkan dengan data ini."
        )
        return found
    missing = manifest.missing_from(registry, previous)
    if not missing:
        return found
    if registry.registri.contoh:
        found.warnings.append(
            f"{source}: {len(missing)} id dari situs itu tidak ada di data contoh ini "
            "(untuk registri sungguhan, ini kesalahan)."
        )
        return found
    found.errors += manifest.describe_missing(str(data), missing)
    if local:
        found.errors.append(
            f"Dibandingkan dengan situs yang terakhir dibangun di komputer ini ({source}). Bila "
            "situs itu dibangun dari data lain, hapus folder situsnya lalu periksa lagi."
        )
    return found
