"""Agent and model-server signatures: what they match, and the hard negatives they must not."""

from __future__ import annotations

import pytest

from watchkeeper.supervise import ProcInfo
from watchkeeper.sweep import BUILTIN_SIGNATURES, Signature, describe, match_process
from watchkeeper.sweep._signatures import is_watchkeeper, renamed

PY = "/usr/bin/python3.11"


def proc(argv: list[str], exe: str | None = None, comm: str | None = None) -> ProcInfo:
    """A process as /proc would show it."""
    return ProcInfo(
        pid=4242,
        ppid=1,
        argv=tuple(argv),
        exe=exe,
        cwd=None,
        uid=1000,
        start_ticks=0,
        comm=comm or (argv[0].rsplit("/", 1)[-1][:15] if argv else ""),
        environ={},
    )


MATCHES = [
    (["claude", "--print", "hi"], "/home/u/.local/share/claude/versions/2.0.1", "claude"),
    (["node", "/usr/lib/node_modules/@anthropic-ai/claude-code/cli.js"], "/usr/bin/node", "claude"),
    (["node", "/usr/local/bin/claude"], "/usr/bin/node", "claude"),
    (["npx", "-y", "@anthropic-ai/claude-code"], "/usr/bin/node", "claude"),
    (["codex", "exec", "fix"], "/usr/local/bin/codex", "codex"),
    (["node", "/usr/lib/node_modules/@openai/codex/bin/codex.js"], "/usr/bin/node", "codex"),
    (["python3", "/venv/bin/aider", "--model", "x"], PY, "aider"),
    (["python3", "-m", "aider"], PY, "aider"),
    (["goose", "session"], "/usr/bin/goose", "goose"),
    (["cursor-agent"], "/opt/cursor-agent", "cursor-agent"),
    (["opencode"], "/usr/bin/opencode", "opencode"),
    (["python", "-m", "openhands.server"], PY, "openhands"),
    (["vllm", "serve", "meta/llama"], PY, "vllm"),
    (["python3", "-m", "vllm.entrypoints.openai.api_server", "--model", "m"], PY, "vllm"),
    (["uv", "run", "python", "-m", "vllm.entrypoints.api_server"], "/usr/bin/uv", "vllm"),
    (["/opt/llama/llama-server", "-m", "q.gguf"], "/opt/llama/llama-server", "llama.cpp"),
    (["./server", "-m", "models/7b.gguf", "--port", "8080"], "/src/llama/server", "llama.cpp"),
    (["text-generation-launcher", "--model-id", "x"], "/usr/bin/text-generation-launcher", None),
    (["ollama", "serve"], "/usr/local/bin/ollama", "ollama"),
    (["ollama", "run", "llama3"], "/usr/local/bin/ollama", "ollama"),
    (["python3", "-m", "sglang.launch_server", "--model-path", "m"], PY, "sglang"),
    (["lmdeploy", "serve", "api_server", "m"], PY, "lmdeploy"),
    (["python3", "koboldcpp.py", "--model", "m.gguf"], PY, "koboldcpp"),
    (["python", "-m", "mlx_lm.server", "--model", "m"], PY, "mlx-lm"),
    (["lms", "server", "start"], "/usr/bin/lms", "lm-studio"),
    # Renamed: argv[0] lies, the executable does not.
    (["nginx: worker"], "/opt/llama/llama-server", "llama.cpp"),
    # The whole command line written into argv[0] (setproctitle).
    (["vllm serve meta/llama --port 8000"], PY, "vllm"),
]


@pytest.mark.parametrize(("argv", "exe", "expected"), MATCHES)
def test_signature_matches(argv: list[str], exe: str, expected: str | None) -> None:
    """Each agent or model server is recognised, through interpreters and renames."""
    found = match_process(proc(argv, exe), BUILTIN_SIGNATURES)
    assert found is not None
    assert found.signature == (expected or "text-generation-inference")


HARD_NEGATIVES = [
    (["claude-docs", "serve"], "/usr/bin/claude-docs"),
    (["grep", "vllm", "requirements.txt"], "/usr/bin/grep"),
    (["rg", "-n", "ollama"], "/usr/bin/rg"),
    (["vim", "ollama.md"], "/usr/bin/vim.basic"),
    (["less", "vllm.log"], "/usr/bin/less"),
    (["python3", "notes_on_vllm.py"], PY),
    (["python3", "-c", "import vllm"], PY),
    (["pip", "install", "vllm"], PY),
    (["ollama", "list"], "/usr/local/bin/ollama"),
    (["./server", "--port", "80"], "/srv/app/server"),
    (["man", "claude"], "/usr/bin/man"),
    (["code", "aider.conf.yml"], "/usr/share/code/code"),
]


@pytest.mark.parametrize(("argv", "exe"), HARD_NEGATIVES)
def test_hard_negatives_do_not_match(argv: list[str], exe: str) -> None:
    """Names match exactly, and a word in the arguments is not a program."""
    assert match_process(proc(argv, exe), BUILTIN_SIGNATURES) is None


def test_kernel_thread_matches_nothing() -> None:
    """A kernel thread (no argv, no exe) is never a candidate."""
    assert match_process(proc([], None, comm="kworker/0:1"), BUILTIN_SIGNATURES) is None


def test_watchkeeper_itself_is_recognised() -> None:
    """The CLI and a supervisor running `vllm` are watchkeeper's own processes."""
    supervisor = proc(["python3", "/venv/bin/watchkeeper", "run", "--", "vllm", "serve"], PY)
    hook = proc(["python3", "-m", "watchkeeper.integrations.claude_code.hook_entry"], PY)
    assert is_watchkeeper(supervisor)
    assert is_watchkeeper(hook)


def test_claude_code_hook_launcher_is_watchkeeper() -> None:
    """The hook command Claude Code runs (a script inside the package) is watchkeeper's own."""
    from watchkeeper.integrations.claude_code import hook_command

    argv = hook_command(url="http://127.0.0.1:8470").split()[1:]
    assert is_watchkeeper(proc(argv, PY))
    assert not is_watchkeeper(proc(["python3", "/tmp/watchkeeper/_launcher.py"], PY))


def test_a_binary_renamed_watchkeeper_is_not_excused() -> None:
    """Only an interpreter running watchkeeper counts as watchkeeper."""
    assert not is_watchkeeper(proc(["watchkeeper", "serve"], "/opt/llama/llama-server"))


def test_renamed_is_a_mismatch_between_argv0_and_exe() -> None:
    """`vllm` running as python is renamed; `python3` running python3.11 is not."""
    assert renamed(proc(["vllm", "-c", "x"], PY))
    assert not renamed(proc(["python3", "x.py"], PY))
    assert not renamed(proc(["-bash"], "/usr/bin/bash"))


def test_custom_signature_with_required_args() -> None:
    """A configured signature can require an argument pattern."""
    sig = Signature(name="mine", kind="model-server", names=("run-model",), args=("*.safetensors",))
    assert match_process(proc(["run-model", "w.safetensors"], "/bin/run-model"), [sig])
    assert match_process(proc(["run-model", "--help"], "/bin/run-model"), [sig]) is None


def test_describe_sees_through_runners() -> None:
    """`uv run python -m x` runs module x; `npx pkg` runs pkg."""
    assert describe(["uv", "run", "python", "-m", "x.y"]).module == "x.y"
    assert describe(["npx", "-y", "@scope/tool"]).name == "tool"
    assert describe(["bash", "-c", "ls"]).name == "bash"
    assert describe(["bash", "evil.sh"]).name == "evil"
