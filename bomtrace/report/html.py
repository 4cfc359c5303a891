"""Self-contained HTML report (jinja2, inline CSS), rendered from ``AnalysisResult.to_dict()``."""

from __future__ import annotations

from typing import Any

from bomtrace.report.analysis_text import limit_marks
from bomtrace.report.text import money, pct

MAX_ISSUES = 2000


def render_html(d: dict[str, Any]) -> str:
    """Render the analysis document as one HTML page (autoescaped)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("bomtrace.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    tpl = env.get_template("analysis.html.j2")
    marks = limit_marks(d)
    return tpl.render(d=d, money=money, pct=pct, max_issues=MAX_ISSUES, limit_marks=marks)
