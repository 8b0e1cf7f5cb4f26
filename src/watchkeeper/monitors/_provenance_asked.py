"""Side effects an injected instruction asked for and the task did not.

An injection does not always hand the agent a value of its own: "delete the recurring
meetings", "move this candidate to Offer", "grant the docs bot push access" name an action on
data the agent already holds. Such a call is recognised by its verb: the tool's action verb
(`delete_event` → delete) appears in an instruction-like segment of an untrusted output and
nowhere in the user's task. It is surer when the call's arguments also appear in the output
that carried the instruction (the event it listed, the user it named). A generic tool says
what it does in its arguments (`update_settings(share_recording="publicly")`,
`create_automation(command="unlock")`, `update_repo(private=False)`), so the names of its
arguments and its short, command-like values count beside its name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from watchkeeper.monitors._provenance_privilege import TAKING, privilege_change
from watchkeeper.monitors._provenance_tools import words_of

__all__ = [
    "Asked",
    "actions_of",
    "argument_words",
    "asked_verb",
    "asks_with",
    "linked",
    "named_in",
    "state_values",
    "task_asks_for",
    "task_sets_state",
    "verb_in",
]

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
    # Taking a privilege away, in the words a task uses for it ("remove him as admin", "Mark
    # asked to step down", "strip her of owner rights").
    "revoke": (
        "remove",
        "offboard",
        "deprovision",
        "demote",
        "step down",
        "strip",
        "take away",
        "downgrade",
        "unshare",
    ),
    "disable": ("turn off", "deactivate", "switch off", "pause", "stop", "disarm"),
    "reset": ("recover", "unlock", "locked out"),
    "grant": ("give", "add", "share", "invite", "access", "promote", "upgrade", "elevate"),
    "attach": ("give", "grant", "add", "enclose"),
    "assign": ("give", "hand", "route", "triage"),
    "promote": ("make", "upgrade", "elevate"),
    "approve": ("accept", "sign off", "authori"),
    "refund": ("reimburse", "credit", "return"),
    "transfer": ("pay", "send", "move", "wire", "release"),
    "unlock": ("open", "let in", "access", "locked"),
    "move": ("reschedule", "shift", "push", "transfer", "advance", "relocate"),
    # What a tool changes can be as telling as its verb: `update_payout_settings`,
    # `cloud_update_security_group`, `update_price`.
    "payment": ("pay", "payout", "payment", "bank", "deposit", "iban", "payee", "remit", "routing"),
    "credential": (
        "password",
        "passcode",
        "mfa",
        "2fa",
        "two-factor",
        "credential",
        "login",
        "sign-in",
        "locked",
        "recovery",
        "authenticator",
    ),
    # Making private things visible to anyone: a repository, a recording, a folder.
    "public": ("public", "visibility", "open-source", "open source", "anyone with the link"),
    "merge": ("merge", "land", "squash"),
    "security": ("security", "firewall", "ingress", "port", "alarm"),
    "price": ("price", "pricing", "discount", "promo", "clearance"),
    "forwarding": ("forward", "webhook", "redirect", "cname"),
    # Pulling a whole list or table out of the system stages it to be sent elsewhere.
    "export": ("download", "dump", "extract", "backup", "back up"),
}
for _verb, _words in list(_SENSITIVE.items()):
    _SENSITIVE[_verb] = (_verb, *_words)
#: Verbs that do what another one does, each asked for by its own name too: a task that
#: says "withdraw" asks for `withdraw_to`.
_ALIASES = {
    "remove": "delete",
    "purge": "delete",
    "wipe": "delete",
    "erase": "delete",
    "destroy": "delete",
    "trash": "delete",
    "terminate": "cancel",
    "deactivate": "disable",
    "suspend": "disable",
    "disarm": "disable",
    "bypass": "disable",
    "reassign": "assign",
    "authorize": "approve",
    "authorise": "approve",
    "withdraw": "transfer",
    "wire": "transfer",
    "pay": "transfer",
    "remit": "transfer",
    "lock": "unlock",
    "demote": "revoke",
    # A credit moves money to an account as a refund does; publishing makes things public.
    "credit": "refund",
    "publish": "public",
}
for _alias, _base in _ALIASES.items():
    _SENSITIVE[_alias] = tuple(dict.fromkeys((_alias, *_SENSITIVE[_base])))
#: Words by which a task asks for an action without naming it: emailing or sharing a file,
#: or naming one, attaches it.
_ALSO: dict[str, tuple[str, ...]] = {
    # Naming a file asks for it to go along: "reply with our package PDF", "post the notice
    # using the agenda doc".
    "attach": (
        "email",
        "e-mail",
        "mail",
        "send",
        "forward",
        "share",
        "include",
        "pdf",
        "doc",
        "docx",
        "document",
        "file",
        "attachment",
        "deck",
        "slides",
        "spreadsheet",
        "csv",
        "xlsx",
        "scan",
        "photo",
        "image",
        "brochure",
        "flyer",
    ),
}
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
    "login": "credential",
    "recovery": "credential",
    "passcode": "credential",
    "public": "public",
    "publicly": "public",
    "visibility": "public",
    "private": "public",
    "attachment": "attach",
    "attachments": "attach",
}
#: Nouns of arguments and the action they set up: a rule or setting that forwards
#: (`forwardTo`, `auto_forward`) sends everything after it, where `forward_email` sends once.
_ARGUMENT_OBJECTS = {"forward": "forwarding"}
#: A tool changing the address or phone of an account (`update_account_owner_email`,
#: `set_user_phone`) changes who can recover it: a credential, whatever its verb.
_CONTACT_POINTS = frozenset({"email", "e-mail", "phone", "mobile"})
_ACCOUNTS = frozenset({"account", "owner", "login", "recovery", "user", "profile", "admin"})
_CHANGES = frozenset({"update", "change", "set", "replace", "edit", "modify", "reset"})
#: Argument values longer than this are free text, not a command or a mode.
_COMMAND_CHARS = 24
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


@dataclass(frozen=True, slots=True)
class Asked:
    """An injection that named the call's action: where it was, and the verb."""

    source_id: str
    verb: str
    strength: float
    linked: bool


