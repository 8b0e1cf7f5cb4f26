"""`watchkeeper ledger verify|tail|export` through the real command line."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests._backends import sqlite_only, tamper
from watchkeeper.cli.ledger import app
from watchkeeper.events import (
    AlertEvent,
    Decision,
    ProcessEvent,
    Reasoning,
    ReviewEvent,
    Severity,
    ToolCall,
    VerdictEvent,
)
from watchkeeper.ledger import (
    key_id,
    ledger_location,
    load_public_key,
    open_ledger,
    verify_export,
)

runner = CliRunner()


# Each test runs on both ledger backends (`tests/_backends.py`).
pytestmark = pytest.mark.usefixtures("ledger_backend")


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A watchkeeper home holding a signed ledger of six events."""
    with open_ledger(tmp_path, checkpoint_every=3) as store:
        for i in range(2):
            call = ToolCall(session_id="sess-1", tool="Bash", args={"command": f"rm -rf /{i}"})
            store.append(
                [
                    call,
                    VerdictEvent(
                        session_id="sess-1",
                        call_id=call.id,
                        decision=Decision.DENY,
                        rule_ids=("no-rm",),
                        explanation="destructive [command]",
                    ),
                    Reasoning(session_id="sess-1", text=f"secret thought {i}"),
                ]
            )
    return tmp_path


def test_verify_intact_ledger_exits_0(home: Path) -> None:
    """An untouched ledger verifies with the public key found in the home."""
    result = runner.invoke(app, ["verify", "--home", str(home)])
    assert result.exit_code == 0, result.output
    assert "is intact" in result.output
    assert "records: 6" in result.output


def test_verify_tampered_ledger_exits_1_naming_the_record(home: Path) -> None:
    """An edited record makes verify exit 1 and print which record is bad."""
    tamper(home, "UPDATE records SET kind = 'message' WHERE seq = 4")
    result = runner.invoke(app, ["verify", "--db", str(ledger_location(home)), "--home", str(home)])
    assert result.exit_code == 1
    assert "NOT intact" in result.output
    assert "record `4` hash does not match its content" in result.output


