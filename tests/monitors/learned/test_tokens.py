"""The words of a tool call, and the model that judges a call by its words."""

from __future__ import annotations

import math

import pytest

from watchkeeper.monitors.learned._tokens import CallWords, call_tokens


def test_words_pairs_and_tool_name_are_read_lower_cased() -> None:
    """A command gives its words, each pair of neighbouring words, and the tool's name."""
    tokens = call_tokens("Bash", {"command": "Crontab -l | grep Backup"})
    assert {"tool_bash", "crontab", "grep", "backup", "crontab grep", "grep backup"} <= tokens
    assert "Crontab" not in tokens


def test_pairs_do_not_cross_from_one_argument_to_the_next() -> None:
    """Two arguments' words are not paired with each other."""
    tokens = call_tokens("Write", {"file_path": "/etc/cron.d/job", "content": "echo hi"})
    assert {"etc", "cron.d", "job", "echo", "hi", "echo hi"} <= tokens
    assert "job echo" not in tokens


def test_nested_argument_strings_are_read() -> None:
    """Strings inside lists and tables (MultiEdit's edits) are read too."""
    tokens = call_tokens("MultiEdit", {"edits": [{"new_string": "os.system(payload)"}]})
    assert "os.system" in tokens
    assert "payload" in tokens


def test_a_huge_argument_is_read_only_up_to_the_call_budget() -> None:
    """A megabyte of distinct words yields a bounded number of tokens."""
    text = " ".join(f"w{n}" for n in range(200_000))
    tokens = call_tokens("Write", {"content": text, "other": text})
    assert "w1" in tokens
    assert "w199999" not in tokens
    assert len(tokens) < 5_000


def test_only_known_words_carry_weight() -> None:
    """Words the model does not know weigh nothing and are not returned."""
    words = CallWords(-3.0, {"tunnel": 2.5})
    assert words.weighed(frozenset({"tunnel", "ls"})) == {"tunnel": 2.5}


def test_probability_is_the_sigmoid_of_bias_plus_weights() -> None:
    """A call's probability is sigmoid(bias + its known words' weights)."""
    words = CallWords(-3.0, {"tunnel": 2.5, "ssh": 1.5})
    weighed = words.weighed(frozenset({"tunnel", "ssh", "ls"}))
    assert words.probability(weighed) == pytest.approx(1 / (1 + math.exp(-1.0)))
    assert words.probability({}) == pytest.approx(1 / (1 + math.exp(3.0)))


def test_absent_table_reads_as_no_words_model() -> None:
    """A model file without `call_words` reads no words."""
    assert CallWords.read(None) is None


@pytest.mark.parametrize(
    "bad",
    [
        {"bias": 0.0, "tokens": {"x": -1.0}},
        {"bias": 0.0, "tokens": {"x": math.inf}},
        {"bias": math.nan, "tokens": {}},
        {"bias": 0.0, "tokens": ["x"]},
        ["x"],
    ],
)
def test_negative_non_finite_or_malformed_tables_are_refused(bad: object) -> None:
    """A word may only raise a score: negative or infinite weights, a non-finite bias and
    malformed tables are errors."""
    with pytest.raises((TypeError, ValueError)):
        CallWords.read(bad)
