"""Small horizontal bar charts drawn at build time as inline SVG (no JavaScript, no library)."""

from __future__ import annotations

from html import escape

from markupsafe import Markup

ROW = 22  # px per bar
LABEL_W = 130
BAR_W = 190
NUM_W = 44


def bars(
    rows: list[tuple[str, int, str | None]], title: str, classes: tuple[str, ...] | None = None
) -> Markup:
    """rows: (label, value, link or None). Returns an accessible <figure> with an inline SVG.

    Labels and numbers are real text in the SVG, so the chart reads without colour, and the
    figure carries a text summary for screen readers."""
    top = max((v for _, v, _ in rows), default=0) or 1
    height = ROW * len(rows) + 4
    width = LABEL_W + BAR_W + NUM_W
    summary = escape(f"{title}: " + ", ".join(f"{label} {value}" for label, value, _ in rows))
    # A chart with links is a group of links (an image may not hold interactive content).
    role = "group" if any(link for _, _, link in rows) else "img"
    parts = [
        f'<svg class="ru-chart" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="{role}" aria-label="{summary}">'
    ]
    for i, (label, value, link) in enumerate(rows):
        y = i * ROW + 2
        w = max(1, round(BAR_W * value / top)) if value else 0
        cls = f" ru-bar--{classes[i]}" if classes else ""
        row = (
            f'<text x="{LABEL_W - 6}" y="{y + 15}" text-anchor="end">{escape(label)}</text>'
            f'<rect class="ru-bar{cls}" x="{LABEL_W}" y="{y + 3}" width="{w}" height="{ROW - 6}"'
            f' rx="2"></rect>'
            f'<text x="{LABEL_W + w + 4}" y="{y + 15}">{value}</text>'
        )
        if link:
            row = f'<a href="{escape(link)}" aria-label="{escape(label)}: {value}">{row}</a>'
        parts.append(row)
    parts.append("</svg>")
    return Markup(
        f'<figure class="ru-figure"><figcaption>{escape(title)}</figcaption>'
        + "".join(parts)
        + "</figure>"
    )
