"""Inline SVG charts of the HTML report: the ratio of each destination against its threshold,
and the top contributors as bars. Every text in them is escaped; the numbers are formatted
here, so the same document always gives the same bytes."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from bomtrace.report.text import money, pct

#: colours of the verdicts (fill of a bar, the same as the table cells' borders)
COLOURS = {"subject": "#cf222e", "undetermined": "#bf8700", "not-subject": "#1a7f37"}
_GREY = "#d0d7de"
_W, _LABEL, _ROW = 560, 150, 26


def _f(x: float) -> str:
    """A coordinate, written the same way every time."""
    return f"{x:.1f}"


def _svg(height: int, body: list[str], title: str) -> Markup:
    head = (
        f'<svg class="chart" role="img" width="{_W}" '
        f'height="{height}" viewBox="0 0 {_W} {height}"><title>{escape(title)}</title>'
    )
    return Markup(head + "".join(body) + "</svg>")


def ratio_chart(p: dict[str, Any]) -> Markup:
    """Per destination of a product: the ratio (low bound solid, up to the high bound
    hatched lighter) against the threshold (a vertical mark), coloured by verdict."""
    dests = p.get("destinations") or []
    if not dests:
        return Markup("")
    tops = [max(x.get("threshold") or 0, (x.get("bounds") or {}).get("high") or 0) for x in dests]
    scale = min(1.0, max(0.3, max(tops) * 1.15))
    span = _W - _LABEL - 70
    body: list[str] = []
    for i, x in enumerate(dests):
        y = 6 + i * _ROW
        lo = x.get("ratio")
        hi = (x.get("bounds") or {}).get("high")
        colour = COLOURS.get(x.get("verdict") or "", _GREY)
        label = x["country"] + (f" +{len(x['same_for'])}" if x.get("same_for") else "")
        body.append(f'<text x="0" y="{y + 14}" class="lbl">{escape(label)}</text>')
        body.append(
            f'<rect x="{_LABEL}" y="{y}" width="{span}" height="18" fill="#f6f8fa" '
            f'stroke="{_GREY}"/>'
        )
        if hi is not None and lo is not None and hi > lo:
            w = span * min(hi, scale) / scale
            body.append(
                f'<rect x="{_LABEL}" y="{y + 4}" width="{_f(w)}" height="10" fill="{colour}" '
                'fill-opacity="0.25"/>'
            )
        if lo is not None:
            w = span * min(lo, scale) / scale
            body.append(
                f'<rect x="{_LABEL}" y="{y + 2}" width="{_f(w)}" height="14" fill="{colour}"/>'
            )
        thr = x.get("threshold")
        if thr is not None:
            tx = _LABEL + span * min(thr, scale) / scale
            body.append(
                f'<line x1="{_f(tx)}" x2="{_f(tx)}" y1="{y - 3}" y2="{y + 21}" stroke="#1b1f23" '
                'stroke-width="2"/>'
            )
        body.append(f'<text x="{_W - 64}" y="{y + 14}" class="num">{escape(pct(lo))}</text>')
    h = 12 + len(dests) * _ROW
    return _svg(h, body, f"Ratio against the threshold, per destination (scale 0 to {pct(scale)})")


def contributors_chart(x: dict[str, Any]) -> Markup:
    """One destination's top contributors as bars of their controlled value."""
    top = x.get("top_contributors") or []
    if not top:
        return Markup("")
    most = max((c.get("value") or 0) for c in top) or 1.0
    span = _W - _LABEL - 120
    body: list[str] = []
    for i, c in enumerate(top):
        y = 4 + i * _ROW
        w = span * (c.get("value") or 0) / most
        pn = str(c.get("part_number") or "")
        short = pn if len(pn) <= 22 else pn[:21] + "…"
        body.append(f'<text x="0" y="{y + 14}" class="lbl">{escape(short)}</text>')
        body.append(
            f'<rect x="{_LABEL}" y="{y + 2}" width="{_f(w)}" height="14" '
            f'fill="{COLOURS["subject"]}" fill-opacity="0.75"/>'
        )
        value = f"{money(c.get('value'))} ({pct(c.get('share'))})"
        body.append(
            f'<text x="{_f(_LABEL + w + 6)}" y="{y + 14}" class="num">{escape(value)}</text>'
        )
    h = 8 + len(top) * _ROW
    return _svg(h, body, f"Top contributors to the controlled US value, {x['country']}")
