"""Verified member data -> what the portal's pages are made of.

The members' UMKM become one `model.Registry` so that the site wing's directory shards and
search index are made by the same code as a registry's: a UMKM's id is `<member>.<id>` (ids
of two members may be equal), sectors are the union of the members' (a key keeps the label of
the first member that has it). On a portal the "kecamatan" of that registry is the *member*
(its id, `_key`): the directory filters and the search groups its records by member, 514
values at most of a few hundred, not the members' own kecamatan (tens of thousands at scale:
records of 1-2 UMKM, a vocabulary of megabytes); a member's kecamatan are on its own
directory. Only what the directory and search show is kept; the browser rebuilds every link
to the member's own address from the UMKM's id and the members' map in the directory index
(pages.member_map), so no row carries an address.

Member data is verified (it is what the member signed) but not trusted: ids that would not be
safe in an address, unknown statuses or dates, and texts that are not text are skipped, counted
and said in the build's output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..data import model
from ..publish import fetch
from ..site import lookup
from . import members
from .members import CHANGES, REGISTRY_INDEX, Outcome

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_STATUS = ("aktif", "dibekukan", "dicabut")
MAX_TEXT = 500


@dataclass
class MemberFigures:
    n_umkm: int = 0
    n_cert: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    skipped: int = 0  # records that were not safe to show
    judul: str = ""
    penerbit: str = ""
    contoh: bool = False


@dataclass
class Merged:
    registry: model.Registry
    keys: dict[str, str]  # member id -> its key in the filter (the `kecamatan` of its UMKM)
    lookup: dict[str, Any]  # normalised number or id -> "<member>/<cert id>", or a list of them
    events: list[dict]  # status events of every member, newest first
    figures: dict[str, MemberFigures]  # by member id


def _text(v: Any) -> str | None:
    if not isinstance(v, str):
        return None
    v = v.strip()
    if not v or len(v) > MAX_TEXT or any(ord(c) < 32 for c in v):
        return None
    return v


def _day(v: Any) -> date | None:
    try:
        return date.fromisoformat(v) if isinstance(v, str) else None
    except ValueError:
        return None


def _umkm(raw: Any, mid: str, kec: str) -> model.Umkm | None:
    if not isinstance(raw, dict):
        return None
    uid, nama, pemilik = raw.get("id"), _text(raw.get("nama")), _text(raw.get("pemilik"))
    sektor = raw.get("sektor")
    if not (isinstance(uid, str) and _SLUG.match(uid) and nama and pemilik):
        return None
    if not (isinstance(sektor, str) and _SLUG.match(sektor)):
        return None
    produk = raw.get("produk") or []
    if not isinstance(produk, list) or not all(_text(p) for p in produk):
        return None
    certs = []
    for c in raw.get("sertifikat") or []:
        if not isinstance(c, dict):
            return None
        cid, nomor, status = c.get("id"), _text(c.get("nomor")), c.get("status")
        until = c.get("berlaku_sampai")
        if not (isinstance(cid, str) and _SLUG.match(cid) and nomor and status in _STATUS):
            return None
        if until is not None and _day(until) is None:
            return None
        certs.append(
            model.Certificate(
                id=cid,
                nomor=nomor,
                pemegang="",
                skema=_text(c.get("skema")) or "",
                lsp="",
                tanggal_terbit=_day(c.get("tanggal_terbit")) or date.min,
                pembiayaan="",
                berlaku_sampai=_day(until),
                status=status,
                umkm_id=uid,
            )
        )
    return model.Umkm(
        id=f"{mid}.{uid}",
        nama=nama,
        pemilik=pemilik,
        sektor=sektor,
        kecamatan=kec,
        produk=tuple(p.strip() for p in produk),
        sertifikat=tuple(certs),
    )


def merge(outcomes: list[Outcome], today: date) -> Merged:
    """One registry of every usable member's UMKM, and what the portal's pages need. Each
    member's files are consumed (`Outcome.files` emptied once read)."""
    sektor: dict[str, str] = {}
    member_keys: dict[str, str] = {}  # member id -> filter key, one slug each
    umkm: list[model.Umkm] = []
    seen: set[str] = set()
    figures = {}
    keys: dict[str, list[str]] = {}
    events: list[dict] = []
    for o in outcomes:
        if not o.usable:
            continue
        try:
            key = _key(o.member.id, member_keys)
            fig, secs, mine = _member(o, key)
        except (fetch.JsonError, AttributeError, TypeError, KeyError) as e:
            o.status, o.files = members.FAILED, {}
            o.message = f"ditinggalkan: data tidak terbaca ({type(e).__name__})"
            continue
        figures[o.member.id] = fig
        for k, v in secs:
            sektor.setdefault(k, v)
        member_keys[o.member.id] = key
        for u in mine:
            if u.sektor not in sektor or u.id in seen:
                fig.skipped += 1
                continue
            umkm.append(u)
            seen.add(u.id)
            fig.n_umkm += 1
            for c in u.sertifikat:
                fig.n_cert += 1
                shown = c.displayed_status(today)
                fig.by_status[shown] = fig.by_status.get(shown, 0) + 1
                target = f"{o.member.id}/{c.id}"  # the browser adds the member's address
                for k in {lookup.normalise(c.nomor), lookup.normalise(c.id)}:
                    if k and target not in keys.setdefault(k, []):
                        keys[k].append(target)
        events.extend(_events(o))
        # read: the member's bytes go (~1.7 GB over 514 members at 1,000,000 UMKM, held with
        # the merged registry otherwise; the verified copy stays in the cache on disk)
        o.files = {}
    # a member none of whose UMKM could be shown stays out of the filter
    used = {u.kecamatan for u in umkm}
    registry = model.Registry(
        model.RegistryInfo("", "", ""),
        sektor,
        tuple(k for k in member_keys.values() if k in used),
        {},
        tuple(umkm),
    )
    look = {k: v[0] if len(v) == 1 else v for k, v in keys.items()}
    events.sort(key=lambda e: (e["tanggal"], e["anggota"], e["sertifikat"]), reverse=True)
    return Merged(registry, member_keys, look, events, figures)


