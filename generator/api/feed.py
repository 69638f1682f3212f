"""/api/perubahan.xml (Atom, RFC 4287) and /api/perubahan.json: the registry's latest status
events, newest first, so an integrator can subscribe to revocations (SPEC "Status history").

Both files hold the same events (history.latest: at most history.FEED_MAX). Neither carries
the build time: an unchanged registry gives unchanged bytes, except when a certificate's
expiry day has passed (that is a new event) or the date of the data moves (the JSON's
`tanggal_data`). Entry ids are `urn:uuid:` derived from (certificate id, kind, date), so
they never change, not even when site_url does.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import date, datetime
from xml.etree import ElementTree as ET

from ..data import history, model

ATOM_NS = "http://www.w3.org/2005/Atom"
_NAMESPACE = uuid.UUID("5b0f7a2e-8a43-4c1e-9d0e-2f1c6d3b9a71")  # this feed's own namespace
# Characters XML 1.0 cannot carry at all (the checker refuses most of them in the data).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _text(value: str) -> str:
    return _NOT_XML.sub("\ufffd", value)


def _entry_id(cert_id: str, kind: str, day: date) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{cert_id}/{kind}/{day.isoformat()}')}"


def _url(site_url: str | None, path: str) -> str | None:
    return f"{site_url}{path}" if site_url else None


def _stamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def events_data(registry: model.Registry, built: datetime, site_url: str | None) -> dict:
    """The content of api/perubahan.json."""
    today = built.date()
    rows = []
    for e, u, c in history.latest(registry, today):
        rows.append(
            {
                "tanggal": e.tanggal.isoformat(),
                "jenis": e.jenis,
                "alasan": e.alasan,
                "sertifikat": c.id,
                "nomor": c.nomor,
                "umkm": u.id,
                "status_tampil": c.displayed_status(today),
                "url_verifikasi": _url(site_url, f"verifikasi/{c.id}/"),
            }
        )
    return {
        "versi_format": 1,
        "tanggal_data": today.isoformat(),
        "batas": history.FEED_MAX,
        "peristiwa": rows,
    }


def json_bytes(registry: model.Registry, built: datetime, site_url: str | None) -> bytes:
    data = events_data(registry, built, site_url)
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def atom_bytes(registry: model.Registry, built: datetime, site_url: str | None) -> bytes:
    """The Atom feed: feed id/title/updated/author/links, one entry per event (id, title,
    updated, link to the verification page when site_url is known, category, content)."""
    from ..site.render import date_en, date_id

    info = registry.registri
    today = built.date()
    rows = history.latest(registry, today)
    ET.register_namespace("", ATOM_NS)

    def sub(parent, tag, text=None, **attrs):
        el = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", {k: _text(v) for k, v in attrs.items()})
        if text is not None:
            el.text = _text(text)
        return el

    feed = ET.Element(f"{{{ATOM_NS}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "id"})
    self_url = _url(site_url, "api/perubahan.xml")
    sub(feed, "id", self_url or f"urn:uuid:{uuid.uuid5(_NAMESPACE, 'feed/' + info.judul)}")
    sub(feed, "title", f"Perubahan status sertifikat — {info.judul}")
    sub(
        feed,
        "subtitle",
        f"Sertifikat yang terbit, dibekukan, dicabut, diaktifkan kembali atau kedaluwarsa "
        f"({info.penerbit}). Certificate status changes, newest first.",
    )
    sub(feed, "updated", _stamp(rows[0][0].tanggal) if rows else _stamp(today))
    author = sub(feed, "author")
    sub(author, "name", info.penerbit)
    if info.kontak.email:
        sub(author, "email", info.kontak.email)
    if site_url:
        sub(feed, "link", rel="self", type="application/atom+xml", href=self_url)
        sub(feed, "link", rel="alternate", type="text/html", href=site_url)
    sub(feed, "generator", "Registri UMKM")
    sub(feed, "rights", "CC BY 4.0")
    for e, u, c in rows:
        word_id, word_en = history.KINDS[e.jenis]
        entry = sub(feed, "entry")
        sub(entry, "id", _entry_id(c.id, e.jenis, e.tanggal))
        sub(entry, "title", f"{word_id}: {c.nomor} — {u.nama}")
        sub(entry, "updated", _stamp(e.tanggal))
        if site_url:
            sub(
                entry,
                "link",
                rel="alternate",
                type="text/html",
                href=f"{site_url}verifikasi/{c.id}/",
            )
        sub(entry, "category", term=e.jenis, label=f"{word_id} / {word_en}")
        reason = f": {e.alasan}" if e.alasan else "."
        sub(
            entry,
            "content",
            f"Sertifikat {c.nomor} ({c.pemegang}, {c.skema}; {u.nama}) — {word_id.lower()} "
            f"pada {date_id(e.tanggal)}{reason} "
            f"Certificate {c.nomor}: {word_en.lower()} on {date_en(e.tanggal)}.",
            type="text",
        )
    ET.indent(feed, space=" ")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"
