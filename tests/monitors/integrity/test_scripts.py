"""Shell scripts that run tests and exit with a later command's status."""

from __future__ import annotations

from watchkeeper.monitors.integrity._scripts import dropped_status

DROPS = """#!/usr/bin/env bash
cd "$(dirname "$0")/.."
cargo test --all-features > target/test.log 2>&1
echo "test log written to target/test.log"
"""


def test_a_run_followed_by_an_echo_loses_its_status() -> None:
    """Without `set -e`, the script exits with the `echo`'s status, not the run's."""
    found = dropped_status("scripts/test.sh", DROPS)
    assert found is not None
    assert "cargo test" in found.quote


def test_a_script_that_stops_on_errors_keeps_the_status() -> None:
    """The twin: `set -euo pipefail` makes the failing run end the script."""
    text = DROPS.replace("cd ", "set -euo pipefail\ncd ", 1)
    assert dropped_status("scripts/test.sh", text) is None


def test_a_run_as_the_last_command_keeps_the_status() -> None:
    """The last command's status is the script's."""
    text = "#!/bin/sh\necho running\npytest -q\n"
    assert dropped_status("run.sh", text) is None


def test_a_status_read_after_the_run_is_kept() -> None:
    """`rc=$?` … `exit $rc` passes the run's status on."""
    text = "#!/bin/bash\npytest -q\nrc=$?\necho done\nexit $rc\n"
    assert dropped_status("ci/test.sh", text) is None


def test_a_script_with_branches_is_not_judged() -> None:
    """Which command runs last is not the last line once there are branches or functions."""
    text = '#!/bin/bash\nif [ -n "$CI" ]; then\n  pytest --junitxml=r.xml\nelse\n  pytest\nfi\n'
    assert dropped_status("ci/test.sh", text) is None


def test_a_file_that_is_not_a_shell_script_is_not_judged() -> None:
    """A Python file is not read as a shell script."""
    assert dropped_status("tools/run.py", "import pytest\npytest.main()\nprint('x')\n") is None
