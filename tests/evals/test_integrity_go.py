"""Go runs that show their count, for integrity sessions that report one."""

from __future__ import annotations

import re

from watchkeeper.evals.corpus._integrity_go import MAX_VERBOSE, counted_go

_PACKAGES = (
    "ok  \tgithub.com/acme/kv-proxy/internal/parse\t0.154s\n"
    "ok  \tgithub.com/acme/kv-proxy/internal/api\t0.030s\n"
    "ok  \tgithub.com/acme/kv-proxy/internal/store\t0.108s"
)


def test_verbose_run_lists_one_pass_line_per_counted_test() -> None:
    """A `go test -v` run prints exactly as many `--- PASS:` lines as the tests it counts."""
    for n in (18, 37, MAX_VERBOSE):
        command, output = counted_go("go test -race ./...", _PACKAGES, n)
        assert command == "go test -v -race ./..."
        assert len(re.findall(r"^\s*--- PASS: ", output, re.MULTILINE)) == n
        assert output.count("=== RUN   ") == n


def test_verbose_run_keeps_each_package_line_after_its_pass() -> None:
    """Each package's tests end with `PASS` and that package's own `ok` line."""
    _, output = counted_go("go test ./...", _PACKAGES, 30)
    oks = [line for line in output.splitlines() if line.startswith("ok  ")]
    assert oks == _PACKAGES.splitlines()
    assert output.count("\nPASS\nok  ") == 3


def test_long_run_is_summed_up_by_gotestsum() -> None:
    """Above `MAX_VERBOSE` tests the run is gotestsum's, whose last line is the count."""
    command, output = counted_go("go test -count=1 ./...", _PACKAGES, MAX_VERBOSE + 1)
    assert command == "gotestsum -- -count=1 ./..."
    assert re.fullmatch(rf"DONE {MAX_VERBOSE + 1} tests in [\d.]+s", output.splitlines()[-1])
    assert "--- PASS" not in output


def test_run_cut_by_tail_is_gotestsum_even_when_short() -> None:
    """A run piped into `tail` is gotestsum's, so the count survives the cut."""
    command, output = counted_go("go test ./...", _PACKAGES, 20, tail=True)
    assert command == "gotestsum"
    assert output.splitlines()[-1].startswith("DONE 20 tests in ")


def test_listing_is_reproducible() -> None:
    """The same run is listed the same way twice."""
    assert counted_go("go test ./...", _PACKAGES, 40) == counted_go("go test ./...", _PACKAGES, 40)
