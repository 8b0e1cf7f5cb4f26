"""`watchkeeper install claude-code`, run as the real command on real settings files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from watchkeeper.integrations.claude_code import HOOK_EVENTS

CLI = [str(Path(sys.executable).with_name("watchkeeper"))]

EXISTING: dict[str, Any] = {
    "model": "opus",
    "permissions": {"allow": ["Bash(npm test)"]},
    "env": {"FOO": "bar"},
    "hooks": {
        "PreToolUse": [
            {"matcher": "Bash", "hooks": [{"type": "command", "command": "./lint-bash.sh"}]}
        ],
        "Stop": [{"hooks": [{"type": "command", "command": "notify-send done", "timeout": 5}]}],
    },
}


def _install(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, "install", "claude-code", "--project", str(project), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def _settings(project: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((project / ".claude" / "settings.json").read_text())
    return data


def _ours(settings: dict[str, Any], event: str) -> list[dict[str, Any]]:
    return [
        hook
        for group in settings["hooks"].get(event, [])
        for hook in group["hooks"]
        if "_launcher.py" in hook["command"] or "hook claude-code" in hook["command"]
    ]


def _write(project: Path, data: dict[str, Any]) -> None:
    (project / ".claude").mkdir(parents=True, exist_ok=True)
    (project / ".claude" / "settings.json").write_text(json.dumps(data, indent=2))


def test_install_merges_into_existing_settings(tmp_path: Path) -> None:
    """Our hook is added for every event; other keys and other hooks stay as they were."""
    _write(tmp_path, EXISTING)
    result = _install(tmp_path)
    assert result.returncode == 0, result.stderr
    settings = _settings(tmp_path)
    assert {k: settings[k] for k in ("model", "permissions", "env")} == {
        k: EXISTING[k] for k in ("model", "permissions", "env")
    }
    assert settings["hooks"]["PreToolUse"][0] == EXISTING["hooks"]["PreToolUse"][0]
    assert settings["hooks"]["Stop"][0] == EXISTING["hooks"]["Stop"][0]
    for event in HOOK_EVENTS:
        (hook,) = _ours(settings, event)
        assert hook["type"] == "command"
        assert hook["timeout"] > 5
    assert settings["hooks"]["PreToolUse"][1]["matcher"] == "*"


def test_install_twice_changes_nothing(tmp_path: Path) -> None:
    """Installing again adds no entry and does not rewrite the file."""
    _write(tmp_path, EXISTING)
    _install(tmp_path)
    before = (tmp_path / ".claude" / "settings.json").read_bytes()
    result = _install(tmp_path)
    assert result.returncode == 0
    assert "nothing changed" in result.stdout
    assert (tmp_path / ".claude" / "settings.json").read_bytes() == before


def test_install_backs_up_the_previous_file(tmp_path: Path) -> None:
    """The file as it was before the change is kept beside it."""
    _write(tmp_path, EXISTING)
    original = (tmp_path / ".claude" / "settings.json").read_text()
    _install(tmp_path)
    (backup,) = (tmp_path / ".claude").glob("settings.json.watchkeeper-backup-*")
    assert backup.read_text() == original


def test_uninstall_restores_the_original(tmp_path: Path) -> None:
    """Uninstalling removes exactly our entries and leaves the original settings."""
    _write(tmp_path, EXISTING)
    _install(tmp_path)
    result = _install(tmp_path, "--uninstall")
    assert result.returncode == 0, result.stderr
    assert _settings(tmp_path) == EXISTING


def test_install_into_a_fresh_project_creates_the_file(tmp_path: Path) -> None:
    """Without settings, the file is created with only our hooks, and uninstall empties it."""
    assert _install(tmp_path).returncode == 0
    assert set(_settings(tmp_path)["hooks"]) == set(HOOK_EVENTS)
    assert _install(tmp_path, "--uninstall").returncode == 0
    assert _settings(tmp_path) == {}


def test_url_is_written_into_the_command(tmp_path: Path) -> None:
    """--url sets WATCHKEEPER_URL in the hook command; installing with a new url updates it."""
    _install(tmp_path, "--url", "http://127.0.0.1:8470")
    _install(tmp_path, "--url", "unix:///tmp/gw.sock")
    (hook,) = _ours(_settings(tmp_path), "PreToolUse")
    assert hook["command"].startswith("WATCHKEEPER_URL=unix:///tmp/gw.sock ")


def test_invalid_settings_are_not_overwritten(tmp_path: Path) -> None:
    """A settings file that is not JSON is left untouched and the command fails clearly."""
    path = tmp_path / ".claude" / "settings.json"
    path.parent.mkdir()
    path.write_text("{ broken")
    result = _install(tmp_path)
    assert result.returncode == 2
    assert "is not valid JSON" in result.stderr
    assert path.read_text() == "{ broken"


def test_installed_command_runs_the_hook(tmp_path: Path) -> None:
    """The command written into settings is a working hook (local mode here)."""
    _install(tmp_path)
    (hook,) = _ours(_settings(tmp_path), "PreToolUse")
    payload = {
        "session_id": "s",
        "transcript_path": "",
        "cwd": str(tmp_path),
        "hook_event_name": "PreToolUse",
        "tool_name": "Bash",
        "tool_input": {"command": "cat ~/.ssh/id_rsa"},
    }
    result = subprocess.run(
        hook["command"],
        shell=True,
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        env={
            "WATCHKEEPER_HOME": str(tmp_path / "home"),
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
        },
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["hookSpecificOutput"]["permissionDecision"] == "deny"
