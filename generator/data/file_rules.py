"""The rules that span the data file: references, uniqueness, date order, statuses and keys.

They run on the values the reader returned, which remember where they stand, so each problem is
told at its line like any other.
"""

from __future__ import annotations

import re

from . import config, declarations, history, model
from .declarations import Field
from .diagnostics import show, suggest
from .limits import MAX_NAME_CHARS
from .reader import Reader, Rec, Seq


def check_references(data: Rec, r: Reader, name: str = "data/umkm.yaml") -> None:
    """Rules that span the file: references, uniqueness, dates and statuses."""
    sectors = data.get("sektor") or {}
    districts = data.get("kecamatan") or []
    lsps = data.get("lsp") or {}
    slugs: dict[str, str] = {}
    seen_names: dict[str, int] = {}
    if isinstance(districts, Seq):
        for district, mark in zip(districts, districts.marks, strict=True):
            if district in seen_names:
                r.problem(
                    mark,
                    "kecamatan",
                    f"{show(district)} ditulis dua kali (pertama di baris {seen_names[district]})",
                )
            seen_names.setdefault(district, mark.line + 1)
            slug = model.slugify(district)
            if len(district) > MAX_NAME_CHARS or len(slug) > 63:
                r.problem(
                    mark,
                    "kecamatan",
                    f"nama kecamatan terlalu panjang ({len(district)} karakter, paling banyak "
                    f"{MAX_NAME_CHARS}): nama ini menjadi nama folder halaman kecamatan",
                )
            elif not slug:
                r.problem(
                    mark,
                    "kecamatan",
                    f"{show(district)} tidak menghasilkan alamat halaman: pakai huruf atau angka",
                )
            elif slug in slugs and slugs[slug] != district:
                r.problem(
                    mark,
                    "kecamatan",
                    f"{show(district)} dan {show(slugs[slug])} menghasilkan "
                    f"alamat halaman yang sama (kecamatan/{slug}/)",
                )
            slugs.setdefault(slug, district)
    refs = {"sektor": sectors, "kecamatan": districts, "lsp": lsps}
    seen: dict[tuple[str, str], int] = {}
    info = data.get("registri")
    # a real registry (contoh absent or false) keeps no secrets in this file; not judged while
    # `registri` or its `contoh` is itself wrong
    real = isinstance(info, Rec) and info.get("contoh", False) is False
    real = real and not ("contoh" in info.marks and "contoh" not in info)

    def unique(scope: str, value: str, mark, offset: int, path: str) -> None:
        key = (scope, value)
        if key in seen:
            r.problem(
                mark, path, f"{scope} {show(value)} sudah dipakai di baris {seen[key]}", offset
            )
        else:
            seen[key] = mark.line + 1 + offset

    def record_rules(rec: Rec, fields: tuple[Field, ...], path: str) -> None:
        for f in fields:
            if f.key not in rec:
                continue
            mark, value, fpath = rec.marks[f.key], rec[f.key], f"{path}.{f.key}"
            if f.ref and value not in refs[f.ref]:
                options = list(refs[f.ref])
                r.problem(
                    mark,
                    fpath,
                    f"{f.key} {show(value)} tidak ada di bagian '{f.ref}'"
                    + suggest(value, options),
                    rec.offset,
                )
            if f.unique:
                unique(f.unique, value, mark, rec.offset, fpath)

    # normalised number or id -> (cert id, line, text as written)
    lookup_keys: dict[str, tuple[str, int, str]] = {}

    def lookup_key(text: str, cid: str, mark, offset: int, path: str) -> None:
        key = re.sub(r"[^0-9a-z]", "", text.casefold())
        other = lookup_keys.get(key)
        if other and other[0] != cid and other[2] != text:  # same text: a duplicate, said once
            r.problem(
                mark,
                path,
                f"{show(text)} tidak bisa dibedakan dari sertifikat '{other[0]}' "
                f"(baris {other[1]}) saat dicari tanpa huruf besar, spasi atau tanda "
                "baca; buat nomor atau id yang berbeda",
                offset,
            )
        elif not other:
            lookup_keys[key] = (cid, mark.line + 1 + offset, text)

    for u_index, u in enumerate(data.get("umkm") or []):
        upath = f"umkm[{u.get('id', u_index)}]"
        record_rules(u, declarations.UMKM, upath)
        if re.fullmatch(declarations.RESERVED_UMKM_ID, u.get("id", "")):
            r.problem(
                u.marks["id"],
                f"{upath}.id",
                f"id '{u['id']}' dipakai untuk halaman direktori; pilih id lain",
                u.offset,
            )
        if real and hasattr(u, "secret_mark"):
            r.problem(
                u.secret_mark,
                f"{upath}.rahasia",
                f"data rahasia tidak boleh ada di {name}: registri ini bukan data contoh "
                "(contoh: false) dan berkas ini terbit di repositori publik. Pindahkan isinya "
                "ke data/rahasia.yaml, yang tidak ikut di-commit (Panduan admin: Data rahasia)",
                u.offset,
            )
        for c_index, c in enumerate(u.get("sertifikat") or []):
            cpath = f"{upath}.sertifikat[{c.get('id', c_index)}]"
            record_rules(c, declarations.CERTIFICATE, cpath)
            _certificate_rules(c, cpath, r)
            if "id" in c:
                lookup_key(c["id"], c["id"], c.marks["id"], c.offset, f"{cpath}.id")
                if "nomor" in c:
                    lookup_key(c["nomor"], c["id"], c.marks["nomor"], c.offset, f"{cpath}.nomor")


