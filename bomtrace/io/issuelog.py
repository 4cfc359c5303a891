"""Collect reader issues with a cap per code, building Issue objects only for rows that are kept.

Bad rows are found with vectorised masks; only the first ``limit`` rows of each code become
:class:`~bomtrace.issues.Issue` objects, the rest are counted and reported in one summary issue
per code (``data``: ``count`` in all, ``omitted`` not listed), so a million bad cells cost no
more than a thousand.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from bomtrace.issues import Issue, IssueCode, sort_issues
from bomtrace.settings import DEFAULT_LIMIT_ISSUES


class IssueLog:
    """Issues found while reading, capped per code.

    Parameters
    ----------
    limit : int, default :data:`~bomtrace.settings.DEFAULT_LIMIT_ISSUES`
        Issues kept per code; the rest are counted.

    Examples
    --------
    >>> from bomtrace.io.issuelog import IssueLog
    >>> from bomtrace.issues import Issue, IssueCode
    >>> log = IssueLog(limit=1)
    >>> log.add(Issue(IssueCode.BAD_FLAG, "a"))
    >>> log.add(Issue(IssueCode.BAD_FLAG, "b"))
    >>> [i.message for i in log.issues()]
    ['a', "1 more 'bad-flag' issue not listed (limit 1 per code)."]
    """

    def __init__(self, limit: int = DEFAULT_LIMIT_ISSUES) -> None:
        self.limit = limit
        self._kept: list[Issue] = []
        self._count: dict[IssueCode, int] = {}

    def room(self, code: IssueCode) -> int:
        """How many more issues of ``code`` will be kept."""
        return max(self.limit - self._count.get(code, 0), 0)

    def add(self, issue: Issue) -> None:
        """Keep one issue (or only count it when its code is over the limit)."""
        if self.room(issue.code):
            self._kept.append(issue)
        self._count[issue.code] = self._count.get(issue.code, 0) + 1

    def add_rows(self, code: IssueCode, mask: np.ndarray, build: Callable[[int], Issue]) -> int:
        """Add one issue per True position of ``mask``; ``build(i)`` makes the issue for row i.

        Returns
        -------
        int
            How many positions were flagged (kept or only counted).
        """
        idx = np.flatnonzero(mask)
        for i in idx[: self.room(code)]:
            self._kept.append(build(int(i)))
        self._count[code] = self._count.get(code, 0) + len(idx)
        return len(idx)

    def issues(self) -> list[Issue]:
        """Kept issues in file/sheet/row order, then one summary issue per capped code."""
        out = sort_issues(self._kept)
        for code, n in self._count.items():
            extra = n - self.limit
            if extra > 0:
                s = "" if extra == 1 else "s"
                out.append(
                    Issue(
                        code,
                        f"{extra} more '{code.value}' issue{s} not listed "
                        f"(limit {self.limit} per code).",
                        data={"count": n, "omitted": extra},
                    )
                )
        return out
