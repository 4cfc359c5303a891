"""Country names and codes: turn what users type into ISO 3166-1 alpha-2 codes.

>>> normalize_country("United States"), normalize_country("usa"), normalize_country("de")
('US', 'US', 'DE')
>>> normalize_country("Atlantis") is None
True

NOTE: minimal built-in table; replaced by the packaged country table in rules/data.
"""

from __future__ import annotations

_BASIC = {
    "united states": "US",
    "usa": "US",
    "u.s.": "US",
    "u.s.a.": "US",
    "united states of america": "US",
    "china": "CN",
    "germany": "DE",
    "japan": "JP",
}


def normalize_country(text: object) -> str | None:
    """Return the ISO-2 code for a country name, alias or code; None when not recognised."""
    if text is None:
        return None
    s = str(text).strip()
    if not s:
        return None
    if len(s) == 2 and s.isalpha():
        return s.upper()
    return _BASIC.get(s.lower())
