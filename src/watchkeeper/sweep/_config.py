"""`<home>/sweep.yaml`: signatures, exemptions, the serve interval and coverage settings."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from watchkeeper.sweep._signatures import BUILTIN_SIGNATURES, Signature

__all__ = ["SWEEP_FILE", "CoverageConfig", "SweepConfig", "SweepConfigError", "load_sweep_config"]

#: The sweep configuration file inside a watchkeeper home.
SWEEP_FILE = "sweep.yaml"


class SweepConfigError(ValueError):
    """`sweep.yaml` is not valid; the message names the file and the first problem."""


def _tool_programs() -> dict[str, tuple[str, ...]]:
    return {"Grep": ("rg",), "Glob": ("rg",)}


class CoverageConfig(BaseModel):
    """How executions in a supervised tree are matched to gateway-decided tool calls.

    `allow` names programs that never need a call of their own (shells, the agent's own
    binaries, watchkeeper's hook); `allow_argv` are globs over the space-joined command line
    with the same effect. `shell_tools` are the tools whose `command` argument is a shell line;
    `tool_programs` maps other tools to the programs they run (Claude Code's Grep runs `rg`).
    A call covers executions from `skew` seconds before it until its result arrives (plus
    `skew`), or `window` seconds when no result was recorded; a child of a covered
    execution is covered while that window lasts.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    allow: tuple[str, ...] = ("bash", "sh", "dash", "zsh", "claude", "node", "watchkeeper")
    allow_argv: tuple[str, ...] = ("*@anthropic-ai/claude-code*",)
    shell_tools: tuple[str, ...] = ("Bash",)
    tool_programs: dict[str, tuple[str, ...]] = Field(default_factory=_tool_programs)
    hooked_agents: tuple[str, ...] = ("claude",)
    skew: float = Field(default=2.0, ge=0.0)
    window: float = Field(default=600.0, gt=0.0)


class SweepConfig(BaseModel):
    """The whole of `sweep.yaml` (every key optional; see docs/deployments.md)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int = 1
    builtin_signatures: bool = True
    signatures: tuple[Signature, ...] = ()
    ignore: tuple[str, ...] = ()
    interval: float = Field(default=30.0, ge=0.0)
    heartbeat_factor: float = Field(default=3.0, gt=0.0)
    coverage_lookback: float = Field(default=3600.0, ge=0.0)
    coverage: CoverageConfig = Field(default_factory=CoverageConfig)

    def all_signatures(self) -> tuple[Signature, ...]:
        """The configured signatures first, then the built-in ones unless turned off."""
        return self.signatures + (BUILTIN_SIGNATURES if self.builtin_signatures else ())


def load_sweep_config(home: Path) -> SweepConfig:
    """Return `<home>/sweep.yaml`, or the defaults when it does not exist."""
    path = home / SWEEP_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return SweepConfig()
    except OSError as exc:
        raise SweepConfigError(f"cannot read `{path}` ({exc.strerror}); check its mode") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SweepConfigError(f"`{path}` is not valid YAML ({exc}); fix the syntax") from exc
    if data is None:
        return SweepConfig()
    if not isinstance(data, dict):
        raise SweepConfigError(f"`{path}` should be a mapping of settings; see the docs")
    try:
        return SweepConfig.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top)"
        raise SweepConfigError(
            f"`{where}` in `{path}` is not valid: {first['msg'].lower()}; fix or remove it"
        ) from exc
