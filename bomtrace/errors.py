"""Exceptions raised by bomtrace when it cannot continue.

Problems *in the data* (bad quantities, cycles, missing prices) are not exceptions: they are
:class:`bomtrace.issues.Issue` objects collected in results. Exceptions are only for cases
where a verb cannot produce a result at all.

Exception tree::

    BomtraceError                 base of everything bomtrace raises on purpose
    ├── InputError                an input file cannot be read as a BOM
    │   ├── FileFormatError       unknown or unreadable file type / encoding
    │   │   ├── EncryptedFileError   a password-protected (encrypted) workbook
    │   │   └── UnsafeFileError      refused: reading it would exhaust memory or disk (a zip
    │   │                            bomb) or make a reader expand entities (a DTD)
    │   ├── SheetNotFound         --sheet names a sheet the workbook does not have
    │   └── ColumnMappingError    a required field has no column (or --column is invalid)
    ├── GraphError                the BOM cannot be turned into a product structure at all
    ├── RulesetError              packaged ruleset data is invalid, or a date/destination is
    │   └── UnknownDestination    not covered by it
    ├── UsageError                an option value is invalid (unknown scenario, bad date, ...)
    └── ReportError               a report cannot be written
"""

from __future__ import annotations


class BomtraceError(Exception):
    """Base class of every error bomtrace raises on purpose."""


class InputError(BomtraceError):
    """An input file cannot be read as a BOM."""


class FileFormatError(InputError):
    """The file type, encoding or structure is not one bomtrace can read."""


class EncryptedFileError(FileFormatError):
    """The workbook is password-protected: its content is encrypted."""


class UnsafeFileError(FileFormatError):
    """The file is refused before it is read: reading it would exhaust memory or disk (a zip
    bomb: sizes or compression ratios beyond every real workbook, or more data than its zip
    directory declares), or it holds a DTD that would make a reader expand entities."""


class SheetNotFound(InputError):
    """The requested sheet does not exist in the workbook."""


class ColumnMappingError(InputError):
    """A required canonical field could not be mapped to a column."""


class GraphError(BomtraceError):
    """The BOM lines cannot be turned into a product structure."""


class RulesetError(BomtraceError):
    """The ruleset data is invalid or does not cover the requested date."""


class UnknownDestination(RulesetError):
    """A destination code or name is not in the ruleset."""


class UsageError(BomtraceError):
    """An option value is invalid."""


class ReportError(BomtraceError):
    """A report cannot be written."""
