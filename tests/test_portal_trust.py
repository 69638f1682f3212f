# ruff: noqa: F811
"""`verify FOLDER --portal URL_OR_FILE` believes a portal's trust list only as far as the portal
vouches for it (SPEC "Trust", "Portal"): the list's signature (api/anggota.json.jws) is checked
against the portal's did.json read from the portal's own address (or against the portal's key
pinned with --kunci-portal); a portal that has a key and serves the list unsigned or badly
signed is refused; only a member the portal verified (`status: terverifikasi`) whose did is
the site's issuer lends its keys. Portals are real HTTP servers on local ports: a genuine one
and look-alikes serving forged lists.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from conftest import run_generator
from test_portal import world  # noqa: F401
from test_signing import keys  # noqa: F401
from test_trust_binding import REAL_DID, REAL_URL, forged, real, trust_member, verify  # noqa: F401

from generator.data import model
from generator.signing import keys as signing_keys
from generator.signing import sums
from generator.signing.anchor import did_of_site


def member(did: str, publik: str, status: str = "terverifikasi") -> dict:
    return {**trust_member(did, publik, status), "terjangkau": True}


def did_document(did: str, publik: str) -> dict:
    vm = f"{did}#kunci-portal"
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [
            {"id": vm, "type": "Multikey", "controller": did, "publicKeyMultibase": publik}
        ],
        "assertionMethod": [vm],
    }


def publish(folder: Path, base: str, rows: list[dict], key=None, did: str | None = None,
            sign: bool = True) -> None:  # fmt: skip
    """Write a portal's api/anggota.json into `folder` (served at `base`); with `key` (a test
    key: pem, _, publik) its did.json (claiming `did`, default the did:web of `base`) and, when
    `sign`, the JWS over the list by that key."""
    (folder / "api").mkdir(parents=True, exist_ok=True)
    raw = (json.dumps({"versi_format": 1, "anggota": rows}) + "\n").encode()
    (folder / "api" / "anggota.json").write_bytes(raw)
    if key is None:
        return
    did = did or did_of_site(base)
    doc = json.dumps(did_document(did, key[2]))
    for rel in ("did.json", ".well-known/did.json"):
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(doc)
    if sign:
        private, _ = signing_keys.private_key_from_env({"REGISTRI_KUNCI_FILE": str(key[0])})
        signer = signing_keys.Signer(
            private, model.SigningKey("kunci-portal", key[2], date(2026, 1, 1)), did, base
        )
        (folder / "api" / "anggota.json.jws").write_text(sums.detached_jws(raw, signer))


@pytest.fixture
def portal(tmp_path, serve_dir, keys):  # noqa: F811
    """A genuine portal (key b) listing the real registry with its key a, served locally."""
    folder = tmp_path / "portal"
    folder.mkdir()
    base = serve_dir(folder)
    publish(folder, base, [member(REAL_DID, keys["a"][2])], keys["b"])
    pinned = tmp_path / "kunci-portal.txt"
    pinned.write_text(keys["b"][2] + "\n")
    return {"folder": folder, "base": base, "pinned": str(pinned)}


def test_a_signed_trust_list_verifies_against_the_portals_own_did_json(real, forged, portal):  # noqa: F811
    for where in (portal["base"], portal["base"] + "api/anggota.json", str(portal["folder"])):
        r = verify(real / "site", "--portal", where)
        assert r.returncode == 0, (where, r.stdout)
        assert "Daftar anggota portal ditandatangani kunci portal" in r.stdout, r.stdout
        r = verify(real / "site", "--portal", where, "--kunci-portal", portal["pinned"])
        assert r.returncode == 0, (where, r.stdout)
        r = verify(forged / "site", "--portal", where)
        assert r.returncode == 1 and "bukan kunci penerbit menurut daftar portal" in r.stdout


def test_a_trust_list_changed_after_signing_is_refused(real, forged, portal, keys):  # noqa: F811
    """The list lends the forger's key to the registry's did after the portal signed it."""
    path = portal["folder"] / "api" / "anggota.json"
    data = json.loads(path.read_text())
    data["anggota"][0]["kunci"].append({"id": "kunci-c", "publik": keys["c"][2]})
    path.write_text(json.dumps(data))
    for where in (portal["base"], str(portal["folder"])):
        r = verify(forged / "site", "--portal", where)
        assert r.returncode == 1 and "Traceback" not in r.stderr, r.stdout
        assert len(r.stdout.splitlines()) == 1, r.stdout
        assert "tanda tangan daftar anggota portal" in r.stdout and "tidak sah" in r.stdout


def test_a_portal_with_a_key_serving_its_list_unsigned_is_refused(real, portal):  # noqa: F811
    (portal["folder"] / "api" / "anggota.json.jws").unlink()
    for args in ((), ("--kunci-portal", portal["pinned"])):
        r = verify(real / "site", "--portal", portal["base"], *args)
        assert r.returncode == 1 and len(r.stdout.splitlines()) == 1, r.stdout
        assert "tidak bertanda tangan" in r.stdout and "punya kunci" in r.stdout, r.stdout


def test_a_portal_without_a_key_is_believed_by_its_address_only(real, tmp_path, serve_dir, keys):  # noqa: F811
    folder = tmp_path / "tanpa-kunci"
    folder.mkdir()
    base = serve_dir(folder)
    publish(folder, base, [member(REAL_DID, keys["a"][2])])
    r = verify(real / "site", "--portal", base)
    assert r.returncode == 0 and "karena alamatnya saja" in r.stdout, r.stdout
    pinned = tmp_path / "k.txt"
    pinned.write_text(keys["b"][2])
    r = verify(real / "site", "--portal", base, "--kunci-portal", str(pinned))
    assert r.returncode == 1 and "tidak bertanda tangan" in r.stdout, r.stdout


def test_a_forged_trust_list_on_a_look_alike_portal_is_refused(
    real,
    forged,
    portal,
    tmp_path,
    serve_dir,
    keys,  # noqa: F811
):
    """Look-alike portals list the registry's did with the forger's key c:
    1. one copies the genuine portal's did.json (it claims the genuine portal's did:web) and
       signs with key c under the genuine kid: the did.json is not that of its own address;
    2. one has its own did.json with key c and signs properly: believed by its address alone
       (the address the user typed is the anchor), refused once the portal's key is pinned,
       served or downloaded."""
    forged_rows = [member(REAL_DID, keys["c"][2])]
    copy = tmp_path / "tiruan-1"
    copy.mkdir()
    base = serve_dir(copy)
    publish(copy, base, forged_rows, keys["c"], did=did_of_site(portal["base"]))
    r = verify(forged / "site", "--portal", base)
    assert r.returncode == 1 and len(r.stdout.splitlines()) == 1, r.stdout
    assert "did.json portal mengaku sebagai" in r.stdout and "tiruan" in r.stdout, r.stdout

    own = tmp_path / "tiruan-2"
    own.mkdir()
    base = serve_dir(own)
    publish(own, base, forged_rows, keys["c"])
    r = verify(forged / "site", "--portal", base)
    assert r.returncode == 0, r.stdout  # what an unpinned address can prove: its own word
    for where in (base, str(own), str(own / "api" / "anggota.json")):
        r = verify(forged / "site", "--portal", where, "--kunci-portal", portal["pinned"])
        assert r.returncode == 1 and "Traceback" not in r.stderr, (where, r.stdout)
        assert "tidak sah" in r.stdout, (where, r.stdout)
    # a signed list copied alone (no did.json beside it) needs the portal's key pinned
    alone = tmp_path / "sendiri"
    alone.mkdir()
    for name in ("anggota.json", "anggota.json.jws"):
        shutil.copy(portal["folder"] / "api" / name, alone / name)
    r = verify(real / "site", "--portal", str(alone / "anggota.json"))
    assert r.returncode == 1 and "--kunci-portal" in r.stdout, r.stdout
    r = verify(real / "site", "--portal", str(alone / "anggota.json"), "--kunci-portal",
               portal["pinned"])  # fmt: skip
    assert r.returncode == 0, r.stdout
    # and the genuine portal, downloaded as a folder, still verifies with its pinned key
    shutil.copytree(portal["folder"], tmp_path / "unduhan")
    r = verify(real / "site", "--portal", str(tmp_path / "unduhan"), "--kunci-portal",
               portal["pinned"])  # fmt: skip
    assert r.returncode == 0, r.stdout


def test_only_verified_members_whose_did_is_the_issuer_lend_their_keys(
    real,
    tmp_path,
    serve_dir,
    keys,  # noqa: F811
):
    folder = tmp_path / "portal"
    folder.mkdir()
    base = serve_dir(folder)
    for rows in (
        [member(REAL_DID, keys["a"][2], status="gagal-verifikasi")],
        [member(REAL_DID, keys["a"][2], status="tidak-bertanda-tangan")],
        [
            member(REAL_DID + ":lain", keys["a"][2]),
            member("did:web:registri.lain.go.id", keys["a"][2]),
        ],
    ):
        publish(folder, base, rows, keys["b"])
        r = verify(real / "site", "--portal", base)
        assert r.returncode == 1 and len(r.stdout.splitlines()) == 1, r.stdout
        assert "tidak terdaftar" in r.stdout and "belum terverifikasi" in r.stdout, r.stdout


def test_kunci_portal_needs_portal(real, portal):  # noqa: F811
    r = verify(real / "site", "--kunci-portal", portal["pinned"])
    assert r.returncode == 1 and r.stdout.strip().startswith("--kunci-portal hanya"), r.stdout
    r = verify(real / "site", "--portal", portal["base"] + "api/lain.json")
    assert r.returncode == 1 and len(r.stdout.splitlines()) == 1 and "alamat --portal" in r.stdout


def test_a_member_verifies_against_a_real_portals_signed_trust_list(world):
    """End to end: the portal built by tests/test_portal.py over real members, served; a
    member's folder verifies with --portal at the portal's address (its list signed by the
    portal's key, checked against the portal's did.json), also with that key pinned; the
    member the portal left out lends no key."""
    base = world["project"].parent
    day = ("--pada", "2026-11-28")  # the members were built at FIXED_EPOCH
    one = base / "kab-satu" / "site"
    pinned = str(world["site"] / "did.json")
    for extra in ((), ("--kunci-portal", pinned)):
        r = run_generator(one, "verify", str(one), "--portal", world["portal_url"], *day, *extra)
        assert r.returncode == 0, r.stdout + r.stderr
        assert "ditandatangani kunci portal" in r.stdout, r.stdout
    left_out = base / "kab-ubah" / "site"
    r = run_generator(left_out, "verify", str(left_out), "--portal", world["portal_url"], *day)
    assert r.returncode == 1 and "belum terverifikasi" in r.stdout, r.stdout
