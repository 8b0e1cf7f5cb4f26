"""`watchkeeper grant list|revoke` through the real command line."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from watchkeeper.cli._app import build_app
from watchkeeper.events import ReviewEvent
from watchkeeper.ledger import open_ledger
from watchkeeper.review import Grant, GrantSpec, open_grants

runner = CliRunner()


# Each test runs on both ledger backends (`tests/_backends.py`).
pytestmark = pytest.mark.usefixtures("ledger_backend")


def _grant(home: Path) -> Grant:
    spec = GrantSpec(
        deployment_id="alpha",
        tool="Bash",
        command=("npm", "test"),
        cwd_prefix="/repo",
        duration=timedelta(hours=8),
        reason="tests are fine",
        created_by="rita",
    )
    return open_grants(home).create(spec)


def test_list_shows_active_grants(tmp_path: Path) -> None:
    """`grant list` shows each active grant's id, scope, deployment and maker."""
    grant = _grant(tmp_path)
    result = runner.invoke(build_app(), ["grant", "list", "--home", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert grant.id in result.output
    assert "allow `npm test` in /repo for `alpha`" in result.output
    assert "by rita  active  (tests are fine)" in result.output


def test_revoke_ends_the_grant_and_records_it(tmp_path: Path) -> None:
    """`grant revoke ID` ends the grant and records a `revoke` review event."""
    grant = _grant(tmp_path)
    app = build_app()
    result = runner.invoke(app, ["grant", "revoke", grant.id, "--home", str(tmp_path)])
    assert result.exit_code == 0, result.output
    listed = runner.invoke(app, ["grant", "list", "--home", str(tmp_path)])
    assert grant.id not in listed.output
    with open_ledger(tmp_path) as ledger:
        actions = [e.action for _s, e in ledger.events() if isinstance(e, ReviewEvent)]
    assert actions == ["grant", "revoke"]


def test_revoking_an_unknown_grant_fails(tmp_path: Path) -> None:
    """`grant revoke` of an unknown id exits 2 naming it."""
    result = runner.invoke(build_app(), ["grant", "revoke", "nope", "--home", str(tmp_path)])
    assert result.exit_code == 2
    assert "grant `nope` does not exist" in result.output
