"""The seal a UMKM embeds on its own website or shop page: `/lencana/<umkm-id>.svg`
(SPEC "The holder's portfolio"; template templates/lencana.svg.j2).

It names the registry's host in large enough letters that a seal copied from a forged site
points its readers at the forged host, says how many certificates are BERLAKU and the date of
the data, and is green only while at least one is. Static: the browser does not re-judge it,
so it carries its date; the profile and verification pages it links to do.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from .render import ENV

GREEN = "#1b5e20"  # the verification page's BERLAKU colour
GREY = "#555555"  # no certificate in force: never green
WIDTH = 112  # usable text width in user units (the seal is 120 wide)
HOST_LINE = 22  # characters of the host on one line before it is split at a dot
SHORT_MONTHS = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")


class Line(NamedTuple):
    y: float
    size: float
    bold: bool
    fill: str
    text: str
    squeeze: int | None  # textLength when the text would be wider than the seal


def _line(y: float, size: float, text: str, fill: str, bold: bool = False) -> Line:
    # ~0.6 em a character for bold sans-serif (DejaVu Sans is among the widest): when the
    # estimate is over the width, textLength makes the renderer fit it, whatever the font
    wide = len(text) * size * (0.62 if bold else 0.56) > WIDTH
    return Line(y, size, bold, fill, text, WIDTH if wide else None)


def host_lines(host: str) -> list[str]:
    """The host on one line, or two split after the dot nearest the middle."""
    if len(host) <= HOST_LINE or "." not in host:
        return [host]
    dots = [i for i, ch in enumerate(host) if ch == "."]
    cut = min(dots, key=lambda i: abs(i + 1 - len(host) / 2)) + 1
    return [host[:cut], host[cut:]]


def short_date(d: date) -> str:
    return f"{d.day} {SHORT_MONTHS[d.month - 1]} {d.year}"


def svg(nama: str, n_berlaku: int, host: str, today: date) -> str:
    """The seal of a UMKM named `nama` holding `n_berlaku` BERLAKU certificates."""
    colour = GREEN if n_berlaku else GREY
    white = "#ffffff"
    if n_berlaku:
        top = [
            _line(14, 11, "Bersertifikat", white, bold=True),
            _line(27, 11, "kompetensi", white, bold=True),
            _line(39, 9, f"{n_berlaku} sertifikat berlaku", white),
        ]
    else:
        top = [
            _line(14, 10, "Tidak ada sertifikat", white, bold=True),
            _line(27, 10, "yang berlaku", white, bold=True),
            _line(39, 8.5, "Bersertifikat kompetensi: —", white),
        ]
    hosts = host_lines(host)
    ys = (55,) if len(hosts) == 1 else (53, 61.5)
    bottom = [
        _line(y, 8.5, "· " + h if i == 0 else h, "#1a1a1a", bold=True)
        for i, (y, h) in enumerate(zip(ys, hosts, strict=True))
    ]
    bottom.append(
        _line(68.5 if len(hosts) == 2 else 65.5, 7, f"Data per {short_date(today)}", "#1a1a1a")
    )
    if n_berlaku:
        label = (
            f"{nama}: bersertifikat kompetensi, {n_berlaku} sertifikat berlaku, "
            f"terdaftar di {host}, data per {short_date(today)}"
        )
    else:
        label = (
            f"{nama}: tidak ada sertifikat kompetensi yang berlaku di {host}, "
            f"data per {short_date(today)}"
        )
    return ENV.get_template("lencana.svg.j2").render(
        label=label, colour=colour, n_berlaku=n_berlaku, lines=top + bottom
    )
