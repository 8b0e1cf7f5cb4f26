"""`watchkeeper policy …`: check a policy file, show rules, run policy test cases."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(help="Check, show and test policies.", no_args_is_help=True)

_FILE = Annotated[Path, typer.Argument(help="The policy YAML file.")]
_HOME = Annotated[
    str | None, typer.Option("--home", help="Home directory that `~/` stands for (default $HOME).")
]


@app.command("check")
def check(file: _FILE, home: _HOME = None) -> None:
    """Validate a policy file; exit 1 with a line-precise error if it does not load."""
    from watchkeeper.policy import PolicyError, load_policy

    try:
        policy = load_policy(file, home=home)
    except PolicyError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    extra = f"; packs: {', '.join(policy.packs)}" if policy.packs else ""
    if policy.excluded_rules:
        extra += f"; excluded: {', '.join(policy.excluded_rules)}"
    typer.echo(f"{file}: ok, {len(policy.rules)} rules, default {policy.default.value}{extra}")


@app.command("show")
def show(
    name: Annotated[
        str, typer.Argument(help="A built-in pack name or a policy file path.")
    ] = "coding-agent",
    home: _HOME = None,
) -> None:
    """Print the rules of a built-in pack or a policy file as a table."""
    from watchkeeper.policy import PolicyError, available_packs, load_policy, parse_policy

    try:
        if name in available_packs():
            policy = parse_policy(
                f"version: 1\ndefault: deny\ninclude: [{name}]\n", source=name, home=home
            )
        elif Path(name).is_file():
            policy = load_policy(Path(name), home=home)
        else:
            typer.echo(
                f"`{name}` is neither a built-in pack ({', '.join(available_packs())}) nor a "
                "file; give one of those",
                err=True,
            )
            raise typer.Exit(1)
    except PolicyError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    title = (
        f"pack {name}: {len(policy.rules)} rules"
        if name in available_packs()
        else f"{name}: {len(policy.rules)} rules, default {policy.default.value}"
    )
    table = Table(title=title, show_lines=True)
    for column in ("id", "decision", "description", "match"):
        table.add_column(column, overflow="fold")
    for rule in policy.rules:
        table.add_row(rule.id, rule.decision.value, rule.description, rule.match_text)
    Console(width=max(100, _columns())).print(table)
    if policy.excluded_rules:
        typer.echo(f"excluded by the policy: {', '.join(policy.excluded_rules)}")


def _columns() -> int:
    try:
        return os.get_terminal_size().columns
    except OSError:
        return 160


@app.command("test")
def run_cases(
    file: _FILE,
    cases: Annotated[Path, typer.Argument(help="YAML list of cases (name, event, expect).")],
    cwd: Annotated[
        str | None, typer.Option("--cwd", help="Workspace for events that give no cwd.")
    ] = None,
    home: _HOME = None,
) -> None:
    """Run policy test cases; print pass/fail per case and exit 1 on any failure."""
    from watchkeeper.normalize import Normalizer
    from watchkeeper.policy import PolicyError, load_cases, load_policy, run_case

    try:
        policy = load_policy(file, home=home)
        loaded = load_cases(
            cases.read_text("utf-8"), source=str(cases), cwd=cwd if cwd else os.getcwd()
        )
    except (PolicyError, OSError) as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    normalizer = Normalizer(home=policy.home)
    failed = 0
    for case in loaded:
        result = run_case(policy, normalizer, case)
        if result.passed:
            typer.echo(f"pass  {case.name}")
            continue
        failed += 1
        got = ", ".join(result.verdict.rule_ids) or "-"
        want = ", ".join(sorted(case.rules)) or "-"
        typer.echo(
            f"FAIL  {case.name}: expected {case.decision.value} [{want}], "
            f"got {result.verdict.decision.value} [{got}] ({result.verdict.explanation})"
        )
    typer.echo(f"{len(loaded) - failed} passed, {failed} failed")
    if failed:
        raise typer.Exit(1)
