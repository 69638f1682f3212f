"""The print folder of `python -m generator qr`: which certificates, their codes as SVG and PNG
files, and the A4 label sheet (templates/labels.html.j2), written into a new folder that is
swapped in only when complete and only over a folder this command wrote.
"""

from __future__ import annotations

import difflib
import os
import re
import secrets
import shutil
from collections.abc import Iterable, Sequence
from datetime import date
from functools import lru_cache
from pathlib import Path

import jinja2

from ..data import config, declarations, model
from . import qr

LABEL_SHEET = "lembar-label.html"
LABELS_PER_PAGE = 12  # 2 columns x 6 rows on A4: see templates/labels.html.j2


class OutDirError(Exception):
    """The output folder cannot be used; the message is for the admin, in plain words."""


class SelectionError(Exception):
    """The certificates asked for cannot be printed; the message is for the admin."""


def select_certificates(
    registry: model.Registry,
    today: date,
    *,
    semua: bool = False,
    ids: Sequence[str] = (),
    sejak: date | None = None,
) -> list[tuple[model.Umkm, model.Certificate]]:
    """The certificates `qr` prints, in file order: BERLAKU only unless `semua`; those named
    in `ids` (each must exist) and/or those issued on or after `sejak`. SelectionError when
    an id is unknown, when a named certificate is not BERLAKU and `semua` is not given, or
    when nothing is left to print."""
    by_id = {c.id: (u, c) for u, c in registry.certificates()}
    unknown = [i for i in dict.fromkeys(ids) if i not in by_id]
    if unknown:
        lines = []
        for i in unknown:
            close = difflib.get_close_matches(i.lower(), list(by_id), n=1, cutoff=0.75)
            hint = f" (mungkin maksud Anda {close[0]}?)" if close else ""
            lines.append(f"--sertifikat {i}: tidak ada sertifikat dengan id ini{hint}")
        raise SelectionError("\n".join(lines))
    wanted = set(ids)
    chosen = []
    refused = []
    for u, c in registry.certificates():
        if wanted and c.id not in wanted:
            continue
        if sejak is not None and c.tanggal_terbit < sejak:
            continue
        status = c.displayed_status(today)
        if status != "berlaku" and not semua:
            if wanted:
                refused.append(f"--sertifikat {c.id}: berstatus {model.STATUS_LABELS[status][0]}")
            continue
        chosen.append((u, c))
    if refused:
        raise SelectionError(
            "\n".join(refused)
            + "\nLabel sertifikat yang tidak berlaku hanya dicetak dengan --semua "
            "(ditandai JANGAN DITEMPEL)."
        )
    if not chosen:
        what = "yang berlaku" if not semua else ""
        since = f" yang terbit sejak {sejak.isoformat()}" if sejak else ""
        raise SelectionError(
            f"tidak ada sertifikat {what}{since} untuk dicetak".replace("  ", " ")
            + (" (tambahkan --semua untuk yang tidak berlaku)" if not semua else "")
        )
    return chosen


