"""Columns read from their content: a file without a header row, and the hint in a refusal.

A Digi-Key or Mouser BOM upload (``1,490-1524-1-ND,C2|C3``), or a list written by a script,
often has no header row at all. When no row of a sheet names its fields, the columns are
read from what the first rows (:data:`~bomtrace.io.identity.CONTENT_ROWS`) hold:

=======================  ==========================================================
field                    content
=======================  ==========================================================
reference_designators    lists of reference designators (``C1 C2``, ``R12|R8``)
quantity                 small whole numbers, not negative, not the line numbers 1, 2, 3 ...
part_number              codes: letters, digits, ``-./_#+()``, at most one space, a digit
                         in each (``490-1524-1-ND``, ``LMK107BJ475KAHT``), or long whole
                         numbers that are nearly all distinct
description              prose: several words in most cells
=======================  ==========================================================

The columns are used only when the result is unambiguous: one part-number column, and one
quantity or one designator column (no field found twice), and the first row is data (each
chosen column's first cell holds what the column holds). Every column read so is reported
(``key-column``) with the flag that chooses another.

When a sheet cannot be read at all, :func:`hint` names the column most likely to hold what
is missing and the exact flag.

>>> import pandas as pd
>>> kind(pd.Series(["490-1524-1-ND", "311-10.0KHRCT-ND", "MMBF4117CT-ND"]))[0]
'part_number'
>>> kind(pd.Series(["1", "3", "2", "5"]))[0], kind(pd.Series(["C1", "R2|R3", "U1"]))[0]
('quantity', 'reference_designators')
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from bomtrace.io.column_content import column_body, designator_lists, line_numbers
from bomtrace.io.table import RawSheet

_CODE = r"^(?=[^ ]*\d|.* .*\d)[A-Za-z0-9][\w\-./#+()]*(?: [\w\-./#+()]+)?$"
_NUMBER = r"^[-+]?\d+(?:[.,]\d+)?$"
_REF = r"[A-Za-z]{1,4}\d{1,5}(?:[A-Za-z]|[_#.]\d+)?(?:\s?[-–]\s?[A-Za-z]{0,4}\d{1,5})?"
#: a cell of designators as a header-less file writes them: short ones (``R12|R8``, ``C1-C4``),
#: not a manufacturer part number that starts like one (``STM32F103C8T6``)
_REFS = rf"^{_REF}(?:[\s,;|]+{_REF})*[\s,;|]*$"
#: a date, not a code (``2019-01-31``, ``31.01.2019``, ``1/31/19``)
_DATE = (
    r"^(?:(?:19|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.](?:19|20)?\d{2})"
    r"(?:[ T].*)?$"
)
#: a header word with a number (``Field1``, ``details2``), not a part number
_WORD_NUMBER = r"^[^\W\d_]+[ _]?\d{0,2}$"
#: share of filled cells that must fit a kind
_SHARE = 0.8
#: the largest median a quantity column has (larger whole numbers are numbers of another kind)
_MAX_COUNT = 1000
#: the shortest median length of a column of part numbers (values such as ``10k``, ``3A`` are
#: shorter)
_CODE_LEN = 5
#: the most words a name of a part has in most cells (longer texts are notes)
_NAME_WORDS = 5

_WHY = {
    "reference_designators": "reference designators",
    "quantity": "small whole numbers (counts)",
    "part_number": "part-number-like codes",
    "description": "descriptions (several words)",
}
_AS = {
    "reference_designators": "the reference designators",
    "quantity": "the quantity per assembly",
    "part_number": "the part number",
    "description": "the description",
}


def _numbers(filled: pd.Series) -> pd.Series:
    text = filled.where(filled.str.match(_NUMBER))
    return pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")


def _count_cells(filled: pd.Series) -> np.ndarray:
    nums = _numbers(filled)
    return ((nums >= 0) & (nums == nums.round())).to_numpy(dtype=bool)


def _code_cells(filled: pd.Series) -> np.ndarray:
    ok = filled.str.match(_CODE) & filled.str.len().between(3, 40) & ~filled.str.match(_DATE)
    return ok.to_numpy(dtype=bool)


def _prose_cells(filled: pd.Series) -> np.ndarray:
    ok = filled.str.count(r"[^\W\d_]{2,}") >= 2
    return ok.to_numpy(dtype=bool)


def _example(filled: pd.Series, fits: np.ndarray) -> str:
    """``e.g. 'cell'``: the first cell that shows what the column holds."""
    at = np.flatnonzero(fits)
    return f"e.g. '{filled.iloc[int(at[0]) if len(at) else 0]}'"


def kind(body: pd.Series) -> tuple[str, str] | None:
    """What a column holds by its content: ``(field, why)``, or None when it is none of the
    four (empty, prices, line numbers, mixed text).

    Parameters
    ----------
    body : pandas.Series
        Stripped text cells of the column (``""`` when empty).
    """
    filled = body[body != ""].reset_index(drop=True)
    if len(filled) < 2:
        return None
    refs = filled.str.match(_REFS).to_numpy(dtype=bool)
    if refs.mean() >= 0.75 and designator_lists(filled.str.replace("|", " ", regex=False)):
        return "reference_designators", f"{_WHY['reference_designators']}, {_example(filled, refs)}"
    nums = _numbers(filled)
    if nums.notna().mean() >= 0.9:
        if line_numbers(filled):
            return None
        whole = nums.dropna()
        counts = _count_cells(filled)
        if counts.mean() >= _SHARE and whole.median() <= _MAX_COUNT:
            return "quantity", f"{_WHY['quantity']}, {_example(filled, counts)}"
        distinct = whole.nunique() >= 0.9 * len(whole)
        if (whole == whole.round()).all() and whole.median() > _MAX_COUNT and distinct:
            return (
                "part_number",
                f"long whole numbers, nearly all distinct, {_example(filled, counts)}",
            )
        return None
    codes = _code_cells(filled)
    if codes.mean() >= _SHARE and filled.str.len().median() >= _CODE_LEN:
        return "part_number", f"{_WHY['part_number']}, {_example(filled, codes)}"
    prose = _prose_cells(filled)
    if prose.mean() >= 0.5:
        return "description", f"{_WHY['description']}, {_example(filled, prose)}"
    return None


def _fits(fld: str, cell: str) -> bool:
    """True when one cell holds what a column of ``fld`` holds (the first row is data)."""
    one = pd.Series([cell], dtype="str")
    if fld == "reference_designators":
        return bool(one.str.match(_REFS).iloc[0])
    if fld == "quantity":
        return bool(_count_cells(one)[0])
    if fld == "part_number":
        return bool(_code_cells(one)[0] or _count_cells(one)[0])
    return True


def infer(
    raw: RawSheet, top: int | None = None
) -> tuple[list[tuple[str, str] | None], list[tuple[str, str, int]]]:
    """The fields of a header-less sheet, read from its content.

    Returns
    -------
    matched : list
        ``(field, "content")`` or None per frame column; all None when the content does not
        give one part-number column and one quantity or designator column unambiguously, or
        the first row is not data.
    notes : list
        A ``key-column`` note per column read so: ``(code, message, frame column)``.
    """
    width = raw.frame.shape[1]
    none: list[tuple[str, str] | None] = [None] * width
    found: dict[str, list[tuple[int, str]]] = {}
    for j in range(width):
        got = kind(column_body(raw, top, j))
        if got is not None:
            found.setdefault(got[0], []).append((j, got[1]))
    counted = [f for f in ("quantity", "reference_designators") if f in found]
    keys = ("part_number", "quantity", "reference_designators")
    if len(found.get("part_number", [])) != 1 or not counted:
        return none, []
    if any(len(found.get(f, [])) > 1 for f in keys):
        return none, []
    if len(found.get("description", [])) > 1:
        del found["description"]
    row0 = 0 if top is None else top + 1  # ``top``: a row of generic names above the data
    if row0 >= len(raw.frame):
        return none, []
    first = [str(v).strip() if pd.notna(v) else "" for v in raw.frame.iloc[row0].tolist()]
    if not first[found["part_number"][0][0]] or any(
        first[j] and not _fits(f, first[j]) for f, cols in found.items() for j, _ in cols
    ):
        return none, []  # the first row is not data
    matched = list(none)
    notes: list[tuple[str, str, int]] = []
    for fld in ("part_number", "quantity", "reference_designators", "description"):
        for j, why in found.get(fld, []):
            matched[j] = (fld, "content")
            notes.append(
                (
                    "key-column",
                    f"{'No header row' if top is None else 'The header names no field'}: column "
                    f"{raw.columns[j]} was read as {_AS[fld]} (it holds "
                    f"{why}). Choose another with --column {fld}=N (N the column number; "
                    f"this one is {j + 1}).",
                    j,
                )
            )
    return matched, notes


_GENERIC = re.compile(r"(?i)^(field|column|col|spalte|colonne|columna|unnamed)[\s_:#-]*\d+$")


def generic_header(raw: RawSheet) -> int | None:
    """The row of a header that names its columns only by number (``Field1 … Field8``,
    ``Column1``, ``Unnamed: 3``): the first row with values, when every value is such a name."""
    for i in range(min(len(raw.frame), 30)):
        cells = [
            str(v).strip() for v in raw.frame.iloc[i].tolist() if pd.notna(v) and str(v).strip()
        ]
        if cells:
            return i if all(_GENERIC.match(c) for c in cells) else None
    return None


def _data_row(cells: list[str], found: dict[str, list[tuple[int, str]]]) -> bool:
    """True when a first row is data, not a header: a cell of a count or designator column
    holds a count or designators, or a cell of a code column holds a code that is not a
    header word with a number (``Field1``)."""
    for k in ("quantity", "reference_designators", "part_number"):
        for j, _ in found.get(k, []):
            cell = cells[j]
            word = bool(pd.Series([cell], dtype="str").str.match(_WORD_NUMBER).iloc[0])
            if cell and _fits(k, cell) and not (k == "part_number" and word):
                return True
    return False


def _candidates(raw: RawSheet, top: int, taken: set[int]) -> dict[str, list[tuple[int, str]]]:
    """Columns by what their content below frame row ``top`` holds (``"name"``: descriptions
    that are nearly all distinct, which may name parts when no column holds codes)."""
    out: dict[str, list[tuple[int, str]]] = {}
    for j in range(raw.frame.shape[1]):
        if j in taken:
            continue
        body = column_body(raw, top, j)
        got = kind(body)
        if got is None:
            continue
        out.setdefault(got[0], []).append((j, got[1]))
        filled = body[body != ""]
        short = filled.str.split().str.len().median() <= _NAME_WORDS
        if got[0] == "description" and short and filled.nunique() >= 0.6 * len(filled):
            out.setdefault("name", []).append(
                (j, f"names of parts, nearly all distinct{got[1][len(_WHY['description']) :]}")
            )
    return out


#: what to look for, best first, when a field is missing: (content kind, field it is for)
_LOOK = {
    "part_number": (("part_number", "part_number"), ("name", "part_number")),
    "quantity": (("quantity", "quantity"), ("reference_designators", "reference_designators")),
}


def hint(
    raw: RawSheet,
    idx: int | None,
    headers: list[str],
    missing: tuple[str, ...],
    taken: set[int] | None = None,
) -> str:
    """Sentences naming the column most likely to hold each ``missing`` field (``part_number``,
    ``quantity``) from its content, with the exact flag; ``""`` when no column fits.

    ``idx`` is the frame row of the header. When it is None the first row with values is taken
    as a possible header; when it is data (one of its cells holds what its column holds:
    codes, counts or designators), the columns have no header and are named by their numbers.
    ``headers`` are the header texts per frame column; ``taken`` the columns mapped already.
    """
    frame = raw.frame
    top = idx
    found: dict[str, list[tuple[int, str]]] = {}
    if idx is None:
        head = frame.iloc[:50]
        filled = head.notna() & (head.astype("str").apply(lambda c: c.str.strip()) != "")
        rows = np.flatnonzero(filled.to_numpy().any(axis=1))
        if not len(rows):
            return ""
        top = int(rows[0])
        headers = ["" if pd.isna(v) else str(v).strip() for v in frame.iloc[top].tolist()]
        found = _candidates(raw, top, taken or set())
        if _data_row(headers, found):
            headers = [""] * len(headers)  # the first row is data: no header
            found = _candidates(raw, top - 1, taken or set())
    else:
        found = _candidates(raw, idx, taken or set())
    out: list[str] = []
    for fld in missing:
        picks = [(k, t) for k, t in _LOOK[fld] if found.get(k)]
        if not picks:
            continue
        k, target = picks[0]
        (j, why), others = found[k][0], found[k][1:]
        head = headers[j] if j < len(headers) else ""
        name = f" '{head}'" if head else " (no header)" if idx is not None else ""
        flag = f"'{head}'" if head else str(j + 1)
        also = ", ".join(raw.columns[o] for o, _ in others)
        too = f" (column{'s' if len(others) > 1 else ''} {also} too)" if others else ""
        out.append(f"Column {raw.columns[j]}{name} holds {why}{too}: try --column {target}={flag}.")
    return " ".join(out)
