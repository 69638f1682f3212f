"""The /api/ page's section on signatures: the files, the key fingerprints, and how an
integrator checks them with common tools (the OpenSSL recipe is run by the tests)."""

from __future__ import annotations

import json

from ..data import model, multikey
from . import keys, sums

# sha256sum for one file, then the detached JWS over SHA256SUMS with OpenSSL 3 and coreutils.
# tests/test_signing.py runs these exact lines against a built site.
OPENSSL_RECIPE = """\
S={site_url}
curl -sfO "${{S}}api/SHA256SUMS" && curl -sfO "${{S}}api/SHA256SUMS.jws"
curl -sf "${{S}}api/registri.json" | sha256sum; grep ' api/registri.json$' SHA256SUMS
H=$(cut -d. -f1 SHA256SUMS.jws); T=$(cut -d. -f3 SHA256SUMS.jws)
printf '%s.%s' "$H" "$(basenc --base64url -w0 SHA256SUMS | tr -d =)" > masukan.txt
until [ $(( ${{#T}} % 4 )) -eq 0 ]; do T="$T="; done
printf '%s' "$T" | basenc --base64url -d > tanda.bin
openssl pkeyutl -verify -pubin -inkey kunci.pem -rawin -in masukan.txt -sigfile tanda.bin"""


def section(registry: model.Registry, site_url: str | None, today, esc) -> str:
    """The rendered HTML block (for api/page.py's index_page). `esc` makes a value inert text."""
    from markupsafe import Markup

    from ..site.docs_files import html_block
    from ..site.render import ENV

    listed = registry.registri.kunci if site_url else ()
    rows = []
    for k in listed:
        public = multikey.decode_public(k.publik)
        rows.append(
            {
                "id": k.id,
                "active": keys.active_on(k, today),
                "start": k.berlaku_mulai.isoformat(),
                "end": k.berlaku_sampai.isoformat() if k.berlaku_sampai else "",
                "publik": k.publik,
                "fingerprint": keys.fingerprint(public),
                "jwk": json.dumps(keys.public_jwk(public), separators=(",", ":")),
                "pem": keys.public_pem(public).strip(),
            }
        )
    base = site_url or "https://alamat-situs/"
    html = ENV.get_template("api_signing.html.j2").render(
        keys=rows,
        root="../",
        did=keys.did_web(base),
        well_known=keys.did_document_path(base) != "did.json",
        site_url=base,
        openssl=OPENSSL_RECIPE.format(site_url=base),
        part_lines=f"{sums.PART_LINES:,}".replace(",", "."),
        esc=lambda v: Markup(esc(str(v))),
    )
    return html_block(html)