def _key(member_id: str, taken: dict[str, str]) -> str:
    """The member's key in the filter and in every row (short: it is repeated ~4 times per
    UMKM in the directory's shards): its id, made unique as a slug."""
    key, n = model.slugify(member_id), 1
    while key in taken.values():
        n += 1
        key = f"{model.slugify(member_id)}-{n}"
    return key


def _member(o: Outcome, key: str):
    """(figures, sectors, UMKM) of one member, each UMKM's kecamatan being `key` (the
    member's); raises on data it cannot read."""
    m = o.member
    fig = MemberFigures()
    index = o.json(REGISTRY_INDEX)
    info = index.get("registri")
    if isinstance(info, dict):
        fig.judul = _text(info.get("judul")) or ""
        fig.penerbit = _text(info.get("penerbit")) or ""
        fig.contoh = info.get("contoh") is True
    secs = [
        (s["kode"], s["nama"].strip())
        for s in index.get("sektor") or []
        if isinstance(s, dict)
        and isinstance(s.get("kode"), str)
        and _SLUG.match(s["kode"])
        and _text(s.get("nama"))
    ]
    mine = []
    for part in index["bagian"]:
        data = o.json(part["berkas"])
        kec_name = _text((data.get("kecamatan") or {}).get("nama"))
        if kec_name is None:
            fig.skipped += len(data.get("umkm") or [])
            continue
        for raw in data.get("umkm") or []:
            u = _umkm(raw, m.id, key)
            if u is None:
                fig.skipped += 1
            else:
                mine.append(u)
    return fig, secs, mine


def _events(o: Outcome) -> list[dict]:
    """The member's latest status events (api/perubahan.json), with the member named and the
    verification address rebuilt from the member's own address."""
    if CHANGES not in o.files:
        return []
    try:
        data = o.json(CHANGES)
        rows = data.get("peristiwa") or []
    except Exception:  # noqa: BLE001 - a member's broken feed costs the feed, not the build
        return []
    out = []
    for e in rows[:200]:
        if not isinstance(e, dict):
            continue
        cid, day, kind = e.get("sertifikat"), _day(e.get("tanggal")), e.get("jenis")
        nomor = _text(e.get("nomor"))
        if not (isinstance(cid, str) and _SLUG.match(cid) and day and nomor):
            continue
        if kind not in ("terbit", "dibekukan", "dicabut", "aktif", "kedaluwarsa"):
            continue
        out.append(
            {
                "tanggal": day.isoformat(),
                "jenis": kind,
                "alasan": _text(e.get("alasan")),
                "sertifikat": cid,
                "nomor": nomor,
                "anggota": o.member.id,
                "anggota_nama": o.member.nama,
                "url_verifikasi": f"{o.member.url}verifikasi/{cid}/",
            }
        )
    return out
