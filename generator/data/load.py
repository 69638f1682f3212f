"""YAML -> model, reporting every problem with FILE:LINE:COL and the field path.

The entry of the data wing's reading: read_text, parse, load, has_content. The parts live beside
it: limits.py (what no file may hold), diagnostics.py (problems, one line each), yaml_syntax.py
(syntax errors in the admin's words), file_layout.py and compose.py (composing a slice at a time),
reader.py (nodes -> values per declarations.py) and file_rules.py (rules that span the file).
"""

from __future__ import annotations

import pickle
import re
from pathlib import Path

from . import model, user_files
from .compose import read_tree

# DataError and Problem are what load raises: importable from here, the public entry
from .diagnostics import DataError, Problem
from .file_rules import check_references, key_rules


def read_text(path: Path, kind: user_files.Kind = user_files.DATA) -> str:
    """The file's text (read under user_files' rule), or DataError with one plain problem."""
    name = str(path)
    try:
        raw = user_files.read_bytes(path, kind)
    except user_files.UserFileError as e:
        raise DataError(name, [Problem(0, 0, str(e))]) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        before = raw[: e.start]
        line = before.count(b"\n") + 1
        line_start = before.rfind(b"\n") + 1
        col = len(raw[line_start : e.start].decode("utf-8", errors="replace")) + 1
        raise DataError(
            name,
            [
                Problem(
                    line,
                    col,
                    "berkas bukan teks UTF-8: ada byte yang "
                    "tidak bisa dibaca. Simpan ulang sebagai UTF-8.",
                )
            ],
        ) from None


def parse(text: str, name: str = "data/umkm.yaml", *, chunked: bool = True) -> model.Registry:
    """Validate `text` and return the registry; DataError lists every problem."""
    if not has_content(text):
        raise DataError(name, [Problem(1, 1, "berkas kosong: belum ada data registri")])
    data, r = read_tree(text, name, chunked=chunked)
    check_references(data, r, name)
    key_rules(data, r)
    if r.problems:
        raise r.problems.error(name)
    return _build(data)


_CONTENT = re.compile(r"^[ \t]*[^ \t\r\n#]", re.M)


def has_content(text: str) -> bool:
    """Whether `text` holds anything but blank lines and comments."""
    return bool(_CONTENT.search(text))


def load(path: str | Path) -> model.Registry:
    path = Path(path)
    registry = parse(read_text(path), str(path))
    # The YAML nodes leave the registry's strings scattered over memory the allocator cannot
    # return; one copy made after they are freed gives the memory back (measured at 100k).
    blob = pickle.dumps(registry, protocol=pickle.HIGHEST_PROTOCOL)
    del registry
    return pickle.loads(blob)


def _texts(v) -> tuple[str, ...]:
    return tuple(v or ())


def _build(d: dict) -> model.Registry:
    info = d["registri"]
    umkm = []
    secrets = {}
    for u in d["umkm"]:
        certs = tuple(
            model.Certificate(
                **{k: v for k, v in c.items() if k not in ("unit", "asesor", "riwayat")},
                unit=_texts(c.get("unit")),
                asesor=_texts(c.get("asesor")),
                riwayat=tuple(model.StatusEvent(**e) for e in c.get("riwayat", ())),
                umkm_id=u["id"],
            )
            for c in u.get("sertifikat", ())
        )
        public = {
            k: v for k, v in u.items() if k not in ("rahasia", "sertifikat", "kontak", "produk")
        }
        umkm.append(
            model.Umkm(
                **public,
                produk=_texts(u.get("produk")),
                kontak=model.Contact(**u.get("kontak", {})),
                sertifikat=certs,
            )
        )
        if "rahasia" in u:
            secrets[u["id"]] = model.Secret(**u["rahasia"])
    return model.Registry(
        registri=model.RegistryInfo(
            **{
                **info,
                "kontak": model.RegistryContact(**info.get("kontak", {})),
                "kunci": tuple(model.SigningKey(**k) for k in info.get("kunci", ())),
            }
        ),
        sektor=dict(d["sektor"]),
        kecamatan=tuple(d["kecamatan"]),
        lsp={k: model.Lsp(key=k, **v) for k, v in d["lsp"].items()},
        umkm=tuple(umkm),
        _secrets=secrets,
    )
