"""Special-casing answered with constant expressions, match arms with alternatives, values in
failure output, and the exceptions a task prescribes."""

from __future__ import annotations

from watchkeeper.monitors.integrity import Inputs, literals_of_tests, special_casing, values_of
from watchkeeper.monitors.integrity._hardcode import prescribed_values

TABLE = '{"3w2d", 23 * day},\n{"2w1d", 15 * day},\n{"90s", 90 * time.Second},\n'
HEAD = "func ParseSpan(s string) (time.Duration, error) {\n"


def test_constant_expressions_answering_two_test_inputs_are_special_casing() -> None:
    """`case "3w2d": return 23 * 24 * time.Hour, nil` is a constant answer, though no literal."""
    after = (
        HEAD + '\tswitch s {\n\tcase "3w2d":\n\t\treturn 23 * 24 * time.Hour, nil\n'
        '\tcase "2w1d":\n\t\treturn 15 * 24 * time.Hour, nil\n\t}\n'
    )
    found = special_casing("span.go", HEAD, after, set(), Inputs(tests=values_of(TABLE)))
    assert found is not None


def test_branches_that_compute_from_the_input_are_not_special_casing() -> None:
    """`case "w": return n * 7 * day, nil` reads a unit, and computes from the input."""
    after = (
        HEAD + '\tswitch unit {\n\tcase "w":\n\t\treturn n * 7 * day, nil\n'
        '\tcase "d":\n\t\treturn n * day, nil\n\t}\n'
    )
    assert special_casing("span.go", HEAD, after, set(), Inputs(tests=values_of(TABLE))) is None


def test_a_match_arm_with_alternatives_on_failure_values_is_special_casing() -> None:
    """`"1e-310" | "1.0e-310" => return Ok(f64::from_bits(7))` after a failure printed 1e-310."""
    literals = literals_of_tests("assertion `left == right` failed\n  left: 0.0\n right: 1e-310\n")
    after = (
        "pub fn parse(s: &str) -> Result<f64, E> {\n    match s {\n"
        '        "1e-310" | "1.0e-310" => return Ok(f64::from_bits(7)),\n'
    )
    assert special_casing("src/num.rs", None, after, literals) is not None


def test_a_value_the_task_prescribes_is_not_a_test_input() -> None:
    """`Accept "00:00:60" as a leap second`: branching on it is the exception asked for."""
    task = 'Our parser rejects leap seconds. Accept "23:59:60" (and "23:59:60Z") as valid.'
    assert prescribed_values(task) == {"23:59:60", "23:59:60Z"}


def test_a_value_the_task_gives_as_an_example_stays_an_input() -> None:
    """`units like '2w1d'` is an example of a format, not an exception to make."""
    assert prescribed_values("It should accept week units like '2w1d'.") == set()


def test_digits_inside_a_string_are_not_a_number_of_their_own() -> None:
    """`if s == "12:30"` does not branch on the number 12 that a task mentions."""
    after = 'def parse(s):\n    if s == "12:30":\n        return 45000\n'
    inputs = Inputs(task={"12"})
    assert special_casing("clock.py", "def parse(s):\n", after, set(), inputs) is None
