"""What a price column holds, read from the content: a unit cost, a pack price or the line's
cost (bomtrace/io/pricing.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bomtrace.io import read_bom
from bomtrace.issues import issue_tuples

WriteCsv = Callable[..., Path]


def _basis(t: object) -> list[tuple[object, ...]]:
    got = issue_tuples(t.issues, ("row", "column", "code"))  # type: ignore[attr-defined]
    return [i for i in got if i[2] == "price-basis"]


def _messages(t: object) -> str:
    issues = t.issues  # type: ignore[attr-defined]
    return " ".join(i.message for i in issues if i.code == "price-basis")


def test_pack_price_found_from_a_subtotal_column(write_csv: WriteCsv) -> None:
    text = (
        "Description,Part #,Unit Cost,Unit QTY,QTY,Sub Total\n"
        "Knob,91175A066,8.52,25,1,0.3408\n"
        "Nut,93886A270,13.03,10,2,2.606\n"
        "Sheet,X-1,18.83,1,0.75,14.1225\n"
    )
    t = read_bom([write_csv("packs.csv", text)])
    assert t.lines["unit_cost"].round(4).tolist()[1:] == [0.3408, 1.303, 18.83]
    assert _basis(t) == [(1, "C", "price-basis")]
    assert '--column unit_cost="Unit Cost"' in _messages(t)
    # the user's mapping is never second-guessed
    kept = read_bom([write_csv("packs.csv", text)], columns={"unit_cost": "Unit Cost"})
    assert kept.lines["unit_cost"].tolist()[1:] == [8.52, 13.03, 18.83]
    assert not _basis(kept)


def test_extended_column_confirms_a_unit_cost(write_csv: WriteCsv) -> None:
    text = "Part,Qty,Unit Price,Ext Price\nA,2,1.50,3.00\nB,4,0.25,1.00\nC,1,9,9\n"
    t = read_bom([write_csv("ext.csv", text)])
    assert t.lines["unit_cost"].tolist()[1:] == [1.5, 0.25, 9.0]
    assert not _basis(t)


def test_line_cost_found_from_the_total_line_under_it(write_csv: WriteCsv) -> None:
    text = "Name,Part,Quantity,Cost\nLED,L1,4,£2\nNut,N1,8,£3.80\nBoard,B1,1,£17\n,,,£22.80\n"
    t = read_bom([write_csv("total.csv", text)])
    assert t.lines["unit_cost"].tolist()[1:] == [0.5, 0.475, 17.0]
    assert _basis(t) == [(1, "D", "price-basis")]
    assert "the total under it (22.8) is the sum of the column" in _messages(t)
    assert '--column unit_cost="Cost"' in _messages(t)


def test_total_of_quantity_times_price_confirms_a_unit_cost(write_csv: WriteCsv) -> None:
    text = "Part,Quantity,Cost\nL1,4,2\nN1,8,3.80\nB1,1,17\nTotal,,55.40\n"
    t = read_bom([write_csv("total.csv", text)])
    assert t.lines["unit_cost"].tolist()[1:] == [2.0, 3.8, 17.0]
    assert not _basis(t)


def test_line_cost_found_as_quantity_times_a_unit_column(write_csv: WriteCsv) -> None:
    text = "Part,Qty,Each,Cost\nA,2,1.50,3.00\nB,4,0.25,1.00\nC,1,9,9\n"
    t = read_bom([write_csv("each.csv", text)])
    assert t.lines["unit_cost"].tolist()[1:] == [1.5, 0.25, 9.0]
    assert _basis(t) == [(1, "D", "price-basis")]


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("Part,Qty,Cost\nA,2,3.00\nB,4,1.00\n", '--column line_cost="Cost"'),
        (
            "Part,Qty,Price,Unit QTY\nA,2,3.00,10\nB,4,1.00,1\n",
            '--column package_price="Price" --column package_quantity="Unit QTY"',
        ),
    ],
    ids=["cost-or-line-cost", "pack-size-beside"],
)
def test_a_basis_nothing_tells_is_read_as_unit_cost_and_flagged(
    write_csv: WriteCsv, text: str, flag: str
) -> None:
    t = read_bom([write_csv("amb.csv", text)])
    assert t.lines["unit_cost"].tolist()[1:] == [3.0, 1.0]
    assert [i[2] for i in _basis(t)] == ["price-basis"]
    assert flag in _messages(t)


def test_quantities_of_one_say_nothing_and_are_not_flagged(write_csv: WriteCsv) -> None:
    t = read_bom([write_csv("ones.csv", "Part,Qty,Cost\nA,1,3.00\nB,1,1.00\n")])
    assert not _basis(t)


def test_line_cost_mapped_by_flag_gives_the_unit_cost(write_csv: WriteCsv) -> None:
    text = "Part,Qty,Cost\nA,2,3.00\nB,4,1.00\nC,0,0\n"
    t = read_bom([write_csv("lc.csv", text)], columns={"line_cost": "Cost"})
    assert t.lines["unit_cost"].tolist()[1:3] == [1.5, 0.25]
    assert "unit-cost-derived" in [i.code for i in t.issues]


def test_a_total_summing_a_column_headed_unit_price_is_flagged_not_followed(
    write_csv: WriteCsv,
) -> None:
    text = "Part,Qty,Unit Price\nA,4,2\nB,8,3.80\nC,1,17\nTotal,,22.80\n"
    t = read_bom([write_csv("naive.csv", text)])
    assert t.lines["unit_cost"].tolist()[1:] == [2.0, 3.8, 17.0]
    assert [i[2] for i in _basis(t)] == ["price-basis"]
    assert '--column line_cost="Unit Price"' in _messages(t)
