"""Header aliases: which column header means which canonical field.

Matching is case-, space- and punctuation-insensitive: a header is reduced to a *key* of lower-case
letters and digits (``#`` reads as ``no`` and ``%`` as ``pct`` first), so ``"Part No."``,
``"part no"``, ``"PART_NO"`` and ``"Part #"`` all give the key ``"partno"``.

>>> header_key("Part No."), header_key("PART_NO"), header_key("Part #")
('partno', 'partno', 'partno')
>>> match_header("Qty/Assy"), match_header("Origin"), match_header("Notes")
(('quantity', 'alias'), ('country_of_origin', 'alias'), None)
>>> match_header("part_number")
('part_number', 'exact')
"""

from __future__ import annotations

import re

from bomtrace.io.table import CANONICAL_FIELDS

#: Header texts (besides the field name itself) that mean each canonical field.
#: English first, then a few common German/French/Spanish ERP headers.
ALIASES: dict[str, tuple[str, ...]] = {
    "part_number": (
        "part number",
        "part no",
        "part #",
        "p/n",
        "pn",
        "item number",
        "item no",
        "item",
        "material",
        "component",
        "child",
        "child part",
        "item code",
        "part",
        "part id",
        "component number",
        "child pn",
        "child part number",
        "material number",
        "teilenummer",
        "sachnummer",
        "materialnummer",
        "artikelnummer",
        "référence",
        "numéro de pièce",
        "número de parte",
    ),
    "parent": (
        "parent",
        "parent part",
        "parent item",
        "parent part number",
        "assembly",
        "parent pn",
        "parent no",
        "assembly number",
        "parent material",
        "baugruppe",
        "übergeordnet",
    ),
    "level": ("level", "lvl", "bom level", "indent level", "stufe", "ebene", "niveau", "nivel"),
    "quantity": (
        "qty",
        "quantity",
        "qty per",
        "qty/assy",
        "quantity per",
        "per assy",
        "qpa",
        "usage",
        "qty per assy",
        "quantity per assembly",
        "menge",
        "anzahl",
        "quantité",
        "cantidad",
    ),
    "unit_cost": (
        "unit cost",
        "unit price",
        "cost",
        "price",
        "std cost",
        "standard cost",
        "unit value",
        "preis",
        "stückpreis",
        "einzelpreis",
        "prix",
        "prix unitaire",
        "coste",
        "precio",
    ),
    "currency": ("currency", "curr", "ccy", "währung", "devise", "moneda"),
    "description": (
        "description",
        "desc",
        "part description",
        "item description",
        "name",
        "beschreibung",
        "bezeichnung",
        "désignation",
        "descripción",
    ),
    "uom": ("uom", "unit", "unit of measure", "me", "einheit", "unité", "unidad"),
    "manufacturer": (
        "manufacturer",
        "mfr",
        "mfg",
        "maker",
        "hersteller",
        "fabricant",
        "fabricante",
    ),
    "mpn": ("mpn", "manufacturer part number", "mfr part no", "mfr pn", "mfr part number"),
    "supplier": ("supplier", "vendor", "lieferant", "fournisseur", "proveedor"),
    "reference_designators": (
        "reference designators",
        "ref des",
        "refdes",
        "designator",
        "designators",
        "references",
        "reference designator",
    ),
    "country_of_origin": (
        "coo",
        "country of origin",
        "origin",
        "origin country",
        "country",
        "made in",
        "ursprungsland",
        "ursprung",
        "pays d'origine",
        "país de origen",
    ),
    "eccn": ("eccn", "export classification", "export control classification number"),
    "item_type": ("item type", "type"),
    "selling_price": ("selling price", "sale price", "list price", "ex factory price"),
    "us_content_pct": ("us content", "us content %", "us content pct", "declared us content"),
    "discrete_product": ("discrete product", "discrete", "sold separately"),
    "bundled": ("bundled", "bundled software", "bundled with hardware"),
    "gbs_eligible": ("gbs", "gbs eligible", "license exception gbs", "licence exception gbs"),
    "short_supply_only": ("short supply", "short supply only"),
    "listed_ear99": ("listed ear99", "part 746 listed", "746 listed", "ear99 listed"),
    "us_tech_value": (
        "us tech value",
        "us technology value",
        "royalty",
        "patent royalty",
        "us royalty",
    ),
    "made_with_us_equipment": ("made with us equipment", "us equipment"),
    "us_technology_eccns": ("us technology eccns", "tech eccns"),
    "producer": ("producer", "fab", "plant"),
    "designed_by": ("designed by", "design owner", "designer", "design house"),
}

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
    >>> from bomtrace.io.aliases import header_key
    >>> header_key(" Qty / Assy "), header_key("US content %")
    ('qtyassy', 'uscontentpct')
    """
    if text is None:
        return ""
    s = str(text).casefold().replace("#", "no").replace("%", "pct")
    return _DROP.sub("", s)


def _build_index() -> dict[str, tuple[str, str]]:
    index: dict[str, tuple[str, str]] = {}
    for fld in CANONICAL_FIELDS:
        index[header_key(fld)] = (fld, "exact")
    for fld, names in ALIASES.items():
        for name in names:
            key = header_key(name)
            owner = index.get(key)
            if owner is not None and owner[0] != fld:
                raise ValueError(f"alias {name!r} of {fld} collides with {owner[0]}")
            index.setdefault(key, (fld, "alias"))
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
    >>> from bomtrace.io.aliases import match_header
    >>> match_header("P/N"), match_header("Made in")
    (('part_number', 'alias'), ('country_of_origin', 'alias'))
    """
    key = header_key(text)
    if not key:
        return None
    return ALIAS_INDEX.get(key)


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