def test_verify_with_wrong_public_key_exits_1(
    home: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A public key other than the ledger's own fails verification."""
    other = tmp_path_factory.mktemp("other")
    with open_ledger(other):
        pass
    result = runner.invoke(
        app, ["verify", "--home", str(home), "--public-key", str(other / "keys" / "ledger.pub")]
    )
    assert result.exit_code == 1
    assert "pass the ledger's own public key" in result.output


@sqlite_only(
    "a missing ledger is a missing file; a PostgreSQL schema that was never upgraded is "
    "refused in tests/ledger/test_postgres_schema.py"
)
def test_verify_missing_ledger_exits_2(tmp_path: Path) -> None:
    """Verifying a home without a ledger is an error, not a pass."""
    result = runner.invoke(app, ["verify", "--home", str(tmp_path)])
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_tail_prints_one_line_per_event(home: Path) -> None:
    """`tail -n 3` prints the last three events, one readable line each, markup left alone."""
    result = runner.invoke(app, ["tail", "--home", str(home), "-n", "3"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 3
    assert lines[0].split()[0] == "4"
    assert "tool_call" in lines[0]
    assert "Bash" in lines[0]
    assert "rm -rf /1" in lines[0]
    assert "deny [no-rm] destructive [command]" in lines[1]
    assert "secret thought 1" in lines[2]


def test_tail_summarises_alerts_processes_and_reviews(tmp_path: Path) -> None:
    """Oversight records get a readable line too: an alert's severity, category, score and
    monitor; a process's pid and how it ended; a review's action, target and reviewer."""
    alert = AlertEvent(
        session_id="s",
        monitor="integrity",
        category="falsified-verification",
        severity=Severity.HIGH,
        score=0.92,
        explanation="claims success, but the last test run failed",
    )
    process = ProcessEvent(session_id="s", phase="exit", pid=41, argv=("sleep", "9"), signal=9)
    review = ReviewEvent(session_id="review", action="dismiss", reviewer="ana", target="alert:1")
    with open_ledger(tmp_path) as store:
        store.append([alert, process, review])
    result = runner.invoke(app, ["tail", "--home", str(tmp_path), "-n", "3"])
    assert result.exit_code == 0, result.output
    alert_line, process_line, review_line = result.output.splitlines()
    assert "high falsified-verification 0.92 (integrity) claims success" in alert_line
    assert "exit pid 41 signal 9 sleep 9" in process_line
    assert "dismiss alert:1 by ana" in review_line


def test_tail_follow_prints_events_appended_later(home: Path) -> None:
    """`tail --follow` keeps running and prints events appended by another writer."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from watchkeeper.cli.main import main; main()",
            "ledger",
            "tail",
            "--home",
            str(home),
            "-n",
            "1",
            "--follow",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    try:
        assert proc.stdout is not None
        assert "secret thought 1" in proc.stdout.readline()
        with open_ledger(home) as store:
            store.append([ToolCall(session_id="late", tool="Read", args={"path": "/etc/hosts"})])
        line = proc.stdout.readline()
        assert "Read" in line
        assert "/etc/hosts" in line
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=10)


def test_export_jsonl_writes_a_verifiable_owner_only_file(home: Path) -> None:
    """`export --jsonl --out` writes a 0600 file of records that verifies on its own."""
    out = home / "export.jsonl"
    result = runner.invoke(app, ["export", "--home", str(home), "--jsonl", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    lines = out.read_text().splitlines()
    records = [json.loads(line) for line in lines if "envelope" in line]
    assert len(records) == 6
    assert {"envelope", "hash", "payload", "salt"} == set(records[0])
    assert verify_export(lines, load_public_key(home / "keys" / "ledger.pub")).ok


def test_export_redact_kind_withholds_those_payloads(home: Path) -> None:
    """`--redact-kind reasoning` leaves reasoning text out of the export."""
    result = runner.invoke(
        app, ["export", "--home", str(home), "--jsonl", "--redact-kind", "reasoning"]
    )
    assert result.exit_code == 0
    assert "secret thought" not in result.stdout
    assert result.stdout.count('"payload": null') == 2


def test_export_without_a_format_is_refused(home: Path) -> None:
    """Export asks for an explicit format instead of guessing one."""
    result = runner.invoke(app, ["export", "--home", str(home)])
    assert result.exit_code == 2
    assert "--jsonl" in result.output


def test_every_ledger_command_and_option_is_documented() -> None:
    """docs/ledger.md names each `ledger` subcommand and each of its options."""
    import typer.main

    docs = (Path(__file__).resolve().parents[2] / "docs" / "ledger.md").read_text()
    group = typer.main.get_group(app)
    missing = []
    for name, command in group.commands.items():
        if f"watchkeeper ledger {name}" not in docs:
            missing.append(name)
        for param in command.params:
            missing += [
                f"{name} {opt}" for opt in param.opts if opt.startswith("--") and opt not in docs
            ]
    assert not missing, f"undocumented in docs/ledger.md: {missing}"


def test_rotate_key_exits_0_and_verify_follows_the_rotation(home: Path) -> None:
    """After `rotate-key`, verify passes from the default (new) key and from the retired one."""
    old_public = home / "keys" / "ledger.pub"
    old_id = key_id(load_public_key(old_public))
    result = runner.invoke(app, ["rotate-key", "--home", str(home), "--reason", "scheduled"])
    assert result.exit_code == 0, result.output
    assert f"signing key rotated: {old_id} -> " in result.output
    retired = home / "keys" / "retired" / f"{old_id}.pub"
    for extra in ([], ["--public-key", str(retired)]):
        verified = runner.invoke(app, ["verify", "--home", str(home), *extra])
        assert verified.exit_code == 0, verified.output
        assert "key rotations: 1" in verified.output


def test_rotate_key_without_a_key_exits_2(tmp_path: Path) -> None:
    """A home with no signing key is refused before anything is written."""
    result = runner.invoke(app, ["rotate-key", "--home", str(tmp_path)])
    assert result.exit_code == 2
    assert "no key to rotate" in result.output


def test_verify_after_rotation_with_an_unrelated_key_exits_1(
    home: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A trust root that no rotation leads to still fails after a rotation."""
    assert runner.invoke(app, ["rotate-key", "--home", str(home)]).exit_code == 0
    other = tmp_path_factory.mktemp("other")
    with open_ledger(other):
        pass
    result = runner.invoke(
        app, ["verify", "--home", str(home), "--public-key", str(other / "keys" / "ledger.pub")]
    )
    assert result.exit_code == 1
    assert "pass the ledger's own public key" in result.output
