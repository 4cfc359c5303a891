"""Values as exports write them, aliases in four languages, and mapping profiles
(bomtrace/io/quantities.py, aliases.py, mapping.py)."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import pytest

from bomtrace import api
from bomtrace.errors import UsageError
from bomtrace.io import read_bom
from bomtrace.io.mapping import load_profile
from bomtrace.io.options import ReadOptions
from bomtrace.issues import issue_tuples

WriteCsv = Callable[..., Path]
WriteXlsx = Callable[..., Path]


def test_numbers_money_and_percentages(write_csv: WriteCsv) -> None:
    text = (
        "Level;Part;Qty;Unit Cost;US Content\n"
        "0;P;;;\n"
        '1;A;"2,5";"1.234,50 €";12%\n'
        "1;B;2 pcs;USD 12;0,5\n"
        "1;C;0.5 m;$1,234.50;\n"
        "1;D;3x;(2);\n"
    )
    t = read_bom([write_csv("v.csv", text)])
    q = t.lines["quantity"].tolist()
    assert q[1:] == [2.5, 2.0, 0.5, 3.0]
    # accounting "(2)" is read as -2: a negative cost is an error and left missing
    assert t.lines["unit_cost"].tolist()[1:4] == [1234.5, 12.0, 1234.5]
    assert math.isnan(t.lines["unit_cost"].iat[4])
    neg = [i for i in t.issues if i.code == "negative-value"]
    assert [(i.row, i.column) for i in neg] == [(6, "D")]
    assert t.lines["currency"].tolist()[1:3] == ["EUR", "USD"]
    assert t.lines["uom"].tolist()[2:4] == ["pcs", "m"]
    pct = t.lines["us_content_pct"].tolist()
    assert pct[1:3] == [0.12, 0.5]


def test_part_numbers_are_never_numbers_or_dates(write_xlsx: WriteXlsx) -> None:
    rows = [
        ["Level", "Part Number", "Qty"],
        [0, "00123", None],
        [1, "1E5", 1],
        [1, "3-4", 1],
        [1, "MAR1", 1],
        [1, "0042", 2],
    ]
    t = read_bom([write_xlsx("pn.xlsx", {"BOM": rows})])
    assert t.lines["part_number"].tolist() == ["00123", "1E5", "3-4", "MAR1", "0042"]


def test_unicode_spaces_and_invisible_characters_at_the_ends_of_codes(
    write_xlsx: WriteXlsx,
) -> None:
    rows = [
        ["Level", "Part Number", "Qty"],
        [0, "P\u3000", None],
        [1, "426-2038\u00a0", 1],  # a no-break space, as copied from a distributor page
        [1, "\u200bSR8\u2009", 4],  # zero-width and thin spaces
        [1, "426-2038", 2],
        [1, "A\u00a0B", 1],  # inside a code: kept
    ]
    t = read_bom([write_xlsx("ws.xlsx", {"BOM": rows})])
    assert t.lines["part_number"].tolist() == ["P", "426-2038", "SR8", "426-2038", "A\u00a0B"]


def test_designators_counted_and_checked(write_csv: WriteCsv) -> None:
    text = (
        "Level,Part,Qty,RefDes\n0,P,,\n"
        "1,C-100,7,C1-C7\n"
        '1,U-1,2,"U1, U2"\n'
        "1,R-1,3,R1 R2\n"  # 2 designators, quantity 3
        "1,J-1,,J1;J2\n"  # empty quantity: from the designators
    )
    t = read_bom([write_csv("d.csv", text)])
    assert t.lines["quantity"].tolist()[1:] == [7.0, 2.0, 3.0, 2.0]
    assert issue_tuples(t.issues, ("row", "column", "code", "part_number")) == [
        (5, "C", "designator-mismatch", "R-1"),
        (6, "C", "quantity-from-designators", "J-1"),
    ]


def test_do_not_populate_lines_are_kept_with_zero_quantity(write_csv: WriteCsv) -> None:
    text = (
        "Part,Qty,Description,DNP\n"
        "R1,1,Resistor,\n"
        "R2,DNP,Resistor,\n"  # in the quantity cell
        "R3,1,Resistor,DNP\n"  # in a DNP column
        "R4,2,Resistor (do not populate),\n"  # in the description
        "R5,1,Resistor,x\n"
    )
    t = read_bom([write_csv("kit.csv", text)])
    assert t.lines["part_number"].tolist() == ["kit", "R1", "R2", "R3", "R4", "R5"]
    assert t.lines["quantity"].tolist()[1:] == [1.0, 0.0, 0.0, 0.0, 0.0]
    assert [i.row for i in t.issues if i.code.value == "do-not-populate"] == [3, 4, 5, 6]
    assert "zero-quantity" not in [i.code.value for i in t.issues]


def test_fitted_column_reads_the_other_way(write_csv: WriteCsv) -> None:
    t = read_bom([write_csv("v.csv", "Part,Qty,Fitted\nR1,1,Yes\nR2,1,No\nR3,1,Not Fitted\n")])
    assert t.lines["quantity"].tolist()[1:] == [1.0, 0.0, 0.0]


def test_package_pricing_and_price_units(write_csv: WriteCsv) -> None:
    text = (
        "Level,Part,Qty,Package Price,Pack Qty,Unit Price,Price Unit\n"
        "0,P,,,,,\n"
        "1,R1,10,5.00,1000,,\n"  # 5.00 per reel of 1000
        "1,U1,1,,,120,100\n"  # SAP: 120 per 100 pieces
        "1,C1,2,,,0.5,\n"
    )
    t = read_bom([write_csv("p.csv", text)])
    cost = t.lines["unit_cost"].tolist()
    assert cost[1:] == [0.005, 1.2, 0.5]
    assert "unit-cost-derived" in [i.code.value for i in t.issues]


@pytest.mark.parametrize(
    "header",
    [
        "Stufe;Sachnummer;Benennung;Menge;Preis;Ursprungsland",
        "Niveau;Référence;Désignation;Quantité;Prix unitaire;Pays d'origine",
        "Nivel;Número de parte;Descripción;Cantidad;Precio unitario;País de origen",
        "Level;Part No.;Description;Qty;Unit Price (USD);COO",
    ],
)
def test_header_aliases_in_four_languages(write_csv: WriteCsv, header: str) -> None:
    t = read_bom([write_csv("h.csv", header + "\n0;P;Phone;;;\n1;A;Board;2;1,5;DE\n")])
    fields = [c.field for c in t.sources[0].columns]
    assert fields == [
        "part_number",
        "level",
        "quantity",
        "unit_cost",
        "description",
        "country_of_origin",
    ]
    assert t.lines["unit_cost"].tolist()[1] == 1.5


def test_weak_alias_yields_to_a_strong_one(write_csv: WriteCsv) -> None:
    # SAP: "Item" is the item number (0010), "Component" the part number
    t = read_bom([write_csv("s.csv", "Level,Item,Component,Qty\n0,0000,P,\n1,0010,A,2\n")])
    assert {c.field: c.header for c in t.sources[0].columns}["part_number"] == "Component"
    assert t.lines["part_number"].tolist() == ["P", "A"]
    assert t.lines["x:Item"].tolist() == ["0000", "0010"]


def test_profile_round_trip(write_csv: WriteCsv, tmp_path: Path) -> None:
    text = "Lvl;Teil;Anz.;EK\n0;P;;\n1;A;2;1,50\n"
    first = write_csv("erp1.csv", text)
    prof = tmp_path / "erp.toml"
    cols = {"part_number": "Teil", "quantity": "Anz.", "unit_cost": "EK"}
    opts = api.ReadOptions(columns=cols, save_profile=str(prof))
    t = read_bom([first], opts)
    assert t.lines["quantity"].iat[1] == 2.0
    data = load_profile(prof)
    assert data["columns"] == {
        "part_number": ("Teil",),
        "level": ("Lvl",),
        "quantity": ("Anz.",),
        "unit_cost": ("EK",),
    }
    assert data["layout"] == "indented"
    # another export of the same ERP, columns in another order, read with the profile alone
    second = write_csv("erp2.csv", "EK;Anz.;Teil;Lvl\n;;Q;0\n2,00;3;B;1\n")
    t2 = read_bom([second], api.ReadOptions(profile=str(prof)))
    assert t2.lines["quantity"].iat[1] == 3.0 and t2.lines["unit_cost"].iat[1] == 2.0
    how = {c.field: c.how for c in t2.sources[0].columns}
    assert how["quantity"] == "profile"


def test_profile_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("bomtrace_profile = 1\n[columns]\nqty = 'Menge'\n", encoding="utf-8")
    with pytest.raises(UsageError) as err:
        load_profile(bad)
    assert "unknown field 'qty'" in str(err.value)
    with pytest.raises(UsageError):
        load_profile(tmp_path / "missing.toml")


def test_ids_written_as_decimals_connect_to_the_integers_of_another_file(
    write_csv: WriteCsv,
) -> None:
    # a parent-child table whose parent column went through a float column, and its parts
    # master: read as text, 749.0 and 749 would be two parts and 749 a product of its own
    bom = write_csv("edges.csv", "Parent,Component,Qty\n1.0,749,2\n749.0,800,3\n749.0,801,1\n")
    master = write_csv(
        "master.csv", "Part Number,Unit Cost,Country of Origin\n749,,US\n800,0.1,CN\n801,0.2,US\n"
    )
    t = read_bom([bom, master])
    assert t.lines["parent"].tolist() == ["1", "749", "749"]
    products = api.explode([bom, master]).to_dict()["products"]
    assert [p["part_number"] for p in products] == ["1"]  # one product: 749 is its assembly
    assert {x["part_number"]: x["quantity"] for x in products[0]["parts"]} == {
        "800": 6.0,
        "801": 2.0,
    }
    got = issue_tuples(t.issues, ("file", "row", "column", "code"))
    assert [i for i in got if i[3] == "id-normalised"] == [(str(bom), 2, "A", "id-normalised")]
    kept = read_bom([bom, master], ReadOptions(ids_as_written=True))
    assert kept.lines["parent"].tolist() == ["1.0", "749.0", "749.0"]
    assert not [i for i in kept.issues if i.code == "id-normalised"]


def test_dotted_part_numbers_and_decimals_without_integers_are_kept(write_csv: WriteCsv) -> None:
    # '1.10' is no float's text: the column holds dotted part numbers, '2.0' among them
    dotted = write_csv("d.csv", "Parent,Component,Qty\nP,1.10,1\nP,2.0,1\nP,2,1\n")
    t = read_bom([dotted])
    assert t.lines["part_number"].tolist() == ["1.10", "2.0", "2"]
    # decimals that no id writes as an integer: nothing says they are the same parts
    alone = write_csv("a.csv", "Parent,Component,Qty\nP,3.0,1\nP,4.0,1\n")
    assert read_bom([alone]).lines["part_number"].tolist() == ["3.0", "4.0"]
    assert not [i for i in read_bom([alone]).issues if i.code == "id-normalised"]
