"""A JSON path is spelled out when a problem asks for it: the text users see and the sort key."""

from __future__ import annotations

from oversight.exchange.problems import ROOT, Path, Problems


def test_text_and_order_of_keys_and_items():
    at = ROOT.key("supervisions", 11).item(3).key("discussions", 6).item(0).key("recorded", 3)
    assert at.text == str(at) == "$.supervisions[3].discussions[0].recorded"
    assert at.order == (11, 3, 6, 0, 3)
    assert ROOT.text == "$" and ROOT.order == ()


def test_keys_that_are_not_plain_names_are_quoted():
    assert ROOT.key("no such key", 99).text == '$["no such key"]'
    assert ROOT.key("a.b", 0).key("é", 1).text == '$["a.b"]["\\u00e9"]'


def test_paths_to_the_same_place_are_equal():
    assert ROOT.key("staff", 2).item(1) == ROOT.key("staff", 2).item(1)
    assert hash(ROOT.key("staff", 2).item(1)) == hash(ROOT.key("staff", 2).item(1))
    assert ROOT.key("staff", 2).item(1) != ROOT.key("staff", 2).item(2)
    assert Path() == ROOT


def test_problems_come_out_in_document_order_then_as_found():
    problems = Problems()
    problems.add(ROOT.key("cases", 4).item(2), "later")
    problems.add(ROOT.key("staff", 2).item(7).key("role", 2), "first")
    problems.add(ROOT.key("cases", 4).item(2), "later, found second")
    assert [(p.path, p.message) for p in problems.in_document_order()] == [
        ("$.staff[7].role", "first"),
        ("$.cases[2]", "later"),
        ("$.cases[2]", "later, found second"),
    ]
