"""Where a build may write: the site folder a build replaces whole must be missing, empty or an
earlier site of this generator (marked with SITE_MARKER), and never the project, its data, docs,
theme, code or git history. Used by `python -m generator build` and by the MkDocs hook.
"""

from __future__ import annotations

from pathlib import Path

SITE_MARKER = ".registri-situs"  # written into every site this generator builds
_MARKER_TEXT = (
    "Folder ini dibangun oleh Registri UMKM (python -m generator build) dan diganti utuh pada\n"
    "setiap pembangunan. Jangan menyimpan berkas lain di sini.\n"
)


class SiteDirError(Exception):
    """The site folder may not be replaced; the message is for the admin."""


def _is_within(path: Path, parent: Path) -> bool:
    return path == parent or parent in path.parents


def protected_paths(
    project_dir: Path, data: Path | None = None, cfg: dict | None = None
) -> list[tuple[Path, str, bool]]:
    """(path, what, also_inside) of what a site folder may never be or hold; with also_inside,
    the site folder may not sit inside it either."""
    cfg = cfg or {}
    docs = project_dir / str(cfg.get("docs_dir") or "docs")
    theme = cfg.get("theme") if isinstance(cfg.get("theme"), dict) else {}
    overrides = project_dir / str(theme.get("custom_dir") or "overrides")
    out = [
        (project_dir, "folder proyek", False),
        (docs, "folder halaman (docs_dir)", True),
        (overrides, "folder tema (overrides)", True),
        (project_dir / "data", "folder data", False),
        (project_dir / ".git", "riwayat git (.git)", True),
        (project_dir / "hooks", "folder hooks", True),
        (project_dir / "generator", "kode generator", True),
    ]
    if data is not None:
        out.append((data.parent, "folder berkas data", False))
    return [(p.resolve(), what, inside) for p, what, inside in out]


def looks_like_our_site(folder: Path) -> bool:
    """A site built by this generator: the marker, or (sites built before the marker existed)
    the home page together with the id manifest."""
    if (folder / SITE_MARKER).is_file():
        return True
    return (folder / "index.html").is_file() and (folder / "api" / "manifest.json").is_file()


def check_site_dir(
    target: Path, project_dir: Path, data: Path | None = None, cfg: dict | None = None
) -> Path:
    """The resolved `target` when a build may replace it; SiteDirError otherwise.

    Allowed: a folder that is missing, empty, or an earlier site of this generator. Never the
    project folder, docs/, data/, the theme overrides, .git (nor a parent of one of them, nor a
    folder inside docs/, overrides/ or .git)."""
    target = Path(target).resolve()
    for path, what, also_inside in protected_paths(Path(project_dir).resolve(), data, cfg):
        if target == path:
            where = f"ini adalah {what}"
        elif _is_within(path, target):
            where = f"folder ini memuat {what} ({path})"
        elif also_inside and _is_within(target, path):
            where = f"folder ini ada di dalam {what} ({path})"
        else:
            continue
        raise SiteDirError(
            f"{target}: tidak boleh dipakai sebagai folder situs: {where}. Pembangunan "
            "mengganti seluruh isi folder situs. Pilih folder lain, mis. --site-dir site."
        )
    if target.exists() and not target.is_dir():
        raise SiteDirError(
            f"{target}: tidak boleh dipakai sebagai folder situs: ini berkas, bukan folder. "
            "Berkas ini tidak diubah; pilih folder lain untuk situs."
        )
    if target.is_dir() and any(target.iterdir()) and not looks_like_our_site(target):
        raise SiteDirError(
            f"{target}: tidak boleh dipakai sebagai folder situs: folder ini berisi berkas yang "
            "bukan situs buatan Registri UMKM, dan pembangunan mengganti seluruh isinya. Isinya "
            "tidak diubah. Pilih folder kosong atau folder baru, atau kosongkan folder ini sendiri "
            "bila isinya memang tidak diperlukan."
        )
    return target


def mark_site(folder: Path) -> None:
    (folder / SITE_MARKER).write_text(_MARKER_TEXT, encoding="utf-8")
