"""Environment variables that make an ordinary program run code of the caller's choosing.

``GIT_SSH_COMMAND='sh -c …' git fetch``, ``PAGER=… git log``, ``LD_PRELOAD=/tmp/x.so ls``,
``PYTHONPATH=/tmp/evil pytest``: the program is one the policy allows, the variable makes it
run something else. A variable holding a command line is parsed as shell like any other
(``GIT_EDITOR=true git rebase --continue`` runs ``true``). A variable naming files to load is
opaque code unless every file is in the working directory (``PYTHONPATH=src pytest`` runs
the project's own code); one holding options is opaque when an option loads code
(``NODE_OPTIONS=--require=/tmp/x.js``, not ``NODE_OPTIONS=--max-old-space-size=4096``).
"""

from __future__ import annotations

import posixpath

__all__ = ["variable_code"]

#: Variables whose value is a command line that the program runs.
_COMMANDS = frozenset(
    {"GIT_SSH_COMMAND", "GIT_SSH", "GIT_PAGER", "PAGER", "MANPAGER", "SYSTEMD_PAGER",
     "GIT_EDITOR", "GIT_SEQUENCE_EDITOR", "EDITOR", "VISUAL", "GIT_EXTERNAL_DIFF",
     "GIT_ASKPASS", "SSH_ASKPASS", "SUDO_ASKPASS", "GIT_PROXY_COMMAND", "BROWSER",
     "LESSOPEN", "LESSCLOSE", "RUSTC_WRAPPER", "RUSTC", "CARGO_BUILD_RUSTC_WRAPPER", "CC",
     "CXX", "LDSHARED", "NPM_CONFIG_SCRIPT_SHELL", "npm_config_script_shell",
     "PROMPT_COMMAND"}
)  # fmt: skip
#: Variables naming files or directories (`:`-separated) whose code or settings are loaded.
_FILES = frozenset(
    {"LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT", "DYLD_INSERT_LIBRARIES",
     "DYLD_LIBRARY_PATH", "GCONV_PATH", "BASH_ENV", "ENV", "PYTHONPATH", "PYTHONSTARTUP",
     "PYTHONHOME", "PYTHONUSERBASE", "NODE_PATH", "PERL5LIB", "PERLLIB", "RUBYLIB",
     "MAKEFILES", "GIT_EXEC_PATH", "GIT_CONFIG", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM",
     "GIT_TEMPLATE_DIR", "GIT_DIR", "XDG_CONFIG_HOME", "ZDOTDIR"}
)  # fmt: skip
#: Variables holding options, with the option prefixes that load code.
_OPTIONS: dict[str, tuple[str, ...]] = {
    "NODE_OPTIONS": ("-r", "--require", "--import", "--loader", "--experimental-loader"),
    "PYTEST_ADDOPTS": ("-p", "-c", "--rootdir", "--confcutdir", "--config-file"),
    "MAKEFLAGS": ("-f", "--file", "--makefile", "-E", "--eval", "-C", "--directory", "-I",
                  "--include-dir", "SHELL="),
    "MFLAGS": ("-f", "--file", "--makefile", "-E", "--eval", "-C", "--directory", "-I"),
    "PERL5OPT": ("-M", "-m", "-I", "-d"),
    "RUBYOPT": ("-r", "-I"),
    "GOFLAGS": ("-toolexec", "--toolexec", "-exec", "--exec", "-overlay", "-vettool"),
    "JAVA_TOOL_OPTIONS": ("-javaagent", "-agentpath", "-agentlib", "-Xbootclasspath"),
    "_JAVA_OPTIONS": ("-javaagent", "-agentpath", "-agentlib", "-Xbootclasspath"),
    "JDK_JAVA_OPTIONS": ("-javaagent", "-agentpath", "-agentlib", "-Xbootclasspath"),
}  # fmt: skip
#: Variables that always name code or settings to load (the value may be anything).
_ALWAYS = frozenset({"PYTEST_PLUGINS", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT"})
_ALWAYS_PREFIXES = ("GIT_CONFIG_KEY_", "GIT_CONFIG_VALUE_")


def _inside(path: str, cwd: str | None) -> bool:
    if not path.startswith("/"):
        relative = posixpath.normpath(path)
        return (
            not path.startswith(("~", "$")) and relative != ".." and not relative.startswith("../")
        )
    if cwd is None:
        return False
    resolved = posixpath.normpath(path)
    return resolved == cwd.rstrip("/") or resolved.startswith(cwd.rstrip("/") + "/")


def _loads_code(name: str, value: str, cwd: str | None) -> bool:
    if name in _FILES:
        return not all(_inside(p, cwd) for p in value.replace(" ", ":").split(":") if p)
    if name in _OPTIONS:
        prefixes = _OPTIONS[name]
        return any(word.startswith(prefixes) for word in value.split())
    if name == "PYTHONBREAKPOINT":
        return value not in ("", "0")
    return name in _ALWAYS or name.startswith(_ALWAYS_PREFIXES)


def variable_code(name: str, value: str | None, cwd: str | None) -> tuple[str | None, str | None]:
    """What assigning `value` to `name` in the directory `cwd` runs.

    Returns ``(opaque detail, None)``, ``(None, command line to parse)`` or ``(None, None)``;
    a `value` of None was built at run time.
    """
    if name in _COMMANDS:
        if value is None:
            return f"{name}=…", None
        return None, value.strip() or None
    watched = name in _FILES or name in _OPTIONS or name == "PYTHONBREAKPOINT"
    if not watched and name not in _ALWAYS and not name.startswith(_ALWAYS_PREFIXES):
        return None, None
    if value is None or _loads_code(name, value, cwd):
        return f"{name}={value if value is not None else '…'}", None
    return None, None
