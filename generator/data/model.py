"""The validated registry: plain, frozen values, what pages and exports are allowed to see.

Built by load.py from the fields declared in declarations.py; a certificate's displayed status is
judged here, for a given day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date


def slugify(name: str) -> str:
    """Kecamatan slug of SPEC.md: lower case, runs of anything but a-z0-9 become one hyphen."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


STATUS_LABELS = {
    # status: (Indonesian, English)
    "berlaku": ("BERLAKU", "VALID"),
    "kedaluwarsa": ("KEDALUWARSA", "EXPIRED"),
    "dibekukan": ("DIBEKUKAN", "SUSPENDED"),
    "dicabut": ("DICABUT", "REVOKED"),
    "tidak-ditemukan": ("TIDAK DITEMUKAN", "NOT FOUND"),
}
DISPLAYED_STATUSES = ("berlaku", "kedaluwarsa", "dibekukan", "dicabut")


@dataclass(frozen=True)
class Lsp:
    key: str
    nama: str
    lembaga: str | None = None
    lisensi: str | None = None


@dataclass(frozen=True)
class StatusEvent:
    """One earlier status of a certificate (`riwayat`): in force from `tanggal` on."""

    tanggal: date
    status: str
    alasan: str | None = None


@dataclass(frozen=True)
class Certificate:
    id: str
    nomor: str
    pemegang: str
    skema: str
    lsp: str
    tanggal_terbit: date
    pembiayaan: str
    unit: tuple[str, ...] = ()
    asesor: tuple[str, ...] = ()
    tuk: str | None = None
    tanggal_uji: date | None = None
    berlaku_sampai: date | None = None
    status: str = "aktif"
    alasan_status: str | None = None
    tanggal_status: date | None = None
    riwayat: tuple[StatusEvent, ...] = ()
    umkm_id: str = ""

    def displayed_status(self, today: date) -> str:
        """berlaku | kedaluwarsa | dibekukan | dicabut, as judged on `today` (SPEC.md)."""
        if self.status in ("dibekukan", "dicabut"):
            return self.status
        if self.berlaku_sampai is not None and today > self.berlaku_sampai:
            return "kedaluwarsa"
        return "berlaku"


@dataclass(frozen=True)
class Contact:
    telepon: str | None = None
    whatsapp: str | None = None
    email: str | None = None
    instagram: str | None = None
    situs: str | None = None


@dataclass(frozen=True)
class Umkm:
    id: str
    nama: str
    pemilik: str
    sektor: str
    kecamatan: str
    desa: str | None = None
    produk: tuple[str, ...] = ()
    deskripsi: str | None = None
    kontak: Contact = field(default_factory=Contact)
    sertifikat: tuple[Certificate, ...] = ()

    @property
    def kecamatan_slug(self) -> str:
        return slugify(self.kecamatan)


@dataclass(frozen=True)
class RegistryContact:
    email: str | None = None
    telepon: str | None = None
    alamat: str | None = None


@dataclass(frozen=True)
class SigningKey:
    """A public key of `registri.kunci`; retired once `berlaku_sampai` is set."""

    id: str
    publik: str
    berlaku_mulai: date
    berlaku_sampai: date | None = None


@dataclass(frozen=True)
class RegistryInfo:
    judul: str
    penerbit: str
    wilayah: str
    kontak: RegistryContact = field(default_factory=RegistryContact)
    contoh: bool = False
    kunci: tuple[SigningKey, ...] = ()
    masa_status_hari: int = 7


@dataclass(frozen=True)
class Secret:
    nik: str | None = None
    alamat: str | None = None
    catatan: str | None = None


@dataclass(frozen=True)
class Registry:
    """The whole public registry. Secrets are held apart: see `confidential_records`."""

    registri: RegistryInfo
    sektor: dict[str, str]
    kecamatan: tuple[str, ...]
    lsp: dict[str, Lsp]
    umkm: tuple[Umkm, ...]
    _secrets: dict[str, Secret] = field(default_factory=dict, repr=False, compare=False)

    def certificates(self):
        """Yield (umkm, certificate) for every certificate, in file order."""
        for u in self.umkm:
            for c in u.sertifikat:
                yield u, c

    def umkm_by_id(self) -> dict[str, Umkm]:
        return {u.id: u for u in self.umkm}

    def confidential_records(self) -> dict[str, Secret]:
        """The `rahasia` of each UMKM, by UMKM id. NEVER pass this to pages or exports:
        it exists for the admin's own tooling only, and is named so that a reviewer sees it."""
        return dict(self._secrets)
