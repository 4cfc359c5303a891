"""Title blocks: the key/value metadata above a BOM's header, and the build quantity.

Exports put metadata above the header: ``Project: Phone``, ``Prj: KiBom Test``,
``Board Qty: 100``, ``Currency: EUR``, ``Date: 2024-05-01``, ``Revision: B`` — as ``Key: value``
in one cell, ``Key:`` with the value in a cell to its right, or a known key and its value in two
cells (``Build quantity | 10``). They are read as metadata (shown by ``inspect``, in the JSON
``title_block`` of each input), never as lines and never as the product's name when the value
is a number.

**Build quantity.** A title block that gives a build quantity (``Board Qty``, ``Build
Quantity``, ``Batch Size``, ``Stückzahl`` …) says the sheet's quantities are for the batch, as
KiCost writes them: each line's quantity is divided by it to give the quantity per unit, and a
``build-quantity`` warning says so. ``--build-quantity N`` overrides it (``1`` keeps the
quantities as written); given without a title block, it divides every file's quantities by N.
Unit costs are per piece and are left as they are.

Exports of several projects (KiCost) number the keys: ``Prj0:``/``Board Qty0:``,
``Prj1:``/``Board Qty1:``; they are kept per project (:attr:`TitleBlock.projects`).

>>> import numpy as np, pandas as pd
>>> from bomtrace.io.table import RawSheet
>>> grid = pd.DataFrame([["Prj:", "KiBom Test", "", "Board Qty:", "100"],
...                      ["$ date:", "2024-05-01", "", "Currency:", "USD"],
...                      ["Refs", "Value", "Footprint", "Qty", "Unit$"]])
>>> raw = RawSheet("k.csv", None, "csv", "", grid, np.array([1, 2, 3]), list("ABCDE"))
>>> tb = read_title_block(raw, 2)
>>> tb.project, tb.build_quantity, tb.currency, tb.date
('KiBom Test', 100.0, 'USD', '2024-05-01')
>>> tb.where("build_quantity")
(1, 'D', 'Board Qty:')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from bomtrace.io.cell_checks import IssueLog, RowContext
from bomtrace.io.layouts import SourcePlan, where
from bomtrace.io.quantities import count_designators
from bomtrace.io.table import RawSheet
from bomtrace.issues import Issue, IssueCode

#: Normalised key (lower-case letters and spaces) -> metadata name.
KEYS: dict[str, str] = {
    **dict.fromkeys(
        (
            "project",
            "project name",
            "prj",
            "projekt",
            "projet",
            "proyecto",
            "board name",
            "design",
            "title",
        ),
        "project",
    ),
    **dict.fromkeys(
        (
            "board qty",
            "board quantity",
            "boards",
            "number of boards",
            "qty of boards",
            "build qty",
            "build quantity",
            "quantity to build",
            "units to build",
            "batch size",
            "batch qty",
            "batch quantity",
            "lot size",
            "production qty",
            "production quantity",
            "assembly qty",
            "assembly quantity",
            "assembly multiplier",
            "kit qty",
            "kits",
            "stückzahl",
            "losgröße",
            "auflage",
            "quantité à produire",
            "taille du lot",
            "cantidad a producir",
        ),
        "build_quantity",
    ),
    **dict.fromkeys(("currency", "curr", "währung", "devise", "moneda"), "currency"),
    **dict.fromkeys(
        ("date", "prj date", "bom date", "$ date", "created", "exported", "datum", "fecha"),
        "date",
    ),
    **dict.fromkeys(("revision", "rev", "version", "bom revision", "stand"), "revision"),
}
_SEP = re.compile(r"[:：=]")
_NUMBERED = re.compile(r"^(.*?[a-z$ ])(\d{1,2})$")
_NUMBER = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(?:pcs|pc|stk|units?|x)?\.?\s*$", re.IGNORECASE)


@dataclass
class TitleBlock:
    """Metadata read above a header: each name's value, and where it was found."""

    values: dict[str, str] = field(default_factory=dict)
    #: name -> (row as Excel shows it, column letter, key as written)
    places: dict[str, tuple[int, str, str]] = field(default_factory=dict)
    #: numbered keys of a multi-project export: project number -> name -> value
    projects: dict[int, dict[str, str]] = field(default_factory=dict)

    @property
    def project(self) -> str | None:
        return self.values.get("project")

    @property
    def build_quantity(self) -> float | None:
        return parse_build_quantity(self.values.get("build_quantity"))

    @property
    def currency(self) -> str | None:
        return self.values.get("currency")

    @property
    def date(self) -> str | None:
        return self.values.get("date")

    def where(self, name: str) -> tuple[int, str, str] | None:
        return self.places.get(name)

    def to_dict(self) -> dict[str, object]:
        """The JSON ``title_block`` of an input: metadata names and values."""
        out: dict[str, object] = dict(self.values)
        if "build_quantity" in out:
            out["build_quantity"] = self.build_quantity
        if self.projects:
            out["projects"] = {str(k): dict(v) for k, v in sorted(self.projects.items())}
        return out


