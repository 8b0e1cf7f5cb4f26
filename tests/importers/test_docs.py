"""docs/importers.md documents every import command and is linked from the README."""

from __future__ import annotations

from pathlib import Path

import pytest

from watchkeeper.cli.import_ import app

ROOT = Path(__file__).parents[2]
DOC = (ROOT / "docs" / "importers.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", [c.name for c in app.registered_commands])
def test_each_command_is_documented(command: str) -> None:
    """Each `watchkeeper import` subcommand appears in docs/importers.md."""
    assert f"watchkeeper import {command}" in DOC


def test_readme_links_the_page() -> None:
    """The README links docs/importers.md."""
    assert "docs/importers.md" in (ROOT / "README.md").read_text(encoding="utf-8")
