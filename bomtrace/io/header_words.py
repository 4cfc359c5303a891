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
_PRICE_WORDS = frozenset(["price", "cost", "preis", "prix", "precio", "costo", "kosten", "coût"])
_UNIT_WORDS = frozenset(
    ["unit", "each", "ea", "per", "pp", "piece", "pc", "pcs", "stk", "stück", "st", "1", "one"]
    + ["usd", "eur", "gbp", "chf", "cny", "rmb", "jpy", "cad", "aud", "dollar", "euro"]
)
_MAKER_WORDS = frozenset(["mfr", "mfg", "mfgr", "manf", "manuf", "manufacturer", "maker"])
_NUMBER_WORDS = frozenset(["pn", "no", "number", "num", "nr", "id", "code"])


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
    spaced = _CAMEL.sub(" ", str(text)).replace("#", " no ")
    spaced = MONEY_SIGN.sub(" price ", spaced)
    ws = {w for w in re.split(r"[\W_]+", spaced.casefold()) if w}
    if ws & _PRICE_WORDS:  # only words of price, unit and currency: "Price Each", "Cost/ea"
        return None if ws - _PRICE_WORDS - _UNIT_WORDS else ("unit_cost", "alias")
    if ws & _MAKER_WORDS and (ws & _NUMBER_WORDS or {"p", "n"} <= ws):
        return ("mpn", "alias")
    return None


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
