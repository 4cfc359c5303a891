"""Exports of several projects in one sheet (KiCost): one product per project.

KiCost merges the BOMs of several boards into one sheet: its title block numbers the projects
(``Prj0: Main``, ``Board Qty0: 1000``, ``Prj1: Sensor``, ``Board Qty1: 500``), each line has a
quantity column per project (``Qty.Prj0``, ``Qty.Prj1``; ``Qty`` is their total) and its
designators are prefixed with the project (``prj0:R1,R2`` on one line of the cell, ``prj1:R1``
on the next). Such a sheet gives one product per project, named by its ``PrjN`` title (with
``(prjN)`` added when two projects share a name); a project's lines are those whose quantity
for it is not zero, each divided by that project's board quantity. Every row is one BOM row
(read once), used by the products whose quantity it gives.

>>> project_columns(["Refs", "Qty.Prj0", "Qty.Prj1", "Qty"])
{0: 1, 1: 2}
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from bomtrace.io.cell_checks import RowContext
from bomtrace.io.layouts import SourcePlan, where
from bomtrace.io.title_block import TitleBlock, parse_build_quantity
from bomtrace.io.values import strip
from bomtrace.issues import Issue, IssueCode, IssueLog

_QTY_PRJ = re.compile(r"^\s*(?:qty|quantity)[\s._-]*prj[\s._-]*(\d{1,2})\s*$", re.IGNORECASE)


@dataclass
class Project:
    """One project of a multi-project sheet: its product name and per-line quantity."""

    name: str
    quantity: np.ndarray  #: per used row, per unit of the project (0: not in it)
    designators: pd.Series | None = None  #: this project's designators (``prjN:`` dropped)
    rows: np.ndarray | None = None  #: the row (as Excel shows it) of each value


def project_columns(headers: list[str]) -> dict[int, int]:
    """Project number -> column of its quantity (``Qty.Prj0``)."""
    out: dict[int, int] = {}
    for j, h in enumerate(headers):
        m = _QTY_PRJ.match(h or "")
        if m:
            out.setdefault(int(m.group(1)), j)
    return out


def split_quantities(
    plan: SourcePlan, out: dict[str, Any], ctx: RowContext, tb: TitleBlock, log: IssueLog
) -> list[Project] | None:
    """For a multi-project sheet: each project's per-unit quantities; ``out["quantity"]`` becomes
    their sum per line (what the designators count). None for any other sheet."""
    cols = project_columns(plan.hmap.headers)
    if len(cols) < 2 or len(tb.projects) < 2 or plan.role != "bom":
        return None
    raw = plan.raw
    at = np.searchsorted(raw.rows, ctx.rows)
    names = [tb.projects.get(n, {}).get("project") or f"prj{n}" for n in cols]
    clash = len(set(names)) < len(names)
    projects, sizes = [], []
    for (n, j), name in zip(cols.items(), names, strict=True):
        cells = strip(raw.frame.iloc[at, j]).reset_index(drop=True)
        q = pd.to_numeric(cells.replace("", "0"), errors="coerce").to_numpy(dtype=float)
        size = parse_build_quantity(tb.projects.get(n, {}).get("build_quantity")) or 1.0
        if plan.build_quantity is not None:
            size = plan.build_quantity
        sizes.append(f"{name}: {size:g}")
        refs = _designators(out.get("reference_designators"), n)
        label = f"{name} (prj{n})" if clash else name
        projects.append(Project(label, q / size, refs, np.asarray(ctx.rows)))
    out["quantity"] = np.sum([p.quantity for p in projects], axis=0)
    plan.assembly, plan.assembly_row, plan.assembly_column = projects[0].name, None, None
    listed = ", ".join(p.name for p in projects)
    plan.assembly_from = f"the title block, which names one product per project: {listed}"
    refs = out.get("reference_designators")
    if isinstance(refs, pd.Series):  # every project's designators: what the quantity counts
        out["reference_designators"] = refs.str.replace(_PREFIX, "", regex=True).str.replace(
            r"\s*\n\s*", ",", regex=True
        )
    log.add(
        Issue(
            IssueCode.BUILD_QUANTITY,
            f"{where(raw.path, raw.sheet)} holds {len(projects)} projects, each with its own "
            f"quantity column and board quantity ({'; '.join(sizes)}): each project is a "
            "product, and its quantities were divided by its board quantity to give the "
            "quantity per unit. If they are already per unit, give --build-quantity 1.",
            file=raw.path,
            sheet=raw.sheet,
            row=ctx.header_row or None,
        )
    )
    return projects


_PREFIX = r"(?im)^\s*prj\d{1,2}\s*:\s*"


def _designators(refs: object, n: int) -> pd.Series | None:
    """The designators of project ``n`` in cells like ``prj0:R1,R2\\nprj1:R1``."""
    if not isinstance(refs, pd.Series):
        return None
    mine = refs.str.extract(rf"(?im)^\s*prj{n}\s*:\s*(.*?)\s*$", expand=False)
    return mine.astype("str").where(mine.notna(), None)


def by_project(frame: pd.DataFrame, projects: list[Project]) -> pd.DataFrame:
    """The lines of a single-level sheet (product line first) as one product per project.

    Each line finds its project quantities by its row (``_row``), so lines may have been
    dropped before; rows must not have been merged across projects."""
    top, lines = frame.iloc[:1], frame.iloc[1:].reset_index(drop=True)
    dnp = np.asarray(lines["quantity"], dtype=float) == 0
    parts = []
    for p in projects:
        at = pd.Index(p.rows).get_indexer(lines["_row"].to_numpy())
        q = np.where(at >= 0, p.quantity[np.maximum(at, 0)], np.nan)
        keep = q != 0
        head = top.copy()
        head["part_number"] = pd.Series([p.name], dtype="str", index=head.index)
        mine = lines[keep].copy()
        mine["quantity"] = np.where(dnp[keep], 0.0, q[keep])
        if p.designators is not None and "reference_designators" in mine:
            refs = p.designators.to_numpy(dtype=object)[np.maximum(at, 0)]
            mine["reference_designators"] = pd.Series(refs[keep], dtype="str").to_numpy()
        parts += [head, mine]
    return pd.concat(parts, ignore_index=True)
