"""A quantity column found by its content when no header names it: a header that reads like
a count ("Units", "Number", "Needed Quantity", a misspelt "quentity") over cells that are
counts (mostly whole numbers, not negative, not the line numbers 1, 2, 3, ...).
"""

from __future__ import annotations

import difflib

import pandas as pd

from bomtrace.io.column_content import column_body, line_numbers
from bomtrace.io.header_words import word_set, words
from bomtrace.io.table import RawSheet

#: header words that may name a per-assembly count when no header says "quantity"
_COUNT_WORDS = word_set(
    "qty quantity quantities units number count pcs pieces piece needed required req "
    "amount menge anzahl stk stück nombre cantidad unidades"
)
_NOT_COUNT = word_set(
    "price cost total sum stock order moq min pack avail available lead eur usd in sold bought "
    "purchased ordered buy"
)


def count_like(text: str) -> bool:
    """True when a header reads like a count ("Units", "Needed Quantity", "quentity").

    >>> count_like("Needed Quantity"), count_like("Qty in stock"), count_like("Quentity")
    (True, False, True)
    """
    ws = set(words(text))
    typo = any(difflib.SequenceMatcher(None, w, "quantity").ratio() >= 0.8 for w in ws)
    return bool((ws & _COUNT_WORDS or typo) and not ws & _NOT_COUNT)


def _counts(body: pd.Series) -> bool:
    """True when a column's cells read as counts: mostly numbers (a unit after them allowed),
    not negative, mostly whole, small (a median of at most 100), and not the line numbers 1, 2,
    3, ...

    >>> _counts(pd.Series(["4", "2", "16", "1"])), _counts(pd.Series(["10023", "10024", "9"]))
    (True, False)
    """
    filled = body[body != ""]
    if len(filled) < 2:
        return False
    lead = filled.str.extract(r"^\s*([-+]?\d+(?:[.,]\d+)?)", expand=False)
    nums = pd.to_numeric(lead.str.replace(",", ".", regex=False), errors="coerce")
    ok = nums.notna() & (nums >= 0)
    if ok.mean() < 0.8:
        return False
    whole = (nums[ok] == nums[ok].round()).mean()
    # counts per assembly are small; a column of large whole numbers is ids ("Number": 10023)
    small = nums[ok].median() <= 100 and (nums[ok] < 100_000).all()
    return bool(whole >= 0.6 and small and not line_numbers(filled.reset_index(drop=True)))


def choose_quantity(
    raw: RawSheet, idx: int | None, cells: list[str], fields: dict[str, int], how: dict[str, str]
) -> tuple[str, str, int] | None:
    """Map the quantity from a column whose header reads like a count ("Units", "Number",
    "Needed Quantity", "quentity") and whose content is counts, when no header names it.
    Returns the note for the source's issues."""
    if "quantity" in fields:
        return None
    taken = set(fields.values())
    for j, text in enumerate(cells):
        if j in taken or not text:
            continue
        if not count_like(text):
            continue
        if not _counts(column_body(raw, idx, j)):
            continue
        fields["quantity"], how["quantity"] = j, "content"
        return (
            "key-column",
            f"No column is headed as a quantity; column {raw.columns[j]} '{text}' holds counts "
            "and was read as the quantity per assembly. Choose another with --column "
            "quantity=HEADER.",
            j,
        )
    return None
