"""Server-rendered SVG charts for the supervisor's screen (X-11): no JavaScript, no CDN,
they print. Lines, stacked bars and horizontal bars over plain numbers; every text is
escaped. Colours are the Okabe–Ito palette (told apart with colour blindness), lines also
differ by dash so a black-and-white print still reads."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe

from dozvon.core.numbers import grouped, percent

COLOURS = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#999999", "#000000")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2", "10 4", "4 4", "3 6")

Number = float | int | None
Fmt = Callable[[float], str]

W, H = 560, 250
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 14, 62


def _fmt_int(v: float) -> str:
    """A count as the screen reads it: "1 490" (`core.numbers.grouped`)."""
    return grouped(round(v))


def fmt_percent(v: float) -> str:
    """A share as a whole percentage, rounded as every share is: "67 %"."""
    return f"{percent(v, 0)}\u00a0%"


def _scale(value: float, *, whole: bool = True) -> tuple[float, list[float]]:
    """A round top for the axis and its ticks (at most 5 steps; whole numbers when the
    values are counts)."""
    if value <= 0:
        value = 1.0
    raw = value / 4
    exp = 10 ** math.floor(math.log10(raw))
    step = 10 * exp
    for m in (1, 2, 2.5, 5, 10):
        candidate = m * exp
        if candidate >= raw and (not whole or candidate >= 1 and float(candidate).is_integer()):
            step = candidate
            break
    step = max(step, 1.0) if whole else step
    n = max(1, math.ceil(value / step - 1e-9))
    return step * n, [step * i for i in range(n + 1)]


def _text(x: float, y: float, text: str, *, anchor: str = "middle", cls: str = "") -> str:
    klass = f' class="{cls}"' if cls else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{klass}>{escape(str(text))}</text>'


def _frame(title: str, body: list[str], legend: Sequence[str] = (), height: int = H) -> SafeString:
    legend_items = []
    x, y = LEFT, height - 14
    for i, name in enumerate(legend):
        colour, dash = COLOURS[i % len(COLOURS)], DASHES[i % len(DASHES)]
        label = str(name)
        legend_items.append(
            f'<line x1="{x}" y1="{y - 4}" x2="{x + 18}" y2="{y - 4}" stroke="{colour}" '
            f'stroke-width="4" stroke-dasharray="{dash}"/>'
            + _text(x + 22, y, label, anchor="start", cls="legend")
        )
        x += 34 + 7 * len(label)
        following = str(legend[i + 1]) if i + 1 < len(legend) else ""
        if following and x + 22 + 7 * len(following) > W - RIGHT:
            x, y = LEFT, y + 15
    extra = max(0, y - (height - 14))
    svg = (
        f'<svg class="chart" viewBox="0 0 {W} {height + extra}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMidYMid meet">'
        f"<title>{escape(str(title))}</title>{''.join(body)}{''.join(legend_items)}</svg>"
    )
    return mark_safe(svg)  # noqa: S308 (built here, every text escaped)


def _axes(
    labels: Sequence[str], top: float, ticks: Sequence[float], fmt: Fmt, height: int = H
) -> list[str]:
    plot_h = height - TOP - BOTTOM
    out = []
    for value in ticks:
        y = TOP + plot_h - plot_h * value / top
        out.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{W - RIGHT}" y2="{y:.1f}" class="grid"/>')
        out.append(_text(LEFT - 4, y + 4, fmt(value), anchor="end", cls="tick"))
    n = max(1, len(labels))
    step = (W - LEFT - RIGHT) / n
    every = max(1, math.ceil(n / 16))
    for i, label in enumerate(labels):
        if i % every:
            continue
        x = LEFT + step * (i + 0.5)
        out.append(_text(x, TOP + plot_h + 14, label, cls="tick"))
    out.append(
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{W - RIGHT}" y2="{TOP + plot_h}" class="axis"/>'
    )
    return out


EMPTY_LINE = 60  # characters of an empty chart's message per line: it fits the frame


def empty(title: str, message: str) -> SafeString:
    """The chart's frame with its message, wrapped so that no line runs past the frame."""
    lines = textwrap.wrap(message, EMPTY_LINE) or [""]
    top = H / 2 - 20 - 9 * (len(lines) - 1)
    texts = [_text(W / 2, top + 18 * i, line, cls="empty") for i, line in enumerate(lines)]
    return _frame(title, texts, height=H - 40)


