"""Checks of a saved workbook for what makes Excel offer to repair it, or makes it unsafe to
open: two sheets or defined names of one name, outline levels Excel cannot show (0-7), a
sheet's outline level below its rows', formulas where only values were written, links that
leave the workbook or point to a sheet it does not have.

The xlsx report is checked with it by the tests; it reads any ``.xlsx`` file.
"""

from __future__ import annotations

import os
import re
import zipfile

#: Excel's deepest outline level
MAX_OUTLINE = 7

_DEFINED = re.compile(rb"<(?:\w+:)?definedName\b([^>]*)>")
_ATTR = re.compile(rb'(\w+)="([^"]*)"')
_EXTERNAL = re.compile(rb'TargetMode="External"')
_LOCATION = re.compile(r"^'?(.*?)'?!\$?[A-Z]{1,3}\$?[0-9]+$")


def check_workbook(path: str | os.PathLike[str]) -> list[str]:
    """What is wrong with the workbook at ``path`` (an empty list when nothing is)."""
    from openpyxl import load_workbook

    problems = _check_parts(path)
    wb = load_workbook(path)
    seen: set[str] = set()
    for ws in wb.worksheets:
        if ws.title.casefold() in seen:
            problems.append(f"two sheets are named {ws.title!r}")
        seen.add(ws.title.casefold())
    titles = {ws.title for ws in wb.worksheets}
    for ws in wb.worksheets:
        deepest = 0
        for r, dim in ws.row_dimensions.items():
            level = dim.outline_level or 0
            if not 0 <= level <= MAX_OUTLINE:
                problems.append(f"{ws.title}: row {r} has outline level {level} (Excel: 0-7)")
            deepest = max(deepest, level)
        sheet_level = ws.sheet_format.outlineLevelRow or 0
        if sheet_level < min(deepest, MAX_OUTLINE) or sheet_level > MAX_OUTLINE:
            problems.append(
                f"{ws.title}: outlineLevelRow is {sheet_level}, its rows go to level {deepest}"
            )
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    problems.append(f"{ws.title}!{cell.coordinate} holds a formula")
                link = cell.hyperlink
                if link is None:
                    continue
                if link.target:
                    problems.append(f"{ws.title}!{cell.coordinate} links outside: {link.target}")
                m = _LOCATION.match(link.location or "")
                if m is None or m.group(1).replace("''", "'") not in titles:
                    problems.append(
                        f"{ws.title}!{cell.coordinate} links to {link.location!r}, "
                        "not a cell of this workbook"
                    )
    return problems


def _check_parts(path: str | os.PathLike[str]) -> list[str]:
    """What the package's parts say: defined names given twice in one scope, external
    relationships (links, data connections)."""
    problems = []
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        book = z.read("xl/workbook.xml") if "xl/workbook.xml" in names else b""
        scoped: set[tuple[str, str]] = set()
        for m in _DEFINED.finditer(book):
            attrs = dict(_ATTR.findall(m.group(1)))
            key = (
                attrs.get(b"name", b"").decode().casefold(),
                attrs.get(b"localSheetId", b"").decode(),
            )
            if key in scoped:
                problems.append(f"the defined name {key[0]!r} is given twice")
            scoped.add(key)
        for name in names:
            if name.endswith(".rels") and _EXTERNAL.search(z.read(name)):
                problems.append(f"{name}: an external relationship")
            if name.startswith("xl/externalLinks/"):
                problems.append(f"{name}: an external workbook link")
    return problems
