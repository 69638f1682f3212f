"""The portal's files: home, directory, look-up page, the trust list /api/anggota.json (signed
with the portal's key when one is set), the merged Atom feed, and the data the browser reads
(directory shards and look-up shards, made by the site wing's own code).

Every link to a UMKM or a certificate points at the member's own address: the portal never
republishes a profile or a verification page.
"""

from __future__ import annotations

import json
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import jinja2

from ..data import history
from ..signing import credentials, keys, sums
from ..site import directory, lookup, render, search
from . import members
from .config import Portal
from .merge import Merged

ENV = render.ENV.overlay(
    loader=jinja2.ChoiceLoader(
        [jinja2.PackageLoader("generator.portal", "templates"), render.ENV.loader]
    )
)
TRUST_LIST = "api/anggota.json"
TRUST_LIST_JWS = "api/anggota.json.jws"
FEED_XML = "api/perubahan.xml"
FEED_JSON = "api/perubahan.json"
FORMAT_VERSION = 1
# The browser side of the pages: the registry's own files (docs/assets/registri/ of this
# repository), copied into the portal's docs/.
ASSETS = ("situs.css", "halaman.css", "status.js", "pencarian.js", "direktori.js", "cari.js")
ASSET_DIR = Path(__file__).resolve().parents[2] / "docs" / "assets" / "registri"
GENERATED = ("umkm", "verifikasi", "api", "assets/registri")
GENERATED_FILES = ("index.html", "did.json")
_ATOM = "http://www.w3.org/2005/Atom"
_FEED_NS = uuid.UUID("0c6f3c55-3d0e-4b8e-9a53-7a2d1f1e9b40")


