"""`python -m generator qr`: print-ready QR codes (SVG and PNG) and an A4 label sheet of the
chosen certificates, written into a print folder.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..data import config, load, trust
from . import report


def cmd_qr(args: argparse.Namespace) -> int:
    """Print-ready QR codes (SVG and PNG) and an A4 label sheet of the chosen certificates."""
    from ..site import qr, qr_print

    try:
        registry = load.load(args.data)
        raw = config.read_mkdocs_yml(args.config).get("site_url")
        raw = None if raw is None else str(raw)
        config_file = Path(args.config)
        site_url = config.require_site_url(raw, source=args.config)
        trust.require_publishable(registry, site_url, Path(args.data), config_file)
        today = config.build_date()
        chosen = qr_print.select_certificates(
            registry, today, semua=args.semua, ids=args.sertifikat or (), sejak=args.sejak
        )
    except load.DataError as e:
        return report.data_error(e, "Tidak ada kode QR yang dibuat.")
    except (config.ConfigError, qr_print.SelectionError) as e:
        report.say(e, sys.stderr)
        print("Tidak ada kode QR yang dibuat; folder hasil tidak diubah.", file=sys.stderr)
        return 1
    trust.print_warnings(registry, site_url, config_file)
    previous = _previous_print(Path(args.out))
    try:
        written = qr_print.write_print_folder(
            registry, site_url, Path(args.out), today=today, certificates=chosen
        )
    except qr_print.OutDirError as e:
        report.say(e, sys.stderr)
        return 1
    except OSError as e:
        print(
            f"{args.out}: tidak bisa ditulis ({e.strerror or e}); folder lama tidak diubah.",
            file=sys.stderr,
        )
        return 1
    n = sum(1 for p in written if p.suffix == ".png")
    n_valid = sum(1 for _, c in chosen if c.displayed_status(today) == "berlaku")
    others = f", {n - n_valid} TIDAK BERLAKU (bertanda JANGAN DITEMPEL)" if n > n_valid else ""
    print(
        f"{args.out}/: {n} kode QR ({n_valid} berlaku{others}; SVG dan PNG {qr.PRINT_DPI} dpi, "
        f"lebar minimal {qr.PRINT_MIN_MM:g} mm) dan {qr_print.LABEL_SHEET} untuk dicetak di kertas "
        f"A4 ({qr.stats['made']} dibuat baru, {max(0, n - qr.stats['made'])} dari cache)."
    )
    if previous is not None:
        _say_replaced(args.out, previous, {p.stem for p in written if p.suffix == ".svg"}, today)
    return 0


def _previous_print(out: Path) -> tuple[set[str], str] | None:
    """The certificate ids and the date of the print folder about to be replaced (None: there
    is none). The folder is replaced only when it holds nothing but what `qr` writes (the
    admin's own files make `qr` refuse it, qr_print.write_print_folder)."""
    from datetime import UTC, datetime

    from ..site import qr_print

    sheet = out / qr_print.LABEL_SHEET
    try:
        if not out.is_dir() or not sheet.is_file():
            return None
        ids = {p.stem for p in out.iterdir() if p.suffix == ".svg"}
        when = datetime.fromtimestamp(sheet.stat().st_mtime, UTC).date().isoformat()
    except OSError:
        return None
    return ids, when


def _say_replaced(out: str, previous: tuple[set[str], str], now: set[str], today) -> None:
    """One run, one print folder (the guide and the label sheet name it); what it replaced is
    said, so that yesterday's labels never vanish without a word."""
    ids, when = previous
    gone = len(ids - now)
    lost = f"; {gone} label di antaranya tidak ada di cetakan ini" if gone else ""
    report.say(
        f"{out}/: cetakan sebelumnya ({len(ids)} kode QR, {when}) diganti{lost}. Untuk "
        f"menyimpan tiap angkatan, pakai folder sendiri: --out qr-cetak-{today.isoformat()}",
        sys.stderr,
    )
