"""Small inline SVG charts for the dashboard (no script, no external library)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

COLOURS = ("#9b1c1c", "#1f5fa8", "#1a7f37", "#9a6700", "#6f42c1")
W, H, LEFT, RIGHT, TOP, BOTTOM = 640, 260, 56, 150, 20, 36


def _x(i: int, n: int) -> float:
    return LEFT + (W - LEFT - RIGHT) * (i / (n - 1) if n > 1 else 0.5)


def line_chart(
    title: str, labels: Sequence[str], series: dict[str, Sequence[float | None]], percent: bool = True
) -> Markup:
    """Lines over ``labels`` (years); gaps where a value is unknown. Values are shares (0..1)."""
    n = len(labels)
    values = [v for vs in series.values() for v in vs if v is not None]
    top = (
        max([*values, 0.0])
        if not percent
        else max(1.0 if max(values, default=0) > 0.5 else 0.5, *values, 0.1)
    )
    top = top or 1.0

    def y(v: float) -> float:
        return TOP + (H - TOP - BOTTOM) * (1 - v / top)

    out = [
        f'<svg class="chart" viewBox="0 0 {W} {H}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for k in range(5):
        tick = top * k / 4
        out.append(
            f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="#e5e7eb"/>'
        )
        text = f"{tick * 100:.0f}%" if percent else f"{tick:,.0f}"
        out.append(f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{text}</text>')
    for i, lab in enumerate(labels):
        out.append(f'<text x="{_x(i, n):.1f}" y="{H - 12}" text-anchor="middle">{escape(lab)}</text>')
    for j, (name, vs) in enumerate(series.items()):
        colour = COLOURS[j % len(COLOURS)]
        path, pen = [], "M"
        for i, v in enumerate(vs):
            if v is None:
                pen = "M"
                continue
            path.append(f"{pen}{_x(i, n):.1f},{y(v):.1f}")
            pen = "L"
            label = f"{name} {labels[i]}：{v * 100:.1f}%" if percent else f"{name} {labels[i]}：{v:,.0f}"
            out.append(
                f'<circle cx="{_x(i, n):.1f}" cy="{y(v):.1f}" r="3.5" fill="{colour}"><title>{escape(label)}</title></circle>'
            )
        if path:
            out.append(f'<path d="{" ".join(path)}" fill="none" stroke="{colour}" stroke-width="2"/>')
        ly = TOP + 10 + 20 * j
        out.append(f'<rect x="{W - RIGHT + 12}" y="{ly - 9}" width="12" height="12" fill="{colour}"/>')
        out.append(f'<text x="{W - RIGHT + 30}" y="{ly + 2}">{escape(name)}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def bar_chart(title: str, labels: Sequence[str], values: Sequence[int | None]) -> Markup:
    n = max(len(labels), 1)
    top = max([v for v in values if v is not None] + [1])
    inner = W - LEFT - RIGHT
    bw = inner / n * 0.6
    out = [
        f'<svg class="chart" viewBox="0 0 {W} {H}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (lab, v) in enumerate(zip(labels, values, strict=True)):
        cx = LEFT + inner * (i + 0.5) / n
        out.append(f'<text x="{cx:.1f}" y="{H - 12}" text-anchor="middle">{escape(lab)}</text>')
        if v is None:
            continue
        h = (H - TOP - BOTTOM) * v / top
        out.append(
            f'<rect x="{cx - bw / 2:.1f}" y="{H - BOTTOM - h:.1f}" width="{bw:.1f}" height="{h:.1f}" fill="{COLOURS[1]}">'
            f"<title>{escape(lab)}：{v:,}</title></rect>"
        )
        out.append(f'<text x="{cx:.1f}" y="{H - BOTTOM - h - 4:.1f}" text-anchor="middle">{v:,}</text>')
    out.append(f'<text x="{W - RIGHT + 12}" y="{TOP + 12}">{escape(title)}</text>')
    out.append("</svg>")
    return Markup("".join(out))