def _json(data) -> bytes:
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def _stamp(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def trust_list(portal: Portal, outcomes: list[members.Outcome], built: datetime, site_url):
    """The content of api/anggota.json: every member of portal.yaml with what the build found.
    `verify --portal` believes the keys of a member whose status is `terverifikasi`."""
    rows = []
    for o in outcomes:
        m = o.member
        rows.append(
            {
                "id": m.id,
                "nama": m.nama,
                "url": m.url,
                "host": m.host,
                "did": o.did or m.expected_did,
                "kunci": o.keys if o.status == members.VERIFIED else [],
                "diperiksa": _stamp(o.checked) if o.checked else None,
                "status": o.status,
                "terjangkau": o.fresh,
                "keterangan": o.message,
            }
        )
    return {
        "versi_format": FORMAT_VERSION,
        "portal": {
            "judul": portal.info.judul,
            "penerbit": portal.info.penerbit,
            "url": site_url,
            "contoh": portal.info.contoh,
        },
        "dibangun": _stamp(built),
        "anggota": rows,
    }


def _member_rows(portal: Portal, outcomes, merged: Merged, built: datetime):
    shown, left_out = [], []
    for o in outcomes:
        m = o.member
        base = dict(id=m.id, nama=m.nama, url=m.url, host=m.host, status=o.status)
        if not o.usable:
            left_out.append({**base, "why": o.message})
            continue
        fig = merged.figures.get(m.id)
        checked = o.checked or built
        shown.append(
            {
                **base,
                "fresh": o.fresh,
                "age_days": max(0, (built - checked).days),
                "contoh": bool(fig and fig.contoh),
                "n_umkm": fig.n_umkm if fig else 0,
                "n_cert": fig.n_cert if fig else 0,
                "berlaku": fig.by_status.get("berlaku", 0) if fig else 0,
                "checked_iso": _stamp(checked),
                "checked_text": f"{render.date_id(checked.date())} {checked:%H.%M} UTC",
            }
        )
    return shown, left_out


def files(
    portal: Portal,
    outcomes: list[members.Outcome],
    merged: Merged,
    built: datetime,
    site_url,
    site_name: str | None,
    signer=None,
) -> Iterator[tuple[str, bytes | str]]:
    """Every generated file of the portal as (path under docs/, content)."""
    today = built.date()
    common = dict(
        reg=portal.info,
        built=built,
        today=today,
        sektor=merged.registry.sektor,
        site_url=site_url,
        site_name=site_name or portal.info.judul,
    )
    shown, left_out = _member_rows(portal, outcomes, merged, built)
    totals = dict(
        n_member=len(shown),
        n_umkm=sum(r["n_umkm"] for r in shown),
        n_cert=sum(r["n_cert"] for r in shown),
        berlaku=sum(r["berlaku"] for r in shown),
    )
    yield (
        "index.html",
        ENV.get_template("portal_home.html.j2").render(
            path="",
            title=portal.info.judul,
            root="",
            shown=shown,
            left_out=left_out,
            totals=totals,
            signed=signer is not None,
            **common,
        ),
    )
    groups = [{**r, "key": merged.keys[r["id"]]} for r in shown if r["id"] in merged.keys]
    yield (
        "umkm/index.html",
        ENV.get_template("portal_direktori.html.j2").render(
            path="umkm/",
            title="Direktori UMKM",
            root="../",
            total=len(merged.registry.umkm),
            groups=groups,
            **common,
        ),
    )
    yield (
        "verifikasi/index.html",
        ENV.get_template("portal_verifikasi.html.j2").render(
            path="verifikasi/", title="Verifikasi sertifikat", root="../", **common
        ),
    )
    where = {r["id"]: [r["nama"], r["url"]] for r in shown}
    yield from directory_files(merged, today, where).items()
    yield from lookup.shard_files(merged.lookup, where).items()
    listed = _json(trust_list(portal, outcomes, built, site_url))
    yield TRUST_LIST, listed
    if signer is not None:
        yield TRUST_LIST_JWS, sums.detached_jws(listed, signer)
        yield (
            credentials.DID_PATH,
            _json(credentials.did_document(portal.as_registry(), signer.did)),
        )
    yield FEED_JSON, _json({"versi_format": FORMAT_VERSION, "peristiwa": merged.events[:200]})
    yield FEED_XML, atom(portal, merged.events[:200], built, site_url)
    for name in ASSETS:
        yield f"assets/registri/{name}", (ASSET_DIR / name).read_bytes()


def directory_files(merged: Merged, today, where: dict[str, list[str]]) -> dict[str, bytes]:
    """The site wing's directory shards over the merged registry (whose kecamatan are the
    members' keys), the members named in the index's vocabulary, and `anggota` added to it:
    member id -> [name, address]. The browser (pencarian.js) makes a row's link from it:
    `<address>umkm/<id after the member's>/`, and names the member instead of a kecamatan; rows
    carry no address.

    A portal's rows are compact (each UMKM is in ~4.4 lists: at 1,000,000 UMKM the shards were
    930 MB of the 1,086 MB portal with the registry's rows): the sector is its index in the
    index's `sektor_urut`, the kecamatan is left empty (the member is in the id), a
    certificate's scheme is its index in the index's `skema`."""
    sectors = list(merged.registry.sektor)
    sector_at = {k: i for i, k in enumerate(sectors)}
    schemes: dict[str, int] = {}
    for u in merged.registry.umkm:
        for c in u.sertifikat:
            schemes.setdefault(c.skema, len(schemes))

    def row(u, day):
        r = search.row(u, day)
        r[3], r[4] = sector_at[u.sektor], ""
        for cert in r[6]:
            cert[1] = schemes[cert[1]]
        return r

    out = directory.files(merged.registry, today, row)
    index_path = f"{directory.FOLDER}/indeks.json"
    index = json.loads(out[index_path])
    names = {key: where[m][0] for m, key in merged.keys.items() if m in where}
    index["kecamatan"] = [[key, names.get(key, key)] for key, _ in index["kecamatan"]]
    index["anggota"] = {m: where[m] for m in merged.keys if m in where}
    index["sektor_urut"] = sectors
    index["skema"] = list(schemes)
    out[index_path] = _json(index)
    return out


def atom(portal: Portal, events: list[dict], built: datetime, site_url) -> bytes:
    """The members' status events in one Atom feed, newest first; each entry links to the
    member's verification page."""
    ET.register_namespace("", _ATOM)

    def sub(parent, tag, text=None, **attrs):
        el = ET.SubElement(parent, f"{{{_ATOM}}}{tag}", attrs)
        if text is not None:
            el.text = text
        return el

    feed = ET.Element(f"{{{_ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "id"})
    sub(feed, "id", f"{site_url}{FEED_XML}" if site_url else f"urn:uuid:{_FEED_NS}")
    sub(feed, "title", f"Perubahan status sertifikat — {portal.info.judul}")
    sub(feed, "updated", f"{events[0]['tanggal']}T00:00:00Z" if events else _stamp(built))
    author = sub(feed, "author")
    sub(author, "name", portal.info.penerbit)
    if site_url:
        sub(feed, "link", rel="self", type="application/atom+xml", href=f"{site_url}{FEED_XML}")
    for e in events:
        word_id, word_en = history.KINDS[e["jenis"]]
        key = f"{e['anggota']}/{e['sertifikat']}/{e['jenis']}/{e['tanggal']}"
        entry = sub(feed, "entry")
        sub(entry, "id", f"urn:uuid:{uuid.uuid5(_FEED_NS, key)}")
        sub(entry, "title", f"{word_id}: {e['nomor']} — {e['anggota_nama']}")
        sub(entry, "updated", f"{e['tanggal']}T00:00:00Z")
        sub(entry, "link", rel="alternate", type="text/html", href=e["url_verifikasi"])
        sub(entry, "category", term=e["jenis"], label=f"{word_id} / {word_en}")
        reason = f": {e['alasan']}" if e["alasan"] else "."
        sub(
            entry,
            "content",
            f"Sertifikat {e['nomor']} di {e['anggota_nama']} — {word_id.lower()} pada "
            f"{e['tanggal']}{reason}",
            type="text",
        )
    ET.indent(feed, space=" ")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def signer_of(portal: Portal, built: datetime, site_url):
    """The portal's signer (its key from REGISTRI_KUNCI_FILE / REGISTRI_KUNCI), or None when
    portal.kunci lists no key. keys.SigningError when keys are listed and none can sign."""
    return keys.signer_for(portal.as_registry(), built, site_url)
