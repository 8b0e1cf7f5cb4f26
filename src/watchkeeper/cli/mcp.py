"""`watchkeeper mcp …`: run MCP servers behind the gateway and review pinned tool definitions."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Literal, NoReturn

import typer

__all__ = ["app"]

app = typer.Typer(
    help="Put MCP servers behind watchkeeper; review their pinned tool definitions.",
    no_args_is_help=True,
)

HomeOption = Annotated[
    Path | None,
    typer.Option(help="watchkeeper home (default: $WATCHKEEPER_HOME or ~/.watchkeeper)."),
]


@app.command("stdio")
def stdio(
    *,
    command: Annotated[
        list[str], typer.Argument(help="The MCP server's command line, after `--`.")
    ],
    name: Annotated[
        str, typer.Option("--name", help="Server name: its tools are mcp__NAME__<tool>.")
    ],
    deployment: Annotated[
        str, typer.Option(help="Deployment the calls belong to (in-process mode).")
    ] = "local",
    session: Annotated[
        str | None, typer.Option(help="Session id to record under (default: a fresh one).")
    ] = None,
    url: Annotated[
        str | None,
        typer.Option(help="Gateway URL (default: $WATCHKEEPER_URL; unset: decide in-process)."),
    ] = None,
    on_change: Annotated[
        str,
        typer.Option(help="When a pinned tool's definition changes: block | alert."),
    ] = "block",
    home: HomeOption = None,
) -> None:
    """Run an stdio MCP server behind the gateway (stdin/stdout carry the protocol).

    Every tools/call is decided first: denied or asked calls get a tool error result and
    never reach the server. Results, tools/list answers and errors are recorded; tool
    definitions are pinned by hash, and a changed one raises an alert and, by default, is
    blocked until `watchkeeper mcp accept`. With a gateway, WATCHKEEPER_TOKEN is the token.
    """
    import logging

    from watchkeeper.home import resolve_home
    from watchkeeper.integrations.mcp import open_guards, serve_stdio

    mode = _on_change(on_change)
    _check_name(name)
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="watchkeeper: %(message)s")
    gateway = url or os.environ.get("WATCHKEEPER_URL") or None
    try:
        with open_guards(
            home=resolve_home(home),
            server=name,
            deployment_id=deployment,
            url=gateway,
            token=os.environ.get("WATCHKEEPER_TOKEN"),
            on_change=mode,
        ) as guards:
            code = serve_stdio(command, guards(session))
    except OSError as exc:
        _fail(f"cannot start MCP server `{command[0]}`: {exc}")
    raise typer.Exit(code)


@app.command("http")
def http(
    *,
    upstream: Annotated[str, typer.Option(help="The MCP server's endpoint URL (e.g. …/mcp).")],
    name: Annotated[
        str, typer.Option("--name", help="Server name: its tools are mcp__NAME__<tool>.")
    ],
    listen: Annotated[
        str, typer.Option(help="HOST:PORT to listen on; clients use http://HOST:PORT/<any path>.")
    ] = "127.0.0.1:8471",
    deployment: Annotated[
        str, typer.Option(help="Deployment the calls belong to (in-process mode).")
    ] = "local",
    url: Annotated[
        str | None,
        typer.Option(help="Gateway URL (default: $WATCHKEEPER_URL; unset: decide in-process)."),
    ] = None,
    on_change: Annotated[
        str,
        typer.Option(help="When a pinned tool's definition changes: block | alert."),
    ] = "block",
    home: HomeOption = None,
) -> None:
    """Serve a streamable-HTTP MCP endpoint behind the gateway (a reverse proxy to --upstream).

    Same checks as `mcp stdio`, per MCP session (Mcp-Session-Id): tools/call decided
    first, results and tools/list recorded, tool definitions pinned. SSE answers are
    relayed event by event after each is recorded.
    """
    import uvicorn

    from watchkeeper.home import resolve_home
    from watchkeeper.integrations.mcp import mcp_http_app, open_guards

    mode = _on_change(on_change)
    _check_name(name)
    host, _, port = listen.rpartition(":")
    if not host or not port.isdigit():
        _fail(f"--listen `{listen}` is not HOST:PORT")
    with open_guards(
        home=resolve_home(home),
        server=name,
        deployment_id=deployment,
        url=url or os.environ.get("WATCHKEEPER_URL") or None,
        token=os.environ.get("WATCHKEEPER_TOKEN"),
        on_change=mode,
    ) as guards:
        app = mcp_http_app(upstream, guards)
        typer.echo(f"MCP gateway for `{name}` on http://{listen}/ -> {upstream}", err=True)
        uvicorn.run(app, host=host, port=int(port), log_level="warning")


def _on_change(value: str) -> Literal["block", "alert"]:
    if value == "block":
        return "block"
    if value != "alert":
        _fail("--on-change is `block` or `alert`")
    return "alert"


def _check_name(name: str) -> None:
    if not name or "__" in name:
        _fail("--name must be non-empty and must not contain `__`")


@app.command("pins")
def pins(
    server: Annotated[str | None, typer.Argument(help="Only this server's tools.")] = None,
    home: HomeOption = None,
) -> None:
    """List pinned tool definitions; `changed` marks a definition awaiting review."""
    from rich.console import Console
    from rich.table import Table

    from watchkeeper.home import resolve_home
    from watchkeeper.integrations.mcp import PINS_FILE, PinStore

    table = Table("server", "tool", "sha256", "pinned at", "status")
    for name, tools in sorted(PinStore(resolve_home(home) / PINS_FILE).pins().items()):
        if server is not None and name != server:
            continue
        for tool, pin in sorted(tools.items()):
            status = f"changed → {pin['pending']['sha256'][:12]}" if "pending" in pin else "pinned"
            table.add_row(name, tool, pin["sha256"][:12], pin["pinned_at"], status)
    Console().print(table)


@app.command("accept")
def accept(
    server: Annotated[str, typer.Argument(help="MCP server name (its --name).")],
    tool: Annotated[str, typer.Argument(help="Tool whose changed definition you reviewed.")],
    home: HomeOption = None,
) -> None:
    """Accept a tool's changed definition after review; new proxies stop blocking it."""
    from watchkeeper.home import resolve_home
    from watchkeeper.integrations.mcp import PINS_FILE, PinStore

    try:
        digest = PinStore(resolve_home(home) / PINS_FILE).accept(server, tool)
    except LookupError as exc:
        _fail(str(exc))
    typer.echo(f"pinned {server}/{tool} to {digest}")


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)
