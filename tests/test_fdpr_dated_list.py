"""The packaged Entity List extract as of a date (issue 19): an entry is not on the list before
the Federal Register rule that added it took effect, and a footnote designation applies only
from the rule that made it (``bomtrace/rules/data/entity_list_dates.toml``). Both sides of
every date are checked."""

from __future__ import annotations

from datetime import date

import pytest

from bomtrace.fdpr.analysis import screening_limits
from bomtrace.fdpr.screening import ListedParty
from bomtrace.fdpr.screening_sources import packaged_entity_list


def _listing(name: str, on: date) -> tuple[str, frozenset[int]]:
    m = packaged_entity_list(on).match(name)
    return m.status, m.footnotes


@pytest.mark.parametrize(
    ("name", "on", "status", "footnotes"),
    [
        # 84 FR 22961: Huawei added effective 2019-05-16 (published 2019-05-21)
        ("Huawei Technologies Co., Ltd.", date(2019, 5, 15), "none", frozenset()),
        ("Huawei Technologies Co., Ltd.", date(2019, 5, 16), "match", frozenset()),
        # 85 FR 29849: footnote 1 (the May 2020 direct product rule) from 2020-05-15
        ("Huawei Technologies Co., Ltd.", date(2020, 5, 14), "match", frozenset()),
        ("Huawei Technologies Co., Ltd.", date(2020, 5, 15), "match", frozenset({1})),
        # 85 FR 51596: 38 more affiliates added with footnote 1, effective 2020-08-17
        # (the day before, the name only resembles the other Huawei entries: not a match)
        ("Huawei Cloud Computing Technology", date(2020, 8, 16), "possible", frozenset()),
        ("Huawei Cloud Computing Technology", date(2020, 8, 17), "match", frozenset({1})),
        # 85 FR 83416: SMIC added effective 2020-12-18 without a footnote; 89 FR 96830 gave
        # it footnote 5 from 2024-12-02
        (
            "Semiconductor Manufacturing International Corporation (SMIC)",
            date(2020, 12, 17),
            "none",
            frozenset(),
        ),
        (
            "Semiconductor Manufacturing International Corporation (SMIC)",
            date(2024, 12, 1),
            "match",
            frozenset(),
        ),
        (
            "Semiconductor Manufacturing International Corporation (SMIC)",
            date(2024, 12, 2),
            "match",
            frozenset({5}),
        ),
    ],
)
def test_an_entry_and_its_footnote_apply_from_their_rules(
    name: str, on: date, status: str, footnotes: frozenset[int]
) -> None:
    got_status, got_footnotes = _listing(name, on)
    assert got_status == status
    assert got_footnotes == footnotes


def test_the_snapshot_without_a_date_is_the_extract_as_it_is() -> None:
    assert _listing("Huawei Cloud Computing Technology", date(2026, 7, 31))[1] == frozenset({1})
    assert packaged_entity_list().match("Huawei Cloud Computing Technology").footnotes == {1}


def test_a_listing_whose_date_is_unsure_says_so() -> None:
    m = packaged_entity_list(date(2021, 1, 1)).match("Huawei Cloud Computing Technology")
    assert m.entries and all(e.dates_unsure for e in m.entries)
    assert m.entries[0].to_dict()["listed_from"] == "2020-08-17"


def test_results_say_what_the_parties_were_not_screened_against() -> None:
    packaged = packaged_entity_list(date(2021, 1, 1))
    assert "outside the packaged extract" in screening_limits(packaged)[0]
    packaged.add([ListedParty("X Corp", (), ("CN",), (), "Entity List")], "consolidated.csv")
    assert "keeps no history" in screening_limits(packaged)[0]
