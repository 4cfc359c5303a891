"""Items with no de minimis level (15 CFR 734.4(a)) and the other per-content de minimis rules,
as data from ``rules/data/deminimis.toml``.

A :class:`ZeroDeMinimis` category says: US-origin content matching ``content`` (an
:class:`EccnPattern`), counted on ``track``, in a foreign-made item bound for a destination in
``destinations`` makes the item subject to the EAR whatever its ratio. Some categories also
name the foreign-made item itself (``item``) or a condition in words that bomtrace cannot
evaluate (an end use): such a hit is *possible*, not certain.

>>> p = EccnPattern(series=("600", "515"), paragraphs=("a-x",))
>>> p.match("9A515.a.1"), p.match("9A515.y.1"), p.match("9A515"), p.match("3A001")
('yes', 'no', 'maybe', 'no')
>>> EccnPattern(eccns=("9E003.a.1", "9E003.h")).match("9E003.a.1.b")
'yes'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bomtrace.eccn import is_eccn_syntax, normalize_eccn, split_eccn
from bomtrace.rules.controls import DestScope, within
from bomtrace.rules.model import Destination

Match = Literal["yes", "no", "maybe"]


def _in_ranges(letter: str, ranges: tuple[str, ...]) -> bool:
    for r in ranges:
        lo, _, hi = r.partition("-")
        if lo <= letter <= (hi or lo):
            return True
    return False


@dataclass(frozen=True)
class EccnPattern:
    """Which ECCNs (with paragraphs) a rule names.

    Attributes
    ----------
    series : tuple of str
        ``"600"`` (the "600 series": third character 6) and/or ``"515"`` (9x515 entries).
    eccns : tuple of str
        Entries or paragraphs, e.g. ``"5E002"``, ``"9E003.a.1"``, ``"3B001.c"``.
    prefixes : tuple of str
        Leading characters, e.g. ``"3A"`` (Category 3, product group A).
    paragraphs : tuple of str
        First-level paragraph letters or ranges (``"a-x"``, ``"y"``) the entries must be in.
    any : bool
        Every ECCN (and EAR99) matches.
    exclude : tuple of str
        Entries or paragraphs the rule excepts (``"3B001.c"``): an ECCN inside one does not
        match; one given too coarsely to tell (``3B001``) is ``maybe``.
    """

    series: tuple[str, ...] = ()
    eccns: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()
    paragraphs: tuple[str, ...] = ()
    any: bool = False
    exclude: tuple[str, ...] = ()

    def match(self, eccn: str | None) -> Match:
        """``yes``, ``no``, or ``maybe`` when the paragraph given is too coarse to tell."""
        if self.any:
            return "yes"
        norm = normalize_eccn(eccn)
        if norm is None or norm == "EAR99" or not is_eccn_syntax(norm):
            return "no"
        entry, para = split_eccn(norm)
        hit: Match = "no"
        if any(
            (s == "600" and entry[2] == "6") or (s == "515" and entry[2:5] == "515")
            for s in self.series
        ) or any(entry.startswith(p) for p in self.prefixes):
            hit = "yes"
        for e in self.eccns:
            e_entry, e_para = split_eccn(e)
            if e_entry != entry:
                continue
            if e_para is None or (para is not None and within(para, e_para)):
                hit = "yes"
                break
            if para is None or within(e_para, para):
                hit = "maybe"
        if hit != "no":
            for e in self.exclude:
                e_entry, e_para = split_eccn(e)
                if e_entry != entry:
                    continue
                if e_para is None or (para is not None and within(para, e_para)):
                    return "no"
                if para is None or within(e_para, para):
                    hit = "maybe"  # given too coarsely to tell whether it is excepted
        if hit == "no" or not self.paragraphs:
            return hit
        if para is None:
            return "maybe"
        return hit if _in_ranges(para.split(".")[0], self.paragraphs) else "no"

    def describe(self) -> str:
        """Short text for reports."""
        bits = [{"600": '"600 series"', "515": "9x515"}[s] for s in self.series]
        bits += list(self.eccns) + [f"{p}xxx" for p in self.prefixes]
        text = " or ".join(bits) or "any US-origin content"
        if self.paragraphs:
            text += " paragraphs ." + ", .".join(self.paragraphs)
        if self.exclude:
            text += " except " + ", ".join(self.exclude)
        return text


@dataclass(frozen=True)
class ZeroDeMinimis:
    """One 734.4(a) category (dated; see ``deminimis.toml`` for the fields)."""

    id: str
    paragraph: str  #: e.g. "15 CFR 734.4(a)(6)(i)"
    title: str
    content: EccnPattern
    track: str  #: "commodity", "software", "technology" or "any"
    destinations: DestScope
    item: EccnPattern | None  #: the foreign-made item's own ECCN must match (None: any item)
    condition: str | None  #: words bomtrace cannot evaluate (makes a hit "possible")
    source: str
    unsure: bool

    def reaches(self, dest: Destination) -> bool:
        """Whether the category applies to items bound for ``dest``."""
        return self.destinations.matches(dest)

    def on_track(self, track: str) -> bool:
        """Whether content counted on ``track`` can trigger the category."""
        return self.track in ("any", track)

    def to_dict(self) -> dict[str, object]:
        """The category as reports show it."""
        return {
            "id": self.id,
            "paragraph": self.paragraph,
            "title": self.title,
            "content": self.content.describe(),
            "item": self.item.describe() if self.item else None,
            "destinations": self.destinations.describe(),
            "condition": self.condition,
            "unsure": self.unsure,
            "source": self.source,
        }
