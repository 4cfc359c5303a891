"""Mapping profiles: save how a file was read, and read every export of one ERP the same way.

``--save-profile FILE`` writes the column mapping (and the layout and sheets) that were used as
TOML; ``--profile FILE`` reads with it. A profile's headers are preferred wherever they are
found, like ``--column`` overrides, but a file that lacks one of them is no error (an edge table
and its parts master name the part number differently); ``--column``, ``--sheet`` and
``--layout`` given on the command line win over the profile.

.. code-block:: toml

    bomtrace_profile = 1
    layout = "indented"

    [columns]
    part_number = ["Component number"]
    quantity = ["Comp. Qty (BUn)"]
    level = 1          # a column number: files without a header row
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import tomli_w

from bomtrace._version import __version__
from bomtrace.errors import UsageError
from bomtrace.io.aliases import field_key
from bomtrace.io.header import Overrides
from bomtrace.io.options import ReadOptions
from bomtrace.io.table import LAYOUT_CHOICES, BomTable
from bomtrace.io.xlsxmeta import column_index

PROFILE_VERSION = 1
_STRUCTURE_LAYOUT = {
    "level": "indented",
    "dotted-level": "indented",
    "dot-prefixed-level": "indented",
    "indentation": "indented",
    "parent-child": "parent-child",
    "flat": "flat",
    "per-assembly": "per-assembly",
}


def load_profile(path: str | Path) -> dict[str, Any]:
    """Read and check a profile.

    Returns
    -------
    dict
        ``columns`` (field -> tuple of headers), ``numbers`` (field -> column number), and
        ``layout``, ``sheet``, ``product``, ``encoding`` when given.

    Raises
    ------
    UsageError
        The file is missing, is not TOML, or names an unknown field or layout.
    """
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"Profile not found: {path}. Write one with --save-profile.") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"Profile {path} is not valid TOML: {exc}.") from None
    if data.get("bomtrace_profile") != PROFILE_VERSION:
        raise UsageError(
            f"{path} is not a bomtrace mapping profile (it needs bomtrace_profile = "
            f"{PROFILE_VERSION}). Write one with --save-profile."
        )
    out: dict[str, Any] = {"columns": {}, "numbers": {}}
    for name, value in (data.get("columns") or {}).items():
        fld = field_key(name)
        if fld is None:
            raise UsageError(f"Profile {path}: unknown field '{name}' in [columns].")
        if isinstance(value, int) and not isinstance(value, bool):
            out["numbers"][fld] = value
        elif isinstance(value, str):
            out["columns"][fld] = (value,)
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            out["columns"][fld] = tuple(value)
        else:
            raise UsageError(
                f"Profile {path}: [columns] {name} must be a header, a list of headers or a "
                "column number."
            )
    layout = data.get("layout")
    if layout is not None and layout not in LAYOUT_CHOICES:
        raise UsageError(
            f"Profile {path}: layout '{layout}' is not one of {', '.join(LAYOUT_CHOICES)}."
        )
    for key in ("layout", "product", "encoding"):
        if data.get(key) is not None:
            out[key] = str(data[key])
    sheet = data.get("sheet")
    if sheet is not None:
        out["sheet"] = (sheet,) if isinstance(sheet, str) else tuple(str(s) for s in sheet)
    return out


def apply_profile(opts: ReadOptions, ov: Overrides) -> tuple[ReadOptions, Overrides]:
    """Merge a profile into the options (the options win) and into the column overrides."""
    if not opts.profile:
        return opts, ov
    prof = load_profile(opts.profile)
    changes: dict[str, Any] = {}
    if opts.layout is None and "layout" in prof:
        changes["layout"] = prof["layout"]
    if not opts.sheets and "sheet" in prof:
        changes["sheet"] = prof["sheet"]
    for key in ("product", "encoding"):
        if getattr(opts, key) is None and key in prof:
            changes[key] = prof[key]
    given = set(ov.by_text) | set(ov.by_number)
    soft = {f: h for f, h in prof["columns"].items() if f not in given}
    numbers = dict(prof["numbers"])
    numbers.update(ov.by_number)
    merged = Overrides(by_text=dict(ov.by_text), by_number=numbers, profile=soft)
    return opts.with_(**changes), merged


def profile_of(table: BomTable, opts: ReadOptions) -> dict[str, Any]:
    """The mapping a table was read with, as profile data."""
    columns: dict[str, Any] = {}
    for src in table.sources:
        for m in src.columns:
            if not m.header:
                columns.setdefault(m.field, column_index(m.column) + 1)
                continue
            have = columns.setdefault(m.field, [])
            if isinstance(have, list) and m.header not in have:
                have.append(m.header)
    out: dict[str, Any] = {"bomtrace_profile": PROFILE_VERSION}
    layouts = {_STRUCTURE_LAYOUT.get(s.structure or "") for s in table.sources if s.role == "bom"}
    layout = opts.layout or (layouts.pop() if len(layouts) == 1 else None)
    if layout:
        out["layout"] = layout
    if opts.sheets:
        out["sheet"] = list(opts.sheets)
    if opts.product:
        out["product"] = opts.product
    if opts.encoding:
        out["encoding"] = opts.encoding
    out["columns"] = columns
    return out


def save_profile(table: BomTable, path: str | Path, opts: ReadOptions | None = None) -> None:
    """Write the mapping a table was read with to a TOML profile.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from bomtrace.io import read_bom
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "b.csv").write_text("Stufe;Sachnummer;Menge\\n0;P;\\n1;A;2\\n", encoding="utf-8")
    >>> save_profile(read_bom(d / "b.csv"), d / "erp.toml")
    >>> print((d / "erp.toml").read_text().split("\\n\\n", 1)[1].strip())
    bomtrace_profile = 1
    layout = "indented"
    <BLANKLINE>
    [columns]
    part_number = [
        "Sachnummer",
    ]
    level = [
        "Stufe",
    ]
    quantity = [
        "Menge",
    ]
    """
    data = profile_of(table, opts or ReadOptions())
    files = ", ".join(sorted({s.path for s in table.sources}))
    head = (
        f"# bomtrace mapping profile (bomtrace {__version__}), written from: {files}\n"
        "# Read other exports the same way with --profile THIS_FILE.\n\n"
    )
    Path(path).write_text(head + tomli_w.dumps(data), encoding="utf-8")
