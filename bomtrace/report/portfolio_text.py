"""The reports of ``bomtrace portfolio``, from :meth:`PortfolioResult.to_dict()
<bomtrace.analysis.portfolio.PortfolioResult.to_dict>`: terminal text, an xlsx workbook (text
cells never formulas: :mod:`bomtrace.report.safe` through ``xlsx_style.write_table``) and a
static HTML page (autoescaped, no script at all)."""

from __future__ import annotations

import os
from typing import Any

from bomtrace.report.text import money, pct, table

#: the ranked lists: document key, title, value column
RANKED = (
    ("parts", "Parts driving the most exposure", "controlled_us_value"),
    ("suppliers", "Suppliers driving the most exposure", "controlled_us_value"),
    ("classify_first", "Classify first (missing origin or ECCN)", "value_at_stake"),
)

HEADS = {"controlled_us_value": "controlled US value", "value_at_stake": "value at stake"}


def product_rows(d: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per file × product × destination (a product not analysed: one row saying
    why)."""
    out = []
    for p in d["products"]:
        row = {"file": p["file"], "product": p["part_number"]}
        for x in p["destinations"] if p["analysed"] else []:
            keys = ("country", "verdict", "ratio", "threshold", "margin")
            out.append({**row, **{k: x[k] for k in keys}, "fdpr": p["fdpr"]})
        if not p["analysed"]:
            why = p.get("not_analysed_reason")
            out.append(
                {**row, "country": "-", "verdict": "not analysed" + (f": {why}" if why else ""),
                 "ratio": None, "threshold": None, "margin": None, "fdpr": None}
            )  # fmt: skip
    return out


def ranked_rows(d: dict[str, Any], key: str) -> list[dict[str, Any]]:
    """A ranked list's rows (the facts still missing joined into one text)."""
    return [{k: (", ".join(v) if isinstance(v, list) else v) for k, v in r.items()} for r in d[key]]


def render_portfolio(d: dict[str, Any]) -> str:
    """The default ``bomtrace portfolio`` output."""
    t = d["totals"]
    rs = d.get("ruleset") or {}
    out = [
        f"bomtrace {d['bomtrace_version']} · portfolio · rules as of {rs.get('as_of', '-')} · "
        f"destinations {', '.join(d['destinations']) or '-'}",
        f"{t['files']} file(s), {t['files_failed']} failed · {t['products']} product(s) · "
        f"{t['lines']:,} BOM lines · product × destination: {t['subject_cells']} subject, "
        f"{t['undetermined_cells']} undetermined, {t['not_subject_cells']} not subject",
        "",
        "Files",
        table(
            ["file", "status", "products", "lines", "message"],
            [
                [f["path"], f["status"], f["products"], f["lines"], f["message"] or ""]
                for f in d["files"]
            ],
        ),  # fmt: skip
        "",
        "Verdicts",
        table(
            ["file", "product", "dest", "verdict", "ratio", "threshold", "margin", "FDPR"],
            [
                [
                    r["file"],
                    r["product"],
                    r["country"],
                    r["verdict"],
                    pct(r["ratio"]),
                    pct(r["threshold"]),
                    pct(r["margin"]),
                    r["fdpr"] or "-",
                ]
                for r in product_rows(d)
            ],
        ),  # fmt: skip
    ]
    for key, title, value in RANKED:
        out += ["", title]
        rows = d[key]
        if not rows:
            out.append("  (none)")
            continue
        if key == "suppliers":
            out.append(
                table(
                    ["supplier", "controlled US value", "parts", "products"],
                    [[r["supplier"], money(r[value]), r["parts"], r["products"]] for r in rows],
                )
            )
        else:
            extra = ["missing"] if key == "classify_first" else []
            out.append(
                table(
                    ["part", "supplier", HEADS[value], "products", *extra],
                    [
                        [
                            r["part_number"],
                            r["supplier"],
                            money(r[value]),
                            r["products"],
                            *([", ".join(r["missing"])] if extra else []),
                        ]
                        for r in rows
                    ],
                )  # fmt: skip
            )
    return "\n".join(out)


def write_portfolio_xlsx(d: dict[str, Any], path: str | os.PathLike[str]) -> None:
    """The portfolio as a workbook: Files, Verdicts, Parts, Suppliers, Classify first."""
    from openpyxl import Workbook

    from bomtrace.report.safe import xlsx_row
    from bomtrace.report.xlsx_style import verdict_legend, write_table

    wb = Workbook(write_only=True)
    sheets: list[tuple[str, list[dict[str, Any]]]] = [
        ("Files", d["files"]),
        ("Verdicts", product_rows(d)),
        ("Parts", ranked_rows(d, "parts")),
        ("Suppliers", ranked_rows(d, "suppliers")),
        ("Classify first", ranked_rows(d, "classify_first")),
    ]
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        if not rows:
            ws.append(xlsx_row(ws, ["(none)"]))
            continue
        keys = list(rows[0])
        write_table(ws, keys, ([r[k] for k in keys] for r in rows), total=len(rows))
        if title == "Verdicts":
            verdict_legend(ws)
    wb.save(path)


def render_portfolio_html(d: dict[str, Any]) -> str:
    """The portfolio as one static HTML page (no script)."""
    from bomtrace.report.html import _template

    return str(
        _template("portfolio.html.j2").render(
            d=d, rows=product_rows(d), ranked=RANKED, money=money, pct=pct
        )
    )
