"""ECCN syntax: normalise what users type, split entry and paragraph.

Pure syntax, no regulatory knowledge (that is in :mod:`bomtrace.rules`).

>>> normalize_eccn(" 3a001.B.2 ")
'3A001.b.2'
>>> normalize_eccn("ear 99"), normalize_eccn("N/A"), normalize_eccn("")
('EAR99', None, None)
>>> split_eccn("9A515.y.1")
('9A515', 'y.1')
>>> split_eccn("EAR99")
('EAR99', None)
"""

from __future__ import annotations

import re

_ECCN_RE = re.compile(r"^([0-9])([A-E])([0-9]{3})((?:\.[A-Za-z0-9]+)*)$")
_EMPTY = {"", "-", "--", "N/A", "NA", "NONE", "TBD", "?", "UNKNOWN", "NAN"}


def normalize_eccn(text: object) -> str | None:
    """Return the ECCN in canonical spelling, the cleaned text if it is not ECCN-shaped, or None.

    Entry letters are upper case, paragraph letters lower case, spaces removed. ``EAR99`` in
    any spelling becomes ``EAR99``. Empty-looking values (``""``, ``N/A``, ``TBD``) give None.
    """
    if text is None:
        return None
    s = str(text).strip()
    if s.upper() in _EMPTY:
        return None
    s = re.sub(r"\s+", "", s)
    if s.upper() == "EAR99":
        return "EAR99"
    m = _ECCN_RE.match(s.upper())
    if not m:
        return s.upper()
    para = s[5:].lower()
    return f"{m.group(1)}{m.group(2)}{m.group(3)}{para}"


def is_eccn_syntax(eccn: str) -> bool:
    """True when ``eccn`` is ``EAR99`` or shaped like ``0A000[.x...]``."""
    return eccn == "EAR99" or bool(_ECCN_RE.match(eccn.upper()))


def split_eccn(eccn: str) -> tuple[str, str | None]:
    """Split a normalised ECCN into (entry, paragraph) — paragraph None when not given."""
    if eccn == "EAR99" or len(eccn) <= 5:
        return eccn, None
    return eccn[:5], eccn[6:] or None
