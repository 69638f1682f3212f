"""data/portal.yaml: the portal's identity and its member registries, read and checked.

Checked like data/umkm.yaml: every problem at once, `FILE:LINE:COL: message` in Indonesian,
unknown keys refused, member ids unique. A member's `url` is https; plain http is allowed only
to this machine (127.0.0.1, ::1, localhost) and only while `portal.contoh` is true (the sample
and the tests serve members locally). A real portal (`contoh: false`) refuses loopback members.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from ..data import diagnostics, model, multikey, trust
from ..signing.anchor import did_of_site

PORTAL_PATH = "data/portal.yaml"
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
_KEY_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")
_LOOPBACK = ("localhost", "127.0.0.1", "::1")
MAX_BYTES = 1024 * 1024  # a portal lists hundreds of members, never a megabyte of them
MAX_DEPTH = 8


@dataclass(frozen=True)
class Member:
    id: str
    nama: str
    url: str  # ends with "/"
    did: str | None = None  # the expected issuer; None: the did:web of `url`

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""

    @property
    def expected_did(self) -> str:
        return self.did or did_of_site(self.url)


@dataclass(frozen=True)
class Portal:
    info: model.RegistryInfo  # judul, penerbit, wilayah, kontak, contoh, kunci (the portal's)
    anggota: tuple[Member, ...]

    def as_registry(self) -> model.Registry:
        """The portal as an empty registry: what the signing wing takes to pick its key."""
        return model.Registry(self.info, {}, (), {}, ())


def is_portal(path: str | Path) -> bool:
    """Whether a data file is a portal's (by name: portal.yaml)."""
    return Path(path).name == "portal.yaml"


class _Checker:
    def __init__(self, filename: str):
        self.filename = filename
        self.problems = diagnostics.Problems()

    def bad(self, node, message: str) -> None:
        mark = node.start_mark if node is not None else None
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        self.problems.add(diagnostics.Problem(line, col, message))

    def mapping(self, node, where: str, allowed: tuple[str, ...], required: tuple[str, ...]):
        if not isinstance(node, yaml.MappingNode):
            self.bad(node, f"{where} harus berupa blok kunci: nilai")
            return {}
        out = {}
        for k, v in node.value:
            key = k.value if isinstance(k, yaml.ScalarNode) else None
            if key not in allowed:
                self.bad(k, f"{where}: " + diagnostics.unknown_key(str(key), list(allowed)))
            elif key in out:
                self.bad(k, f"{where}: kunci '{key}' ditulis dua kali")
            else:
                out[key] = v
        for key in required:
            if key not in out:
                self.bad(node, f"{where}: kunci '{key}' wajib diisi")
        return out

    def text(self, node, where: str, required: bool = True) -> str | None:
        if node is None:
            return None
        if not isinstance(node, yaml.ScalarNode) or node.tag != "tag:yaml.org,2002:str":
            self.bad(node, f"{where} harus berupa teks")
            return None
        value = node.value.strip()
        if required and not value:
            self.bad(node, f"{where} tidak boleh kosong")
            return None
        if any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in value):
            self.bad(node, f"{where} memuat karakter kendali")
            return None
        return value or None

    def flag(self, node, where: str) -> bool:
        if node is None:
            return False
        if node.tag != "tag:yaml.org,2002:bool":
            self.bad(node, f"{where} harus true atau false")
            return False
        return node.value.lower() in ("true", "yes", "on")

    def day(self, node, where: str) -> date | None:
        if node is None:
            return None
        try:
            return date.fromisoformat(str(node.value))
        except (ValueError, TypeError):
            self.bad(node, f"{where} harus tanggal TTTT-BB-HH")
            return None


def member_url_problem(url: str, contoh: bool) -> str | None:
    """Why a member's address is refused, or None."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        return "alamat tidak sah"
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("https", "http") or not host:
        return "alamat harus diawali https://"
    if parts.username is not None or "@" in parts.netloc:
        return "alamat tidak boleh memuat nama pengguna (@)"
    if parts.query or parts.fragment:
        return "alamat tidak boleh memuat ? atau #"
    loopback = host in _LOOPBACK
    if loopback and not contoh:
        return "alamat di komputer ini (127.0.0.1/localhost) hanya boleh selama portal.contoh: true"
    if not loopback and (why := trust.placeholder_host(host)) and not contoh:
        return f"alamat contoh, bukan alamat registri sungguhan ({why})"
    if not loopback:
        try:
            ipaddress.ip_address(host)
            return "alamat anggota harus nama situs, bukan alamat IP"
        except ValueError:
            pass
    if parts.scheme == "http" and not loopback:
        return "alamat harus https:// (http biasa hanya untuk 127.0.0.1 pada portal contoh)"
    return None


_PORTAL_KEYS = ("judul", "penerbit", "wilayah", "kontak", "contoh", "kunci")
_MEMBER_KEYS = ("id", "nama", "url", "did")
_KEY_KEYS = ("id", "publik", "berlaku_mulai", "berlaku_sampai")


def _compose(text: str, c: _Checker):
    """The node tree, after refusing anchors, aliases and deep nesting (cheap, event by event)."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                c.bad(event, "anchor/alias (& dan *) tidak dipakai di berkas ini")
                return None
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    c.bad(event, f"bersarang lebih dari {MAX_DEPTH} tingkat")
                    return None
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        c.problems.add(diagnostics.Problem(line, col, f"YAML tidak sah: {e.problem or e}"))
        return None