def write_print_files(
    registry: model.Registry,
    site_url: str,
    out_dir: Path,
    *,
    today: date | None = None,
    certificates: Iterable[tuple[model.Umkm, model.Certificate]] | None = None,
) -> list[Path]:
    """Write `<id>.svg`, `<id>.png` for each of `certificates` (default: every certificate)
    and the label sheet LABEL_SHEET into `out_dir` (created if missing). Returns the paths
    written.

    The label sheet puts certificates that are not BERLAKU on pages of their own, each label
    marked with its status and "JANGAN DITEMPEL"; every label shows the official host."""
    site_url = config.require_site_url(site_url)
    host = site_url.host
    today = today or config.build_date()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    valid: list[dict] = []
    other: list[dict] = []
    chosen = list(registry.certificates() if certificates is None else certificates)
    qr.prepare(qr.verification_url(site_url, c.id) for _, c in chosen)
    for umkm, cert in chosen:
        url = qr.verification_url(site_url, cert.id)
        for suffix, data in ((".svg", qr.print_svg(url)), (".png", qr.print_png(url))):
            path = out_dir / f"{cert.id}{suffix}"
            path.write_bytes(data)
            written.append(path)
        status = cert.displayed_status(today)
        label = {
            "id": cert.id,
            "nomor": cert.nomor,
            "pemegang": cert.pemegang,
            "usaha": umkm.nama,
            "url": url,
            "url_parts": re.findall(r"[^/.]*[/.]+|[^/.]+$", url),  # breaks after / or .
            "svg": f"{cert.id}.svg",
            "status": status,
            "status_label": model.STATUS_LABELS[status][0],
        }
        (valid if status == "berlaku" else other).append(label)
    info = registry.registri
    sheet = _template().render(
        judul=info.judul,
        penerbit=info.penerbit,
        contoh=info.contoh,
        tanggal=today.isoformat(),
        site_url=site_url,
        host=host,
        host_parts=re.findall(r"[^.]+\.?", host),  # line breaks after a dot, if needed
        groups=[
            {"key": "berlaku", "pages": _pages(valid), "count": len(valid)},
            {"key": "lain", "pages": _pages(other), "count": len(other)},
        ],
        total=len(valid) + len(other),
        min_mm=int(qr.PRINT_MIN_MM),
        dpi=qr.PRINT_DPI,
    )
    path = out_dir / LABEL_SHEET
    path.write_text(sheet, encoding="utf-8")
    written.append(path)
    return written


def write_print_folder(
    registry: model.Registry,
    site_url: str,
    out_dir: Path,
    *,
    today: date | None = None,
    certificates: Iterable[tuple[model.Umkm, model.Certificate]] | None = None,
) -> list[Path]:
    """`write_print_files` into a new folder beside `out_dir`, then swapped in for it: a
    failure leaves the previous folder as it was. Refuses (OutDirError) to replace a folder
    holding anything but files this command writes, so `--out .` cannot wipe a project."""
    shown = str(out_dir)
    out = Path(out_dir).resolve()
    site_url = config.require_site_url(site_url)  # before touching the disk
    if out.exists() and not out.is_dir():
        raise OutDirError(
            f"{shown}: ini berkas, bukan folder; berkas ini tidak diubah. Pilih folder "
            "untuk kode QR dengan --out, mis. --out qr-cetak"
        )
    if out.exists() and not _is_print_folder(out):
        raise OutDirError(
            f"{shown}: folder ini sudah ada dan berisi berkas lain selain hasil "
            "perintah qr; pilih folder lain dengan --out"
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.baru-{os.getpid()}-{secrets.token_hex(4)}"
    tmp.mkdir()
    try:
        written = write_print_files(registry, site_url, tmp, today=today, certificates=certificates)
        old = None
        if out.exists():
            old = out.parent / f".{out.name}.lama-{os.getpid()}-{secrets.token_hex(4)}"
            os.replace(out, old)
        try:
            os.replace(tmp, out)
        except BaseException:
            if old is not None:
                os.replace(old, out)
            raise
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return [out / p.name for p in written]


@lru_cache(maxsize=1)
def _template() -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True,  # every data field is text, never markup
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("labels.html.j2")


def _pages(labels: list[dict]) -> list[list[dict]]:
    return [labels[i : i + LABELS_PER_PAGE] for i in range(0, len(labels), LABELS_PER_PAGE)]


def _is_print_folder(path: Path) -> bool:
    """An empty folder, or one this command wrote: the label sheet and codes named after
    certificate ids, each as .svg and .png, nothing else (a folder of the admin's own .png
    photos is not ours)."""
    if not path.is_dir():
        return False
    entries = list(path.iterdir())
    if not entries:
        return True
    if not (path / LABEL_SHEET).is_file():
        return False
    stems = {suffix: {p.stem for p in entries if p.suffix == suffix} for suffix in (".svg", ".png")}
    if stems[".svg"] != stems[".png"]:  # codes come in pairs; a lone picture is the admin's
        return False
    return all(
        p.is_file()
        and not p.is_symlink()
        and (
            p.name == LABEL_SHEET
            or (p.suffix in (".svg", ".png") and re.match(declarations.SLUG_RE, p.stem) is not None)
        )
        for p in entries
    )
