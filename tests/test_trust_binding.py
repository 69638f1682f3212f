"""A signature bound to its issuer, a status with a date (issue 18 items 1, 2 and 13; SPEC
"Trust": "A signature proves nothing without its issuer", "Status is only as good as its date").

The forged site: a copy of the registry that claims the registry's did:web, lists the forger's
own key in its did.json, signs with it, and changes a holder's name. Every signature in it is
valid; only the binding of the keys to the issuer's address can refuse it. Checked by our
`verify` from a folder and from a URL served by a real local server, and by the digitalbazaar
verifier (tests/js/verify.mjs). Sites are built at the real clock (their status lists are fresh)
unless a test builds an old one on purpose.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import make_project
from test_signing import build, js_verify, keys, offline_env, registry_text  # noqa: F401

REAL_URL = "https://registri-umkm.probolinggokab.go.id/"
REAL_DID = "did:web:registri-umkm.probolinggokab.go.id"
DAY = 86400


def now_epoch(days_ago: int = 0) -> str:
    return str(int(time.time()) - days_ago * DAY)


def verify(target, *args: str, env: dict | None = None):
    """`python -m generator verify TARGET ARGS` (env added to os.environ)."""
    return subprocess.run(
        [sys.executable, "-m", "generator", "verify", str(target), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


def signed_project(
    dest: Path, key: tuple, site_url: str, *, forged: bool = False, days_ago: int = 0, extra=""
) -> Path:
    """The test registry (tests/test_signing.py) signed with `key` at `site_url`, built
    `days_ago` days ago. forged: the holder of sah-2024-0001 renamed (by whoever holds `key`)."""
    kid = "kunci-penipu" if forged else "kunci-a"
    text = registry_text((kid, key[2], "2026-01-01", None))
    if forged:
        text = text.replace("Ani", "Penipu")
    text = text.replace("  contoh: true\n", "  contoh: true\n" + extra)
    project = make_project(dest, text, site_url=site_url)
    r = build(project, key[0], epoch=now_epoch(days_ago))
    assert r.returncode == 0, r.stdout + r.stderr
    return project


def trust_member(did: str, publik: str, status: str = "terverifikasi") -> dict:
    """One member of a portal's trust list: the real registry's address, `did`, key `publik`."""
    return {
        "id": "probolinggo",
        "nama": "Registri UMKM Kabupaten Probolinggo",
        "url": REAL_URL,
        "host": "registri-umkm.probolinggokab.go.id",
        "did": did,
        "kunci": [{"id": "kunci-a", "publik": publik}],
        "diperiksa": "2026-12-01T00:00:00Z",
        "status": status,
    }


def trust_list(dest: Path, did: str, publik: str) -> Path:
    """A portal's /api/anggota.json listing `did` with key `publik` (the format the portal
    publishes: generator/signing/anchor.trust_list_keys)."""
    data = {"anggota": [trust_member(did, publik)]}
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(data), encoding="utf-8")
    return dest


@pytest.fixture(scope="module")
def real(tmp_path_factory, keys):  # noqa: F811
    return signed_project(tmp_path_factory.mktemp("asli") / "p", keys["a"], REAL_URL)


@pytest.fixture(scope="module")
def forged(tmp_path_factory, keys):  # noqa: F811
    """The forger's site: the registry's did:web, key c (the forger's), a holder altered."""
    return signed_project(tmp_path_factory.mktemp("palsu") / "p", keys["c"], REAL_URL, forged=True)


def test_the_forgery_is_well_made(real, forged):
    """The forged site claims the registry's did:web and holds only valid signatures of its
    own key: its did.json names that key, and the holder is changed."""
    for project in (real, forged):
        assert json.loads((project / "site" / "did.json").read_text())["id"] == REAL_DID
    cred = (forged / "site" / "api" / "kredensial" / "sah-2024-0001.json").read_text()
    assert "Penipu" in cred and "#kunci-penipu" in cred
    # its own did.json believed, it is whole and well signed: only the anchor can refuse it
    r = verify(forged / "site", "--kunci", str(forged / "site" / "did.json"))
    assert r.returncode == 0, r.stdout


# ---------------------------------------------------------------------------------------------
# From a folder: valid only with anchored keys


def test_a_forged_folder_without_an_anchor_is_refused(real, forged, offline_env):  # noqa: F811
    """No --kunci, no --portal and the issuer's host out of reach (network blocked): the keys
    are anchored nowhere. One Indonesian line, exit 1, for the forgery and the genuine alike.
    (Before: the forged site's own did.json was believed, 'SAH', exit 0.)"""
    for project in (forged, real):
        r = verify(project / "site", env=offline_env)
        assert r.returncode == 1, r.stdout
        assert "Traceback" not in r.stderr and len(r.stdout.splitlines()) == 1, r.stdout
        assert "tidak tertambat" in r.stdout and "--kunci" in r.stdout, r.stdout
        assert "SAH" not in r.stdout


def test_a_forged_folder_is_refused_by_the_registrys_pinned_keys(real, forged):
    r = verify(forged / "site", "--kunci", str(real / "data" / "umkm.yaml"))
    assert r.returncode == 1 and "bukan kunci yang disematkan" in r.stdout, r.stdout
    r = verify(real / "site", "--kunci", str(real / "data" / "umkm.yaml"))
    assert r.returncode == 0, r.stdout


def test_a_portal_trust_list_anchors_the_issuer(real, forged, keys, tmp_path, serve_dir):  # noqa: F811
    """--portal reads the portal's /api/anggota.json (a file, a built portal folder, or the
    portal's address): the genuine site's key is the one listed for its did:web, the forger's
    is not; an issuer the portal does not list is not anchored."""
    portal = tmp_path / "portal"
    listed = trust_list(portal / "api" / "anggota.json", REAL_DID, keys["a"][2])
    base = serve_dir(portal)
    for where in (str(listed), str(portal), base, base + "api/anggota.json"):
        r = verify(real / "site", "--portal", where)
        assert r.returncode == 0, (where, r.stdout)
        assert "daftar portal" in r.stdout
        r = verify(forged / "site", "--portal", where)
        assert r.returncode == 1, (where, r.stdout)
        assert "bukan kunci penerbit menurut daftar portal" in r.stdout, r.stdout
    other = trust_list(tmp_path / "lain.json", "did:web:registri.lain.go.id", keys["a"][2])
    r = verify(real / "site", "--portal", str(other))
    assert r.returncode == 1 and len(r.stdout.splitlines()) == 1, r.stdout
    assert "tidak terdaftar" in r.stdout and REAL_DID in r.stdout
    (tmp_path / "rusak.json").write_text('{"bukan": []}')
    r = verify(real / "site", "--portal", str(tmp_path / "rusak.json"))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "daftar anggota portal tidak bisa dibaca" in r.stdout, r.stdout


def test_trust_list_format():
    from generator.signing import anchor

    ok = "terverifikasi"  # only a member the portal verified vouches for its keys
    data = {
        "anggota": [
            {"did": "did:web:a.go.id", "kunci": [{"id": "k1", "publik": "z1"}], "status": ok},
            {
                "did": "did:web:b.go.id",
                "kunci": [{"id": "k2", "publik": "z2"}, {"id": "x"}],
                "status": ok,
            },
            {"did": "did:web:a.go.id", "kunci": [{"id": "k3", "publik": "z3"}], "status": ok},
            {
                "did": "did:web:a.go.id",
                "kunci": [{"id": "k4", "publik": "z4"}],
                "status": "gagal-verifikasi",
            },
            {"did": "did:web:a.go.id", "kunci": [{"id": "k5", "publik": "z5"}]},
            "rusak",
        ]
    }
    assert anchor.trust_list_keys(data, "did:web:a.go.id") == {"z1", "z3"}
    assert anchor.trust_list_keys(data, "did:web:b.go.id") == {"z2"}
    assert anchor.trust_list_keys(data, "did:web:c.go.id") is None
    with pytest.raises(ValueError):
        anchor.trust_list_keys([], "did:web:a.go.id")


# ---------------------------------------------------------------------------------------------
# From a URL: the did:web must name the host the site was fetched from


@pytest.fixture(scope="module")
def hosted(tmp_path_factory, keys, serve_dir):  # noqa: F811
    """Genuine sites published at a local server, built for their own address: at the root
    (http://127.0.0.1:PORT/) and under a path (.../registri/)."""
    root = tmp_path_factory.mktemp("host") / "www"
    root.mkdir()
    base = serve_dir(root)
    sites = {}
    for sub in ("", "registri/"):
        project = signed_project(tmp_path_factory.mktemp("dihosting") / "p", keys["a"], base + sub)
        shutil.copytree(project / "site", root / sub, dirs_exist_ok=True)
        sites[base + sub] = (project, root / sub)
    return sites


def test_a_genuine_site_at_a_port_or_a_path_verifies_by_url(hosted):
    """Item 13: every credential's id is http://127.0.0.1:PORT/[registri/]verifikasi/<id>/;
    `verify URL` judged them against https://... and failed each one."""
    assert len(hosted) == 2
    for url in hosted:
        r = verify(url)
        assert r.returncode == 0, (url, r.stdout)
        assert "4 sertifikat digital" in r.stdout and "SAH" in r.stdout
        assert "id kredensial bukan halaman verifikasi" not in r.stdout
        assert f"Kunci dibaca dari host penerbit sendiri ({url})" in r.stdout
    # one changed byte on the server fails (restored after: the sites are shared)
    url, (_, folder) = next(iter(hosted.items()))
    served = folder / "api" / "registri.json"
    data = served.read_bytes()
    served.write_bytes(data.replace(b'"versi_format":2', b'"versi_format":3', 1))
    try:
        r = verify(url)
    finally:
        served.write_bytes(data)
    assert r.returncode == 1 and "api/registri.json: isi berubah" in r.stdout, r.stdout


def test_a_folder_built_for_an_http_address_verifies(hosted):
    """did:web names host and path, not the scheme: the folder of a site built for
    http://127.0.0.1:PORT/[registri/] verifies with its keys pinned (its credentials' ids
    start with http://, not the https:// rebuilt from the DID)."""
    for project, _ in hosted.values():
        r = verify(project / "site", "--kunci", str(project / "data" / "umkm.yaml"))
        assert r.returncode == 0, r.stdout


def test_a_forged_site_by_url_is_refused(forged, keys, tmp_path, serve_dir):  # noqa: F811
    """Served at 127.0.0.1 while claiming the registry's did:web: refused in one line, even
    with the forger's own key pinned. (Before: 'SAH', exit 0.)"""
    base = serve_dir(forged / "site")
    for args in ((), ("--kunci", str(forged / "data" / "umkm.yaml"))):
        r = verify(base, *args)
        assert r.returncode == 1, r.stdout
        assert len(r.stdout.splitlines()) == 1 and "Traceback" not in r.stderr, r.stdout
        assert f"mengaku sebagai {REAL_DID}" in r.stdout, r.stdout


def test_a_site_moved_to_another_path_is_refused(hosted, tmp_path, serve_dir):
    """A genuine site copied under another path of another server claims an address it is not
    served from: refused, like a forgery."""
    (url, (project, _)), *_ = hosted.items()
    other = tmp_path / "lain"
    shutil.copytree(project / "site", other / "salinan")
    r = verify(serve_dir(other) + "salinan/")
    assert r.returncode == 1 and "mengaku sebagai" in r.stdout, r.stdout


# ---------------------------------------------------------------------------------------------
# Status is only as good as its date


def test_status_lists_carry_valid_until_from_masa_status_hari(real, tmp_path, keys):  # noqa: F811
    from datetime import datetime, timedelta

    def window(project: Path) -> timedelta:
        out = set()
        for name in ("pencabutan", "pembekuan"):
            doc = json.loads((project / "site" / "api" / "status" / f"{name}.json").read_text())
            start, end = (datetime.fromisoformat(doc[k]) for k in ("validFrom", "validUntil"))
            out.add(end - start)
        (only,) = out
        return only

    assert window(real) == timedelta(days=7)  # the default
    longer = signed_project(tmp_path / "p", keys["a"], REAL_URL, extra="  masa_status_hari: 30\n")
    assert window(longer) == timedelta(days=30)


def test_a_replayed_old_snapshot_is_stale(tmp_path, keys):  # noqa: F811
    """A whole site built 8 days ago (masa_status_hari 7), every signature intact: its status
    lists are past validUntil, so `verify` refuses it as stale. (Before: 'SAH', exit 0: an old
    copy served after a revocation kept showing the certificate valid.) Judged at its build
    date (--pada) it was valid; with masa_status_hari 30 it still is."""
    old = signed_project(tmp_path / "lama", keys["a"], REAL_URL, days_ago=8)
    pinned = ("--kunci", str(old / "data" / "umkm.yaml"))
    r = verify(old / "site", *pinned)
    assert r.returncode == 1, r.stdout
    assert "api/status/pencabutan.json: daftar status basi" in r.stdout, r.stdout
    built = json.loads((old / "site" / "api/status/pencabutan.json").read_text())["validFrom"]
    r = verify(old / "site", *pinned, "--pada", built)
    assert r.returncode == 0, r.stdout
    r = verify(old / "site", *pinned, "--pada", "kemarin")
    assert r.returncode == 1 and "--pada" in r.stdout and "Traceback" not in r.stderr
    longer = signed_project(
        tmp_path / "panjang", keys["a"], REAL_URL, days_ago=8, extra="  masa_status_hari: 30\n"
    )
    assert verify(longer / "site", "--kunci", str(longer / "data" / "umkm.yaml")).returncode == 0


def test_a_list_without_valid_until_is_refused(real, tmp_path, keys):  # noqa: F811
    """A status list signed without validUntil (as every site was before issue 18) cannot be
    judged current: refused, though its signature and hash are right."""
    from test_signing import signer_of

    from generator.signing import proof, sums

    site = tmp_path / "site"
    shutil.copytree(real / "site", site)
    signer = signer_of(real, keys["a"][0])
    path = site / "api" / "status" / "pencabutan.json"
    doc = json.loads(path.read_text())
    del doc["proof"], doc["validUntil"]
    options = proof.proof_options(doc, signer.verification_method, doc["validFrom"])
    doc["proof"] = proof.create(doc, options, signer.sign)
    path.write_text(json.dumps(doc), encoding="utf-8")
    sums.write(site, signer)
    r = verify(site, "--kunci", str(real / "data" / "umkm.yaml"))
    assert r.returncode == 1 and "tanpa validUntil" in r.stdout, r.stdout
    assert "pencabutan.json: isi berubah" not in r.stdout  # only the missing date is wrong


# ---------------------------------------------------------------------------------------------
# The independent verifier: the same binding, the same freshness


def test_js_verifier_refuses_the_forgery_pinned_or_by_origin(real, forged, js_verify, serve_dir):  # noqa: F811
    pinned = str(real / "site" / "did.json")
    report = js_verify(forged / "site", "--did", pinned)
    assert report["anchor"] == "pinned"
    assert not any(v["verified"] for v in report["credentials"].values()), report
    report = js_verify(real / "site", "--did", pinned)
    assert report["credentials"]["api/kredensial/sah-2024-0001.json"]["verified"] is True
    # served at a local address while claiming the registry's did:web: the resolver answers
    # only for the address the site came from
    base = serve_dir(forged / "site")
    report = js_verify(forged / "site", "--origin", base)
    assert report["anchor"] == "origin" and report["sums"]["jws"]["verified"] is False
    assert not any(v["verified"] for v in report["credentials"].values()), report
    errors = " ".join(e for v in report["credentials"].values() for e in v["errors"])
    assert REAL_DID in errors, errors


def test_js_verifier_calls_nothing_verified_without_an_anchor(real, js_verify, tmp_path):  # noqa: F811
    """Neither --did nor --origin: the site's own did.json proves integrity only."""
    import subprocess as sp

    from conftest import ROOT

    r = sp.run(
        ["node", str(ROOT / "tests" / "js" / "verify.mjs"), str(real / "site")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["anchor"] == "none" and report["sums"]["jws"]["verified"] is True
    for result in report["credentials"].values():
        assert result["verified"] is False
        assert any("not anchored" in e for e in result["errors"])


def test_js_verifier_accepts_a_genuine_site_by_origin(hosted, js_verify):  # noqa: F811
    for url, (project, _) in hosted.items():
        report = js_verify(project / "site", "--origin", url)
        assert report["sums"]["jws"]["verified"] is True, url
        creds = report["credentials"]
        assert creds["api/kredensial/sah-2024-0001.json"]["verified"] is True, (url, creds)
        assert creds["api/kredensial/cabut-2024-0002.json"]["statuses"]["revocation"] is True


def test_js_verifier_refuses_a_stale_status_list(tmp_path, keys, js_verify):  # noqa: F811
    old = signed_project(tmp_path / "lama", keys["a"], REAL_URL, days_ago=8)
    pinned = str(old / "site" / "did.json")
    report = js_verify(old / "site", "--did", pinned)
    result = report["credentials"]["api/kredensial/sah-2024-0001.json"]
    assert result["verified"] is False
    assert any("BitstringStatusListCredential" in e and "validUntil" in e for e in result["errors"])
    built = json.loads((old / "site" / "api/status/pencabutan.json").read_text())["validFrom"]
    report = js_verify(old / "site", "--did", pinned, "--now", built)
    assert report["credentials"]["api/kredensial/sah-2024-0001.json"]["verified"] is True


# ---------------------------------------------------------------------------------------------
# From a folder, anchored by the did:web's own host (a real local HTTPS server)


def _https_server(directory: Path, tmp: Path):
    """An HTTPS server on 127.0.0.1 for `directory`, with a certificate made here; returns
    (server, base URL, CA file for SSL_CERT_FILE)."""
    import datetime as dt
    import functools
    import http.server
    import ipaddress
    import ssl
    import threading

    from conftest import _QuietHandler
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=7))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    pem = tmp / "server.pem"
    pem.write_bytes(
        cert.public_bytes(serialization.Encoding.PEM)
        + key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    ca = tmp / "ca.pem"
    ca.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    handler = functools.partial(_QuietHandler, directory=str(directory))
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pem)
    srv.socket = context.wrap_socket(srv.socket, server_side=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, f"https://127.0.0.1:{srv.server_address[1]}/", ca


def test_a_folder_is_anchored_by_its_did_web_host(tmp_path, keys):  # noqa: F811
    """No --kunci and no --portal: `verify FOLDER` reads the issuer's keys where did:web
    resolution says (https://<host>/.well-known/did.json for a bare host). The genuine
    folder passes; a forged folder claiming that did:web with its own key is refused."""
    www = tmp_path / "www"
    www.mkdir()
    srv, base, ca = _https_server(www, tmp_path)
    try:
        real = signed_project(tmp_path / "asli", keys["a"], base)
        shutil.copytree(real / "site", www, dirs_exist_ok=True)
        fake = signed_project(tmp_path / "palsu", keys["c"], base, forged=True)
        env = {"SSL_CERT_FILE": str(ca)}
        r = verify(real / "site", env=env)
        assert r.returncode == 0, r.stdout
        assert (
            f"Kunci penerbit dibaca dari hostnya sendiri ({base}.well-known/did.json)" in r.stdout
        )
        r = verify(fake / "site", env=env)
        assert r.returncode == 1, r.stdout
        assert f"bukan kunci penerbit menurut {base}.well-known/did.json" in r.stdout, r.stdout
        # the host's certificate not trusted: not anchored, one line
        r = verify(real / "site")
        assert r.returncode == 1 and len(r.stdout.splitlines()) == 1, r.stdout
        assert "tidak tertambat" in r.stdout and "HTTPS" in r.stdout, r.stdout
    finally:
        srv.shutdown()
