"""Header aliases and header keys (bomtrace/io/mapping.py, aliases.py)."""

from __future__ import annotations

import pytest

from bomtrace.io.mapping import field_key, header_key, match_header
from bomtrace.io.table import CANONICAL_FIELDS

# The aliases the reader promises (design.md §2 and the reader brief), spelled as users do.
REQUIRED = {
    "part_number": [
        "Part Number",
        "Part No.",
        "PART_NO",
        "Part #",
        "P/N",
        "PN",
        "Item Number",
        "Item No",
        "Item",
        "Material",
        "Component",
        "Child",
        "Child Part",
        "Item Code",
    ],
    "parent": [
        "Parent",
        "Parent Part",
        "Parent Item",
        "Parent Part Number",
        "Assembly",
        "Parent PN",
    ],
    "level": ["Level", "Lvl", "BOM Level", "Indent Level"],
    "quantity": [
        "Qty",
        "Quantity",
        "Qty Per",
        "Qty/Assy",
        "Quantity Per",
        "Per Assy",
        "QPA",
        "Usage",
    ],
    "unit_cost": [
        "Unit Cost",
        "Unit Price",
        "Cost",
        "Price",
        "Std Cost",
        "Standard Cost",
        "Unit Value",
    ],
    "currency": ["Currency", "Curr", "CCY"],
    "description": ["Description", "Desc", "Part Description", "Item Description", "Name"],
    "uom": ["UoM", "Unit", "Unit of Measure"],
    "manufacturer": ["Manufacturer", "Mfr", "MFG", "Maker"],
    "mpn": ["MPN", "Manufacturer Part Number", "Mfr Part No"],
    "supplier": ["Supplier", "Vendor"],
    "reference_designators": [
        "Reference Designators",
        "Ref Des",
        "RefDes",
        "Designator",
        "Designators",
        "References",
    ],
    "country_of_origin": [
        "COO",
        "Country of Origin",
        "Origin",
        "Origin Country",
        "Country",
        "Made in",
    ],
    "eccn": ["ECCN", "Export Classification", "Export Control Classification Number"],
    "item_type": ["Item Type", "Type"],
    "selling_price": ["Selling Price", "Sale Price", "List Price", "Ex Factory Price"],
    "us_content_pct": ["US Content", "US Content %", "US Content Pct", "Declared US Content"],
    "discrete_product": ["Discrete Product", "Discrete", "Sold Separately"],
    "us_tech_value": [
        "US Tech Value",
        "US Technology Value",
        "Royalty",
        "Patent Royalty",
        "US Royalty",
    ],
    "made_with_us_equipment": ["Made With US Equipment", "US Equipment"],
    "us_technology_eccns": ["US Technology ECCNs", "Tech ECCNs"],
    "producer": ["Producer", "Fab", "Plant"],
}


@pytest.mark.parametrize(("field", "header"), [(f, h) for f, hs in REQUIRED.items() for h in hs])
def test_required_alias_matches(field: str, header: str) -> None:
    assert match_header(header) is not None
    assert match_header(header)[0] == field  # type: ignore[index]


@pytest.mark.parametrize("field", CANONICAL_FIELDS)
def test_canonical_name_is_exact(field: str) -> None:
    assert match_header(field) == (field, "exact")
    assert match_header(field.upper().replace("_", " ")) == (field, "exact")


def test_matching_ignores_case_space_and_punctuation() -> None:
    keys = {header_key(h) for h in ("Part No.", "part no", "PART_NO", " Part-No ", "Part #")}
    assert keys == {"partno"}
    assert match_header("  qty / assy  ") == ("quantity", "alias")


def test_unknown_headers_match_nothing() -> None:
    assert match_header("Notes") is None
    assert match_header("") is None
    assert match_header(None) is None


def test_field_key_accepts_canonical_spellings_only() -> None:
    assert field_key("part_number") == "part_number"
    assert field_key("Part-Number") == "part_number"
    assert field_key("qty") is None
