"""`watchkeeper worker`: run monitors on events fanned out over NATS JetStream."""

from __future__ import annotations

import asyncio
import json
import signal
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from watchkeeper.fanout import MonitorWorker

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add the `worker` command to `app`."""
    app.command("worker")(worker)


def worker(
    *,
    nats: Annotated[
        str,
        typer.Option(
            "--nats", envvar="WATCHKEEPER_NATS", help="NATS server URL, e.g. nats://127.0.0.1:4222."
        ),
    ],
    home: Annotated[
        Path | None,
        typer.Option(help="watchkeeper home (default: $WATCHKEEPER_HOME or ~/.watchkeeper)."),
    ] = None,
    prefix: Annotated[
        str,
        typer.Option(
            help="Names the stream (upper-cased), subjects (<prefix>.events.>) and consumer "
            "(<prefix>-monitors); must match the gateways'."
        ),
    ] = "wk",
    ack_wait: Annotated[
        float,
        typer.Option(
            help="Seconds JetStream waits without hearing from a worker before redelivering its "
            "message; a live worker sends in-progress acks every ack_wait/4 (at least 0.2)."
        ),
    ] = 1.0,
    max_ack_pending: Annotated[
        int,
        typer.Option(
            help="Messages out with all workers at once, unacknowledged; keep it at least "
            "the number of workers times --batch."
        ),
    ] = 512,
    max_deliveries: Annotated[
        int, typer.Option(help="Attempts before a failing message is recorded and set aside.")
    ] = 5,
    batch: Annotated[
        int, typer.Option(help="Messages fetched per pull: the most a killed worker strands.")
    ] = 16,
    status: Annotated[
        bool,
        typer.Option("--status", help="Print the consumer's backlog as JSON and exit."),
    ] = False,
) -> None:
    """Consume recorded events from NATS JetStream, run the monitors and write alerts.

    Every worker shares one durable consumer, so each event goes to one worker; a killed
    worker's events go to another after about --ack-wait seconds. The consumer takes the
    --ack-wait, --max-ack-pending and --max-deliveries of the worker that started last, so
    start every worker with the same ones. Alerts go to <home>/alerts.db and, as alert
    events, to the ledger, written idempotently: an event redelivered after a worker died never
    alerts twice. Monitors come from <home>/monitors.yaml, as for `watchkeeper serve`. SIGTERM
    or Ctrl-C stops after the current batch. With --status, prints the stream, consumer,
    `pending` (the lag), `ack_pending` and `redelivered` counts and exits.
    """
    from watchkeeper.alerts import AlertStoreError
    from watchkeeper.cli.serve import ledger_label
    from watchkeeper.fanout import FanoutConfig, FanoutConfigError, consumer_status, open_worker
    from watchkeeper.home import resolve_home
    from watchkeeper.ledger import LedgerError
    from watchkeeper.monitors import MonitorConfigError, MonitorLoadError

    try:
        config = FanoutConfig.of(
            nats,
            prefix=prefix,
            ack_wait=ack_wait,
            max_ack_pending=max_ack_pending,
            max_deliveries=max_deliveries,
        )
    except FanoutConfigError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    if status:
        try:
            found = asyncio.run(asyncio.wait_for(consumer_status(config), timeout=10.0))
        except Exception as exc:
            typer.echo(f"error: cannot read the consumer at `{nats}`: {exc!r}", err=True)
            raise typer.Exit(2) from exc
        typer.echo(json.dumps(asdict(found), indent=2))
        return
    home_dir = resolve_home(home)
    try:
        with open_worker(home_dir, config, batch=batch) as running:
            typer.echo(
                f"watchkeeper worker: stream {config.stream}, consumer {config.durable}, "
                f"ledger {ledger_label(home_dir)}"
            )
            asyncio.run(_run(running))
            stats = running.stats()
    except (MonitorConfigError, MonitorLoadError, LedgerError, AlertStoreError, OSError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(
        f"worker stopped: {stats.processed} events, {stats.alerts} alerts, "
        f"{stats.poisoned} set aside"
    )


async def _run(running: MonitorWorker) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await running.run(stop)
