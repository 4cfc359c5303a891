"""``read_bom``: read one or more BOM files (and parts masters) into one :class:`BomTable`.

Each CSV file or worksheet is classified by the fields its header maps to:

- a ``level`` column → indented BOM lines;
- a ``parent`` column (and ``part_number``) → parent-child edges;
- ``part_number`` plus attributes, and no quantity/level/parent → a parts master.

Sheets of a multi-sheet workbook and files of a folder that fit none of these (and hidden sheets)
are skipped with a ``sheet-skipped`` info issue; a file or sheet named on its own that fits none
is an error.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from bomtrace.errors import ColumnMappingError, InputError, SheetNotFound
from bomtrace.io.csvfile import read_csv_file
from bomtrace.io.header import HeaderMap, Overrides, find_header, parse_overrides, seen_headers
from bomtrace.io.issuelog import IssueLog
from bomtrace.io.options import ReadOptions
from bomtrace.io.raw import RawSheet
from bomtrace.io.sniff import SUPPORTED, read_head, sniff_file_type
from bomtrace.io.source import Converted, convert, order_columns
from bomtrace.io.table import BOOLEAN_FIELDS, NUMERIC_FIELDS, BomTable, Layout
from bomtrace.io.xlsxfile import Workbook
from bomtrace.issues import Issue, IssueCode

#: File suffixes read from a folder.
FOLDER_SUFFIXES = (".csv", ".tsv", ".xlsx", ".xlsm")
_MASTER_EXCLUDES = ("quantity", "level", "parent")


def read_bom(
    paths: Sequence[str | os.PathLike[str]] | str | os.PathLike[str],
    options: ReadOptions | None = None,
    *,
    columns: Mapping[str, str] | None = None,
    sheet: str | None = None,
    layout: Layout | None = None,
    limit_issues: int | None = None,
) -> BomTable:
    """Read BOM files (and parts masters) into one table of BOM lines with source positions.

    Parameters
    ----------
    paths : path or sequence of paths
        Files to read together, or folders (every csv/tsv/xlsx/xlsm file in a folder is read,
        in name order). E.g. an edge table plus a parts master, or several indented BOMs.
    options : ReadOptions, optional
        All reader options at once; the keyword arguments below override its fields.
    columns : mapping of str to str, optional
        ``FIELD -> HEADER`` overrides (``--column FIELD=HEADER``); HEADER is the header text or
        a 1-based column number (for header-less files).
    sheet : str, optional
        Read only this worksheet of each workbook (a name, or a 1-based sheet number).
        By default every sheet that maps to a BOM or a parts master is read.
    layout : {"indented", "parent-child"}, optional
        Expected BOM layout. It decides sheets that have both a level and a parent column
        (default: indented) and makes a sheet of the other layout an error.
    limit_issues : int, default 1000
        Issues kept per code; the rest are counted in one summary issue per code.

    Returns
    -------
    BomTable
        ``lines`` (BOM lines in input order), ``parts`` (parts master rows or None),
        ``layout``, one ``SourceInfo`` per file/sheet read, ``issues`` and ``column_letters``.

    Raises
    ------
    InputError
        A path does not exist, a folder holds no readable file, only parts masters were given,
        or indented and parent-child BOM lines are mixed.
    FileFormatError
        A file is not xlsx/xlsm or delimited text, or cannot be parsed.
    SheetNotFound
        ``sheet`` is not in a workbook (the message lists its sheets).
    ColumnMappingError
        An override names an unknown field or a header found nowhere, or a file/sheet has no
        recognisable header row (the message shows what it saw and suggests ``--column``).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from bomtrace.io import read_bom
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "bom.csv"
    >>> _ = p.write_text("Level,Part No.,Qty\\n0,PH-1,\\n1,00123,2\\n", encoding="utf-8")
    >>> t = read_bom([p])
    >>> t.layout, t.lines["part_number"].tolist(), t.lines["_row"].tolist()
    ('indented', ['PH-1', '00123'], [2, 3])
    """
    opts = (options or ReadOptions()).with_(
        columns=columns, sheet=sheet, layout=layout, limit_issues=limit_issues
    )
    columns, sheet, layout = dict(opts.columns) or None, opts.sheet, opts.layout
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    ov = parse_overrides(columns)
    log = IssueLog(opts.limit_issues)
    boms: list[Converted] = []
    masters: list[Converted] = []
    seen: list[str] = []
    used_overrides: set[str] = set()
    for given, path, in_folder in _expand(paths):
        for raw, hmap, role, lay in _sources(given, path, ov, sheet, layout, log, seen, in_folder):
            used_overrides |= hmap.overrides_used
            conv = convert(raw, hmap, role, lay, log)
            (boms if role == "bom" else masters).append(conv)
    _check_overrides(ov, used_overrides, seen)
    if not boms and not masters:
        raise ColumnMappingError(
            "No file holds a BOM or a parts master. Seen: " + "; ".join(seen) + ". Name the "
            "part-number column with --column part_number=HEADER."
        )
    if not boms:
        found = ", ".join(_where(c.info.path, c.info.sheet) for c in masters)
        raise InputError(
            f"No BOM lines found, only a parts master ({found}). Add the BOM: an indented BOM "
            "with a Level column, or a parent-child table with a Parent column."
        )
    lay = _one_layout(boms)
    letters: dict[tuple[str, str | None, str], str] = {}
    for c in boms + masters:
        for fld, letter in c.letters.items():
            letters[(c.info.path, c.info.sheet, fld)] = letter
    return BomTable(
        lines=_stack([c.frame for c in boms]),
        layout=lay,
        parts=_stack([c.frame for c in masters]) if masters else None,
        sources=[c.info for c in boms + masters],
        issues=log.issues(),
        column_letters=letters,
    )


def _expand(paths: Sequence[str | os.PathLike[str]]) -> Iterator[tuple[str, Path, bool]]:
    """Yield (path as given, path, found in a folder) for every input file."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    if not paths:
        raise InputError("No input file given. Name a BOM file (xlsx or csv) or a folder.")
    for p in paths:
        given = os.fspath(p)
        path = Path(given)
        if path.is_dir():
            files = sorted(
                f
                for f in path.iterdir()
                if f.is_file()
                and f.suffix.lower() in FOLDER_SUFFIXES
                and not f.name.startswith(("~$", "."))
            )
            if not files:
                raise InputError(f"Folder {given} has no BOM files. Supported: {SUPPORTED}.")
            for f in files:
                yield str(Path(given) / f.name), f, True
        elif path.is_file():
            yield given, path, False
        else:
            raise InputError(f"File not found: {given}")


