"""`python -m generator verify SITE_DIR_OR_URL [--kunci FILE_OR_DID_JSON]`.

Checks a published site the way an integrator would: api/SHA256SUMS against every file, its JWS
against the pinned keys, every credential's proof (eddsa-rdfc-2022) and issuer, and its two
status bits in the signed status lists. Offline for a folder. Every problem is one line that
names the file; exit 1 when there is any.

Keys are believed only when anchored outside the site checked (anchor.py): `verify URL`
reads them from the host the did:web names and refuses a site claiming another host's did:web;
a folder needs --kunci (a did.json, or any text file whose `z6Mk...` words are the trusted
keys: data/umkm.yaml itself, or the lines `kunci baru` printed), a portal's trust list
(--portal), or the did:web's own host, online. The two status lists must not be past their
validUntil: an old copy of a site, served whole, is stale, not valid.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ..data import diagnostics, multikey, user_files
from . import anchor, credentials, keys, proof, sums
from .site_source import UrlSource, VerifyError, source_for

_MULTIKEY = re.compile(r"\bz6Mk[1-9A-HJ-NP-Za-km-z]{44}\b")


def pinned_keys(path: str) -> set[str]:
    """The trusted public keys in a did.json or in any text holding z6Mk... keys."""
    try:
        text = user_files.read_text(path, user_files.KEYS)
    except user_files.UserFileError as e:
        raise VerifyError(f"{path}: berkas kunci tidak bisa dibaca: {e}") from None
    except UnicodeDecodeError as e:
        raise VerifyError(f"{path}: berkas kunci tidak bisa dibaca ({e})") from None
    found = set(_MULTIKEY.findall(text))
    for k in found:
        try:
            multikey.decode_public(k)
        except ValueError:
            raise VerifyError(f"{path}: '{k}' bukan kunci publik Ed25519") from None
    if not found:
        raise VerifyError(f"{path}: tidak memuat kunci publik (z6Mk...)")
    return found


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    n_files: int = 0
    n_credentials: int = 0

    def bad(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")


def _json(raw: bytes | None, where: str, report: Report) -> dict | None:
    if raw is None:
        report.bad(where, "tidak ada")
        return None
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        report.bad(where, "bukan JSON yang sah")
        return None
    if not isinstance(data, dict):
        report.bad(where, "bukan objek JSON")
        return None
    return data


def check(
    source,
    pinned: set[str] | None,
    now: datetime | None = None,
    portal: str | None = None,
    portal_keys: set[str] | None = None,
) -> Report:
    """Check a site; `portal_keys`: the portal's key pinned (--kunci-portal) for its list."""
    report = Report()
    now = now or datetime.now(tz=UTC)
    sums_raw = source.read(sums.SUMS_PATH)
    jws = source.read(sums.JWS_PATH)
    if sums_raw is None:
        report.bad(sums.SUMS_PATH, "tidak ada: situs ini tidak menerbitkan daftar hash")
        return report
    if jws is None:
        report.bad(sums.JWS_PATH, "tidak ada: situs ini tidak ditandatangani")
    did_doc = _json(source.read(credentials.DID_PATH), credentials.DID_PATH, report)
    if did_doc is None:
        return report
    try:
        trust = anchor.believed_keys(did_doc, pinned)
        roots = anchor.roots_of(str(trust.did))
    except (ValueError, TypeError, AttributeError) as e:
        report.bad(credentials.DID_PATH, f"dokumen DID tidak sah ({e})")
        return report
    roots = _anchor(source, trust, roots, portal, portal_keys, report)
    if not trust.methods:
        report.bad(credentials.DID_PATH, "tidak memuat kunci Multikey di assertionMethod")

    # 1. the signature over SHA256SUMS
    if jws is not None:
        try:
            kid = sums.check_jws(jws.decode("ascii", "replace"), sums_raw, trust.public)
            report.notes.append(f"Tanda tangan SHA256SUMS sah (kunci {kid}).")
        except ValueError as e:
            report.bad(sums.JWS_PATH, str(e))

    # 2. every file against SHA256SUMS
    try:
        listed = sums.parse(sums_raw)
    except (ValueError, UnicodeDecodeError) as e:
        report.bad(sums.SUMS_PATH, str(e))
        return report
    # a large site's list is cut into parts, each listed with its hash in SHA256SUMS (read
    # once: their hashes are kept for the check of every listed file below)
    part_hashes: dict[str, str | None] = {}
    for rel in [r for r in listed if sums.is_part(r)]:
        raw = source.read(rel)
        part_hashes[rel] = None if raw is None else hashlib.sha256(raw).hexdigest()
        if part_hashes[rel] != listed[rel]:
            continue  # reported below, with every listed file
        try:
            more = sums.parse(raw)
        except (ValueError, UnicodeDecodeError) as e:
            report.bad(rel, str(e))
            continue
        for name, digest in more.items():
            if not sums.is_part(name):
                listed.setdefault(name, digest)
    present = source.all_files()
    if present is not None:
        for rel in sorted(set(present) - set(listed)):
            report.bad(rel, "berkas tidak tercantum di api/SHA256SUMS (ditambahkan?)")
    for rel in [r for r in listed if not sums.safe_name(r)]:
        report.bad(rel, "nama berkas di api/SHA256SUMS menunjuk ke luar situs: tidak dibaca")
        del listed[rel]
    actuals = source.sha256_many([r for r in listed if r not in part_hashes]) | part_hashes
    for rel, digest in listed.items():
        actual = actuals[rel]
        if actual is None:
            report.bad(rel, "tercantum di api/SHA256SUMS tetapi tidak ada")
        elif actual != digest:
            report.bad(rel, "isi berubah: sha256 tidak cocok dengan api/SHA256SUMS")
    report.n_files = len(listed)

    # 3. every credential: proof, issuer, status
    lists: dict[str, tuple[str, bytes] | None] = {}

    def status_bits(url: str, purpose: str, where: str) -> bytes | None:
        if url not in lists:
            lists[url] = _status_list(source, url, roots, trust, report, now)
        entry = lists[url]
        if entry is None:
            return None
        if entry[0] != purpose:
            report.bad(where, f"daftar status {url} bukan untuk {purpose}")
            return None
        return entry[1]

    creds = sorted(
        rel
        for rel in listed
        if rel.startswith(credentials.CREDENTIAL_DIR + "/") and rel.endswith(".json")
    )
    docs: list[tuple[str, dict]] = []
    for rel in creds:
        doc = _json(source.read(rel), rel, report)
        if doc is not None:
            docs.append((rel, doc))
    for (rel, doc), error in zip(docs, _verify_proofs(docs, trust), strict=True):
        report.n_credentials += 1
        if error:
            report.bad(rel, error)
            continue
        try:
            state = _credential(rel, doc, trust, roots, status_bits, report, now)
        except (TypeError, AttributeError, ValueError, KeyError) as e:
            report.bad(rel, f"sertifikat digital tidak bisa dibaca ({type(e).__name__})")
            continue
        if state:
            report.statuses[state] += 1
    return report


