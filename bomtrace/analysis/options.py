"""Options of a de minimis analysis, as one frozen dataclass (one field per CLI flag)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from bomtrace.settings import DEFAULT_ASSEMBLY_COST, DEFAULT_TOP_CONTRIBUTORS

AssemblyCost = Literal["rollup", "added", "total"]
ASSEMBLY_COST_CHOICES: tuple[str, ...] = ("rollup", "added", "total")


@dataclass(frozen=True)
class AnalysisOptions:
    """What to analyse and under which rules.

    Attributes
    ----------
    destinations : tuple of str
        Destination codes or names (``--destination``). Empty: China plus every E:1/E:2
        destination in force on ``as_of``.
    all_destinations : bool
        Every destination of the Country Chart (``--all-destinations``).
    as_of : datetime.date or None
        Date whose rules apply (``--as-of``); None = today.
    scenarios : tuple of str
        What-if scenario names (``--scenario``), reported side by side with the rule in force.
    end_user : str or None
        End user named for the shipment (``--end-user``); scenarios may depend on it. It never
        changes what counts as controlled content (15 CFR 734 Supp. 2 (a)(1)).
    assembly_cost : {"rollup", "added", "total"}
        How a cost stated on an assembly line is read (``--assembly-cost``): ``rollup`` (the
        assembly's value is the roll-up of its children; a stated cost is only compared),
        ``added`` (stated = the assembly's own value added) or ``total`` (stated = its total).
    top : int
        Number of top contributing parts listed per product and destination.
    assemblies : bool
        Also give verdicts for foreign-made sub-assemblies (under ``all_destinations`` only
        their compact summary).
    second_incorporation : bool
        ``--second-incorporation on|off``: a foreign-made sub-assembly flagged
        ``discrete_product`` contributes none of its US content to the items it is built into
        (BIS advisory opinion of 14 Sep 2009). Results show the ratio without the cut where it
        differs.
    made_in : str or None
        ``--made-in CC``: ISO code of the country the foreign-made items are made in (exported
        from); a Supp. No. 3 to Part 746 country triggers the partner-country carve-out for
        Russia and Belarus.
    """

    destinations: tuple[str, ...] = ()
    all_destinations: bool = False
    as_of: date | None = None
    scenarios: tuple[str, ...] = ()
    end_user: str | None = None
    assembly_cost: AssemblyCost = DEFAULT_ASSEMBLY_COST  # type: ignore[assignment]
    top: int = DEFAULT_TOP_CONTRIBUTORS
    assemblies: bool = True
    second_incorporation: bool = True
    made_in: str | None = None
