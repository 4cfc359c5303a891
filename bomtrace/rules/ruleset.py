"""The dated ruleset: the 2026 snapshot with the dated changes applied for one ``as_of`` date.

>>> rs = load_ruleset(date(2020, 8, 17))
>>> [d.code for d in rs.default_destinations()]
['CN', 'CU', 'IR', 'KP', 'SD', 'SY']
>>> rs.destination("Sudan").threshold, rs.destination("China").threshold
(0.1, 0.25)
>>> rs.control("3A991", rs.destination("CN")).status
'not-controlled'
"""

from __future__ import annotations

import difflib
from dataclasses import replace
from datetime import date, datetime
from functools import lru_cache

from bomtrace.countries import country_name, normalize_country
from bomtrace.eccn import is_eccn_syntax, normalize_eccn, split_eccn
from bomtrace.errors import RulesetError, UnknownDestination, UsageError
from bomtrace.rules.ccl_dated import DatedCcl
from bomtrace.rules.controls import decide
from bomtrace.rules.limits import destination_limits, fdpr_limits
from bomtrace.rules.load import RulesetData, load_data
from bomtrace.rules.load_deminimis import Exclusion
from bomtrace.rules.model import ControlDecision, Destination, Limit, RulesetInfo, Scenario
from bomtrace.rules.zero import ZeroDeMinimis

_UNKNOWN = (
    "Unknown destination {!r}. Use an ISO country code such as CN or DE, or a country "
    "name; `bomtrace rules --destinations` lists them."
)


