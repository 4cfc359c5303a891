"""Turn one mapped sheet into typed BOM lines (or parts-master rows) plus positioned issues.

Input: a :class:`~bomtrace.io.raw.RawSheet` and its :class:`~bomtrace.io.header.HeaderMap`.
Output: a DataFrame with canonical columns (see :mod:`bomtrace.io.table`), ``x:`` columns for
unmapped headers, ``_file``/``_sheet``/``_row``, and a :class:`~bomtrace.io.table.SourceInfo`.
Blank rows are skipped silently but counted; rows without a part number are skipped with an issue.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from bomtrace.io.coerce import as_str, strip
from bomtrace.io.coerce import text_or_na as text
from bomtrace.io.fields import RowContext, bom_checks, convert_field, fill_currency
from bomtrace.io.header import HeaderMap
from bomtrace.io.issuelog import IssueLog
from bomtrace.io.raw import RawSheet
from bomtrace.io.table import CANONICAL_FIELDS, Layout, SourceInfo
from bomtrace.issues import Issue, IssueCode


@dataclass
class Converted:
    """One source, read: its rows, what was read, and where each column came from."""

    frame: pd.DataFrame
    info: SourceInfo
    letters: dict[str, str]


def convert(
    raw: RawSheet, hmap: HeaderMap, role: str, layout: Layout | None, log: IssueLog
) -> Converted:
    """Read one mapped sheet into typed columns.

    Parameters
    ----------
    raw : RawSheet
        The sheet's text cells and positions.
    hmap : HeaderMap
        Header row and field-to-column map (must map ``part_number``).
    role : {"bom", "master"}
        BOM lines or parts master.
    layout : {"indented", "parent-child"} or None
        Layout of BOM lines; None for a master.
    log : IssueLog
        Receives the issues.

    Returns
    -------
    Converted
        Rows used, the SourceInfo and the column letter of every output column.
    """
    start = 0 if hmap.index is None else hmap.index + 1
    body = raw.frame.iloc[start:]
    rows_all = raw.rows[start:]
    cells: dict[int, pd.Series] = {
        j: strip(body.iloc[:, j]).reset_index(drop=True) for j in range(body.shape[1])
    }
    filled: dict[int, np.ndarray] = {j: (s != "").to_numpy() for j, s in cells.items()}
    nonblank = np.zeros(len(body), dtype=bool)
    for m in filled.values():
        nonblank |= m
    pn_col = hmap.fields["part_number"]
    no_pn = nonblank & ~filled[pn_col]
    used = nonblank & ~no_pn
    rows = rows_all[used]
    pn_letter = raw.columns[pn_col]
    log.add_rows(
        IssueCode.MISSING_PART_NUMBER,
        no_pn,
        lambda i: Issue(
            IssueCode.MISSING_PART_NUMBER,
            f"Row {rows_all[i]} has values but no part number, so it was skipped. "
            f"Fill in the part number in column {pn_letter}.",
            file=raw.path,
            sheet=raw.sheet,
            row=int(rows_all[i]),
            column=pn_letter,
        ),
    )
    sel = cells if used.all() else {j: s[used].reset_index(drop=True) for j, s in cells.items()}
    out: dict[str, object] = {}
    pn = sel[pn_col]
    ctx = RowContext(raw, hmap, rows, pn)
    for fld, j in hmap.fields.items():
        out[fld] = convert_field(fld, sel[j], ctx, log)
    fill_currency(out, ctx)
    if role == "bom":
        bom_checks(out, layout, ctx, log)
    letters = {f: raw.columns[j] for f, j in hmap.fields.items()}
    unmapped_headers = _extras(raw, hmap, sel, filled, out, letters, ctx, log)
    frame = pd.DataFrame({c: out[c] for c in order_columns(list(out))})
    frame["_file"] = _repeat(raw.path, len(frame))
    frame["_sheet"] = _repeat(raw.sheet, len(frame))
    frame["_row"] = rows.astype(np.int64)
    info = SourceInfo(
        path=raw.path,
        sha256=raw.sha256,
        role="bom" if role == "bom" else "master",
        file_type=raw.file_type,
        sheet=raw.sheet,
        header_row=ctx.header_row or 0,
        layout=layout,
        rows=int(nonblank.size),
        rows_used=int(used.sum()),
        columns=list(hmap.matches),
        encoding=raw.encoding,
        delimiter=raw.delimiter,
        unmapped_headers=unmapped_headers,
    )
    return Converted(frame=frame, info=info, letters=letters)


def order_columns(cols: list[str]) -> list[str]:
    """Canonical fields in display order, then ``x:`` columns as found, then positions.

    >>> order_columns(["_row", "x:Notes", "quantity", "part_number"])
    ['part_number', 'quantity', 'x:Notes', '_row']
    """
    canon = [f for f in CANONICAL_FIELDS if f in cols]
    extra = [c for c in cols if c not in CANONICAL_FIELDS and not c.startswith("_")]
    return canon + extra + [c for c in cols if c.startswith("_")]


def _repeat(value: str | None, n: int) -> pd.Series:
    return as_str(pa.repeat(pa.scalar(value, type=pa.large_string()), n))


def _extras(
    raw: RawSheet,
    hmap: HeaderMap,
    sel: dict[int, pd.Series],
    filled: dict[int, np.ndarray],
    out: dict[str, object],
    letters: dict[str, str],
    ctx: RowContext,
    log: IssueLog,
) -> list[str]:
    """Carry unmapped columns as ``x:<header>``; return their header texts."""
    headers: list[str] = []
    dups = {dup for _, _, dup in hmap.duplicates}
    for j in hmap.unmapped:
        header = hmap.headers[j]
        letter = raw.columns[j]
        if not header and not filled[j].any():
            continue
        name = f"x:{header or letter}"
        if name in out:
            name = f"{name} ({letter})"
        out[name] = text(sel[j])
        letters[name] = letter
        if header:
            headers.append(header)
        if header and j not in dups:
            log.add(
                Issue(
                    IssueCode.UNMAPPED_COLUMN,
                    f"Column {letter} '{header}' is not a bomtrace field; it is kept as '{name}'. "
                    f"If it is one, map it with --column FIELD={header}.",
                    file=raw.path,
                    sheet=raw.sheet,
                    row=ctx.header_row,
                    column=letter,
                )
            )
    for fld, kept, dup in hmap.duplicates:
        log.add(
            Issue(
                IssueCode.DUPLICATE_COLUMN,
                f"Columns {raw.columns[kept]} '{hmap.headers[kept]}' and {raw.columns[dup]} "
                f"'{hmap.headers[dup]}' both look like {fld}; column {raw.columns[kept]} is used. "
                f"Choose with --column {fld}=HEADER.",
                file=raw.path,
                sheet=raw.sheet,
                row=ctx.header_row,
                column=raw.columns[dup],
            )
        )
    return headers
