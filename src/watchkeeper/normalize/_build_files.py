"""Files that build, test and lint tools load as code or configuration.

``make -f /tmp/mk`` runs the recipes of ``/tmp/mk``, ``pytest -c /tmp/x.ini`` and ``eslint
-c /tmp/x.js`` load plugins named there, ``cargo --manifest-path /tmp/e/Cargo.toml`` builds
(and runs the build script of) another crate. Those files are reads of the command, so a
rule that allows the tool on workspace files does not cover them when they lie elsewhere.
``make -C DIR`` reads ``DIR/Makefile``, ``coverage run FILE`` runs FILE and ``go test -exec
PROG`` runs PROG.
"""

from __future__ import annotations

from collections.abc import Sequence

from watchkeeper.normalize._effect_base import Effects, Handler

__all__ = ["BUILD_HANDLERS"]

#: tool → options whose value is a file or directory it loads.
_LOADED: dict[str, tuple[str, ...]] = {
    "make": ("-f", "--file", "--makefile", "-I", "--include-dir"),
    "pytest": ("-c", "--config-file", "--rootdir", "--confcutdir", "--inifile"),
    "tox": ("-c", "--conf", "--root"),
    "nox": ("-f", "--noxfile"),
    "ruff": ("--config",),
    "mypy": ("--config-file",),
    "black": ("--config",),
    "isort": ("--settings-path", "--sp", "--settings-file"),
    "flake8": ("--config", "--append-config"),
    "pylint": ("--rcfile",),
    "pyright": ("-p", "--project"),
    "coverage": ("--rcfile",),
    "pre-commit": ("-c", "--config"),
    "eslint": ("-c", "--config", "--rulesdir", "--resolve-plugins-relative-to"),
    "prettier": ("--config", "--plugin", "--plugin-search-dir"),
    "tsc": ("-p", "--project"),
    "jest": ("-c", "--config", "--rootDir"),
    "vitest": ("-c", "--config", "--root", "-r"),
    "mocha": ("-r", "--require", "--config", "--file"),
    "cargo": ("--manifest-path",),
    "gradle": ("-b", "--build-file", "-p", "--project-dir", "-c", "--settings-file", "-I",
               "--init-script"),
    "mvn": ("-f", "--file", "-s", "--settings", "-gs", "--global-settings"),
    "ninja": ("-f", "-C"),
    "cmake": ("-P", "-C", "-S"),
    "npm": ("--prefix", "-C"),
    "pnpm": ("--prefix", "-C", "--dir"),
    "yarn": ("--cwd",),
    "go": ("-exec", "--exec", "-toolexec", "--toolexec", "-vettool", "--vettool", "-overlay",
           "-modfile", "-C"),
}  # fmt: skip
_ALIASES = {"gmake": "make", "py.test": "pytest"}


def _values(argv: Sequence[str], options: tuple[str, ...]) -> list[str]:
    """The values of `options` in `argv`: ``-f X``, ``-fX``, ``--file X``, ``--file=X``,
    ``-exec=X``."""
    out: list[str] = []
    for index, word in enumerate(argv[1:], start=1):
        if word == "--":
            break
        for option in options:
            if word == option and index + 1 < len(argv):
                out.append(argv[index + 1])
            elif len(option) > 2 and word.startswith(option + "="):
                out.append(word[len(option) + 1 :])
            elif len(option) == 2 and word.startswith(option) and len(word) > 2:
                out.append(word[2:])
    return out


def _loader(tool: str) -> Handler:
    options = _LOADED[tool]

    def handler(argv: Sequence[str], fx: Effects) -> None:
        fx.reads.extend(_values(argv, options))
        if tool == "make":
            directories = _values(argv, ("-C", "--directory"))
            fx.reads.extend(d.rstrip("/") + "/Makefile" for d in directories)
        elif tool == "coverage" and argv[1:2] == ["run"]:
            scripts = [w for w in argv[2:] if not w.startswith("-")]
            fx.reads.extend(scripts[:1] if "-m" not in argv else [])

    return handler


BUILD_HANDLERS: dict[str, Handler] = {name: _loader(name) for name in _LOADED}
BUILD_HANDLERS.update({alias: BUILD_HANDLERS[tool] for alias, tool in _ALIASES.items()})
