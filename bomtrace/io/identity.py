"""What identifies a line: the part-number column, and what keys a line that has none.

Real exports often have no "Part Number" column, or leave it empty on some lines: a KiCad or
JLCPCB BOM identifies parts by a distributor's number (``LCSC Part #``), a hand-kept list by a
manufacturer part number in a column spelt ``Manufacturer_No`` or ``*Mfg Part #``, a test point
or a mounting hole by its value and footprint only. A person reads such a line at once; dropping
it would lose the line and its cost. The reader ranks the columns that can identify a line:

====  ===========================  ==============================================================
rank  role                         headers (by their words, any case and punctuation)
====  ===========================  ==============================================================
1     own part number              the ``part_number`` aliases (``Part No.``, ``Material``, ...)
2     manufacturer part number     ``mpn`` aliases; a maker word and a number word (``Mfr P/N``,
                                   ``Manufacturer_No``, ``manf#``, ``*Mfg Part #``)
3     distributor / order number   a distributor's name (``Digikey``, ``LCSC Part #``,
                                   ``Mouser No``), ``SKU``, ``Order ID``, ``Order code``,
                                   ``Supplier reference``
4     name                         ``Value``, ``Comment``, ``Description``, ``Designation``,
                                   ``Name``, ``Device`` with ``Footprint``/``Package``/``Pattern``
====  ===========================  ==============================================================

The part-number column is the best-ranked one; a line whose cell there is empty (or holds a
placeholder such as ``ANY`` or ``Generic``) takes the next identifier it has, and a line with
none of them a key made of its name columns, ``(no part number) 10k | R_0603``. Every such line
is reported. A column whose content is line numbers (1, 2, 3, ...) or reference designators is
not a part number when another column can identify the lines.

>>> header_role("LCSC Part #"), header_role("Manufacturer_No"), header_role("Order ID")
('distributor', 'mpn', 'distributor')
>>> header_role("Digi-Key Part Number"), header_role("Qty"), header_role("Footprint")
('distributor', None, 'shape')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from bomtrace.io.mapping import header_key, match_header
from bomtrace.io.table import RawSheet


def _set(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: words that name a maker
_MAKER = _set(
    "mfr mfg mfgr manf manuf manufacturer manufacturers maker hersteller fabricant "
    "fabricante produttore brand"
)
#: words that say a column holds a number or code
_NUMBER = _set("pn p no number num nr nummer id code sku ref reference refrence")
#: distributors and shops whose name heads a column of their order numbers
_SHOPS = _set(
    "digikey digi mouser lcsc jlc jlcpcb farnell newark element14 tme rs arrow avnet "
    "adafruit sparkfun reichelt conrad aliexpress amazon misumi mcmaster octopart "
    "rscomponents taobao seeed pololu robotshop"
)
#: words of a supplier that need a number word to name an order number ("Supplier" alone is
#: the supplier's name)
_SUPPLIER = _set("supplier vendor distributor distributer order ordering bestell")
#: whole headers that are order numbers
_ORDER = frozenset({"sku", "dpn", "spn", "bestellnummer", "bestellnr", "ordercode", "orderno"})
#: words that say a column is not an identifier at all
_NOT_ID = _set(
    "qty quantity price cost url link stock datasheet total ext extended each unit units "
    "moq pack date status note notes remark remarks comments avail available lead"
)
_NAME = _set(
    "value val wert comment comments description desc designation device name names "
    "article bezeichnung benennung désignation"
)
_SHAPE = _set("footprint package pattern case pcb housing gehäuse bauform")
#: cells that are no part number at all ("ANY" passive, "Generic", "TBD")
PLACEHOLDERS = _set("any generic tbd tba n/a none - -- ? ~ various misc xxx unknown dnp")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_SPLIT = re.compile(r"[^\w]+|_", re.UNICODE)


def words(header: str) -> list[str]:
    """The words of a header: ``"MANUFACTURER_PART_NUMBER"`` → manufacturer, part, number.

    >>> words("PartNumber"), words("*Mfg Part #"), words("Mfr P/N")
    (['part', 'number'], ['mfg', 'part', 'no'], ['mfr', 'p', 'n'])
    """
    text = _CAMEL.sub(" ", str(header)).replace("#", " no ")
    return [w for w in _SPLIT.split(text.casefold()) if w]


def header_role(header: str) -> str | None:
    """The identifier role a header names: ``mpn``, ``distributor``, ``name``, ``shape`` or
    None (the own part number is found by the aliases)."""
    ws = words(header)
    if not ws:
        return None
    joined = "".join(ws)
    s = set(ws)
    if s & _NOT_ID and not (len(ws) > 1 and joined in _ORDER):
        return None
    numbered = bool(s & _NUMBER) or {"p", "n"} <= s
    if s & _MAKER and numbered:
        return "mpn"
    if joined in _ORDER or s & _SHOPS or "digikey" in joined:
        return "distributor"
    if s & _SUPPLIER and numbered:
        return "distributor"
    if s & _SHAPE:
        return "shape"
    if s & _NAME:
        return "name"
    return None


def line_numbers(s: pd.Series) -> bool:
    """True when a column's filled cells are the numbers 1, 2, 3, ... in order (line or row
    numbers, not part numbers).

    >>> line_numbers(pd.Series(["1", "2", "", "3", "4"])), line_numbers(pd.Series(["10", "20"]))
    (True, False)
    """
    filled = s[s != ""]
    if len(filled) < 3:
        return False
    nums = pd.to_numeric(filled, errors="coerce").to_numpy(dtype=float)
    if np.isnan(nums).any():
        return False
    return bool(nums[0] in (0, 1) and (np.diff(nums) == 1).all())


def designator_lists(s: pd.Series) -> bool:
    """True when most filled cells are reference designators (``C10,C18``, ``R1``, ``C1 - C4``,
    ``C70_1``, ``J1#3``).

    >>> designator_lists(pd.Series(["C1, C2", "R7", "U3", "LM358"]))
    True
    >>> designator_lists(pd.Series(["BN 3525", "CIL-P-857", "TBHCEMB03/014A2"]))
    False
    """
    filled = s[s != ""]
    if len(filled) < 3:
        return False
    hits = [_designators(v) for v in filled.tolist()]
    return sum(hits) >= 0.75 * len(hits)


def _designators(text: str) -> bool:
    tokens = [t for t in re.split(r"[\s,;]+|\s-\s", text) if t and t != "-"]
    return bool(tokens) and all(_ONE_DESIGNATOR.match(t) for t in tokens)


_ONE_DESIGNATOR = re.compile(r"^[A-Za-z]{1,5}\d+[\w#.]*(-[A-Za-z]{0,5}\d+)?$")


def placeholder(s: pd.Series) -> np.ndarray:
    """True where a cell is a placeholder, not a part number (``ANY``, ``Generic``, ``-``)."""
    low = s.str.casefold()
    return low.isin(PLACEHOLDERS).to_numpy(dtype=bool)


def name_key(columns: list[pd.Series], at: np.ndarray) -> pd.Series:
    """Keys made of the name columns for the rows ``at``: ``(no part number) 10k | R_0603``;
    empty where every name cell is empty."""
    parts = [c.iloc[at].reset_index(drop=True) for c in columns]
    if not parts:
        return pd.Series([""] * len(at), dtype="str")
    frame = pd.concat(parts, axis=1).astype("str")
    joined = frame.apply(
        lambda r: " | ".join(v for v in r if v and v.casefold() not in PLACEHOLDERS), axis=1
    )
    joined = joined.astype("str") if len(joined) else pd.Series([], dtype="str")
    return joined.where(joined == "", "(no part number) " + joined)


_RANKS = {"part_number": 1, "mpn": 2, "distributor": 3}
_ROLE_TEXT = {
    "part_number": "another part-number column",
    "mpn": "a manufacturer part number",
    "distributor": "a distributor's or order number",
    "name": "a name or value",
}
#: rows below the header whose content decides whether a column holds part numbers
CONTENT_ROWS = 2000


@dataclass
class KeyPlan:
    """Which columns key the lines of a sheet besides its part-number column."""

    #: other identifier columns, best first: (frame column, role)
    keys: list[tuple[int, str]] = field(default_factory=list)
    #: name and shape columns (value, description, footprint) that key a line with no number
    names: list[int] = field(default_factory=list)
    #: every line is keyed by its names (the sheet has no part-number column at all)
    compose: bool = False
    #: (issue code, message, frame column) about the choice, for the source's issue list
    notes: list[tuple[str, str, int]] = field(default_factory=list)


def column_body(raw: RawSheet, idx: int | None, j: int) -> pd.Series:
    """The stripped cells below the header of one column (the first rows that decide)."""
    start = 0 if idx is None else idx + 1
    col = raw.frame.iloc[start : start + CONTENT_ROWS, j]
    return col.fillna("").astype("str").str.strip().reset_index(drop=True)


def _roles(cells: list[str], fields: dict[str, int], dup_cols: set[int]) -> dict[int, str]:
    """Identifier role per column (other than the part-number column)."""
    out: dict[int, str] = {}
    by_col = {j: f for f, j in fields.items()}
    for j, text in enumerate(cells):
        if not text or j == fields.get("part_number"):
            continue
        if j in dup_cols:
            out[j] = "part_number"
        elif by_col.get(j) == "mpn":
            out[j] = "mpn"
        elif j not in by_col and match_header(text) == ("part_number", "weak-alias"):
            out[j] = "name"  # "Part", "Item" beside a part-number column: the part's name
        elif by_col.get(j) in (None, "description", "supplier", "manufacturer"):
            role = header_role(text)
            if role is not None and (by_col.get(j) is None or role in ("name", "shape")):
                out[j] = role
    return out


def _by_content(
    raw: RawSheet,
    idx: int | None,
    cells: list[str],
    fields: dict[str, int],
    how: dict[str, str],
    plan: KeyPlan,
) -> None:
    """Two weak headers read by what their column holds: a "Reference" column that holds no
    designators is the part reference; a "Part" column with one name for several
    descriptions ("Screw": M3x8, M4x12) names kinds of parts, and the description is the key."""
    refs = fields.get("reference_designators")
    others = "mpn" in fields or any(header_role(c) in ("mpn", "distributor") for c in cells if c)
    if (
        not others
        and "part_number" not in fields
        and refs is not None
        and how["reference_designators"]
        in (
            "weak-alias",
            "alias",
        )
    ):
        body = column_body(raw, idx, refs)
        filled = body[body != ""]
        if len(filled) >= 3 and not designator_lists(body) and filled.nunique() > len(filled) / 2:
            del fields["reference_designators"], how["reference_designators"]
            fields["part_number"], how["part_number"] = refs, "reference (content)"
            plan.notes.append(
                (
                    "key-column",
                    f"Column {raw.columns[refs]} '{cells[refs]}' holds references, not "
                    "designators: it was read as the part number. Choose another with --column "
                    "part_number=HEADER.",
                    refs,
                )
            )
            return
    pn, desc = fields.get("part_number"), fields.get("description")
    if pn is None or desc is None or how.get("part_number") != "weak-alias":
        return
    pairs = pd.DataFrame({"pn": column_body(raw, idx, pn), "desc": column_body(raw, idx, desc)})
    pairs = pairs[(pairs["pn"] != "") & (pairs["desc"] != "")]
    kinds = pairs.groupby("pn")["desc"].nunique()
    if len(pairs) < 3 or (kinds > 1).sum() < 2:
        return
    fields["part_number"], how["part_number"] = desc, "description (content)"
    plan.notes.append(
        (
            "key-column",
            f"Column {raw.columns[pn]} '{cells[pn]}' names kinds of parts (one name, several "
            f"descriptions), not part numbers: lines are identified by column "
            f"{raw.columns[desc]} '{cells[desc]}'. Choose another with --column "
            "part_number=HEADER.",
            desc,
        )
    )


def choose(
    raw: RawSheet,
    idx: int | None,
    cells: list[str],
    fields: dict[str, int],
    how: dict[str, str],
    duplicates: list[tuple[str, int, int]],
) -> KeyPlan:
    """Settle the part-number column (in ``fields``/``how``) and the columns that key lines
    without one. ``duplicates`` loses the part-number duplicates that become keys."""
    plan = KeyPlan()
    _by_content(raw, idx, cells, fields, how, plan)
    dup_cols = {d for f, _, d in duplicates if f == "part_number"}
    roles = _roles(cells, fields, dup_cols)
    ranked = sorted(  # a column headed "Part Number" itself before other part-number aliases
        (j for j, r in roles.items() if r in _RANKS),
        key=lambda j: (_RANKS[roles[j]], header_key(cells[j]) != "partnumber", j),
    )
    pn = fields.get("part_number")
    if pn is not None and ranked and cells[pn]:
        body = column_body(raw, idx, pn)
        why = (
            "line numbers (1, 2, 3, ...)"
            if line_numbers(body)
            else "reference designators"
            if designator_lists(body)
            else None
        )
        if why is not None:
            new = ranked.pop(0)
            plan.notes.append(
                (
                    "key-column",
                    f"Column {raw.columns[pn]} '{cells[pn]}' holds {why}, not part numbers; "
                    f"the part number is read from column {raw.columns[new]} '{cells[new]}' "
                    f"({_ROLE_TEXT[roles[new]]}). Choose another with --column "
                    "part_number=HEADER.",
                    new,
                )
            )
            if why == "reference designators" and "reference_designators" not in fields:
                fields["reference_designators"], how["reference_designators"] = pn, "content"
            fields["part_number"], how["part_number"] = new, f"{roles[new]} (content)"
            pn = new
    elif pn is None and ranked:
        new = ranked.pop(0)
        fields["part_number"], how["part_number"] = new, f"{roles[new]} (no part-number column)"
        pn = new
        if roles[new] != "mpn":
            plan.notes.append(
                (
                    "key-column",
                    f"No column is headed as a part number; lines are identified by column "
                    f"{raw.columns[new]} '{cells[new]}' ({_ROLE_TEXT[roles[new]]}). Choose "
                    "another with --column part_number=HEADER.",
                    new,
                )
            )
    names = [j for j, r in roles.items() if r in ("name", "shape") and j != pn]
    names.sort(key=lambda j: (roles[j] == "shape", j))
    if (
        "description" in fields
        and fields["description"] not in names
        and fields["description"] != pn
    ):
        names.insert(0, fields["description"])
    if pn is None and names:
        first = next((j for j in names if roles.get(j) == "name"), names[0])
        fields["part_number"], how["part_number"] = first, "name (no part-number column)"
        names.remove(first)
        plan.compose = bool(names)
        listed = ", ".join(f"{raw.columns[j]} '{cells[j]}'" for j in [first, *names])
        plan.notes.append(
            (
                "key-column",
                f"No column holds part numbers; each line is identified by what it names "
                f"(column{'s' if names else ''} {listed}), so lines that name the same "
                "thing are one part. Classify them by part number: add a part-number column "
                "or choose one with --column part_number=HEADER.",
                first,
            )
        )
    plan.keys = [(j, roles[j]) for j in ranked if j != fields.get("part_number")]
    plan.names = names
    taken = {j for j, _ in plan.keys}
    duplicates[:] = [d for d in duplicates if not (d[0] == "part_number" and d[2] in taken)]
    return plan
