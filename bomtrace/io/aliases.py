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
        "partnumber",
        "item number",
        "item no",
        "item code",
        "material",
        "material number",
        "material no",
        "component",
        "component number",
        "component no",
        "child",
        "child part",
        "child pn",
        "child part number",
        "part id",
        "article",
        "article number",
        "teilenummer",
        "teile nr",
        "sachnummer",
        "sach nr",
        "materialnummer",
        "artikelnummer",
        "artikel nr",
        "art nr",
        "identnummer",
        "ident nr",
        "référence",
        "réf",
        "numéro de pièce",
        "numéro d'article",
        "n° de pièce",
        "número de parte",
        "número de pieza",
        "numero de pieza",
        "referencia",
        "código",
        "código de artículo",
    ),
    "parent": (
        "parent",
        "parent part",
        "parent item",
        "parent part number",
        "assembly",
        "parent pn",
        "parent no",
        "parent assembly",
        "assembly number",
        "assembly part number",
        "parent material",
        "baugruppe",
        "übergeordnet",
        "übergeordnete baugruppe",
        "ensemble parent",
        "assemblage",
        "conjunto",
        "padre",
    ),
    "level": (
        "level",
        "lvl",
        "lev",
        "bom level",
        "indent level",
        "indented level",
        "explosion level",
        "level no",
        "stufe",
        "ebene",
        "niveau",
        "nivel",
    ),
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
        "quantity per pcb",
        "comp qty",
        "comp qty bun",
        "component quantity",
        "order qty",
        "menge",
        "anzahl",
        "stückzahl",
        "stück",
        "quantité",
        "qté",
        "cantidad",
        "cant",
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
        "standardpreis",
        "kosten",
        "prix",
        "prix unitaire",
        "coût",
        "coût unitaire",
        "coste",
        "coste unitario",
        "costo",
        "costo unitario",
        "precio",
        "precio unitario",
    ),
    "currency": ("currency", "curr", "ccy", "crcy", "währung", "devise", "monnaie", "moneda"),
    "description": (
        "description",
        "desc",
        "part description",
        "item description",
        "item text",
        "component description",
        "object description",
        "material description",
        "part name",
        "name",
        "text",
        "beschreibung",
        "bezeichnung",
        "benennung",
        "kurztext",
        "materialkurztext",
        "désignation",
        "libellé",
        "descripción",
        "descripcion",
    ),
    "uom": (
        "uom",
        "unit",
        "unit of measure",
        "bun",
        "base unit",
        "base unit of measure",
        "me",
        "einheit",
        "mengeneinheit",
        "unité",
        "unité de mesure",
        "unidad",
        "unidad de medida",
    ),
    "manufacturer": (
        "manufacturer",
        "manufacturer name",
        "mfr",
        "mfr name",
        "mfg",
        "maker",
        "hersteller",
        "fabricant",
        "fabricante",
    ),
    "mpn": (
        "mpn",
        "manufacturer part number",
        "manufacturer part no",
        "manufacturer pn",
        "mfr part no",
        "mfr pn",
        "mfr part number",
        "mfr no",
        "mfg part number",
        "herstellerteilenummer",
        "hersteller teilenummer",
        "référence fabricant",
        "número de parte del fabricante",
    ),
    "supplier": (
        "supplier",
        "supplier name",
        "vendor",
        "vendor name",
        "distributor",
        "lieferant",
        "fournisseur",
        "proveedor",
    ),
    "reference_designators": (
        "reference designators",
        "reference designator",
        "ref des",
        "refdes",
        "ref",
        "refs",
        "reference",
        "references",
        "designator",
        "designators",
        "part reference",
        "repère",
        "repères",
        "referencias",
        "bestückungsposition",
    ),
    "country_of_origin": (
        "coo",
        "country of origin",
        "origin",
        "origin country",
        "country",
        "made in",
        "ursprungsland",
        "herkunftsland",
        "ursprung",
        "pays d'origine",
        "origine",
        "país de origen",
        "pais de origen",
        "origen",
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
    "effective_from": (
        "effective from",
        "effective date",
        "eff from",
        "eff date",
        "effectivity start",
        "valid from",
        "start date",
        "from date",
        "date in",
        "gültig ab",
        "date de début",
        "valable à partir de",
        "válido desde",
        "fecha inicio",
    ),
    "effective_to": (
        "effective to",
        "effective until",
        "eff to",
        "effectivity end",
        "valid to",
        "valid until",
        "end date",
        "to date",
        "date out",
        "expiry date",
        "expiration date",
        "obsolete date",
        "gültig bis",
        "date de fin",
        "válido hasta",
        "fecha fin",
    ),
    "dnp": (
        "dnp",
        "dnf",
        "dni",
        "do not populate",
        "do not place",
        "do not fit",
        "no fit",
        "not fitted",
        "fitted",
        "populate",
        "populated",
        "mounted",
        "mount",
        "bestückt",
        "bestückung",
    ),
    "package_quantity": (
        "package quantity",
        "package qty",
        "pack qty",
        "pack size",
        "qty per pack",
        "qty per package",
        "reel qty",
        "spq",
        "packungsmenge",
        "verpackungseinheit",
    ),
    "package_price": (
        "package price",
        "pack price",
        "price per pack",
        "price per package",
        "reel price",
        "packungspreis",
    ),
    "price_unit": ("price unit", "price per", "per", "preiseinheit", "pe", "unité de prix"),
}

#: Aliases that name a field only when no stronger alias does: in a sheet with both "Item" and
#: "Component" (SAP: item number 0010 and the component's part number), "Component" wins.
WEAK_ALIASES: frozenset[str] = frozenset(
    {"item", "part", "libref", "lib ref", "name", "text", "type", "ref", "reference", "unit"}
)
#: Headers of a ``dnp`` column that say the part *is* fitted (``yes`` there means populate).
POSITIVE_DNP_HEADERS: frozenset[str] = frozenset(
    {"fitted", "populate", "populated", "mounted", "mount", "bestückt", "bestückung"}
)
_WEAK_EXTRA: dict[str, tuple[str, ...]] = {
    "part_number": ("item", "part", "libref", "lib ref", "library reference"),
}
_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_TRAILING_NUMBER = re.compile(r"[\s_#-]*\d{1,2}$")

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
    weak = {header_key(w) for w in WEAK_ALIASES}
    groups = [ALIASES, _WEAK_EXTRA]
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
    >>> from bomtrace.io.aliases import match_header
    >>> match_header("P/N"), match_header("Made in")
    (('part_number', 'alias'), ('country_of_origin', 'alias'))
    >>> match_header("Unit Price (USD)"), match_header("Manufacturer 2"), match_header("Item")
    (('unit_cost', 'alias'), ('manufacturer', 'exact'), ('part_number', 'weak-alias'))
    """
    key = header_key(text)
    if not key:
        return None
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
    return None


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
