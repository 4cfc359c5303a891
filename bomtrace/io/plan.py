"""What the reader decided about one file/sheet before converting it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from bomtrace.io.header import HeaderMap
from bomtrace.io.raw import RawSheet

#: How a sheet's structure is given: a level column (numeric, dotted or dot-prefixed),
#: indentation of the part-number/description cells, a parent column, or none (single level).
Kind = Literal["level", "indentation", "parent-child", "flat", "master"]


@dataclass
class SourcePlan:
    """One mapped sheet and how to read it."""

    raw: RawSheet
    hmap: HeaderMap
    kind: Kind
    indent_col: int | None = None  #: column whose indentation gives the level
    #: single-level sheet (or explosion without a product line): the part number of the
    #: product/assembly it lists, where the name came from, and the row/column it came from
    assembly: str | None = None
    assembly_from: str | None = None
    assembly_row: int | None = None
    assembly_column: str | None = None
    #: one sheet/file per assembly: lines get ``parent = assembly``; ``root`` adds a product
    #: line for an assembly no other sheet uses
    per_assembly: bool = False
    root: bool = True
    as_of: date | None = None

    @property
    def role(self) -> Literal["bom", "master"]:
        return "master" if self.kind == "master" else "bom"
