"""Section headings, second tables, unlabelled totals and no-longer-used blocks inside the data
(bomtrace/io/sections.py, classify_rows in bomtrace/io/unread.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bomtrace.io import read_bom
from bomtrace.issues import issue_tuples

WriteCsv = Callable[..., Path]


def test_category_headings_are_skipped_with_their_reason(write_csv: WriteCsv) -> None:
    text = (
        "Part,Description,Qty\n"  # 1
        "Electronics,,\n"  # 2
        "R1,Resistor,2\n"  # 3
        "C1,Capacitor,1\n"  # 4
        ",,\n"  # 5
        "2 Motors,,\n"  # 6
        "M-1,Motor,1\n"  # 7
    )
    t = read_bom([write_csv("b.csv", text)])
    assert t.lines["part_number"].tolist()[1:] == ["R1", "C1", "M-1"]
    assert t.sources[0].rows_skipped == {"blank": 1, "section heading": 2}
    assert ("row-skipped", 2) in issue_tuples(t.issues, ("code", "row"))


def test_a_part_line_with_an_empty_quantity_stays_a_problem(write_csv: WriteCsv) -> None:
    text = (
        "Part,Description,Qty\n"
        "R1,Resistor,2\n"
        "C1,Capacitor,\n"  # a real line: it has a description
        "RES-10K,,\n"  # a code, not a label
        "Bolt M3,,\n"  # among the lines, not after a gap
    )
    t = read_bom([write_csv("b.csv", text)])
    assert t.lines["part_number"].tolist()[1:] == ["R1", "C1", "RES-10K", "Bolt M3"]
    bad = [r for c, r in issue_tuples(t.issues, ("code", "row")) if c == "bad-quantity"]
    assert bad == [3, 4, 5]


def test_second_table_title_and_header_rows(write_csv: WriteCsv) -> None:
    text = (
        "Part,Qty,Notes\n"
        "Screw M3,12,\n"
        "Nut M3,4,\n"
        "PCB components:,,\n"  # 4: the title of a second table
        "Part Number,Quantity,Notes\n"  # 5: its header
        "100nF,3,C1 C2 C3\n"
    )
    t = read_bom([write_csv("b.csv", text)])
    assert t.lines["part_number"].tolist()[1:] == ["Screw M3", "Nut M3", "100nF"]
    assert t.sources[0].rows_skipped == {"section heading": 1, "header repeated": 1}


def test_lines_under_a_no_longer_used_heading_are_not_read(write_csv: WriteCsv) -> None:
    text = "Part,Qty,Price\nA-1,1,5\nB-2,2,3\n,,\nPreviously used,,\nC-3,,4\n"
    t = read_bom([write_csv("b.csv", text)])
    assert t.lines["part_number"].tolist()[1:] == ["A-1", "B-2"]
    assert t.sources[0].rows_skipped == {
        "blank": 1,
        "section heading": 1,
        "line under a 'no longer used' heading": 1,
    }


def test_unlabelled_subtotals_are_totals_but_a_lone_number_is_not(write_csv: WriteCsv) -> None:
    text = (
        "Part,Qty\n"
        "A-1,2\n"
        "B-2,3\n"
        ",5\n"  # 4: 2 + 3
        "C-3,4\n"
        ",4\n"  # 6: one value above it since the last total: proves nothing
    )
    t = read_bom([write_csv("b.csv", text)])
    codes = issue_tuples(t.issues, ("row", "code"))
    assert (4, "row-skipped") in codes
    assert (6, "missing-part-number") in codes


def test_a_product_line_named_as_a_parent_is_no_heading(write_csv: WriteCsv) -> None:
    text = "Parent,Part,Qty\n,TOP,\nTOP,A,1\nTOP,B,2\n"
    t = read_bom([write_csv("b.csv", text)])
    assert t.lines["part_number"].tolist() == ["TOP", "A", "B"]


def test_labels_beside_the_table_and_totals_named_at_the_end(write_csv: WriteCsv) -> None:
    text = (
        ",Part,Qty,Price\n"  # 1: column A has no header
        "Essential,Board,1,5\n"  # 2: a side label beside a line
        "Essential,Case,2,3\n"
        "Essential,,,\n"  # 4: only the side label: nothing to read
        ",,,11\n"  # 5: 5 + 2 x 3 is not a sum of the column: stays a problem
        ",,Off grid TOTAL,8\n"  # 6: a total named at the end of its label
        ",Battery,1,19.8\n"
        ",Charger,1,8.2\n"
        ",,2,28\n"  # 9: the sums of the lines since row 5 (row 6 is no line)
    )
    t = read_bom([write_csv("b.csv", text)])
    assert t.lines["part_number"].tolist()[1:] == ["Board", "Case", "Battery", "Charger"]
    skipped = t.sources[0].rows_skipped
    assert skipped == {"section heading": 1, "total line": 2, "no part number": 1}
    codes = issue_tuples(t.issues, ("row", "code"))
    assert (5, "missing-part-number") in codes
    assert (9, "row-skipped") in codes
