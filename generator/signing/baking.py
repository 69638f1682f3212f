"""Baked credentials (Open Badges 3.0, "Baked Badge"): the signed credential of a
certificate embedded, byte for byte, in an image a wallet or a file keeps.

- PNG: one `iTXt` chunk, keyword `openbadgecredential`, uncompressed, empty language tag and
  translated keyword, whose text is the credential's JSON (embedded proof), inserted after
  IHDR.
- SVG: `xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"` on the root, and directly
  after the `<svg>` tag one `<openbadges:credential>` element whose text is the JSON in a
  CDATA section (no `verify` attribute: that is for a VC-JWT, our proof is embedded).

The PNG's picture is the certificate's QR code (site/qr.py, ~0.6 KB): it leads to the
verification page, which says the status of the day. The SVG's is the registry's badge mark
(0.3 KB; the QR code as SVG paths was 4.3 KB a certificate). Neither states a status, as the
credential does not (its status is in the signed status lists).
"""

from __future__ import annotations

import struct
import zlib

from ..site import qr
from . import credentials

KEYWORD = b"openbadgecredential"
NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bake_png(image: bytes, credential: bytes) -> bytes:
    """`image` (a PNG without credential) with the iTXt chunk right after its IHDR."""
    if not image.startswith(_PNG_SIGNATURE) or image[12:16] != b"IHDR":
        raise ValueError("not a PNG starting with IHDR")
    end_of_ihdr = 8 + 12 + struct.unpack(">I", image[8:12])[0]
    # keyword NUL, compression flag 0, method 0, language tag "" NUL, translated keyword "" NUL
    itxt = _chunk(b"iTXt", KEYWORD + b"\0" + b"\0\0" + b"\0" + b"\0" + credential)
    return image[:end_of_ihdr] + itxt + image[end_of_ihdr:]


def bake_svg(image: bytes, credential: bytes) -> bytes:
    """`image` (an SVG document whose root is `<svg ...>`) with the credential element."""
    text = image.decode("utf-8")
    start = text.index("<svg")
    close = text.index(">", start)
    head = text[start:close]
    if head.endswith("/"):
        raise ValueError("an empty <svg/> cannot hold a credential")
    # "]]>" cannot appear inside one CDATA section: split it, the element's text is unchanged
    cdata = credential.decode("utf-8").replace("]]>", "]]]]><![CDATA[>")
    element = f"<openbadges:credential><![CDATA[{cdata}]]></openbadges:credential>"
    return (f'{text[:close]} xmlns:openbadges="{NAMESPACE}">{element}{text[close + 1 :]}').encode()


# the mark of the site's header (templates/_halaman.html.j2), on white, 256 px
SVG_IMAGE = (
    b'<?xml version="1.0" encoding="utf-8"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="256" height="256">'
    b'<rect width="24" height="24" fill="#fff"/><path fill="#00695c" d="M4 3h16a2 2 0 0 1 2 2v10a2 '
    b"2 0 0 1-2 2h-4v5l-4-2-4 2v-5H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm8 10.5 3 1.5v-3.2a4 4 0 1 0-6 "
    b'0V15zM12 6a2.5 2.5 0 1 1 0 5 2.5 2.5 0 0 1 0-5z"/></svg>\n'
)


def png_path(cert_id: str) -> str:
    return f"{credentials.CREDENTIAL_DIR}/{cert_id}.png"


def svg_path(cert_id: str) -> str:
    return f"{credentials.CREDENTIAL_DIR}/{cert_id}.svg"


def baked_files(site_url: str, cert_id: str, credential: bytes) -> list[tuple[str, bytes]]:
    """The PNG and SVG of one certificate, carrying `credential` (the published .json bytes)."""
    url = qr.verification_url(site_url, cert_id)
    return [
        (png_path(cert_id), bake_png(qr.print_png(url), credential)),
        (svg_path(cert_id), bake_svg(SVG_IMAGE, credential)),
    ]
