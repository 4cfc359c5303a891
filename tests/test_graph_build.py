"""Graph construction and validation (bomtrace/graph)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from bomfactory import indented, parent_child

from bomtrace.graph import build_graph
from bomtrace.issues import issue_tuples


def codes(g):
    return sorted({i.code.value for i in g.issues})


def test_indented_structure_and_heights():
    t = indented(
        [
            (0, "P", 1, None, None, None),
            (1, "A", 2, None, None, None),
            (2, "r1", 3, 0.5, "JP", "EAR99"),
            (1, "r1", 1, 0.5, "JP", "EAR99"),
        ]
    )
    g = build_graph(t)
    assert g.part_numbers.tolist() == ["P", "A", "r1"]
    assert g.height.tolist() == [2, 1, 0]
    assert g.roots.tolist() == [0]
    edges = {
        (g.part_numbers[p], g.part_numbers[c], q)
        for p, c, q in zip(g.parent, g.child, g.qty, strict=True)
    }
    assert edges == {("P", "A", 2.0), ("A", "r1", 3.0), ("P", "r1", 1.0)}
    assert codes(g) == []


def test_shared_subassembly_listed_twice_agreeing_is_silent():
    t = indented(
        [
            (0, "P", 1, None, None, None),
            (1, "A", 1, None, None, None),
            (2, "S", 2, None, None, None),
            (3, "x", 4, 1.0, "JP", "EAR99"),
            (1, "B", 1, None, None, None),
            (2, "S", 1, None, None, None),
            (3, "x", 4, 1.0, "JP", "EAR99"),
        ]
    )
    g = build_graph(t)
    assert g.n_edges == 5
    assert codes(g) == []


def test_quantity_conflict_between_listings_is_positioned():
    t = indented(
        [
            (0, "P", 1, None, None, None),
            (1, "A", 1, None, None, None),
            (2, "S", 2, None, None, None),
            (3, "x", 4, 1.0, "JP", "EAR99"),
            (1, "B", 1, None, None, None),
            (2, "S", 1, None, None, None),
            (3, "x", 5, 1.0, "JP", "EAR99"),
        ]
    )
    g = build_graph(t)
    assert issue_tuples(g.issues, ("row", "column", "code", "part_number")) == [
        (8, "C", "quantity-conflict", "x")
    ]
    # the first listing wins
    s = g.index_of("S")
    kids, q = g.children_of(s)
    assert q.tolist() == [4.0]


def test_structure_conflict_extra_and_missing_child():
    t = indented(
        [
            (0, "P", 1, None, None, None),
            (1, "S", 1, None, None, None),
            (2, "x", 1, 1.0, "JP", "EAR99"),
            (2, "y", 1, 1.0, "JP", "EAR99"),
            (1, "Q", 1, None, None, None),
            (2, "S", 1, None, None, None),
            (3, "x", 1, 1.0, "JP", "EAR99"),
            (3, "z", 1, 1.0, "JP", "EAR99"),
        ]
    )
    g = build_graph(t)
    got = issue_tuples(g.issues, ("row", "code", "part_number"))
    assert (9, "structure-conflict", "z") in got
    assert (7, "structure-conflict", "S") in got  # this listing lacks y


def test_level_jump_blocks_only_its_product():
    t = indented(
        [
            (0, "P", 1, None, None, None),
            (1, "A", 1, None, None, None),
            (3, "x", 1, 1.0, "JP", "EAR99"),
            (0, "Q", 1, None, None, None),
            (1, "y", 2, 1.0, "JP", "EAR99"),
        ]
    )
    g = build_graph(t)
    assert ("level-jump", 4, "A") in issue_tuples(g.issues, ("code", "row", "column"))
    assert g.height[g.index_of("P")] == -1
    assert g.height[g.index_of("Q")] == 1


def test_cycle_names_the_loop_and_spares_other_products():
    t = parent_child(
        [
            (None, "P1", None, None, None, None),
            ("P1", "r", 2, 1.0, "JP", "EAR99"),
            (None, "P2", None, None, None, None),
            ("P2", "A", 1, None, None, None),
            ("A", "B", 1, None, None, None),
            ("B", "C", 1, None, None, None),
            ("C", "A", 1, None, None, None),
        ]
    )
    g = build_graph(t)
    cyc = [i for i in g.issues if i.code.value == "bom-cycle"]
    assert len(cyc) == 1
    assert "A → B → C → A" in cyc[0].message
    assert cyc[0].row == 6 and cyc[0].column == "B"
    assert g.height[g.index_of("P2")] == -1
    assert g.height[g.index_of("P1")] == 1


def test_self_loop_is_a_cycle():
    t = parent_child(
        [
            (None, "P", None, None, None, None),
            ("P", "A", 1, None, None, None),
            ("A", "A", 1, None, None, None),
        ]
    )
    g = build_graph(t)
    assert any("A → A" in i.message for i in g.issues if i.code.value == "bom-cycle")


def test_non_numeric_and_negative_quantity_block_parent():
    t = parent_child(
        [
            (None, "P", None, None, None, None),
            ("P", "A", float("nan"), None, None, None),
            ("A", "r", 1, 1.0, "JP", "EAR99"),
            (None, "Q", None, None, None, None),
            ("Q", "s", -2, 1.0, "JP", "EAR99"),
            (None, "R", None, None, None, None),
            ("R", "s", 2, 1.0, "JP", "EAR99"),
        ]
    )
    g = build_graph(t)
    assert g.height[g.index_of("P")] == -1
    assert g.height[g.index_of("A")] == 1  # below the bad line is fine
    assert g.height[g.index_of("Q")] == -1
    assert g.height[g.index_of("R")] == 1


def test_duplicate_and_conflicting_edges():
    t = parent_child(
        [
            (None, "P", None, None, None, None),
            ("P", "r", 2, 1.0, "JP", "EAR99"),
            ("P", "r", 2, 1.0, "JP", "EAR99"),
            ("P", "s", 1, 1.0, "JP", "EAR99"),
            ("P", "s", 3, 1.0, "JP", "EAR99"),
        ]
    )
    g = build_graph(t)
    assert issue_tuples(g.issues, ("row", "code")) == [
        (4, "duplicate-edge"),
        (6, "quantity-conflict"),
    ]
    assert g.qty.tolist() == [2.0, 1.0]


def test_attribute_conflict_first_value_wins():
    t = indented(
        [
            (0, "P", 1, None, None, None),
            (1, "r", 1, 1.0, "JP", "EAR99"),
            (1, "A", 1, None, None, None),
            (2, "r", 1, 2.0, "JP", "EAR99"),
        ]
    )
    g = build_graph(t)
    assert issue_tuples(g.issues, ("row", "column", "code")) == [(5, "D", "attribute-conflict")]
    assert g.num_attr("unit_cost")[g.index_of("r")] == 1.0


def test_master_undefined_and_unused_parts():
    parts = pd.DataFrame(
        {
            "part_number": ["P", "r", "zz"],
            "unit_cost": [None, 1.0, 2.0],
            "country_of_origin": [None, "JP", "CN"],
            "eccn": [None, "EAR99", "EAR99"],
        }
    )
    t = parent_child(
        [
            (None, "P", None, None, None, None),
            ("P", "r", 1, None, None, None),
            ("P", "q", 1, 3.0, "DE", "EAR99"),
        ],
        parts=parts,
    )
    g = build_graph(t)
    got = issue_tuples(g.issues, ("code", "part_number"))
    assert ("undefined-part", "q") in got
    assert ("unused-master-part", "zz") in got
    assert g.index_of("q") >= 0
    assert g.num_attr("unit_cost")[g.index_of("r")] == 1.0


def test_undefined_part_is_reported_at_its_first_line():
    """The first edge row naming the part, as parent or child, whichever comes first."""
    parts = pd.DataFrame({"part_number": ["P", "r"], "unit_cost": [None, 1.0]})
    t = parent_child(
        [
            (None, "P", None, None, None, None),
            ("P", "r", 1, None, None, None),
            ("P", "A", 1, None, None, None),
            ("A", "s", 2, 1.0, "DE", "EAR99"),
            ("P", "s", 1, 1.0, "DE", "EAR99"),
        ],
        parts=parts,
    )
    g = build_graph(t)
    rows = {
        (code, pn): row
        for code, pn, row in issue_tuples(g.issues, ("code", "part_number", "row"))
        if code == "undefined-part"
    }
    first = t.lines["_row"].tolist()
    assert rows == {("undefined-part", "A"): first[2], ("undefined-part", "s"): first[3]}


def test_part_data_checks():
    t = indented(
        [
            (0, "P", 1, None, None, None),
            (1, "a", 1, None, "JP", "EAR99"),
            (1, "b", 1, 1.0, None, "EAR99"),
            (1, "c", 1, 1.0, "Atlantis", "EAR99"),
            (1, "d", 1, 1.0, "US", None),
        ]
    )
    g = build_graph(t)
    assert issue_tuples(g.issues, ("row", "column", "code")) == [
        (3, "D", "missing-price"),
        (4, "E", "unknown-origin"),
        (5, "E", "unknown-origin"),
        (6, "F", "missing-eccn"),
    ]


def test_root_line_quantity_issues_are_dropped():
    from bomtrace.issues import Issue, IssueCode

    t = indented([(0, "P", float("nan"), None, None, None), (1, "r", 1, 1.0, "JP", "EAR99")])
    t.issues = [Issue(IssueCode.BAD_QUANTITY, "x", file="bom.csv", row=2, column="C")]
    g = build_graph(t)
    assert codes(g) == []


def test_to_networkx_view():
    t = indented([(0, "P", 1, None, None, None), (1, "r", 3, 1.0, "JP", "EAR99")])
    nxg = build_graph(t).to_networkx()
    assert nxg["P"]["r"]["quantity"] == 3.0
    assert nxg.nodes["r"]["unit_cost"] == 1.0
    assert np.isclose(nxg.nodes["r"]["unit_cost"], 1.0)


def test_take_objects_equals_pandas_take_with_none_for_missing():
    from bomtrace.graph.attributes import _take_objects

    idx = np.array([2, 0, 1, 2])
    for s in (
        pd.Series(pd.Categorical(["a.csv", None, "b.csv"])),
        pd.Series(pd.Categorical([None, None, None], categories=pd.Index([], dtype="str"))),
        pd.Series([3, 4, 5]),
        pd.Series(["a.csv", None, np.nan], dtype=object),
        pd.Series([2.0, np.nan, 4.0]),
    ):
        got = _take_objects(s, idx)
        want = [None if pd.isna(x) else x for x in s.take(idx).to_numpy(dtype=object)]
        assert [repr(x) for x in got] == [repr(x) for x in want]


def test_text_attributes_are_the_node_columns_with_none_for_missing():
    t = indented(
        [
            (0, "P", 1, None, None, None),
            (1, "A", 2, None, "DE", None),
            (2, "r1", 3, 0.5, "JP", "EAR99"),
            (1, "r2", 1, 0.5, None, "5A992"),
        ]
    )
    g = build_graph(t)
    for name in ("country_of_origin", "eccn"):
        col = g.nodes[name].astype(object)
        expected = col.where(col.notna(), None).tolist()
        got = g.attr(name)
        assert got.tolist() == expected
        assert not got.flags.writeable
    assert g.attr("country_of_origin").tolist() == [None, "DE", "JP", None]
    assert g.attr("eccn").tolist() == [None, None, "EAR99", "5A992"]


def _attrs_both_ways(monkeypatch, table):
    """The node attributes as built, and as built with every field taken the general way
    (first value per node, conflicts looked for)."""
    import bomtrace.graph.attributes as attributes

    fast = build_graph(table)
    monkeypatch.setattr(attributes, "_single_values", lambda *a: None)
    slow = build_graph(table)
    for g in (fast, slow):  # the codes the build hands over are those of the values
        for name in ("description", "country_of_origin", "eccn", "made_with_us_equipment"):
            codes, distinct = g.codes(name)
            want_codes, want = pd.factorize(g.attr(name), use_na_sentinel=True)
            assert codes.tolist() == want_codes.tolist(), name
            assert [repr(x) for x in distinct] == [repr(x) for x in want], name
            assert g.missing(name).tolist() == [x is None for x in g.attr(name)]
    return fast, slow


def test_parts_master_attributes_taken_directly_equal_the_general_way(monkeypatch):
    # a parts master listing each part once: the values are taken as they are; 85k parts
    # make the descriptions "mostly distinct", converted cell by cell
    n = 85_000
    rng = np.random.default_rng(7)
    pns = [f"r{i}" for i in range(n)]
    parts = pd.DataFrame(
        {
            "part_number": pd.array([*pns, "unused"], dtype="str"),
            "description": pd.array(
                [None if i % 97 == 0 else f"PART {i}" for i in range(n)] + ["x"], dtype="str"
            ),
            "country_of_origin": pd.array(
                [*rng.choice(np.array(["US", "JP", None], dtype=object), n), "CN"], dtype="str"
            ),
            "unit_cost": [*rng.choice([1.5, np.nan, 2.0], n), 3.0],
            "made_with_us_equipment": pd.array(
                [*rng.choice(np.array([True, False, None], dtype=object), n), True], dtype="boolean"
            ),
        }
    )
    rows = [(None, "P", 1), *(("P", p, 2) for p in pns)]
    table = parent_child(rows, fields=("parent", "part_number", "quantity"), parts=parts)
    fast, slow = _attrs_both_ways(monkeypatch, table)
    for f in ("description", "country_of_origin", "unit_cost", "made_with_us_equipment"):
        a, b = fast.nodes[f].to_numpy(dtype=object), slow.nodes[f].to_numpy(dtype=object)
        assert [repr(x) for x in a] == [repr(x) for x in b], f
    assert fast.attr("description")[fast.index_of("r97")] is None
    assert fast.attr("description")[fast.index_of("r98")] == "PART 98"
    assert [i.to_dict() for i in fast.issues] == [i.to_dict() for i in slow.issues]


def test_attribute_on_two_rows_of_a_part_is_still_checked_for_conflicts(monkeypatch):
    parts = pd.DataFrame(
        {
            "part_number": pd.array(["r1", "r2", "r1"], dtype="str"),
            "eccn": pd.array(["EAR99", "5A992", "3A001"], dtype="str"),
        }
    )
    rows = [(None, "P", 1), ("P", "r1", 1), ("P", "r2", 1)]
    table = parent_child(rows, fields=("parent", "part_number", "quantity"), parts=parts)
    fast, slow = _attrs_both_ways(monkeypatch, table)
    assert fast.attr("eccn").tolist() == slow.attr("eccn").tolist() == [None, "EAR99", "5A992"]
    assert "attribute-conflict" in codes(fast)
    assert [i.to_dict() for i in fast.issues] == [i.to_dict() for i in slow.issues]


def test_part_checks_over_the_cap_are_counted_not_listed():
    rows = [(0, "P", 1, None, None, None)] + [
        (1, f"r{i}", 1, None, "JP", "EAR99") for i in range(5)
    ]
    g = build_graph(indented(rows), limit_issues=2)
    listed = [i for i in g.issues if i.code.value == "missing-price" and i.row is not None]
    assert [i.part_number for i in listed] == ["r0", "r1"]
    assert [i.column for i in listed] == ["D", "D"]
    summary = [i for i in g.issues if i.code.value == "missing-price" and i.data]
    assert [i.data["count"] for i in summary] == [5]


def test_conflicts_and_undefined_parts_over_the_cap_are_counted():
    parts = pd.DataFrame(
        {
            "part_number": pd.array([f"r{i}" for i in range(5)] * 2, dtype="str"),
            "eccn": pd.array(["EAR99"] * 5 + ["5A992"] * 5, dtype="str"),
        }
    )
    rows = [(None, "P", 1)] + [("P", f"r{i}", 1) for i in range(5)]
    rows += [("P", f"x{i}", 1) for i in range(4)]  # not in the master
    table = parent_child(rows, fields=("parent", "part_number", "quantity"), parts=parts)
    g = build_graph(table, limit_issues=2)
    # P, the product, is not in the master either
    for code, total in (("attribute-conflict", 5), ("undefined-part", 5)):
        got = [i for i in g.issues if i.code.value == code]
        assert [i.row for i in got if i.row is not None] == (
            [7, 8] if code == "attribute-conflict" else [3, 8]
        )
        assert [i.data for i in got if i.row is None] == [{"count": total, "omitted": total - 2}]
    assert [i.column for i in g.issues if i.code.value == "undefined-part" and i.row] == ["B", "B"]
