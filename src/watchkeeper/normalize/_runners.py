"""Environment runners: tools whose subcommand runs another command (`uv run`, `nix shell -c`).

Project and environment managers run an arbitrary command inside the environment they set
up: ``poetry run rm -rf ~`` removes the home directory exactly as ``rm -rf ~`` does, with the
manager's name in front. A runner is peeled like a wrapper (see `_wrappers`), so the policy
and the monitors see the command that runs; the runner's ``name sub`` is recorded among the
wrappers. Two more shapes: runners that run a Python file or module (``uv run app.py``,
``uv run -m pytest``) run ``python``, and runners that take a shell string
(``nix-shell --run STR``, ``npm exec -c STR``) hand that string back to be parsed as shell.

A runner given nothing to run (``nix develop`` for an interactive shell) is not peeled: it
stays the command. Options are parsed with each tool's value-taking options, so ``conda run
-n base pytest`` runs ``pytest``, not ``base``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from watchkeeper.normalize._options import OptionSpec, parse_options

if TYPE_CHECKING:
    from watchkeeper.normalize._wrappers import Peeled

__all__ = ["RUNNER_NAMES", "peel_runner"]


@dataclass(frozen=True, slots=True)
class _Runner:
    """One ``name sub`` runner: which options take a value, how many words (a directory, a
    profile) come before the command, and which options carry a shell string instead."""

    options: OptionSpec
    positional: int = 0
    shell_options: tuple[str, ...] = ()


def _spec(short: str = "", long: str = "") -> OptionSpec:
    return OptionSpec(short=short, long=frozenset(long.split()), first_operand_stops=True)


_CONDA = _Runner(_spec("np", "name prefix cwd"))
_NPM_EXEC = _Runner(_spec("c", "package call workspace prefix"), shell_options=("-c", "--call"))

#: (name, subcommand) → how that runner reads its words. Runners that look a word up among
#: the project's own scripts first (`hatch run test`, `pdm run`, `pixi run`, `pipenv run`,
#: `rye run`) are not peeled: the word names a script whose body the call does not show, so
#: the runner stays the command (and the policy's default decides it).
_RUNNERS: dict[tuple[str, str], _Runner] = {
    ("poetry", "run"): _Runner(_spec("CP", "directory project")),
    ("conda", "run"): _CONDA,
    ("mamba", "run"): _CONDA,
    ("micromamba", "run"): _CONDA,
    ("bundle", "exec"): _Runner(_spec()),
    ("asdf", "exec"): _Runner(_spec()),
    ("direnv", "exec"): _Runner(_spec(), positional=1),
    ("op", "run"): _Runner(_spec("", "env-file account")),
    ("aws-vault", "exec"): _Runner(_spec("dt", "duration region mfa-token prompt"), positional=1),
    ("doppler", "run"): _Runner(
        _spec("pc", "project config token scope command"), shell_options=("--command",)
    ),
    ("npm", "exec"): _NPM_EXEC,
    ("pnpm", "exec"): _NPM_EXEC,
    ("yarn", "exec"): _NPM_EXEC,
    ("nix", "shell"): _Runner(_spec()),
    ("nix", "develop"): _Runner(_spec()),
    ("nix", "run"): _Runner(_spec()),
    ("perf", "record"): _Runner(_spec("eopcCFmG", "event output pid cpu freq mmap-pages cgroup")),
    ("perf", "stat"): _Runner(_spec("eopcCGrx", "event output pid cpu cgroup repeat")),
    ("perf", "trace"): _Runner(_spec("eopC", "event output pid cpu")),
}

#: Runners that run the command given after ``--`` only (``mise exec node@20 -- node x.js``).
_DASHED: frozenset[tuple[str, str]] = frozenset(
    {("mise", "exec"), ("mise", "x"), ("rtx", "exec"), ("rtx", "x")}
)
#: nix-shell's value-taking options (`-p` takes the first package; the rest are operands).
_NIX_SHELL = OptionSpec(
    short="pIE",
    long=frozenset({"run", "command", "packages", "include", "arg", "argstr", "expr"}),
)
#: `nix run`'s value-taking options, before its installable.
_NIX_RUN = OptionSpec(
    short="I",
    long=frozenset({"include", "override-input", "inputs-from", "expr", "file"}),
    first_operand_stops=True,
)

#: Every command name that may start a runner.
RUNNER_NAMES = frozenset(
    {name for name, _ in _RUNNERS} | {n for n, _ in _DASHED} | {"nix-shell", "script", "sg"}
)


def peel_runner(argv: Sequence[str], i: int, out: Peeled) -> int | None:
    """Peel the runner at argv[i]; return where its command starts, or None (not a runner,
    or nothing to run). May set `out.replaced` (`nix run`) or `out.shell_text`."""
    name = argv[i].rsplit("/", 1)[-1]
    if name == "nix-shell":
        return _nix_shell(argv, i, out)
    if name in ("script", "sg"):
        return _shell_string(argv, i, name, out)
    sub = argv[i + 1] if i + 1 < len(argv) else ""
    if (name, sub) in _DASHED:
        return _dashed(argv, i, f"{name} {sub}", out)
    runner = _RUNNERS.get((name, sub))
    if runner is None:
        return None
    label = f"{name} {sub}"
    if name == "nix":
        return _nix(argv, i, label, out)
    parsed = parse_options(argv, i + 2, runner.options)
    for option in runner.shell_options:
        if parsed.values(option):
            return _runs_string(argv, label, parsed.values(option)[-1], f"{label} {option}", out)
    start = parsed.end + runner.positional
    if runner.positional and start < len(argv) and argv[start] == "--":
        start += 1  # `aws-vault exec PROFILE -- CMD`
    if start >= len(argv) or not parsed.operands:
        return None
    out.wrappers.append(label)
    return start


def _dashed(argv: Sequence[str], i: int, label: str, out: Peeled) -> int | None:
    """``mise exec [TOOL@VERSION …] -- CMD`` or ``mise exec -c STR``."""
    parsed = parse_options(argv, i + 2, _spec("cC", "command cd"))
    if parsed.values("-c", "--command"):
        text = parsed.values("-c", "--command")[-1]
        return _runs_string(argv, label, text, f"{label} -c", out)
    try:
        dashes = list(argv).index("--", i + 2)
    except ValueError:
        return None
    if dashes + 1 >= len(argv):
        return None
    out.wrappers.append(label)
    return dashes + 1


def _nix(argv: Sequence[str], i: int, label: str, out: Peeled) -> int | None:
    """``nix shell|develop [INSTALLABLE …] (-c|--command) CMD ARGS``: CMD runs (without ``-c``
    the tool opens an interactive shell and runs nothing here). ``nix run INSTALLABLE [--
    ARGS]`` runs the package's program, named here after the installable's attribute
    (``nixpkgs#rclone`` → ``rclone``)."""
    if label == "nix run":
        parsed = parse_options(argv, i + 2, _NIX_RUN)
        if not parsed.operands:
            return None
        _, installable = parsed.operands[0]
        program = installable.rsplit("#", 1)[-1].rsplit(".", 1)[-1] or installable
        rest = [word for _, word in parsed.operands[1:]]
        out.wrappers.append(label)
        out.replaced = [program, *(rest[1:] if rest[:1] == ["--"] else rest)]
        return len(argv)
    for index in range(i + 2, len(argv) - 1):
        if argv[index] in ("-c", "--command"):
            out.wrappers.append(label)
            return index + 1
    return None


def _nix_shell(argv: Sequence[str], i: int, out: Peeled) -> int | None:
    """``nix-shell [-p PKG …] --run STR`` (or ``--command STR``) runs STR in a shell."""
    parsed = parse_options(argv, i + 1, _NIX_SHELL)
    text = parsed.values("--run", "--command")
    if not text:
        return None
    return _runs_string(argv, "nix-shell", text[-1], "nix-shell --run", out)


#: `script`'s value-taking options.
_SCRIPT = OptionSpec(
    short="cEIOBTtm",
    long=frozenset(
        {"command", "echo", "log-in", "log-out", "log-io", "log-timing", "logging-format"}
    ),
)


def _shell_string(argv: Sequence[str], i: int, name: str, out: Peeled) -> int | None:
    """``script [-q] -c STR [FILE]`` and ``sg GROUP [-c] STR`` run STR through a shell."""
    if name == "script":
        found = parse_options(argv, i + 1, _SCRIPT).values("-c", "--command")
        text = found[-1] if found else ""
    else:
        text = " ".join(word for word in argv[i + 2 :] if word != "-c")
    return _runs_string(argv, name, text, name, out) if text else None


def _runs_string(argv: Sequence[str], wrapper: str, text: str, label: str, out: Peeled) -> int:
    """Record that `wrapper` runs shell string `text` (parsed by the caller under `label`);
    the rest of argv is consumed."""
    out.wrappers.append(wrapper)
    out.shell_text = text
    out.shell_label = label
    return len(argv)
