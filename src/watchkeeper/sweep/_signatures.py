"""Signatures of agents and model servers, and matching them against a process.

A signature matches on program names (exact basenames: `claude` never covers `claude-docs`),
``python -m`` modules (a module and its submodules), or globs over script and package paths;
`subcommands` and `args` narrow it further (``ollama serve``, ``server -m *.gguf``). Names
are looked for in the executable, `argv[0]` and `comm` and through interpreters and runners,
so ``python -m vllm…``, ``node …/claude`` and a binary renamed by ``exec -a`` all match.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from watchkeeper.supervise import ProcInfo
from watchkeeper.sweep._program import Program, describe, program_name

__all__ = [
    "BUILTIN_SIGNATURES",
    "Signature",
    "SignatureMatch",
    "is_watchkeeper",
    "match_process",
    "renamed",
    "runs_watchkeeper",
]

#: The installed `watchkeeper` package: scripts inside it are watchkeeper's own.
_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))


class Signature(BaseModel):
    """How to recognise one agent or model server (see the module docstring)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    kind: Literal["agent", "model-server"]
    names: tuple[str, ...] = ()
    modules: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()
    subcommands: tuple[str, ...] = ()
    args: tuple[str, ...] = ()

    def matches(self, program: Program) -> str | None:
        """Return how `program` matches (one short phrase), or None."""
        via = self._identity(program)
        if via is None:
            return None
        if self.subcommands:
            sub = next((a for a in program.args if not a.startswith("-")), None)
            if sub not in self.subcommands:
                return None
        if self.args and not any(
            fnmatchcase(arg, pattern) for arg in program.args for pattern in self.args
        ):
            return None
        return via

    def _identity(self, program: Program) -> str | None:
        for name in sorted(program.names):
            if name in self.names:
                return f"program `{name}`"
        if program.module is not None:
            for module in self.modules:
                if program.module == module or program.module.startswith(module + "."):
                    return f"python module `{program.module}`"
        for path in program.paths:
            for pattern in self.paths:
                if fnmatchcase(path, pattern):
                    return f"path `{path}`"
        return None


def _sig(name: str, kind: Literal["agent", "model-server"], **fields: tuple[str, ...]) -> Signature:
    return Signature(name=name, kind=kind, **fields)


#: The signatures a sweep uses unless `sweep.yaml` says ``builtin_signatures: false``.
BUILTIN_SIGNATURES: tuple[Signature, ...] = (
    _sig(
        "claude",
        "agent",
        names=("claude",),
        paths=("*@anthropic-ai/claude-code*", "*/claude-code/cli.js"),
    ),
    _sig("codex", "agent", names=("codex",), paths=("*@openai/codex*",)),
    _sig("aider", "agent", names=("aider",), modules=("aider",)),
    _sig("goose", "agent", names=("goose", "goosed")),
    _sig("cursor-agent", "agent", names=("cursor-agent",)),
    _sig("opencode", "agent", names=("opencode",), paths=("*opencode-ai*",)),
    _sig("openhands", "agent", names=("openhands",), modules=("openhands",)),
    _sig("gemini-cli", "agent", names=("gemini",), paths=("*@google/gemini-cli*",)),
    _sig("vllm", "model-server", names=("vllm",), modules=("vllm",)),
    _sig(
        "llama.cpp",
        "model-server",
        names=("llama-server", "llama-cpp-server"),
        modules=("llama_cpp.server",),
    ),
    _sig("llama.cpp", "model-server", names=("server", "llama-cli", "main"), args=("*.gguf",)),
    _sig(
        "text-generation-inference",
        "model-server",
        names=("text-generation-launcher", "text-generation-server"),
        modules=("text_generation_server",),
    ),
    _sig("ollama", "model-server", names=("ollama",), subcommands=("serve", "run", "runner")),
    _sig("ollama", "model-server", names=("ollama_llama_server",)),
    _sig("sglang", "model-server", names=("sglang",), modules=("sglang",)),
    _sig("lmdeploy", "model-server", names=("lmdeploy",), modules=("lmdeploy",)),
    _sig("koboldcpp", "model-server", names=("koboldcpp",)),
    _sig("lm-studio", "model-server", names=("lm-studio", "lmstudio", "LM Studio")),
    _sig("lm-studio", "model-server", names=("lms",), subcommands=("server",)),
    _sig("mlx-lm", "model-server", names=("mlx_lm.server",), modules=("mlx_lm.server",)),
    _sig("localai", "model-server", names=("local-ai", "localai")),
)


@dataclass(frozen=True, slots=True)
class SignatureMatch:
    """Which signature a process matched, how, and whether it looks renamed."""

    signature: str
    kind: str
    via: str
    renamed: bool


def _programs(process: ProcInfo) -> list[Program]:
    found = [describe(process.argv)] if process.argv else []
    for word in (process.exe, process.comm):
        if word:
            found.append(describe([program_name(word.removesuffix(" (deleted)"))]))
    return found


def match_process(process: ProcInfo, signatures: Sequence[Signature]) -> SignatureMatch | None:
    """Return the first signature `process` matches, or None."""
    programs = _programs(process)
    for signature in signatures:
        for program in programs:
            via = signature.matches(program)
            if via is not None:
                return SignatureMatch(signature.name, signature.kind, via, renamed(process))
    return None


def is_watchkeeper(process: ProcInfo) -> bool:
    """True for watchkeeper's own processes (the CLI, the gateway, a supervisor, a hook).

    Only an interpreter running watchkeeper counts, so a binary renamed to `watchkeeper` is
    not excused.
    """
    if not process.argv or process.exe is None:
        return False
    interpreter = program_name(process.exe.removesuffix(" (deleted)"))
    if not interpreter.startswith(("python", "pypy")):
        return False
    return runs_watchkeeper(describe(process.argv))


def runs_watchkeeper(program: Program) -> bool:
    """True when `program` is watchkeeper: its module, its `watchkeeper` script, or a script
    inside the installed package (the Claude Code hook launcher)."""
    if program.module is not None:
        return program.module == "watchkeeper" or program.module.startswith("watchkeeper.")
    if program.name == "watchkeeper":
        return True
    return any(
        os.path.realpath(path).startswith(_PACKAGE_DIR + os.sep)
        for path in program.paths
        if path.endswith(".py")
    )


def renamed(process: ProcInfo) -> bool:
    """True when `argv[0]` names a different program than the executable (a weak signal)."""
    if not process.argv or process.exe is None:
        return False
    exe = process.exe.removesuffix(" (deleted)")
    first = process.argv[0].split()[0] if process.argv[0].strip() else ""
    shown, real = program_name(first), program_name(exe)
    if not shown or shown.startswith(real) or real.startswith(shown):
        return False
    located = shutil.which(first) if os.sep not in first else first
    return located is None or os.path.realpath(located) != os.path.realpath(exe)
