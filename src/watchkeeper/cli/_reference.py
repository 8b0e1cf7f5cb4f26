"""Render the CLI reference (docs/cli.md) from the command tree itself.

`make docs` writes it; a test fails when the checked-in page differs, so the reference can
never drift from `--help`.
"""

from __future__ import annotations

from typing import Any

import typer.main

__all__ = ["render_reference"]


# typer ships its own copy of click, so commands and parameters are read by their attributes.
def _param_line(param: Any) -> str:
    if param.param_type_name == "argument":
        required = "required" if param.required else "optional"
        name = (param.metavar or param.name or "").upper()
        help_text = (getattr(param, "help", None) or "").strip()
        return f"- `{name}` (argument, {required}){': ' + help_text if help_text else ''}"
    names = ", ".join(f"`{n}`" for n in [*param.opts, *param.secondary_opts])
    help_text = (getattr(param, "help", None) or "").strip()
    value = param.default
    shown = getattr(param, "show_default", False) is not False and not param.is_flag
    default = ""
    if shown and value not in (None, "", ()) and not callable(value):
        default = f" (default: `{value}`)"
    return f"- {names}: {help_text}{default}".rstrip(": ")


def _walk(command: Any, path: list[str], out: list[str]) -> None:
    if hasattr(command, "commands"):
        if len(path) > 1:
            out += [f"## `{' '.join(path)}`", "", (command.help or "").strip(), ""]
        for name in sorted(command.commands):
            sub = command.commands[name]
            if not sub.hidden:
                _walk(sub, [*path, name], out)
        return
    title = " ".join(path)
    heading = "##" if len(path) == 2 else "###"
    out += [f"{heading} `{title}`", ""]
    if command.help:
        out += [command.help.strip(), ""]
    params = [p for p in command.params if p.name != "help"]
    if params:
        out += [_param_line(p) for p in params]
        out.append("")


def render_reference() -> str:
    """Return the Markdown CLI reference for every `watchkeeper` command."""
    from watchkeeper.cli._app import build_app

    root = typer.main.get_command(build_app())
    out = [
        "# CLI reference",
        "",
        "Generated from the command definitions by `make docs`; a test keeps it in step with "
        "`watchkeeper --help`.",
        "",
    ]
    _walk(root, ["watchkeeper"], out)
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    print(render_reference(), end="")
