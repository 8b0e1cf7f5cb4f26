"""The settings merge behind `watchkeeper install claude-code`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from watchkeeper.integrations.claude_code import (
    HOOK_EVENTS,
    SettingsError,
    hook_command,
    install_hooks,
    uninstall_hooks,
)
from watchkeeper.integrations.claude_code._settings import is_watchkeeper_command


@pytest.mark.parametrize("fast", [True, False])
@pytest.mark.parametrize("url", [None, "http://127.0.0.1:8470"])
def test_our_commands_are_recognised(fast: bool, url: str | None) -> None:
    """Every command form the installer writes is recognised as watchkeeper's."""
    assert is_watchkeeper_command(hook_command(url=url, fast=fast))


@pytest.mark.parametrize(
    "command", ["./lint.sh", "echo watchkeeper", "python hook.py claude-code", "", None, 3]
)
def test_other_commands_are_not_ours(command: object) -> None:
    """Other tools' hook commands are never taken for ours."""
    assert not is_watchkeeper_command(command)


def test_switching_command_form_updates_in_place(tmp_path: Path) -> None:
    """Installing with another command form replaces our entry rather than adding one."""
    path = tmp_path / "settings.json"
    install_hooks(path, hook_command(fast=True))
    change = install_hooks(path, hook_command(fast=False))
    assert change.changed
    hooks = json.loads(path.read_text())["hooks"]
    for event in HOOK_EVENTS:
        (group,) = hooks[event]
        (entry,) = group["hooks"]
        assert entry["command"].endswith("watchkeeper hook claude-code")


@pytest.mark.parametrize("text", ['{"hooks": []}', '{"hooks": {"Stop": {}}}', "[]"])
def test_unexpected_structure_is_refused(tmp_path: Path, text: str) -> None:
    """Settings whose shape is not Claude Code's are refused and left unchanged."""
    path = tmp_path / "settings.json"
    path.write_text(text)
    with pytest.raises(SettingsError):
        install_hooks(path, hook_command())
    assert path.read_text() == text


def test_uninstall_without_a_file_does_nothing(tmp_path: Path) -> None:
    """Uninstalling where there are no settings creates nothing."""
    change = uninstall_hooks(tmp_path / "settings.json")
    assert not change.changed
    assert not (tmp_path / "settings.json").exists()


def test_file_mode_is_kept(tmp_path: Path) -> None:
    """A settings file's permissions survive the rewrite."""
    path = tmp_path / "settings.json"
    path.write_text("{}")
    path.chmod(0o600)
    install_hooks(path, hook_command())
    assert path.stat().st_mode & 0o777 == 0o600
