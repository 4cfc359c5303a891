"""Self-contained HTML report (jinja2, inline CSS and SVG), rendered from
``AnalysisResult.to_dict()`` and, for the BOM tree, ``AnalysisResult.tree_data()``.

What keeps the page safe to open, whatever the BOM holds:

- every text goes through jinja2's autoescaping (charts: :mod:`bomtrace.report.html_charts`);
- the tree's data is JSON in a ``<script type="application/json">`` block, with ``<``, ``>``
  and ``&`` written as ``\\u003c``, ``\\u003e``, ``\\u0026`` so that no text can close the tag;
- the one executable script is a fixed file of the package (``templates/report.js``), with
  no data interpolated into it, and the page's Content-Security-Policy allows only that
  script (by its sha256 hash), inline styles and ``data:`` images: nothing is loaded from
  anywhere.

The same document gives the same bytes (no clock, no random ids).
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from importlib import resources
from typing import Any

from bomtrace.countries import country_name
from bomtrace.report.analysis_text import limit_marks
from bomtrace.report.html_charts import contributors_chart, ratio_chart
from bomtrace.report.text import money, pct

MAX_ISSUES = 2000
_JSON_ESCAPES = ((b"<", b"\\u003c"), (b">", b"\\u003e"), (b"&", b"\\u0026"))


@cache
def script() -> str:
    """The report's one script, as the page embeds it."""
    return resources.files("bomtrace.report").joinpath("templates/report.js").read_text("utf-8")


def script_hash(text: str | None = None) -> str:
    """The CSP source of the script: ``'sha256-<base64>'``."""
    digest = hashlib.sha256((script() if text is None else text).encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def csp() -> str:
    """The page's Content-Security-Policy."""
    return (
        f"default-src 'none'; script-src {script_hash()}; style-src 'unsafe-inline'; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )


def json_block(data: Any) -> str:
    """``data`` as JSON that can sit inside a ``<script>`` element: no ``<``, ``>`` or ``&``."""
    import orjson

    raw = orjson.dumps(data, option=orjson.OPT_SERIALIZE_NUMPY)
    for a, b in _JSON_ESCAPES:
        raw = raw.replace(a, b)
    return raw.decode("utf-8")


def _rows(p: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """A product's destination entries, one per destination (``same_for`` spread out)."""
    out = []
    for x in p.get("destinations") or []:
        out.append((x["country"], x))
        out.extend((c, x) for c in x.get("same_for") or [])
    return out


def overview(d: dict[str, Any]) -> dict[str, Any]:
    """The overview matrix: destination columns (in the order the products show them) and
    per product its cell (the destination entry) for each."""
    columns: list[str] = []
    cells = []
    for p in d["products"]:
        got = dict(_rows(p))
        for c in got:
            if c not in columns:
                columns.append(c)
        cells.append(got)
    return {"columns": columns, "cells": cells}


def every_destination(d: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per product and destination (``--all-destinations``), for the sortable table."""
    out = []
    for p in d["products"]:
        for code, x in _rows(p):
            out.append({"product": p["part_number"], "code": code, "x": x})
    return out


def _template(name: str) -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("bomtrace.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env.get_template(name)


def render_diff_html(d: dict[str, Any]) -> str:
    """Render the ``bomtrace diff`` document as one static HTML page (no script at all)."""
    return str(_template("diff.html.j2").render(d=d, money=money, pct=pct))


def render_html(d: dict[str, Any], tree: dict[str, Any] | None = None) -> str:
    """Render the analysis document (and the BOM tree's data) as one HTML page."""
    from markupsafe import Markup

    tpl = _template("analysis.html.j2")
    all_dest = bool(d.get("options", {}).get("all_destinations"))
    return tpl.render(
        d=d,
        money=money,
        pct=pct,
        max_issues=MAX_ISSUES,
        limit_marks=limit_marks(d),
        country_name=country_name,
        overview=overview(d),
        every=every_destination(d) if all_dest else [],
        all_destinations=all_dest,
        ratio_chart=ratio_chart,
        contributors_chart=contributors_chart,
        tree=tree,
        tree_json=Markup(json_block(tree)) if tree else None,
        script=Markup(script()),
        csp=csp(),
    )
