"""Tests for bomtrace/fdpr/screening.py: name matching, near misses, CSL files, footnotes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from bomtrace.errors import InputError
from bomtrace.fdpr.screening import normalize_name, parse_fdp_footnotes
from bomtrace.fdpr.screening_sources import (
    build_screening_list,
    load_screening_list,
    packaged_entity_list,
)


@pytest.mark.parametrize(
    ("query", "listed", "footnote"),
    [
        ("Huawei Technologies", "Huawei Technologies Co., Ltd. (Huawei)", 1),
        ("HUAWEI TECHNOLOGIES CO., LTD.", "Huawei Technologies Co., Ltd. (Huawei)", 1),
        ("huawei technologies co ltd", "Huawei Technologies Co., Ltd. (Huawei)", 1),
        ("Huawei", "Huawei Technologies Co., Ltd. (Huawei)", 1),  # bracketed short name
        ("Shenzhen Huawei Technologies", "Huawei Technologies Co., Ltd. (Huawei)", 1),  # alt name
        ("HiSilicon Technologies Co., Ltd.", "HiSilicon Technologies Co., Ltd (HiSilicon)", 1),
        (
            "Huawei Marine",
            "Huawei Technologies Co., Ltd. (Huawei). Affiliated Entity: "
            "Huawei Marine Networks Co., Ltd.",
            1,
        ),
        ("Huawei Technologies Düsseldorf GmbH", "Huawei Technologies Dusseldorf GmbH", 1),  # accent
        ("Argut", "Argut OOO", 3),  # Russian legal form
        ("CSCC", "National University of Defense Technology (NUDT)", 4),
        ("Dawning Information Industry Co., Ltd.", "Sugon", 4),
        ("SMIC", "Semiconductor Manufacturing International Corporation (SMIC)", 5),
        ("The Federal Security Service", "Federal Security Service (FSB)", 3),
    ],
)
def test_true_matches(query: str, listed: str, footnote: int) -> None:
    m = packaged_entity_list().match(query)
    assert m.status == "match"
    assert listed in [e.name for e in m.entries]
    assert footnote in m.footnotes


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("Huawai Technologies", "possible"),  # typo: warned, never applied
        ("Huawei Technologies Research Institute", "possible"),  # a different, unlisted name
        ("Huawei Tech", "possible"),
        ("Hua Technologies Co.", "possible"),
        ("Taiwan Semiconductor Manufacturing Co., Ltd.", "none"),
        ("Bosch GmbH", "none"),
        ("China Mobile", "none"),
        ("", "none"),
    ],
)
def test_near_misses_never_match(query: str, status: str) -> None:
    m = packaged_entity_list().match(query)
    assert m.status == status
    assert m.footnotes == frozenset()


def test_bracketed_location_is_part_of_the_name() -> None:
    sl = packaged_entity_list()
    m = sl.match("Huawei Technologies (Australia) Pty Ltd")
    assert [e.name for e in m.entries] == ["Huawei Technologies (Australia) Pty Ltd."]
    smic = sl.match("Semiconductor Manufacturing International (Shenzhen) Corporation")
    assert [e.footnotes for e in smic.entries] == [()]  # listed, but without an FDP footnote


def test_normalize_name_drops_suffixes_punctuation_and_case() -> None:
    assert normalize_name("ACME Co., Ltd.") == normalize_name("Acme Company Limited") == "acme"
    assert normalize_name("Müller & Söhne GmbH") == "muller and sohne"
    assert normalize_name("Co.") == "co"  # a name is never reduced to nothing


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "For all items subject to the EAR, see §§ 734.9(e)1 and 744.11 of the EAR2",
            ((1,), False),
        ),
        ("(See §734.9(e)1, and §744.11 of the EAR)2.", ((1,), False)),
        ("see §§ 734.9(e) 1 and 744.11 of the EAR 2", ((1,), False)),
        ("(See §§ 734.9(e)(2) and 744.11 of the EAR)4", ((4,), False)),
        ("(See §§ 734.9(e)(2) and 744.11 of the EAR) 4", ((4,), False)),
        ("(See §§734.4(a)(9), 734.9(e)(3), and 744.11 of the EAR)5", ((5,), False)),
        ("(See §§ 734.9(g),3 746.8(a)(3), and 744.21(b) of the EAR)", ((3,), False)),
        ("(See §§734.9(g)3, 746.8(a)(3), and 744.2l(b) of the EAR)", ((3,), False)),
        ("(See §§ 734.9(e)(2) and 744.11 of the EAR)", ((4,), True)),
        ("For all items subject to the EAR. (See § 744.11 of the EAR)", ((), False)),
    ],
)
def test_footnote_parser(text: str, expected: tuple[tuple[int, ...], bool]) -> None:
    assert parse_fdp_footnotes(text) == expected


def test_footnote_parser_agrees_with_the_packaged_extract() -> None:
    for e in packaged_entity_list().entries:
        got, _ = parse_fdp_footnotes(e.license_requirement)
        assert got == e.footnotes, e.name


EL = "Entity List (EL) - Bureau of Industry and Security"
LIC4 = "For all items subject to the EAR. (See §§ 734.9(e) and 744.11 of the EAR)4"


def test_csl_json_file(write_csv: Callable[..., Path]) -> None:
    doc = {
        "results": [
            {
                "name": "Example Compute Center",
                "alt_names": ["ECC Beijing"],
                "source": EL,
                "license_requirement": LIC4,
                "addresses": [{"country": "CN"}],
            },
            {"name": "Some Vessel", "source": "Specially Designated Nationals (SDN) - Treasury"},
        ]
    }
    path = write_csv("consolidated.json", json.dumps(doc))
    sl = build_screening_list([path])
    m = sl.match("ECC Beijing Co., Ltd.")
    assert m.status == "match"
    e = m.entries[0]
    assert (e.name, e.footnotes, e.countries, e.origin) == (
        "Example Compute Center",
        (4,),
        ("CN",),
        "consolidated.json record 1",
    )
    assert sl.match("Some Vessel").entries[0].footnotes == ()
    assert any("consolidated.json (2 rows)" in label for label in sl.labels)


@pytest.mark.parametrize(("name", "sep"), [("consolidated.csv", ","), ("consolidated.tsv", "\t")])
def test_csl_csv_and_tsv_files(write_csv: Callable[..., Path], name: str, sep: str) -> None:
    header = sep.join(["_id", "source", "name", "alt_names", "license_requirement"])
    row = sep.join(["1", EL, "Example Compute Center", "ECC Beijing; ECC", f'"{LIC4}"'])
    path = write_csv(name, header + "\n" + row + "\n")
    rows, label = load_screening_list(path)
    assert [(r.name, r.alt_names, r.footnotes, r.origin) for r in rows] == [
        ("Example Compute Center", ("ECC Beijing", "ECC"), (4,), f"{name} row 2")
    ]
    assert label == f"screening list {name} (1 rows)"


def test_csl_csv_delimiter_is_sniffed_as_for_a_bom(write_csv: Callable[..., Path]) -> None:
    path = write_csv("list.csv", "name;alt_names;source\nExample Compute Center;ECC;EL\n")
    rows, label = load_screening_list(path)
    assert [(r.name, r.alt_names, r.list_name) for r in rows] == [
        ("Example Compute Center", ("ECC",), "EL")
    ]
    assert label == "screening list list.csv (1 rows)"


def test_csl_file_without_name_column_is_an_input_error(write_csv: Callable[..., Path]) -> None:
    path = write_csv("bad.csv", "entity,country\nX,CN\n")
    with pytest.raises(InputError, match="no 'name' column"):
        load_screening_list(path)
