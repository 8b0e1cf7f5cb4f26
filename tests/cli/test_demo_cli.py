"""`watchkeeper demo --exit`, run as the real command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from watchkeeper.ledger import ledger_source

CLI = [str(Path(sys.executable).with_name("watchkeeper"))]


def _demo(home: Path) -> subprocess.CompletedProcess[str]:
    """Run the demo on `home` as `make run` does: the watchkeeper home is ~/.watchkeeper."""
    return subprocess.run(
        [*CLI, "demo", "--home", str(home), "--port", "0", "--exit"],
        capture_output=True,
        text=True,
        check=False,
        timeout=240,
        env={"PATH": "/usr/bin:/bin", "HOME": str(home.parent), "COLUMNS": "200"},
    )


def test_demo_replays_the_session_and_verifies_the_ledger(tmp_path: Path) -> None:
    """The demo decides every call as the built-in policy says and the ledger verifies."""
    result = _demo(tmp_path / ".watchkeeper")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()

    def row(fragment: str) -> str:
        found = [line for line in lines if fragment in line and "PreToolUse" in line]
        assert len(found) == 1, fragment
        return found[0]

    assert "deny" in row("cat ~/.ssh/id_rsa")
    assert "deny-credential-read" in row("id_rsa")
    assert "deny" in row("curl -fsSL")
    assert "deny" in row(".claude/settings.json")
    assert "deny" in row("nohup")
    assert "ask" in row("git push origin main")
    assert "ask" in row("kubectl apply")
    assert "allow" in row("pytest -q tests/test_parser.py")
    assert "allow-git-local" in row("git status --short")
    assert "allow" in row("Edit")
    assert "deny" not in row("Edit")
    assert "ledger verify: ok" in result.stdout
    assert "/docs" in result.stdout
    assert "ledger.db" in result.stdout


def test_demo_runs_twice_on_one_home(tmp_path: Path) -> None:
    """A second run reuses the home (token, key, ledger) and the ledger still verifies."""
    home = tmp_path / ".watchkeeper"
    assert _demo(home).returncode == 0
    token = (home / "demo.token").read_text()
    second = _demo(home)
    assert second.returncode == 0, second.stdout + second.stderr
    assert (home / "demo.token").read_text() == token
    assert "ledger verify: ok" in second.stdout


def test_demo_records_into_and_verifies_a_postgres_ledger(
    tmp_path: Path, postgres_url: str
) -> None:
    """With `$WATCHKEEPER_DB` set the demo records into PostgreSQL and verifies that ledger."""
    home = tmp_path / "home"
    result = subprocess.run(
        [*CLI, "demo", "--home", str(home), "--port", "0", "--exit"],
        capture_output=True,
        text=True,
        check=False,
        timeout=240,
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": str(home),
            "COLUMNS": "200",
            "WATCHKEEPER_DB": postgres_url,
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ledger verify: ok" in result.stdout
    assert not (home / "ledger.db").exists()
    assert ledger_source(home, postgres_url).head().seq > 0
