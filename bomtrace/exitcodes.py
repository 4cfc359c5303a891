"""The exit codes of every ``bomtrace`` command, in one place (README "Exit codes").

A release gate runs ``bomtrace analyze`` and passes only on :data:`OK`. Every other code stops
it: a product that is (or may be) subject to the EAR, a product that could not be analysed, an
input or usage error, or a defect in bomtrace itself.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """What a run's exit status means."""

    #: every product was analysed and none is subject, undetermined or caught by an FDP rule
    OK = 0
    #: the analysis ran and some product is subject to the EAR (US-origin, de minimis, a
    #: 734.4(a) category), undetermined because data is missing, or caught by an FDP rule
    FLAGGED = 1
    #: usage or input error: nothing was analysed; the message says what was wrong and what
    #: would be valid
    USAGE = 2
    #: some product (or the explained part or product) could not be analysed (a cycle, an
    #: unusable quantity or value below it, no product at all); takes precedence over FLAGGED
    INCOMPLETE = 3
    #: an internal error (a defect in bomtrace): one line on stderr, the traceback with --debug
    INTERNAL = 4


#: the codes a command may end with
DOCUMENTED = frozenset(int(c) for c in ExitCode)
