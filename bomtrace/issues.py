"""Findings about the data: stable codes, severities, positions and messages.

Every problem bomtrace finds in a BOM (a bad quantity, a cycle, a missing price, a part that
drives a verdict) is an :class:`Issue`. Issues are results, not exceptions: reading, building
the graph and analysing go on past them wherever that is safe.

Positions are what the user sees in Excel: ``file``, ``sheet``, 1-based ``row`` (header rows
counted, as Excel numbers them), ``column`` (letter, or header text for CSV when no letter
applies) and ``part_number``.

>>> i = Issue(IssueCode.BAD_QUANTITY, "Quantity 'abc' is not a number.", file="bom.csv",
...           row=7, column="C", part_number="R1")
>>> i.code.value, i.severity.value, i.row
('bad-quantity', 'error', 7)
>>> i.to_dict()["code"]
'bad-quantity'
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bomtrace.issue_codes import DEFAULT_SEVERITY, IssueCode, Severity
from bomtrace.settings import DEFAULT_LIMIT_ISSUES

#: Field order of :meth:`Issue.to_dict` (stable for JSON/CSV/xlsx output).
ISSUE_FIELDS: tuple[str, ...] = (
    "code", "severity", "message", "file", "sheet", "row", "column", "part_number"
)  # fmt: skip


@dataclass(frozen=True)
class Issue:
    """One finding, with the position the user can find it at.

    Parameters
    ----------
    code : IssueCode
        Stable machine-readable code.
    message : str
        Full sentence for people; says what was wrong and, where possible, what would be valid.
    severity : Severity, optional
        Defaults to :data:`DEFAULT_SEVERITY` for the code.
    file, sheet : str, optional
        Source file name (as given) and sheet name (``None`` for CSV).
    row : int, optional
        1-based row number as Excel (or a text editor, for CSV) shows it.
    column : str, optional
        Column letter (``"C"``) where known, else the header text.
    part_number : str, optional
        Part number the finding is about.
    data : dict, optional
        Extra structured evidence (e.g. the cycle path), carried into JSON as ``data``.
    """

    code: IssueCode
    message: str
    severity: Severity | None = None
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    part_number: str | None = None
    data: dict[str, Any] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if self.severity is None:
            object.__setattr__(self, "severity", DEFAULT_SEVERITY.get(self.code, Severity.WARNING))
        # positions arrive from pandas: NaN means "none", numpy ints become ints
        for name in ("file", "sheet", "column", "part_number"):
            v = getattr(self, name)
            if v is not None and not isinstance(v, str):
                object.__setattr__(self, name, None if v != v else str(v))
        if self.row is not None:
            object.__setattr__(self, "row", None if self.row != self.row else int(self.row))

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (snake_case keys, ``None`` for unknown positions)."""
        out: dict[str, Any] = {
            "code": self.code.value,
            "severity": self.severity.value if self.severity else None,
            "message": self.message,
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "part_number": self.part_number,
        }
        if self.data:
            out["data"] = self.data
        return out

    def position(self) -> str:
        """Human-readable position, e.g. ``bom.xlsx, sheet 'BOM', row 7, column C``."""
        bits = []
        if self.file:
            bits.append(self.file)
        if self.sheet:
            bits.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            bits.append(f"row {self.row}")
        if self.column:
            bits.append(f"column {self.column}")
        return ", ".join(bits)


def issue_tuples(issues: Iterable[Issue], fields: Sequence[str]) -> list[tuple[Any, ...]]:
    """Compact tuples of selected fields, for assertions in tests.

    >>> issue_tuples([Issue(IssueCode.BAD_QUANTITY, "x", row=3, column="C")],
    ...              ("row", "column", "code"))
    [(3, 'C', 'bad-quantity')]
    """
    out = []
    for i in issues:
        d = i.to_dict()
        out.append(tuple(d.get(f) for f in fields))
    return out


def sort_issues(issues: Iterable[Issue]) -> list[Issue]:
    """Deterministic order: by file, sheet, row, column, code, part number, message."""

    def key(i: Issue) -> tuple[Any, ...]:
        return (
            i.file or "",
            i.sheet or "",
            i.row if i.row is not None else -1,
            i.column or "",
            i.code.value,
            i.part_number or "",
            i.message,
        )

    return sorted(issues, key=key)


