"""The output formats: one table that ``--format`` reads.

Each :class:`Format` row says what a format is called, the suffixes of its files, whether it
may go to stdout, and which commands offer it, with the writer each of them uses. The CLI
builds its ``--format`` choices, its output-name checks and its dispatch from :data:`FORMATS`,
so a new output format is one writer plus one row here.

A writer takes the verb's result and the output path (None for stdout) and returns the text
or bytes to write (a list: pieces written one after the other), or None when it wrote the
file itself. Writers import what they need when called: the table itself is read at CLI
start.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:  # (aliases for annotations only: this module is imported at CLI start)
    import os
    from collections.abc import Callable, Mapping

    Output = str | bytes | list[bytes | memoryview] | None
    Writer = Callable[[Any, str | os.PathLike[str] | None], Output]


def json_option(pretty: bool | None = None) -> int:
    """orjson options: numpy values as numbers, indented when ``pretty`` (by default when
    stdout is a terminal)."""
    import orjson

    if pretty is None:
        pretty = sys.stdout.isatty()
    return orjson.OPT_SERIALIZE_NUMPY | (orjson.OPT_INDENT_2 if pretty else 0)


def _json(result: Any, out: Any) -> Output:
    """``result.to_dict()`` as UTF-8 JSON bytes (orjson; no NaN)."""
    import orjson

    return orjson.dumps(result.to_dict(), option=json_option())


def _analysis_json(result: Any, out: Any) -> Output:
    # in pieces: the sub-assemblies are written in bulk, not copied into one document
    return result.json_pieces(json_option())  # type: ignore[no-any-return]


def _analysis_table(result: Any, out: Any) -> Output:
    from bomtrace.report.analysis_text import render_analysis

    return render_analysis(result.to_dict())


def _analysis_csv(result: Any, out: Any) -> Output:
    from bomtrace.report.csvout import to_csv
    from bomtrace.report.tables import destination_rows

    return to_csv(destination_rows(result.to_dict()))


def _analysis_html(result: Any, out: Any) -> Output:
    from bomtrace.report.html import render_html

    return render_html(result.to_dict(), result.tree_data())


def _diff_html(result: Any, out: Any) -> Output:
    from bomtrace.report.html import render_diff_html

    return render_diff_html(result.to_dict())


def _analysis_xlsx(result: Any, out: Any) -> Output:
    from bomtrace.report.xlsx import write_xlsx

    write_xlsx(result.to_dict(), out, result)
    return None


def _inspect_table(result: Any, out: Any) -> Output:
    from bomtrace.report.text import render_inspect

    return render_inspect(result.to_dict())


def _explode_table(result: Any, out: Any) -> Output:
    from bomtrace.report.text import render_explode

    return render_explode(result.to_dict())


def _explode_csv(result: Any, out: Any) -> Output:
    from bomtrace.report.csvout import frame_csv

    return frame_csv(result.table, out)


def _explode_parquet(result: Any, out: Any) -> Output:
    result.table.to_parquet(out, index=False)
    return None


def _explain_table(result: Any, out: Any) -> Output:
    from bomtrace.report.explain_text import render_explain

    return render_explain(result.to_dict())


def _suppliers_table(result: Any, out: Any) -> Output:
    from bomtrace.report.suppliers_text import render_suppliers

    return render_suppliers(result.to_dict())


def _rules_table(result: Any, out: Any) -> Output:
    from bomtrace.report.rules_text import render_rules

    return render_rules(result.to_dict(), details=result.named)


def _rule_changes_table(result: Any, out: Any) -> Output:
    from bomtrace.report.rule_changes_text import render_rule_changes

    return render_rule_changes(result.to_dict())


def _where_used_table(result: Any, out: Any) -> Output:
    from bomtrace.report.where_used_text import render_where_used

    return render_where_used(result.to_dict())


def _diff_table(result: Any, out: Any) -> Output:
    from bomtrace.report.diff_text import render_diff

    return render_diff(result.to_dict())


def _library_import_table(result: Any, out: Any) -> Output:
    from bomtrace.report.library_text import render_library_import

    return render_library_import(result.to_dict(replaced_only=True))


def _library_show_table(result: Any, out: Any) -> Output:
    from bomtrace.report.library_text import render_library_show

    return render_library_show(result.to_dict())


def _library_export_csv(result: Any, out: Any) -> Output:
    from bomtrace.report.csvout import frame_csv

    return frame_csv(result.frame, out)


def _library_export_xlsx(result: Any, out: Any) -> Output:
    from bomtrace.report.library_text import write_library_xlsx

    write_library_xlsx(result.frame, out)
    return None


def _history_table(result: Any, out: Any) -> Output:
    from bomtrace.report.records_text import render_history

    return render_history(result.to_dict())


def _impact_table(result: Any, out: Any) -> Output:
    from bomtrace.report.records_text import render_impact

    return render_impact(result.to_dict())


def _stored_xlsx(result: Any, out: Any) -> Output:
    from bomtrace.report.xlsx import write_xlsx

    write_xlsx(result.to_dict(), out)  # a stored run has no BOM: no BOM sheets
    return None


def _portfolio_table(result: Any, out: Any) -> Output:
    from bomtrace.report.portfolio_text import render_portfolio

    return render_portfolio(result.to_dict())


def _portfolio_xlsx(result: Any, out: Any) -> Output:
    from bomtrace.report.portfolio_text import write_portfolio_xlsx

    write_portfolio_xlsx(result.to_dict(), out)
    return None


def _portfolio_html(result: Any, out: Any) -> Output:
    from bomtrace.report.portfolio_text import render_portfolio_html

    return render_portfolio_html(result.to_dict())


class Format(NamedTuple):
    """One output format."""

    name: str
    #: suffixes a file of this format may have (compared without case)
    suffixes: tuple[str, ...]
    #: whether it may be written to stdout (else it needs ``-o FILE``)
    stdout: bool
    #: the commands that offer it, and the writer each uses
    writers: Mapping[str, Writer]
    #: the ``-o`` example of the message when a file is needed
    example: str = ""


#: every output format, in the order ``--format`` lists them
FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format(
            "table",
            (".txt", ".text", ".log", ".md"),
            True,
            {
                "analyze": _analysis_table,
                "inspect": _inspect_table,
                "explode": _explode_table,
                "explain": _explain_table,
                "suppliers": _suppliers_table,
                "rules": _rules_table,
                "rule-changes": _rule_changes_table,
                "where-used": _where_used_table,
                "diff": _diff_table,
                "library-import": _library_import_table,
                "library-show": _library_show_table,
                "library-impact": _impact_table,
                "history": _history_table,
                "show": _analysis_table,
                "portfolio": _portfolio_table,
            },
        ),
        Format(
            "json",
            (".json",),
            True,
            {
                "analyze": _analysis_json,
                "inspect": _json,
                "explode": _json,
                "explain": _json,
                "suppliers": _json,
                "rules": _json,
                "rule-changes": _json,
                "where-used": _json,
                "diff": _json,
                "library-import": _json,
                "library-show": _json,
                "library-export": _json,
                "library-impact": _json,
                "history": _json,
                "show": _analysis_json,
                "portfolio": _json,
            },
        ),
        Format(
            "csv",
            (".csv",),
            True,
            {
                "analyze": _analysis_csv,
                "explode": _explode_csv,
                "library-export": _library_export_csv,
                "show": _analysis_csv,
            },
        ),
        Format(
            "xlsx",
            (".xlsx",),
            False,
            {
                "analyze": _analysis_xlsx,
                "library-export": _library_export_xlsx,
                "show": _stored_xlsx,
                "portfolio": _portfolio_xlsx,
            },
            "REPORT.xlsx",
        ),
        Format(
            "html",
            (".html", ".htm"),
            True,
            {
                "analyze": _analysis_html,
                "diff": _diff_html,
                "show": _analysis_html,
                "portfolio": _portfolio_html,
            },
        ),
        Format(
            "parquet", (".parquet", ".pq"), False, {"explode": _explode_parquet}, "EXPLODED.parquet"
        ),
    )
}


#: outputs that are not a command of their own: the command that writes them
SUB_OUTPUTS = {"rule-changes": "rules"}


def choices(command: str) -> list[str]:
    """The formats ``command`` offers, in table order.

    >>> choices("explode")
    ['table', 'json', 'csv', 'parquet']
    """
    return [f.name for f in FORMATS.values() if command in f.writers]


def write(command: str, fmt: str, result: Any, out: str | os.PathLike[str] | None) -> Output:
    """Render ``result`` of ``command`` in format ``fmt``: the text or bytes to write to
    ``out`` (or stdout), or None when the writer wrote ``out`` itself."""
    return FORMATS[fmt].writers[command](result, out)


__all__ = ["FORMATS", "SUB_OUTPUTS", "Format", "choices", "json_option", "write"]
