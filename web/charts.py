"""Charts drawn on the server as inline SVG: no script, no external asset, readable on a phone.

Two shapes cover the framework page: horizontal bars for counts by category (members by
theme, locality, status) and columns for a figure month by month.
"""

from html import escape

from markupsafe import Markup

BAR = "#1d3557"
GAP = "#b00020"
ROW = 22  # px per bar
LABEL_WIDTH = 190
BAR_WIDTH = 260


def bar_chart(title: str, counts: dict[str, int], gaps_in_red: bool = True) -> Markup:
    """One horizontal bar per category, its count at the end; a zero shows as a red gap."""
    height = ROW * max(len(counts), 1) + 30
    top = max(counts.values(), default=0) or 1
    parts = [_open(title, LABEL_WIDTH + BAR_WIDTH + 50, height)]
    for i, (label, value) in enumerate(counts.items()):
        y = 24 + i * ROW
        width = round(BAR_WIDTH * value / top)
        colour = GAP if gaps_in_red and value == 0 else BAR
        parts += [
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 14}" text-anchor="end">{escape(label)}</text>',
            f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{max(width, 2)}" height="{ROW - 6}" '
            f'fill="{colour}"><title>{escape(label)}: {value}</title></rect>',
            f'<text x="{LABEL_WIDTH + max(width, 2) + 5}" y="{y + 14}">{value}</text>',
        ]
    if not counts:
        parts.append('<text x="10" y="40">No data yet.</text>')
    return Markup("".join([*parts, "</svg>"]))


def column_chart(title: str, series: dict[str, float], unit: str = "") -> Markup:
    """One column per period (e.g. month), oldest on the left, its value above it."""
    width, height, base = max(60 * len(series), 240) + 40, 200, 170
    top = max(series.values(), default=0) or 1
    step = (width - 40) / max(len(series), 1)
    parts = [_open(title, width, height)]
    parts.append(f'<line x1="20" y1="{base}" x2="{width - 10}" y2="{base}" stroke="#999"/>')
    for i, (label, value) in enumerate(series.items()):
        x = 20 + i * step + step * 0.15
        middle = x + step * 0.35
        h = round(130 * value / top)
        shown = f"{unit}{value:,.0f}"
        parts += [
            f'<rect x="{x:.1f}" y="{base - h}" width="{step * 0.7:.1f}" height="{h}" fill="{BAR}">'
            f"<title>{escape(label)}: {shown}</title></rect>",
            f'<text x="{middle:.1f}" y="{base - h - 4}" text-anchor="middle">{shown}</text>',
            f'<text x="{middle:.1f}" y="{base + 16}" text-anchor="middle">{escape(label)}</text>',
        ]
    if not series:
        parts.append('<text x="20" y="100">No data yet.</text>')
    return Markup("".join([*parts, "</svg>"]))


def _open(title: str, width: int, height: int) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}" '
        'font-family="system-ui, sans-serif" font-size="12">'
        f'<text x="4" y="14" font-weight="600">{escape(title)}</text>'
    )
