"""A capped issue collector shared by the graph and analysis stages."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from bomtrace.issues import Issue, IssueCode, Severity
from bomtrace.settings import DEFAULT_LIMIT_ISSUES

if TYPE_CHECKING:
    import pandas as pd

    from bomtrace.io.table import BomTable


class IssueCollector:
    """Collect issues, keeping at most ``limit`` of each code.

    The overflow is counted, and :meth:`finish` appends one summary issue per capped code
    (``data``: ``count`` in all, ``omitted`` not listed) so nothing disappears silently. A
    summary among issues handed on (:meth:`extend`) adds its omitted issues to the count.

    >>> c = IssueCollector(limit=1)
    >>> c.add(IssueCode.MISSING_PRICE, "a"); c.add(IssueCode.MISSING_PRICE, "b")
    >>> done = c.finish()
    >>> [i.message for i in done]
    ['a', '1 more missing-price issue(s) not listed (limit 1 per code).']
    >>> done[-1].data
    {'count': 2, 'omitted': 1}
    >>> later = IssueCollector(limit=1)
    >>> later.extend(done); later.add(IssueCode.MISSING_PRICE, "c")
    >>> later.finish()[-1].data
    {'count': 3, 'omitted': 2}
    """

    def __init__(self, limit: int = DEFAULT_LIMIT_ISSUES) -> None:
        self.limit = limit
        self.issues: list[Issue] = []
        self._counts: Counter[IssueCode] = Counter()
        self._listed: Counter[IssueCode] = Counter()

    def add(self, code: IssueCode, message: str, **kw: Any) -> None:
        """Add one issue (dropped and counted when its code is over the limit)."""
        self._counts[code] += 1
        if self._counts[code] <= self.limit:
            self.issues.append(Issue(code, message, **kw))
            self._listed[code] += 1

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
        """Add already-built issues, respecting the cap; a summary of issues not listed (an
        earlier collector's) adds them to the count instead."""
        for i in issues:
            omitted = omitted_count(i)
            if omitted is not None:
                self._counts[i.code] += omitted
                continue
            self._counts[i.code] += 1
            if self._counts[i.code] <= self.limit:
                self.issues.append(i)
                self._listed[i.code] += 1

    def count(self, code: IssueCode) -> int:
        """How many issues of ``code`` were added (listed or not)."""
        return self._counts[code]

    def finish(self) -> list[Issue]:
        """The collected issues plus one summary per capped code."""
        out = list(self.issues)
        for code, n in sorted(self._counts.items(), key=lambda kv: kv[0].value):
            extra = n - self._listed[code]
            if extra > 0:
                out.append(
                    Issue(
                        code,
                        f"{extra} more {code.value} issue(s) not listed "
                        f"(limit {self.limit} per code).",
                        severity=Severity.INFO,
                        data={"count": n, "omitted": extra},
                    )
                )
        return out


class RowPositions:
    """Where the rows of a frame with position columns (``_file``, ``_sheet``, ``_row``) are,
    for positioned issues: :meth:`at` gives an issue's ``file``, ``sheet``, ``row`` and the
    column letter of a field."""

    def __init__(self, table: BomTable, frame: pd.DataFrame) -> None:
        self._letter = table.letter
        self.files, self.sheets = frame["_file"].array, frame["_sheet"].array
        self.rows = frame["_row"].to_numpy()

    def at(self, j: int, field: str) -> dict[str, Any]:
        """The position of row ``j``, in the column of ``field``."""
        f, s = self.files[j], self.sheets[j]
        column = self._letter(str(f), s, field)
        return {"file": f, "sheet": s, "row": int(self.rows[j]), "column": column}


def omitted_count(issue: Issue) -> int | None:
    """How many issues a summary of issues not listed stands for (None: not a summary)."""
    d = issue.data
    if issue.row is None and issue.part_number is None and "omitted" in d and "count" in d:
        return int(d["omitted"])
    return None
