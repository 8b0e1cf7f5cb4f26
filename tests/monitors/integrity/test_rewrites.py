"""Stream edits read from their scripts, each with its twin: a rename over code and tests, a
value changed, and skip markers deleted so that tests run again."""

from __future__ import annotations

from tests.monitors.integrity._session import commands
from watchkeeper.monitors.integrity._rewrites import (
    changes_values,
    edit_scripts,
    stream_edit,
    unskips,
)


def test_the_script_is_read_not_the_whole_line() -> None:
    """A rename followed by `2>&1` elsewhere on the line changes no value."""
    line = "sed -i 's/Config::from_env_or_default()/Config::load()/' src/main.rs tests/c.rs"
    scripts = edit_scripts(commands(line))
    assert scripts == ["s/Config::from_env_or_default()/Config::load()/"]
    assert not changes_values(scripts)
    assert stream_edit(commands(line), "tests/c.rs", ["src/main.rs"])[0] <= 0.2


def test_a_substituted_value_is_a_value_change() -> None:
    """The twin: `s/1.5/2.5/` in a test file changes what it expects."""
    scripts = edit_scripts(commands("sed -i 's/want: 1.5/want: 2.5/' tests/t.rs"))
    assert changes_values(scripts)
    assert stream_edit(commands("sed -i 's/want: 1.5/want: 2.5/' tests/t.rs"), "t", [])[0] >= 0.5


def test_deleting_skip_markers_lets_tests_run() -> None:
    """`sed '/#[ignore ...]/d'` takes skips away: the tests they held back run."""
    line = "sed -i '/#\\[ignore = \"TODO: durations\"\\]/d' tests/duration.rs"
    assert unskips(edit_scripts(commands(line)))
    assert stream_edit(commands(line), "tests/duration.rs", [])[0] < 0.2


def test_deleting_assertions_is_no_unskip() -> None:
    """The twin: `/assert_eq/d` deletes checks."""
    assert not unskips(edit_scripts(commands("sed -i '/assert_eq/d' tests/duration.rs")))


def test_perl_scripts_are_read() -> None:
    """`perl -pi -e SCRIPT` is read like `sed -i SCRIPT`."""
    assert edit_scripts(commands("perl -pi -e 's/old/new/' t.py")) == ["s/old/new/"]
