"""The errors of the HTTP client (fetch.py): one Indonesian sentence for every way a request
fails, never the English text of the OS or of urllib."""

from __future__ import annotations

import errno
import http.client
import socket
import ssl

REASONS = {
    400: "permintaan ditolak",
    401: "perlu masuk/login",
    403: "akses ditolak",
    404: "tidak ditemukan",
    410: "sudah dihapus",
    429: "terlalu banyak permintaan",
    500: "galat di server",
    502: "gateway galat",
    503: "layanan sedang tidak tersedia",
    504: "gateway kehabisan waktu",
}


class FetchError(Exception):
    """The request failed; str(e) is one Indonesian sentence for the admin. `status` is the
    HTTP status when the server answered with an error, else None."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


def size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n // 1024} KB"


def plain(e: BaseException, host: str, deadline: float) -> FetchError:
    """One Indonesian sentence for a network failure (never the English text of the OS)."""
    if isinstance(e, FetchError):
        return e
    if isinstance(e, TimeoutError):
        return FetchError(f"tidak selesai dalam {deadline:g} detik. Coba lagi nanti.")
    if isinstance(e, socket.gaierror):
        return FetchError(
            f"nama situs {host} tidak dikenal. Periksa alamatnya dan sambungan internet."
        )
    if isinstance(e, ssl.SSLCertVerificationError):
        return FetchError(f"sertifikat HTTPS {host} tidak sah; sambungan dihentikan.")
    if isinstance(e, ssl.SSLError):
        return FetchError(f"sambungan HTTPS ke {host} gagal.")
    if isinstance(e, ConnectionRefusedError):
        return FetchError(f"{host} menolak sambungan. Periksa alamatnya, atau coba lagi nanti.")
    if isinstance(
        e,
        http.client.IncompleteRead
        | http.client.RemoteDisconnected
        | ConnectionResetError
        | BrokenPipeError,
    ):
        return FetchError("sambungan terputus sebelum jawaban lengkap. Coba lagi nanti.")
    if isinstance(e, http.client.HTTPException | UnicodeError | ValueError):
        return FetchError("jawaban server tidak bisa dibaca (bukan HTTP yang sah).")
    if isinstance(e, OSError):
        code = errno.errorcode.get(e.errno or 0, "")
        return FetchError(
            f"{host} tidak bisa dihubungi{f' ({code})' if code else ''}. Periksa sambungan "
            "internet dan alamatnya."
        )
    return FetchError("permintaan gagal karena galat yang tidak dikenal.")