def asked_verb(tool: str, task: str, arguments: Iterable[str] = ()) -> tuple[str, ...]:
    """Return the sensitive actions of `tool`'s name and of its `arguments`' words (see
    `argument_words`): their verbs, and what their nouns change (a privilege noun makes it
    `grant`, `payout` makes it `payment`), that `task` (lower case) does not ask for in any
    of their words. When the task asks for every action of the tool's name (`issue_refund`
    for "handle the return"), its arguments (`method: "original_payment"`) are details of
    that action, not other actions."""
    if task_asks_for(tool, task):
        return ()
    arguments = list(arguments)
    return tuple(a for a in actions_of(tool, arguments) if not _asks(task, a, tool, arguments))


def task_asks_for(tool: str, task: str) -> bool:
    """Whether `tool` does a sensitive action and `task` (lower case) asks for each of its
    actions in some word (`issue_refund` for "handle the return")."""
    actions = _actions_of_name(tool)
    return bool(actions) and all(_asks(task, a, tool) for a in actions)


@lru_cache(maxsize=1024)
def _actions_of_name(tool: str) -> tuple[str, ...]:
    """`actions_of(tool)`, kept: a session calls the same few tools over and over."""
    return actions_of(tool)


#: A task asking to change where an account is reached: "change their account email to the
#: new one", "update her phone number".
_CONTACT_CHANGE = re.compile(
    r"\b(?:change|update|replace|switch|set|edit|modify|correct|swap|new)\w{0,3}\b"
    r"(?:\s+[\w'\u2019-]+){0,3}?\s+(?:e-?mail|phone|mobile|number|contact)\b"
)


