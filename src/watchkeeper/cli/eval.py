"""`watchkeeper eval`: replay labelled trajectories through policy and monitors; score them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

__all__ = ["eval_command", "register"]


def eval_command(
    corpus: Annotated[list[Path], typer.Argument(help="Trajectory JSONL file(s).")],
    *,
    audit_budget: Annotated[
        float,
        typer.Option(min=0.0, max=1.0, help="Fraction of benign trajectories allowed to flag."),
    ] = 0.01,
    monitors: Annotated[
        str | None,
        typer.Option(help="Comma-separated monitor names (default: every one that loads)."),
    ] = None,
    policy: Annotated[
        Path | None, typer.Option(help="Policy file to replay with (default: none).")
    ] = None,
    threshold: Annotated[
        float | None,
        typer.Option(help="Flag at this trajectory score instead of fitting the audit budget."),
    ] = None,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write the metrics as JSON here.")
    ] = None,
    scores_out: Annotated[
        Path | None, typer.Option(help="Write one score line per trajectory here.")
    ] = None,
) -> None:
    """Replay each trajectory as if live and report AUROC, TPR at fixed FPR and recall."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from watchkeeper.evals import (
        ReplaySpec,
        TrajectoryError,
        TrajectoryResult,
        evaluate,
        metrics_tables,
        replay_corpus,
        score_line,
    )
    from watchkeeper.monitors import MonitorLoadError, default_monitors_config
    from watchkeeper.policy import PolicyError

    names = (
        tuple(n.strip() for n in monitors.split(",") if n.strip())
        if monitors is not None
        else tuple(default_monitors_config().enabled())
    )
    spec = ReplaySpec(monitors=names, policy=policy)
    console = Console(highlight=False, width=120, stderr=False)
    results: list[TrajectoryResult] = []
    try:
        with Progress(
            TextColumn("replaying"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("steps"),
            console=Console(stderr=True),
            transient=True,
        ) as bar:
            task = bar.add_task("replay", total=None)
            for result in replay_corpus(
                corpus, spec, workers=workers, progress=lambda n: bar.advance(task, n)
            ):
                results.append(result)
    except (TrajectoryError, MonitorLoadError, PolicyError, OSError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    metrics = evaluate(results, threshold=threshold, audit_budget=audit_budget)
    for table in metrics_tables(metrics):
        console.print(table)
    if scores_out is not None:
        with scores_out.open("w", encoding="utf-8") as out:
            for result in results:
                score_line(result, metrics.threshold, out)
    if json_out is not None:
        data = {"monitors": list(names), **metrics.as_dict()}
        json_out.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def register(app: typer.Typer) -> None:
    """Add `eval` to `app`."""
    app.command("eval")(eval_command)
