"""`python -m generator kunci baru --out FILE`: a new Ed25519 key pair.

The private key goes to FILE (mode 0600, never over an existing file, never into the
repository unless git ignores the path); stdout gets exactly the YAML list item to paste under
`registri.kunci`; everything else (guidance) goes to stderr, in Indonesian.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ..data import config
from . import keys


class NewKeyError(Exception):
    """The key cannot be written where asked; the message is for the admin."""


def _repository_of(path: Path) -> Path | None:
    """The git work tree that `path` would be in (looking up from its folder), if any."""
    for folder in (path.parent, *path.parent.parents):
        if (folder / ".git").exists():
            return folder
    return None


def _git_ignores(repo: Path, path: Path) -> bool:
    git = shutil.which("git")
    if git is None:
        raise NewKeyError(
            f"{path}: folder ini ada di dalam repositori ({repo}), dan git tidak terpasang "
            "untuk memastikan berkas ini tidak ikut terunggah. Simpan kunci di luar repositori."
        )
    r = subprocess.run(
        [git, "-C", str(repo), "check-ignore", "-q", "--no-index", str(path)],
        capture_output=True,
        timeout=30,
    )
    return r.returncode == 0


def check_target(out: Path) -> Path:
    """The absolute path to write to; NewKeyError when it must not be written."""
    target = Path(os.path.abspath(out))
    if target.is_dir():
        raise NewKeyError(
            f"{out}: ini folder, bukan berkas: tulis nama berkas kunci di dalamnya, "
            f"mis. {(Path(out) / 'kunci-registri.pem').as_posix()}"
        )
    if target.exists() or target.is_symlink():
        raise NewKeyError(
            f"{out}: berkas sudah ada; kunci lama tidak ditimpa. Pilih nama berkas lain."
        )
    if not target.parent.is_dir():
        raise NewKeyError(f"{out}: folder {target.parent} tidak ada. Buat foldernya dulu.")
    repo = _repository_of(target)
    inside = config.published_folder(target, [Path.cwd(), *([repo] if repo else [])])
    if inside is not None:
        raise NewKeyError(
            f"{out}: berkas ini ada di {inside[1]} {inside[0]}, yang diterbitkan atau diganti "
            "setiap kali situs dibangun: kunci privat bisa menjadi publik atau hilang. Simpan di "
            "luar repositori (mis. di folder Dokumen atau flashdisk)."
        )
    if repo is not None and not _git_ignores(repo, target):
        raise NewKeyError(
            f"{out}: berkas ini ada di dalam repositori {repo} dan tidak diabaikan git: kunci "
            "privat bisa ikut terunggah dan menjadi publik. Simpan di luar repositori (mis. "
            "di folder Dokumen atau flashdisk), atau di folder yang tercantum di .gitignore."
        )
    return target


def key_file_text(private: Ed25519PrivateKey, key_id: str, publik: str) -> str:
    return (
        "# KUNCI PRIVAT Registri UMKM - RAHASIA. Jangan dikirim, diunggah, atau disimpan di\n"
        "# repositori. Isinya (seluruh berkas ini) disimpan sebagai secret REGISTRI_KUNCI di\n"
        "# GitHub, dan satu salinan cadangan disimpan offline.\n"
        f"# id: {key_id}\n"
        f"# publik: {publik}\n" + keys.private_pem(private)
    )


def yaml_item(key_id: str, publik: str, start: date) -> str:
    return f"- id: {key_id}\n  publik: {publik}\n  berlaku_mulai: {start.isoformat()}\n"


def make(out: Path, key_id: str, start: date) -> str:
    """Write a new private key to `out`; returns the YAML item (for stdout)."""
    target = check_target(out)
    private = Ed25519PrivateKey.generate()
    publik = keys.public_multibase(private.public_key())
    data = key_file_text(private, key_id, publik).encode("ascii")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(target, flags, 0o600)
    except FileExistsError:
        raise NewKeyError(f"{out}: berkas sudah ada; kunci lama tidak ditimpa.") from None
    except OSError as e:
        raise NewKeyError(f"{out}: tidak bisa ditulis ({e.strerror or e}).") from None
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o600)  # whatever the umask
        os.write(fd, data)
    except OSError as e:
        os.close(fd)
        target.unlink(missing_ok=True)
        raise NewKeyError(f"{out}: tidak bisa ditulis ({e.strerror or e}).") from None
    os.close(fd)
    return yaml_item(key_id, publik, start)


def guidance(out: Path, key_id: str) -> str:
    return (
        f"\nKunci privat ditulis ke {out} (hanya bisa dibaca pemilik berkas).\n"
        "Langkah berikutnya (lihat Panduan admin, bagian Tanda tangan digital):\n"
        "  1. Tempel tiga baris di atas di data/umkm.yaml, di bawah 'kunci:' pada bagian\n"
        "     'registri:'. Bila mengganti kunci lama, isi 'berlaku_sampai' kunci lama dan\n"
        "     JANGAN hapus kunci lama itu.\n"
        f"  2. Di github.com: Settings -> Secrets and variables -> Actions -> New repository\n"
        f"     secret, nama REGISTRI_KUNCI, isinya seluruh isi berkas {out.name}.\n"
        "  3. Simpan satu salinan berkas ini offline (flashdisk di lemari terkunci), lalu\n"
        "     hapus salinan lain dari komputer ini.\n"
        f"Id kunci: {key_id}. Untuk membangun di komputer ini: "
        f"REGISTRI_KUNCI_FILE={out} python -m generator build\n"
    )


def main(out: str, key_id: str | None, today: date) -> int:
    key_id = key_id or f"kunci-{today.isoformat()}"
    try:
        item = make(Path(out), key_id, today)
    except NewKeyError as e:
        print(e, file=sys.stderr)
        return 1
    sys.stdout.write(item)
    sys.stdout.flush()
    print(guidance(Path(out), key_id), file=sys.stderr)
    return 0
