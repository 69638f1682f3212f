"""One build at a time per project: a lock file held across generation and the engine build.

Two commands that generate into the same docs/ (two `build`s, or `serve` and a `build`) would
mix their files. The lock is an OS lock on `.cache/bangun.lock` in the project folder (flock on
Linux and macOS, msvcrt on Windows): the OS releases it when the process dies, even by SIGKILL,
so a killed build never leaves a stale lock behind. Re-entrant within one process: `build` holds
it and the engine's hook, called inside that build, takes it again without waiting.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = Path(".cache") / "bangun.lock"
WAIT_ENV = "REGISTRI_LOCK_WAIT"  # seconds a second command waits for the first (default 600)
DEFAULT_WAIT = 600.0
_PID_OFFSET = 16  # the holder's PID is written here; byte 0 is the locked byte (Windows)

_threads: dict[str, threading.RLock] = {}  # one per lock path: threads of this process
_fds: dict[str, int] = {}  # lock path -> open fd while this process holds the OS lock
_depth: dict[str, int] = {}
_guard = threading.Lock()


class LockError(Exception):
    """Another process holds the lock too long; the message is for the admin."""


def _wait_seconds() -> float:
    try:
        return max(0.0, float(os.environ.get(WAIT_ENV, DEFAULT_WAIT)))
    except ValueError:
        return DEFAULT_WAIT


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _unlock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        except OSError:
            pass
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)


def _holder(fd: int) -> str:
    try:
        os.lseek(fd, _PID_OFFSET, os.SEEK_SET)
        pid = os.read(fd, 20).decode("ascii", "replace").strip("\x00 \n")
    except OSError:
        return ""
    return f" (PID {pid})" if pid.isdigit() else ""


def _acquire(path: Path, what: str) -> int:
    """Open and OS-lock `path`, waiting up to REGISTRI_LOCK_WAIT seconds; the open fd."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:
        raise LockError(
            f"{path}: berkas kunci pembangunan tidak bisa dibuat ({e.strerror}); periksa izin "
            "tulis folder proyek. Tidak ada yang diubah."
        ) from None
    try:
        if not _try_lock(fd):
            deadline = time.monotonic() + _wait_seconds()
            print(
                f"Menunggu proses lain{_holder(fd)} yang sedang {what} di folder ini...",
                file=sys.stderr,
                flush=True,
            )
            while not _try_lock(fd):
                if time.monotonic() >= deadline:
                    raise LockError(_busy_message(fd, path))
                time.sleep(0.2)
        os.lseek(fd, _PID_OFFSET, os.SEEK_SET)
        os.write(fd, f"{os.getpid():<20}".encode("ascii"))
    except BaseException:
        os.close(fd)
        raise
    return fd


def _busy_message(fd: int | None, path: Path) -> str:
    who = _holder(fd) if fd is not None else ""
    return (
        f"Proses lain{who} masih membangun situs di folder ini ({path.parent.parent}). "
        "Tunggu sampai selesai (atau hentikan `serve` yang masih berjalan), lalu jalankan "
        "perintah ini lagi. Tidak ada yang diubah."
    )


@contextmanager
def project_lock(project_dir: Path, what: str = "membangun situs") -> Iterator[None]:
    """Hold the project's build lock. A second process waits up to REGISTRI_LOCK_WAIT seconds
    (saying so once), then gives up with LockError. Re-entrant in the holding thread."""
    path = (Path(project_dir) / LOCK_NAME).resolve()
    key = str(path)
    with _guard:
        in_process = _threads.setdefault(key, threading.RLock())
    if not in_process.acquire(timeout=_wait_seconds()):
        raise LockError(_busy_message(None, path))
    try:
        if not _depth.get(key):
            _fds[key] = _acquire(path, what)
        _depth[key] = _depth.get(key, 0) + 1
        try:
            yield
        finally:
            _depth[key] -= 1
            if not _depth[key]:
                fd = _fds.pop(key)
                _unlock(fd)
                os.close(fd)
    finally:
        in_process.release()
