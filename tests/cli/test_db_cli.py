"""`watchkeeper db upgrade|status`, and the `ledger` commands on a PostgreSQL ledger."""

from __future__ import annotations

from pathlib import Path

import psycopg
import typer.main
from typer.testing import CliRunner

from watchkeeper.cli._app import build_app
from watchkeeper.cli.db import app as db_app
from watchkeeper.events import ToolCall
from watchkeeper.ledger import open_ledger

runner = CliRunner()


def test_upgrade_then_status(postgres_schema: str) -> None:
    """`db upgrade` applies the migrations once; `db status` then exits 0."""
    app = build_app()
    before = runner.invoke(app, ["db", "status", "--db", postgres_schema])
    assert before.exit_code == 1, before.output
    first = runner.invoke(app, ["db", "upgrade", "--db", postgres_schema])
    assert first.exit_code == 0, first.output
    assert "applied migration 1" in first.output
    again = runner.invoke(app, ["db", "upgrade", "--db", postgres_schema])
    assert again.exit_code == 0, again.output
    assert "already at schema version" in again.output
    after = runner.invoke(app, ["db", "status", "--db", postgres_schema])
    assert after.exit_code == 0, after.output


def test_upgrade_refuses_a_sqlite_path(tmp_path: Path) -> None:
    """`db upgrade` on a file path exits 2 and says SQLite needs no upgrade."""
    result = runner.invoke(build_app(), ["db", "upgrade", "--db", str(tmp_path / "ledger.db")])
    assert result.exit_code == 2
    assert "SQLite ledgers need no upgrade" in result.output


def test_ledger_verify_reads_postgres_and_names_a_tampered_record(
    postgres_schema: str, tmp_path: Path
) -> None:
    """`ledger verify --db postgresql://…` passes an intact ledger and names an edited row."""
    app = build_app()
    assert runner.invoke(app, ["db", "upgrade", "--db", postgres_schema]).exit_code == 0
    with open_ledger(tmp_path, postgres_schema, checkpoint_every=2) as store:
        store.append([ToolCall(session_id="s", tool="Bash", args={"i": i}) for i in range(5)])
    args = ["ledger", "verify", "--home", str(tmp_path), "--db", postgres_schema]
    intact = runner.invoke(app, args)
    assert intact.exit_code == 0, intact.output
    assert "records: 5" in intact.output
    with psycopg.connect(postgres_schema, autocommit=True) as conn:
        conn.execute("UPDATE records SET session_id = 'other' WHERE seq = 3")
    tampered = runner.invoke(app, args)
    assert tampered.exit_code == 1
    assert "first bad record: 3" in tampered.output


def test_every_db_command_and_option_is_documented() -> None:
    """docs/postgres.md names each `db` subcommand and each of its options."""
    docs = (Path(__file__).resolve().parents[2] / "docs" / "postgres.md").read_text()
    group = typer.main.get_group(db_app)
    missing = []
    for name, command in group.commands.items():
        if f"watchkeeper db {name}" not in docs:
            missing.append(name)
        for param in command.params:
            missing += [
                f"{name} {opt}" for opt in param.opts if opt.startswith("--") and opt not in docs
            ]
    assert not missing, f"undocumented in docs/postgres.md: {missing}"
