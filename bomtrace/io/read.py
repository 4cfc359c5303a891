"""``read_bom``: read one or more BOM files (and parts masters) into one :class:`BomTable`.

Each CSV file or worksheet is classified by what its header maps to
(:mod:`bomtrace.io.layouts`): indented lines (a level column, or indented part numbers),
parent-child edges, a single-level BOM, or a parts master. Single-level sheets are named and linked
(one sheet or file per assembly) by :mod:`bomtrace.io.products`; each sheet is then converted
(:mod:`bomtrace.io.sources`) and the lines of every source are given one form.

Sheets of a multi-sheet workbook and files of a folder that fit none of these (and hidden sheets)
are skipped with a ``sheet-skipped`` info issue; a file or sheet named on its own that fits none
is an error.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bomtrace.errors import ColumnMappingError, FileFormatError, InputError, SheetNotFound
from bomtrace.io.cell_checks import IssueLog, cap_columns
from bomtrace.io.file_columns import FileOverrides, split_scoped
from bomtrace.io.formats import FOLDER_SUFFIXES, SUPPORTED, format_of
from bomtrace.io.headerless import hint
from bomtrace.io.headers import find_header, seen_headers
from bomtrace.io.ids import normalise_ids
from bomtrace.io.layouts import SourcePlan, classify, no_role_message, where
from bomtrace.io.mapping import Overrides, apply_profile, parse_overrides, save_profile
from bomtrace.io.options import ReadOptions
from bomtrace.io.products import check_master, one_form, plan_products
from bomtrace.io.sheet_groups import unread_sheet
from bomtrace.io.sources import convert, order_columns
from bomtrace.io.table import BOOLEAN_FIELDS, NUMERIC_FIELDS, BomTable, LayoutChoice, RawSheet
from bomtrace.io.unread import drop_empty, file_not_read
from bomtrace.issues import Issue, IssueCode


def read_bom(
    paths: Sequence[str | os.PathLike[str]] | str | os.PathLike[str],
    options: ReadOptions | None = None,
    *,
    columns: Mapping[str, str] | None = None,
    sheet: str | tuple[str, ...] | None = None,
    layout: LayoutChoice | None = None,
    limit_issues: int | None = None,
) -> BomTable:
    """Read BOM files (and parts masters) into one table of BOM lines with source positions.

    Parameters
    ----------
    paths : path or sequence of paths
        Files to read together, or folders (every csv/tsv/xlsx/xlsm/xls/ods file in a folder is
        read, in name order). E.g. an edge table plus a parts master, several indented BOMs, or
        one workbook per assembly.
    options : ReadOptions, optional
        All reader options at once; the keyword arguments below override its fields.
    columns : mapping of str to str, optional
        ``FIELD -> HEADER`` overrides (``--column FIELD=HEADER``); HEADER is the header text or
        a 1-based column number (for header-less files). ``FILE:FIELD -> HEADER`` applies to
        the files or sheets FILE names only.
    sheet : str or tuple of str, optional
        Read only these worksheets of each workbook (names, or 1-based sheet numbers).
        By default every sheet that maps to a BOM or a parts master is read.
    layout : {"indented", "parent-child", "flat", "per-assembly"}, optional
        Expected BOM layout. It decides sheets that have both a level and a parent column
        (default: indented) and makes a sheet of another layout an error.
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
        no file or sheet holds a BOM line below its header row, or indented and parent-child
        BOM lines are mixed.
    FileFormatError
        A file named on its own is not a workbook or delimited text, cannot be parsed, is
        password-protected (``EncryptedFileError``) or is refused as a zip bomb or for a DTD
        (``UnsafeFileError``). A file found in a folder that cannot be read is reported as a
        ``sheet-skipped`` issue instead, and the other files are read.
    SheetNotFound
        ``sheet`` is not in a workbook (the message lists its sheets).
    ColumnMappingError
        An override names an unknown field or a header found nowhere, or a file/sheet has no
        recognisable header row (the message shows what it saw and suggests ``--column``).
    UsageError
        ``options.profile`` cannot be read.

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
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    plain, scoped = split_scoped(dict(opts.columns))
    opts, ov = apply_profile(opts, parse_overrides(plain or None))
    files = FileOverrides.parse(ov, scoped)  # --column FILE:FIELD=HEADER
    log = IssueLog(opts.limit_issues)
    plans: list[SourcePlan] = []
    seen: list[str] = []
    try:
        for given, path, in_folder in _expand(paths):
            try:
                got = list(_sources(given, path, files, opts, log, seen, in_folder))
            except FileFormatError as exc:
                if not in_folder:
                    raise
                file_not_read(log, given, exc)  # one file of a folder: the others are read
                continue
            plans.extend(got)
    finally:
        if opts.early is not None:
            opts.early.discard()  # what the caller started reading early and no source used
    _check_overrides(ov, {f for p in plans for f in p.hmap.overrides_used}, seen)
    files.check(((p.raw.path, p.raw.sheet, p.hmap.overrides_used) for p in plans), seen)
    plans = plan_products(plans, opts, log)
    done = [convert(p, log) for p in plans]
    if not opts.ids_as_written:
        normalise_ids(done, log)
    boms = [c for c in done if c.form is not None]
    masters = [c for c in done if c.form is None]
    read = boms + masters
    if boms:
        boms = drop_empty(boms, log)
    if not boms and not masters:
        raise ColumnMappingError(
            "No file holds a BOM or a parts master. Seen: " + "; ".join(seen) + ". Name the "
            "part-number column with --column part_number=HEADER."
        )
    if not boms and not opts.parts_only:
        found = ", ".join(where(c.info.path, c.info.sheet) for c in masters)
        counts = [_count_hint(p) for p in plans if p.role == "master"]
        raise InputError(
            f"No BOM lines found, only a parts master ({found}). Add the BOM: an indented BOM "
            "with a Level column, or a parent-child table with a Parent column."
            + "".join(f" {h}" for h in counts if h)
        )
    lay = one_form(boms) if boms else "parent-child"
    letters: dict[tuple[str, str | None, str], str] = {}
    for c in boms + masters:
        for fld, letter in c.letters.items():
            letters[(c.info.path, c.info.sheet, fld)] = letter
    lines = _stack([c.frame for c in boms]) if boms else _no_lines()
    parts = _stack([c.frame for c in masters]) if masters else None
    if parts is not None and lay == "indented":
        added = {str(c.info.product["part_number"]) for c in boms if c.info.product}
        check_master(lines, parts, letters, log, added=added)
    table = BomTable(
        lines=lines,
        layout=lay,
        parts=parts,
        sources=[c.info for c in read],
        issues=log.finish(sort=True),
        column_letters=letters,
    )
    if opts.save_profile:
        save_profile(table, opts.save_profile, opts)
    return table


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


