"""`watchkeeper --version`."""

from __future__ import annotations

import subprocess
import sys

from watchkeeper import __version__


def test_version_prints_the_package_version() -> None:
    """The real console entry point prints the installed version and exits 0."""
    result = subprocess.run(
        [sys.executable, "-c", "from watchkeeper.cli.main import main; main()", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"watchkeeper {__version__}"
