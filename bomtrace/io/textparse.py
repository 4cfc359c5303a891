"""Parse the body of a delimited text file into Arrow with pyarrow, without pandas.

This is the part of reading a CSV file that releases the GIL, so :mod:`bomtrace.io.prefetch`
can run it on a background thread while pandas imports. :mod:`bomtrace.io.csvfile` decides the
parameters (delimiter, encoding, width, where the body starts) and places the result.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv

#: What decides a body parse: (delimiter, encoding, fields per record, lines skipped).
BodyKey = tuple[str, str, int, int]


def parse_body(data: bytes, key: BodyKey) -> tuple[pa.Table, list[str]]:
    """Every record below ``skip_lines`` lines as ``width`` text columns named ``"0"``...

    Parameters
    ----------
    data : bytes
        The whole file.
    key : tuple of (str, str, int, int)
        Delimiter, Python encoding name, fields per record, lines to skip.

    Returns
    -------
    tuple of (pyarrow.Table, list of str)
        The records with ``width`` fields (empty cells as ``""``), and the text of each line
        with another number of fields (left out of the table, in file order).
    """
    delim, encoding, width, skip_lines = key
    bad: list[str] = []

    def invalid(row: Any) -> str:
        bad.append(row.text)  # irregular line: put back in place by the caller
        return "skip"

    names = [str(j) for j in range(width)]
    table = pacsv.read_csv(
        BytesIO(data),
        read_options=pacsv.ReadOptions(
            column_names=names,
            skip_rows=skip_lines,
            encoding="utf8" if encoding == "utf-8-sig" else encoding,
        ),
        parse_options=pacsv.ParseOptions(
            delimiter=delim,
            quote_char='"',
            # a line break inside a value needs quotes around it; without any quote the
            # parser can split the file into blocks and use both cores
            newlines_in_values=b'"' in data,
            ignore_empty_lines=False,
            invalid_row_handler=invalid,
        ),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.large_string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    return table, bad
