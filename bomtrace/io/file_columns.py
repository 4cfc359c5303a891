"""Column overrides for one file or sheet: ``--column FILE:FIELD=HEADER``.

``--column FIELD=HEADER`` applies to every file read. Prefixed with ``FILE:``, it applies only
to the files and sheets FILE names, and wins there over an unprefixed one for the same field:
a header-less parts master (``--column master.csv:part_number=1``) is read beside a BOM with
headers, a screw sheet beside a cut list (``--column 'Vis:part_number=Fixation de'``).

FILE is matched (case ignored, shell wildcards ``*``/``?`` allowed) against the path as given,
the file name, the file name without its suffix, the end of the path, and for a workbook the
sheet name or ``FILE/SHEET``. A FILE that names nothing read is an error, like a header that
is nowhere.

>>> scoped = split_scoped({"part_number": "PN", "parts.csv:part_number": "1"})
>>> scoped
({'part_number': 'PN'}, {'parts.csv': {'part_number': '1'}})
>>> names("data/parts.csv", None) >= {"data/parts.csv", "parts.csv", "parts"}
True
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from bomtrace.errors import ColumnMappingError
from bomtrace.io.mapping import Overrides, parse_overrides


def split_scoped(columns: Mapping[str, str]) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """Split ``FIELD -> HEADER`` overrides from ``FILE:FIELD -> HEADER`` ones (by FILE)."""
    plain: dict[str, str] = {}
    scoped: dict[str, dict[str, str]] = {}
    for key, header in columns.items():
        scope, sep, name = key.rpartition(":")
        if sep and scope.strip() and name.strip():
            scoped.setdefault(scope.strip(), {})[name.strip()] = header
        else:
            plain[key] = header
    return plain, scoped


def names(path: str, sheet: str | None) -> set[str]:
    """The names a FILE prefix may give for a file (and one of its sheets)."""
    p = PurePosixPath(path.replace("\\", "/"))
    out = {path, p.as_posix(), p.name, p.stem}
    if sheet is not None:
        out |= {sheet, f"{p.name}/{sheet}", f"{p.stem}/{sheet}", f"{p.as_posix()}/{sheet}"}
    return out


def matches(scope: str, path: str, sheet: str | None) -> bool:
    """Whether ``--column SCOPE:...`` applies to this file (and sheet)."""
    want = scope.casefold().replace("\\", "/")
    for n in names(path, sheet):
        n = n.casefold()
        if n == want or fnmatch.fnmatchcase(n, want) or n.endswith("/" + want):
            return True
    return False


@dataclass(frozen=True)
class FileOverrides:
    """The overrides for every file (``base``) and those for some files only (``scoped``)."""

    base: Overrides
    scoped: dict[str, Overrides] = field(default_factory=dict)
    given: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def parse(cls, base: Overrides, scoped: Mapping[str, Mapping[str, str]]) -> FileOverrides:
        parsed = {s: parse_overrides(dict(cols)) for s, cols in scoped.items()}
        return cls(base, parsed, {s: dict(c) for s, c in scoped.items()})

    def for_source(self, path: str, sheet: str | None) -> Overrides:
        """The overrides for one file or sheet: its own win over the others."""
        mine = [ov for s, ov in self.scoped.items() if matches(s, path, sheet)]
        if not mine:
            return self.base
        by_text, by_number = dict(self.base.by_text), dict(self.base.by_number)
        for ov in mine:
            for f, t in ov.by_text.items():
                by_number.pop(f, None)
                by_text[f] = t
            for f, n in ov.by_number.items():
                by_text.pop(f, None)
                by_number[f] = n
        given = set(by_text) | set(by_number)
        profile = {f: h for f, h in self.base.profile.items() if f not in given}
        return Overrides(by_text=by_text, by_number=by_number, profile=profile)

    def check(self, read: Iterable[tuple[str, str | None, set[str]]], seen: list[str]) -> None:
        """Every scoped override names something read and finds its column there.

        Parameters
        ----------
        read : iterable of (path, sheet, fields whose override found its column)
            The sources read.

        Raises
        ------
        ColumnMappingError
            A FILE names no file or sheet read, or a HEADER is in none of the ones it names.
        """
        sources = list(read)
        for scope, ov in self.scoped.items():
            mine = [used for path, sheet, used in sources if matches(scope, path, sheet)]
            asked = ", ".join(f"{scope}:{f}={h}" for f, h in self.given[scope].items())
            if not mine:
                listed = "; ".join(seen)
                raise ColumnMappingError(
                    f"--column {asked}: '{scope}' names no file or sheet that was read as a BOM "
                    f"or parts master. Read: {listed}. Use a file name, a path or a sheet name."
                )
            used = set().union(*mine)
            missing = [f for f in list(ov.by_text) + list(ov.by_number) if f not in used]
            if missing:
                raise ColumnMappingError(
                    f"--column {asked}: no such column in the header row of '{scope}' "
                    f"({', '.join(missing)}). Headers seen: " + "; ".join(seen) + "."
                )
