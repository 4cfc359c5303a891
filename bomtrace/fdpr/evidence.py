"""Production evidence per part, for the Foreign Direct Product rules.

Every fact is three-valued: :data:`YES`, :data:`NO` or :data:`UNKNOWN`. A blank cell is
UNKNOWN, never NO: only an explicit "no" / "none" says no. Evidence comes from BOM columns

- ``us_technology_eccns``: ECCNs of the US-origin technology/software the part was designed or
  produced with (``3D991; 3E991``); ``none`` = none was used;
- ``made_with_us_equipment``: the producing plant's major equipment is a direct product of
  US-origin technology/software (read as Categories 3-5 when no ECCNs are given);
- ``producer`` (fab / plant) and ``designed_by`` (design owner; the May 2020 Huawei rule);
- the part's own ``eccn``;

or from a producer table (``--producers FILE``): per producer, whether its major equipment is a
direct product of US technology in listed ECCNs, of which origin, and the source of that claim.
A BOM cell wins over the table; the table fills blanks.

>>> sorted(parse_eccn_list("3D991; 3e991, 5D002"))
['3D991', '3E991', '5D002']
>>> parse_eccn_list("none"), parse_eccn_list(None)
(frozenset(), None)
"""

from __future__ import annotations

import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bomtrace.eccn import is_eccn_syntax, normalize_eccn
from bomtrace.errors import BomtraceError, InputError, UnsafeFileError
from bomtrace.fdpr.screening import normalize_name
from bomtrace.graph.model import BomGraph
from bomtrace.io.mapping import header_key
from bomtrace.io.records import WorkbookTooLarge, read_records

NO, UNKNOWN, YES = 0, 1, 2
STATE_NAMES = {NO: "no", UNKNOWN: "unknown", YES: "yes"}
_NONE_WORDS = {"none", "no", "nil", "n", "false", "0"}
_YES_WORDS = {"yes", "y", "true", "1", "x"}
_SPLIT = re.compile(r"[;,/|\s]+")

#: BOM columns read as production evidence, in report order
EVIDENCE_FIELDS = (
    "eccn",
    "us_technology_eccns",
    "made_with_us_equipment",
    "producer",
    "designed_by",
)


def parse_eccn_list(value: object) -> frozenset[str] | None:
    """ECCN entries (first five characters) in a cell; empty for "none"; None when blank."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip()
    if not text:
        return None
    if text.casefold() in _NONE_WORDS:
        return frozenset()
    out = set()
    for tok in _SPLIT.split(text):
        e = normalize_eccn(tok)
        if e and e != "EAR99" and is_eccn_syntax(e):
            out.add(e[:5])
    return frozenset(out) if out else None


def parse_flag(value: object) -> int:
    """YES / NO / UNKNOWN from a yes/no cell (bool, text or blank)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return UNKNOWN
    if isinstance(value, bool | np.bool_):
        return YES if value else NO
    t = str(value).strip().casefold()
    if t in _YES_WORDS:
        return YES
    if t in _NONE_WORDS:
        return NO
    return UNKNOWN


@dataclass(frozen=True)
class ProducerClaim:
    """One row of a producer table."""

    producer: str
    plant: int  #: YES / NO / UNKNOWN
    eccns: frozenset[str] | None  #: ECCNs the major equipment is a direct product of
    origin: str  #: "US-origin" or "subject to the EAR"
    source: str  #: where the claim comes from (document, supplier letter, ...)
    position: dict[str, Any]  #: file and row of the claim


@dataclass
class ProducerTable:
    """Producer claims indexed by normalised producer name (and aliases)."""

    claims: dict[str, ProducerClaim] = field(default_factory=dict)
    path: str | None = None

    def lookup(self, producer: object) -> ProducerClaim | None:
        """The claim for a producer name (normalised like party names), if any."""
        if producer is None:
            return None
        return self.claims.get(normalize_name(producer)) or self.claims.get(
            normalize_name(producer, keep_trailing=True)
        )


_PRODUCER_HEADERS = {
    "producer": ("producer", "fab", "plant", "foundry", "manufacturer", "supplier"),
    "made_with_us_equipment": ("made with us equipment", "us equipment", "plant us equipment"),
    "equipment_tech_eccns": (
        "equipment tech eccns",
        "equipment technology eccns",
        "equipment eccns",
        "us technology eccns",
    ),
    "origin": ("origin", "equipment tech origin", "technology origin"),
    "source": ("source", "evidence", "claim source", "reference"),
    "aliases": ("aliases", "alias", "also known as", "aka"),
}


#: what a producer table's workbook may inflate to in all (it lists plants, not parts)
MAX_PRODUCER_BYTES = 256 * 2**20


