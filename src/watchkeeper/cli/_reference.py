"""Render the CLI reference (docs/cli.md) from the command tree itself.

`make docs` writes it; a test fails when the checked-in page differs, so the reference can
never drift from `--help`.
"""

from __future__ import annotations

import click
import typer.main

__all__ = ["render_reference"]


def _param_line(param: click.Parameter) -> str:
    if isinstance(param, click.Argument):
        required = "required" if param.required else "optional"
        return f"- `{param.human_readable_name}` (argument, {required})"
    option = param if isinstance(param, click.Option) else None
    names = ", ".join(f"`{n}`" for n in [*param.opts, *param.secondary_opts])
    help_text = (option.help or "").strip() if option else ""
    default = ""
    if option is not None and option.show_default is not False and not option.is_flag:
        if option.default not in (None, "", ()) and not callable(option.default):
            default = f" (default: `{option.default}`)"
    return f"- {names}: {help_text}{default}".rstrip(": ")


def _walk(command: click.Command, path: list[str], out: list[str]) -> None:
    if isinstance(command, click.Group):
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
    print(render_reference(), end="")  # noqa: T201  (this module is also the generator script)