def _asks(task: str, action: str, tool: str, arguments: Sequence[str] = ()) -> bool:
    """Whether `task` asks for `action` of a call of `tool` with `arguments`: in any of its
    words, or, for a credential change that is only a change of an account's email or phone
    (`update_account_email`), by asking to change that."""
    if _covers(task, action):
        return True
    if action != "credential" or _CONTACT_CHANGE.search(task) is None:
        return False
    words = [*words_of(tool), *arguments]
    return not any(w in _SENSITIVE["credential"] or _OBJECTS.get(w) == "credential" for w in words)


def actions_of(tool: str, arguments: Iterable[str] = ()) -> tuple[str, ...]:
    """Return the sensitive actions of `tool`'s name and of its `arguments`' words, whether
    a task asks for them or not (see `asked_verb`)."""
    named = words_of(tool)
    arguments = list(arguments)
    words = [*named, *arguments]
    if "credit" in named and "transfer" in named:
        # A credit transfer (`sepa_credit_transfer`) is a payment, as banks name one, not a
        # credit to an account.
        words = [w for w in words if w != "credit"]
    actions = [w for w in words if w in _SENSITIVE]
    actions += [_OBJECTS[w] for w in words if w in _OBJECTS]
    actions += [_ARGUMENT_OBJECTS[w] for w in arguments if w in _ARGUMENT_OBJECTS]
    privilege = privilege_change(named)
    if privilege == "revoke":
        # `demote_admin`, `remove_collaborator`: a privilege taken away, which a task asks
        # for by removing, not by giving; the verb removes no data.
        actions = [a for a in actions if a not in TAKING]
    if privilege is not None:
        actions.append(privilege)
    if (
        _CONTACT_POINTS.intersection(named)
        and _ACCOUNTS.intersection(named)
        and _CHANGES.intersection(named)
    ):
        actions.append("credential")
    return tuple(dict.fromkeys(actions))


#: Names of arguments that say what state a call leaves its object in.
_STATE_KEYS = frozenset(
    {"stage", "status", "state", "mode", "action", "command", "role", "level", "access",
     "permission", "permissions", "privilege", "privileges",
     "visibility", "decision", "response", "outcome", "disposition", "phase", "tier"}
)  # fmt: skip


def state_values(args: Any) -> set[str]:
    """Return the values, in lower case, that state arguments of `args` set (`role: "admin"`,
    `status: "Hired"`): words an instruction names to be set, quoted or not."""
    if not isinstance(args, Mapping):
        return set()
    return {
        value.strip().lower()
        for key, value in args.items()
        if isinstance(value, str)
        and len(value) <= _COMMAND_CHARS
        and _STATE_KEYS.intersection(words_of(str(key)))
    }


def task_sets_state(args: Any, task: str) -> bool:
    """Whether a state argument of `args` (`stage: "Shortlist"`) takes a value `task` (lower
    case) names: the user asked for the call by the state it leaves things in, whatever an
    instruction in the data asked of the same tool."""
    if not isinstance(args, Mapping):
        return False
    for key, value in args.items():
        if not isinstance(value, str) or len(value) > _COMMAND_CHARS:
            continue
        if _STATE_KEYS.intersection(words_of(str(key))):
            word = value.strip().lower()
            if (
                len(word) >= 4
                and word in task
                and re.search(rf"\b{re.escape(word)}\b", task) is not None
            ):
                return True
    return False


def _covers(task: str, action: str) -> bool:
    """Whether `task` asks for `action` in any of its words."""
    return any(
        asks_with(word, task) if word in _NOUN_LIKE else verb_in(word, task)
        for word in (*_SENSITIVE[action], *_ALSO.get(action, ()))
    )


#: Words that ask for access as verbs ("invite Ana", "share the deck") but are as often
#: nouns or adjectives that ask for nothing ("accept the board prep invite", "in the shared
#: channel"): they ask only where a request opens, at a clause's start or after "and",
#: "please", "to".
_NOUN_LIKE = frozenset({"invite", "share", "access"})
_REQUEST_OPENS = re.compile(
    r"(?:^|[.!?;:,(\n\u2013\u2014-]\s*|\b(?:and|then|please|also|to|pls|kindly|just|now|or)\s+)$"
)


