"""`watchkeeper demo`: a gateway, a replayed Claude Code session, the verified ledger."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.table import Table

from watchkeeper.clock import utcnow
from watchkeeper.demo._gateway_process import GatewayProcess, GatewayStartError
from watchkeeper.demo._replay import (
    DemoStep,
    hook_env,
    load_session,
    replay,
    rules_by_tool_use,
)
from watchkeeper.deployments import DeploymentError, Registry, open_registry
from watchkeeper.ledger import ledger_source

__all__ = ["DEFAULT_DEMO_PORT", "run_demo"]

DEFAULT_DEMO_PORT = 8470
_DEMO = "demo"
_DEMO_ACTOR = "watchkeeper demo"
_STYLE = {"allow": "green", "deny": "bold red", "ask": "yellow"}


def _table(steps: Sequence[DemoStep], rules: dict[str, tuple[str, ...]]) -> Table:
    table = Table(title="Claude Code session replayed through `watchkeeper hook claude-code`")
    table.add_column("#", justify="right")
    table.add_column("event", max_width=16)
    table.add_column("tool")
    table.add_column("call", ratio=1)
    table.add_column("decision")
    table.add_column("rule", no_wrap=True, min_width=12)
    table.add_column("ms", justify="right")
    for step in steps:
        decision = step.decision or ("recorded" if step.exit_code == 0 else "FAILED")
        style = _STYLE.get(decision, "dim")
        rule = ", ".join(rules.get(step.tool_use_id or "", ())) if step.decision else ""
        summary = step.summary if len(step.summary) <= 64 else step.summary[:61] + "…"
        table.add_row(
            str(step.index),
            step.event,
            step.tool,
            summary,
            f"[{style}]{decision}[/]",
            rule or ("(policy default)" if step.decision else ""),
            f"{step.millis:.0f}",
        )
    return table


def _verify(home: Path) -> tuple[bool, str]:
    from watchkeeper.ledger import LedgerError, load_public_key

    try:
        source = ledger_source(home)
        report = source.verify(load_public_key(source.keys / "ledger.pub"))
    except (LedgerError, OSError) as exc:
        return False, f"could not verify: {exc}"
    if report.ok:
        return True, (
            f"ok: {report.records_checked} records, {report.checkpoints_checked} signed "
            f"checkpoints, head #{report.head_seq} {report.head_hash[:16]}…"
        )
    return False, f"FAILED at record {report.first_bad_seq}: {report.reason}"


def _demo_token(registry: Registry, token_file: Path) -> str:
    """Reuse the token in `token_file` while it is valid for `demo`; else issue one.

    The first run registers the `demo` deployment (a gateway accepts only tokens of
    registered deployments); raises `DeploymentError` when `demo` is suspended or revoked.
    """
    try:
        token = token_file.read_text(encoding="utf-8").strip()
    except OSError:
        token = ""
    found = registry.resolve_token(token) if token else None
    if found is not None and found.name == _DEMO:
        return token
    if registry.get(_DEMO) is None:
        _, token = registry.register(
            _DEMO,
            owner="watchkeeper demo",
            purpose="replays the bundled Claude Code session (`watchkeeper demo`)",
            actor=_DEMO_ACTOR,
        )
    else:
        token = registry.issue_token(_DEMO, actor=_DEMO_ACTOR)
    token_file.write_text(token + "\n", encoding="utf-8")
    os.chmod(token_file, 0o600)
    return token


def _start(home: Path, port: int, console: Console) -> GatewayProcess:
    gateway = GatewayProcess(home, port=port)
    try:
        gateway.start()
    except GatewayStartError:
        if port == 0:
            raise
        console.print(f"[yellow]port {port} is busy; using a free port instead[/]")
        gateway = GatewayProcess(home, port=0)
        gateway.start()
    return gateway


def run_demo(home: Path, *, port: int = DEFAULT_DEMO_PORT, exit_after: bool = False) -> int:
    """Run the demo against `home`; return 0 when every step ran and the ledger verifies."""
    # A terminal sets its own width; piped output (CI logs, `tee`) gets room for rule ids.
    console = Console(width=None if sys.stdout.isatty() else 120)
    token_file = home / "demo.token"
    try:
        token = _demo_token(open_registry(home), token_file)
    except DeploymentError as exc:
        console.print(f"[bold red]error:[/] {exc}")
        return 1
    session_id = f"demo-{utcnow().strftime('%Y%m%dT%H%M%SZ')}"
    console.print(f"[bold]watchkeeper demo[/] — home {home}")
    gateway = _start(home, port, console)
    try:
        console.print(f"gateway serving at {gateway.url} (pid {gateway.pid}); replaying…")
        # The demo agent's project (its cwd, holding its transcript) lies outside the
        # watchkeeper home: the policy denies an agent's writes inside that home, so a
        # project there would have its ordinary edits denied.
        with tempfile.TemporaryDirectory(prefix="watchkeeper-demo-") as project:
            steps = replay(
                load_session(),
                env=hook_env(gateway.url, token, home),
                project=Path(project),
                session_id=session_id,
            )
        rules = rules_by_tool_use(gateway.url, token, session_id)
        console.print(_table(steps, rules))
        verified, verdict = _verify(home)
        console.print(f"ledger verify: [{'green' if verified else 'bold red'}]{verdict}[/]")
        console.print(
            "\n".join(
                [
                    f"  API:          {gateway.url}/v1   (OpenAPI docs: {gateway.url}/docs, "
                    f"{gateway.url}/openapi.json)",
                    f"  session:      {gateway.url}/v1/sessions/{session_id}/events",
                    f"  ledger:       {ledger_source(home).name}",
                    f"  signing key:  {home / 'keys' / 'ledger.key'} (public: ledger.pub)",
                    f"  demo token:   {token_file} (deployment `demo`; admin: admin.token)",
                    f"  policy:       {home / 'policy.yaml'}",
                    f"  gateway log:  {gateway.log_path}",
                    f'  try: curl -H "Authorization: Bearer $(cat {token_file})" '
                    f"{gateway.url}/v1/sessions",
                ]
            )
        )
        ok = verified and all(s.exit_code == 0 for s in steps)
        if exit_after:
            return 0 if ok else 1
        console.print("[bold]serving until Ctrl-C[/]")
        try:
            gateway.wait()
        except KeyboardInterrupt:
            console.print("stopping the gateway…")
        return 0 if ok else 1
    finally:
        gateway.stop()
