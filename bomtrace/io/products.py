"""Products: names for products a file does not list, one sheet or file per assembly,
and one line form for every source.

**Names for products a file does not list**: ``--product``, a title cell, or the file name.

Single-level BOMs (EDA and cart exports) and explosions of one material (SAP CS12) list the
parts but not the product they make. Its part number is taken from, in this order:
``--product NAME``; a title cell above the header (``Product: PH-100``, ``Assembly;PH-100``,
``Project: phone.kicad_sch``, KiCad's ``Source:`` line — a path gives its stem); the sheet name
when a workbook holds several such BOMs; the file name without its suffix.

>>> import numpy as np, pandas as pd
>>> from bomtrace.io.table import RawSheet
>>> grid = pd.DataFrame([["Project:", "C:/kicad/phone.kicad_sch"], ["Ref", "Qty"]])
>>> raw = RawSheet("x/bom.csv", None, "csv", "", grid, np.array([1, 2]), ["A", "B"])
>>> title_name(raw, header_index=1)
('phone', 1, 'A')

**Sources put together**: product names, one sheet/file per assembly, one line form.

- Single-level sheets (``flat``) list the parts of one product, named by ``--product``, a title
  cell, the sheet name (several such sheets in a workbook) or the file name.
- When a line's part number names another single-level sheet or file (case ignored), the
  sheets/files are *one per assembly*: each lists the children of the assembly it is named
  after, and only assemblies no other sheet uses get a product line.
- Finally every source gives lines of one form: indented (level) or parent-child; single-level
  lines fit either.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import PurePosixPath, PureWindowsPath

import numpy as np
import pandas as pd

from bomtrace.errors import InputError
from bomtrace.io.layouts import SourcePlan, where
from bomtrace.io.options import ReadOptions
from bomtrace.io.sheet_groups import combine_sheets
from bomtrace.io.table import Converted, Layout, RawSheet
from bomtrace.io.title_block import key_name as _key
from bomtrace.io.values import strip
from bomtrace.issues import Issue, IssueCode, IssueLog

#: Title labels, best first.
LABELS: tuple[str, ...] = (
    "product",
    "part number",
    "part no",
    "assembly",
    "model",
    "board",
    "design",
    "project",
    "prj",
    "title",
    "bom for",
    "bom",
    "source",
    "produkt",
    "erzeugnis",
    "baugruppe",
    "projekt",
    "produit",
    "ensemble",
    "projet",
    "producto",
    "proyecto",
)
_LABEL = re.compile(
    r"^\s*(" + "|".join(re.escape(x) for x in LABELS) + r")\b[\w\s.#-]{0,20}$",
    re.IGNORECASE,
)


def _label(text: str) -> str | None:
    """The title label a cell's label part starts with (``"BOM export"`` -> ``"bom"``)."""
    m = _LABEL.match(text)
    return m.group(1).lower() if m else None


def clean_name(value: str) -> str:
    """A product name from a title value: a file path gives its stem.

    >>> clean_name(" /home/a/phone.kicad_sch "), clean_name("PH-100")
    ('phone', 'PH-100')
    >>> clean_name("C:\\\\x\\\\r.PrjPcb")
    'r'
    """
    v = value.strip().strip("'\"")
    if "/" in v or "\\" in v or re.search(r"\.[A-Za-z_]{2,12}$", v):
        path = PureWindowsPath(v) if "\\" in v else PurePosixPath(v)
        return path.stem or v
    return v


def title_name(raw: RawSheet, header_index: int | None) -> tuple[str, int, str] | None:
    """Find a product name in the title block above the header.

    Returns
    -------
    tuple of (str, int, str) or None
        The name, its row as Excel shows it, and the column letter of the label cell.
    """
    if not header_index:
        return None
    best: tuple[int, str, int, str] | None = None
    for i in range(header_index):
        cells = ["" if pd.isna(v) else str(v).strip() for v in raw.frame.iloc[i].tolist()]
        for j, cell in enumerate(cells):
            sep = re.search(r"[:=]", cell)
            if sep:
                label, value = _label(cell[: sep.start()]), cell[sep.end() :].strip()
            else:
                label, value = _label(cell), ""
            if label is None or _key(cell[: sep.start()] if sep else cell)[0] not in (
                None,
                "project",
            ):
                continue  # "Prj date:", "Board Qty:": metadata, not the product's name
            if not value:
                value = next((c for c in cells[j + 1 :] if c), "")
            name = clean_name(value) if value and not value.endswith(":") else ""
            if re.fullmatch(r"[-+]?[\d.,]+\s*\w{0,4}", name):
                continue  # a number ("Board Qty: 100") names no product
            rank = LABELS.index(label) if label in LABELS else len(LABELS)
            if name and (best is None or rank < best[0]):
                best = (rank, name, int(raw.rows[i]), raw.columns[j])
            break
    return None if best is None else (best[1], best[2], best[3])


