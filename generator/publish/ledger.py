"""The id ledger: every certificate and UMKM id ever published, kept in the repository.

A printed QR code leads to /verifikasi/<id>/ for ever, and a signed credential names its
certificate's bit in the status lists for ever. Both facts must outlive any mistake in the data,
and must not depend on reaching the live site (a wrong site_url must not switch the guard off).
So the repository keeps `data/id-terbit.txt`, append-only, one id a line:

    sertifikat 0 mwpm-2020-0001
    umkm batik-sekar-jagad

A certificate's number is its permanent index in the status lists (W3C Bitstring Status List).
Only ids of a real registry are recorded (`registri.contoh: false`); the sample's ids are not.

This module reads, extends and writes the ledger; it never decides when to write (the command
line does, for a build that is going to be published).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..data import declarations, model

LEDGER_PATH = "data/id-terbit.txt"
HEADER = (
    "# Id yang sudah terbit. Dibuat dan ditambah otomatis saat situs diterbitkan.\n"
    "# JANGAN diubah atau dihapus: kode QR yang sudah tercetak mengarah ke id ini, dan nomor\n"
    "# urut sertifikat dipakai dalam daftar status yang ditandatangani.\n"
)
_LINE = re.compile(r"(?:sertifikat (?P<index>0|[1-9][0-9]{0,8}) (?P<cert>\S+)|umkm (?P<umkm>\S+))")


class LedgerError(Exception):
    """The ledger file is damaged; `line` (1-based, 0 for the whole file) says where."""

    def __init__(self, path: str, line: int, message: str):
        self.path, self.line, self.message = path, line, message
        super().__init__(f"{path}:{line}:1: {message}" if line else f"{path}: {message}")


@dataclass
class Ledger:
    """Ids in the order they were first published. `certificates[i]` has status index i."""

    certificates: list[str] = field(default_factory=list)
    umkm: list[str] = field(default_factory=list)
    # (kind, id) -> line number in the file it was read from (empty for a computed ledger)
    lines: dict[tuple[str, str], int] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._index = {cid: i for i, cid in enumerate(self.certificates)}
        self._umkm = set(self.umkm)

    def index(self, cert_id: str) -> int:
        """The permanent status-list index of a certificate (KeyError when not recorded)."""
        return self._index[cert_id]

    def __contains__(self, item: tuple[str, str]) -> bool:
        kind, ident = item
        return ident in (self._index if kind == "sertifikat" else self._umkm)

    def extended(self, registry: model.Registry) -> Ledger:
        """This ledger plus every id of `registry` not yet in it, appended in file order."""
        certs, umkm = list(self.certificates), list(self.umkm)
        seen_c, seen_u = set(certs), set(umkm)
        for u in registry.umkm:
            if u.id not in seen_u:
                umkm.append(u.id)
                seen_u.add(u.id)
            for c in u.sertifikat:
                if c.id not in seen_c:
                    certs.append(c.id)
                    seen_c.add(c.id)
        return Ledger(certs, umkm)

    def missing(self, registry: model.Registry) -> list[tuple[str, str]]:
        """(kind, id) of every recorded id that `registry` no longer has, in ledger order."""
        umkm_now = {u.id for u in registry.umkm}
        certs_now = {c.id for _, c in registry.certificates()}
        return [("sertifikat", c) for c in self.certificates if c not in certs_now] + [
            ("umkm", u) for u in self.umkm if u not in umkm_now
        ]

    def __len__(self) -> int:
        return len(self.certificates) + len(self.umkm)

    def extends(self, other: Ledger) -> bool:
        """True when this ledger is `other` plus ids appended after it (indices unchanged)."""
        n, m = len(other.certificates), len(other.umkm)
        return self.certificates[:n] == other.certificates and self.umkm[:m] == other.umkm

    def render(self) -> str:
        lines = [f"sertifikat {i} {cid}" for i, cid in enumerate(self.certificates)]
        lines += [f"umkm {uid}" for uid in self.umkm]
        return HEADER + "".join(line + "\n" for line in lines)


def parse(text: str, name: str = LEDGER_PATH) -> Ledger:
    """The ledger in `text`; LedgerError names the first damaged line."""
    certs: list[str] = []
    umkm: list[str] = []
    lines: dict[tuple[str, str], int] = {}
    slug = re.compile(declarations.SLUG_RE)
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = _LINE.fullmatch(line)
        if not m:
            raise LedgerError(
                name,
                n,
                "baris tidak dikenal; berkas ini dibuat otomatis, "
                "kembalikan isinya dari riwayat git",
            )
        ident = m.group("cert") or m.group("umkm")
        kind = "sertifikat" if m.group("cert") else "umkm"
        if not slug.fullmatch(ident):
            raise LedgerError(name, n, "id tidak sah; kembalikan isinya dari riwayat git")
        if (kind, ident) in lines:
            raise LedgerError(name, n, f"{kind} '{ident}' tercatat dua kali")
        lines[(kind, ident)] = n
        if kind == "sertifikat":
            if int(m.group("index")) != len(certs):
                raise LedgerError(
                    name,
                    n,
                    f"nomor urut {m.group('index')} seharusnya "
                    f"{len(certs)}; kembalikan isinya dari riwayat git",
                )
            certs.append(ident)
        else:
            umkm.append(ident)
    return Ledger(certs, umkm, lines)


def path_for(data: str | Path) -> Path:
    """The ledger of the registry in `data`: `id-terbit.txt` next to it (data/id-terbit.txt
    for data/umkm.yaml)."""
    return Path(data).parent / Path(LEDGER_PATH).name


def entry(line: str) -> tuple[str, str] | None:
    """(kind, id) of one ledger line, None for a comment, a blank or an unknown line."""
    m = _LINE.fullmatch(line.strip())
    if not m:
        return None
    return ("sertifikat", m.group("cert")) if m.group("cert") else ("umkm", m.group("umkm"))


def read(path: str | Path) -> Ledger:
    """The ledger at `path`; an empty one when the file does not exist yet (first deploy)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Ledger()
    except (OSError, UnicodeDecodeError) as e:
        raise LedgerError(str(path), 0, f"berkas tidak bisa dibaca ({e})") from None
    return parse(text, str(path))


