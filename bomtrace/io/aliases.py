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

from bomtrace.io.aliasdata import _WEAK_EXTRA, ALIASES, WEAK_ALIASES
from bomtrace.io.table import CANONICAL_FIELDS

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
