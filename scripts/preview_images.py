"""Draw the link-preview images (OpenGraph og:image) of profiles and verification pages:
docs/assets/registri/pratinjau-<status>.png, one per displayed status and one for a UMKM
without certificates. WhatsApp, Telegram and Facebook show a PNG or JPEG (never an SVG) from an
absolute URL; 256 x 256 px, a few KB each.

    python scripts/preview_images.py

Chromium (Playwright, /usr/bin/chromium) draws the status icon and word of the verification
page; Pillow reduces the picture to 16 colours. Run it after changing the icons or colours,
look at the pictures, commit them.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

from generator.data.model import STATUS_LABELS
from generator.site import portfolio
from generator.site.render import ICONS

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
COLOURS = {  # verifikasi.css's status colours (text, background)
    "berlaku": ("#1b5e20", "#e8f5e9"),
    "kedaluwarsa": ("#424242", "#eeeeee"),
    "dibekukan": ("#9a3412", "#fff1e6"),
    "dicabut": ("#b71c1c", "#ffebee"),
    portfolio.NO_STATUS: ("#37474f", "#eceff1"),
}
BADGE = "M4 3h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2h-4v5l-4-2-4 2v-5H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z"


def page(status: str) -> str:
    fg, bg = COLOURS[status]
    icon = ICONS.get(status, BADGE)
    word = STATUS_LABELS[status][0] if status in STATUS_LABELS else "UMKM"
    size = min(40, int(196 / (len(word) * 0.72)))  # the word fits inside the border
    return f"""<!doctype html><html><body style="margin:0">
<div style="width:256px;height:256px;box-sizing:border-box;border:10px solid {fg};
background:{bg};color:{fg};display:flex;flex-direction:column;align-items:center;
justify-content:center;font:800 {size}px/1.1 'DejaVu Sans',sans-serif">
<svg viewBox="0 0 24 24" width="120" height="120"><path fill="{fg}" d="{icon}"/></svg>
<div style="margin-top:12px">{word}</div></div></body></html>"""


def main() -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        tab = browser.new_page(viewport={"width": 256, "height": 256})
        for status in COLOURS:
            tab.set_content(page(status))
            png = tab.screenshot(clip={"x": 0, "y": 0, "width": 256, "height": 256})
            image = Image.open(io.BytesIO(png)).convert("RGB").quantize(16)
            path = OUT / portfolio.PREVIEW_IMAGE.format(status=status)
            image.save(path, optimize=True)
            print(path.relative_to(ROOT), path.stat().st_size, "bytes")
        browser.close()


if __name__ == "__main__":
    main()