def _in_order(rec: Rec, earlier: str, later: str, path: str, r: Reader) -> None:
    """When both dates are there, `later` may not come before `earlier` (told at `later`)."""
    if earlier in rec and later in rec and rec[later] < rec[earlier]:
        r.problem(
            rec.marks[later],
            f"{path}.{later}",
            f"{later} ({rec[later]}) lebih awal dari {earlier} ({rec[earlier]})",
            rec.offset,
        )


def _certificate_rules(c: Rec, path: str, r: Reader) -> None:
    order = [k for k in ("tanggal_uji", "tanggal_terbit", "berlaku_sampai") if k in c]
    for earlier, later in zip(order, order[1:], strict=False):
        _in_order(c, earlier, later, path, r)
    if "status" in c.marks and "status" not in c:
        return  # the status itself was rejected: its rules cannot be judged
    if c.get("riwayat"):
        for mark, rpath, message in history.problems(c, path, config.build_date()):
            r.problem(mark, rpath, message, c.offset)
    status = c.get("status", "aktif")
    if status in ("dibekukan", "dicabut"):
        for k in ("alasan_status", "tanggal_status"):
            if k not in c.marks:  # absent or empty; a rejected value was reported already
                r.problem(c.mark, f"{path}.{k}", f"wajib diisi karena status '{status}'", c.offset)
        _in_order(c, "tanggal_terbit", "tanggal_status", path, r)
    else:
        for k in ("alasan_status", "tanggal_status"):
            if k in c:
                r.problem(
                    c.marks[k],
                    f"{path}.{k}",
                    "hanya diisi bila status 'dibekukan' atau 'dicabut'",
                    c.offset,
                )


def key_rules(data: Rec, r: Reader) -> None:
    """registri.kunci: real Ed25519 keys, dates in order, and one key still in use."""
    info = data.get("registri")
    keys = info.get("kunci") if isinstance(info, Rec) else None
    if not keys:
        return
    from .multikey import decode_public

    seen: dict[tuple[str, str], int] = {}
    for i, k in enumerate(keys):
        path = f"registri.kunci[{k.get('id', i)}]"
        for key in ("id", "publik"):
            if key in k:
                line = k.marks[key].line + k.offset + 1
                first = seen.setdefault((key, k[key]), line)
                if first != line:
                    r.problem(
                        k.marks[key],
                        f"{path}.{key}",
                        f"{key} {show(k[key])} sudah dipakai di baris {first}",
                        offset=k.offset,
                    )
        if "publik" in k:
            try:
                decode_public(k["publik"])
            except ValueError as e:
                r.problem(
                    k.marks["publik"], f"{path}.publik", f"kunci publik tidak sah: {e}", k.offset
                )
        _in_order(k, "berlaku_mulai", "berlaku_sampai", path, r)
    if all("berlaku_sampai" in k for k in keys):
        r.problem(
            keys.mark,
            "registri.kunci",
            "semua kunci sudah pensiun (berlaku_sampai terisi): tidak ada kunci untuk "
            "menandatangani. Buat kunci baru dengan 'python -m generator kunci baru'.",
            offset=keys.offset,
        )
