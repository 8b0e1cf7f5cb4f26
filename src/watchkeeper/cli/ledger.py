"""`watchkeeper ledger …`: verify, follow, export the tamper-evident ledger, rotate its key."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.text import Text

from watchkeeper.events import (
    AlertEvent,
    DeploymentEvent,
    ErrorEvent,
    Event,
    Lifecycle,
    Message,
    ProcessEvent,
    Reasoning,
    ReviewEvent,
    ToolCall,
    ToolResult,
    VerdictEvent,
)
from watchkeeper.home import resolve_home
from watchkeeper.ledger import (
    PUBLIC_KEY_NAME,
    LedgerError,
    LedgerSource,
    ledger_source,
    load_public_key,
    rotate_key,
)

__all__ = ["app"]

app = typer.Typer(
    help="Verify, follow and export the tamper-evident ledger; rotate its signing key.",
    no_args_is_help=True,
)

HomeOption = Annotated[
    Path | None,
    typer.Option("--home", help="Watchkeeper home (default: $WATCHKEEPER_HOME or ~/.watchkeeper)."),
]
DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Ledger database: a file or a postgresql:// url "
        "(default: $WATCHKEEPER_DB, else <home>/ledger.db).",
    ),
]

_FOLLOW_POLL_SECONDS = 0.5
_SUMMARY_WIDTH = 120


def _source(home: Path | None, db: str | None) -> LedgerSource:
    return ledger_source(resolve_home(home), db)


def _fail(console: Console, message: str, code: int = 2) -> typer.Exit:
    console.print(Text(message, style="red"))
    return typer.Exit(code)


@app.command()
def verify(
    home: HomeOption = None,
    db: DbOption = None,
    public_key: Annotated[
        list[Path] | None,
        typer.Option(
            "--public-key",
            help="Trusted public key, repeatable: the trust root that key rotations recorded in "
            "the ledger are followed from (default: keys/ledger.pub beside the db file, or in "
            "<home> for a postgresql:// ledger).",
        ),
    ] = None,
) -> None:
    """Check the whole chain, every commitment and every checkpoint; exit 1 if anything is off."""
    console = Console(highlight=False, soft_wrap=True)
    source = _source(home, db)
    default = source.keys / PUBLIC_KEY_NAME
    paths = public_key or ([default] if default.exists() else [])
    try:
        report = source.verify([load_public_key(path) for path in paths] or None)
    except LedgerError as exc:
        raise _fail(console, str(exc)) from exc
    if not report.ok:
        console.print(Text(f"ledger `{source.name}` is NOT intact", style="bold red"))
        console.print(Text(f"first bad record: {report.first_bad_seq}: {report.reason}"))
        console.print(f"records checked before it: {report.records_checked}")
        raise typer.Exit(1)
    console.print(Text(f"ledger `{source.name}` is intact", style="bold green"))
    console.print(
        f"records: {report.records_checked} ({report.withheld} withheld), "
        f"checkpoints: {report.checkpoints_checked}, head: {report.head_seq} {report.head_hash}"
    )
    if report.rotations:
        console.print(
            f"key rotations: {report.rotations}, "
            f"last checkpoint signed by key: {report.signing_key_id}"
        )


@app.command("rotate-key")
def rotate_key_command(
    home: HomeOption = None,
    db: DbOption = None,
    reason: Annotated[
        str, typer.Option("--reason", help="Why the key is rotated (recorded in the ledger).")
    ] = "",
) -> None:
    """Replace the signing key; the ledger records the handover and stays one verifiable chain.

    Writes a key-rotation record signed by the old and the new key, has the old key sign a
    checkpoint over it, keeps the old public key as keys/retired/<key_id>.pub and replaces
    keys/ledger.key (the old private key leaves the home) and keys/ledger.pub. Running
    gateways and workers sharing the home sign their next checkpoint with the new key.
    """
    console = Console(highlight=False, soft_wrap=True)
    root = resolve_home(home)
    try:
        done = rotate_key(root, db, reason=reason)
    except LedgerError as exc:
        raise _fail(console, str(exc)) from exc
    console.print(
        Text(f"signing key rotated: {done.old_key_id} -> {done.new_key_id}", style="bold green")
    )
    console.print(
        f"rotation record: {done.seq}, covered by the old key's checkpoint at {done.checkpoint_seq}"
    )
    console.print(f"old public key kept as {done.retired_public_key}")
    console.print(
        "the old private key was removed from the home; copy keys/ledger.key and "
        "keys/ledger.pub to every other host that writes this ledger"
    )


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = " ".join(text.split())
    return text if len(text) <= _SUMMARY_WIDTH else text[: _SUMMARY_WIDTH - 1] + "…"


def _summary(event: Event) -> tuple[str, str]:
    """Return a one-line summary of `event` and the style to print it in."""
    if isinstance(event, ToolCall):
        return f"{event.tool} {_short(event.args)}", ""
    if isinstance(event, ToolResult):
        return f"{event.tool or '?'} {'error ' if event.is_error else ''}{_short(event.output)}", (
            "red" if event.is_error else "dim"
        )
    if isinstance(event, VerdictEvent):
        style = {"allow": "green", "deny": "bold red", "ask": "yellow"}[event.decision.value]
        rules = ",".join(event.rule_ids) or "-"
        return f"{event.decision.value} [{rules}] {_short(event.explanation)}".rstrip(), style
    if isinstance(event, Reasoning):
        return _short(event.text), "italic dim"
    if isinstance(event, Message):
        return f"{event.role}: {_short(event.text)}", ""
    if isinstance(event, Lifecycle):
        return f"{event.phase} {_short(event.detail) if event.detail else ''}".rstrip(), "cyan"
    if isinstance(event, ErrorEvent):
        return f"{event.where}: {_short(event.message)}", "red"
    return _oversight_summary(event)


def _oversight_summary(event: Event) -> tuple[str, str]:
    """Summaries of what the oversight itself records: alerts, processes, deployments, reviews."""
    if isinstance(event, AlertEvent):
        head = f"{event.severity.value} {event.category} {event.score:.2f} ({event.monitor})"
        return f"{head} {_short(event.explanation)}".rstrip(), "bold magenta"
    if isinstance(event, ProcessEvent):
        ended = ""
        if event.phase == "exit":
            ended = f" signal {event.signal}" if event.signal else f" exit {event.exit_code}"
        argv = _short(" ".join(event.argv)) if event.argv else event.exe or "?"
        return f"{event.phase} pid {event.pid}{ended} {argv}", "cyan"
    if isinstance(event, DeploymentEvent):
        actor = f" by {event.actor}" if event.actor else ""
        return f"{event.action} {event.name}{actor}", "cyan"
    if isinstance(event, ReviewEvent):
        target = f" {event.target}" if event.target else ""
        reason = f": {_short(event.reason)}" if event.reason else ""
        return f"{event.action}{target} by {event.reviewer}{reason}", "yellow"
    return "", ""


def _line(seq: int, event: Event) -> Text:
    summary, style = _summary(event)
    line = Text(f"{seq:>7}  {event.ts:%Y-%m-%d %H:%M:%S}  ", style="dim")
    line.append(f"{event.session_id[:16]:<16}  ", style="blue")
    line.append(f"{event.kind:<11}  ", style="bold")
    line.append(summary, style=style)
    return line


def _print_after(
    console: Console, source: LedgerSource, after_seq: int, session: str | None
) -> int:
    """Print every event after `after_seq` and flush; return the last seq printed."""
    last = after_seq
    for seq, event in source.events(after_seq=after_seq, session_id=session):
        console.print(_line(seq, event))
        last = seq
    console.file.flush()
    return last


@app.command()
def tail(
    home: HomeOption = None,
    db: DbOption = None,
    lines: Annotated[int, typer.Option("-n", "--lines", help="How many recent events.")] = 20,
    follow: Annotated[
        bool, typer.Option("--follow", "-f", help="Keep printing new events.")
    ] = False,
    session: Annotated[
        str | None, typer.Option("--session", help="Only events of this session.")
    ] = None,
) -> None:
    """Print the most recent events, one line each (withheld payloads are skipped)."""
    console = Console(highlight=False, soft_wrap=True)
    source = _source(home, db)
    try:
        start = max(0, source.head().seq - max(lines, 0))
        last = _print_after(console, source, start, session)
        while follow:
            time.sleep(_FOLLOW_POLL_SECONDS)
            last = _print_after(console, source, last, session)
    except LedgerError as exc:
        raise _fail(console, str(exc)) from exc
    except KeyboardInterrupt:
        return


@app.command()
def export(
    home: HomeOption = None,
    db: DbOption = None,
    jsonl: Annotated[
        bool, typer.Option("--jsonl", help="Write JSON Lines (the only format).")
    ] = False,
    out: Annotated[
        Path | None, typer.Option("--out", help="Output file, created mode 0600 (default: stdout).")
    ] = None,
    redact_kind: Annotated[
        list[str] | None,
        typer.Option("--redact-kind", help="Withhold payload and salt of this kind (repeatable)."),
    ] = None,
) -> None:
    """Write checkpoints, then every record (envelope, hash, payload, salt), one JSON per line."""
    console = Console(stderr=True, highlight=False, soft_wrap=True)
    if not jsonl:
        raise _fail(console, "choose an export format: pass `--jsonl`")
    source = _source(home, db)
    withheld = frozenset(redact_kind or ())
    try:
        if out is None:
            count = source.export_jsonl(sys.stdout, redact=lambda r: r.kind in withheld)
        else:
            fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                count = source.export_jsonl(handle, redact=lambda r: r.kind in withheld)
    except LedgerError as exc:
        raise _fail(console, str(exc)) from exc
    console.print(f"exported {count} records from `{source.name}`")
