"""`watchkeeper serve`: the gateway over TCP and a unix socket."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add the `serve` command to `app`."""
    app.command("serve")(serve)


def serve(
    *,
    host: Annotated[str, typer.Option(help="Interface for the HTTP API.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(help="TCP port for the HTTP API (0 picks a free one).")
    ] = 8470,
    socket_path: Annotated[
        Path | None,
        typer.Option(
            "--socket", help="Unix socket to serve on too (default: <home>/gateway.sock)."
        ),
    ] = None,
    home: Annotated[
        Path | None,
        typer.Option(help="watchkeeper home (default: $WATCHKEEPER_HOME or ~/.watchkeeper)."),
    ] = None,
    policy: Annotated[
        Path | None, typer.Option(help="Policy file (default: <home>/policy.yaml).")
    ] = None,
    max_body: Annotated[int, typer.Option(help="Largest request body accepted, in bytes.")] = 1
    << 20,
    sweep_interval: Annotated[
        float | None,
        typer.Option(
            help="Seconds between sweeps for rogue deployments (default: `interval` in "
            "<home>/sweep.yaml, else 30); 0 disables."
        ),
    ] = None,
) -> None:
    """Run the gateway: decide tool calls over HTTP and record everything in the ledger.

    Serves on a TCP port and on a unix socket (mode 0600) at once. Calls need a token of a
    registered, active deployment (`watchkeeper deploy register`); an admin token is created
    on first start in <home>/admin.token. SIGTERM or Ctrl-C finishes open requests and drains
    the ledger before exiting.
    """
    from watchkeeper.alerts import AlertStore, AlertStoreError
    from watchkeeper.deployments import open_registry
    from watchkeeper.gateway import (
        GatewaySocketError,
        TokenStore,
        TokenStoreError,
        bind_tcp,
        bind_unix,
        build_pipeline,
        create_app,
        ensure_admin_token,
        ensure_policy_file,
    )
    from watchkeeper.home import resolve_home
    from watchkeeper.ledger import LedgerError
    from watchkeeper.monitors import MonitorConfigError, MonitorLoadError
    from watchkeeper.policy import PolicyError

    home_dir = resolve_home(home)
    policy_path = policy if policy is not None else ensure_policy_file(home_dir)
    try:
        pipeline = build_pipeline(home_dir, policy_path=policy_path)
    except (
        PolicyError,
        LedgerError,
        MonitorConfigError,
        MonitorLoadError,
        AlertStoreError,
        OSError,
    ) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    with pipeline:
        try:
            tokens = TokenStore(home_dir / "tokens.json")
            admin_token = ensure_admin_token(tokens, home_dir / "admin.token")
            tcp = bind_tcp(host, port)
        except (GatewaySocketError, TokenStoreError) as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from exc
        try:
            unix = bind_unix(socket_path if socket_path is not None else home_dir / "gateway.sock")
        except GatewaySocketError as exc:
            tcp.close()
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from exc
        try:
            alerts = AlertStore(home_dir / "alerts.db")
        except AlertStoreError as exc:
            tcp.close()
            unix.close()
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from exc
        bound_host, bound_port = tcp.getsockname()[:2]
        url = f"http://{bound_host}:{bound_port}"
        if ":" in bound_host:
            url = f"http://[{bound_host}]:{bound_port}"
        _banner(url, unix.getsockname(), policy_path, home_dir, admin_token)
        from watchkeeper.gateway import run_server

        with alerts:
            app = create_app(
                pipeline,
                tokens,
                registry=open_registry(home_dir),
                alerts=alerts,
                max_body=max_body,
            )
            from watchkeeper.cli.sweep import sweeping

            with sweeping(home_dir, pipeline.store.append, sweep_interval):
                run_server(app, [tcp, unix])
    typer.echo("gateway stopped; ledger closed")


def _banner(url: str, socket_path: str, policy: Path, home: Path, admin_token: Path) -> None:
    typer.echo("watchkeeper gateway")
    typer.echo(f"  API:         {url}/v1")
    typer.echo(f"  socket:      unix://{socket_path}")
    typer.echo(f"  OpenAPI:     {url}/docs ({url}/openapi.json)")
    typer.echo(f"  policy:      {policy}")
    typer.echo(f"  ledger:      {home / 'ledger.db'}")
    typer.echo(f"  deployments: {home / 'deployments.json'} (`watchkeeper deploy list`)")
    typer.echo(f"  admin token: {admin_token}")