def _credential(rel, doc, trust, roots, status_bits, report, now) -> str | None:
    cert_id = rel.removeprefix(credentials.CREDENTIAL_DIR + "/").removesuffix(".json")
    issuer = doc.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if issuer_id != trust.did:
        report.bad(rel, f"penerbit {issuer_id} bukan {trust.did}")
        return None
    if doc.get("id") not in [f"{root}verifikasi/{cert_id}/" for root in roots]:
        report.bad(rel, "id kredensial bukan halaman verifikasi sertifikat ini")
        return None
    return _credential_status(doc, rel, status_bits, report, now)


def _verify_proofs(docs: list[tuple[str, dict]], trust: anchor.Keys) -> list[str | None]:
    """An error text (or None) per document; canonicalization runs on every core."""
    jobs = []
    errors: list[str | None] = []
    for _, doc in docs:
        p = doc.get("proof")
        try:
            if not isinstance(p, dict) or not isinstance(p.get("verificationMethod"), str):
                raise ValueError("tidak ada proof")
            public = trust.public(p["verificationMethod"])
            jobs.append((doc, public))
            errors.append(None)
        except ValueError as e:
            jobs.append(None)
            errors.append(str(e))
    todo = [(i, j) for i, j in enumerate(jobs) if j is not None]
    payload = [(j[0], keys.raw_public(j[1])) for _, j in todo]
    if len(payload) >= 64 and (os.cpu_count() or 1) > 1:
        with ProcessPoolExecutor() as pool:
            results = list(pool.map(_verify_one, payload, chunksize=16))
    else:
        results = [_verify_one(x) for x in payload]
    for (i, _), result in zip(todo, results, strict=True):
        errors[i] = result
    return errors