def line_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Number]]],
    *,
    fmt: Fmt = _fmt_int,
    top: float | None = None,
    empty_message: str = "",
) -> SafeString:
    """One line per series over the labels; gaps where a value is None."""
    values = [v for _, vs in series for v in vs if v is not None]
    if not labels or not any(values):
        return empty(title, empty_message)
    top, ticks = _scale(top or max(values), whole=fmt is _fmt_int)
    plot_h = H - TOP - BOTTOM
    step = (W - LEFT - RIGHT) / max(1, len(labels))
    body = _axes(labels, top, ticks, fmt)
    for i, (_name, vs) in enumerate(series):
        colour, dash = COLOURS[i % len(COLOURS)], DASHES[i % len(DASHES)]
        points, runs = [], []
        for j, v in enumerate(vs):
            if v is None:
                if points:
                    runs.append(points)
                points = []
                continue
            x = LEFT + step * (j + 0.5)
            y = TOP + plot_h - plot_h * min(float(v), top) / top
            points.append(f"{x:.1f},{y:.1f}")
        if points:
            runs.append(points)
        for run in runs:
            if len(run) == 1:
                x, y = run[0].split(",")
                body.append(f'<circle cx="{x}" cy="{y}" r="3.5" fill="{colour}"/>')
            else:
                body.append(
                    f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" '
                    f'stroke-width="2.2" stroke-dasharray="{dash}"/>'
                )
    return _frame(title, body, [name for name, _ in series])


def stacked_bars(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Number]]],
    *,
    fmt: Fmt = _fmt_int,
    empty_message: str = "",
) -> SafeString:
    """Bars per label, each stacked from the series (bottom first)."""
    totals = [sum(float(vs[j] or 0) for _, vs in series) for j in range(len(labels))]
    if not labels or not any(totals):
        return empty(title, empty_message)
    top, ticks = _scale(max(totals), whole=fmt is _fmt_int)
    plot_h = H - TOP - BOTTOM
    step = (W - LEFT - RIGHT) / len(labels)
    bar = max(2.0, step * 0.7)
    body = _axes(labels, top, ticks, fmt)
    for j in range(len(labels)):
        base = 0.0
        x = LEFT + step * j + (step - bar) / 2
        for i, (name, vs) in enumerate(series):
            v = float(vs[j] or 0)
            if not v:
                continue
            h = plot_h * v / top
            y = TOP + plot_h - plot_h * base / top - h
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{COLOURS[i % len(COLOURS)]}"><title>{escape(str(labels[j]))} · '
                f"{escape(str(name))}: {escape(fmt(v))}</title></rect>"
            )
            base += v
    return _frame(title, body, [name for name, _ in series])


def hbars(
    title: str,
    items: Sequence[tuple[str, Number]],
    *,
    fmt: Fmt = fmt_percent,
    top: float | None = None,
    target: float | None = None,
    empty_message: str = "",
) -> SafeString:
    """One horizontal bar per item (label, value), largest scale `top`; None is "—"."""
    if not items or all(v is None for _, v in items):
        return empty(title, empty_message)
    label_w, row_h = 170, 20
    height = TOP + row_h * len(items) + 24
    if top:
        ticks = [top * i / 4 for i in range(5)]
    else:
        top, ticks = _scale(max(float(v or 0) for _, v in items), whole=fmt is _fmt_int)
    span = W - label_w - RIGHT - 56
    body = []
    for value in ticks:
        x = label_w + span * value / top
        body.append(
            f'<line x1="{x:.1f}" y1="{TOP - 4}" x2="{x:.1f}" y2="{height - 20}" class="grid"/>'
        )
        body.append(_text(x, height - 6, fmt(value), cls="tick"))
    for i, (label, v) in enumerate(items):
        y = TOP + row_h * i
        short = label if len(label) <= 26 else label[:25] + "…"
        body.append(_text(label_w - 6, y + 14, short, anchor="end", cls="label"))
        if v is None:
            body.append(_text(label_w + 4, y + 14, "—", anchor="start", cls="value"))
            continue
        w = span * min(float(v), top) / top
        body.append(
            f'<rect x="{label_w}" y="{y + 3:.1f}" width="{w:.1f}" height="{row_h - 6}" '
            f'fill="{COLOURS[0]}"/>'
        )
        body.append(_text(label_w + w + 4, y + 14, fmt(float(v)), anchor="start", cls="value"))
    if target is not None:
        x = label_w + span * min(target, top) / top
        body.append(
            f'<line x1="{x:.1f}" y1="{TOP - 6}" x2="{x:.1f}" y2="{height - 20}" '
            f'class="target" stroke-dasharray="4 3"/>'
        )
    return _frame(title, body, height=height)
