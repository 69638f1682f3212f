"""The holder's portfolio (SPEC "The holder's portfolio"): the values the profile and the
verification page need to be shared, embedded, added to LinkedIn, saved and reported.

Plain values only (URLs and text); the markup is in templates/_bagikan.html.j2,
_lencana_sematan.html.j2, _linkedin.html.j2, _simpan.html.j2 and _laporkan.html.j2, the seal
itself in seal.py. Every URL is built with urllib's quoting here, never in a template.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from ..data.model import STATUS_LABELS, Certificate, RegistryInfo
from . import render, seal

WHATSAPP_SHARE = "https://wa.me/?text="
LINKEDIN_ADD = "https://www.linkedin.com/profile/add"

# The link preview image per displayed status (docs/assets/registri/pratinjau-<status>.png):
# WhatsApp, Facebook and Telegram need a PNG or JPEG at an absolute URL, never an SVG.
PREVIEW_IMAGE = "assets/registri/pratinjau-{status}.png"
NO_STATUS = "kosong"  # the preview of a UMKM that holds no certificate at all


def whatsapp_share(url: str) -> str:
    """wa.me's share link: WhatsApp opens with the page's URL typed in; its link preview
    (OpenGraph) names the UMKM, the status and the registry, so no text is repeated here (the
    verification page's bytes are counted: issue 20's budget)."""
    return WHATSAPP_SHARE + quote(url, safe="")


def mailto(address: str, subject: str, body: str = "") -> str:
    """A mailto: URL (RFC 6068): subject and body percent-encoded as UTF-8, spaces as %20."""
    query = {"subject": subject}
    if body:
        query["body"] = body
    return f"mailto:{address}?" + urlencode(query, quote_via=quote)


def report_fake(reg: RegistryInfo, c: Certificate) -> str | None:
    """ "Laporkan dugaan pemalsuan": a mail to the registry naming the certificate number."""
    if not reg.kontak.email:
        return None
    # no body: the subject names the certificate; a shorter page for the partner's phone
    return mailto(reg.kontak.email, f"Laporan dugaan pemalsuan sertifikat {c.nomor}")


def report_wrong_data(reg: RegistryInfo, nama: str, umkm_id: str, page_url: str | None):
    """ "Data salah?": the holder's request for a correction of its profile."""
    if not reg.kontak.email:
        return None
    body = (
        f"Usaha: {nama} ({umkm_id})\n"
        f"Halaman: {page_url or '-'}\n"
        "Data yang salah:\n"
        "Seharusnya:\n"
        "Nama dan nomor telepon pemilik:\n"
        "(Jangan kirim NIK atau foto KTP lewat surel ini.)\n"
    )
    return mailto(reg.kontak.email, f"Koreksi data UMKM {nama} ({umkm_id})", body)


@dataclass(frozen=True)
class LinkedInField:
    name: str  # LinkedIn's form label, as its Indonesian interface shows it
    value: str


@dataclass(frozen=True)
class LinkedIn:
    url: str
    fields: tuple[LinkedInField, ...]


def linkedin(reg: RegistryInfo, c: Certificate, page_url: str) -> LinkedIn:
    """LinkedIn's "add licence or certification" link, every field pre-filled, and the same
    fields as text (LinkedIn may ignore pre-filled values)."""
    params = {
        "startTask": "CERTIFICATION_NAME",
        "name": c.skema,
        "organizationName": reg.penerbit,
        "issueYear": str(c.tanggal_terbit.year),
        "issueMonth": str(c.tanggal_terbit.month),
    }
    if c.berlaku_sampai:
        params["expirationYear"] = str(c.berlaku_sampai.year)
        params["expirationMonth"] = str(c.berlaku_sampai.month)
    params["certUrl"] = page_url
    params["certId"] = c.nomor
    month = "{d.month:02d}/{d.year}"
    fields = [
        LinkedInField("Nama", c.skema),
        LinkedInField("Organisasi penerbit", reg.penerbit),
        LinkedInField("Tanggal terbit", month.format(d=c.tanggal_terbit)),
    ]
    if c.berlaku_sampai:
        fields.append(LinkedInField("Tanggal kedaluwarsa", month.format(d=c.berlaku_sampai)))
    fields += [
        LinkedInField("ID kredensial", c.nomor),
        LinkedInField("URL kredensial", page_url),
    ]
    return LinkedIn(f"{LINKEDIN_ADD}?" + urlencode(params, quote_via=quote), tuple(fields))


def embed_html(profile_url: str, seal_url: str, alt: str) -> str:
    """The HTML a UMKM pastes on its own site: a link around the seal, nothing else (no
    script, no third party). Returned as text; the template escapes it for display."""
    from markupsafe import escape

    return (
        f'<a href="{escape(profile_url)}"><img src="{escape(seal_url)}" '
        f'alt="{escape(alt)}" width="120"></a>'
    )


def preview_image(site_url: str | None, status: str) -> str | None:
    return site_url + PREVIEW_IMAGE.format(status=status) if site_url else None


def profile_parts(reg: RegistryInfo, v, site_url: str | None, today) -> dict:
    """What templates/profile.html.j2's portfolio partials get (`v`: a views.UmkmView)."""
    u = v.u
    n_berlaku = sum(1 for cv in v.certs if cv.status == "berlaku")
    url = f"{site_url}umkm/{u.id}/" if site_url else None
    if n_berlaku:
        state = f"{n_berlaku} sertifikat kompetensi BERLAKU"
    elif v.certs:
        state = "tidak ada sertifikat yang berlaku"
    else:
        state = "belum ada sertifikat"
    og = dict(
        title=f"{u.nama} — {state}",
        description=(
            f"{u.nama}, {v.sektor_label}, Kecamatan {u.kecamatan}: {state}. "
            f"Data per {render.date_id(today)}. {reg.judul}."
        ),
        url=url,
        image=preview_image(site_url, v.best_status or NO_STATUS),
        image_alt=state,
    )
    parts = dict(og=og, report=report_wrong_data(reg, u.nama, u.id, url), share=None, seal=None)
    if url:
        parts["share"] = dict(url=url, whatsapp=whatsapp_share(url))
        seal_url = f"{site_url}lencana/{u.id}.svg"
        alt = f"{u.nama}: bersertifikat kompetensi, {reg.judul} ({site_url.host})"
        if not n_berlaku:
            alt = f"{u.nama}: {state}, {reg.judul} ({site_url.host})"
        parts["seal"] = dict(url=seal_url, embed=embed_html(url, seal_url, alt))
    return parts


def seal_file(v, host: str, today) -> str:
    n_berlaku = sum(1 for cv in v.certs if cv.status == "berlaku")
    return seal.svg(v.u.nama, n_berlaku, host, today)


def verification_parts(reg: RegistryInfo, v, cv, url: str | None, site_url, og_title, today):
    """What templates/verify.html.j2's portfolio partials get."""
    c = cv.c
    label = render.STATUS_NOTES[cv.status][0]
    og = dict(
        title=og_title,
        description=(f"{label} Pemegang: {c.pemegang}. Data per {render.date_id(today)}."),
        url=url,
        image=preview_image(site_url, cv.status),
        image_alt=f"Status sertifikat: {STATUS_LABELS[cv.status][0]}",
    )
    share = None
    if url:
        share = dict(url=url, whatsapp=whatsapp_share(url))
    return dict(
        og=og,
        share=share,
        li=linkedin(reg, c, url) if url and cv.status == "berlaku" else None,
        report=report_fake(reg, c),
    )