def _verify_one(job: tuple[dict, bytes]) -> str | None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    doc, raw = job
    try:
        proof.verify(doc, Ed25519PublicKey.from_public_bytes(raw))
    except proof.ProofError as e:
        return f"proof tidak sah: {e}"
    except Exception as e:  # hostile JSON-LD may break the processor in any way
        return f"proof tidak bisa diperiksa: dokumen JSON-LD rusak ({type(e).__name__})"
    return None


def _anchor(
    source, trust: anchor.Keys, roots: tuple, portal: str | None, portal_keys, report: Report
) -> tuple:
    """Bind the site to its issuer (SPEC "Trust"); the root URLs the site may use. VerifyError
    when the site claims another host's did:web, or when its keys are anchored nowhere."""
    did = str(trust.did)
    if isinstance(source, UrlSource):
        # the did:web must name the host (and path) the site was fetched from
        fetched = anchor.site_root(source.root_of(credentials.DID_PATH))
        if did != anchor.did_of_site(fetched):
            raise VerifyError(
                f"{fetched}: situs ini mengaku sebagai {did}, tetapi diambil dari "
                f"{anchor.did_of_site(fetched)}: bukan situs penerbit itu (tiruan?)."
            )
        report.notes.append(f"Kunci dibaca dari host penerbit sendiri ({fetched}).")
        roots = (fetched,)
    if portal:
        found, note = anchor.from_portal(portal, did, portal_keys)
        trust.anchors.append((found, f"daftar portal {portal}"))
        report.notes.append(note)
        report.notes.append(f"Kunci penerbit {did} dicocokkan dengan daftar portal {portal}.")
    if trust.pinned is None and not trust.anchors and not isinstance(source, UrlSource):
        where = anchor.did_document_url(did)
        trust.anchors.append((anchor.from_host(did), where))
        report.notes.append(f"Kunci penerbit dibaca dari hostnya sendiri ({where}).")
    return roots


def _status_list(source, url: str, roots: tuple, trust: anchor.Keys, report: Report, now: datetime):
    root = next((r for r in roots if url.startswith(r)), None)
    if root is None:
        report.bad(url, "daftar status di luar situs ini")
        return None
    rel = url[len(root) :]
    doc = _json(source.read(rel), rel, report)
    if doc is None:
        return None
    try:
        p = doc.get("proof")
        if not isinstance(p, dict):
            raise ValueError("tidak ada proof")
        proof.verify(doc, trust.public(str(p.get("verificationMethod"))))
    except (proof.ProofError, ValueError) as e:
        report.bad(rel, f"daftar status tidak sah: {e}")
        return None
    except Exception as e:  # hostile JSON-LD
        report.bad(rel, f"daftar status tidak bisa diperiksa ({type(e).__name__})")
        return None
    subject = doc.get("credentialSubject")
    if not isinstance(subject, dict):
        report.bad(rel, "daftar status tanpa credentialSubject")
        return None
    if doc.get("issuer") != trust.did or "BitstringStatusListCredential" not in doc.get("type", []):
        report.bad(rel, "bukan BitstringStatusListCredential dari penerbit ini")
        return None
    stale = _stale(doc.get("validUntil"), now)
    if stale:
        report.bad(rel, stale)
        return None
    try:
        bits = credentials.decode_bits(str(subject.get("encodedList", "")))
    except (ValueError, OSError, EOFError):
        report.bad(rel, "encodedList rusak")
        return None
    return str(subject.get("statusPurpose")), bits


