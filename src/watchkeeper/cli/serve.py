"""`watchkeeper serve`: the gateway over TCP and a unix socket."""

from __future__ import annotations

import contextlib
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from watchkeeper.fanout import EventSource, FanoutConfig
    from watchkeeper.gateway import Pipeline
    from watchkeeper.observe import GatewayMetrics, OtlpExport
    from watchkeeper.review import ApprovalQueue, GrantStore

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add the `serve` command to `app`."""
    app.command("serve")(serve)


def serve(  # noqa: PLR0915 - one linear start-up sequence; its parts are helpers already
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
    approval_timeout: Annotated[
        float,
        typer.Option(
            min=0,
            help="Seconds an `ask` is held for a reviewer before it is denied; 0 returns "
            "`ask` to the agent at once (see docs/review.md).",
        ),
    ] = 120.0,
    sweep_interval: Annotated[
        float | None,
        typer.Option(
            help="Seconds between sweeps for rogue deployments (default: `interval` in "
            "<home>/sweep.yaml, else 30); 0 disables."
        ),
    ] = None,
    nats: Annotated[
        str | None,
        typer.Option(
            "--nats",
            envvar="WATCHKEEPER_NATS",
            help="NATS server URL: publish every recorded event to JetStream for "
            "`watchkeeper worker` (see docs/workers.md).",
        ),
    ] = None,
    nats_prefix: Annotated[
        str, typer.Option(help="Stream, subject and consumer prefix for --nats.")
    ] = "wk",
    metrics_token_file: Annotated[
        Path | None,
        typer.Option(
            help="File holding the bearer token Prometheus scrapes /metrics with (default: "
            "<home>/metrics.token, created on first start); admin tokens work too."
        ),
    ] = None,
    otlp_endpoint: Annotated[
        str | None,
        typer.Option(
            help="Export recorded events as OpenTelemetry spans to this OTLP/HTTP collector "
            "(e.g. http://127.0.0.1:4318; /v1/traces is added when the URL has no path)."
        ),
    ] = None,
    otlp_content: Annotated[
        bool,
        typer.Option(
            help="Include tool arguments, results and explanations in spans (default: only "
            "their sizes and SHA-256 hashes)."
        ),
    ] = False,
) -> None:
    """Run the gateway: decide tool calls over HTTP and record everything in the ledger.

    Serves on a TCP port and on a unix socket (mode 0600) at once. Calls need a token of a
    registered, active deployment (`watchkeeper deploy register`); an admin token is created
    on first start in <home>/admin.token. SIGTERM or Ctrl-C finishes open requests and drains
    the ledger before exiting. Prometheus metrics are served at /metrics and spans exported
    with --otlp-endpoint (see docs/observability.md).
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
    from watchkeeper.observe import (
        SCRAPE_TOKEN_FILE,
        MetricsAccess,
        ensure_scrape_token,
        install_metrics,
    )
    from watchkeeper.policy import PolicyError

    home_dir = resolve_home(home)
    fanout = _fanout_config(nats, nats_prefix)
    policy_path = policy if policy is not None else ensure_policy_file(home_dir)
    metrics, otlp = _observers(otlp_endpoint, otlp_content)
    try:
        pipeline = build_pipeline(
            home_dir,
            policy_path=policy_path,
            grants=_grant_store(home_dir),
            observers=[metrics] if otlp is None else [metrics, otlp],
            # Behind NATS the workers alert on recorded events; the gateway would count twice.
            alert_recorded=fanout is None,
        )
    except (
        PolicyError,
        LedgerError,
        MonitorConfigError,
        MonitorLoadError,
        AlertStoreError,
        OSError,
    ) as exc:
        if otlp is not None:
            otlp.close()
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    with contextlib.nullcontext() if otlp is None else otlp, pipeline:
        try:
            tokens = TokenStore(home_dir / "tokens.json")
            admin_token = ensure_admin_token(tokens, home_dir / "admin.token")
            scrape_path = metrics_token_file or home_dir / SCRAPE_TOKEN_FILE
            scrape_token = ensure_scrape_token(scrape_path)
            tcp = bind_tcp(host, port)
        except (GatewaySocketError, TokenStoreError, OSError) as exc:
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
        _observability_banner(url, scrape_path, otlp)
        from watchkeeper.gateway import run_server

        with alerts:
            app = create_app(
                pipeline,
                tokens,
                registry=open_registry(home_dir),
                alerts=alerts,
                max_body=max_body,
                approvals=(approvals := _approval_queue(home_dir, pipeline)),
                approval_timeout=approval_timeout,
            )
            install_metrics(
                app, metrics, MetricsAccess(tokens, scrape_token), head_seq=pipeline.head_seq
            )
            from watchkeeper.accounts import (
                LoginLimiter,
                WebSessions,
                install_auth,
                open_user_store,
            )
            from watchkeeper.cli.sweep import sweeping
            from watchkeeper.review import ApprovalExpiry
            from watchkeeper.review.web import install_review_ui

            # Before the pages, so their security headers wrap the sign-in answers too.
            users = open_user_store(home_dir, record=False)
            install_auth(app, users, WebSessions(), LoginLimiter(), pipeline.record)

            review_ui = install_review_ui(
                app,
                home=home_dir,
                record=pipeline.record,
                ledger=pipeline.store,
                alerts=alerts,
                registry=open_registry(home_dir),
                policy_path=policy_path,
                approvals=approvals,
                grants=approvals.grants,
            )
            with (
                review_ui,
                ApprovalExpiry(approvals),
                sweeping(home_dir, pipeline.store.append, sweep_interval),
                _publishing(pipeline.store, fanout, home_dir),
            ):
                run_server(app, [tcp, unix], before_shutdown=approvals.close)
    typer.echo("gateway stopped; ledger closed")


