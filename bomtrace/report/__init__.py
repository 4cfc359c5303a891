"""Writers that render a verb's result (its ``to_dict()``) — they never recompute.

:mod:`bomtrace.report.formats` is the registry ``--format`` reads: every output format, the
commands that offer it and the writer each uses. Terminal text is in ``*_text.py`` (built
from :mod:`bomtrace.report.text`); csv, xlsx, html and the supplier request sheet have a
module each; :mod:`bomtrace.report.safe` keeps spreadsheets free of live formulas.
"""
