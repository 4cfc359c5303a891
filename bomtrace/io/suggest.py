"""``bomtrace inspect --suggest-profile``: the mapping profile of a file as bomtrace reads it.

The profile is the TOML that ``--save-profile`` writes and ``--profile`` reads
(:mod:`bomtrace.io.mapping`), with a comment above each field naming, per file and sheet, the
column chosen, how it was matched, and the other columns that could name the field; fields
that could not be found are listed at the end with the columns that come closest. Edit it
(move a header to another field, add one) and read with ``--profile FILE``.

>>> import tempfile, pathlib
>>> from bomtrace.io import read_bom
>>> p = pathlib.Path(tempfile.mkdtemp()) / "kit.csv"
>>> _ = p.write_text("Part No,Qty,Item,BOM Qty\\nR1,2,x,2\\n", encoding="utf-8")
>>> print(suggest_profile(read_bom([p])).split("[columns]")[1].strip())
# part_number: kit.csv column A 'Part No' (alias); also C 'Item' (weak-alias)
part_number = ["Part No"]
# quantity: kit.csv column B 'Qty' (alias); also D 'BOM Qty' (by its name)
quantity = ["Qty"]
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import PurePosixPath

import tomli_w

from bomtrace._version import __version__
from bomtrace.io.mapping import match_header, profile_of
from bomtrace.io.options import ReadOptions
from bomtrace.io.table import BomTable, SourceInfo

_NOT_PER_UNIT = ("stock", "avail", "onhand", "moq", "min", "order", "break", "price", "pack")


def _unmapped(table: BomTable, src: SourceInfo) -> list[tuple[str, str]]:
    """(column letter, header) of a source's columns that name no field."""
    out = []
    for (path, sheet, name), letter in table.column_letters.items():
        if path == src.path and sheet == src.sheet and name.startswith("x:"):
            header = name[2:]
            if header.endswith(f" ({letter})"):
                header = header[: -len(letter) - 3]
            if header != letter:
                out.append((letter, header))
    return out


def _candidates(table: BomTable, src: SourceInfo) -> dict[str, list[str]]:
    """Field -> the other columns of a source that could name it (by their header)."""
    out: dict[str, list[str]] = defaultdict(list)
    unmapped = _unmapped(table, src)
    for letter, header in unmapped:
        m = match_header(header)
        if m is not None:
            out[m[0]].append(f"{letter} '{header}' ({m[1]})")
    for letter, header in unmapped:
        said = f"{letter} '{header}'"
        if _counts(header) and not any(said in c for c in out["quantity"]):
            out["quantity"].append(f"{said} (by its name)")
    return out


def _counts(header: str) -> bool:
    """A header with a word that names a quantity (``BOM Qty``, ``Qty needed``), not a stock,
    an order or a price (``Stock Qty``, ``Min order qty``)."""
    words = re.findall(r"\w+", header.casefold())
    if any(w.startswith(_NOT_PER_UNIT) for w in words):
        return False
    return any(m is not None and m[0] == "quantity" for m in map(match_header, words))


def _toml(value: object) -> str:
    """A header list (or column number) as one line of TOML."""
    if isinstance(value, list):
        return "[" + ", ".join(json.dumps(str(v), ensure_ascii=False) for v in value) + "]"
    return str(value)


def suggest_profile(table: BomTable, opts: ReadOptions | None = None) -> str:
    """The mapping profile (TOML text, with comments) bomtrace used to read ``table``.

    Parameters
    ----------
    table : BomTable
        What was read.
    opts : ReadOptions, optional
        The options it was read with (layout, sheets, product and encoding go in the profile).

    Returns
    -------
    str
        A profile ``--profile`` reads.
    """
    data = profile_of(table, opts or ReadOptions())
    columns = data.pop("columns")
    notes: dict[str, list[str]] = defaultdict(list)
    missing: dict[str, list[str]] = defaultdict(list)
    for src in table.sources:
        name = PurePosixPath(src.path.replace("\\", "/")).name
        name += f" sheet '{src.sheet}'" if src.sheet is not None else ""
        found = {m.field: m for m in src.columns}
        others = _candidates(table, src)
        for fld, m in found.items():
            said = f"{name} column {m.column}" + (f" '{m.header}'" if m.header else "")
            also = others.get(fld)
            notes[fld].append(f"{said} ({m.how})" + (f"; also {', '.join(also)}" if also else ""))
        for fld, also in others.items():
            if fld not in found:
                missing[fld].append(f"{name}: {', '.join(also)}")
    files = ", ".join(sorted({s.path for s in table.sources}))
    lines = [
        f"# bomtrace mapping profile suggested by bomtrace {__version__} for: {files}",
        "# Each field lists the headers it is read from (a number: a column of a file without",
        "# a header). Edit it, then read with --profile THIS_FILE.",
        tomli_w.dumps(data).strip(),
        "",
        "[columns]",
    ]
    for fld, value in columns.items():
        lines.extend(f"# {fld}: {n}" for n in notes.get(fld, []))
        lines.append(f"{fld} = {_toml(value)}")
    for fld, where_ in missing.items():
        if fld not in columns:
            lines.extend(f"# {fld} (not read) could be: {w}" for w in where_)
    for issue in table.issues:  # sheets and files that were not read, and why
        if issue.code == "sheet-skipped":
            lines.append(f"# not read: {issue.message.split(' It has ')[0]}")
    return "\n".join(lines) + "\n"
