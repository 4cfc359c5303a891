"""Issue codes and their default severities: the stable vocabulary of :mod:`bomtrace.issues`.

Codes are kebab-case and never change meaning; tests assert codes, never prose. Every code is
documented in ``docs/issue-codes.md``.
"""

from __future__ import annotations

from enum import StrEnum


class Severity(StrEnum):
    """How serious a finding is."""

    ERROR = "error"  #: the affected line/product could not be used as given
    WARNING = "warning"  #: the result may be wrong or incomplete because of this
    INFO = "info"  #: worth knowing; nothing was lost


class IssueCode(StrEnum):
    """Stable, kebab-case issue codes. Tests assert codes, never prose."""

    # reading
    MISSING_COLUMN = "missing-column"
    DUPLICATE_COLUMN = "duplicate-column"
    UNMAPPED_COLUMN = "unmapped-column"
    BAD_LEVEL = "bad-level"
    MISSING_PART_NUMBER = "missing-part-number"
    BAD_QUANTITY = "bad-quantity"
    ZERO_QUANTITY = "zero-quantity"
    NEGATIVE_QUANTITY = "negative-quantity"
    BAD_NUMBER = "bad-number"
    NEGATIVE_VALUE = "negative-value"
    BAD_FLAG = "bad-flag"
    ROW_SKIPPED = "row-skipped"
    SHEET_SKIPPED = "sheet-skipped"
    FILE_NOT_READ = "file-not-read"
    ENCODING_GUESSED = "encoding-guessed"
    QUANTITY_UNIT = "quantity-unit"
    BUILD_QUANTITY = "build-quantity"
    SHEETS_COMBINED = "sheets-combined"
    EXTRA_FIELDS = "extra-fields"
    ID_NORMALISED = "id-normalised"
    OUTLINE_LEVELS = "outline-levels"
    PRICE_BASIS = "price-basis"
    SPREAD_COLUMN = "spread-column"
    LEVEL_SHIFTED = "level-shifted"
    RAGGED_ROW = "ragged-row"
    ROW_REALIGNED = "row-realigned"
    SHORT_ROW = "short-row"
    HIDDEN_ROW = "hidden-row"
    MERGED_CELLS = "merged-cells"
    GROUP_HEADER = "group-header"
    PRODUCT_ADDED = "product-added"
    DO_NOT_POPULATE = "do-not-populate"
    DESIGNATOR_MISMATCH = "designator-mismatch"
    QUANTITY_FROM_DESIGNATORS = "quantity-from-designators"
    NOT_IN_EFFECT = "not-in-effect"
    BAD_DATE = "bad-date"
    UNIT_COST_DERIVED = "unit-cost-derived"
    KEY_COLUMN = "key-column"
    PART_NUMBER_FROM_COLUMN = "part-number-from-column"
    LINE_KEYED_BY_NAME = "line-keyed-by-name"
    PLACEHOLDER_PART_NUMBER = "placeholder-part-number"
    PLACEMENTS_GROUPED = "placements-grouped"
    # graph
    BOM_CYCLE = "bom-cycle"
    LEVEL_JUMP = "level-jump"
    LEVEL_PARENT_MISMATCH = "level-parent-mismatch"
    QUANTITY_CONFLICT = "quantity-conflict"
    STRUCTURE_CONFLICT = "structure-conflict"
    ATTRIBUTE_CONFLICT = "attribute-conflict"
    UNDEFINED_PART = "undefined-part"
    UNUSED_MASTER_PART = "unused-master-part"
    DUPLICATE_EDGE = "duplicate-edge"
    MISSING_PRICE = "missing-price"
    UNKNOWN_ORIGIN = "unknown-origin"
    MISSING_ECCN = "missing-eccn"
    UNKNOWN_ECCN = "unknown-eccn"
    ASSEMBLY_COST_MISMATCH = "assembly-cost-mismatch"
    NEGATIVE_VALUE_ADDED = "negative-value-added"
    # analysis
    DENOMINATOR_IS_COST = "denominator-is-cost"
    DE_MINIMIS_EXCEEDED = "de-minimis-exceeded"
    VERDICT_UNDETERMINED = "verdict-undetermined"
    PRODUCT_NOT_ANALYSED = "product-not-analysed"
    US_ORIGIN = "us-origin"
    ORIGIN_ASSUMED = "origin-assumed"
    VALUE_OVERFLOW = "value-overflow"
    UNKNOWN_ECCN_PARAGRAPH = "unknown-eccn-paragraph"
    ECCN_NOT_ON_DATE = "eccn-not-on-date"
    WHAT_IF = "what-if"
    LIBRARY_DISAGREES = "library-disagrees"
    UNKNOWN_ITEM_TYPE = "unknown-item-type"
    SOFTWARE_NOT_BUNDLED = "software-not-bundled"
    TECHNOLOGY_REPORT = "technology-report"
    DECLARATION_IGNORED = "declaration-ignored"
    SCENARIO_NOT_APPLICABLE = "scenario-not-applicable"
    CURRENCY_MISMATCH = "currency-mismatch"
    # foreign direct product rules
    FDPR_FLAG = "fdpr-flag"
    FDPR_EVIDENCE_MISSING = "fdpr-evidence-missing"
    PARTY_LISTED = "party-listed"
    PARTY_POSSIBLE_MATCH = "party-possible-match"
    PARTY_NOT_LISTED = "party-not-listed"


