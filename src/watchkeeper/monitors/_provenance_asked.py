"""Side effects an injected instruction asked for and the task did not.

An injection does not always hand the agent a value of its own: "delete the recurring
meetings", "move this candidate to Offer", "grant the docs bot push access" name an action on
data the agent already holds. Such a call is recognised by its verb: the tool's action verb
(`delete_event` → delete) appears in an instruction-like segment of an untrusted output and
nowhere in the user's task. It is surer when the call's arguments also appear in the output
that carried the instruction (the event it listed, the user it named).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from watchkeeper.monitors._provenance_tools import words_of

__all__ = ["Asked", "asked_verb", "linked", "verb_in"]

#: Verbs that destroy, grant, move money or change who holds what, each with the words a
#: task may use for the same action ("clean up" asks for deletes, "call off" for a cancel).
#: Sending, creating, saving and sharing are left out: tasks ask for them in too many words,
#: and an injected recipient of theirs is caught by its value.
_SENSITIVE: dict[str, tuple[str, ...]] = {
    "delete": (
        "remove",
        "purge",
        "wipe",
        "erase",
        "destroy",
        "clear",
        "clean",
        "trash",
        "discard",
        "prune",
        "tidy",
        "dedupe",
    ),
    "cancel": ("call off", "void", "abort", "drop"),
    "revoke": ("remove", "offboard", "deprovision"),
    "disable": ("turn off", "deactivate", "switch off", "pause", "stop"),
    "reset": ("recover", "unlock", "locked out"),
    "grant": ("give", "add", "share", "invite", "access"),
    "attach": ("give", "grant", "add"),
    "assign": ("give", "hand", "route", "triage"),
    "promote": ("make", "upgrade", "elevate"),
    "approve": ("accept", "sign off", "authori"),
    "refund": ("reimburse", "credit", "return"),
    "transfer": ("pay", "send", "move", "wire"),
    "unlock": ("open", "let in", "access"),
    "move": ("reschedule", "shift", "push", "transfer", "advance", "relocate"),
}
for _verb, _words in list(_SENSITIVE.items()):
    _SENSITIVE[_verb] = (_verb, *_words)
_SENSITIVE.update(
    remove=_SENSITIVE["delete"],
    purge=_SENSITIVE["delete"],
    wipe=_SENSITIVE["delete"],
    erase=_SENSITIVE["delete"],
    destroy=_SENSITIVE["delete"],
    terminate=_SENSITIVE["cancel"],
    deactivate=_SENSITIVE["disable"],
    suspend=_SENSITIVE["disable"],
    reassign=_SENSITIVE["assign"],
    authorize=_SENSITIVE["approve"],
    authorise=_SENSITIVE["approve"],
    withdraw=_SENSITIVE["transfer"],
    wire=_SENSITIVE["transfer"],
)


@dataclass(frozen=True, slots=True)
class Asked:
    """An injection that named the call's action: where it was, and the verb."""

    source_id: str
    verb: str
    strength: float
    linked: bool


#: Nouns of tools that change who may do what (`set_workflow_permissions`,
#: `add_collaborator`, `update_sharing`): such a tool grants, whatever its verb.
_PRIVILEGE = frozenset(
    {
        "permission",
        "permissions",
        "collaborator",
        "collaborators",
        "admin",
        "admins",
        "owner",
        "delegate",
        "delegates",
        "delegation",
        "acl",
        "acls",
        "sharing",
        "role",
        "roles",
    }
)


def asked_verb(tool: str, task: str) -> tuple[str, ...]:
    """Return the sensitive action verbs of `tool`'s name (a privilege noun makes it
    `grant`) that `task` (lower case) does not ask for in any of their words."""
    words = words_of(tool)
    if any(w in _PRIVILEGE for w in words):
        words.append("grant")
    return tuple(
        w
        for w in dict.fromkeys(words)
        if w in _SENSITIVE and not any(verb_in(word, task) for word in _SENSITIVE[w])
    )


def verb_in(verb: str, text: str) -> bool:
    """Whether `text` uses `verb` in any inflection (`delete` → deleted, deleting)."""
    return _pattern(verb).search(text) is not None


@lru_cache(maxsize=1024)
def _pattern(verb: str) -> re.Pattern[str]:
    stem = verb[:-1] if verb.endswith("e") else verb
    # Short stems take only inflections ("add" is not in "address"); longer ones any ending.
    tail = r"(?:e|s|es|ed|d|ing|ion|ions)?\b" if len(stem) <= 4 else r"\w{0,4}\b"
    return re.compile(rf"\b{re.escape(stem)}{tail}")


def linked(literals: Iterable[str], output: str) -> bool:
    """Whether any argument literal of the call appears whole in `output`."""
    return any(
        re.search(rf"(?<![\w@.-]){re.escape(lit)}(?![\w@-])", output) is not None
        for lit in literals
        if len(lit) >= 3
    )
