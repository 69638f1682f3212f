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
    name = str(path)
    text = load.read_text(p, user_files.SECRETS)
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