class IssueLog:
    """The issues of a run, at most ``limit`` listed per code; the rest are counted.

    Every stage writes to one (the readers, the graph build, the analyses). Issues over the
    cap are not built at all when a caller asks first (:meth:`room`, :meth:`over`,
    :meth:`add_rows`), so a million bad cells cost no more than a thousand. :meth:`finish`
    appends one summary per capped code (``data``: ``count`` in all, ``omitted`` not
    listed), so nothing disappears silently; a log that takes over another's issues
    (:meth:`extend`) adds a summary's omitted issues to its count.

    >>> log = IssueLog(limit=1)
    >>> log.add(IssueCode.MISSING_PRICE, "a"); log.add(Issue(IssueCode.MISSING_PRICE, "b"))
    >>> done = log.finish()
    >>> [i.message for i in done]
    ['a', "1 more 'missing-price' issue not listed (limit 1 per code)."]
    >>> done[-1].data, done[-1].severity.value
    ({'count': 2, 'omitted': 1}, 'info')
    >>> later = IssueLog(limit=1)
    >>> later.extend(done); later.add(IssueCode.MISSING_PRICE, "c")
    >>> later.finish()[-1].data
    {'count': 3, 'omitted': 2}
    """

    def __init__(self, limit: int = DEFAULT_LIMIT_ISSUES) -> None:
        self.limit = limit
        self.issues: list[Issue] = []
        self._counts: dict[IssueCode, int] = {}
        self._listed: dict[IssueCode, int] = {}

    def add(self, issue: Issue | IssueCode, message: str = "", **kw: Any) -> None:
        """List one issue — built, or built here from its code, message and fields — or only
        count it when its code is over the cap."""
        code = issue.code if isinstance(issue, Issue) else issue
        n = self._counts[code] = self._counts.get(code, 0) + 1
        if n <= self.limit:
            self.issues.append(issue if isinstance(issue, Issue) else Issue(code, message, **kw))
            self._listed[code] = self._listed.get(code, 0) + 1

    def add_rows(self, code: IssueCode, mask: Any, build: Callable[[int], Issue]) -> int:
        """One issue per True position of the boolean array ``mask``, ``build(i)`` making the
        issue of position ``i`` (only for those listed). Returns how many positions there
        were."""
        import numpy as np

        idx = np.flatnonzero(mask)
        for i in idx[: self.room(code)].tolist():
            self.issues.append(build(i))
            self._listed[code] = self._listed.get(code, 0) + 1
        self._counts[code] = self._counts.get(code, 0) + len(idx)
        return len(idx)

    def room(self, code: IssueCode) -> int:
        """How many more issues of ``code`` would be listed: a caller with many issues of one
        code builds that many and :meth:`tally` the rest."""
        return max(0, self.limit - self._counts.get(code, 0))

    def over(self, code: IssueCode) -> bool:
        """True when the next issue of ``code`` would only be counted: callers with costly
        messages then :meth:`tally` it instead of building the message."""
        return self.room(code) == 0

    def tally(self, code: IssueCode, count: int = 1) -> None:
        """Count ``count`` issues of ``code`` over the cap (see :meth:`over`)."""
        self._counts[code] = self._counts.get(code, 0) + count

    def count(self, code: IssueCode) -> int:
        """How many issues of ``code`` were added (listed or not)."""
        return self._counts.get(code, 0)

    def extend(self, issues: Iterable[Issue]) -> None:
        """Add issues built elsewhere, within the cap; a summary of issues not listed (another
        log's) adds them to the count instead."""
        for i in issues:
            omitted = omitted_count(i)
            if omitted is not None:
                self.tally(i.code, omitted)
            else:
                self.add(i)

    def finish(self, *, sort: bool = False) -> list[Issue]:
        """The listed issues (in :func:`sort_issues` order with ``sort``, else as added), then
        one summary per capped code, by code."""
        out = sort_issues(self.issues) if sort else list(self.issues)
        for code in sorted(self._counts, key=lambda c: c.value):
            n, extra = self._counts[code], self._counts[code] - self._listed.get(code, 0)
            if extra > 0:
                s = "" if extra == 1 else "s"
                out.append(
                    Issue(
                        code,
                        f"{extra} more '{code.value}' issue{s} not listed "
                        f"(limit {self.limit} per code).",
                        severity=Severity.INFO,
                        data={"count": n, "omitted": extra},
                    )
                )
        return out


def omitted_count(issue: Issue) -> int | None:
    """How many issues a summary of issues not listed stands for (None: not a summary)."""
    d = issue.data
    if issue.row is None and issue.part_number is None and "omitted" in d and "count" in d:
        return int(d["omitted"])
    return None