class Ruleset:
    """Export-control facts as they stood on one date.

    Build it with :func:`load_ruleset`, which caches one instance per date.

    Parameters
    ----------
    as_of : datetime.date
        The date the rules are evaluated for.
    data : RulesetData
        The packaged data from :func:`bomtrace.rules.load.load_data`.
    """

    def __init__(self, as_of: date, data: RulesetData) -> None:
        self._data = data
        self._as_of = as_of
        self._partners = frozenset(
            c for r in data.partner_countries if r.when.in_force(as_of) for c in r.countries
        )
        self._zero = tuple(z.rule for z in data.zero if z.when.in_force(as_of))
        self._ccl = DatedCcl(data.ccl, data.ccl_log, as_of)
        self._destinations = {code: self._build(code) for code in self._codes()}
        named = {c for z in self._zero for c in z.destinations.countries}
        for e in self._ccl.entries.values():
            for c in e.controls:
                if c.dest_scope is not None:
                    named |= c.dest_scope.countries | c.dest_scope.except_countries
        self._named = frozenset(named)
        whens = [
            *(c.when for c in data.group_changes),
            *(c.when for c in data.mark_changes),
            *(c.when for c in data.thresholds),
            *(c.when for c in data.embargoes),
            *(c.when for c in data.territories),
            *(c.when for c in data.listed_ear99),
            *(c.when for c in data.partner_carveouts),
            *(c.when for c in data.partner_countries),
            *(z.when for z in data.zero),
            *(s.when for s in data.ccl_log.scopes),
        ]
        used = [w.citation + (" [unsure]" if w.unsure else "") for w in whens if w.in_force(as_of)]
        self.info = RulesetInfo(
            as_of=as_of,
            data_version=data.data_version,
            sources=tuple(dict.fromkeys([*data.base_sources, *used])),
        )

    # -------------------------------------------------------------- destinations
    def _codes(self) -> list[str]:
        d = self._data
        return sorted({*d.rows, *d.embargoed, *d.inherits, *d.regions})

    def _build(self, code: str) -> Destination:
        d, day = self._data, self._as_of
        row = d.inherits.get(code, code)
        marks = set(d.rows.get(row, frozenset()))
        for m in d.mark_changes:
            if m.country == row and m.when.in_force(day):
                marks = (marks | m.add) - m.remove
        groups = set(d.groups.get(row, frozenset()))
        for g in d.group_changes:
            if g.country == row and g.when.in_force(day):
                if g.member:
                    groups.add(g.group)
                else:
                    groups.discard(g.group)
        embargo = next((e for e in d.embargoes if e.country == code and e.when.in_force(day)), None)
        listed = "; ".join(  # the lists are cumulative: every one in force is cited
            r.when.citation for r in d.listed_ear99 if code in r.countries and r.when.in_force(day)
        )
        carve = next(
            (r for r in d.partner_carveouts if code in r.countries and r.when.in_force(day)), None
        )
        threshold = next(
            (t for t in d.thresholds if t.when.in_force(day) and t.groups & groups), None
        )
        threshold = threshold or next(
            (t for t in d.thresholds if t.when.in_force(day) and not t.groups), None
        )
        if threshold is None:
            raise RulesetError(f"changes.toml has no default threshold in force on {day}")
        return Destination(
            code=code,
            name=country_name(code),
            groups=frozenset(groups),
            chart_marks=frozenset(marks),
            embargo=embargo.level if embargo else None,
            embargo_source=embargo.when.citation if embargo else None,
            threshold=threshold.value,
            threshold_source=threshold.when.citation,
            embargo_categories=embargo.categories if embargo else frozenset(),
            listed_ear99=listed or None,
            partner_carveout=carve.when.citation if carve else None,
            partner_eccns=carve.eccns if carve else frozenset(),
            region_of=d.regions.get(code),
        )

    def destination(self, text: str) -> Destination:
        """Look a destination up by ISO-2 or ISO-3 code, name or alias (case-insensitive).

        Parameters
        ----------
        text : str
            What the user typed, e.g. ``"CN"``, ``"chn"``, ``"China"``, ``"Hong Kong"``.

        Returns
        -------
        Destination
            The destination on the ruleset date. A territory treated as another destination
            (Hong Kong from 2020-12-23) returns that destination.

        Raises
        ------
        UnknownDestination
            When the text names no destination the data covers on this date.
        """
        code = normalize_country(text)
        if code is None:
            raise UnknownDestination(_UNKNOWN.format(str(text).strip()) + _suggest(str(text)))
        for t in self._data.territories:
            if t.code == code:
                if t.when.in_force(self._as_of):
                    code = t.treated_as
                    break
                raise UnknownDestination(t.before)
        if code in self._destinations:
            return self._destinations[code]
        if code == "US":
            raise UnknownDestination(
                "'US' is the United States: not an export destination. Give the country the "
                "foreign-made item is exported to, e.g. CN or DE."
            )
        raise UnknownDestination(_UNKNOWN.format(str(text).strip()))

    def destinations(self) -> list[Destination]:
        """Every destination in force on the ruleset date, sorted by code."""
        return [self._destinations[c] for c in sorted(self._destinations)]

    def default_destinations(self) -> list[Destination]:
        """The destinations analysed when none is given: China plus every E:1/E:2 member.

        Returns
        -------
        list of Destination
            Sorted by code; which countries and groups is data (``changes.toml``).
        """
        d = self._data
        return [
            dest
            for code, dest in sorted(self._destinations.items())
            if code in d.default_countries or dest.groups & set(d.default_groups)
        ]

    def class_key(self, dest: Destination) -> tuple[object, ...]:
        """Key under which destinations share every control decision and the threshold.

        Destinations with equal keys have the same chart marks, embargo, threshold, Country
        Groups and chart footnotes, so :meth:`control` gives them identical decisions (the
        reasons never name the destination) and analyses can run once per class.

        Parameters
        ----------
        dest : Destination
            A destination from this ruleset.

        Returns
        -------
        tuple
            Hashable key.
        """
        row = self._data.inherits.get(dest.code, dest.code)
        return (
            tuple(sorted(dest.chart_marks)),
            dest.embargo,
            dest.embargo_source,
            tuple(sorted(dest.embargo_categories)),
            dest.listed_ear99,
            dest.partner_carveout,
            tuple(sorted(dest.partner_eccns)),
            dest.threshold,
            dest.threshold_source,
            tuple(sorted(dest.groups)),
            self._data.footnotes.get(row, ()),
            # destinations named one by one in a CCL destination scope or a 734.4(a)
            # category (China, Russia, Macau, ...) get a class of their own
            dest.code if dest.code in self._named else None,
            dest.region_of if dest.region_of in self._named else None,
        )

    # -------------------------------------------------------------- controls
    def control(
        self,
        eccn: str | None,
        dest: Destination,
        *,
        made_in: str | None = None,
        listed_ear99: bool | None = None,
    ) -> ControlDecision:
        """Whether US-origin content classified ``eccn`` counts as controlled for ``dest``.

        Parameters
        ----------
        eccn : str or None
            ECCN as given (any case, with or without paragraph), ``EAR99``, or None.
        dest : Destination
            A destination from this ruleset.
        made_in : str, optional
            ISO code of the country the foreign-made item is made in (exported from); a
            Supp. No. 3 to Part 746 country triggers the partner-country carve-out where the
            destination has one.
        listed_ear99 : bool or None, optional
            For EAR99 content: whether the item is on a Part 746 list (None = not known).

        Returns
        -------
        ControlDecision
            Status ``controlled`` / ``possible`` / ``not-controlled`` / ``unknown`` with reason
            and citation. Entity List status never enters (regulatory.md 0.1 #1).
        """
        not_yet = self._ccl.unknown_on_date(eccn) if dest.embargo != "all" else None
        if not_yet is not None:
            return not_yet
        out = decide(
            eccn,
            dest,
            self._ccl.entries,
            self._data.all_destinations,
            partner=self.is_partner(made_in),
            listed_ear99=listed_ear99,
        )
        limits = self._ccl.limits_of(eccn)
        if limits and (dest.embargo is None or out.source != dest.embargo_source):
            out = replace(out, limits=limits)  # the decision rests on a dated scope
        return out

    def limits(self, dest: Destination) -> list[Limit]:
        """What de minimis results for ``dest`` on the ruleset date rest on that bomtrace does
        not model or could not confirm (:func:`bomtrace.rules.limits.destination_limits`)."""
        return destination_limits(self._data, self._as_of, dest)

    def fdpr_limits(self) -> list[str]:
        """What the FDPR run does not model on the ruleset date (e.g. the Affiliates rule)."""
        return fdpr_limits(self._data, self._as_of)

    def is_partner(self, country: str | None) -> bool:
        """Whether ``country`` (ISO code) is in Supp. No. 3 to Part 746 on the ruleset date."""
        return country is not None and country in self._partners

    def partner_countries(self) -> list[str]:
        """Supp. No. 3 to Part 746 countries in force on the ruleset date, sorted."""
        return sorted(self._partners)

    def zero_de_minimis(self, dest: Destination | None = None) -> list[ZeroDeMinimis]:
        """734.4(a) categories in force on the ruleset date (those reaching ``dest`` if given)."""
        return [z for z in self._zero if dest is None or z.reaches(dest)]

    def exclusions(self) -> list[Exclusion]:
        """Content Supp. No. 2 (a)(1) excludes, by per-part flag (GBS, short supply)."""
        return list(self._data.exclusions)

    def note(self, table: str, key: str) -> str:
        """A cited note of ``deminimis.toml`` (``tracks`` or ``second_incorporation``)."""
        rec = self._data.tracks if table == "tracks" else self._data.second_incorporation
        return rec[key]

    def eccn_known(self, eccn: str) -> bool:
        """True when ``eccn`` is EAR99 or its entry (first five characters) is in the CCL data."""
        norm = normalize_eccn(eccn)
        if norm == "EAR99":
            return True
        return bool(norm and is_eccn_syntax(norm) and split_eccn(norm)[0] in self._data.ccl)

    # -------------------------------------------------------------- scenarios
    def scenarios(self) -> list[Scenario]:
        """All packaged what-if scenarios, sorted by name."""
        return list(self._data.scenarios)

    def scenario(self, name: str) -> Scenario:
        """Return the scenario called ``name``.

        Raises
        ------
        UsageError
            When no scenario has that name; the message lists the valid names.
        """
        for s in self._data.scenarios:
            if s.name == name.strip():
                return s
        valid = ", ".join(s.name for s in self._data.scenarios)
        raise UsageError(f"Unknown scenario {name!r}. Valid scenarios: {valid}.")


