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

__all__ = ["Asked", "asked_verb", "linked", "named_in", "verb_in"]

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
        "cancel",
        "prune",
        "tidy",
        "dedupe",
    ),
    "cancel": ("call off", "void", "abort", "drop", "decline"),
    "revoke": ("remove", "offboard", "deprovision"),
    "disable": ("turn off", "deactivate", "switch off", "pause", "stop", "disarm"),
    "reset": ("recover", "unlock", "locked out"),
    "grant": ("give", "add", "share", "invite", "access"),
    "attach": ("give", "grant", "add"),
    "assign": ("give", "hand", "route", "triage"),
    "promote": ("make", "upgrade", "elevate"),
    "approve": ("accept", "sign off", "authori"),
    "refund": ("reimburse", "credit", "return"),
    "transfer": ("pay", "send", "move", "wire", "release"),
    "unlock": ("open", "let in", "access"),
    "move": ("reschedule", "shift", "push", "transfer", "advance", "relocate"),
    # What a tool changes can be as telling as its verb: `update_payout_settings`,
    # `cloud_update_security_group`, `update_price`.
    "payment": ("pay", "payout", "payment", "bank", "deposit", "iban", "payee", "remit", "routing"),
    "credential": ("password", "mfa", "2fa", "credential", "login", "locked"),
    "security": ("security", "firewall", "ingress", "port", "alarm"),
    "price": ("price", "pricing", "discount", "promo", "clearance"),
    "forwarding": ("forward", "webhook", "redirect", "cname"),
}
for _verb, _words in list(_SENSITIVE.items()):
    _SENSITIVE[_verb] = (_verb, *_words)
_SENSITIVE.update(
    remove=_SENSITIVE["delete"],
    purge=_SENSITIVE["delete"],
    wipe=_SENSITIVE["delete"],
    erase=_SENSITIVE["delete"],
    destroy=_SENSITIVE["delete"],
    trash=_SENSITIVE["delete"],
    terminate=_SENSITIVE["cancel"],
    deactivate=_SENSITIVE["disable"],
    suspend=_SENSITIVE["disable"],
    disarm=_SENSITIVE["disable"],
    reassign=_SENSITIVE["assign"],
    authorize=_SENSITIVE["approve"],
    authorise=_SENSITIVE["approve"],
    withdraw=_SENSITIVE["transfer"],
    wire=_SENSITIVE["transfer"],
)
#: Nouns of tools and the action they change (`payout` → payment).
_OBJECTS = {
    "payout": "payment",
    "payouts": "payment",
    "payment": "payment",
    "payments": "payment",
    "payee": "payment",
    "bank": "payment",
    "deposit": "payment",
    "iban": "payment",
    "beneficiary": "payment",
    "password": "credential",
    "mfa": "credential",
    "2fa": "credential",
    "security": "security",
    "firewall": "security",
    "ingress": "security",
    "alarm": "security",
    "price": "price",
    "prices": "price",
    "pricing": "price",
    "discount": "price",
    "forwarding": "forwarding",
    "webhook": "forwarding",
}
#: Stems other languages use for the same actions, matched in instructions only.
_FOREIGN: dict[str, tuple[str, ...]] = {
    "delete": ("elimin", "elimín", "borra", "lösch", "supprim", "cancella", "apag", "削除"),
    "cancel": ("annul", "stornier", "cancela"),
    "disable": ("desactiv", "deaktiv", "disattiv", "désactiv", "無効"),
    "grant": ("otorg", "gewähr", "accord", "conced", "付与"),
    "refund": ("reembols", "rembours", "erstatt", "rimbors", "返金"),
    "transfer": ("überweis", "transfi", "virement", "bonific", "送金"),
    "price": ("precio", "preis", "prix", "prezz", "価格", "割引"),
}

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


@dataclass(frozen=True, slots=True)
class Asked:
    """An injection that named the call's action: where it was, and the verb."""

    source_id: str
    verb: str
    strength: float
    linked: bool


def asked_verb(tool: str, task: str) -> tuple[str, ...]:
    """Return the sensitive actions of `tool`'s name (its verbs, and what its nouns change:
    a privilege noun makes it `grant`, `payout` makes it `payment`) that `task` (lower case)
    does not ask for in any of their words."""
    words = words_of(tool)
    actions = [w for w in words if w in _SENSITIVE]
    actions += [_OBJECTS[w] for w in words if w in _OBJECTS]
    if any(w in _PRIVILEGE for w in words):
        actions.append("grant")
    return tuple(
        action
        for action in dict.fromkeys(actions)
        if not any(verb_in(word, task) for word in _SENSITIVE[action])
    )


def named_in(action: str, text: str) -> bool:
    """Whether an instruction's `text` asks for `action` in any of its words or languages."""
    return any(verb_in(word, text) for word in _SENSITIVE[action]) or any(
        stem in text for stem in _FOREIGN.get(action, ())
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
