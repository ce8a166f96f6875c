"""A stacked bar chart of claims per day and stance, as inline SVG (no JavaScript, no CDN).

    per_day(rows)          timeline rows (published, stance) -> [(day, stance, claims)]
    stance_chart(counts)   [(day, stance, claims)] or rows with those keys -> SVG markup

Pure: every label is escaped, so feed text can never become markup.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from markupsafe import Markup, escape

STANCE_COLOURS = {
    "allegation": "#c0392b",
    "denial": "#2463a6",
    "admission": "#2e8b57",
    "other": "#9aa3ab",
}
WIDTH, HEIGHT = 760, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 34, 40
MAX_FILLED_DAYS = 92  # longer spans show only the days that have claims

Count = tuple[str, str, int]


def per_day(rows: Iterable[Mapping[str, Any]], time_key: str = "published") -> list[Count]:
    """Count timeline rows by (day, stance); the day is the first 10 characters of the time."""
    counter: Counter[tuple[str, str]] = Counter()
    for row in rows:
        when = row[time_key]
        if when:
            counter[(str(when)[:10], str(row["stance"] or "other"))] += 1
    return [(day, stance, n) for (day, stance), n in sorted(counter.items())]


def stance_chart(counts: Iterable[Any], title: str = "Claims per day, by stance") -> Markup:
    """SVG bars, one per day, stacked by stance in the order allegation, denial, admission."""
    table = _table(counts)
    if not table:
        return Markup("")
    days = _days(sorted(table))
    peak = max(sum(table.get(d, {}).values()) for d in days)
    step = (WIDTH - LEFT - RIGHT) / len(days)
    scale = (HEIGHT - TOP - BOTTOM) / peak
    parts = [_axis(peak, scale), _legend()]
    every = max(1, round(len(days) / 12))
    for i, day in enumerate(days):
        x = LEFT + i * step
        parts.append(_bar(day, table.get(day, {}), x, step, scale))
        if i % every == 0:
            parts.append(
                f'<text class="tick" x="{x + step / 2:.1f}" y="{HEIGHT - BOTTOM + 16}" '
                f'text-anchor="middle">{escape(day[5:])}</text>'
            )
    span = f"{days[0]} to {days[-1]}" if len(days) > 1 else days[0]
    return Markup(
        f'<svg class="stance-chart" role="img" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'aria-label="{escape(title)}, {escape(span)}">'
        f"<title>{escape(title)}, {escape(span)}</title>"
        f'<text class="chart-title" x="{LEFT}" y="16">{escape(title)}</text>'
        + "".join(parts)
        + "</svg>"
    )


def _table(counts: Iterable[Any]) -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = {}
    for item in counts:
        if isinstance(item, tuple):
            day, stance, n = item
        else:
            day, stance, n = item["day"], item["stance"], item["claims"]
        if not day or not n:
            continue
        slot = table.setdefault(str(day)[:10], {})
        key = str(stance) if stance in STANCE_COLOURS else "other"
        slot[key] = slot.get(key, 0) + int(n)
    return table


def _days(present: list[str]) -> list[str]:
    """Every day from the first to the last (empty days included), unless the span is long."""
    try:
        first, last = date.fromisoformat(present[0]), date.fromisoformat(present[-1])
    except ValueError:
        return present
    span = (last - first).days + 1
    if span > MAX_FILLED_DAYS:
        return present
    return [(first + timedelta(days=i)).isoformat() for i in range(span)]


def _bar(day: str, stances: dict[str, int], x: float, step: float, scale: float) -> str:
    width = max(2.0, min(step * 0.7, 48.0))
    left = x + (step - width) / 2
    y = float(HEIGHT - BOTTOM)
    out = []
    for stance, colour in STANCE_COLOURS.items():
        n = stances.get(stance, 0)
        if not n:
            continue
        h = n * scale
        y -= h
        out.append(
            f'<rect class="bar stance-{stance}" x="{left:.1f}" y="{y:.1f}" width="{width:.1f}" '
            f'height="{h:.1f}" fill="{colour}"><title>{escape(day)}: {n} {stance}</title></rect>'
        )
    total = sum(stances.values())
    if total:
        out.append(
            f'<text class="total" x="{left + width / 2:.1f}" y="{y - 4:.1f}" '
            f'text-anchor="middle">{total}</text>'
        )
    return "".join(out)


def _axis(peak: int, scale: float) -> str:
    base = HEIGHT - BOTTOM
    out = [f'<line class="axis" x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}"/>']
    tick = max(1, -(-peak // 4))
    for value in range(0, peak + 1, tick):
        y = base - value * scale
        out.append(
            f'<line class="grid" x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}"/>'
            f'<text class="tick" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{value}</text>'
        )
    return "".join(out)


def _legend() -> str:
    out = []
    x = WIDTH - RIGHT - 4 * 96
    for stance, colour in STANCE_COLOURS.items():
        out.append(
            f'<rect x="{x}" y="6" width="12" height="12" fill="{colour}"/>'
            f'<text class="legend" x="{x + 16}" y="16">{stance}</text>'
        )
        x += 96
    return "".join(out)
