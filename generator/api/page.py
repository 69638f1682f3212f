"""The /api/ page (docs/api/index.md): what the files are, how to check a certificate by
program, the feeds, the CSV format, the field reference read from `API_FILES`, the signatures
and the licence. Python gathers plain values; templates/index.md.j2 writes the Markdown and its
HTML blocks.
"""

from __future__ import annotations

import html
import re
from datetime import datetime

import jinja2
from markupsafe import Markup

from ..data import history, model
from ..data.config import SiteUrl
from ..site.docs_files import front_matter
from ..site.render import ENV, date_id
from .catalogue import API_FILES
from .records import LICENCE

# HTML's own specials, then what Markdown, its extensions or a template engine could act on,
# as character references: the browser shows the same text, no processor sees syntax.
_ENTITIES = {
    **{c: html.escape(c, quote=True) for c in "&<>\"'"},
    **{c: f"&#{ord(c)};" for c in "{}[]()*_`\\|~#!$:^+-=@%"},
}


def inert(text: str) -> Markup:
    """`text` as inert HTML text: escaped for HTML, and nothing left for Markdown. Every value
    from data goes through it (the `esc` filter), so it is never Markdown, never markup, and
    never a {{ }} for a template engine."""
    return Markup("".join(_ENTITIES.get(ch, ch) for ch in str(text)))


def _ours(text: str) -> Markup:
    """Our own words (the declarations, the status words): escaped for HTML only, quotes left
    as they are."""
    return Markup(html.escape(text, quote=False))


def _break_after(name: str, after: str) -> list[str]:
    """`name` cut after each of the characters `after`: the places where a narrow screen may
    break it (<wbr>), never inside a word."""
    return [part for part in re.split(f"(?<=[{re.escape(after)}])", name) if part]


def _env() -> jinja2.Environment:
    """The site's environment (autoescape, strict, its whitespace rules) reading this wing's
    templates, with this page's filters (a dict of its own: the site's stays as it is)."""
    env = ENV.overlay(loader=jinja2.PackageLoader("generator.api", "templates"))
    env.filters = {**ENV.filters, "esc": inert, "ours": _ours, "break_after": _break_after}
    return env


_ENV = _env()

_STATUS_WORDS = {
    "berlaku": "aktif dan belum lewat `berlaku_sampai`",
    "kedaluwarsa": "aktif tetapi `berlaku_sampai` sudah lewat",
    "dibekukan": "dibekukan sementara oleh penerbit",
    "dicabut": "dicabut oleh penerbit",
}

FEED_ATOM_PATH = "api/perubahan.xml"
FEED_ATOM_DOC = (
    "Umpan Atom perubahan status terbaru (terbit, dibekukan, dicabut, aktif kembali, "
    "kedaluwarsa), yang terbaru lebih dulu. Lihat Perubahan status."
)
# The page's own table of contents: (heading slug as MkDocs' toc makes it, text).
_CONTENTS = (
    ("berkas", "Berkas"),
    ("memeriksa-sertifikat-lewat-program", "Memeriksa sertifikat lewat program"),
    ("perubahan-status-atom-dan-json", "Perubahan status (Atom dan JSON)"),
    ("format-csv", "Format CSV"),
    ("referensi-kunci-dan-kolom", "Referensi kunci dan kolom"),
    ("tanda-tangan-digital", "Tanda tangan digital"),
    ("lisensi", "Lisensi"),
)


def _relative(path: str) -> str:
    """Link target of an /api/ file from the /api/ page itself."""
    return path.removeprefix("api/")


def index_page(registry: model.Registry, built: datetime, site_url: SiteUrl | None) -> str:
    """The Markdown of the /api/ page."""
    from ..signing import apidoc  # the signatures section belongs to generator/signing

    info = registry.registri
    base = site_url or "https://alamat-situs/"
    example_id = next((c.id for _, c in registry.certificates()), "contoh-2020-0001")
    listed = [(f.path, f.doc) for f in API_FILES] + [(FEED_ATOM_PATH, FEED_ATOM_DOC)]
    # no sidebars: the page looks like the light pages (its own contents list is at its top)
    meta = front_matter(title="API dan Data Terbuka", hide=["navigation", "toc"])
    return meta + _ENV.get_template("index.md.j2").render(
        judul=info.judul,
        penerbit=info.penerbit,
        day=built.date().isoformat(),
        day_text=date_id(built.date()),
        site_url=site_url,
        base=base,
        cert_url=f"{base}api/sertifikat/{example_id}.json",
        contents=_CONTENTS,
        files=[
            {"path": path, "doc": doc, "href": None if "<" in path else _relative(path)}
            for path, doc in listed
        ],
        statuses=[
            {
                "status": s,
                "id": model.STATUS_LABELS[s][0],
                "en": model.STATUS_LABELS[s][1],
                "words": _STATUS_WORDS[s],
            }
            for s in model.DISPLAYED_STATUSES
        ],
        feed_max=history.FEED_MAX,
        api_files=API_FILES,
        signing=Markup(apidoc.section(registry, site_url, built.date(), inert)),
        licence_url=LICENCE["url"],
    )
