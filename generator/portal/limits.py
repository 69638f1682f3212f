"""What one member may cost a portal's build (SPEC "Portal": a member that fails is told in
one line and the build goes on): its time, its bytes, the parts and keys it may list. A hostile
or broken member is stopped at these; the others go on."""

from __future__ import annotations

import os
from dataclasses import dataclass

from ..publish import fetch

WORKERS = 8  # members fetched at once (each one file at a time)


class SettingError(Exception):
    """A REGISTRI_PORTAL_* environment variable is not a number in its range (one line)."""


def _env_number(name: str, default: float, low: float, high: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not low <= value <= high:  # also NaN
        raise SettingError(f"{name}={raw!r} bukan angka dari {low:g} sampai {high:g}.")
    return value


@dataclass(frozen=True)
class Limits:
    """What one member may cost a build: a hostile or broken member is stopped at these, said
    in its line, and the others go on. (Defaults fit a member of ~55,000 certificates, the
    most one GitHub Pages site holds: ~10 MB of the files the portal reads.)"""

    seconds: float = 300.0  # the member's whole fetch: every request, every byte
    member_bytes: int = 256 * 1024 * 1024  # downloaded for one member
    build_bytes: int = fetch.RUN_BUDGET_BYTES  # downloaded for every member together
    max_parts: int = 100  # parts of SHA256SUMS (50,000 files each)
    max_bagian: int = 2_000  # parts listed by api/registri.json (one per kecamatan)
    max_keys: int = 100  # keys of a member's did.json (retired ones stay listed forever)
    workers: int = WORKERS

    @classmethod
    def from_env(cls) -> Limits:
        """Defaults, or REGISTRI_PORTAL_DETIK (seconds per member), REGISTRI_PORTAL_MB (MB per
        member), REGISTRI_PORTAL_WORKERS (members at once). SettingError for a bad value."""
        return cls(
            seconds=_env_number("REGISTRI_PORTAL_DETIK", cls.seconds, 1, 86_400),
            member_bytes=int(
                _env_number("REGISTRI_PORTAL_MB", cls.member_bytes / 2**20, 1, 65_536) * 2**20
            ),
            workers=int(_env_number("REGISTRI_PORTAL_WORKERS", WORKERS, 1, 64)),
        )
