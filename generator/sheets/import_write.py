"""Writing the result safely: data/rahasia.yaml's new text from the RAHASIA rows, and replacing
a file through a temporary file unless it changed since it was read.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..data import declarations, load, model
from .import_merge import Plan
from .import_problems import Report


def secret_changes(plan: Plan, registry, data: Path, report: Report):
    """(path, new text, UMKM changed, old bytes) of data/rahasia.yaml, or None: the RAHASIA
    sheet's rows merged over the secrets the registry has (the file beside the data, and a
    sample's inline blocks). Values are never printed."""
    from ..data import confidential

    path = confidential.path_for(data)
    try:
        current = confidential.all_secrets(registry, data)
        in_file = confidential.read(path, registry)
    except load.DataError as e:
        for line in e.lines():
            report.error(None, line)
        return None
    known = {u.id for u in registry.umkm}
    merged = dict(in_file)
    changed = 0
    for uid, row in plan.secret_rows.items():
        if uid not in known:
            report.error(row.cell("umkm_id"), f"UMKM '{uid}' tidak ada di data registri")
            continue
        old = current.get(uid) or model.Secret()
        values = {f.key: getattr(old, f.key) for f in declarations.SECRET}
        for f in declarations.SECRET:
            if f.key in row.values and f.key not in row.bad:
                values[f.key] = row.values[f.key]
        new = model.Secret(**values)
        if new != old:
            merged[uid] = new
            changed += 1
    if not changed:
        return None
    content = confidential.render(merged)
    try:  # the checker over the text about to be written: an import never writes what it refuses
        confidential.parse(content, str(path), registry)
    except load.DataError as e:
        for p in e.problems:
            report.error(None, f"{path}: hasil impor tidak lolos pemeriksaan: {p.message}")
        return None
    old_bytes = path.read_bytes() if path.exists() else b""
    return path, content, changed, old_bytes


def copied_secrets(registry, data: Path, secrets_out, report: Report) -> None:
    """Refuse a result whose public fields hold a confidential value of their UMKM (`check`'s
    rule): the secrets as they will be after this import."""
    from ..data import confidential

    try:
        if secrets_out:
            secrets = confidential.parse(secrets_out[1], str(secrets_out[0]), registry)
            secrets = {**registry.confidential_records(), **secrets}
        else:
            secrets = confidential.all_secrets(registry, data)
    except load.DataError:
        return  # said by secret_changes, or by `check` of the file as it is
    for message in confidential.copied_into_public(registry, secrets):
        report.error(None, message)


class DataChanged(Exception):
    pass


def write_atomically(path: Path, content: bytes, expected_old: bytes, private=False) -> None:
    """Replace `path` with `content` via a temporary file in the same folder, unless the file
    changed since it was read (another import or an editor saving it); `expected_old` is b""
    for a file that did not exist. private: readable by its owner only (POSIX). A symlinked
    `path` is written through: the file it points at changes, the link stays."""
    path = Path(os.path.realpath(path))
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        if private:
            os.chmod(tmp, 0o600)
        current = path.read_bytes() if path.exists() else b""
        if current != expected_old:
            raise DataChanged
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
