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

from dataclasses import dataclass, field

import pandas as pd

from bomtrace.io.column_content import (
    column_body,
    designator_lists,
    line_numbers,
    unnamed_names,
)
from bomtrace.io.header_words import MONEY_SIGN, NUMBER_WORDS, maker_number, word_set, words
from bomtrace.io.mapping import header_key, match_header
from bomtrace.io.table import RawSheet

#: distributors and shops whose name heads a column of their order numbers
_SHOPS = word_set(
    "digikey digi mouser lcsc jlc jlcpcb farnell newark element14 element tme rs arrow avnet "
    "adafruit sparkfun reichelt conrad aliexpress amazon misumi mcmaster octopart "
    "rscomponents taobao seeed pololu robotshop"
)
#: words of a supplier that need a number word to name an order number ("Supplier" alone is
#: the supplier's name)
_SUPPLIER = word_set("supplier vendor distributor distributer order ordering bestell")
#: whole headers that are order numbers
_ORDER = frozenset({"sku", "dpn", "spn", "bestellnummer", "bestellnr", "ordercode", "orderno"})
#: words that say a column is not an identifier at all
_NOT_ID = word_set(
    "line qty quantity price cost url link stock datasheet total ext extended each unit units "
    "moq pack date status note notes remark remarks comments avail available lead"
)
_NAME = word_set(
    "details detail spec specs specification specifications component item variant "
    "value val wert comment comments description desc designation device name names "
    "article bezeichnung benennung désignation"
)
_SHAPE = word_set("footprint package pattern case pcb housing gehäuse bauform")
#: cells that are no part number at all ("ANY" passive, "Generic", "TBD")
PLACEHOLDERS = word_set("any generic tbd tba n/a none - -- ? ~ various misc xxx unknown dnp")


def header_role(header: str) -> str | None:
    """The identifier role a header names: ``mpn``, ``distributor``, ``name``, ``shape`` or
    None (the own part number is found by the aliases)."""
    ws = words(header)
    if not ws or MONEY_SIGN.search(str(header)):  # "Digikey $": a price
        return None
    joined = "".join(ws)
    s = set(ws)
    if s & _NOT_ID and not (len(ws) > 1 and joined in _ORDER):
        return None
    if maker_number(s):
        return "mpn"
    numbered = bool(s & NUMBER_WORDS) or {"p", "n"} <= s
    if joined in _ORDER or s & _SHOPS or "digikey" in joined:
        return "distributor"
    if s & _SUPPLIER and numbered:
        return "distributor"
    if s & _SHAPE:
        return "shape"
    if s & _NAME:
        return "name"
    return None


_RANKS = {"part_number": 1, "mpn": 2, "distributor": 3}
_ROLE_TEXT = {
    "part_number": "another part-number column",
    "mpn": "a manufacturer part number",
    "distributor": "a distributor's or order number",
    "name": "a name or value",
}


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


def _fills(raw: RawSheet, idx: int | None, j: int, lines: pd.Series) -> bool:
    """Whether column ``j`` has a value on most of the rows where ``lines`` (the part-number
    column's cells) has one."""
    body = column_body(raw, idx, j)
    has = lines != ""
    return bool((body[has] != "").sum() >= 0.5 * has.sum())


def choose(
    raw: RawSheet,
    idx: int | None,
    cells: list[str],
    fields: dict[str, int],
    how: dict[str, str],
    duplicates: list[tuple[str, int, int]],
    groups: list[str] | None = None,
) -> KeyPlan:
    """Settle the part-number column (in ``fields``/``how``) and the columns that key lines
    without one. ``duplicates`` loses the part-number duplicates that become keys."""
    plan = KeyPlan()
    given = how.get("part_number") in ("override", "profile")  # the user's choice stands
    if not given:
        _by_content(raw, idx, cells, fields, how, plan)
    dup_cols = {d for f, _, d in duplicates if f == "part_number"}
    roles = _roles(cells, fields, dup_cols)
    if groups:  # a sheet of side-by-side tables: only the columns of the lines' own table
        anchor = fields.get("part_number", fields.get("quantity"))
        own = groups[anchor] if anchor is not None else None
        roles = {j: r for j, r in roles.items() if own is None or groups[j] in (own, "")}
    ranked = sorted(  # a column headed "Part Number" itself before other part-number aliases
        (j for j, r in roles.items() if r in _RANKS),
        key=lambda j: (_RANKS[roles[j]], header_key(cells[j]) != "partnumber", j),
    )
    pn = fields.get("part_number")
    if pn is not None and ranked and cells[pn] and not given:
        body = column_body(raw, idx, pn)
        why = (
            "line numbers (1, 2, 3, ...)"
            if line_numbers(body)
            else "reference designators"
            if designator_lists(body)
            else None
        )
        # designators instead of part numbers: short part numbers such as U1 or R7 look like
        # designators, so a column headed "Part Number" itself is believed, and another column
        # is read instead only when it holds something on most of these lines (an empty MPN
        # column would key every line by its name); line numbers never are part numbers
        new_at: int | None = 0
        named = header_key(cells[pn]) == "partnumber"
        if why == "reference designators":
            new_at = None if named else next(
                (k for k, j in enumerate(ranked) if _fills(raw, idx, j, body)), None
            )  # fmt: skip
        if why is not None and new_at is None:
            since = "as its header says" if named else "as no other column holds part numbers"
            plan.notes.append(
                (
                    "key-column",
                    f"Column {raw.columns[pn]} '{cells[pn]}' looks like it holds {why}; its "
                    f"values are read as part numbers, {since}. If they are not, name the "
                    "part-number column with --column part_number=HEADER.",
                    pn,
                )
            )
        elif why is not None and new_at is not None:
            new = ranked.pop(new_at)
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
    if pn is None and not groups:
        unnamed = unnamed_names(raw, idx, cells, set(fields.values()))
        names = unnamed[:1] + names if unnamed else names
    if pn is None and names:
        first = next((j for j in names if roles.get(j) == "name" or not cells[j]), names[0])
        fields["part_number"], how["part_number"] = first, "name (no part-number column)"
        names.remove(first)
        plan.compose = bool(names)
        listed = ", ".join(
            f"{raw.columns[j]} '{cells[j]}'" if cells[j] else f"{raw.columns[j]} (no header)"
            for j in [first, *names]
        )
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
