"""`watchkeeper calibrate`: set alert thresholds from benign sessions and an audit budget."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

__all__ = ["register"]


def calibrate_command(
    benign: Annotated[
        list[Path], typer.Option(help="Benign trajectory JSONL file (repeat for more).")
    ],
    audit_budget: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Largest fraction of benign sessions to alert.")
    ] = 0.01,
    policy: Annotated[
        Path | None, typer.Option(help="Policy to replay with (default: the home's).")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the thresholds without saving them.")
    ] = False,
    home: Annotated[
        Path | None,
        typer.Option(help="watchkeeper home (default: $WATCHKEEPER_HOME or ~/.watchkeeper)."),
    ] = None,
) -> None:
    """Replay benign sessions and store thresholds so at most AUDIT_BUDGET of them alert."""
    from rich.progress import track

    from watchkeeper.gateway import ensure_policy_file
    from watchkeeper.home import resolve_home
    from watchkeeper.monitors import (
        MONITORS_FILE,
        CorpusError,
        MonitorConfigError,
        MonitorLoadError,
        apply_calibration,
        build_monitors,
        calibrate,
        default_monitors_config,
        load_monitors_config,
        read_trajectories,
        replay_scores,
        save_monitors_config,
    )
    from watchkeeper.normalize import Normalizer
    from watchkeeper.policy import PolicyError, load_policy

    root = resolve_home(home)
    path = root / MONITORS_FILE
    try:
        config = load_monitors_config(path) or default_monitors_config()
        monitors = build_monitors(config)
        rules = load_policy(policy if policy is not None else ensure_policy_file(root))
        trajectories = list(read_trajectories(benign))
    except (MonitorConfigError, MonitorLoadError, PolicyError, CorpusError, OSError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    if not trajectories:
        typer.echo("error: the benign corpus is empty; give at least one trajectory", err=True)
        raise typer.Exit(2)
    scores = replay_scores(
        track(trajectories, description="replaying", transient=True),
        monitors,
        normalizer=Normalizer(),
        policy=rules,
    )
    result = calibrate(scores, audit_budget, monitors=config.enabled())
    table = Table("monitor", "threshold", "benign alert rate", title="calibration")
    for name, threshold in sorted(result.thresholds.items()):
        table.add_row(name, f"{threshold:.6g}", f"{result.monitor_rates[name]:.2%}")
    table.add_row("overall (trajectory)", f"{result.overall:.6g}", "")
    console = Console(highlight=False, width=120)
    console.print(table)
    console.print(
        f"{result.sessions} benign sessions; {result.alert_rate:.2%} would alert "
        f"(budget {audit_budget:.2%})."
    )
    errors = sum(s.errors for s in scores)
    if errors:
        console.print(f"warning: monitors failed {errors} time(s) during the replay.")
    if dry_run:
        return
    save_monitors_config(apply_calibration(config, result), path)
    console.print(f"thresholds saved to {path}")


def register(app: typer.Typer) -> None:
    """Add `calibrate` to `app`."""
    app.command("calibrate")(calibrate_command)
