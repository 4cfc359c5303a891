"""Party screening: the Entity List (packaged extract) and a user's Consolidated Screening List.

Names match when they are equal after normalisation: case, accents, punctuation, ``&``/``and``,
a leading "The", legal-form suffixes (Co., Ltd., Inc., GmbH, S.A., OOO, ...) and bracketed
short names are all ignored, and every alternate name (and the affiliate named after
"Affiliated Entity:") is a key of its own. A fuzzy score (rapidfuzz) is only used to warn: a name
that merely resembles a listed one is reported as a *possible* match and never applied.

>>> normalize_name("Huawei Technologies Co., Ltd. (Huawei)")
'huawei technologies'
>>> normalize_name("  HUAWEI   TECHNOLOGIES CO LTD ")
'huawei technologies'
>>> normalize_name("Argut OOO"), normalize_name("Xi'an Huawei")
('argut', 'xian huawei')
>>> from bomtrace.fdpr.screening_sources import packaged_entity_list
>>> sl = packaged_entity_list()
>>> m = sl.match("Huawei Technologies")
>>> m.status, m.entries[0].name, m.entries[0].footnotes
('match', 'Huawei Technologies Co., Ltd. (Huawei)', (1,))
>>> sl.match("Huawai Technologies").status
'possible'
>>> sl.match("Bosch GmbH").status
'none'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

#: fuzzy score (0-100) from which a name that is not equal to a listed one is reported as a
#: possible match (never applied)
DEFAULT_POSSIBLE_MATCH_SCORE = 88.0

#: legal-form words removed from the end of a name (after punctuation is dropped)
_SUFFIX_TEXT = """co company corp corporation inc incorporated ltd limited llc plc gmbh ag sa
sas sarl srl spa bv nv ua kk pte pty pvt private oy ab aps jsc ojsc cjsc pjsc ooo zao pao oao
ao ltda sl lp llp kg se tbk bhd sdn ulc cv de rl"""
LEGAL_SUFFIXES = frozenset(_SUFFIX_TEXT.split())
_AFFILIATE = re.compile(r"affiliated entity:\s*", re.I)
_TRAILING = re.compile(r"\(([^()]*)\)[\s.,]*$")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")

#: FDP footnote markers in the CSL licence-requirement text (the superscript flattened to a
#: digit after the 734.9 citation or after the closing bracket; entity-list.json derivation)
_FOOTNOTE_PATTERNS = {
    1: re.compile(r"734\.9\(e\)\s*1(?![\dA-Za-z])"),
    3: re.compile(r"734\.9\(g\)\s*,?\s*3(?![\dA-Za-z])"),
    4: re.compile(r"734\.9\(e\)(?:\(2\))?[^)]*\)\s*\.?\s*4(?![\dA-Za-z])"),
    5: re.compile(r"734\.9\(e\)\(3\)[^)]*\)\s*5(?![\dA-Za-z])"),
}
_INFERRED = ((re.compile(r"734\.9\(g\)"), 3), (re.compile(r"734\.9\(e\)\(3\)"), 5))
_PLAIN_E = re.compile(r"734\.9\(e\)(?:\((2)\))?")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()


def _trailing(text: str) -> re.Match[str] | None:
    return _TRAILING.search(text)


def normalize_name(text: object, *, keep_trailing: bool = False) -> str:
    """Matching key of a party name: lower-case words without punctuation or legal suffixes.

    A bracketed part at the very end (a listed short name such as "(Huawei)") is dropped unless
    ``keep_trailing``; brackets inside a name ("Huawei Technologies (Australia) Pty Ltd.") keep
    their words.

    Parameters
    ----------
    text : object
        A name as listed or typed.
    keep_trailing : bool, optional
        Keep the words of a trailing bracketed part.

    Returns
    -------
    str
        Space-separated key; ``""`` for empty input.
    """
    if text is None:
        return ""
    s = _fold(str(text)).replace("&", " and ").replace("'", "").replace("\u2019", "")
    m = _trailing(s)
    if m and not keep_trailing and m.start() > 0:
        s = s[: m.start()]
    words = _NON_ALNUM.sub(" ", s).split()
    if words and words[0] == "the" and len(words) > 1:
        words = words[1:]
    while len(words) > 1 and words[-1] in LEGAL_SUFFIXES:
        words.pop()
    return " ".join(words)


def name_keys(name: str, alt_names: Iterable[str] = ()) -> set[str]:
    """Every key a listed party can be matched by: its name with and without a trailing
    bracketed short name, that short name itself, the name of an affiliate named after
    "Affiliated Entity:", and the same for each alternate name."""
    keys: set[str] = set()
    for n in (name, *alt_names):
        if not n:
            continue
        parts = _AFFILIATE.split(str(n))
        for p in {str(n), parts[-1]}:
            keys.add(normalize_name(p))
            keys.add(normalize_name(p, keep_trailing=True))
            m = _trailing(_fold(p))
            if m:
                keys.add(normalize_name(m.group(1)))
    keys.discard("")
    return keys


def parse_fdp_footnotes(license_requirement: str | None) -> tuple[tuple[int, ...], bool]:
    """FDP footnote numbers in a CSL licence-requirement text, and whether any was inferred.

    A footnote is read from its digit marker; a cited 734.9 paragraph without a digit gives the
    footnote that paragraph implies ((g) → 3, (e)(2) → 4, (e)(3) → 5, plain (e) → 4, the
    cautious guess: the footnote-4 inputs contain the footnote-1 inputs).

    >>> parse_fdp_footnotes("For all items, see §§ 734.9(e)1 and 744.11 of the EAR2")
    ((1,), False)
    >>> parse_fdp_footnotes("(See §§ 734.9(e) and 744.11 of the EAR)4")
    ((4,), False)
    >>> parse_fdp_footnotes("(See §§ 734.9(g), 746.8(a)(3), and 744.21(b) of the EAR)")
    ((3,), True)
    >>> parse_fdp_footnotes("For all items subject to the EAR. (See § 744.11 of the EAR)")
    ((), False)
    """
    text = license_requirement or ""
    found = {n for n, pat in _FOOTNOTE_PATTERNS.items() if pat.search(text)}
    if found or "734.9" not in text:
        return tuple(sorted(found)), False
    for pat, n in _INFERRED:
        if pat.search(text):
            return (n,), True
    if _PLAIN_E.search(text):
        return (4,), True
    return (), False


@dataclass(frozen=True)
class ListedParty:
    """One row of a screening list."""

    name: str
    alt_names: tuple[str, ...]
    countries: tuple[str, ...]
    footnotes: tuple[int, ...]  #: FDP footnotes (1, 3, 4, 5); empty when none
    list_name: str  #: e.g. "Entity List (EL) - Bureau of Industry and Security"
    license_requirement: str | None = None
    footnotes_inferred: bool = False
    origin: str = ""  #: where the row came from: packaged extract, or FILE row N
    #: the packaged extract dated from the Federal Register: the day the entry was added
    #: ("" for an entry listed before 2019 or a user's file) and whether a date it rests on is
    #: unsure
    listed_from: str = ""
    dates_unsure: bool = False

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "list": self.list_name,
            "fdp_footnotes": list(self.footnotes),
            "countries": list(self.countries),
            "license_requirement": self.license_requirement,
            "from": self.origin,
        }
        if self.footnotes_inferred:
            out["fdp_footnotes_inferred"] = True
        if self.listed_from:
            out["listed_from"] = self.listed_from
        if self.dates_unsure:
            out["dates_unsure"] = True
        return out


@dataclass(frozen=True)
class PartyMatch:
    """The outcome of screening one name."""

    query: str
    status: str  #: "match" (applied), "possible" (resembles; NOT applied) or "none"
    entries: tuple[ListedParty, ...] = ()
    score: float = 0.0  #: 100 for a match; the fuzzy score for a possible match
    key: str = ""  #: the normalised key that matched

    @property
    def footnotes(self) -> frozenset[int]:
        """FDP footnotes of the matched entries (empty unless status is "match")."""
        if self.status != "match":
            return frozenset()
        return frozenset(n for e in self.entries for n in e.footnotes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "status": self.status,
            "score": round(self.score, 1),
            "key": self.key,
            "entries": [e.to_dict() for e in self.entries],
        }


@dataclass
class ScreeningList:
    """Listed parties indexed by normalised key (several lists may be combined)."""

    entries: list[ListedParty] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)  #: what was loaded, for provenance
    _index: dict[str, list[int]] = field(default_factory=dict, repr=False)

    def add(self, parties: Sequence[ListedParty], label: str) -> None:
        """Add rows (and index their keys)."""
        for p in parties:
            i = len(self.entries)
            self.entries.append(p)
            for k in name_keys(p.name, p.alt_names):
                self._index.setdefault(k, []).append(i)
        self.labels.append(label)

    def match(
        self, name: str, *, possible_score: float = DEFAULT_POSSIBLE_MATCH_SCORE
    ) -> PartyMatch:
        """Screen one name.

        Parameters
        ----------
        name : str
            Party name as given by the user or a BOM cell.
        possible_score : float, optional
            Fuzzy score (0-100) from which a non-equal name is reported as a possible match.

        Returns
        -------
        PartyMatch
            ``match`` when the normalised name equals a key (entries with FDP footnotes first),
            ``possible`` with the closest entry when the fuzzy score reaches ``possible_score``,
            else ``none``.
        """
        key = normalize_name(name, keep_trailing=True)
        if key not in self._index:
            key = normalize_name(name)
        if not key:
            return PartyMatch(name, "none")
        hits = self._index.get(key)
        if hits:
            found = sorted({self.entries[i] for i in hits}, key=_entry_order)
            return PartyMatch(name, "match", tuple(found), 100.0, key)
        from rapidfuzz import process

        best = process.extractOne(
            key,
            list(self._index),
            scorer=_score,
            score_cutoff=possible_score,
        )
        if best is None:
            return PartyMatch(name, "none")
        cand, score, _ = best
        found = sorted({self.entries[i] for i in self._index[cand]}, key=_entry_order)
        return PartyMatch(name, "possible", tuple(found), float(score), cand)


def _score(a: str, b: str, **_: Any) -> float:
    """Fuzzy similarity 0-100: edit distance, word order, and (for names of two or more words)
    all the words of one name appearing in the other."""
    from rapidfuzz import fuzz

    best = max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b))
    wa, wb = set(a.split()), set(b.split())
    if min(len(wa), len(wb)) >= 2 and (wa <= wb or wb <= wa):
        best = max(best, fuzz.token_set_ratio(a, b))
    return float(best)


def _entry_order(e: ListedParty) -> tuple[Any, ...]:
    return (not e.footnotes, -len(e.alt_names), e.name, e.origin)