def write(path: str | Path, ledger: Ledger) -> bool:
    """Write `ledger` to `path` when its content changes (atomically). True when written."""
    p = Path(path)
    text = ledger.render()
    try:
        if p.read_text(encoding="utf-8") == text:
            return False
    except (OSError, UnicodeDecodeError):
        pass
    tmp = p.with_name(p.name + ".tmp")
    try:
        tmp.write_text(text, encoding="utf-8", newline="\n")
        tmp.replace(p)
    except BaseException:  # a full disk: no half-written .tmp left behind
        tmp.unlink(missing_ok=True)
        raise
    return True


def status_indices(registry: model.Registry, ledger: Ledger) -> dict[str, int]:
    """cert id -> permanent status-list index: recorded ones from the ledger, new ones after
    them in file order (as the ledger will record them when this build is published)."""
    full = ledger.extended(registry)
    return {c.id: full.index(c.id) for _, c in registry.certificates()}


def _merge(argv: list[str]) -> int:
    """`python -m generator.publish.ledger gabung BARU [LEDGER]`: the workflow's commit-back
    job. Writes the ledger BARU (made by `build --catat`) over LEDGER (the newest main's) only
    when it extends it; otherwise says why and exits 1, so nothing is deployed. Standard library
    only: that job installs nothing."""
    import sys

    if len(argv) not in (1, 2):
        print("pemakaian: python -m generator.publish.ledger gabung BARU [data/id-terbit.txt]")
        return 2
    new_path, path = Path(argv[0]), Path(argv[1] if len(argv) == 2 else LEDGER_PATH)
    if not new_path.is_file():
        print(f"{new_path}: tidak ada; tidak ada yang dicatat.", file=sys.stderr)
        return 1
    try:
        new, current = read(new_path), read(path)
    except LedgerError as e:
        print(e, file=sys.stderr)
        return 1
    if not new.extends(current):
        print(
            f"{path}: id-terbit di main berubah sejak situs ini dibangun dan tidak cocok dengan "
            "yang dibangun (nomor urut sertifikat akan bentrok). Situs TIDAK diterbitkan; "
            "jalankan workflow ini lagi agar situs dibangun dari id-terbit terbaru.",
            file=sys.stderr,
        )
        return 1
    added = len(new) - len(current)
    write(path, new)
    print(
        f"{path}: {added} id baru dicatat ({len(new.certificates)} sertifikat, "
        f"{len(new.umkm)} UMKM)."
    )
    return 0


if __name__ == "__main__":
    import sys

    args = sys.argv[1:]
    sys.exit(_merge(args[1:]) if args[:1] == ["gabung"] else _merge([]))
