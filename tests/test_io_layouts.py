"""Layouts: level styles, indentation, single-level BOMs, one sheet/file per assembly,
parent-child with effectivity, parts masters (bomtrace/io/layouts.py, products.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from bomtrace import api
from bomtrace.errors import InputError
from bomtrace.io import read_bom
from bomtrace.issues import issue_tuples

WriteCsv = Callable[..., Path]
WriteXlsx = Callable[..., Path]


def _codes(t: object) -> list[str]:
    return [i.code.value for i in t.issues]  # type: ignore[attr-defined]


def _explode(path: Path | list[Path], **kw: object) -> dict[str, dict[str, float]]:
    res = api.explode(path if isinstance(path, list) else [path], **kw)  # type: ignore[arg-type]
    products = res.to_dict()["products"]
    return {
        p["part_number"]: {x["part_number"]: x["quantity"] for x in p["parts"]} for p in products
    }


def test_dotted_position_levels_add_a_product(write_csv: WriteCsv) -> None:
    text = "Pos,Level,Part,Qty\n1,1,PCB,1\n2,1.1,R1,4\n3,1.2,U1,1\n4,2,CASE,1\n"
    t = read_bom([write_csv("phone.csv", text)])
    src = t.sources[0]
    assert src.structure == "dotted-level"
    assert t.lines["part_number"].tolist() == ["phone", "PCB", "R1", "U1", "CASE"]
    assert t.lines["level"].tolist() == [0.0, 1.0, 2.0, 2.0, 1.0]
    assert src.product == {"part_number": "phone", "from": "the file name", "row": 1}
    assert issue_tuples(t.issues, ("row", "code", "part_number")) == [
        (1, "product-added", "phone"),
        (1, "unmapped-column", None),
    ]
    assert _explode(write_csv("phone.csv", text)) == {"phone": {"R1": 4.0, "U1": 1.0, "CASE": 1.0}}


def test_dotted_levels_with_one_top_line_take_it_as_the_product(write_csv: WriteCsv) -> None:
    text = "Level,Part,Qty\n1,PH-1,1\n1.1,PCB,1\n1.1.1,R1,2\n1.2,CASE,1\n"
    t = read_bom([write_csv("p.csv", text)])
    assert t.lines["level"].tolist() == [0.0, 1.0, 2.0, 1.0]
    assert "product-added" not in _codes(t)


def test_sap_dot_prefixed_levels(write_csv: WriteCsv) -> None:
    # SAP CS12 explosion of one material: the material itself is not a line
    text = (
        "Explosion level;Component number;Object description;Comp. Qty (BUn);Base unit\n"
        ".1;100-200;Board;1;PC\n..2;R-1;Resistor;10;PC\n..2;C-1;Capacitor;2;PC\n.1;300;Case;1;PC\n"
    )
    t = read_bom([write_csv("CS12.csv", text)], api.ReadOptions(product="PH-100"))
    assert t.sources[0].structure == "dot-prefixed-level"
    assert t.lines["level"].tolist() == [0.0, 1.0, 2.0, 2.0, 1.0]
    assert t.lines["part_number"].tolist()[0] == "PH-100"
    assert t.sources[0].product == {"part_number": "PH-100", "from": "--product", "row": 1}
    assert t.lines["uom"].tolist()[1:] == ["PC"] * 4


def test_one_based_levels_with_products_are_lowered(write_csv: WriteCsv) -> None:
    t = read_bom([write_csv("l.csv", "Level,Part,Qty\n1,P,\n2,A,1\n1,Q,\n2,B,2\n")])
    assert t.lines["level"].tolist() == [0.0, 1.0, 0.0, 1.0]
    assert _codes(t) == ["level-shifted"]


def test_indentation_in_part_number_cells(write_csv: WriteCsv) -> None:
    text = "Part Number,Description,Qty\nPH-1,Phone,1\n  PCB,Board,1\n    R1,Res,4\n  CASE,Case,1\n"
    t = read_bom([write_csv("ind.csv", text)])
    assert t.sources[0].structure == "indentation"
    assert t.lines["level"].tolist() == [0.0, 1.0, 2.0, 1.0]
    assert t.lines["part_number"].tolist() == ["PH-1", "PCB", "R1", "CASE"]


def test_indentation_in_description_cells_xlsx(write_xlsx: WriteXlsx) -> None:
    rows = [
        ["Item", "Description", "Qty"],
        ["PCB", "Main board", 1],
        ["R1", "   Resistor", 4],
        ["U1", "   MCU", 1],
        ["CASE", "Case", 1],
    ]
    t = read_bom([write_xlsx("ind.xlsx", {"BOM": rows})])
    assert t.sources[0].structure == "indentation"
    # PCB and CASE are top lines and CASE has no children: the file lists a product's parts
    assert t.lines["part_number"].tolist() == ["ind", "PCB", "R1", "U1", "CASE"]
    assert t.lines["level"].tolist() == [0.0, 1.0, 2.0, 2.0, 1.0]
    assert t.letter(t.sources[0].path, "BOM", "level") == "B"


def test_one_stray_space_is_not_indentation(write_csv: WriteCsv) -> None:
    t = read_bom([write_csv("cart.csv", "Part,Qty\nA,1\n B,2\nC,3\n")])
    assert t.sources[0].structure == "flat"


def test_flat_bom_named_from_file_title_or_option(write_csv: WriteCsv) -> None:
    plain = write_csv("kit-7.csv", "Part Number,Qty\nR1,2\nU1,1\n")
    t = read_bom([plain])
    assert t.sources[0].structure == "flat"
    assert t.lines["part_number"].tolist() == ["kit-7", "R1", "U1"]
    assert t.lines["level"].tolist() == [0.0, 1.0, 1.0]
    titled = write_csv("x.csv", "Assembly:;PH-200\nRevision:;B\n\nPart Number;Qty\nR1;2\n")
    t = read_bom([titled])
    assert t.sources[0].product == {"part_number": "PH-200", "from": "the title cell A1", "row": 1}
    assert read_bom([plain], api.ReadOptions(product="P9")).lines["part_number"].iat[0] == "P9"


def test_kicad_source_line_names_the_product(write_csv: WriteCsv) -> None:
    text = (
        '"Source:","/home/me/radio/radio.kicad_sch"\n"Date:","2024-01-01"\n'
        '"Tool:","Eeschema 7"\n"Component Count:","3"\n'
        '"Ref","Qty","Value","Part Number"\n"C1-C2","2","100n","CAP-100"\n"U1","1","MCU","IC-1"\n'
    )
    t = read_bom([write_csv("bom.csv", text)])
    assert t.lines["part_number"].tolist() == ["radio", "CAP-100", "IC-1"]


def test_placement_list_counts_designators(write_csv: WriteCsv) -> None:
    # one row per placement, no quantity column: each row counts its designators, and the
    # placements of one part are one line (quantities added, designators joined)
    text = "Designator,Part Number\nR1,RES-10K\nR2,RES-10K\nC1,CAP-1\nC2,CAP-1\nU1,IC-1\n"
    t = read_bom([write_csv("pnp.csv", text)])
    assert t.lines["quantity"].tolist()[1:] == [2.0, 2.0, 1.0]
    assert t.lines["reference_designators"].tolist()[1:] == ["R1, R2", "C1, C2", "U1"]
    assert t.sources[0].rows_merged == 2 and t.sources[0].rows_used == 5
    assert "placements-grouped" in _codes(t) and "quantity-from-designators" in _codes(t)
    assert _explode(write_csv("pnp.csv", text)) == {
        "pnp": {"CAP-1": 2.0, "IC-1": 1.0, "RES-10K": 2.0}
    }
    # a sheet that groups its lines already is left as written
    grouped = 'Designator,Part Number\nR1,RES-10K\n"R2, R3",RES-10K\n"C1, C2",CAP-1\n'
    t = read_bom([write_csv("grouped.csv", grouped)])
    assert t.lines["quantity"].tolist()[1:] == [1.0, 2.0, 2.0]
    assert "placements-grouped" not in _codes(t)


def test_several_flat_boms_need_one_product_each(write_csv: WriteCsv) -> None:
    a = write_csv("a.csv", "Part,Qty\nR1,2\n")
    b = write_csv("b.csv", "Part,Qty\nR2,2\n")
    assert _explode([a, b]) == {"a": {"R1": 2.0}, "b": {"R2": 2.0}}
    with pytest.raises(InputError) as err:
        read_bom([a, b], api.ReadOptions(product="P"))
    assert "--product P names one product, but 2 single-level BOMs" in str(err.value)


def test_one_sheet_per_assembly(write_xlsx: WriteXlsx) -> None:
    head = ["Part Number", "Qty", "Unit Cost"]
    book = write_xlsx(
        "phone.xlsx",
        {
            "PH-100": [head, ["PCB-1", 1, None], ["CASE-1", 1, 3.5]],
            "PCB-1": [head, ["U1", 2, 10], ["R1", 10, 0.01], ["SUB-9", 1, None]],
            "sub-9": [head, ["R1", 1, 0.01]],
        },
    )
    t = read_bom([book])
    assert t.layout == "parent-child"
    assert {s.structure for s in t.sources} == {"per-assembly"}
    parents = t.lines["parent"].fillna("-").tolist()
    assert parents == ["-", "PH-100", "PH-100", *["PCB-1"] * 3, "SUB-9"]
    assert _explode(book) == {"PH-100": {"CASE-1": 1.0, "R1": 11.0, "U1": 2.0}}


def test_one_workbook_per_assembly_in_a_folder(tmp_path: Path, write_xlsx: WriteXlsx) -> None:
    head = ["Part Number", "Qty"]
    write_xlsx("boms/TOP.xlsx", {"Sheet1": [head, ["BRD", 2], ["SCREW", 4]]})
    write_xlsx("boms/BRD.xlsx", {"Sheet1": [head, ["R1", 3]]})
    assert _explode(tmp_path / "boms") == {"TOP": {"R1": 6.0, "SCREW": 4.0}}


def test_flat_sheet_beside_an_indented_bom_is_skipped(write_xlsx: WriteXlsx) -> None:
    book = write_xlsx(
        "b.xlsx",
        {
            "BOM": [["Level", "Part", "Qty"], [0, "P", None], [1, "A", 2]],
            "Summary": [["Part", "Qty"], ["A", 2]],
        },
    )
    t = read_bom([book])
    assert issue_tuples(t.issues, ("sheet", "code")) == [("Summary", "sheet-skipped")]
    assert len(read_bom([book], sheet=("BOM", "Summary")).sources) == 2


def test_headerless_parent_child_by_column_number(write_csv: WriteCsv) -> None:
    text = "10;;TOP;\n20;TOP;A;2\n30;A;R1;5\n"
    t = read_bom(
        [write_csv("edges.csv", text)],
        columns={"parent": "2", "part_number": "3", "quantity": "4"},
    )
    assert t.layout == "parent-child"
    assert t.lines["parent"].fillna("-").tolist() == ["-", "TOP", "A"]
    assert _explode(
        write_csv("edges.csv", text),
        read=api.ReadOptions(columns={"parent": "2", "part_number": "3", "quantity": "4"}),
    ) == {"TOP": {"R1": 10.0}}


EFFECTIVE = (
    "Parent,Component,Qty,Valid From,Valid To\n"
    "TOP,R1,2,2020-01-01,2020-06-01\n"  # replaced on 2020-06-01
    "TOP,R1,3,2020-06-01,\n"
    "TOP,U1,1,,\n"
    "TOP,OLD,1,2019-01-01,01.01.2020\n"
)


def test_effectivity_as_of_uses_lines_in_effect(write_csv: WriteCsv) -> None:
    p = write_csv("eff.csv", EFFECTIVE)
    t = read_bom([p], options=api.ReadOptions(as_of=date(2020, 6, 1)))
    assert t.lines["part_number"].tolist() == ["R1", "U1"]
    assert t.lines["quantity"].tolist() == [3.0, 1.0]
    assert issue_tuples(t.issues, ("row", "column", "code")) == [
        (2, "D", "not-in-effect"),
        (5, "D", "not-in-effect"),
    ]
    assert t.sources[0].rows_skipped == {"not in effect": 2}
    early = read_bom([p], options=api.ReadOptions(as_of=date(2020, 5, 31)))
    assert early.lines["quantity"].tolist() == [2.0, 1.0]
    # the day a line ends it no longer counts: never both R1 lines
    r = _explode(p, read=api.ReadOptions(as_of=date(2020, 6, 1)))
    assert r == {"TOP": {"R1": 3.0, "U1": 1.0}}


def test_analyze_as_of_selects_effective_lines(write_csv: WriteCsv) -> None:
    p = write_csv("eff.csv", EFFECTIVE)
    res = api.analyze([p], destinations=["CN"], as_of=date(2020, 5, 1))
    assert res.inputs[0]["rows_skipped"] == {"not in effect": 2}


def test_parts_master_joined_and_missing_parts_kept(write_csv: WriteCsv) -> None:
    bom = write_csv("bom.csv", "Level,Part,Qty\n0,P,\n1,A,2\n1,B,1\n")
    master = write_csv("master.csv", "Part,Unit Cost,COO\nA,1.5,US\nZ,9,CN\n")
    t = read_bom([bom, master])
    assert t.parts is not None and t.parts["part_number"].tolist() == ["A", "Z"]
    codes = {(i.code.value, i.part_number) for i in t.issues}
    assert ("undefined-part", "B") in codes and ("unused-master-part", "Z") in codes
    assert _explode([bom, master]) == {"P": {"A": 2.0, "B": 1.0}}


def test_forced_layout_mismatch_is_an_error(write_csv: WriteCsv) -> None:
    with pytest.raises(InputError) as err:
        read_bom([write_csv("f.csv", "Part,Qty\nA,1\n")], layout="parent-child")
    assert "is a single-level BOM (no Level or Parent column), but layout parent-child" in str(
        err.value
    )
    t = read_bom([write_csv("l.csv", "Level,Part,Qty\n0,P,\n1,A,1\n")], layout="flat")
    assert t.lines["part_number"].tolist() == ["l", "P", "A"]


def test_eda_export_without_part_number_uses_the_mpn(write_csv: WriteCsv) -> None:
    text = "Designator,Comment,Manufacturer Part Number,Quantity\nR1 R2,10k,RC0603FR-0710KL,2\n"
    t = read_bom([write_csv("board.csv", text)])
    how = {c.field: (c.header, c.how) for c in t.sources[0].columns}
    assert how["part_number"] == ("Manufacturer Part Number", "mpn (no part-number column)")
    assert t.lines["part_number"].tolist() == ["board", "RC0603FR-0710KL"]


def test_outline_numbered_position_column_gives_the_levels(write_xlsx: WriteXlsx) -> None:
    rows = [
        ["N°", "Part Number", "Description", "Quantity"],
        [1, "PRINTER", "3D printer", 1],
        [None, None, None, None],
        [2, "HEATER", "IR heating system", 1],
        ["2.1", "LAMP", "IR lamp", 1],
        ["2.2", "NUT-M3", "nut", 4],
        [3, "HOLDER", "PCB holder", 1],  # a number repeated: a second top-level line
        ["3.1", "NUT-M3", "nut", 6],
        ["3.10", "SCREW", "screw", 2],  # not 3.1: outline numbers are text
    ]
    path = write_xlsx("outline.xlsx", {"Structure": rows})
    t = read_bom([path])
    assert t.lines["level"].tolist() == [0, 1, 1, 2, 2, 1, 2, 2]
    assert (1, "A", "outline-levels") in issue_tuples(t.issues, ("row", "column", "code"))
    exploded = _explode(path)["outline"]
    assert exploded["NUT-M3"] == 10.0 and "HEATER" not in exploded and "HOLDER" not in exploded
    flat = read_bom([path], layout="flat")
    assert "outline-levels" not in _codes(flat)
    assert set(flat.lines["level"].tolist()[1:]) == {1.0}  # every line a part of the product
    assert "HEATER" in flat.lines["part_number"].tolist()


@pytest.mark.parametrize(
    "numbers",
    [
        ["1", "2", "3", "4"],  # line numbers 1..N: no dotted value
        ["1.5", "2.5", "3.5", "4.5"],  # decimals: 1.5 comes after no line 1
    ],
)
def test_line_numbers_and_decimals_are_not_levels(write_csv: WriteCsv, numbers: list[str]) -> None:
    text = "Item No.,Part Number,Qty\n" + "".join(f"{n},P{k},1\n" for k, n in enumerate(numbers))
    t = read_bom([write_csv("lines.csv", text)])
    assert "outline-levels" not in _codes(t)
    assert t.sources[0].structure == "flat"


def test_designation_spread_over_columns_by_depth_is_one_column(write_xlsx: WriteXlsx) -> None:
    rows: list[list[object]] = [
        ["ID", "BOM Level", "Part Number", None, None, "Qty"],
        [1, 1, "CAMERA", None, None, 1],
        [2, 1, "HAT-ASSY", None, None, 1],
        [3, 2, None, "FAN-40", None, 1],
        [4, 2, None, "DRIVER-ASSY", None, 2],
        [5, 3, None, None, "TMC5160", 2],
        [6, 1, "CASE", None, None, 1],
    ]
    t = read_bom([write_xlsx("spread.xlsx", {"BOM": rows})])
    assert t.lines["part_number"].tolist()[1:] == [
        "CAMERA", "HAT-ASSY", "FAN-40", "DRIVER-ASSY", "TMC5160", "CASE"
    ]  # fmt: skip
    assert (4, "D", "spread-column") in issue_tuples(t.issues, ("row", "column", "code"))
    # without a level column, the depth gives the level
    flat = [[r[0], *r[2:]] for r in rows]
    t2 = read_bom([write_xlsx("depth.xlsx", {"BOM": flat})])
    assert t2.lines["level"].tolist() == t.lines["level"].tolist()
    assert _explode(write_xlsx("depth.xlsx", {"BOM": flat}))["depth"]["TMC5160"] == 4.0


def test_notes_overflowing_into_unnamed_columns_are_not_a_spread_column(
    write_xlsx: WriteXlsx,
) -> None:
    rows = [
        ["Part Number", "Qty", "Notes", None],
        ["A", 1, None, "see drawing"],  # a deeper cell with none above it: no staircase
        ["B", 2, "x", None],
        ["C", 1, None, "y"],
    ]
    t = read_bom([write_xlsx("notes.xlsx", {"BOM": rows})])
    assert "spread-column" not in _codes(t)
