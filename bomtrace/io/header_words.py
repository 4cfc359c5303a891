"""Header texts read by their words, for headers no alias names: a price of one unit written
with a currency sign or an abbreviation, a manufacturer part number spelt any way."""

from __future__ import annotations

import re
from unicodedata import normalize

_DROP = re.compile(r"[\W_]+", re.UNICODE)


def header_key(text: object) -> str:
    """Reduce a header text to its matching key (lower-case letters and digits only).

    Parameters
    ----------
    text : object
        Header cell text (anything; ``None`` gives ``""``).

    Returns
    -------
    str
        The key; ``#`` counts as ``no`` and ``%`` as ``pct``.

    Examples
    --------
    >>> from bomtrace.io.mapping import header_key
    >>> header_key(" Qty / Assy "), header_key("US content %")
    ('qtyassy', 'uscontentpct')
    """
    if text is None:
        return ""
    s = normalize("NFKC", str(text)).casefold().replace("#", "no").replace("%", "pct")
    return _DROP.sub("", s)


MONEY_SIGN = re.compile(r"[$€£¥]")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_SPLIT = re.compile(r"[^\w]+|_", re.UNICODE)
_TRAILING_DIGITS = re.compile(r"(?<=[^\W\d_]{3})(?=\d+\b)")


def word_set(text: str) -> frozenset[str]:
    """A set of header words written as one text."""
    return frozenset(text.split())


def words(header: object) -> list[str]:
    """The words of a header: ``"MANUFACTURER_PART_NUMBER"`` → manufacturer, part, number.

    >>> words("PartNumber"), words("*Mfg Part #"), words("Mfr P/N"), words("details1")
    (['part', 'number'], ['mfg', 'part', 'no'], ['mfr', 'p', 'n'], ['details', '1'])
    """
    text = _CAMEL.sub(" ", str(header)).replace("#", " no ")
    text = _TRAILING_DIGITS.sub(" ", text)
    return [w for w in _SPLIT.split(text.casefold()) if w]


#: words that name a maker
MAKER_WORDS = word_set(
    "mfr mfg mfgr manf manuf manufacturer manufacturers maker hersteller fabricant "
    "fabricante produttore brand"
)
#: words that say a column holds a number or code
NUMBER_WORDS = word_set("pn p no number num nr nummer id code sku ref reference refrence")
_PRICE_WORDS = word_set("price cost preis prix precio costo kosten coût")
_UNIT_WORDS = word_set(
    "unit each ea per pp piece pc pcs stk stück st 1 one "
    "usd eur gbp chf cny rmb jpy cad aud dollar euro"
)


def maker_number(ws: set[str] | frozenset[str]) -> bool:
    """True when a header's words name a manufacturer's number: a maker word and a number word
    ("Mfr P/N", "Manufacturer_No", "manf#")."""
    return bool(ws & MAKER_WORDS) and (bool(ws & NUMBER_WORDS) or {"p", "n"} <= ws)


def by_words(text: object) -> tuple[str, str] | None:
    """A header read by its words when no alias names it: a price of one unit ("Price Each",
    "Cost/ea", "$ each", "price_usd", "Unit$") or a manufacturer part number ("Mfr P/N",
    "Manufacturer_No", "manf#", "*Mfg Part #").

    >>> by_words("Price Each"), by_words("Unit$"), by_words("Ext. Price")
    (('unit_cost', 'alias'), ('unit_cost', 'alias'), None)
    >>> by_words("Cost/ea"), by_words("price_usd"), by_words("Cost of Used Parts")
    (('unit_cost', 'alias'), ('unit_cost', 'alias'), None)
    >>> by_words("*Mfg Part #"), by_words("Manufacturer_No"), by_words("Part Manufacturer")
    (('mpn', 'alias'), ('mpn', 'alias'), None)
    """
    ws = set(words(MONEY_SIGN.sub(" price ", str(text))))
    if ws & _PRICE_WORDS:  # only words of price, unit and currency: "Price Each", "Cost/ea"
        return None if ws - _PRICE_WORDS - _UNIT_WORDS else ("unit_cost", "alias")
    return ("mpn", "alias") if maker_number(ws) else None


#: words in a header key that say a column counts something (a quantity)
_QTY_WORDS = ("qty", "quantity", "quantite", "qte", "menge", "anzahl", "cantidad", "数量", "个数")
#: words that say the count is not per assembly (stock, order, price break)
_NOT_PER_ASSEMBLY = ("stock", "avail", "onhand", "moq", "min", "order", "break", "price", "pack")


def quantity_like_headers(headers: list[str], unmapped: list[int]) -> list[str]:
    """The unmapped headers that read like a per-assembly quantity ("BOM Qty", "Qty needed";
    not "Qty in stock" or "Min order qty"), for a message that names them.

    >>> quantity_like_headers(["Part", "BOM Qty", "Stock Qty"], [1, 2])
    ['BOM Qty']
    """
    out = []
    for j in unmapped:
        text = headers[j]
        key = header_key(text)
        if any(w in key for w in _QTY_WORDS) and not any(w in key for w in _NOT_PER_ASSEMBLY):
            out.append(text)
    return out