def parse_build_quantity(text: str | None) -> float | None:
    """A positive number (``100``, ``100 pcs``, ``2,5``), else None.

    >>> parse_build_quantity("100 pcs"), parse_build_quantity("0"), parse_build_quantity("x")
    (100.0, None, None)
    """
    if not text:
        return None
    m = _NUMBER.match(text)
    if not m:
        return None
    value = float(m.group(1).replace(",", "."))
    return value if value > 0 else None


def key_name(text: str) -> tuple[str | None, int | None]:
    """The metadata name of a key (and a project number: ``Board Qty1`` -> 1)."""
    k = re.sub(r"[^\w$ ]+", " ", text.casefold()).strip()
    k = re.sub(r"\s+", " ", k)
    if k in KEYS:
        return KEYS[k], None
    m = _NUMBERED.match(k)
    if m and m.group(1).strip() in KEYS:
        return KEYS[m.group(1).strip()], int(m.group(2))
    return None, None


def read_title_block(raw: RawSheet, header_index: int | None) -> TitleBlock:
    """Read the key/value metadata in the rows above the header (frame row ``header_index``).

    Parameters
    ----------
    raw : RawSheet
        The sheet.
    header_index : int or None
        Frame row of the header (of the group row above it, for a two-row header); None or 0:
        nothing above it.

    Returns
    -------
    TitleBlock
        Empty when there is no title block. The first value of a name wins.
    """
    tb = TitleBlock()
    if not header_index:
        return tb
    head = raw.frame.iloc[:header_index]
    for i in range(len(head)):  # a few title rows
        cells = ["" if pd.isna(v) else str(v).strip() for v in head.iloc[i].tolist()]
        for j, cell in enumerate(cells):
            if not cell:
                continue
            sep = _SEP.search(cell)
            label = cell[: sep.start()] if sep else cell
            name, number = key_name(label)
            if name is None:
                continue
            value = cell[sep.end() :].strip() if sep else ""
            if not value:
                value = next((c for c in cells[j + 1 : j + 4] if c), "")
                if key_name(_SEP.split(value)[0])[0] is not None:
                    value = ""  # the next cell is another key, not this one's value
            if not value:
                continue
            place = (int(raw.rows[i]), raw.columns[j], cell)
            if number is not None:
                tb.projects.setdefault(number, {}).setdefault(name, value)
                name_n = f"{name}{number}"
                tb.places.setdefault(name_n, place)
            if name not in tb.values:
                tb.values[name] = value
                tb.places[name] = place
    return tb


_SIGNS = {"€": "EUR", "£": "GBP", "₹": "INR", "₩": "KRW", "CHF": "CHF"}


def _currency(out: dict[str, Any], tb: TitleBlock) -> None:
    """Costs without a currency of their own are in the title block's (``Currency: EUR``)."""
    code = (tb.currency or "").strip().upper()
    code = _SIGNS.get(code, code)
    if "unit_cost" not in out or not re.fullmatch(r"[A-Z]{3}", code):
        return
    has_cost = pd.Series(np.asarray(out["unit_cost"], dtype=np.float64)).notna()
    given = out.get("currency")
    given = given if isinstance(given, pd.Series) else pd.Series([None] * len(has_cost))
    fill = has_cost.to_numpy() & given.isna().to_numpy()
    if fill.any():
        out["currency"] = given.astype("object").where(~fill, code).astype("str")


#: a quantity header that says it is per unit ("Qty per board", "Qty/Assy", "QPA", "each")
_PER_UNIT = re.compile(
    r"(?i)\bper\b|/\s*(board|unit|assy|assembly|pcb|set|kit)\b|\beach\b|\bea\b|\bqpa\b|"
    r"\busage\b|\bpro (stück|einheit)\b|par (unité|carte)"
)


def _per_unit_header(
    plan: SourcePlan, header: str, n: float, place: tuple[int, str, str], log: IssueLog
) -> None:
    raw = plan.raw
    log.add(
        Issue(
            IssueCode.BUILD_QUANTITY,
            f"The title block of {where(raw.path, raw.sheet)} gives a build of {n:g} units "
            f"('{place[2]}' in cell {place[1]}{place[0]}), but the quantity column '{header}' "
            f"says it is per unit: the quantities were kept as written. If they are for the "
            f"build, give --build-quantity {n:g}.",
            file=raw.path,
            sheet=raw.sheet,
            row=place[0],
            column=place[1],
        )
    )


