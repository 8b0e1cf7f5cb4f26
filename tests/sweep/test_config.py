"""`<home>/sweep.yaml`."""

from __future__ import annotations

from pathlib import Path

import pytest

from watchkeeper.sweep import BUILTIN_SIGNATURES, SweepConfigError, load_sweep_config


def test_absent_file_gives_defaults(tmp_path: Path) -> None:
    """Without sweep.yaml the built-in signatures and a 30 s interval apply."""
    config = load_sweep_config(tmp_path)
    assert config.interval == 30.0
    assert config.all_signatures() == BUILTIN_SIGNATURES


def test_custom_signatures_come_first_and_builtins_can_be_turned_off(tmp_path: Path) -> None:
    """Configured signatures are used; `builtin_signatures: false` drops the built-in ones."""
    (tmp_path / "sweep.yaml").write_text(
        "builtin_signatures: false\n"
        "signatures:\n"
        "  - {name: mine, kind: agent, names: [my-agent]}\n"
        "interval: 5\n"
        "coverage: {allow: [bash, my-agent]}\n"
    )
    config = load_sweep_config(tmp_path)
    assert [s.name for s in config.all_signatures()] == ["mine"]
    assert config.interval == 5
    assert config.coverage.allow == ("bash", "my-agent")


def test_unknown_key_is_a_clear_error(tmp_path: Path) -> None:
    """A misspelt setting is refused with its name, not ignored."""
    (tmp_path / "sweep.yaml").write_text("intervall: 5\n")
    with pytest.raises(SweepConfigError, match="`intervall`"):
        load_sweep_config(tmp_path)


def test_invalid_yaml_is_a_clear_error(tmp_path: Path) -> None:
    """Broken YAML names the file."""
    (tmp_path / "sweep.yaml").write_text("signatures: [\n")
    with pytest.raises(SweepConfigError, match="not valid YAML"):
        load_sweep_config(tmp_path)


def test_bad_signature_kind_is_refused(tmp_path: Path) -> None:
    """A signature's kind is agent or model-server."""
    (tmp_path / "sweep.yaml").write_text("signatures: [{name: x, kind: robot}]\n")
    with pytest.raises(SweepConfigError, match=r"signatures\.0\.kind"):
        load_sweep_config(tmp_path)