def load(path: str | Path) -> Portal:
    """Read and check a portal.yaml; diagnostics.DataError (every problem) otherwise."""
    filename = str(path)
    c = _Checker(filename)
    try:
        raw = Path(path).read_bytes()
    except OSError as e:
        c.problems.add(diagnostics.Problem(0, 0, f"tidak bisa dibaca ({e.strerror or e})"))
        raise c.problems.error(filename) from None
    if len(raw) > MAX_BYTES:
        c.problems.add(diagnostics.Problem(0, 0, "berkas lebih dari 1 MB"))
        raise c.problems.error(filename)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        c.problems.add(diagnostics.Problem(0, 0, "bukan teks UTF-8"))
        raise c.problems.error(filename) from None
    root = _compose(text, c)
    if c.problems:
        raise c.problems.error(filename)
    top = c.mapping(root, "berkas portal", ("portal", "anggota"), ("portal", "anggota"))
    info = _info(c, top.get("portal"))
    members = _members(c, top.get("anggota"), bool(info and info.contoh))
    if c.problems or info is None:
        raise c.problems.error(filename)
    return Portal(info, members)


def _info(c: _Checker, node) -> model.RegistryInfo | None:
    if node is None:
        return None
    f = c.mapping(node, "portal", _PORTAL_KEYS, ("judul", "penerbit"))
    kontak = model.RegistryContact()
    if "kontak" in f:
        k = c.mapping(f["kontak"], "portal.kontak", ("email", "telepon", "alamat"), ())
        kontak = model.RegistryContact(
            **{key: c.text(v, f"portal.kontak.{key}", required=False) for key, v in k.items()}
        )
    keys = []
    if "kunci" in f:
        if not isinstance(f["kunci"], yaml.SequenceNode):
            c.bad(f["kunci"], "portal.kunci harus berupa daftar kunci")
        else:
            for i, item in enumerate(f["kunci"].value):
                keys.append(_key(c, item, f"portal.kunci[{i}]"))
    return model.RegistryInfo(
        judul=c.text(f.get("judul"), "portal.judul") or "",
        penerbit=c.text(f.get("penerbit"), "portal.penerbit") or "",
        wilayah=c.text(f.get("wilayah"), "portal.wilayah", required=False) or "",
        kontak=kontak,
        contoh=c.flag(f.get("contoh"), "portal.contoh"),
        kunci=tuple(k for k in keys if k is not None),
    )


def _key(c: _Checker, node, where: str) -> model.SigningKey | None:
    f = c.mapping(node, where, _KEY_KEYS, ("id", "publik", "berlaku_mulai"))
    key_id = c.text(f.get("id"), f"{where}.id")
    if key_id and not _KEY_ID.match(key_id):
        c.bad(f["id"], f"{where}.id hanya huruf, angka, titik, - dan _")
    publik = c.text(f.get("publik"), f"{where}.publik")
    if publik:
        try:
            multikey.decode_public(publik)
        except ValueError:
            c.bad(f["publik"], f"{where}.publik bukan kunci publik Ed25519 (z6Mk...)")
    start = c.day(f.get("berlaku_mulai"), f"{where}.berlaku_mulai")
    until = c.day(f.get("berlaku_sampai"), f"{where}.berlaku_sampai")
    if not (key_id and publik and start):
        return None
    return model.SigningKey(key_id, publik, start, until)


def _members(c: _Checker, node, contoh: bool) -> tuple[Member, ...]:
    if node is None:
        return ()
    if not isinstance(node, yaml.SequenceNode):
        c.bad(node, "anggota harus berupa daftar registri anggota (- id: ...)")
        return ()
    if not node.value:
        c.bad(node, "anggota kosong: sebutkan paling sedikit satu registri")
    out, seen_id, seen_url = [], {}, {}
    for i, item in enumerate(node.value):
        where = f"anggota[{i}]"
        f = c.mapping(item, where, _MEMBER_KEYS, ("id", "nama", "url"))
        mid = c.text(f.get("id"), f"{where}.id")
        if mid and not _ID.match(mid):
            c.bad(f["id"], f"{where}.id harus huruf kecil, angka dan -, 2-63 karakter")
            mid = None
        elif mid in seen_id:
            c.bad(f["id"], f"{where}.id '{mid}' sudah dipakai anggota di baris {seen_id[mid]}")
            mid = None
        elif mid:
            seen_id[mid] = f["id"].start_mark.line + 1
        nama = c.text(f.get("nama"), f"{where}.nama")
        url = c.text(f.get("url"), f"{where}.url")
        if url:
            url = url if url.endswith("/") else url + "/"
            problem = member_url_problem(url, contoh)
            if problem:
                c.bad(f["url"], f"{where}.url: {problem}")
                url = None
            elif url.lower() in seen_url:
                c.bad(
                    f["url"], f"{where}.url sudah dipakai anggota di baris {seen_url[url.lower()]}"
                )
                url = None
            else:
                seen_url[url.lower()] = f["url"].start_mark.line + 1
        did = c.text(f.get("did"), f"{where}.did", required=False)
        if did and url and did != did_of_site(url):
            c.bad(
                f["did"],
                f"{where}.did '{did}' tidak cocok dengan alamatnya: did:web dari {url} adalah "
                f"'{did_of_site(url)}'",
            )
            did = None
        if mid and nama and url:
            out.append(Member(mid, nama, url, did))
    return tuple(out)
