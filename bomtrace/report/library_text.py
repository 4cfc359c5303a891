"""The parts library in the terminal (``library import`` and ``library show``), and its export
as an xlsx workbook (text cells written as text: :mod:`bomtrace.report.safe`)."""

from __future__ import annotations

import os
from typing import Any

from bomtrace.library.results import source_text


def _value(v: Any) -> str:
    if v is None:
        return "(empty)"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def _where(c: dict[str, Any]) -> str:
    return source_text({**c, "file": c.get("file") or "?"})


def render_library_import(d: dict[str, Any]) -> str:
    """The import's summary: files, parts added, changed and unchanged, each change, issues."""
    lines = [f"Library import #{d['import_id']}"]
    lines += [f"  file {f['file']}  sha256 {f['sha256'][:16]}…" for f in d["files"]]
    lines.append(
        f"  {d['parts_read']} parts read: {d['parts_added']} added, {d['parts_changed']} "
        f"changed, {d['parts_unchanged']} unchanged"
    )
    changed = [c for c in d["changes"] if c["old"] is not None]
    if changed:
        lines.append("")
        lines.append("Changed values:")
        lines += [
            f"  {c['part_number']}  {c['field']}: {_value(c['old'])} -> {_value(c['new'])}"
            f"  ({_where(c)})"
            for c in changed
        ]
    if d["issues"]:
        lines.append("")
        lines.append(f"Issues ({len(d['issues'])}):")
        lines += [f"  {i['severity']} {i['code']}: {i['message']}" for i in d["issues"]]
    return "\n".join(lines)


def render_library_show(d: dict[str, Any]) -> str:
    """One part's values and its history, oldest change first."""
    head = f"Part {d['part_number']}" + (f" as of {d['as_of']}" if d["as_of"] else "")
    lines = [head]
    width = max((len(k) for k in d["values"]), default=0)
    lines += [f"  {k.ljust(width)}  {_value(v)}" for k, v in d["values"].items()]
    lines.append("")
    lines.append("History:")
    lines += [
        f"  {c['changed_at']}  {c['field']}: {_value(c['old'])} -> {_value(c['new'])}"
        f"  ({_where(c)}; import #{c['import_id']})"
        for c in d["history"]
    ]
    return "\n".join(lines)


def write_library_xlsx(frame: Any, out: str | os.PathLike[str]) -> None:
    """The exported parts as one sheet, ``Parts``; text as string cells, never formulas."""
    from openpyxl import Workbook

    from bomtrace.report.safe import xlsx_row

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Parts")
    ws.append(xlsx_row(ws, [str(c) for c in frame.columns]))
    for row in frame.astype(object).where(frame.notna(), None).itertuples(index=False):
        ws.append(xlsx_row(ws, list(row)))
    wb.save(out)
