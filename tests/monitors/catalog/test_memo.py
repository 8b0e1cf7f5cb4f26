"""The catalog's memo of pure check results."""

from __future__ import annotations

from watchkeeper.monitors.catalog._memo import Memo
from watchkeeper.normalize import Command


class _Counting:
    """A pure function that counts how often it really ran."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, value: object) -> str:
        self.calls += 1
        return f"seen {value!r}"


def test_a_string_seen_again_is_not_recomputed() -> None:
    memo, check = Memo(), _Counting()
    first = memo.text(check, "curl example.com")
    again = memo.text(check, "".join(["curl ", "example.com"]))  # equal, another object
    assert first == again == "seen 'curl example.com'"
    assert check.calls == 1


def test_each_function_has_its_own_results() -> None:
    memo, one, other = Memo(), _Counting(), _Counting()
    memo.text(one, "ls")
    memo.text(other, "ls")
    assert (one.calls, other.calls) == (1, 1)


def test_a_none_result_is_kept() -> None:
    memo, calls = Memo(), []

    def nothing(text: str) -> None:
        calls.append(text)

    memo.text(nothing, "ls")
    memo.text(nothing, "ls")
    assert calls == ["ls"]


def test_commands_are_kept_by_identity_not_equality() -> None:
    memo, check = Memo(), _Counting()
    command = Command(argv=("rm", "-rf", "/tmp/x"), name="rm")
    twin = Command(argv=("rm", "-rf", "/tmp/x"), name="rm")
    memo.command(check, command)
    memo.command(check, command)
    assert check.calls == 1
    memo.command(check, twin)
    assert check.calls == 2


def test_a_full_cache_starts_afresh_and_stays_correct() -> None:
    memo, check = Memo(size=2), _Counting()
    for text in ("a", "b", "c", "a"):
        assert memo.text(check, text) == f"seen {text!r}"
    assert check.calls == 4  # "a" was dropped when the cache filled


def test_long_strings_are_answered_but_not_kept() -> None:
    memo, check = Memo(), _Counting()
    long = "x" * 10_000
    assert memo.text(check, long) == memo.text(check, long)
    assert check.calls == 2


def test_commands_with_much_source_text_start_the_cache_afresh() -> None:
    memo, check = Memo(), _Counting()
    big = Command(argv=("echo",), name="echo", text="echo " + "x" * 9_000_000)
    small = Command(argv=("ls",), name="ls", text="ls")
    other = Command(argv=("pwd",), name="pwd", text="pwd")
    memo.command(check, small)
    memo.command(check, big)  # kept, but the cache is now over its character budget
    memo.command(check, other)  # so keeping this starts it afresh
    memo.command(check, small)
    assert check.calls == 4


def test_a_full_cache_counts_the_results_of_every_function() -> None:
    """Entries of all functions count towards one size; emptying drops them all."""
    memo, one, other = Memo(size=2), _Counting(), _Counting()
    memo.text(one, "a")
    memo.text(other, "a")  # the cache is full now
    memo.text(one, "b")  # so keeping this starts it afresh
    assert memo.text(other, "a") == "seen 'a'"
    assert memo.text(one, "b") == "seen 'b'"
    assert (one.calls, other.calls) == (2, 2)