def _sources(
    given: str,
    path: Path,
    files: FileOverrides,
    opts: ReadOptions,
    log: IssueLog,
    seen: list[str],
    in_folder: bool,
) -> Iterator[SourcePlan]:
    """Yield the plan of every mapped sheet of one file.

    A file or sheet that maps to no role is an error when it was named on its own, and is
    skipped with a ``sheet-skipped`` issue when it is one of several (sheets of a workbook,
    files of a folder).
    """
    opened = format_of(path).open(
        path,
        given,
        locate=lambda head: _header_index(head, files.for_source(given, None)),
        encoding=opts.encoding,
        early=opts.early,
    )
    names = _pick_sheets(opened, opts.sheets, given) if opened.sheet_names else [None]
    standalone = (bool(opts.sheets) or len(opened.sheet_names) <= 1) and not in_folder
    reasons: list[str] = []
    found = 0
    for name in names:
        raw, visible = opened.load(name)
        cap_columns(raw, log)
        label = f"{given} sheet '{name}'" if name is not None else given
        seen.append(f"{label}: {seen_headers(raw)}")
        if not visible and not opts.sheets:
            _skip(log, raw, "it is hidden in Excel. Name it with --sheet to read it.")
            continue
        plan, why = classify(raw, files.for_source(given, name), opts.layout, opts.as_of)
        if plan is None:
            if standalone:
                raise ColumnMappingError(no_role_message(raw, why))
            reasons.append(f"sheet '{name}': {why}")
            log.add(unread_sheet(raw, why))
            continue
        found += 1
        plan.build_quantity = opts.build_quantity
        yield plan
    if not found and not in_folder:
        raise ColumnMappingError(
            f"{given}: no sheet holds a BOM or a parts master. "
            + "; ".join(reasons)
            + ". Choose a sheet with --sheet NAME and name its part-number column with "
            "--column part_number=HEADER."
        )


def _count_hint(plan: SourcePlan) -> str:
    """Which column of a sheet read as a parts master may hold its quantities."""
    h = plan.hmap
    found = hint(plan.raw, h.index, h.headers, ("quantity",), set(h.fields.values()))
    return f"In {where(plan.raw.path, plan.raw.sheet)}: {found}" if found else ""


def _header_index(head: RawSheet, ov: Overrides) -> int | None:
    hmap = find_header(head, ov)
    return hmap.index if hmap is not None else None


def _pick_sheets(book: Any, sheets: tuple[str, ...], given: str) -> list[str]:
    if not sheets:
        return book.sheet_names
    out: list[str] = []
    for sheet in sheets:
        if sheet in book.sheet_names:
            out.append(sheet)
        elif sheet.isdigit() and 1 <= int(sheet) <= len(book.sheet_names):
            out.append(book.sheet_names[int(sheet) - 1])
        else:
            listed = ", ".join(f"'{s}'" for s in book.sheet_names)
            raise SheetNotFound(
                f"Sheet '{sheet}' not found in {given}. Sheets are: {listed}. "
                "Use --sheet with one of these names (or a sheet number from 1)."
            )
    return list(dict.fromkeys(out))


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


def _no_lines() -> pd.DataFrame:
    """The empty ``lines`` of a table of parts masters alone (``ReadOptions.parts_only``)."""
    return pd.DataFrame({"part_number": pd.Series([], dtype=str), "_row": pd.Series([], dtype=int)})


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
