"""Peel wrapper commands (`sudo`, `env`, `nohup`, `timeout` …) to find the command they run.

A wrapper is a command whose operands are another command. Peeling records the wrapper's
name, whether it detaches the command from the session, the files the wrapper itself touches
(``time -o FILE``, ``xargs -a FILE``) and, for wrappers that take a shell string (``watch``,
``tmux new``, ``su -c``), that string so the caller parses it as shell.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from watchkeeper.normalize._options import OptionSpec, parse_options
from watchkeeper.normalize._runners import RUNNER_NAMES, peel_runner

if TYPE_CHECKING:
    from watchkeeper.normalize._words import Word

__all__ = ["XARGS_OPTIONS", "Peeled", "built_name", "peel"]


def _spec(short: str = "", long: str = "") -> OptionSpec:
    return OptionSpec(short=short, long=frozenset(long.split()), first_operand_stops=True)


#: xargs's options that take a value.
XARGS_OPTIONS = OptionSpec(
    short="adEILnPs",
    long=frozenset(
        {"arg-file", "delimiter", "eof", "replace", "max-lines", "max-args", "max-procs"}
        | {"max-chars", "process-slot-var"}
    ),
    first_operand_stops=True,
)

# name → (options with a value, positional words before the command, detach reason)
_SIMPLE: dict[str, tuple[OptionSpec, int, str | None]] = {
    "nohup": (_spec(), 0, "nohup"),
    "setsid": (_spec(), 0, "setsid"),
    "timeout": (_spec("ks", "kill-after signal"), 1, None),
    "nice": (_spec("n", "adjustment"), 0, None),
    "ionice": (_spec("cnp", "class classdata pid"), 0, None),
    "stdbuf": (_spec("ioe", "input output error"), 0, None),
    "builtin": (_spec(), 0, None),
    "busybox": (_spec(), 0, None),
    "doas": (_spec("uC"), 0, None),
    "chroot": (_spec("", "userspec groups"), 1, None),
    "strace": (_spec("oepsuEabPIXSO", "output trace signal user"), 0, None),
    "ltrace": (_spec("oepsuEaAnDFlLSx", "output"), 0, None),
    "unbuffer": (_spec(), 0, None),
    "caffeinate": (_spec("wt"), 0, None),
    "torsocks": (_spec("uaPpP"), 0, None),
    "proxychains": (_spec("f"), 0, None),
    "proxychains4": (_spec("f"), 0, None),
    "catchsegv": (_spec(), 0, None),
    "chrt": (_spec("T P D", "sched-runtime sched-period sched-deadline"), 1, None),
    "taskset": (_spec(), 1, None),
    "unshare": (_spec("", "mount uts ipc net pid user cgroup time setuid setgid"), 0, None),
    "nsenter": (_spec("tSGmuinpUCTrw", "target"), 0, None),
    "firejail": (_spec(), 0, None),
    "daemonize": (_spec("acepEloTu"), 0, "daemonize"),
    "systemd-run": (
        _spec("upEHMC", "unit property setenv uid gid description slice host machine"),
        0,
        "systemd-run",
    ),
    "runuser": (_spec("ugGsw", "user group supp-group shell whitelist-environment"), 0, None),
    "exec": (_spec("a"), 0, None),
    "command": (_spec(), 0, None),
    "time": (_spec("fo", "format output"), 0, None),
    "xargs": (XARGS_OPTIONS, 0, None),
    "sudo": (
        _spec(
            "ugUhpCDrtTR",
            "user group other-user host prompt close-from chdir role type command-timeout chroot",
        ),
        0,
        None,
    ),
    "env": (_spec("uCS", "unset chdir split-string"), 0, None),
    "watch": (_spec("nq", "interval equexit"), 0, None),
    "flock": (_spec("wEc", "timeout conflict-exit-code command"), 1, None),
    "screen": (_spec("SceptThLX", "logfile"), 0, None),
    # Process supervisors, privilege changers and harnesses that exec their operands.
    "tini": (_spec("pe"), 0, None),
    "dumb-init": (_spec("r", "rewrite"), 0, None),
    "gosu": (_spec(), 1, None),
    "su-exec": (_spec(), 1, None),
    "setpriv": (
        _spec("", "reuid regid groups inh-caps ambient-caps bounding-set securebits pdeathsig"),
        0,
        None,
    ),
    "pkexec": (_spec("", "user"), 0, None),
    "run0": (_spec("ugD", "user group nice chdir setenv unit property description slice"), 0, None),
    "chpst": (_spec("uUbe/nlLmdofpcrt"), 0, None),
    "cgexec": (_spec("g"), 0, None),
    "prlimit": (_spec("", "pid"), 0, None),
    "faketime": (_spec(), 1, None),
    "valgrind": (_spec(), 0, None),
    "xvfb-run": (_spec("nsfepw", "server-num server-args auth-file error-file wait"), 0, None),
    "dbus-run-session": (_spec("", "config-file dbus-daemon"), 0, None),
    "ssh-agent": (_spec("aEPtO"), 0, None),
    "systemd-inhibit": (_spec("", "what who why mode"), 0, None),
    "proot": (_spec("rbwqk", "rootfs bind mount cwd qemu kernel-release"), 0, None),
    "chronic": (_spec(), 0, None),
    "ifne": (_spec(), 0, None),
    "entr": (_spec(), 0, None),
}


@dataclass(slots=True)
class Peeled:
    """The result of peeling: where the real command starts in argv and what was peeled."""

    start: int = 0
    wrappers: list[str] = field(default_factory=list)
    detached: list[str] = field(default_factory=list)
    reads: list[str] = field(default_factory=list)
    writes: list[str] = field(default_factory=list)
    shell_text: str | None = None
    shell_label: str = ""
    shell_words: tuple[int, int] = (0, 0)
    replaced: list[str] | None = None
    positions: list[int] = field(default_factory=list)
    xargs_at: int | None = None
    assigned: list[tuple[str, str]] = field(default_factory=list)


def _basename(word: str) -> str:
    return word.rsplit("/", 1)[-1]


def _peel_one(argv: Sequence[str], i: int, out: Peeled) -> int | None:
    """Peel the wrapper at argv[i]; return where the wrapped command starts, or None."""
    name = _basename(argv[i])
    if name == "tmux":
        return _peel_tmux(argv, i, out)
    if name == "start-stop-daemon":
        return _peel_start_stop(argv, i, out)
    if name == "su":
        return _peel_su(argv, i, out)
    if name == "uv":
        return _peel_uv(argv, i, out)
    if name in RUNNER_NAMES:
        return peel_runner(argv, i, out)
    entry = _SIMPLE.get(name)
    if entry is None:
        return None
    spec, positional, detach = entry
    parsed = parse_options(argv, i + 1, spec)
    start = parsed.end if parsed.operands else len(argv)
    if name == "command" and parsed.has("-v", "-V"):
        return None
    if name == "env":
        while start < len(argv) and "=" in argv[start] and not argv[start].startswith("="):
            key, _, value = argv[start].partition("=")
            out.assigned.append((key, value))
            start += 1
        split = parsed.values("-S", "--split-string")
        if split:
            out.replaced = [w for s in split for w in s.split()] + list(argv[start:])
    if name == "screen":
        if not (parsed.has("-d", "-D") and parsed.has("-m")):
            return None
        detach = "screen -dm"
    if name == "sudo" and parsed.has("-b", "--background"):
        detach = "sudo -b"
    if name == "time":
        out.writes.extend(parsed.values("-o", "--output"))
    if name in ("strace", "ltrace"):
        out.writes.extend(parsed.values("-o", "--output"))
    if name == "xargs":
        out.reads.extend(parsed.values("-a", "--arg-file"))
        out.xargs_at = i
    if name == "flock" and parsed.values("-c", "--command"):
        out.shell_text = parsed.values("-c", "--command")[-1]
        out.shell_label = "flock -c"
    start += positional
    out.wrappers.append(name)
    if detach:
        out.detached.append(detach)
    if name == "watch" and not parsed.has("-x", "--exec") and start < len(argv):
        out.shell_text = " ".join(argv[start:])
        out.shell_label = "watch"
        out.shell_words = (start, len(argv))
        return len(argv)
    return start


def _peel_tmux(argv: Sequence[str], i: int, out: Peeled) -> int | None:
    parsed = parse_options(argv, i + 1, _spec("LSfcT"))
    if not parsed.operands:
        return None
    sub_index, sub = parsed.operands[0]
    if sub not in ("new", "new-session", "new-window", "neww", "split-window", "splitw"):
        return None
    rest = parse_options(argv, sub_index + 1, _spec("scntxyeFfl", "environment"))
    out.wrappers.append("tmux " + sub)
    if sub in ("new", "new-session") and rest.has("-d"):
        out.detached.append("tmux " + sub + " -d")
    elif sub not in ("new", "new-session"):
        out.detached.append("tmux " + sub)
    if rest.operands:
        first = rest.operands[0][0]
        out.shell_text = " ".join(argv[first:])
        out.shell_label = "tmux " + sub
        out.shell_words = (first, len(argv))
    return len(argv)


def _peel_start_stop(argv: Sequence[str], i: int, out: Peeled) -> int | None:
    parsed = parse_options(
        argv,
        i + 1,
        OptionSpec(
            short="xanpuigrcNPkdsR",
            long=_spec(
                "",
                "exec name pidfile user group chroot chdir startas signal retry "
                "nicelevel iosched umask output procsched",
            ).long,
        ),
    )
    program = parsed.values("-x", "--exec", "-a", "--startas")
    if not program:
        return None
    out.wrappers.append("start-stop-daemon")
    if parsed.has("-b", "--background"):
        out.detached.append("start-stop-daemon --background")
    tail = [w for _, w in parsed.operands]
    out.replaced = [program[-1], *tail]
    return len(argv)


#: `uv`'s options that take a value, before and after `run`.
_UV_RUN = _spec(
    "pCPfim",
    "with with-editable with-requirements directory project python env-file extra group "
    "only-group no-group package index default-index index-url extra-index-url find-links "
    "upgrade-package reinstall-package no-build-package no-binary-package "
    "only-binary-package refresh-package resolution prerelease fork-strategy exclude-newer "
    "index-strategy keyring-provider config-setting link-mode python-platform cache-dir "
    "config-file color allow-insecure-host module",
)


def _peel_uv(argv: Sequence[str], i: int, out: Peeled) -> int | None:
    """`uv run [opts] CMD…` runs CMD; `-m MOD` and a `.py` operand run Python."""
    parsed = parse_options(argv, i + 1, _UV_RUN)
    if not parsed.operands or parsed.operands[0][1] != "run":
        return None
    run_at = parsed.operands[0][0]
    rest = parse_options(argv, run_at + 1, _UV_RUN)
    with_packages = parsed.has("--with", "--with-requirements", "--with-editable") or rest.has(
        "--with", "--with-requirements", "--with-editable"
    )
    out.wrappers.append("uv run --with" if with_packages else "uv run")
    tail = list(argv[rest.end :]) if rest.operands else []
    module = rest.values("-m", "--module")
    if module:
        out.replaced = ["python", "-m", module[-1], *tail]
    elif rest.has("-s", "--script") or (tail and tail[0].endswith((".py", ".pyw"))):
        out.replaced = ["python", *tail]
    if out.replaced is not None:
        return len(argv)
    return rest.end if rest.operands else len(argv)


def _peel_su(argv: Sequence[str], i: int, out: Peeled) -> int | None:
    parsed = parse_options(argv, i + 1, _spec("cgGsw", "command shell group"))
    code = parsed.values("-c", "--command")
    if not code:
        return None
    out.wrappers.append("su")
    out.shell_text = code[-1]
    out.shell_label = "su -c"
    return len(argv)


_NAMES = frozenset({*_SIMPLE, *RUNNER_NAMES, "tmux", "start-stop-daemon", "su", "uv"})
_NOTHING = Peeled()


def peel(argv: Sequence[str]) -> Peeled:
    """Peel every wrapper at the front of `argv` (``sudo env X=1 nice rm …`` → ``rm …``).

    The result is shared and must not be changed when nothing was peeled (`positions` empty).
    """
    if not argv or _basename(argv[0]) not in _NAMES:
        return _NOTHING
    out = Peeled()
    i = 0
    current: Sequence[str] = argv
    for _ in range(16):
        if i >= len(current):
            break
        before = out.replaced
        nxt = _peel_one(current, i, out)
        if nxt is None:
            break
        out.positions.append(i)
        if out.replaced is not None and out.replaced is not before:
            current = out.replaced
            i = 0
            continue
        i = nxt
        if out.shell_text is not None:
            break
    if out.replaced is not None:
        out.replaced = list(current[i:])
        out.start = 0
    else:
        out.start = i
    return out


def built_name(origin: Sequence[Word], start: int, peeled: Peeled) -> Word | None:
    """The word naming the command at `start`, or the first wrapper name built at run time
    (`w=screen; $w -dm CMD` is as opaque as `$c CMD`)."""
    head = origin[start] if start < len(origin) else None
    if head is not None and head.dynamic:
        return head
    built = [origin[p] for p in peeled.positions if p < len(origin) and origin[p].dynamic]
    return built[0] if built else head
