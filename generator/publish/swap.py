"""The swap: a finished site replaces the old one in one step (Linux renameat2 exchange, else
two renames), and what killed builds left next to the site folder (`.site.baru-PID`,
`.site.lama-PID`) is put back or cleaned up by the next build.
"""

from __future__ import annotations

import ctypes
import errno
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from .site_folder import SITE_MARKER

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one step (Linux renameat2 RENAME_EXCHANGE): at every moment
    both names exist. False where the system or the file system cannot (then the caller
    falls back to two renames)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):  # glibc < 2.28, or another libc without it
        return False
    renameat2.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def aside(target: Path, kind: str, pid: int | None = None) -> Path:
    """Where a build puts a site aside next to `target`: `.site.baru-PID` (the new one being
    built) or `.site.lama-PID` (the old one, during a swap without exchange)."""
    return target.with_name(f".{target.name}.{kind}-{pid or os.getpid()}")


def swap_in(new: Path, target: Path, later: bool = False) -> None:
    """Put the finished site `new` at `target`; `target` is never missing on Linux, even if
    the process is killed (elsewhere, a kill between two renames leaves the old site aside,
    and the next build puts it back). `later`: the old site is removed in the background
    (`remove_later`) instead of before returning."""
    if not target.exists():
        new.rename(target)
        return
    if _exchange(new, target):  # `new` now holds the old site
        if later:
            remove_later(new, target)
        else:
            shutil.rmtree(new, ignore_errors=True)
        return
    old = aside(target, "lama")
    target.rename(old)
    try:
        new.rename(target)
    except OSError:
        old.rename(target)  # put the old site back before saying anything
        raise
    shutil.rmtree(old, ignore_errors=True)


_LEFTOVER = re.compile(r"\.(?P<name>.+)\.(?P<kind>baru|lama)-(?P<pid>[0-9]+)")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if sys.platform == "win32":
        return False  # never os.kill on Windows (it terminates); we hold the project lock
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def trash_name(target: Path) -> str:
    """The prefix of an old site's folder on its way out (not `.site.*`: no build's own)."""
    return f".{target.name}-hapus-"


def remove_later(old: Path, target: Path) -> None:
    """Remove the old site `old` (already replaced) without waiting: renamed to
    `.site-hapus-PID-NS`, then deleted by a detached `rm -rf` (removing ~60,000 names of a
    10,000-UMKM site took 4-70 s here, on ext4 with discard). Its files may be hard links of
    the new site: removing names never touches them. Removed here and now without `rm`."""
    trash = target.with_name(f"{trash_name(target)}{os.getpid()}-{time.time_ns()}")
    rm = shutil.which("rm")
    try:
        old.rename(trash)
        if rm is None:
            raise OSError
        subprocess.Popen(
            [rm, "-rf", "--", str(trash)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError:
        shutil.rmtree(trash if trash.exists() else old, ignore_errors=True)


def clean_leftovers(target: Path) -> list[Path]:
    """Remove what killed builds left next to `target` (`.site.baru-PID`, `.site.lama-PID`,
    only folders this generator marked, only of dead processes); if `target` itself is missing
    and an old site was left aside, put it back first. Returns the folders removed."""
    removed: list[Path] = []
    parent = target.parent
    if not parent.is_dir():
        return removed
    leftovers = []
    for p in parent.iterdir():
        if p.name.startswith(trash_name(target)) and p.is_dir() and not p.is_symlink():
            if (p / SITE_MARKER).is_file():  # an old site whose removal was cut short
                remove_later(p, target)
            continue
        m = _LEFTOVER.fullmatch(p.name)
        if m and m["name"] == target.name and p.is_dir() and not p.is_symlink():
            if (p / SITE_MARKER).is_file() and not _alive(int(m["pid"])):
                leftovers.append((m["kind"], p))
    if not target.exists():
        for kind, p in leftovers:
            if kind == "lama":
                p.rename(target)
                leftovers.remove((kind, p))
                break
    for _, p in leftovers:
        shutil.rmtree(p, ignore_errors=True)
        removed.append(p)
    return removed
