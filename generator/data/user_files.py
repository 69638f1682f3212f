"""One rule for reading any file the user names (a command's argument or option, or a file found
beside one: data/rahasia.yaml, mkdocs.yml, a manifest, a key file, a workbook).

Regular files only: a device (/dev/zero), a FIFO, a socket or a folder is refused with one
Indonesian line before a byte is read, so nothing blocks (a FIFO is opened O_NONBLOCK, never
waited on) and nothing endless is read. A symlink is followed and its target checked the same
way. The size is checked against the kind's limit before reading, and the read itself stops one
byte past the limit (a file that grows while read is still refused).

    raw = user_files.read_bytes(path, user_files.CONFIG)   # UserFileError: str(e) for the admin
    user_files.check(path, user_files.CONFIG)              # for a file a library opens itself
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class Kind:
    """What a file is for (named in messages) and the most bytes it may hold."""

    noun: str
    limit: int


# A data file of 100,000 UMKM is ~130 MB; 1 GB leaves room and still fits a runner's memory.
DATA = Kind("berkas data", 1024 * MB)
SECRETS = Kind("berkas data rahasia", 1024 * MB)
CONFIG = Kind("berkas konfigurasi", 4 * MB)  # mkdocs.yml is a few KB
MANIFEST = Kind("berkas manifest", 64 * MB)  # ~5.7 MB at 100,000 UMKM
KEYS = Kind("berkas kunci", 1024 * MB)  # may be data/umkm.yaml itself
PRIVATE_KEY = Kind("berkas kunci privat", 64 * 1024)  # a PEM key is ~120 bytes


class UserFileError(Exception):
    """The file cannot be read under the rule; str(e) is one Indonesian line (no path).
    `missing`: the file does not exist (callers with a default of their own check it)."""

    def __init__(self, message: str, missing: bool = False):
        super().__init__(message)
        self.missing = missing


def _size(n: int) -> str:
    return f"{n / MB:.0f} MB" if n >= MB else f"{n // 1024} KB"


def _what(mode: int) -> str | None:
    """Why a file of this mode is refused, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "ini folder, bukan berkas"
    if stat.S_ISFIFO(mode):
        return "ini pipa (FIFO), bukan berkas biasa; tidak dibaca"
    if stat.S_ISSOCK(mode):
        return "ini soket, bukan berkas biasa; tidak dibaca"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "ini perangkat (device), bukan berkas biasa; tidak dibaca"
    return "bukan berkas biasa; tidak dibaca"


def _refuse_stat(st: os.stat_result, kind: Kind) -> None:
    why = _what(st.st_mode)
    if why:
        raise UserFileError(why)
    if st.st_size > kind.limit:
        raise UserFileError(
            f"{kind.noun} terlalu besar ({_size(st.st_size)}; paling besar {_size(kind.limit)})."
        )


_ERRNO = {
    errno.ELOOP: "tautan simbolik berputar",
    errno.ENAMETOOLONG: "nama berkas terlalu panjang",
    errno.ENOTDIR: "salah satu bagian jalurnya berkas, bukan folder",
    errno.EACCES: "izin ditolak",
    errno.EPERM: "izin ditolak",
    errno.ENXIO: "bukan berkas biasa",
}


def _os_error(e: OSError) -> UserFileError:
    if isinstance(e, FileNotFoundError):
        return UserFileError("berkas tidak ditemukan", missing=True)
    if isinstance(e, IsADirectoryError):
        return UserFileError("ini folder, bukan berkas")
    why = _ERRNO.get(e.errno or 0) or e.strerror or type(e).__name__
    return UserFileError(f"berkas tidak bisa dibaca ({why})")


def unusable(path: str | os.PathLike) -> str | None:
    """Why a path to be written (or a folder to be read) cannot be used at all: a symlink loop,
    a name too long, a NUL byte. None when it is usable or simply does not exist yet."""
    try:
        os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as e:
        if e.errno == errno.ENOTDIR:
            return None  # the command says what it needs (a folder, a file name)
        return str(_os_error(e)).replace("berkas tidak bisa dibaca", "jalur tidak bisa dipakai")
    except ValueError:
        return "nama berkas memuat karakter yang tidak sah"
    return None


def check(path: str | os.PathLike, kind: Kind) -> os.stat_result:
    """The file's stat (symlinks followed) if it may be read as `kind`; UserFileError if not.
    For a file a library opens itself (openpyxl, MkDocs): check first, then hand over."""
    try:
        st = os.stat(path)
    except OSError as e:
        raise _os_error(e) from None
    except ValueError:  # a NUL byte in the name
        raise UserFileError("nama berkas memuat karakter yang tidak sah") from None
    _refuse_stat(st, kind)
    return st


def read_bytes(path: str | os.PathLike, kind: Kind) -> bytes:
    """The whole file, at most kind.limit bytes; UserFileError otherwise."""
    check(path, kind)  # refuses a device or FIFO before opening it (opening may have effects)
    try:
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
        fd = os.open(path, flags | getattr(os, "O_BINARY", 0))  # (no O_NONBLOCK on Windows)
    except OSError as e:
        raise _os_error(e) from None
    try:
        _refuse_stat(os.fstat(fd), kind)  # the file opened is the one checked (no swap between)
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, min(4 * MB, kind.limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > kind.limit:
                raise UserFileError(
                    f"{kind.noun} terlalu besar (paling besar {_size(kind.limit)})."
                )
        return b"".join(chunks)
    except OSError as e:
        raise _os_error(e) from None
    finally:
        os.close(fd)


def read_text(path: str | os.PathLike, kind: Kind, encoding: str = "utf-8-sig") -> str:
    """read_bytes decoded; UnicodeDecodeError is left to the caller (which knows the line)."""
    return read_bytes(path, kind).decode(encoding)


def is_regular(path: str | os.PathLike) -> bool:
    """True for a regular file (symlinks followed); never opens it."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


__all__ = ["Kind", "UserFileError", "check", "read_bytes", "read_text", "is_regular"]
