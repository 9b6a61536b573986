"""Per-point text as numpy string arrays."""

from __future__ import annotations


def test_point_text_becomes_a_string_array_only_when_all_text():
    from timeline.figures.arrays import strings

    assert strings(["Day 1", "Day 2"]).tolist() == ["Day 1", "Day 2"]
    assert strings(["Day 1", None]) == ["Day 1", None]  # never the text 'None'
    assert strings([]) == []
