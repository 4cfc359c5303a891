"""Column mapping: which header names which field (aliases, ``--column``, mapping profiles).

**Header aliases.** Matching is case-, space- and punctuation-insensitive: a header is reduced to
a *key* of lower-case letters and digits (``#`` reads as ``no`` and ``%`` as ``pct`` first), so
``"Part No."``, ``"part no"``, ``"PART_NO"`` and ``"Part #"`` all give the key ``"partno"``. The
aliases themselves are data, in :mod:`bomtrace.io.aliases`.

>>> header_key("Part No."), header_key("PART_NO"), header_key("Part #")
('partno', 'partno', 'partno')
>>> match_header("Qty/Assy"), match_header("Origin"), match_header("Notes")
(('quantity', 'alias'), ('country_of_origin', 'alias'), None)
>>> match_header("part_number")
('part_number', 'exact')

**Overrides.** ``--column FIELD=HEADER`` names the column of a field by its header text or its
1-based number (:func:`parse_overrides`); it wins over the aliases.

**Mapping profiles**: save how a file was read, and read every export of one ERP the same way.

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

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

from bomtrace._version import __version__
from bomtrace.errors import ColumnMappingError, UsageError
from bomtrace.io.aliases import _WEAK_EXTRA, ALIASES, WEAK_ALIASES
from bomtrace.io.aliases_intl import INTL_ALIASES
from bomtrace.io.header_words import MONEY_SIGN, by_words, header_key
from bomtrace.io.options import ReadOptions
from bomtrace.io.sheet_xml import column_index
from bomtrace.io.table import CANONICAL_FIELDS, LAYOUT_CHOICES, BomTable

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


_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]|（[^）]*）|【[^】]*】")
_TRAILING_NUMBER = re.compile(r"[\s_#-]*\d{1,2}$")


def _build_index() -> dict[str, tuple[str, str]]:
    index: dict[str, tuple[str, str]] = {}
    for fld in CANONICAL_FIELDS:
        index[header_key(fld)] = (fld, "exact")
    weak = {header_key(w) for w in WEAK_ALIASES}
    groups = [ALIASES, INTL_ALIASES, _WEAK_EXTRA]
    for group in groups:
        for fld, names in group.items():
            for name in names:
                key = header_key(name)
                owner = index.get(key)
                if owner is not None and owner[0] != fld:
                    raise ValueError(f"alias {name!r} of {fld} collides with {owner[0]}")
                index.setdefault(key, (fld, "weak-alias" if key in weak else "alias"))
    return index


#: header key -> (canonical field, "exact" | "alias")
ALIAS_INDEX: dict[str, tuple[str, str]] = _build_index()


def match_header(text: object) -> tuple[str, str] | None:
    """Return ``(field, how)`` for a header text, or None when it names no canonical field.

    Parameters
    ----------
    text : object
        Header cell text.

    Returns
    -------
    tuple of (str, str) or None
        The canonical field and ``"exact"`` (the field's own name) or ``"alias"``.

    Examples
    --------
    >>> from bomtrace.io.mapping import match_header
    >>> match_header("P/N"), match_header("Made in")
    (('part_number', 'alias'), ('country_of_origin', 'alias'))
    >>> match_header("Unit Price (USD)"), match_header("Manufacturer 2"), match_header("Item")
    (('unit_cost', 'alias'), ('manufacturer', 'exact'), ('part_number', 'weak-alias'))
    """
    key = header_key(text)
    if not key:
        return None
    if MONEY_SIGN.search(str(text)):  # "Unit$", "$ each", "Price (€)": never a unit of measure
        return by_words(text)
    found = ALIAS_INDEX.get(key)
    if found is not None:
        return found
    # "Unit Price (USD)", "Manufacturer 1": try without brackets, then without a number
    plain = str(text)
    for pattern in (_BRACKETED, _TRAILING_NUMBER):
        plain = pattern.sub("", plain).strip()
        k = header_key(plain)
        if k and k != key and k in ALIAS_INDEX:
            return ALIAS_INDEX[k]
    return by_words(text)


def field_key(name: str) -> str | None:
    """Return the canonical field an override's FIELD names (``Part-Number`` → ``part_number``).

    Only canonical field names are accepted (in any case, with ``-``/space for ``_``), not aliases.

    >>> field_key("Part-Number"), field_key("qty")
    ('part_number', None)
    """
    key = header_key(name)
    for fld in CANONICAL_FIELDS:
        if header_key(fld) == key:
            return fld
    return None


@dataclass(frozen=True)
class Overrides:
    """Parsed ``--column FIELD=HEADER`` options: by header text and by 1-based column number."""

    by_text: dict[str, str] = field(default_factory=dict)
    by_number: dict[str, int] = field(default_factory=dict)
    #: headers from a mapping profile: used where found, never required
    profile: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.by_text or self.by_number)

    def text_keys(self) -> dict[str, tuple[str, str]]:
        """Header key -> (field, how) for overrides and profile headers."""
        out = {header_key(t): (f, "profile") for f, ts in self.profile.items() for t in ts}
        out.update({header_key(t): (f, "override") for f, t in self.by_text.items()})
        return out


def parse_overrides(columns: Mapping[str, str] | None) -> Overrides:
    """Validate ``FIELD -> HEADER`` overrides.

    Parameters
    ----------
    columns : Mapping of str to str, optional
        Canonical field (``part_number``; ``Part-Number`` is accepted too) to the header text or
        1-based column number (``"3"``) it is in.

    Returns
    -------
    Overrides
        Overrides split into by-text and by-number.

    Raises
    ------
    ColumnMappingError
        When a FIELD is not a canonical field, or a column number is below 1.

    Examples
    --------
    >>> from bomtrace.io.mapping import parse_overrides
    >>> ov = parse_overrides({"part_number": "Ident", "quantity": "3"})
    >>> ov.by_text, ov.by_number
    ({'part_number': 'Ident'}, {'quantity': 3})
    """
    out = Overrides()
    for name, header in (columns or {}).items():
        fld = field_key(name)
        if fld is None:
            raise ColumnMappingError(
                f"Unknown field '{name}' in --column {name}={header}. "
                f"Valid fields are: {', '.join(CANONICAL_FIELDS)}."
            )
        text = str(header).strip()
        if text.isdigit():
            if int(text) < 1:
                raise ColumnMappingError(
                    f"Column number {text} in --column {name}={header} is not valid: "
                    "columns are numbered from 1."
                )
            out.by_number[fld] = int(text)
        elif not text:
            raise ColumnMappingError(
                f"--column {name}= names no column. Use --column {fld}=HEADER or a column number."
            )
        else:
            out.by_text[fld] = text
    return out