def file_stem(path: str) -> str:
    """File name without folders and suffix.

    >>> file_stem("boms/PCB-100.xlsx")
    'PCB-100'
    """
    return PurePosixPath(path.replace("\\", "/")).stem


def _part_numbers(plan: SourcePlan) -> dict[str, str]:
    """casefolded part number -> first spelling, for the rows below the header."""
    start = 0 if plan.hmap.index is None else plan.hmap.index + 1
    col = strip(plan.raw.frame.iloc[start:, plan.hmap.fields["part_number"]])
    uniq = pd.unique(col[col != ""])
    out: dict[str, str] = {}
    for v in uniq.tolist():
        out.setdefault(str(v).casefold(), str(v))
    return out


def plan_products(plans: list[SourcePlan], opts: ReadOptions, log: IssueLog) -> list[SourcePlan]:
    """Name products and assemblies; link one-sheet/file-per-assembly sets.

    Returns the plans to read (single-level sheets beside a structured BOM in the same workbook
    are skipped with ``sheet-skipped`` unless named with ``--sheet``).
    """
    structured = {p.raw.path for p in plans if p.kind in ("level", "parent-child", "indentation")}
    keep: list[SourcePlan] = []
    for p in plans:
        if p.kind == "flat" and p.raw.path in structured and not opts.sheets:
            log.add(
                Issue(
                    IssueCode.SHEET_SKIPPED,
                    f"Sheet '{p.raw.sheet}' of {p.raw.path} was skipped: it is a single-level "
                    "list beside the workbook's BOM. Name it with --sheet to read it too.",
                    file=p.raw.path,
                    sheet=p.raw.sheet,
                )
            )
            continue
        keep.append(p)
    flats = [p for p in keep if p.kind == "flat"]
    per_file = Counter(p.raw.path for p in keep if p.kind != "master")
    for p in keep:
        if p.kind == "master" or p.kind == "parent-child":
            continue
        _default_name(p, several=per_file[p.raw.path] > 1)
    if not flats:
        _apply_product(opts, [p for p in keep if p.kind in ("level", "indentation")])
        return keep
    names = {str(p.assembly).casefold(): p for p in flats}
    spelled: dict[str, str] = {}
    for p in flats:
        for key, pn in _part_numbers(p).items():
            if key in names and names[key] is not p:
                spelled.setdefault(key, pn)
    if spelled or opts.layout == "per-assembly":
        for p in flats:
            key = str(p.assembly).casefold()
            p.per_assembly = True
            p.root = key not in spelled
            if key in spelled:
                p.assembly = spelled[key]
                p.assembly_from = f"{p.assembly_from}, used as a part in another sheet or file"
    else:
        combine_sheets(flats, log)
        _apply_product(opts, flats + [p for p in keep if p.kind in ("level", "indentation")])
    return keep


def _default_name(p: SourcePlan, *, several: bool) -> None:
    top = p.hmap.group_index if p.hmap.group_index is not None else p.hmap.index
    found = title_name(p.raw, top)
    if found is not None:  # a sheet whose title names its product is that product
        p.assembly, p.assembly_row, p.assembly_column = found
        p.assembly_from = f"the title cell {found[2]}{found[1]}"
    elif several and p.raw.sheet:
        p.assembly, p.assembly_from = p.raw.sheet, "the sheet name"
    else:
        p.assembly, p.assembly_from = file_stem(p.raw.path), "the file name"


