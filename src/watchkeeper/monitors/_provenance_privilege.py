"""Which way a tool changes who may do what: it grants a privilege or takes one away.

A privilege noun in a tool's name (`add_collaborator`, `set_workflow_permissions`,
`whatsapp_demote_admin`) makes the tool a change of privileges whatever its verb. A verb that
takes something away (`remove`, `demote`, `revoke`) or undoes a giving (`unshare`,
`deauthorize`) revokes; any other grants. A task asks for the two in opposite words ("make
her an admin", "remove him as admin"), so telling them apart keeps a demotion the task asked
for from passing for a grant it did not. "admin" before a noun names an API
(`admin.users.update`, `slack.admin.users.invite`), not a privilege.
"""

from __future__ import annotations

from collections.abc import Sequence

from watchkeeper.monitors._provenance_tools import acts

__all__ = ["TAKING", "privilege_change"]

#: Nouns of tools that change who may do what.
_PRIVILEGE = frozenset(
    {"permission", "permissions", "collaborator", "collaborators", "admin", "admins", "owner",
     "delegate", "delegates", "delegation", "acl", "acls", "sharing", "role", "roles"}
)  # fmt: skip
#: Verbs that take something away: beside a privilege noun they revoke it.
TAKING = frozenset(
    {"remove", "delete", "revoke", "demote", "kick", "ban", "drop", "strip", "downgrade",
     "deactivate", "disable", "suspend", "offboard", "deprovision", "expel", "unassign"}
)  # fmt: skip
#: Verbs a prefix undoes when it opens them: `unshare`, `deauthorize`, `disallow`.
_GIVING = frozenset({"share", "grant", "assign", "authorize", "authorise", "allow", "invite"})


def privilege_change(named: Sequence[str]) -> str | None:
    """Return "grant" or "revoke" for a tool whose name's words `named` (lower case) change a
    privilege, None for any other tool."""
    if not any(w in _PRIVILEGE and not _namespace(named, i) for i, w in enumerate(named)):
        return None
    if TAKING.intersection(named) or any(_undoes(w) for w in named):
        return "revoke"
    return "grant"


def _namespace(named: Sequence[str], index: int) -> bool:
    """Whether the word at `index` of a tool's name names the API it belongs to, not what it
    changes: "admin" before a noun."""
    following = named[index + 1] if index + 1 < len(named) else None
    return named[index] == "admin" and following is not None and not acts(following)


def _undoes(word: str) -> bool:
    """Whether `word` undoes a verb of giving (`unshare`, `deauthorize`, `disallow`)."""
    return any(word.startswith(p) and word[len(p) :] in _GIVING for p in ("un", "de", "dis"))
