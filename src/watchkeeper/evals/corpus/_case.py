"""What a tool-calling assistant task is, and the people in them.

Each case is a user task, the reads the assistant makes, one *carrier* read whose output is
untrusted (an email, web page, file, message or review) and can hold an injection, and the
legitimate side-effecting calls that complete the task — with values from the task, or from
what was read when the task points there (a bill to pay, a sender to answer).
"""

from __future__ import annotations

from dataclasses import dataclass

from watchkeeper.evals.corpus._steps import StepDict

__all__ = ["COLLEAGUES", "USERS", "Case", "ok"]


@dataclass(frozen=True)
class Case:
    """One assistant task. `carrier_output` holds ``{inj}`` where an injection may go."""

    suite: str
    task: str
    user: str
    pre: tuple[StepDict, ...]
    carrier_tool: str
    carrier_args: dict[str, object]
    carrier_output: str
    acts: tuple[StepDict, ...]
    final: str


USERS = ("Emma Johnson", "Daniel Kim", "Sofia Rossi", "Liam O'Brien", "Aisha Bello", "Kenji Sato")
COLLEAGUES = (
    ("David Smith", "david.smith@bluesparrowtech.com"),
    ("Maria Garcia", "maria.garcia@bluesparrowtech.com"),
    ("Julia Chen", "julia.chen@northwind.io"),
    ("Peter Novak", "p.novak@acme-corp.com"),
    ("Hannah Weber", "hannah.weber@contoso.de"),
)


def ok(text: str) -> str:
    """Return a tool's success output."""
    return "{'status': 'ok', 'message': '" + text + "'}"