def _where(path: str, sheet: str | None) -> str:
    return f"{path} sheet '{sheet}'" if sheet else path


def _sources(
    given: str,
    path: Path,
    ov: Overrides,
    sheet: str | None,
    layout: Layout | None,
    log: IssueLog,
    seen: list[str],
    in_folder: bool,
) -> Iterator[tuple[RawSheet, HeaderMap, str, Layout | None]]:
    """Yield every mapped sheet of one file with its header map, role and layout.

    A file or sheet that maps to no role is an error when it was named on its own, and is
    skipped with a ``sheet-skipped`` issue when it is one of several (sheets of a workbook,
    files of a folder).
    """
    kind = sniff_file_type(path, read_head(path, 8192))
    if kind == "csv":
        raw = read_csv_file(path, given, locate=lambda head: _header_index(head, ov))
        hmap, role, lay, why = _classify(raw, ov, layout)
        seen.append(f"{given}: {seen_headers(raw)}")
        if hmap is None or role is None:
            if not in_folder:
                raise ColumnMappingError(_no_role_message(raw, why))
            _skip(log, raw, why)
            return
        yield raw, hmap, role, lay
        return
    book = Workbook(path, given, kind)
    names = _pick_sheets(book, sheet, given)
    standalone = (sheet is not None or len(book.sheet_names) == 1) and not in_folder
    reasons: list[str] = []
    found = 0
    for name in names:
        raw, visible = book.load(name)
        seen.append(f"{given} sheet '{name}': {seen_headers(raw)}")
        if not visible and sheet is None:
            _skip(log, raw, "it is hidden in Excel. Name it with --sheet to read it.")
            continue
        hmap, role, lay, why = _classify(raw, ov, layout)
        if hmap is None or role is None:
            if standalone:
                raise ColumnMappingError(_no_role_message(raw, why))
            reasons.append(f"sheet '{name}': {why}")
            _skip(log, raw, why)
            continue
        found += 1
        yield raw, hmap, role, lay
    if not found and not in_folder:
        raise ColumnMappingError(
            f"{given}: no sheet holds a BOM or a parts master. "
            + "; ".join(reasons)
            + ". Choose a sheet with --sheet NAME and name its part-number column with "
            "--column part_number=HEADER."
        )


def _header_index(head: RawSheet, ov: Overrides) -> int | None:
    hmap = find_header(head, ov)
    return hmap.index if hmap is not None else None


