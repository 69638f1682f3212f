"""Small horizontal bar charts drawn at build time as inline SVG (no JavaScript, no library).

`bars` computes the chart as plain values (sizes, positions, words); the markup is the macro
`bars` of templates/_chart.html.j2."""

from __future__ import annotations

from typing import NamedTuple

ROW = 22  # px per bar
LABEL_W = 130
BAR_W = 190
NUM_W = 44


class Bar(NamedTuple):
    label: str
    value: int
    link: str | None
    y: int  # top of the row
    width: int  # of the bar, px
    kind: str  # CSS modifier of the bar ("" for the plain colour)


class Chart(NamedTuple):
    title: str
    summary: str  # the text a screen reader gets for the whole chart
    role: str  # "img", or "group" when its bars are links
    width: int
    height: int
    bars: tuple[Bar, ...]
    label_w: int = LABEL_W
    row: int = ROW


def bars(
    rows: list[tuple[str, int, str | None]], title: str, classes: tuple[str, ...] | None = None
) -> Chart:
    """rows: (label, value, link or None). The values of an accessible <figure> with an
    inline SVG: labels and numbers are real text in the SVG, so the chart reads without
    colour, and the figure carries a text summary for screen readers."""
    top = max((v for _, v, _ in rows), default=0) or 1
    return Chart(
        title=title,
        summary=f"{title}: " + ", ".join(f"{label} {value}" for label, value, _ in rows),
        # A chart with links is a group of links (an image may not hold interactive content).
        role="group" if any(link for _, _, link in rows) else "img",
        width=LABEL_W + BAR_W + NUM_W,
        height=ROW * len(rows) + 4,
        bars=tuple(
            Bar(
                label=label,
                value=value,
                link=link,
                y=i * ROW + 2,
                width=max(1, round(BAR_W * value / top)) if value else 0,
                kind=f" ru-bar--{classes[i]}" if classes else "",
            )
            for i, (label, value, link) in enumerate(rows)
        ),
    )
