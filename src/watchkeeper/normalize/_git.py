"""What git runs besides itself: settings and options that name programs, and `ext::` remotes.

Git runs a command line given by some settings (``core.pager``, ``alias.x=!…``, filter and
diff drivers, credential helpers …) set with ``-c`` or ``git config``, and by some options
(``rebase --exec``, ``submodule foreach``, ``bisect run``, ``difftool --extcmd``, ``grep
--open-files-in-pager``, ``filter-branch --tree-filter``, ``--upload-pack`` …): those are
parsed as shell. It loads hooks and configuration from ``core.hooksPath``, ``include.path``,
``--template`` and ``--exec-path``: those are script files. A program setting taken from the
environment (``--config-env``), ``protocol.allow`` and an ``ext::`` remote are opaque.
Section and variable names are case-insensitive (``CORE.PAGER`` is ``core.pager``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

from watchkeeper.normalize._options import OptionSpec, Parsed, parse_options

__all__ = ["GitCode", "git_code"]

_GLOBAL = OptionSpec(
    short="cC",
    long=frozenset({"git-dir", "work-tree", "namespace", "config-env", "super-prefix"}),
    first_operand_stops=True,
)
#: Settings whose value is a command line git runs: section and name lower-case, `*` a
#: subsection. (`alias.*` runs one when the value starts with `!`.)
_PROGRAM_KEYS = (
    "core.pager", "core.editor", "core.sshcommand", "core.gitproxy", "core.fsmonitor",
    "core.askpass", "sequence.editor", "diff.external", "diff.*.command", "diff.*.textconv",
    "merge.*.driver", "filter.*", "credential.helper", "credential.*.helper", "gpg.program",
    "gpg.*.program", "alias.*", "pager.*", "uploadpack.packobjectshook", "remote.*.uploadpack",
    "remote.*.receivepack", "sendemail.sendmailcmd", "sendemail.smtpserver", "sendemail.tocmd",
    "sendemail.cccmd", "web.browser", "browser.*.cmd", "man.*.cmd", "mergetool.*.cmd",
    "difftool.*.cmd", "instaweb.httpd",
)  # fmt: skip
#: Settings whose value is a file or directory git loads configuration or hooks from.
_PATH_KEYS = (
    "core.hookspath", "include.path", "includeif.*.path", "init.templatedir", "core.worktree",
    "browser.*.path", "man.*.path",
)  # fmt: skip
#: Settings that let git run transports' programs (`ext::`).
_OPAQUE_KEYS = ("protocol.allow", "protocol.*.allow")
#: Options whose value is a command line, per subcommand.
_PROGRAM_OPTIONS: dict[str, tuple[str, ...]] = {
    "rebase": ("-x", "--exec"),
    "difftool": ("-x", "--extcmd"),
    "grep": ("-O", "--open-files-in-pager"),
    "filter-branch": (
        "--setup", "--env-filter", "--tree-filter", "--index-filter", "--parent-filter",
        "--msg-filter", "--commit-filter", "--tag-name-filter",
    ),
    "clone": ("-u", "--upload-pack"),
    "fetch": ("--upload-pack",),
    "pull": ("--upload-pack",),
    "ls-remote": ("--upload-pack",),
    "archive": ("--exec",),
    "push": ("--receive-pack", "--exec"),
    "send-email": ("--to-cmd", "--cc-cmd", "--smtp-server", "--sendmail-cmd"),
}  # fmt: skip
_VALUED = OptionSpec(
    short="xu",
    long=frozenset(
        {o.lstrip("-") for opts in _PROGRAM_OPTIONS.values() for o in opts if o[1] == "-"}
        | {"template", "file", "blob", "type", "default", "comment", "value", "output"}
    ),
)
_CONFIG_READS = frozenset(
    {"--get", "--get-all", "--get-regexp", "--get-urlmatch", "--get-color",
     "--get-colorbool", "-l", "--list", "--unset", "--unset-all", "--remove-section",
     "--rename-section", "-e", "--edit"}
)  # fmt: skip


@dataclass(slots=True)
class GitCode:
    """Command lines git would run (text, label), files it loads code or settings from, and
    opaque settings (detail)."""

    shell: list[tuple[str, str]] = field(default_factory=list)
    scripts: list[str] = field(default_factory=list)
    opaque: list[str] = field(default_factory=list)


def _matches(key: str, patterns: tuple[str, ...]) -> bool:
    lowered = key.lower()
    return any(fnmatchcase(lowered, pattern) for pattern in patterns)


def _setting(key: str, value: str | None, label: str, out: GitCode) -> None:
    """Record what setting `key` to `value` (None: taken from the environment) makes git run."""
    if _matches(key, _PROGRAM_KEYS):
        program = value.removeprefix("!") if value is not None else None
        if program is None:
            out.opaque.append(f"{label} {key}")
        elif program and (value != program or not key.lower().startswith("alias.")):
            out.shell.append((program, f"{label} {key}"))
    elif _matches(key, _PATH_KEYS):
        if value is None:
            out.opaque.append(f"{label} {key}")
        elif value:
            out.scripts.append(value)
    elif _matches(key, _OPAQUE_KEYS):
        out.opaque.append(f"{label} {key}")


def _attached_values(words: Sequence[str], option: str) -> list[str]:
    """The values written onto `option` (``-Ovalue``, ``--option=value``)."""
    if option.startswith("--"):
        return [w.split("=", 1)[1] for w in words if w.startswith(option + "=")]
    return [w[2:] for w in words if w.startswith(option) and len(w) > 2]


def _config_sets(sub_args: Parsed) -> list[tuple[str, str]]:
    """The (key, value) pairs `git config …` sets."""
    if any(name in sub_args.options for name in _CONFIG_READS):
        return []
    words = [w for _, w in sub_args.operands]
    if words[:1] == ["set"]:
        words = words[1:]
    elif words[:1] and words[0] in ("get", "list", "unset", "remove-section", "rename-section"):
        return []
    return [(words[0], words[1])] if len(words) >= 2 else []


def git_code(argv: Sequence[str]) -> GitCode:
    """What the git command `argv` runs besides git."""
    out = GitCode()
    top = parse_options(argv, 1, _GLOBAL)
    for setting in top.values("-c"):
        key, eq, value = setting.partition("=")
        _setting(key, value if eq else "true", "git -c", out)
    for setting in top.values("--config-env"):
        _setting(setting.partition("=")[0], None, "git --config-env", out)
    out.scripts.extend(top.values("--exec-path"))
    if not top.operands:
        return out
    at, sub = top.operands[0]
    rest = parse_options(argv, at + 1, _VALUED)
    if sub == "config":
        for key, value in _config_sets(rest):
            _setting(key, value, "git config", out)
    for option in _PROGRAM_OPTIONS.get(sub, ()):
        # `grep -O`/`--open-files-in-pager` take a value only when it is attached.
        attached = sub == "grep"
        values = _attached_values(argv[at + 1 :], option) if attached else rest.values(option)
        out.shell.extend((value, f"git {sub} {option}") for value in values if value)
    operands = [w for _, w in rest.operands]
    if sub == "submodule" and operands[:1] == ["foreach"]:
        tail = [w for w in argv[at + 2 :] if w not in ("--recursive", "--quiet", "-q")]
        out.shell.append((" ".join(tail), "git submodule foreach"))
    elif sub == "bisect" and operands[:1] == ["run"]:
        out.shell.append((" ".join(argv[argv.index("run", at) + 1 :]), "git bisect run"))
    if sub in ("clone", "init"):
        out.scripts.extend(rest.values("--template"))
    out.opaque.extend(f"git {sub} ext::" for w in operands if w.lower().startswith("ext::"))
    return out