def read_producers(path: str | os.PathLike[str]) -> ProducerTable:
    """Read a producer table (CSV, TSV or a workbook's first sheet; see
    :func:`bomtrace.io.records.read_records`).

    Columns (headers matched case- and punctuation-insensitively): ``producer`` (required),
    ``made_with_us_equipment`` (yes/no), ``equipment_tech_eccns``, ``origin`` ("US-origin",
    the default, or "subject to the EAR"), ``source``, ``aliases`` (``;``-separated).

    Raises
    ------
    InputError
        When the file cannot be read or has no producer column.
    """
    p = Path(path)
    try:
        got = read_records(p, max_workbook_bytes=MAX_PRODUCER_BYTES)
    except FileNotFoundError:
        raise
    except WorkbookTooLarge:
        raise InputError(
            f"Producer table {p.name} would inflate to more than "
            f"{MAX_PRODUCER_BYTES // 2**20} MB; a producer table lists plants, not parts. "
            "Refused before reading it."
        ) from None
    except (UnsafeFileError, zipfile.BadZipFile) as exc:  # refused before it was read
        raise InputError(f"Producer table {p.name} cannot be read: {exc}") from exc
    except (BomtraceError, OSError) as exc:
        raise InputError(f"Producer table {p.name} cannot be read: {exc}.") from exc
    cols: dict[str, int] = {}
    for j, c in enumerate(got.header):
        k = header_key(c)
        for fld, names in _PRODUCER_HEADERS.items():
            if fld not in cols and k in {header_key(n) for n in names}:
                cols[fld] = j
    if "producer" not in cols:
        raise InputError(
            f"Producer table {p.name} has no producer column (columns: "
            f"{', '.join(got.header)}). Name it 'producer' (or fab, plant, foundry)."
        )

    def cell(cells: list[str], fld: str) -> str:
        j = cols.get(fld)
        return cells[j] if j is not None and j < len(cells) else ""

    table = ProducerTable(path=p.name)
    for row, cells in got.rows:
        name = cell(cells, "producer").strip()
        if not name:
            continue
        origin_raw = cell(cells, "origin").strip().casefold()
        origin = "subject to the EAR" if "subject" in origin_raw else "US-origin"
        eccns = (
            parse_eccn_list(cell(cells, "equipment_tech_eccns"))
            if "equipment_tech_eccns" in cols
            else None
        )
        flag = (
            parse_flag(cell(cells, "made_with_us_equipment"))
            if "made_with_us_equipment" in cols
            else UNKNOWN
        )
        if flag == UNKNOWN and eccns:
            flag = YES
        claim = ProducerClaim(
            producer=name,
            plant=flag,
            eccns=eccns,
            origin=origin,
            source=cell(cells, "source").strip(),
            position={"file": p.name, "sheet": None, "row": row},
        )
        aliases = cell(cells, "aliases")
        for n in [name, *[a for a in aliases.split(";") if a.strip()]]:
            for k in (normalize_name(n), normalize_name(n, keep_trailing=True)):
                if k:
                    table.claims.setdefault(k, claim)
    return table


@dataclass
class Evidence:
    """Production evidence for every node of a graph (arrays of length n)."""

    foreign: np.ndarray  #: bool: not of US origin (unknown origin counts as foreign)
    own_eccn: np.ndarray  #: object: normalised own ECCN or None
    tech: np.ndarray  #: object: frozenset of tech/software ECCN entries, or None (unknown)
    plant: np.ndarray  #: int8 YES/NO/UNKNOWN: plant's major equipment is a US direct product
    plant_eccns: np.ndarray  #: object: frozenset or None (no ECCNs given)
    plant_origin: np.ndarray  #: object: "US-origin" / "subject to the EAR"
    plant_source: np.ndarray  #: object: where the plant claim comes from
    producer: np.ndarray  #: object
    designed_by: np.ndarray  #: object
    claims: dict[int, ProducerClaim]  #: node → producer-table claim used
    columns_present: frozenset[str]  #: evidence columns found in the BOM

    @property
    def any_given(self) -> bool:
        """True when the BOM or a producer table gives any production evidence."""
        return bool(self.columns_present - {"eccn"}) or bool(self.claims)


def _map(graph: BomGraph, name: str, fn: Any) -> np.ndarray:
    """Apply ``fn`` to an attribute once per distinct value (None included) and broadcast
    (object array)."""
    codes, uniq = graph.codes(name)
    table = np.empty(len(uniq) + 1, dtype=object)
    for i, u in enumerate(uniq):
        table[i] = fn(u)
    table[-1] = fn(None)
    return table[codes]


def collect_evidence(
    graph: BomGraph, is_us: np.ndarray, producers: ProducerTable | None = None
) -> Evidence:
    """Gather the evidence arrays (values parsed once per distinct cell text)."""
    n = graph.n_nodes
    present = frozenset(f for f in EVIDENCE_FIELDS if f in graph.nodes.columns)
    own = _map(graph, "eccn", normalize_eccn)
    tech = _map(graph, "us_technology_eccns", parse_eccn_list)
    plant = _map(graph, "made_with_us_equipment", parse_flag).astype(np.int8)
    plant_eccns = np.full(n, None, dtype=object)
    plant_origin = np.empty(n, dtype=object)
    plant_origin[:] = "US-origin"  # one shared text (np.full makes one per node)
    plant_source = np.full(n, None, dtype=object)
    plant_source[plant != UNKNOWN] = "BOM column made_with_us_equipment"
    producer = graph.attr("producer")
    claims: dict[int, ProducerClaim] = {}
    if producers is not None:
        cache_c: dict[object, ProducerClaim | None] = {}
        for i in np.flatnonzero(np.array([p is not None for p in producer], dtype=bool)).tolist():
            pv = producer[i]
            if pv not in cache_c:
                cache_c[pv] = producers.lookup(pv)
            c = cache_c[pv]
            if c is None:
                continue
            claims[int(i)] = c
            if plant[i] == UNKNOWN:
                plant[i] = np.int8(c.plant)
            plant_eccns[i] = c.eccns
            plant_origin[i] = c.origin
            where = f"{c.position['file']} row {c.position['row']}"
            plant_source[i] = f"{where}: {c.source}" if c.source else where
    return Evidence(
        foreign=~np.asarray(is_us, dtype=bool),
        own_eccn=own,
        tech=tech,
        plant=plant,
        plant_eccns=plant_eccns,
        plant_origin=plant_origin,
        plant_source=plant_source,
        producer=producer,
        designed_by=graph.attr("designed_by"),
        claims=claims,
        columns_present=present,
    )
