"""A capped issue collector shared by the graph and analysis stages."""

from __future__ import annotations

from collections import Counter
from typing import Any

from bomtrace.issues import Issue, IssueCode, Severity
from bomtrace.settings import DEFAULT_LIMIT_ISSUES


class IssueCollector:
    """Collect issues, keeping at most ``limit`` of each code.

    The overflow is counted, and :meth:`finish` appends one summary issue per capped code so
    nothing disappears silently.

    >>> c = IssueCollector(limit=1)
    >>> c.add(IssueCode.MISSING_PRICE, "a"); c.add(IssueCode.MISSING_PRICE, "b")
    >>> [i.message for i in c.finish()]
    ['a', '1 more missing-price issue(s) not listed (limit 1 per code).']
    """

    def __init__(self, limit: int = DEFAULT_LIMIT_ISSUES) -> None:
        self.limit = limit
        self.issues: list[Issue] = []
        self._counts: Counter[IssueCode] = Counter()

    def add(self, code: IssueCode, message: str, **kw: Any) -> None:
        """Add one issue (dropped and counted when its code is over the limit)."""
        self._counts[code] += 1
        if self._counts[code] <= self.limit:
            self.issues.append(Issue(code, message, **kw))

    def over(self, code: IssueCode) -> bool:
        """True when the next issue of ``code`` would only be counted: callers with costly
        messages then :meth:`tally` it instead of building the message."""
        return self._counts[code] >= self.limit

    def tally(self, code: IssueCode, count: int = 1) -> None:
        """Count ``count`` issues of ``code`` over the limit (see :meth:`over`)."""
        self._counts[code] += count

    def room(self, code: IssueCode) -> int:
        """How many more issues of ``code`` would be listed; a caller with many issues of
        one code builds that many and :meth:`tally` the rest."""
        return max(0, self.limit - self._counts[code])

    def extend(self, issues: list[Issue]) -> None:
        """Add already-built issues, respecting the cap."""
        for i in issues:
            self._counts[i.code] += 1
            if self._counts[i.code] <= self.limit:
                self.issues.append(i)

    def count(self, code: IssueCode) -> int:
        """How many issues of ``code`` were added (listed or not)."""
        return self._counts[code]

    def finish(self) -> list[Issue]:
        """The collected issues plus one summary per capped code."""
        out = list(self.issues)
        for code, n in sorted(self._counts.items(), key=lambda kv: kv[0].value):
            if n > self.limit:
                out.append(
                    Issue(
                        code,
                        f"{n - self.limit} more {code.value} issue(s) not listed "
                        f"(limit {self.limit} per code).",
                        severity=Severity.INFO,
                        data={"count": n},
                    )
                )
        return out
