"""Key the lines that have no part number, from the columns :mod:`bomtrace.io.identity` chose.

A line whose part-number cell is empty or a placeholder (``ANY``, ``Generic``) is kept under
its next identifier (a manufacturer's or distributor's number) or, failing that, under a key
made of its name columns (``(no part number) 10k | R_0603``) when it is a line at all (it has a
quantity, designators or a price). Each such line is reported with its row and what keyed it.
A sheet with no part-number column at all keys every line by its names.

Only rows without a usable part number are touched; a sheet whose part numbers are all filled
costs one pass over the column.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bomtrace.io.headers import HeaderMap
from bomtrace.io.identity import PLACEHOLDERS
from bomtrace.io.table import RawSheet
from bomtrace.io.unread import USED
from bomtrace.issues import Issue, IssueCode, IssueLog

#: longest placeholder text, so only short cells are compared
_SHORT = max(len(p) for p in PLACEHOLDERS)


def _placeholders(s: pd.Series) -> np.ndarray:
    short = (s.str.len() <= _SHORT).to_numpy(dtype=bool)
    out = np.zeros(len(s), dtype=bool)
    if short.any():
        at = np.flatnonzero(short)
        out[at] = s.iloc[at].str.casefold().isin(PLACEHOLDERS).to_numpy(dtype=bool)
    return out & (s != "").to_numpy(dtype=bool)


def _join(columns: list[pd.Series], at: np.ndarray) -> list[str]:
    texts = zip(*(c.iloc[at].tolist() for c in columns), strict=True) if columns else []
    out = []
    for row in texts:
        kept = [v for v in row if v and v.casefold() not in PLACEHOLDERS]
        out.append(" | ".join(dict.fromkeys(kept)))
    return out or [""] * len(at)


def key_lines(
    raw: RawSheet,
    hmap: HeaderMap,
    cells: dict[int, pd.Series],
    rows: np.ndarray,
    codes: np.ndarray,
    log: IssueLog,
) -> None:
    """Fill the part-number cells of lines that have none (in ``cells``), with issues."""
    plan = hmap.keyed
    pn_col = hmap.fields["part_number"]
    pn = cells[pn_col]
    letter = raw.columns[pn_col]
    for code, msg, j in plan.notes:
        log.add(
            Issue(
                IssueCode(code),
                msg,
                file=raw.path,
                sheet=raw.sheet,
                row=int(raw.rows[hmap.index]) if hmap.index is not None else None,
                column=raw.columns[j],
            )
        )
    cand = codes == USED
    if plan.compose:
        at = np.flatnonzero(cand)
        _write(cells, pn_col, at, _join([pn] + [cells[j] for j in plan.names], at))
        return
    holder = _placeholders(pn)
    todo = cand & ((pn == "").to_numpy(dtype=bool) | holder)
    if not todo.any():
        return
    was = pn.copy()
    new = np.array([""] * len(pn), dtype=object)
    source = np.full(len(pn), -1)
    for j, _role in plan.keys:
        other = cells[j]
        ok = todo & (source < 0) & (other != "").to_numpy(dtype=bool) & ~_placeholders(other)
        at = np.flatnonzero(ok)
        new[at] = other.iloc[at].to_numpy(dtype=object)
        source[at] = j
    left = todo & (source < 0)
    if left.any() and plan.names:
        evidence = [hmap.fields.get(f) for f in ("quantity", "reference_designators", "unit_cost")]
        present = [cells[j] != "" for j in evidence if j is not None]
        a_line = (
            np.logical_or.reduce([p.to_numpy(dtype=bool) for p in present]) if present else left
        )
        if "level" in hmap.fields:  # a line without a level has no place in the structure
            a_line = a_line & (cells[hmap.fields["level"]] != "").to_numpy(dtype=bool)
        at = np.flatnonzero(left & a_line)
        named = _join([cells[j] for j in plan.names], at)
        for i, key in zip(at, named, strict=True):
            if key:
                new[i], source[i] = f"(no part number) {key}", -2
    filled = np.flatnonzero(source != -1)
    _write(cells, pn_col, filled, new[filled].tolist())

    def issue(i: int) -> Issue:
        row, key = int(rows[i]), str(new[i])
        what = (
            f"'{was.iat[i]}' is a placeholder, not a part number" if holder[i] else "no part number"
        )
        if source[i] == -2:
            msg = (
                f"Row {row} has {what} in column {letter}; it was kept as '{key}', made from its "
                "name columns, and counts as a part of its own. Give it a part number to "
                "classify it."
            )
            code = IssueCode.LINE_KEYED_BY_NAME
        elif source[i] >= 0:
            j = int(source[i])
            msg = (
                f"Row {row} has {what} in column {letter}; it was kept under '{key}' from column "
                f"{raw.columns[j]} '{hmap.headers[j]}'."
            )
            code = IssueCode.PART_NUMBER_FROM_COLUMN
        else:
            msg = (
                f"Row {row}: '{was.iat[i]}' in column {letter} is a placeholder, not a part "
                "number: every line that says it is read as one part. Give it a part number."
            )
            code = IssueCode.PLACEHOLDER_PART_NUMBER
        return Issue(
            code,
            msg,
            file=raw.path,
            sheet=raw.sheet,
            row=row,
            column=letter,
            part_number=key or str(was.iat[i]),
        )

    for code, mask in (
        (IssueCode.PART_NUMBER_FROM_COLUMN, todo & (source >= 0)),
        (IssueCode.LINE_KEYED_BY_NAME, source == -2),
        (IssueCode.PLACEHOLDER_PART_NUMBER, holder & cand & (source == -1)),
    ):
        log.add_rows(code, mask, issue)


def _write(cells: dict[int, pd.Series], j: int, at: np.ndarray, values: list[str]) -> None:
    if not len(at):
        return
    col = cells[j].copy()
    col.iloc[at] = values
    cells[j] = col
