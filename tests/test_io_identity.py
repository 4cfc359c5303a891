"""Columns read from their content: header-less files, and refusals that name the likely
column (bomtrace/io/headerless.py, identity.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from bomtrace.cli import cli
from bomtrace.errors import ColumnMappingError, InputError
from bomtrace.io import read_bom
from bomtrace.io.headerless import kind
from bomtrace.io.options import ReadOptions
from bomtrace.io.quantities import count_designators
from bomtrace.io.table import confidence

WriteCsv = Callable[..., Path]

DIGIKEY = (
    "1,311-10.0KHRCT-ND,R9\n"
    "3,MMBF4117CT-ND,Q1|Q2|Q3\n"
    "2,311-680KHRCT-ND,R12|R8\n"
    "5,490-1524-1-ND,C2|C3|C4|C5|C6\n"
    "1,296-36750-1-ND,U2\n"
)


def _notes(t: object) -> list[str]:
    return [i.message for i in t.issues if i.code.value == "key-column"]  # type: ignore[attr-defined]


def _kind(cells: list[str]) -> str | None:
    got = kind(pd.Series(cells))
    return got[0] if got else None


def test_kinds_of_columns() -> None:
    assert _kind(["LMK107BJ475KAHT", "22-05-3021", "ADC081C021CIMM/NOPB"]) == "part_number"
    assert _kind(["2", "14", "1", "1"]) == "quantity"
    assert _kind(["1", "2", "3", "4"]) is None  # line numbers
    assert _kind(["0.47", "18.65", "1.99"]) is None  # prices
    assert _kind(["10k", "100n", "4k7"]) is None  # values, too short for codes
    assert _kind(["D1 D2 D3", "R24 R29", "U3"]) == "reference_designators"
    assert _kind(["STM32F103C8T6", "GRM188R71C104KA01D", "LM358"]) == "part_number"
    prose = ["Capacitor ceramic 100 nF", "Resistor thick film", "LED red 0603"]
    assert _kind(prose) == "description"
    assert _kind(["104233", "104987", "110342"]) == "part_number"  # ERP numbers
    assert _kind(["2019-01-31", "2020-03-02", "2021-11-05"]) is None  # dates


def test_designators_split_on_pipes() -> None:
    assert _kind(["R12|R8", "C2|C3|C4", "Q1|Q2|Q3", "U1"]) == "reference_designators"
    counts, bad = count_designators(pd.Series(["R12|R8", "C2|C3|C4", "U1"]))
    assert counts.tolist() == [2.0, 3.0, 1.0] and not bad.any()


def test_headerless_upload_reads_from_content(write_csv: WriteCsv) -> None:
    t = read_bom([write_csv("upload.csv", DIGIKEY)])
    src = t.sources[0]
    assert src.header_row == 0
    assert {c.field: (c.column, c.how) for c in src.columns} == {
        "part_number": ("B", "content"),
        "quantity": ("A", "content"),
        "reference_designators": ("C", "content"),
    }
    parts = t.lines[t.lines["level"] == 1]
    assert parts["part_number"].tolist()[:2] == ["311-10.0KHRCT-ND", "MMBF4117CT-ND"]
    assert parts["quantity"].sum() == 12
    assert parts["_row"].tolist() == [1, 2, 3, 4, 5]  # the first row is data
    notes = _notes(t)
    assert len(notes) == 3
    assert any("column B was read as the part number" in n and "part_number=N" in n for n in notes)
    assert any("column A was read as the quantity" in n and "this one is 1" in n for n in notes)
    assert not [i for i in t.issues if i.code.value == "designator-mismatch"]


def test_headerless_pipe_separated_mpn_list(write_csv: WriteCsv) -> None:
    text = "CAT24C256WI-GT3|1|U3\nLMK107BJ475KAHT|3|C1 C14 C16\nMIC5355-S4YMME|1|U8\n"
    t = read_bom([write_csv("mouser.txt", text)])
    fields = {c.field: c.column for c in t.sources[0].columns}
    assert fields == {"part_number": "A", "quantity": "B", "reference_designators": "C"}


def test_headerless_with_a_description(write_csv: WriteCsv) -> None:
    text = (
        "RC0603FR-0710KL,Resistor 10k 1% 0603,4,R1 R2 R3 R4\n"
        "GRM188R71C104KA01D,Capacitor 100 nF X7R,2,C1 C2\n"
        "STM32F103C8T6,Microcontroller ARM Cortex M3,1,U1\n"
    )
    t = read_bom([write_csv("list.csv", text)])
    fields = {c.field: c.column for c in t.sources[0].columns}
    assert fields["description"] == "B" and fields["part_number"] == "A"


@pytest.mark.parametrize(
    "text",
    [
        # two columns of codes: which one is the part number?
        "RC0603FR-0710KL,311-10.0KHRCT-ND,4\nGRM188R71C104KA01D,490-1524-1-ND,2\n"
        "STM32F103C8T6,497-6063-ND,1\n",
        # no count and no designators
        "RC0603FR-0710KL,Resistor 10k 1% 0603\nGRM188R71C104KA01D,Capacitor 100 nF\n"
        "STM32F103C8T6,Microcontroller ARM\n",
    ],
)
def test_headerless_ambiguous_is_refused_with_a_hint(write_csv: WriteCsv, text: str) -> None:
    with pytest.raises(ColumnMappingError) as err:
        read_bom([write_csv("amb.csv", text)])
    msg = str(err.value)
    assert "no header row" in msg
    assert "Column A holds part-number-like codes" in msg and "--column part_number=1" in msg


def test_unknown_header_words_hint_names_the_header(write_csv: WriteCsv) -> None:
    text = (
        "Alpha,Beta,Gamma\n"
        "RC0603FR-0710KL,4,R1 R2 R3 R4\n"
        "GRM188R71C104KA01D,2,C1 C2\n"
        "STM32F103C8T6,1,U1\n"
    )
    with pytest.raises(ColumnMappingError) as err:
        read_bom([write_csv("words.csv", text)])
    msg = str(err.value)
    assert "Column A 'Alpha' holds part-number-like codes" in msg
    assert "--column part_number='Alpha'" in msg
    assert "--column quantity='Beta'" in msg
    # headers that name columns only by number ("Field1") name nothing: read from content
    t = read_bom(
        [write_csv("fields.csv", text.replace("Alpha,Beta,Gamma", "Field1,Field2,Field3"))]
    )
    assert t.lines["part_number"].tolist()[1] == "RC0603FR-0710KL"
    assert t.lines["quantity"].tolist()[1:] == [4.0, 2.0, 1.0]


def test_missing_part_number_hint_names_an_unheaded_column(write_csv: WriteCsv) -> None:
    text = (
        ",Qty,Notes\n"
        "Barrel connector,1,cheap\n"
        "Power supply,1,from an old laptop\n"
        "Flat ribbon cable,2,\n"
        "Stepper motor,4,\n"
    )
    with pytest.raises(ColumnMappingError) as err:
        read_bom([write_csv("names.csv", text)])
    msg = str(err.value)
    assert "Column A (no header) holds names of parts" in msg or "Column A holds names" in msg
    assert "--column part_number=1" in msg


def test_missing_quantity_hint(write_csv: WriteCsv) -> None:
    text = "Part Number,Col2\nPN-1001,2\nPN-1002,5\nPN-1003,1\nPN-1004,3\n"
    with pytest.raises(ColumnMappingError) as err:
        read_bom([write_csv("noqty.csv", text)])
    msg = str(err.value)
    assert "Column B 'Col2' holds small whole numbers" in msg
    assert "--column quantity='Col2'" in msg


def test_numbered_overrides_still_win(write_csv: WriteCsv) -> None:
    cols = {"part_number": "2", "quantity": "1", "reference_designators": "3"}
    t = read_bom([write_csv("upload.csv", DIGIKEY)], columns=cols)
    assert {c.how for c in t.sources[0].columns} == {"override"}
    assert not _notes(t)


@pytest.mark.parametrize(
    ("how", "word"),
    [
        ("override", "given"),
        ("profile", "given"),
        ("exact", "header"),
        ("alias", "header"),
        ("weak-alias", "header words"),
        ("mpn (no part-number column)", "header words"),
        ("content", "content"),
        ("reference (content)", "content"),
        ("name (no part-number column)", "guess"),
    ],
)
def test_confidence_words(how: str, word: str) -> None:
    assert confidence(how) == word


def test_inspect_shows_confidence(write_csv: WriteCsv) -> None:
    path = write_csv("upload.csv", DIGIKEY)
    res = CliRunner().invoke(cli, ["inspect", str(path), "--format", "json"])
    assert res.exit_code == 0, res.output
    src = json.loads(res.output)["sources"][0]
    assert src["columns"]["part_number"] == {
        "header": "",
        "column": "B",
        "how": "content",
        "confidence": "content",
    }
    res = CliRunner().invoke(cli, ["inspect", str(path)])
    assert "matched by  confidence" in res.output


BATCH = "".join(
    f"10,{pn},{ref}\n"
    for pn, ref in [
        ("490-3298-1-ND", "C1"),
        ("490-3298-1-ND", "C2"),
        ("ATMEGA328-AURCT-ND", "IC1"),
        ("P620JCT-ND", "R1"),
        ("P620JCT-ND", "R2"),
        ("P620JCT-ND", "R3"),
    ]
)


def test_quantities_for_a_batch_are_divided(write_csv: WriteCsv) -> None:
    t = read_bom([write_csv("batch.csv", BATCH)])
    parts = t.lines[t.lines["level"] == 1]
    got = dict(zip(parts["part_number"], parts["quantity"], strict=True))
    assert got == {"490-3298-1-ND": 2.0, "ATMEGA328-AURCT-ND": 1.0, "P620JCT-ND": 3.0}
    msgs = [i.message for i in t.issues if i.code.value == "build-quantity"]
    assert len(msgs) == 1 and "10 times as many parts as designators" in msgs[0]
    assert "--build-quantity 1" in msgs[0]


def test_build_quantity_one_keeps_the_batch(write_csv: WriteCsv) -> None:
    t = read_bom([write_csv("batch.csv", BATCH)], options=ReadOptions(build_quantity=1))
    parts = t.lines[t.lines["level"] == 1]
    assert parts["quantity"].tolist() == [10.0] * 6
    assert not [i for i in t.issues if i.code.value == "build-quantity"]


def test_mixed_ratios_are_not_a_batch(write_csv: WriteCsv) -> None:
    text = BATCH.replace("10,P620JCT-ND,R3", "2,P620JCT-ND,R3")
    t = read_bom([write_csv("mixed.csv", text)])
    assert not [i for i in t.issues if i.code.value == "build-quantity"]
    parts = t.lines[t.lines["level"] == 1]
    assert parts["quantity"].sum() == 52.0


def test_ambiguous_hint_names_the_other_candidates(write_csv: WriteCsv) -> None:
    text = (
        "RC0603FR-0710KL,311-10.0KHRCT-ND,4\nGRM188R71C104KA01D,490-1524-1-ND,2\n"
        "STM32F103C8T6,497-6063-ND,1\n"
    )
    with pytest.raises(ColumnMappingError) as err:
        read_bom([write_csv("two.csv", text)])
    msg = str(err.value)
    assert "(column B too): try --column part_number=1" in msg
    assert "--column quantity=3" in msg


def test_parts_master_only_hint_names_a_quantity(write_csv: WriteCsv) -> None:
    text = "Part Number,Description,Col3\nPN-1,Screw M3,2\nPN-2,Nut M3,5\nPN-3,Washer,1\n"
    with pytest.raises(InputError) as err:
        read_bom([write_csv("master.csv", text)])
    assert "Column C 'Col3' holds small whole numbers" in str(err.value)
    assert "--column quantity='Col3'" in str(err.value)


def test_headerless_sheet_of_a_workbook(write_xlsx: Callable[..., Path]) -> None:
    rows: list[list[object]] = [
        ["CAT24C256WI-GT3", 1, "U3"],
        ["LMK107BJ475KAHT", 3, "C1, C14, C16"],
        ["MIC5355-S4YMME", None, ""],  # a line with neither: still a line of the list
        ["TMK107BJ154KA-T", 2, "C2 C3"],
    ]
    t = read_bom([write_xlsx("cart.xlsx", {"Cart": rows})])
    fields = {c.field: c.column for c in t.sources[0].columns}
    assert fields == {"part_number": "A", "quantity": "B", "reference_designators": "C"}
    parts = t.lines[t.lines["level"] == 1]
    assert parts["part_number"].tolist()[::3] == ["CAT24C256WI-GT3", "TMK107BJ154KA-T"]
    assert parts["_row"].tolist() == [1, 2, 3, 4]


def test_first_row_that_is_a_header_is_not_read_as_data(write_csv: WriteCsv) -> None:
    text = "Teil,Anzahl,Bestückung\n" + "".join(
        f"{pn},{q},{r}\n" for q, pn, r in (line.split(",") for line in DIGIKEY.splitlines())
    )
    with pytest.raises(ColumnMappingError) as err:
        read_bom([write_csv("de.csv", text)])
    msg = str(err.value)
    assert "Column A 'Teil' holds part-number-like codes" in msg
    assert "--column part_number='Teil'" in msg


def test_headerless_line_numbers_and_prices_are_not_counts(write_csv: WriteCsv) -> None:
    text = "".join(
        f"{i},{q},{pn},{ref},{price}\n"
        for i, (q, pn, ref, price) in enumerate(
            [
                ("2", "RC0603FR-0710KL", "R1 R2", "0.01"),
                ("1", "GRM188R71C104KA01D", "C1", "0.02"),
                ("1", "STM32F103C8T6", "U1", "3.10"),
                ("4", "B3F-1000", "SW1 SW2 SW3 SW4", "0.25"),
            ],
            start=1,
        )
    )
    t = read_bom([write_csv("numbered.csv", text)])
    fields = {c.field: c.column for c in t.sources[0].columns}
    assert fields == {"part_number": "C", "quantity": "B", "reference_designators": "D"}
    assert t.lines["quantity"].sum() == 8


def test_designator_like_part_numbers_stay_when_no_other_column_has_part_numbers(
    write_csv: WriteCsv,
) -> None:
    """Short part numbers (U1, R7) look like designators. A column headed "Part Number" itself
    is believed; under another part-number header, the part number is read from another
    column only when that column holds something on most lines. Kept values come with a
    warning that says so (never every line keyed by its name)."""
    rows = "U1,FPGA,{},1\nR7,Res,{},2\nC12,Cap,,3\nU2,DSP,{},1\n"
    for head in ("Part Number", "Part No."):
        p = write_csv("short.csv", f"{head},Description,MPN,Qty\n" + rows.format("", "", ""))
        t = read_bom(p)
        assert t.lines["part_number"].tolist()[-4:] == ["U1", "R7", "C12", "U2"]  # under 'short'
        [note] = _notes(t)
        assert f"Column A '{head}' looks like it holds reference designators" in note
        assert "--column part_number=HEADER" in note
        assert (
            "reference_designators" not in t.lines.columns
            or t.lines["reference_designators"].isna().all()
        )
    mpns = rows.format("XC7A35T", "RC0603-10K", "TMS320")
    t = read_bom(write_csv("named.csv", "Part Number,Description,MPN,Qty\n" + mpns))
    assert t.lines["part_number"].tolist()[-4:] == ["U1", "R7", "C12", "U2"]
    assert "as its header says" in _notes(t)[0]
    t = read_bom(write_csv("refs.csv", "Part No.,Description,MPN,Qty\n" + mpns))
    # an MPN on most lines, under a weaker header: the designators' column is not the key
    assert t.lines["part_number"].tolist()[-4:-2] == ["XC7A35T", "RC0603-10K"]
    assert any("holds reference designators, not part numbers" in n for n in _notes(t))
