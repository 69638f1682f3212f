"""The Content-Security-Policy and referrer policy that every published HTML page carries.

GitHub Pages sends no security headers, so each page states its policy in `<meta>` tags, as
strict as the pages allow: everything from the site itself, nothing from anywhere else, no
inline script except, on Material pages, the theme's own small inline scripts, allowed one by
one by their SHA-256 hash (computed per page by the MkDocs hook, because they differ with the
page's depth). A page of our own (the verification page, the 404 page) has no inline script at
all and carries `meta_tags()` with no hashes.

`frame-ancestors`, `report-uri` and `sandbox` cannot be set from `<meta>` (browsers ignore
them there); GitHub Pages offers no way to send them as headers.

Every new standalone page must carry `meta_tags()` (Jinja: `{{ SECURITY_META }}` right after
`<meta charset>`); tests/test_security.py checks every HTML file of a built site.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections.abc import Iterable

REFERRER_POLICY = "no-referrer"

# script-src gets the hashes of a page's inline scripts appended (see `policy`).
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; "
    "script-src 'self'; "
    "style-src 'self'; "
    "img-src 'self' data:; "
    "font-src 'self'; "
    "connect-src 'self'; "
    "worker-src 'self'; "
    "manifest-src 'self'; "
    "form-action 'self'; "
    "base-uri 'none'; "
    "object-src 'none'"
)


def script_hash(source: str) -> str:
    """The CSP source expression that allows exactly this inline script."""
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def policy(script_hashes: Iterable[str] = ()) -> str:
    """The policy, with `script_hashes` (from `script_hash`) allowed as inline scripts."""
    extra = " ".join(dict.fromkeys(script_hashes))
    if not extra:
        return CONTENT_SECURITY_POLICY
    return CONTENT_SECURITY_POLICY.replace("script-src 'self'", f"script-src 'self' {extra}", 1)


def meta_tags(script_hashes: Iterable[str] = ()) -> str:
    """The two `<meta>` elements for a page's `<head>` (right after `<meta charset>`)."""
    content = html.escape(policy(script_hashes), quote=False).replace('"', "&quot;")
    return (
        f'<meta http-equiv="Content-Security-Policy" content="{content}">\n'
        f'<meta name="referrer" content="{REFERRER_POLICY}">'
    )


_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)
_SRC = re.compile(r"\ssrc\s*=", re.I)
_TYPE = re.compile(r"""\stype\s*=\s*["']?([^"'\s>]+)""", re.I)
_JS_TYPES = {"", "text/javascript", "application/javascript", "module", "text/ecmascript"}
_CHARSET = re.compile(r"<meta\s+charset=[^>]*>", re.I)
_HEAD = re.compile(r"<head\b[^>]*>", re.I)


def inline_scripts(page: str) -> list[str]:
    """The source of every inline script the browser would run (not `src=`, not JSON data)."""
    out = []
    for m in _SCRIPT.finditer(page):
        attrs = m.group(1)
        if _SRC.search(attrs):
            continue
        t = _TYPE.search(attrs)
        if (t.group(1).lower() if t else "") in _JS_TYPES:
            out.append(m.group(2))
    return out


def protect(page: str) -> str:
    """`page` with the policy `<meta>` tags inserted after its charset declaration (or at the
    top of `<head>`), allowing exactly its inline scripts. A page that already has them, or has
    no `<head>`, is returned unchanged."""
    if "Content-Security-Policy" in page[: page.find("</head>") if "</head>" in page else 0]:
        return page
    tags = meta_tags(script_hash(s) for s in inline_scripts(page))
    anchor = _CHARSET.search(page) or _HEAD.search(page)
    if anchor is None:
        return page
    return page[: anchor.end()] + "\n" + tags + page[anchor.end() :]