def _fanout_config(url: str | None, prefix: str) -> FanoutConfig | None:
    """Return the fan-out settings for `--nats`, or exit 2 with one line when invalid."""
    if not url:
        return None
    from watchkeeper.fanout import FanoutConfig, FanoutConfigError

    try:
        return FanoutConfig.of(url, prefix=prefix)
    except FanoutConfigError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc


def _publishing(
    store: EventSource, fanout: FanoutConfig | None, home: Path
) -> AbstractContextManager[object]:
    """Publish the ledger to NATS while serving, when `--nats` is given."""
    if fanout is None:
        return nullcontext()
    from watchkeeper.fanout import (
        CursorError,
        LeaseLostError,
        LedgerPublisher,
        publisher_lease,
    )
    from watchkeeper.ledger import ledger_location

    lease = publisher_lease(home, fanout, ledger_location(home))
    try:
        publisher = LedgerPublisher(store, fanout, lease)
    except (CursorError, LeaseLostError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(
        f"  fan-out:     {fanout.url} (stream {fanout.stream}; one gateway publishes, "
        f"the others stand by: lease {lease.where})"
    )
    return publisher


def _observers(endpoint: str | None, content: bool) -> tuple[GatewayMetrics, OtlpExport | None]:
    """The metrics, and the span export when `--otlp-endpoint` is given (exit 2 if invalid)."""
    from watchkeeper.observe import GatewayMetrics, OtlpEndpointError, OtlpExport

    metrics = GatewayMetrics()
    if endpoint is None:
        return metrics, None
    try:
        return metrics, OtlpExport(endpoint, content=content, outcomes=metrics.spans)
    except OtlpEndpointError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc


def _observability_banner(url: str, scrape_token: Path, otlp: OtlpExport | None) -> None:
    typer.echo(f"  metrics:     {url}/metrics (bearer token in {scrape_token})")
    if otlp is not None:
        typer.echo(f"  traces:      {otlp.url} (OTLP/HTTP)")


def _banner(url: str, socket_path: str, policy: Path, home: Path, admin_token: Path) -> None:
    typer.echo("watchkeeper gateway")
    typer.echo(f"  API:         {url}/v1")
    typer.echo(f"  socket:      unix://{socket_path}")
    typer.echo(f"  OpenAPI:     {url}/docs ({url}/openapi.json)")
    typer.echo(f"  policy:      {policy}")
    typer.echo(f"  ledger:      {ledger_label(home)}")
    typer.echo(f"  deployments: {home / 'deployments.json'} (`watchkeeper deploy list`)")
    typer.echo(f"  admin token: {admin_token}")


def ledger_label(home: Path) -> str:
    """Where `home`'s gateway records: the SQLite file, or the PostgreSQL url without password."""
    from watchkeeper.ledger import display_url, ledger_location

    location = ledger_location(home)
    return display_url(location) if isinstance(location, str) else str(location)


def _grant_store(home: Path) -> GrantStore:
    """The grants of `home`, read by the pipeline on every `ask`."""
    from watchkeeper.review import GRANTS_FILE, GrantStore

    return GrantStore(home / GRANTS_FILE)


def _approval_queue(home: Path, pipeline: Pipeline) -> ApprovalQueue:
    """The approval queue of this gateway process; it and its grants record via `pipeline`."""
    from watchkeeper.review import ApprovalQueue

    return ApprovalQueue(pipeline.record, grants=_grant_store(home).recording(pipeline.record))
