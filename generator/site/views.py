"""What templates get of a business and its certificates beside the model's fields: the
status displayed at build time, the LSP's names, the holder's current certificate, phone
numbers as WhatsApp and tel: links.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..data.model import DISPLAYED_STATUSES, Certificate, Umkm


@dataclass(frozen=True)
class CertView:
    """A certificate with what templates need beside its fields."""

    c: Certificate
    status: str  # displayed status at build time
    lsp_nama: str
    lsp_lembaga: str | None
    lsp_lisensi: str | None


@dataclass(frozen=True)
class UmkmView:
    u: Umkm
    sektor_label: str
    certs: tuple[CertView, ...]

    @property
    def best_status(self) -> str:
        order = {s: i for i, s in enumerate(DISPLAYED_STATUSES)}
        return min((cv.status for cv in self.certs), key=order.get, default="")


def current_certificate(v: UmkmView, cv: CertView) -> Certificate | None:
    """The holder's certificate of the same scheme that is BERLAKU now (the latest issued),
    for the page of one that is not: within the same business, same holder and scheme."""
    same = [
        o.c
        for o in v.certs
        if o.c.id != cv.c.id
        and o.status == "berlaku"
        and o.c.skema.casefold() == cv.c.skema.casefold()
        and o.c.pemegang.casefold() == cv.c.pemegang.casefold()
    ]
    return max(same, key=lambda c: (c.tanggal_terbit, c.id), default=None)


def whatsapp_number(raw: str) -> str:
    digits = re.sub(r"\D", "", raw)
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    return digits


def tel_number(raw: str) -> str:
    return ("+" if raw.strip().startswith("+") else "") + re.sub(r"\D", "", raw)
