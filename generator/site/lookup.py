"""The compact look-up index: printed number or id -> certificate id, in small shards.

The browser normalises what the user typed exactly as `normalise` does, hashes it to a shard
and fetches only that shard, so a look-up never downloads the whole registry."""

from __future__ import annotations

import json
import math
import re

from ..data.model import Registry

SHARD_TARGET = 512  # keys per shard, roughly


def normalise(text: str) -> str:
    """Any case, spaces, slashes, dots, dashes: 'MWPM/UMKM/2020/0001' -> 'mwpmumkm20200001'."""
    return re.sub(r"[^0-9a-z]", "", text.casefold())


def fnv1a(text: str) -> int:
    """32-bit FNV-1a over UTF-8 bytes; lookup.js computes the same."""
    h = 0x811C9DC5
    for b in text.encode("utf-8"):
        h ^= b
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def shard_count(n_keys: int) -> int:
    """A power of two, so that shards hold about SHARD_TARGET keys."""
    if n_keys <= SHARD_TARGET:
        return 1
    return 1 << math.ceil(math.log2(n_keys / SHARD_TARGET))


def keys(registry: Registry) -> dict[str, str]:
    """normalised key -> certificate id (validation guarantees keys do not clash)."""
    out: dict[str, str] = {}
    for _, c in registry.certificates():
        out.setdefault(normalise(c.nomor), c.id)
        out.setdefault(normalise(c.id), c.id)
    return out


def index_files(registry: Registry) -> dict[str, bytes]:
    return shard_files(keys(registry))


def shard_files(k: dict, members: dict | None = None) -> dict[str, bytes]:
    """api/cari/meta.json and the shards of normalised key -> value: a certificate id; on a
    portal `<member>/<certificate id>` (or a list of them when members share the key), with
    `members` (member id -> [name, address]) in meta.json, which the browser reads first."""
    n = shard_count(len(k))
    shards: list[dict] = [{} for _ in range(n)]
    for key, cid in sorted(k.items()):
        shards[fnv1a(key) % n][key] = cid
    meta = {"v": 1, "shards": n, **({"anggota": members} if members is not None else {})}
    files = {"api/cari/meta.json": _json(meta)}
    for i, shard in enumerate(shards):
        files[f"api/cari/{i}.json"] = _json(shard)
    return files


def _json(obj) -> bytes:
    return (
        json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"
    ).encode()