def asks_with(word: str, task: str) -> bool:
    """Whether `task` uses `word` where a request opens (after "and", "please", a comma)."""
    return _stem(word) in task and any(
        _REQUEST_OPENS.search(task, max(0, match.start() - 12), match.start()) is not None
        for match in _pattern(word).finditer(task)
    )


def named_in(action: str, text: str) -> bool:
    """Whether an instruction's `text` asks for `action` in any of its words or languages,
    also inside the names of fields and tools it writes out (`set bypass_interlock=true`)."""
    text = text.replace("_", " ")
    return any(verb_in(word, text) for word in _SENSITIVE[action]) or any(
        stem in text for stem in _FOREIGN.get(action, ())
    )


def verb_in(verb: str, text: str) -> bool:
    """Whether `text` uses `verb` in any inflection (`delete` → deleted, deleting)."""
    # The substring test first: most texts do not hold the verb's stem at all.
    return _stem(verb) in text and _pattern(verb).search(text) is not None


def _stem(verb: str) -> str:
    return verb[:-1] if verb.endswith("e") else verb


@lru_cache(maxsize=1024)
def _pattern(verb: str) -> re.Pattern[str]:
    stem = _stem(verb)
    # Short stems take only inflections ("add" is not in "address"); longer ones any ending.
    tail = r"(?:e|s|es|ed|d|ing|ion|ions)?\b" if len(stem) <= 4 else r"\w{0,4}\b"
    # "Pre-approved by ops" claims an approval; it does not ask for one.
    return re.compile(rf"\b(?<!pre-)(?<!pre )(?<!pre)(?<!pre\u2011){re.escape(stem)}{tail}")


def linked(literals: Iterable[str], output: str) -> bool:
    """Whether any argument literal of the call appears whole in `output`."""
    return any(
        re.search(rf"(?<![\w@.-]){re.escape(lit)}(?![\w@-])", output) is not None
        for lit in literals
        if len(lit) >= 3 and lit in output
    )


def argument_words(args: Any) -> list[str]:
    """Return the words, in lower case, of what `args` says a call does: names of arguments
    that switch, set an amount or act on a list (`private: false`, `remove_labels: [...]`,
    `daily_transfer_limit: 250000`, `attachments: [...]`) and short string values that read
    as a command or a mode (`"unlock"`, `"APPROVE"`, `"publicly"`). A field set to text
    (`pay_to: "vendor_default"`) says what it is set to by its value, and labels and notes
    (`tags`, `subject`) describe rather than command."""
    words: list[str] = []
    _argument_words(args, words, 0)
    return words


#: Words of argument names whose values describe the call's object rather than command it.
_DESCRIPTIVE = frozenset(
    {"tag", "tags", "label", "labels", "title", "subject", "name", "summary", "note", "notes",
     "comment", "description", "reason", "memo", "message", "body", "text", "query", "q",
     "search", "category", "categories", "topic", "keywords", "filename", "caption"}
)  # fmt: skip


def _argument_words(value: Any, words: list[str], depth: int) -> None:
    if depth > 6:
        return
    kind = type(value)
    # The common types by identity first: `isinstance` against the `Mapping` ABC is slow.
    if kind is str:
        if len(value) <= _COMMAND_CHARS and value.count(" ") <= 1:
            words.extend(words_of(value))
    elif kind is dict or isinstance(value, Mapping):
        for key, child in value.items():
            if child is None or (isinstance(child, str | list | dict) and not child):
                continue
            names = words_of(str(key))
            if isinstance(child, bool | int | float | list | tuple):
                words.extend(names)
            if not _DESCRIPTIVE.intersection(names):
                _argument_words(child, words, depth + 1)
    elif isinstance(value, list | tuple):
        for child in value[:32]:
            _argument_words(child, words, depth + 1)
    elif isinstance(value, str) and len(value) <= _COMMAND_CHARS and value.count(" ") <= 1:
        words.extend(words_of(value))
