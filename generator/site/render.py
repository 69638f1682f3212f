"""The Jinja environment every template of the site is rendered in, and what it gives them
beside the data: dates in Indonesian and English, status icons and notes, the CSP <meta> of a
standalone page. Autoescaped, strict: data is always text, a missing value is an error.
"""

from __future__ import annotations

from datetime import date

import jinja2
import markupsafe

from ..data import history
from ..data.model import STATUS_LABELS
from . import security

MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# Status icons (24x24 paths); docs/assets/registri/status.js holds the same for re-judging.
ICONS = {
    "berlaku": "M9 16.2 4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4z",
    "kedaluwarsa": "M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 18a8 8 0 1 1 0-16 8 8 0 0 1 0 "
    "16zm.5-13H11v6l5.2 3.2.8-1.3-4.5-2.7z",
    "dibekukan": "M6 19h4V5H6zm8-14v14h4V5z",
    "dicabut": "M19 6.4 17.6 5 12 10.6 6.4 5 5 6.4 10.6 12 5 17.6 6.4 19 12 13.4 17.6 19 "
    "19 17.6 13.4 12z",
}

STATUS_NOTES = {
    "berlaku": (
        "Sertifikat ini tercatat dan masih berlaku.",
        "This certificate is registered and in force.",
    ),
    "kedaluwarsa": (
        "Sertifikat ini tercatat, tetapi masa berlakunya sudah habis.",
        "This certificate is registered, but it has expired.",
    ),
    "dibekukan": (
        "Sertifikat ini sedang dibekukan: untuk sementara tidak berlaku.",
        "This certificate is suspended: temporarily not in force.",
    ),
    "dicabut": (
        "Sertifikat ini telah dicabut dan tidak berlaku lagi.",
        "This certificate has been revoked and is no longer valid.",
    ),
}


def date_id(d: date | None) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}" if d else ""


def date_en(d: date | None) -> str:
    return f"{d.day} {MONTHS_EN[d.month - 1]} {d.year}" if d else ""


def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("generator.site", "templates"),
        autoescape=True,  # every template, whatever its extension: data is always text
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["date_id"] = date_id
    env.filters["date_en"] = date_en
    env.globals["STATUS_LABELS"] = STATUS_LABELS
    env.globals["STATUS_NOTES"] = STATUS_NOTES
    env.globals["ICONS"] = ICONS
    # the CSP and referrer <meta> of a standalone page: no inline script, no hashes
    env.globals["SECURITY_META"] = markupsafe.Markup(security.meta_tags())
    env.globals["KINDS"] = history.KINDS
    return env


ENV = _env()


def standalone(template: str, path: str, **ctx) -> str:
    """A page of the light layout (templates/_halaman.html.j2): a complete HTML file that any
    engine copies as it is. `path` is its URL path under the site root ('' for the home page)."""
    return ENV.get_template(template).render(path=path, **ctx)