#: Default severity per code (an Issue may override it).
DEFAULT_SEVERITY: dict[IssueCode, Severity] = {
    IssueCode.MISSING_COLUMN: Severity.ERROR,
    IssueCode.DUPLICATE_COLUMN: Severity.WARNING,
    IssueCode.UNMAPPED_COLUMN: Severity.INFO,
    IssueCode.BAD_LEVEL: Severity.ERROR,
    IssueCode.MISSING_PART_NUMBER: Severity.ERROR,
    IssueCode.BAD_QUANTITY: Severity.ERROR,
    IssueCode.ZERO_QUANTITY: Severity.WARNING,
    IssueCode.NEGATIVE_QUANTITY: Severity.ERROR,
    IssueCode.BAD_NUMBER: Severity.WARNING,
    IssueCode.NEGATIVE_VALUE: Severity.ERROR,
    IssueCode.BAD_FLAG: Severity.WARNING,
    IssueCode.ROW_SKIPPED: Severity.INFO,
    IssueCode.SHEET_SKIPPED: Severity.INFO,
    IssueCode.FILE_NOT_READ: Severity.ERROR,
    IssueCode.ENCODING_GUESSED: Severity.WARNING,
    IssueCode.QUANTITY_UNIT: Severity.INFO,
    IssueCode.BUILD_QUANTITY: Severity.WARNING,
    IssueCode.SHEETS_COMBINED: Severity.INFO,
    IssueCode.EXTRA_FIELDS: Severity.WARNING,
    IssueCode.ID_NORMALISED: Severity.WARNING,
    IssueCode.OUTLINE_LEVELS: Severity.WARNING,
    IssueCode.PRICE_BASIS: Severity.WARNING,
    IssueCode.SPREAD_COLUMN: Severity.INFO,
    IssueCode.LEVEL_SHIFTED: Severity.INFO,
    IssueCode.RAGGED_ROW: Severity.ERROR,
    IssueCode.ROW_REALIGNED: Severity.WARNING,
    IssueCode.SHORT_ROW: Severity.INFO,
    IssueCode.HIDDEN_ROW: Severity.WARNING,
    IssueCode.MERGED_CELLS: Severity.INFO,
    IssueCode.GROUP_HEADER: Severity.INFO,
    IssueCode.KEY_COLUMN: Severity.WARNING,
    IssueCode.PART_NUMBER_FROM_COLUMN: Severity.WARNING,
    IssueCode.LINE_KEYED_BY_NAME: Severity.WARNING,
    IssueCode.PLACEHOLDER_PART_NUMBER: Severity.WARNING,
    IssueCode.PLACEMENTS_GROUPED: Severity.INFO,
    IssueCode.PRODUCT_ADDED: Severity.INFO,
    IssueCode.DO_NOT_POPULATE: Severity.INFO,
    IssueCode.DESIGNATOR_MISMATCH: Severity.WARNING,
    IssueCode.QUANTITY_FROM_DESIGNATORS: Severity.INFO,
    IssueCode.NOT_IN_EFFECT: Severity.INFO,
    IssueCode.BAD_DATE: Severity.WARNING,
    IssueCode.UNIT_COST_DERIVED: Severity.INFO,
    IssueCode.BOM_CYCLE: Severity.ERROR,
    IssueCode.LEVEL_JUMP: Severity.ERROR,
    IssueCode.LEVEL_PARENT_MISMATCH: Severity.WARNING,
    IssueCode.QUANTITY_CONFLICT: Severity.ERROR,
    IssueCode.STRUCTURE_CONFLICT: Severity.ERROR,
    IssueCode.ATTRIBUTE_CONFLICT: Severity.WARNING,
    IssueCode.UNDEFINED_PART: Severity.WARNING,
    IssueCode.UNUSED_MASTER_PART: Severity.INFO,
    IssueCode.DUPLICATE_EDGE: Severity.INFO,
    IssueCode.MISSING_PRICE: Severity.WARNING,
    IssueCode.UNKNOWN_ORIGIN: Severity.WARNING,
    IssueCode.MISSING_ECCN: Severity.WARNING,
    IssueCode.UNKNOWN_ECCN: Severity.WARNING,
    IssueCode.ASSEMBLY_COST_MISMATCH: Severity.INFO,
    IssueCode.NEGATIVE_VALUE_ADDED: Severity.WARNING,
    IssueCode.DENOMINATOR_IS_COST: Severity.INFO,
    IssueCode.DE_MINIMIS_EXCEEDED: Severity.WARNING,
    IssueCode.VERDICT_UNDETERMINED: Severity.WARNING,
    IssueCode.PRODUCT_NOT_ANALYSED: Severity.ERROR,
    IssueCode.US_ORIGIN: Severity.WARNING,
    IssueCode.ORIGIN_ASSUMED: Severity.INFO,
    IssueCode.VALUE_OVERFLOW: Severity.ERROR,
    IssueCode.UNKNOWN_ECCN_PARAGRAPH: Severity.WARNING,
    IssueCode.ECCN_NOT_ON_DATE: Severity.WARNING,
    IssueCode.WHAT_IF: Severity.WARNING,
    IssueCode.LIBRARY_DISAGREES: Severity.WARNING,
    IssueCode.UNKNOWN_ITEM_TYPE: Severity.INFO,
    IssueCode.SOFTWARE_NOT_BUNDLED: Severity.INFO,
    IssueCode.TECHNOLOGY_REPORT: Severity.INFO,
    IssueCode.DECLARATION_IGNORED: Severity.WARNING,
    IssueCode.SCENARIO_NOT_APPLICABLE: Severity.INFO,
    IssueCode.CURRENCY_MISMATCH: Severity.ERROR,
    IssueCode.FDPR_FLAG: Severity.WARNING,
    IssueCode.FDPR_EVIDENCE_MISSING: Severity.WARNING,
    IssueCode.PARTY_LISTED: Severity.INFO,
    IssueCode.PARTY_POSSIBLE_MATCH: Severity.WARNING,
    IssueCode.PARTY_NOT_LISTED: Severity.INFO,
}
