"""Status history of a certificate (SPEC "Status history"): its rules, its timeline, its status
on any date, and the registry's latest status events (the /api/perubahan feed).

A certificate's history is: issued (`tanggal_terbit`), the earlier events of `riwayat` (oldest
first), its current status when that is `dibekukan` or `dicabut` (from `tanggal_status`), and
its expiry (the day after `berlaku_sampai`) when it was in force until then. An event is in
force from its date on. docs/assets/registri/riwayat.js answers "was it valid on date X?" in the
browser with the same rules, from the timeline's data-* attributes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from . import model

# Kinds of event, with the words the page, the feed and the API use.
KINDS = {
    # kind: (Indonesian, English)
    "terbit": ("Terbit", "Issued"),
    "aktif": ("Aktif kembali", "Reinstated"),
    "dibekukan": ("Dibekukan", "Suspended"),
    "dicabut": ("Dicabut", "Revoked"),
    "kedaluwarsa": ("Kedaluwarsa", "Expired"),
}
FEED_MAX = 200  # events in /api/perubahan.{xml,json}: the latest ones


@dataclass(frozen=True)
class Event:
    tanggal: date
    jenis: str  # a key of KINDS
    alasan: str | None = None

    @property
    def status(self) -> str:
        """The displayed status from this event on."""
        return {"terbit": "berlaku", "aktif": "berlaku"}.get(self.jenis, self.jenis)


# ---------------------------------------------------------------------------------------------
# The rules `check` applies (called by the reader on the raw record, with its marks)
# ---------------------------------------------------------------------------------------------


def problems(c: dict, path: str, today: date) -> Iterator[tuple[Any, str, str]]:
    """(mark, path, message) for each broken rule of `c["riwayat"]`. `c` is a certificate
    record as read (values already converted; a rejected value is absent); it and each of its
    events carry `.mark` and `.marks` (positions)."""
    events = c.get("riwayat") or []
    issued = c.get("tanggal_terbit")
    current = c.get("status", "aktif")
    since = c.get("tanggal_status")
    previous = None
    for i, e in enumerate(events):
        epath = f"{path}.riwayat[{i}]"
        when = e.get("tanggal")
        status = e.get("status")
        if status in ("dibekukan", "dicabut") and "alasan" not in e.marks:
            yield e.mark, f"{epath}.alasan", f"wajib diisi karena status '{status}'"
        if when is None:
            continue
        mark = e.marks["tanggal"]
        if previous is not None and when < previous:
            yield (
                mark,
                f"{epath}.tanggal",
                f"riwayat tidak urut: {when} lebih awal dari peristiwa sebelumnya ({previous}); "
                "tulis riwayat dari yang paling lama",
            )
        if issued is not None and when < issued:
            yield mark, f"{epath}.tanggal", f"{when} lebih awal dari tanggal_terbit ({issued})"
        if when > today:
            yield (
                mark,
                f"{epath}.tanggal",
                f"{when} masih di masa depan (hari ini {today}): riwayat hanya mencatat yang "
                "sudah terjadi",
            )
        if since is not None and when > since:
            yield (
                mark,
                f"{epath}.tanggal",
                f"{when} sesudah tanggal_status ({since}): peristiwa terakhir adalah status "
                "sekarang; pindahkan peristiwa ini ke status, alasan_status dan tanggal_status",
            )
        previous = max(previous, when) if previous else when
    if events and current == "aktif" and events[-1].get("status") in ("dibekukan", "dicabut"):
        last = events[-1]
        yield (
            last.mark,
            f"{path}.riwayat",
            f"status sekarang 'aktif', tetapi peristiwa terakhir riwayat '{last['status']}': "
            "tambahkan peristiwa status 'aktif' dengan tanggal pengaktifan kembali",
        )


# ---------------------------------------------------------------------------------------------
# Timeline and status on a date
# ---------------------------------------------------------------------------------------------


def events(c: model.Certificate, today: date) -> list[Event]:
    """The certificate's status events up to `today`, oldest first."""
    out = [Event(c.tanggal_terbit, "terbit")]
    out += [Event(e.tanggal, e.status, e.alasan) for e in c.riwayat]
    if c.status in ("dibekukan", "dicabut") and c.tanggal_status is not None:
        out.append(Event(c.tanggal_status, c.status, c.alasan_status))
    if c.berlaku_sampai is not None:
        end = c.berlaku_sampai + timedelta(days=1)
        if end <= today and _status_before(out, end) == "berlaku":
            out.append(Event(end, "kedaluwarsa"))
    out.sort(key=lambda e: e.tanggal)  # stable: same-day events keep their order
    return out


def _status_before(evts: list[Event], day: date) -> str:
    status = "belum-terbit"
    for e in evts:
        if e.tanggal <= day:
            status = e.status
    return status


def status_on(c: model.Certificate, day: date) -> str:
    """belum-terbit | berlaku | kedaluwarsa | dibekukan | dicabut on `day`, as far as the
    data knows (what the page's date picker answers; riwayat.js follows the same rules)."""
    if day < c.tanggal_terbit:
        return "belum-terbit"
    status = "berlaku"
    for e in events(c, day):
        if e.jenis != "kedaluwarsa" and e.tanggal <= day:
            status = e.status
    if status == "berlaku" and c.berlaku_sampai is not None and day > c.berlaku_sampai:
        return "kedaluwarsa"
    return status


def latest(registry: model.Registry, today: date, limit: int = FEED_MAX):
    """The registry's latest status events: [(event, umkm, certificate)], newest first (ties:
    certificate id), at most `limit`."""
    rows = [(e, u, c) for u, c in registry.certificates() for e in events(c, today)]
    rows.sort(key=lambda r: (r[0].tanggal, r[2].id), reverse=True)
    return rows[:limit]
