"""Named defaults, in one place."""

from __future__ import annotations

#: Cap on issues of one code kept per run (the rest are counted in a summary issue).
DEFAULT_LIMIT_ISSUES = 1000
#: Destinations analysed when none is given: China plus the E:1/E:2 destinations in force.
DEFAULT_DESTINATIONS: tuple[str, ...] = ("CN",)
DEFAULT_ADD_E_GROUPS = True
#: Number of top contributing parts listed per product and destination.
DEFAULT_TOP_CONTRIBUTORS = 5
#: Assembly cost convention: "rollup" | "added" | "total" (design.md §3).
DEFAULT_ASSEMBLY_COST = "rollup"
#: Relative tolerance when comparing a stated assembly cost with its roll-up.
COST_MISMATCH_RTOL = 0.005
#: Report currency.
DEFAULT_CURRENCY = "USD"
#: Rows scanned from the top of a sheet to find the header row.
HEADER_SCAN_ROWS = 30