def _pick_sheets(book: Workbook, sheet: str | None, given: str) -> list[str]:
    if sheet is None:
        return book.sheet_names
    if sheet in book.sheet_names:
        return [sheet]
    if sheet.isdigit() and 1 <= int(sheet) <= len(book.sheet_names):
        return [book.sheet_names[int(sheet) - 1]]
    listed = ", ".join(f"'{s}'" for s in book.sheet_names)
    raise SheetNotFound(
        f"Sheet '{sheet}' not found in {given}. Sheets are: {listed}. "
        "Use --sheet with one of these names (or a sheet number from 1)."
    )


def _skip(log: IssueLog, raw: RawSheet, why: str) -> None:
    what = f"Sheet '{raw.sheet}' of {raw.path}" if raw.sheet else f"File {raw.path}"
    log.add(
        Issue(
            IssueCode.SHEET_SKIPPED,
            f"{what} was skipped: {why}",
            file=raw.path,
            sheet=raw.sheet,
        )
    )


def _classify(
    raw: RawSheet, ov: Overrides, layout: Layout | None
) -> tuple[HeaderMap | None, str | None, Layout | None, str]:
    """Return (header map, role, layout, reason when no role)."""
    if raw.frame.empty:
        return None, None, None, "it is empty."
    hmap = find_header(raw, ov)
    if hmap is None:
        return None, None, None, "no header row naming a part-number column was found."
    f = hmap.fields
    has_level, has_parent = "level" in f, "parent" in f
    if has_level and (layout != "parent-child" or not has_parent):
        lay: Layout = "indented"
    elif has_parent:
        lay = "parent-child"
    elif not any(x in f for x in _MASTER_EXCLUDES) and len(f) > 1:
        return hmap, "master", None, ""
    else:
        return (
            hmap,
            None,
            None,
            (
                "it has a part number and quantity but neither a level nor a parent column, so "
                "the product structure is unknown. Map one with --column level=HEADER or "
                "--column parent=HEADER."
            ),
        )
    if layout is not None and lay != layout:
        raise InputError(
            f"{_where(raw.path, raw.sheet)} is a {lay} BOM, but layout {layout} was asked for. "
            f"Give it the {'Level' if layout == 'indented' else 'Parent'} column, or drop the "
            "layout option."
        )
    return hmap, "bom", lay, ""


def _no_role_message(raw: RawSheet, why: str) -> str:
    return (
        f"{_where(raw.path, raw.sheet)} cannot be read as a BOM: {why} "
        f"The first row with values is {seen_headers(raw)}. Name the part-number column with "
        "--column part_number=HEADER (HEADER may be a column number for files without a header)."
    )


def _check_overrides(ov: Overrides, used: set[str], seen: list[str]) -> None:
    missing = [f for f in list(ov.by_text) + list(ov.by_number) if f not in used]
    if not missing:
        return
    asked = ", ".join(
        f"{f}={ov.by_text[f] if f in ov.by_text else ov.by_number[f]}" for f in missing
    )
    raise ColumnMappingError(
        f"--column {asked}: no such column in the header row of any file. Headers seen: "
        + "; ".join(seen)
        + "."
    )


def _one_layout(boms: list[Converted]) -> Layout:
    layouts = {c.info.layout for c in boms}
    if len(layouts) > 1:
        ind = next(c.info for c in boms if c.info.layout == "indented")
        pc = next(c.info for c in boms if c.info.layout == "parent-child")
        raise InputError(
            f"Indented and parent-child BOM lines cannot be read together: "
            f"{_where(ind.path, ind.sheet)} is indented (Level column) but "
            f"{_where(pc.path, pc.sheet)} is parent-child (Parent column). Read them in "
            "separate runs, or pass one layout."
        )
    lay = layouts.pop()
    if lay is None:  # pragma: no cover - BOM sources always have a layout
        raise InputError("BOM layout could not be determined.")
    return lay


def _stack(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate source frames, giving each column its contract dtype when it is missing."""
    if len(frames) == 1:
        return frames[0]
    cols: list[str] = []
    for f in frames:
        cols.extend(c for c in f.columns if c not in cols)
    cols = order_columns(cols)
    filled = []
    for f in frames:
        f = f.copy()
        for c in cols:
            if c in f.columns:
                continue
            if c in NUMERIC_FIELDS:
                f[c] = np.full(len(f), np.nan)
            elif c in BOOLEAN_FIELDS:
                f[c] = pd.array([pd.NA] * len(f), dtype="boolean")
            else:
                f[c] = pd.Series([None] * len(f), dtype="str")
        filled.append(f[cols])
    return pd.concat(filled, ignore_index=True)
