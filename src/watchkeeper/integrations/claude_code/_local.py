"""Local mode: the hook decides in its own process, against the home's policy and ledger.

Used when ``WATCHKEEPER_URL`` is not set. Each hook call opens the home's ledger
(`$WATCHKEEPER_DB`, else `<home>/ledger.db`), so
local mode suits one agent on one machine; a shared gateway suits everything else. The
pipeline is the gateway's, so verdicts and ledger records are the same, except that
monitors run only when `<home>/monitors.yaml` exists (importing them all costs about
100 ms per call; the gateway runs every registered monitor by default).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from watchkeeper.gateway._build import build_pipeline
from watchkeeper.home import resolve_home
from watchkeeper.integrations.claude_code._adapter import ClaudeCodeAdapter

__all__ = ["DEPLOYMENT_ENV", "run_local"]

#: Deployment id recorded for local-mode events (default ``local``).
DEPLOYMENT_ENV = "WATCHKEEPER_DEPLOYMENT"

_MODES_FILE = "cc-permission-modes.json"
_MODES_KEPT = 1000


def _load_modes(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): str(v) for k, v in data.items()}


def _save_modes(path: Path, modes: dict[str, str]) -> None:
    kept = dict(list(modes.items())[-_MODES_KEPT:])
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(kept), encoding="utf-8")
    tmp.replace(path)


def run_local(data: bytes) -> dict[str, Any]:
    """Handle one serialised hook request in-process and return the reply as the gateway would."""
    body = json.loads(data)
    home = resolve_home()
    modes_path = home / "state" / _MODES_FILE
    modes = _load_modes(modes_path)
    with build_pipeline(home, default_monitors=False) as pipeline:
        adapter = ClaudeCodeAdapter(pipeline, permission_modes=modes)
        reply = adapter.handle(
            body["payload"],
            body["transcript_lines"],
            deployment_id=os.environ.get(DEPLOYMENT_ENV) or "local",
        )
    if adapter.permission_modes != modes:
        _save_modes(modes_path, adapter.permission_modes)
    return {"stdout": reply.stdout, "exit_code": reply.exit_code}