def per_unit(plan: SourcePlan, out: dict[str, Any], ctx: RowContext, log: IssueLog) -> TitleBlock:
    """Read the sheet's title block and divide its quantities by the build quantity.

    The build quantity is ``--build-quantity`` when given, else the title block's (a title
    block with several projects gives none: each project has its own). Returns the title block.
    """
    hmap = plan.hmap
    top = hmap.group_index if hmap.group_index is not None else hmap.index
    tb = read_title_block(plan.raw, top)
    _currency(out, tb)
    if plan.role != "bom" or "quantity" not in out:
        return tb
    given = plan.build_quantity
    found = tb.build_quantity if len(tb.projects) < 2 else None
    place = tb.where("build_quantity")
    header = (
        plan.hmap.headers[plan.hmap.fields["quantity"]] if "quantity" in plan.hmap.fields else ""
    )
    if given is None and found is not None and _PER_UNIT.search(header) and place is not None:
        _per_unit_header(plan, header, found, place, log)
        return tb
    n = given if given is not None else found
    batch = per_designator(out) if n is None and not _PER_UNIT.search(header) else None
    if batch is not None:
        _batch_issue(plan, ctx, out, batch, log)
        return tb
    if n is None or n == 1:
        return tb
    if given is not None:
        said = f"--build-quantity {given:g}"
        if found is not None and found != given and place is not None:
            said += f" (the title block says '{place[2]} {tb.values['build_quantity']}')"
    else:
        assert place is not None
        said = f"the title block ('{place[2]} {tb.values['build_quantity']}' in cell "
        said += f"{place[1]}{place[0]})"
    out["quantity"] = np.asarray(out["quantity"], dtype=np.float64) / n
    raw = plan.raw
    log.add(
        Issue(
            IssueCode.BUILD_QUANTITY,
            f"The quantities of {where(raw.path, raw.sheet)} are for a build of {n:g} units, as "
            f"{said} says: each line's quantity was divided by {n:g} to give the quantity per "
            "unit (unit costs are per piece and were kept). If the quantities are already per "
            "unit, give --build-quantity 1.",
            file=raw.path,
            sheet=raw.sheet,
            row=place[0] if place and given is None else ctx.header_row or None,
            column=place[1] if place and given is None else None,
        )
    )
    return tb


#: fewest lines whose quantity is the same multiple of their designators that make a batch
MIN_BATCH_LINES = 5


def per_designator(out: dict[str, Any]) -> float | None:
    """The build quantity N when every line's quantity is N times its designators (N a whole
    number above 1, the same on every line that has both, at least :data:`MIN_BATCH_LINES` of
    them and 80% of the lines with a quantity): a list written for a batch of N boards
    (``10,490-3298-1-ND,C1``), as no board places a part ten times on one designator.

    >>> import numpy as np, pandas as pd
    >>> refs = {"reference_designators": pd.Series(["C1", "C2", "R1 R2", "U1", "Y1"])}
    >>> per_designator({"quantity": np.array([10.0, 10, 20, 10, 10]), **refs})
    10.0
    >>> per_designator({"quantity": np.array([1.0, 1, 2, 1, 1]), **refs})
    """
    refs = out.get("reference_designators")
    if not isinstance(refs, pd.Series) or "quantity" not in out:
        return None
    qty = np.asarray(out["quantity"], dtype=np.float64)
    counts, bad = count_designators(refs.fillna(""))
    both = ~np.isnan(qty) & ~np.isnan(counts) & ~bad & (counts > 0) & (qty > 0)
    if both.sum() < MIN_BATCH_LINES or both.sum() < 0.8 * np.count_nonzero(~np.isnan(qty)):
        return None
    ratio = np.unique(qty[both] / counts[both])
    if len(ratio) != 1 or ratio[0] <= 1 or ratio[0] != round(ratio[0]):
        return None
    return float(ratio[0])


def _batch_issue(
    plan: SourcePlan, ctx: RowContext, out: dict[str, Any], n: float, log: IssueLog
) -> None:
    out["quantity"] = np.asarray(out["quantity"], dtype=np.float64) / n
    raw = plan.raw
    log.add(
        Issue(
            IssueCode.BUILD_QUANTITY,
            f"Every line of {where(raw.path, raw.sheet)} has {n:g} times as many parts as "
            f"designators: the quantities are for a build of {n:g} units. Each line's "
            f"quantity was divided by {n:g} to give the quantity per unit. If they are "
            "already per unit, give --build-quantity 1.",
            file=raw.path,
            sheet=raw.sheet,
            row=ctx.header_row or None,
            column=raw.columns[plan.hmap.fields["quantity"]],
        )
    )
