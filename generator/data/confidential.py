"""data/rahasia.yaml: the confidential data of a real registry (SPEC "Confidential data").

The file is git-ignored and kept by the admin outside the public repository. Nothing in it is
ever published, printed (`check` names lines, never values) or written into a build; the only
readers are `check` (which validates it) and the admin's own tools (`export --rahasia`,
`import`), through this module.

    umkm:
      batik-sekar-jagad:        # a UMKM id of data/umkm.yaml
        nik: "3513..."
        alamat: ...
        catatan: ...
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from pathlib import Path

from . import compose, declarations, diagnostics, load, model, user_files, yaml_text

RAHASIA_PATH = "data/rahasia.yaml"

HEADER = (
    "# DATA RAHASIA registri UMKM (NIK, alamat rumah, catatan Dinas).\n"
    "# JANGAN di-commit ke repositori publik: berkas ini diabaikan git (.gitignore).\n"
    "# Simpan cadangannya di tempat yang aman (repositori privat, drive kantor).\n"
)


def path_for(data_path: str | Path) -> Path:
    """The confidential file that goes with a data file: `rahasia.yaml` beside it."""
    return Path(data_path).parent / "rahasia.yaml"


def read(path: str | Path, registry: model.Registry | None) -> dict[str, model.Secret]:
    """The secrets of `path` by UMKM id; {} when the file does not exist.

    Raises load.DataError (FILE:LINE:COL problems, never a value) when the file is not valid,
    or names a UMKM id that `registry` does not hold (not judged when `registry` is None)."""
    p = Path(path)
    if not p.exists():
        return {}
    return parse(load.read_text(p, user_files.SECRETS), str(path), registry)


def parse(text: str, name: str, registry: model.Registry | None) -> dict[str, model.Secret]:
    """The secrets of the text of a rahasia.yaml (what `read` does once the file is read)."""
    if not load.has_content(text):
        return {}
    data, r = compose.read_tree(text, name, declarations.RAHASIA_ROOT, secret=True)
    records = data.get("umkm") or {}
    if registry is not None and isinstance(records, dict):
        known = [u.id for u in registry.umkm]
        ids = set(known)
        for key in records:
            if key not in ids:
                r.problem(
                    records.key_marks[key],
                    f"umkm.{key}",
                    f"UMKM '{key}' tidak ada di data registri{diagnostics.suggest(key, known)}",
                    records.offset,
                )
    if r.problems:
        raise r.problems.error(name)
    return {key: model.Secret(**fields) for key, fields in records.items()}


def render(secrets: dict[str, model.Secret]) -> str:
    """The YAML text of data/rahasia.yaml holding `secrets` (read(render(s)) == s)."""
    body = []
    for umkm_id, secret in secrets.items():
        fields = [(f.key, getattr(secret, f.key)) for f in declarations.SECRET]
        fields = [(k, v) for k, v in fields if v]
        if fields:
            body.append(f"  {yaml_text.key(umkm_id)}:")
            body.extend(f"    {k}: {yaml_text.quote(v, ascii_only=False)}" for k, v in fields)
    return HEADER + ("umkm:\n" + "\n".join(body) if body else "umkm: {}") + "\n"


def all_secrets(registry: model.Registry, data_path: str | Path) -> dict[str, model.Secret]:
    """Every secret of a registry: the sample's inline `rahasia` blocks (only a sample may have
    them) merged with the file beside the data; the file's non-empty fields win."""
    merged = dict(registry.confidential_records())
    for umkm_id, secret in read(path_for(data_path), registry).items():
        old = merged.get(umkm_id)
        if old is None:
            merged[umkm_id] = secret
        else:
            merged[umkm_id] = model.Secret(
                **{
                    f.key: getattr(secret, f.key) or getattr(old, f.key)
                    for f in declarations.SECRET
                }
            )
    return merged


# -- a confidential value copied into public data ------------------------------------------------

MIN_COPIED_CHARS = 16  # shorter values ("Ya", "RT 02") would match ordinary public text
_COMPARED = ("alamat", "catatan")  # the NIK has its own rule: 16 digits of any script


def _comparable(text: str) -> str:
    """Text as compared: compatibility forms folded, case folded, punctuation and runs of
    whitespace as one space ("JL. MAWAR  no.12" and "Jl. Mawar No. 12" are the same)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.findall(r"[^\W_]+", text))


def _public_texts(obj, path: str):
    """(path, text) of every text value of a public record, nested records included."""
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        items = value if isinstance(value, tuple) else (value,)
        for i, item in enumerate(items):
            where = f"{path}.{f.name}" + (f"[{i}]" if isinstance(value, tuple) else "")
            if isinstance(item, str):
                yield where, item
            elif dataclasses.is_dataclass(item):
                yield from _public_texts(item, where)


def copied_into_public(registry: model.Registry, secrets: dict[str, model.Secret]) -> list[str]:
    """Messages for each public field of a UMKM that holds one of its own confidential values
    (alamat, catatan; compared normalised, at least MIN_COPIED_CHARS long). Values never shown."""
    found = []
    for u in registry.umkm:
        secret = secrets.get(u.id)
        if secret is None:
            continue
        values = [(k, _comparable(getattr(secret, k) or "")) for k in _COMPARED]
        values = [(k, f" {v} ") for k, v in values if len(v) >= MIN_COPIED_CHARS]
        if not values:
            continue
        for path, text in _public_texts(u, f"umkm[{u.id}]"):
            public = f" {_comparable(text)} "
            for key, value in values:
                if value in public:
                    found.append(
                        f"{path}: memuat {key} rahasia UMKM ini (dari data rahasia): data "
                        "pribadi tidak boleh masuk data publik (situs, data terbuka, riwayat "
                        "git). Hapus dari kolom ini"
                    )
    return found
