"""Value coercion (bomtrace/io/values.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bomtrace.io.values import map_distinct, parse_flags, parse_levels, parse_numbers


def s(*values: str) -> pd.Series:
    return pd.Series(list(values), dtype="str")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2", 2.0),
        ("0.5", 0.5),
        ("1e5", 100000.0),
        ("$1,234.50", 1234.5),
        ("1.234,50 €", 1234.5),
        ("USD 12", 12.0),
        ("€5", 5.0),
        ("£ 7.25", 7.25),
        ("12 500", 12500.0),
        ("1'234.5", 1234.5),
        ("(3.50)", -3.5),
        ("1,234", 1234.0),
        ("1.234.567", 1234567.0),
        ("0,25", 0.25),
    ],
)
def test_numbers_money_and_separators(text: str, value: float) -> None:
    values, bad, _ = parse_numbers(s(text))
    assert values[0] == pytest.approx(value)
    assert not bad[0]


def test_decimal_comma_column_reads_lone_groups_as_decimals() -> None:
    # "0,25" proves the column uses a decimal comma, so "1,234" is 1.234 and "1.234" is 1234
    values, bad, _ = parse_numbers(s("0,25", "1,234", "1.234"))
    assert values.tolist() == pytest.approx([0.25, 1.234, 1234.0])
    assert not bad.any()


def test_decimal_point_column_keeps_thousands_commas() -> None:
    values, _, _ = parse_numbers(s("1,234", "2.5", "1,234.5"))
    assert values.tolist() == pytest.approx([1234.0, 2.5, 1234.5])


def test_bad_and_empty_numbers() -> None:
    values, bad, _ = parse_numbers(s("two", "", "1.2.3,4", "inf", "nan", "3"))
    assert bad.tolist() == [True, False, True, True, True, False]
    assert np.isnan(values[:5]).all()
    assert values[5] == 3.0


def test_currency_written_in_money_cells() -> None:
    _, _, cur = parse_numbers(s("€ 5", "5 EUR", "$5", "GBP 1", "5", "US$ 2"))
    assert cur.tolist()[:2] == ["EUR", "EUR"]
    assert pd.isna(cur.iloc[2])  # "$" names several currencies
    assert cur.iloc[3] == "GBP"
    assert pd.isna(cur.iloc[4])
    assert cur.iloc[5] == "USD"


def test_percentages() -> None:
    values, bad, _ = parse_numbers(s("12%", "12", "0.12", "0.5%", "100", "150", "-1"), percent=True)
    assert values[:5].tolist() == pytest.approx([0.12, 0.12, 0.12, 0.005, 1.0])
    assert bad.tolist() == [False] * 5 + [True, True]


def test_flags() -> None:
    flags, bad = parse_flags(
        s("Y", "yes", "TRUE", "1", "x", "Ja", "oui", "si", "n", "No", "false", "0", "", "maybe")
    )
    assert flags.dtype == "boolean"
    assert flags.tolist()[:12] == [True] * 8 + [False] * 4
    assert flags.isna().tolist()[12:] == [True, True]
    assert bad.tolist() == [False] * 13 + [True]


def test_levels() -> None:
    values, bad = parse_levels(s("0", "1", "2.0", "1.5", "-1", "1.2.1", "", "x"))
    assert values[:3].tolist() == [0.0, 1.0, 2.0]
    assert bad.tolist() == [False, False, False, True, True, True, True, True]


def test_map_distinct_calls_once_per_distinct_value() -> None:
    calls: list[str] = []

    def upper(v: str) -> str:
        calls.append(v)
        return v.upper()

    out = map_distinct(s(*(["us", "cn", ""] * 1000)), upper)
    assert sorted(calls) == ["cn", "us"]
    assert out.tolist()[:2] == ["US", "CN"]
    assert out.isna().sum() == 1000


@given(
    st.lists(
        st.one_of(
            st.none(),
            st.sampled_from(["Total", "R1", "r1", "0", "-", " dnp", "DNP", "x", "sub-totals"]),
        ),
        max_size=40,
    ),
    st.integers(min_value=1, max_value=4),
)
def test_regex_matches_equal_a_match_per_cell(cells: list[str | None], chunks: int) -> None:
    import pyarrow as pa
    import pyarrow.compute as pc

    from bomtrace.io.unread import _TOTAL, _ZERO
    from bomtrace.io.values import regex_matches

    # a chunked column (as pyarrow's CSV reader gives it) and a plain one give the same
    step = max(1, len(cells) // chunks)
    parts = [cells[i : i + step] for i in range(0, len(cells), step)] or [[]]
    chunked = pa.chunked_array([pa.array(p, type=pa.large_string()) for p in parts])
    col = pd.Series(pd.arrays.ArrowStringArray(chunked))
    # several patterns are searched as one alternation first: each one's flags stay its own
    patterns = (_TOTAL, _ZERO, "(?i)dnp", "^R1$")
    got = regex_matches(col, *patterns)
    for pattern, m in zip(patterns, got, strict=True):
        one = pc.match_substring_regex(pa.array(cells, type=pa.large_string()), pattern)
        assert m.tolist() == [bool(x) for x in pc.fill_null(one, False).to_pylist()]


@pytest.mark.parametrize("distinct", [True, False])
def test_regex_matches_on_a_large_column_either_way(distinct: bool) -> None:
    """A large column of mostly distinct values (a parts master's part numbers) is matched cell
    by cell, a repetitive one through its distinct values: the same answers either way."""
    import re

    from bomtrace.io.unread import _TOTAL, _ZERO
    from bomtrace.io.values import _arrow_text, mostly_distinct, regex_matches

    n = 100_000
    cells: list[str | None] = [f"P-{i if distinct else i % 500:06d}" for i in range(n)]
    cells[7], cells[50_000], cells[-1], cells[99] = "Grand Total", "0", None, "-"
    col = pd.Series(cells, dtype="str")
    assert mostly_distinct(_arrow_text(col)) is distinct
    got = regex_matches(col, _TOTAL, _ZERO)
    for pattern, m in zip((_TOTAL, _ZERO), got, strict=True):
        rx = re.compile(pattern)
        assert m.tolist() == [c is not None and rx.search(c) is not None for c in cells]
