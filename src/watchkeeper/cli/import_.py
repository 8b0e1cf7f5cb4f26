"""`watchkeeper import …`: record sessions from other tools' files in the ledger."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.text import Text

__all__ = ["app"]

app = typer.Typer(
    help="Import recorded sessions (Claude Code, Codex, Inspect, trajectories) into the ledger.",
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
DeploymentOption = Annotated[
    str,
    typer.Option("--deployment", help="Deployment the imported sessions are recorded under."),
]


def _run(fmt: str, paths: list[Path], home: Path | None, db: str | None, deployment: str) -> None:
    from watchkeeper.home import resolve_home
    from watchkeeper.importers import ImportFileError, import_file, input_files
    from watchkeeper.ledger import LedgerError, open_ledger

    out = Console(highlight=False, soft_wrap=True)
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    try:
        files = input_files(fmt, paths)
    except ImportFileError as exc:
        err.print(Text(f"error: {exc}", style="red"))
        raise typer.Exit(2) from exc
    if not files:
        err.print(Text(f"error: no {fmt} files found in the paths given; check them", style="red"))
        raise typer.Exit(2)
    added = skipped = failed = 0
    progress = Progress(
        TextColumn("importing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        console=err,
        transient=True,
        disable=len(files) == 1 or not err.is_terminal,
    )
    try:
        with open_ledger(resolve_home(home), db) as ledger, progress:
            task = progress.add_task("", total=len(files))
            for path in files:
                progress.update(task, description=path.name)
                try:
                    result = import_file(ledger, fmt, path, deployment_id=deployment)
                except ImportFileError as exc:
                    failed += 1
                    progress.console.print(Text(f"error: {exc}", style="red"))
                else:
                    added += result.added
                    skipped += result.skipped
                    kinds = ", ".join(f"{n} {k}" for k, n in sorted(result.kinds.items()))
                    out.print(
                        f"{path}: {result.added} events added"
                        + (f" ({kinds})" if kinds else "")
                        + f", {result.skipped} already recorded, "
                        + f"{len(result.sessions)} session(s)"
                    )
                progress.advance(task)
    except LedgerError as exc:
        err.print(Text(f"error: {exc}", style="red"))
        raise typer.Exit(2) from exc
    out.print(
        f"{len(files) - failed} of {len(files)} files imported: "
        f"{added} events added, {skipped} already recorded"
    )
    if failed:
        raise typer.Exit(1)


@app.command("claude-code")
def claude_code(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Transcripts (.jsonl) or directories of them, e.g. ~/.claude/projects."
        ),
    ],
    deployment: DeploymentOption = "imported",
    home: HomeOption = None,
    db: DbOption = None,
) -> None:
    """Import Claude Code session transcripts; a transcript's subagent files come with it."""
    _run("claude-code", paths, home, db, deployment)


@app.command("inspect")
def inspect_logs(
    logs: Annotated[
        list[Path], typer.Argument(help="Inspect eval logs (.eval or .json) or directories.")
    ],
    deployment: DeploymentOption = "imported",
    home: HomeOption = None,
    db: DbOption = None,
) -> None:
    """Import Inspect eval logs, one session per sample and epoch."""
    _run("inspect", logs, home, db, deployment)


@app.command("trajectory")
def trajectory(
    files: Annotated[
        list[Path], typer.Argument(help="Trajectory JSONL files (the evaluation schema).")
    ],
    deployment: DeploymentOption = "imported",
    home: HomeOption = None,
    db: DbOption = None,
) -> None:
    """Import trajectory JSONL files, one session per line."""
    _run("trajectory", files, home, db, deployment)


@app.command("codex")
def codex(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Codex rollouts (rollout-*.jsonl) or directories, e.g. ~/.codex/sessions."
        ),
    ],
    deployment: DeploymentOption = "imported",
    home: HomeOption = None,
    db: DbOption = None,
) -> None:
    """Import Codex CLI rollout files, one session per rollout."""
    _run("codex", paths, home, db, deployment)
