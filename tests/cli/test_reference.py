"""The CLI reference and the docs stay in step with the code."""

from __future__ import annotations

from pathlib import Path

from watchkeeper.cli._reference import render_reference

ROOT = Path(__file__).resolve().parents[2]


def test_cli_reference_matches_the_commands() -> None:
    """docs/cli.md is exactly what `make docs` generates from the command tree."""
    assert (ROOT / "docs" / "cli.md").read_text() == render_reference(), (
        "docs/cli.md is stale; run `make docs`"
    )


def test_readme_opens_with_the_two_commands() -> None:
    """A newcomer sees `make run` and `make test` before anything else."""
    readme = (ROOT / "README.md").read_text()
    first_block = readme.split("```")[1]
    assert "make run" in first_block
    assert "make test" in first_block


def test_every_doc_page_is_linked_from_the_readme() -> None:
    """Each page under docs/ is reachable from the README."""
    readme = (ROOT / "README.md").read_text()
    pages = sorted(p.name for p in (ROOT / "docs").glob("*.md"))
    missing = [p for p in pages if f"docs/{p}" not in readme]
    assert not missing, f"README does not link {missing}"
