"""`watchkeeper install mcp`: wrap stdio servers of a client config, and restore them."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.integrations.mcp.conftest import POLICY, SERVER, with_client
from watchkeeper.integrations._config_file import ConfigFileError
from watchkeeper.integrations.mcp._install import install_mcp, uninstall_mcp

CONFIG = {
    "mcpServers": {
        "demo": {"command": sys.executable, "args": [str(SERVER)], "env": {"K": "v"}},
        "remote": {"type": "http", "url": "https://mcp.example.com/mcp"},
    },
    "other": {"kept": True},
}


def _write(tmp_path: Path) -> Path:
    path = tmp_path / ".mcp.json"
    path.write_text(json.dumps(CONFIG))
    return path


def test_stdio_servers_are_wrapped_and_others_kept(tmp_path: Path) -> None:
    """The stdio server runs through `watchkeeper mcp stdio`; the HTTP one and other keys stay."""
    path = _write(tmp_path)
    change = install_mcp(path, watchkeeper="/opt/wk/bin/watchkeeper")
    data = json.loads(path.read_text())
    demo = data["mcpServers"]["demo"]
    assert demo["command"] == "/opt/wk/bin/watchkeeper"
    assert demo["args"] == ["mcp", "stdio", "--name", "demo", "--", sys.executable, str(SERVER)]
    assert demo["env"] == {"K": "v"}
    assert data["mcpServers"]["remote"] == CONFIG["mcpServers"]["remote"]
    assert data["other"] == {"kept": True}
    assert change.wrapped == ("demo",)
    assert [name for name, _ in change.skipped] == ["remote"]
    assert change.backup is not None
    assert json.loads(change.backup.read_text()) == CONFIG


def test_installing_twice_changes_nothing(tmp_path: Path) -> None:
    """A second install finds the server already wrapped and writes nothing."""
    path = _write(tmp_path)
    install_mcp(path)
    before = path.read_text()
    change = install_mcp(path)
    assert change.wrapped == ()
    assert change.backup is None
    assert path.read_text() == before


def test_uninstall_restores_the_original_command_line(tmp_path: Path) -> None:
    """Uninstall gives back exactly the servers the file had."""
    path = _write(tmp_path)
    install_mcp(path)
    change = uninstall_mcp(path)
    assert change.unwrapped == ("demo",)
    assert json.loads(path.read_text()) == CONFIG


def test_a_broken_config_is_refused_and_left_alone(tmp_path: Path) -> None:
    """Invalid JSON is a one-line ConfigFileError and the file is not touched."""
    path = tmp_path / ".mcp.json"
    path.write_text('{"mcpServers": ')
    with pytest.raises(ConfigFileError, match="not valid JSON"):
        install_mcp(path)
    assert path.read_text() == '{"mcpServers": '


def test_a_wrapped_server_works_for_a_real_client(tmp_path: Path) -> None:
    """The rewritten entry is a working MCP server command, decided by the home's policy."""
    path = _write(tmp_path)
    home = tmp_path / "home"
    home.mkdir()
    (home / "policy.yaml").write_text(POLICY)
    install_mcp(path, extra_args=("--home", str(home)))
    entry = json.loads(path.read_text())["mcpServers"]["demo"]

    async def body(session: object) -> str:
        result = await session.call_tool("echo", {"text": "wrapped"})  # type: ignore[attr-defined]
        return str(result.content[0].text)

    assert with_client([entry["command"], *entry["args"]], {}, body) == "wrapped"