def _apply_product(opts: ReadOptions, candidates: list[SourcePlan]) -> None:
    if not opts.product:
        return
    flats = [p for p in candidates if p.kind == "flat" and (p.root or not p.per_assembly)]
    if len(flats) > 1:
        listed = "; ".join(where(p.raw.path, p.raw.sheet) for p in flats)
        raise InputError(
            f"--product {opts.product} names one product, but {len(flats)} single-level BOMs "
            f"were read ({listed}). Read them one at a time, or leave out --product to name "
            "each from its title cell, sheet or file name."
        )
    for p in candidates:
        p.assembly, p.assembly_from, p.assembly_row = opts.product, "--product", None
        p.assembly_column = None


def one_form(boms: list[Converted]) -> Layout:
    """Give every source's lines one form; return the layout.

    Raises
    ------
    InputError
        When indented and parent-child lines are mixed.
    """
    forms = {c.form for c in boms}
    if "indented" in forms and "parent-child" in forms:
        ind = next(c.info for c in boms if c.form == "indented")
        pc = next(c.info for c in boms if c.form == "parent-child")
        raise InputError(
            f"Indented and parent-child BOM lines cannot be read together: "
            f"{where(ind.path, ind.sheet)} is indented (levels) but "
            f"{where(pc.path, pc.sheet)} is parent-child (Parent column, or one sheet/file per "
            "assembly). Read them in separate runs, or pass one layout."
        )
    target: Layout = "parent-child" if "parent-child" in forms else "indented"
    for c in boms:
        if c.form == "flat" and target == "parent-child":
            f = c.frame
            lv = np.asarray(f["level"], dtype=np.float64)
            product = str(f["part_number"].iat[0]) if len(f) else ""
            parent = pd.Series([product] * len(f), dtype="str").where(lv != 0)
            pos = list(f.columns).index("level")
            c.frame = f.drop(columns=["level"])
            c.frame.insert(min(pos, 1), "parent", parent)
            c.letters.pop("level", None)
        c.info.layout = target
        c.form = target
    return target


def check_master(
    lines: pd.DataFrame,
    parts: pd.DataFrame,
    letters: dict[tuple[str, str | None, str], str],
    log: IssueLog,
    *,
    added: set[str] | frozenset[str] = frozenset(),
) -> None:
    """Indented lines and a parts master: report parts missing on either side (both kept).
    The ``added`` product lines (put above a single-level BOM by bomtrace) are not parts the
    master lacks. (For parent-child lines the graph stage makes the same check.)
    """
    known = (
        pd.Index(parts["part_number"].to_numpy(dtype=object))
        .unique()
        .append(pd.Index(sorted(added), dtype=object))
    )
    first = lines.drop_duplicates("part_number")
    missing = first[known.get_indexer(first["part_number"].to_numpy(dtype=object)) < 0]
    missing = missing[missing["_row"].notna()].reset_index(drop=True)

    def undefined(i: int) -> Issue:
        file, sheet = str(missing["_file"].iat[i]), missing["_sheet"].iat[i]
        sheet = None if sheet is None or sheet != sheet else str(sheet)
        pn = str(missing["part_number"].iat[i])
        return Issue(
            IssueCode.UNDEFINED_PART,
            f"{pn} is used in the BOM but is not in the parts master; it is kept, with no "
            "attributes other than those on its BOM lines.",
            file=file,
            sheet=sheet,
            row=int(missing["_row"].iat[i]),
            column=letters.get((file, sheet, "part_number")),
            part_number=pn,
        )

    log.add_rows(IssueCode.UNDEFINED_PART, np.ones(len(missing), dtype=bool), undefined)
    used = pd.Index(lines["part_number"].to_numpy(dtype=object)).unique()
    unused = parts[used.get_indexer(parts["part_number"].to_numpy(dtype=object)) < 0]
    unused = unused.drop_duplicates("part_number").reset_index(drop=True)

    def not_used(i: int) -> Issue:
        sheet = unused["_sheet"].iat[i]
        return Issue(
            IssueCode.UNUSED_MASTER_PART,
            f"{unused['part_number'].iat[i]} is in the parts master but no BOM line uses it.",
            file=str(unused["_file"].iat[i]),
            sheet=None if sheet is None or sheet != sheet else str(sheet),
            row=int(unused["_row"].iat[i]),
            part_number=str(unused["part_number"].iat[i]),
        )

    log.add_rows(IssueCode.UNUSED_MASTER_PART, np.ones(len(unused), dtype=bool), not_used)