def _stale(until, now: datetime) -> str | None:
    """Why a status list is not current on `now` (None when it is): past its validUntil, it
    is an old copy of the registry, whatever its signature says."""
    try:
        end = datetime.fromisoformat(until) if isinstance(until, str) else None
    except ValueError:
        end = None
    if end is None or end.tzinfo is None:
        return "daftar status tanpa validUntil yang sah: tidak bisa dinilai kebaruannya"
    if now > end:
        return (
            f"daftar status basi: berlaku sampai {until}, kini {now:%Y-%m-%dT%H:%M:%SZ}. Ini "
            "salinan lama situs; status sertifikat bisa sudah berubah (situs resmi membangun "
            "ulang daftar ini setiap hari)"
        )
    return None


def _credential_status(doc: dict, rel: str, status_bits, report: Report, now: datetime):
    entries = doc.get("credentialStatus")
    if not isinstance(entries, list):
        report.bad(rel, "credentialStatus tidak ada")
        return None
    flags = {}
    for e in entries:
        if not isinstance(e, dict) or e.get("type") != "BitstringStatusListEntry":
            continue
        purpose = e.get("statusPurpose")
        bits = status_bits(str(e.get("statusListCredential")), purpose, rel)
        if bits is None:
            return None
        try:
            index = int(e.get("statusListIndex"))
        except (TypeError, ValueError):
            report.bad(rel, "statusListIndex bukan angka")
            return None
        if not 0 <= index < len(bits) * 8:
            report.bad(rel, "statusListIndex di luar daftar status")
            return None
        flags[purpose] = credentials.bit(bits, index)
    if set(flags) != set(credentials.STATUS_LISTS):
        report.bad(rel, "credentialStatus tidak memuat pencabutan dan pembekuan")
        return None
    if flags["revocation"]:
        return "dicabut"
    if flags["suspension"]:
        return "dibekukan"
    until = doc.get("validUntil")
    if isinstance(until, str) and until < now.strftime("%Y-%m-%dT%H:%M:%SZ"):
        return "kedaluwarsa"
    return "berlaku"


def main(
    target: str,
    kunci: str | None,
    portal: str | None = None,
    pada: str | None = None,
    kunci_portal: str | None = None,
) -> int:
    try:
        now = _when(pada)
        if kunci_portal and not portal:
            raise VerifyError("--kunci-portal hanya berarti bersama --portal (daftar anggotanya).")
        portal_keys = pinned_keys(kunci_portal) if kunci_portal else None
        source = source_for(target)
        pinned = pinned_keys(kunci) if kunci else None
        if portal and not portal.startswith(("http://", "https://")):
            anchor.local_trust_list(portal)  # a bad --portal is told before the site is read
        report = check(source, pinned, now, portal, portal_keys)
    except VerifyError as e:
        print(diagnostics.one_line(str(e)))
        return 1
    # file names, key ids and the site's name come from the site checked: one line each
    for line in report.problems:
        print(diagnostics.one_line(line))
    for note in report.notes:
        print(diagnostics.one_line(note))
    s = report.statuses
    name = diagnostics.one_line(str(source.name))
    print(
        f"{name}: {report.n_files} berkas diperiksa terhadap api/SHA256SUMS, "
        f"{report.n_credentials} sertifikat digital (berlaku {s['berlaku']}, kedaluwarsa "
        f"{s['kedaluwarsa']}, dibekukan {s['dibekukan']}, dicabut {s['dicabut']})."
    )
    if report.problems:
        print(f"GAGAL: {len(report.problems)} masalah.")
        return 1
    print("SAH: semua hash, tanda tangan dan status cocok.")
    return 0


def _when(pada: str | None) -> datetime:
    """The moment statuses are judged at: now, or --pada (an auditor's earlier date)."""
    if not pada:
        return datetime.now(tz=UTC)
    try:
        when = datetime.fromisoformat(pada)
    except ValueError:
        raise VerifyError(
            f"--pada '{pada}' bukan tanggal: tulis mis. 2026-11-28 atau 2026-11-28T09:00:00Z"
        ) from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)
