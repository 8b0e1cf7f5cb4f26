"""Assertion strength: an exact check of a value replaced by only partial or weak checks of
the same value weakens a test in any language; an exact check kept beside new ones does not."""

from __future__ import annotations

from watchkeeper.monitors.integrity._strength import (
    EXACT,
    PARTIAL,
    WEAK,
    assertion_strength,
    keeps_strength,
    subject_of,
    weakened_check,
)


def test_exact_partial_and_weak_checks_are_told_apart() -> None:
    """`toEqual` is exact, `arrayContaining` partial, `toHaveLength` weak."""
    assert assertion_strength("expect(r).toEqual([a, b]);") == EXACT
    assert assertion_strength("expect(r).toEqual(expect.arrayContaining([a, b]));") == PARTIAL
    assert assertion_strength("expect(r).toHaveLength(2);") == WEAK


def test_a_check_of_an_absence_has_no_strength() -> None:
    """`not.toContain('secret')` adds a check; it stands in for none."""
    assert assertion_strength("expect(body).not.toContain('hunter2');") is None


def test_a_tolerance_comparison_stays_exact() -> None:
    """`approx` is judged by how loose it is elsewhere, not as a partial check."""
    assert assertion_strength("assert total == pytest.approx(3.5)") == EXACT


def test_the_subject_is_the_value_under_test_without_wrappers() -> None:
    """`sorted(out)`, `len(out)` and `assertIn(x, out)` all check `out`."""
    assert subject_of("assert sorted(out) == [1, 2]") == "out"
    assert subject_of("assert len(out) == 2") == "out"
    assert subject_of("self.assertIn('a', out)") == "out"
    assert subject_of("assert.Equal(t, 3, got)") == "got"
    assert subject_of("\t\tif len(got) != len(tc.want) {") == "got"


def test_order_dropped_from_an_exact_list_check_weakens_it() -> None:
    """`toEqual([e3, e2, e1])` → a length and an `arrayContaining`: the order is no longer
    checked."""
    before = "    expect(result).toEqual([e3, e2, e1]);"
    after = (
        "    expect(result).toHaveLength(3);\n"
        "    expect(result).toEqual(expect.arrayContaining([e3, e2, e1]));"
    )
    assert weakened_check(before, after) is not None


def test_assert_equal_to_count_equal_weakens_it() -> None:
    """unittest: `assertEqual` → `assertCountEqual` drops the order."""
    before = "        self.assertEqual(out, [1, 2, 3])"
    after = "        self.assertCountEqual(out, [1, 2, 3])"
    assert weakened_check(before, after) is not None


def test_an_exact_check_kept_with_an_extra_check_is_not_weaker() -> None:
    """The twin: the exact body check is updated and a leak check added beside it."""
    before = "    expect(res.body).toEqual({ status: 500 });"
    after = (
        "    expect(res.body).toEqual({ status: 500, error: 'Internal Server Error' });\n"
        "    expect(JSON.stringify(res.body)).not.toContain('hunter2');"
    )
    assert weakened_check(before, after) is None
    assert keeps_strength(before, after)


def test_a_check_of_another_value_is_not_a_weakening() -> None:
    """A new check of a different value says nothing about the one removed."""
    before = "    expect(a).toEqual(1);"
    after = "    expect(b).toBeDefined();"
    assert weakened_check(before, after) is None
