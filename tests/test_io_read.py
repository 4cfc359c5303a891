"""read_bom: column mapping, overrides, several inputs, layouts (bomtrace/io/read.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bomtrace.errors import ColumnMappingError, InputError
from bomtrace.io import CANONICAL_FIELDS, read_bom
from bomtrace.issues import issue_tuples

WriteCsv = Callable[..., Path]

EDGES = "Parent Part,Component,Qty/Assy,Find No\n,TOP,,\nTOP,00123,2,10\nTOP,R1,4,20\n"
MASTER = (
    "Part #,Origin,ECCN,Std Cost,Discrete\n"
    "TOP,China,,,\n00123,usa,5a992.C,1.234,y\nR1,DE,EAR99,0.01,n\n"
)


def test_override_by_header_text(write_csv: WriteCsv) -> None:
    text = "Ident,Lvl,Menge\nP,0,\nA,1,2\n"
    t = read_bom([write_csv("o.csv", text)], columns={"part_number": "ident"})
    how = {c.field: (c.header, c.column, c.how) for c in t.sources[0].columns}
    assert how == {
        "part_number": ("Ident", "A", "override"),
        "level": ("Lvl", "B", "alias"),
        "quantity": ("Menge", "C", "alias"),
    }
    assert t.lines["part_number"].tolist() == ["P", "A"]


def test_override_by_number_for_headerless_file(write_csv: WriteCsv) -> None:
    text = "0;P1;\n1;00123;2\n1;B;x\n"
    t = read_bom(
        [write_csv("nohead.csv", text)],
        columns={"level": "1", "part_number": "2", "quantity": "3"},
    )
    src = t.sources[0]
    assert src.header_row == 0  # no header row
    assert [(c.field, c.header, c.column) for c in src.columns] == [
        ("part_number", "", "B"),
        ("level", "", "A"),
        ("quantity", "", "C"),
    ]
    assert t.lines["part_number"].tolist() == ["P1", "00123", "B"]
    assert t.lines["_row"].tolist() == [1, 2, 3]
    assert issue_tuples(t.issues, ("row", "column", "code")) == [(3, "C", "bad-quantity")]


def test_unknown_override_field(write_csv: WriteCsv) -> None:
    with pytest.raises(ColumnMappingError) as err:
        read_bom([write_csv("a.csv", "Level,Part,Qty\n0,P,\n")], columns={"qty": "Qty"})
    msg = str(err.value)
    assert msg.startswith("Unknown field 'qty' in --column qty=Qty. Valid fields are: part_number,")
    assert all(f in msg for f in CANONICAL_FIELDS)


def test_override_header_not_found(write_csv: WriteCsv) -> None:
    with pytest.raises(ColumnMappingError) as err:
        read_bom([write_csv("a.csv", "Level,Part,Qty\n0,P,\n")], columns={"unit_cost": "Preis"})
    assert "--column unit_cost=Preis: no such column" in str(err.value)
    assert "'Level', 'Part', 'Qty'" in str(err.value)


def test_no_header_row(write_csv: WriteCsv) -> None:
    with pytest.raises(ColumnMappingError) as err:
        read_bom([write_csv("x.csv", "Ident,Menge X\nA,1\n")])
    msg = str(err.value)
    assert "x.csv cannot be read as a BOM" in msg
    assert "row 1: 'Ident', 'Menge X'" in msg
    assert "--column part_number=HEADER" in msg


def test_edge_csv_with_separate_master(write_csv: WriteCsv) -> None:
    t = read_bom([write_csv("edges.csv", EDGES), write_csv("parts.csv", MASTER)])
    assert t.layout == "parent-child"
    assert t.lines["parent"].isna().tolist() == [True, False, False]
    assert t.lines["quantity"].tolist()[1:] == [2.0, 4.0]
    assert t.lines["x:Find No"].isna().tolist() == [True, False, False]
    assert t.lines["x:Find No"].tolist()[1:] == ["10", "20"]
    assert [s.role for s in t.sources] == ["bom", "master"]
    parts = t.parts
    assert parts is not None
    assert parts["country_of_origin"].tolist() == ["CN", "US", "DE"]
    assert parts["eccn"].tolist()[1:] == ["5A992.c", "EAR99"]
    assert parts["unit_cost"].tolist()[1:] == [1.234, 0.01]
    assert parts["discrete_product"].isna().tolist() == [True, False, False]
    assert parts["discrete_product"].tolist()[1:] == [True, False]
    assert t.letter(t.sources[1].path, None, "unit_cost") == "D"
    assert issue_tuples(t.issues, ("row", "column", "code")) == [(1, "D", "unmapped-column")]


def test_mixed_layouts_are_an_error(write_csv: WriteCsv) -> None:
    ind = write_csv("ind.csv", "Level,Part,Qty\n0,P,\n1,A,1\n")
    with pytest.raises(InputError) as err:
        read_bom([ind, write_csv("edges.csv", EDGES)])
    assert "Indented and parent-child BOM lines cannot be read together" in str(err.value)


def test_layout_option_picks_parent_child(write_csv: WriteCsv) -> None:
    text = "Level,Parent,Part,Qty\n0,,P,\n1,P,A,1\n"
    # both columns: the parent column decides (the level is checked against it)
    assert read_bom([write_csv("both.csv", text)]).layout == "parent-child"
    assert read_bom([write_csv("both.csv", text)], layout="indented").layout == "indented"
    with pytest.raises(InputError):
        read_bom([write_csv("ind.csv", "Level,Part,Qty\n0,P,\n")], layout="parent-child")


def test_one_based_levels_are_shifted(write_csv: WriteCsv) -> None:
    t = read_bom([write_csv("l.csv", "Level,Part,Qty\n1,P,\n2,A,1\n3,B,2\n")])
    assert t.lines["level"].tolist() == [0.0, 1.0, 2.0]
    assert issue_tuples(t.issues, ("row", "column", "code")) == [(1, "A", "level-shifted")]


def test_zero_based_levels_are_kept(write_csv: WriteCsv) -> None:
    t = read_bom([write_csv("l.csv", "Level,Part,Qty\n0,P,\n1,A,1\n")])
    assert t.lines["level"].tolist() == [0.0, 1.0]
    assert t.issues == []


def test_quantity_checks(write_csv: WriteCsv) -> None:
    text = "Level,Part,Qty\n0,P,\n1,A,0\n1,B,-2\n1,C,\n1,D,1.5\n"
    t = read_bom([write_csv("q.csv", text)])
    assert issue_tuples(t.issues, ("row", "code", "part_number")) == [
        (3, "zero-quantity", "A"),
        (4, "negative-quantity", "B"),
        (5, "bad-quantity", "C"),
    ]
    assert t.lines["quantity"].tolist()[1:3] == [0.0, -2.0]  # kept; the graph stage decides


def test_missing_quantity_column(write_csv: WriteCsv) -> None:
    t = read_bom([write_csv("m.csv", "Level,Part,Description\n0,P,x\n1,A,y\n")])
    assert issue_tuples(t.issues, ("row", "column", "code")) == [(1, None, "missing-column")]
    assert t.lines["quantity"].isna().all()


def test_duplicate_column_keeps_first(write_csv: WriteCsv) -> None:
    t = read_bom([write_csv("d.csv", "Level,Part,Qty,Quantity\n0,P,,\n1,A,1,9\n")])
    assert t.lines["quantity"].tolist()[1] == 1.0
    assert issue_tuples(t.issues, ("row", "column", "code")) == [(1, "D", "duplicate-column")]
    assert t.lines["x:Quantity"].tolist()[1] == "9"


def test_unmapped_headers_are_kept(write_csv: WriteCsv) -> None:
    t = read_bom([write_csv("u.csv", "Level,Part,Qty,Notes,Buyer\n0,P,,n1,\n1,A,1,,Bob\n")])
    assert t.sources[0].unmapped_headers == ["Notes", "Buyer"]
    assert list(t.lines.columns) == [
        "part_number",
        "level",
        "quantity",
        "x:Notes",
        "x:Buyer",
        "_file",
        "_sheet",
        "_row",
    ]
    assert t.lines["x:Buyer"].tolist()[1] == "Bob"


def test_flags_and_bad_flag(write_csv: WriteCsv) -> None:
    text = "Level,Part,Qty,Made with US equipment\n0,P,,\n1,A,1,yes\n1,B,1,perhaps\n"
    t = read_bom([write_csv("f.csv", text)])
    assert t.lines["made_with_us_equipment"].dtype == "boolean"
    assert t.lines["made_with_us_equipment"].tolist()[1] is True
    assert issue_tuples(t.issues, ("row", "column", "code")) == [(4, "D", "bad-flag")]


def test_us_content_percentages(write_csv: WriteCsv) -> None:
    text = "Level,Part,Qty,US Content %\n0,P,,\n1,A,1,12%\n1,B,1,12\n1,C,1,0.12\n"
    t = read_bom([write_csv("p.csv", text)])
    assert t.lines["us_content_pct"].tolist()[1:] == pytest.approx([0.12, 0.12, 0.12])


def test_folder_reads_every_bom_file_sorted(write_csv: WriteCsv, tmp_path: Path) -> None:
    write_csv("boms/b.csv", "Level,Part,Qty\n0,PB,\n")
    write_csv("boms/a.csv", "Level,Part,Qty\n0,PA,\n1,X,1\n")
    write_csv("boms/readme.md", "not a bom")
    write_csv("boms/notes.csv", "Reviewed by,Date\nAnn,2024-05-01\n")
    t = read_bom([tmp_path / "boms"])
    assert t.lines["part_number"].tolist() == ["PA", "X", "PB"]
    assert issue_tuples(t.issues, ("code",)) == [("sheet-skipped",)]
    assert t.issues[0].message.startswith(f"File {tmp_path / 'boms' / 'notes.csv'} was skipped")
    assert [Path(s.path).name for s in t.sources] == ["a.csv", "b.csv"]
    names = ["a.csv", "a.csv", "b.csv"]
    assert t.lines["_file"].tolist() == [str(tmp_path / "boms" / n) for n in names]


def test_several_indented_files_share_columns(write_csv: WriteCsv) -> None:
    a = write_csv("a.csv", "Level,Part,Qty,COO\n0,PA,,US\n")
    b = write_csv("b.csv", "Level,Part,Qty,Unit Cost\n0,PB,,5\n")
    lines = read_bom([a, b]).lines
    assert lines["country_of_origin"].tolist()[0] == "US" and lines["country_of_origin"].isna()[1]
    assert lines["unit_cost"].isna()[0] and lines["unit_cost"].tolist()[1] == 5.0
    assert lines["unit_cost"].dtype == "float64" and lines["country_of_origin"].dtype == "str"


def test_part_number_alone_is_no_bom(write_csv: WriteCsv) -> None:
    with pytest.raises(ColumnMappingError) as err:
        read_bom([write_csv("flat.csv", "Part,Notes\nA,1\n")], columns={"part_number": "Part"})
    assert "no quantity, level, parent or designator column" in str(err.value)


def test_only_a_master_is_an_error(write_csv: WriteCsv) -> None:
    with pytest.raises(InputError) as err:
        read_bom([write_csv("parts.csv", MASTER)])
    assert "No BOM lines found, only a parts master" in str(err.value)


def test_folder_without_boms(write_csv: WriteCsv, tmp_path: Path) -> None:
    write_csv("empty/notes.csv", "Reviewed by,Date\nAnn,2024-05-01\n")
    with pytest.raises(ColumnMappingError) as err:
        read_bom([tmp_path / "empty"])
    assert "No file holds a BOM or a parts master" in str(err.value)
    assert "'Reviewed by', 'Date'" in str(err.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        read_bom([tmp_path / "nope.csv"])
    assert "File not found" in str(err.value)


def test_issue_cap_counts_the_rest(write_csv: WriteCsv) -> None:
    text = "Level,Part,Qty\n0,P,\n" + "".join(f"1,A{i},x\n" for i in range(5))
    issues = read_bom([write_csv("c.csv", text)], limit_issues=2).issues
    assert issue_tuples(issues, ("row", "code")) == [
        (3, "bad-quantity"),
        (4, "bad-quantity"),
        (None, "bad-quantity"),
    ]
    assert issues[-1].data == {"count": 5, "omitted": 3}


def test_contract_dtypes(write_csv: WriteCsv) -> None:
    text = (
        "Level,Part,Parent,Qty,Unit Cost,Discrete,Country,ECCN\n0,P,,,,,,\n1,A,P,1,2,y,us,ear99\n"
    )
    lines = read_bom([write_csv("t.csv", text)]).lines
    assert str(lines["part_number"].dtype) == "str"
    assert lines["level"].dtype == "float64" and lines["quantity"].dtype == "float64"
    assert lines["discrete_product"].dtype == "boolean"
    assert lines["_row"].dtype == "int64"
    assert lines["country_of_origin"].tolist()[1] == "US" and lines["eccn"].tolist()[1] == "EAR99"
    assert lines["_sheet"].isna().all()
