"""Validity windows of dated ruleset entries, and the date parsing of the TOML files."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from bomtrace.errors import RulesetError


@dataclass(frozen=True)
class Dated:
    """Validity window of a dated entry; both ends inclusive, ``None`` = open."""

    effective: date | None
    until: date | None
    citation: str
    unsure: bool

    def in_force(self, day: date) -> bool:
        """True when the entry applies on ``day``.

        Parameters
        ----------
        day : datetime.date
            The ruleset date.

        Returns
        -------
        bool
            ``effective <= day <= until``, open ends always satisfied.
        """
        return (self.effective is None or self.effective <= day) and (
            self.until is None or day <= self.until
        )


#: how far from an unsure entry's window results are still flagged: when the date of a change
#: is not confirmed, the days on either side of it are in doubt too
NEAR = timedelta(days=365)


def near_unsure(when: Dated, day: date) -> bool:
    """Whether ``when`` is unsure and ``day`` lies in its window or within :data:`NEAR` of it."""
    if not when.unsure:
        return False
    return (when.effective is None or when.effective - NEAR <= day) and (
        when.until is None or day <= when.until + NEAR
    )


def parse_date(value: Any, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise RulesetError(f"ruleset data, {where}: {value!r} is not a YYYY-MM-DD date") from exc


def dated(entry: dict[str, Any], where: str) -> Dated:
    if "citation" not in entry or "source" not in entry:
        raise RulesetError(f"ruleset data, {where}: every entry needs `citation` and `source`")
    eff, until = entry.get("effective"), entry.get("until")
    return Dated(
        effective=None if eff is None else parse_date(eff, where),
        until=None if until is None else parse_date(until, where),
        citation=str(entry["citation"]),
        unsure=bool(entry.get("unsure", False)),
    )
