"""Dated export-control rulesets as packaged data (``bomtrace/rules/data``).

>>> from datetime import date
>>> rs = load_ruleset(date(2021, 6, 1))
>>> rs.destination("cn").name, rs.destination("SD").threshold
('China', 0.25)
"""

from bomtrace.rules.model import (
    ControlDecision,
    ControlStatus,
    Destination,
    EmbargoLevel,
    RulesetInfo,
    Scenario,
    ThresholdOverride,
)
from bomtrace.rules.ruleset import Ruleset, load_ruleset

__all__ = [
    "ControlDecision",
    "ControlStatus",
    "Destination",
    "EmbargoLevel",
    "Ruleset",
    "RulesetInfo",
    "Scenario",
    "ThresholdOverride",
    "load_ruleset",
]