def _suggest(text: str) -> str:
    if len(text.strip()) <= 3:  # codes: a "close" code is more often wrong than helpful
        return ""
    names = {rec["name"].lower(): code for code, rec in load_data().countries.items()}
    for code, rec in load_data().countries.items():
        names.update({alias: code for alias in rec["aliases"]})
    close = difflib.get_close_matches(text.strip().lower(), list(names), n=1, cutoff=0.75)
    if not close:
        return ""
    code = names[close[0]]
    return f" Did you mean {country_name(code)} ({code})?"


def as_date(value: date | str | None) -> date | None:
    """A date given as ``datetime.date`` or ISO text (``"2020-08-17"``); None stays None.

    >>> as_date("2020-08-17"), as_date(None)
    (datetime.date(2020, 8, 17), None)

    Raises
    ------
    bomtrace.errors.UsageError
        When the text is not a date in YYYY-MM-DD form.
    """
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, datetime):
        return value.date()
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise UsageError(
            f"as_of {value!r} is not a date: give a datetime.date or YYYY-MM-DD, e.g. 2020-08-17."
        ) from None


def load_ruleset(as_of: date | str | None = None) -> Ruleset:
    """Return the ruleset in force on ``as_of`` (cached per date).

    Parameters
    ----------
    as_of : datetime.date or str, optional
        Date of the export (or its ISO text). None = today. Dates after the data snapshot use
        the snapshot.

    Returns
    -------
    Ruleset

    Raises
    ------
    RulesetError
        When ``as_of`` is before the earliest supported date, or the packaged data is invalid.
    """
    return _ruleset_for(as_date(as_of) or date.today())


@lru_cache(maxsize=32)
def _ruleset_for(day: date) -> Ruleset:
    data = load_data()
    if day < data.earliest:
        raise RulesetError(
            f"as_of {day} is before the earliest date the ruleset supports ({data.earliest}). "
            f"Supported: {data.earliest} onwards; dates after the {data.snapshot} eCFR snapshot "
            "use the snapshot."
        )
    return Ruleset(day, data)
