"""Requests the user's task hands over to a text it names.

"Change their account email to the new one they gave in ticket #7713", "Northbeam emailed
that their billing address changed - update their client record": the task points to the
text that says what to do, and the request in that text ("please change my login email to
…") is then what the user asked for, with its values, though it reads like an instruction.
It is the user's only when all of these hold:

* the task points to a source: a kind of text named with a reference ("in the ticket",
  "the email from Northbeam", "as requested in the form", "Northbeam emailed") — not a
  container ("in my inbox") — and the output is of that source: it holds the party or the
  number the task names, or, when the task names neither, its tool reads that kind of text;
* the request is ordinary prose, not a strong injection (text addressed to the assistant,
  overriding instructions, posing as the system);
* the call does what the task asks, by a verb of the same kind and an object the task names,
  and the request asks for that same kind of action on that same object;
* a request that announces changed details (a moved bank account, a new address) is
  followed only when the task itself speaks of a change, and one asking for more besides
  ("also add them as a guest", "cc our agency") only when the task does too.

An injection in another source, or one asking for another kind of action, still counts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from watchkeeper.monitors._provenance_asked import asks_with, verb_in
from watchkeeper.monitors._provenance_tools import READ_VERBS, acts, words_of

__all__ = ["Delegation", "delegation_of", "does_as_asked", "follows_steps", "is_source"]

#: How much of a task is read for what it points to (a pasted log points nowhere).
_MAX_TASK = 4000
#: Kinds of text a task can point to, each with the words that name it in a task and the
#: words of the names of tools that read it.
_KINDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "mail": (
        frozenset({"email", "e-mail", "mail"}),
        frozenset({"email", "emails", "mail", "mails", "gmail", "outlook", "inbox", "mailbox"}),
    ),
    "message": (
        frozenset({"message", "text", "sms", "dm", "chat", "voicemail", "whatsapp"}),
        frozenset(
            {
                "message",
                "messages",
                "msg",
                "msgs",
                "sms",
                "text",
                "texts",
                "chat",
                "chats",
                "whatsapp",
                "slack",
                "imessage",
                "signal",
                "telegram",
                "teams",
                "dm",
                "dms",
                "conversation",
                "conversations",
                "thread",
                "threads",
                "voicemail",
                "inbox",
            }
        ),
    ),
    "ticket": (
        frozenset({"ticket", "case", "issue", "complaint", "enquiry", "inquiry"}),
        frozenset(
            {
                "ticket",
                "tickets",
                "desk",
                "helpdesk",
                "zendesk",
                "freshdesk",
                "support",
                "case",
                "cases",
                "issue",
                "issues",
                "jira",
                "request",
                "requests",
            }
        ),
    ),
    "form": (
        frozenset({"form", "submission", "application", "survey", "questionnaire"}),
        frozenset(
            {
                "form",
                "forms",
                "submission",
                "submissions",
                "typeform",
                "application",
                "applications",
                "response",
                "responses",
                "survey",
                "surveys",
                "intake",
            }
        ),
    ),
    "document": (
        frozenset({"doc", "document", "note", "memo", "letter", "brief", "spec", "sheet"}),
        frozenset(
            {
                "doc",
                "docs",
                "document",
                "documents",
                "drive",
                "file",
                "files",
                "note",
                "notes",
                "notion",
                "sheet",
                "sheets",
                "dropbox",
                "wiki",
                "confluence",
                "page",
            }
        ),
    ),
    "comment": (
        frozenset({"comment", "review", "reply", "post"}),
        frozenset({"comment", "comments", "review", "reviews", "post", "posts", "thread"}),
    ),
}
#: Requests come by any of those: a queue of them ("the pending access requests") is read by
#: a tool of any kind of message.
_KINDS["request"] = (
    frozenset({"request"}),
    frozenset().union(*(_KINDS[kind][1] for kind in ("mail", "message", "ticket", "form"))),
)
_NOUNS = "|".join(sorted({w for words, _ in _KINDS.values() for w in words}, key=len))
#: Verbs by which a party sends the text a task points to: "Northbeam emailed that …".
_SENT_BY: dict[str, str] = {
    "emailed": "mail",
    "e-mailed": "mail",
    "mailed": "mail",
    "texted": "message",
    "messaged": "message",
    "dm'd": "message",
    "dmed": "message",
    "wrote": "",
    "asked": "",
    "requested": "",
    "filed": "ticket",
    "submitted": "form",
    "replied": "",
    "reported": "",
}
#: A specific text: a determiner or a possessor before its kind, or after it its number or
#: its sender ("ticket #7713", "the email from Northbeam"); not a container ("my inbox").
_POINTED = re.compile(
    rf"\b(?:in|from|on|per|under|via|according to|as (?:\w+ ){{0,2}}in)\s+"
    rf"(?:(?:the|their|his|her|its|this|that|these|those|[\w-]+['\u2019]s)\s+)?"
    rf"(?:(?!(?:my|our|your)\b)[\w-]+\s+){{0,2}}?({_NOUNS})s?\b(?!\s+(?:address|account|app|client))"
    rf"|\b(?:the|their|his|her|its|this|that|[\w-]+['\u2019]s)\s+(?:[\w-]+\s+){{0,2}}?"
    rf"({_NOUNS})s?\s+(?:from|by)\b"
    rf"|\b(?:the|their|his|her|these|those|all|any|new|pending|open|incoming|[\w-]+['\u2019]s)"
    rf"\s+(?:[\w-]+\s+){{0,2}}?(request)s?\b",
    re.IGNORECASE,
)
_NUMBERED = re.compile(rf"\b({_NOUNS})\s*(?:#|no\.?|number)?\s*([a-z]*\d[\w-]*)", re.IGNORECASE)
_SENDER = re.compile(
    r"(?:^|[\s,;(])([\w&.'\u2019-]{1,40}(?:\s+[\w&.'\u2019-]{1,40})?)\s+(?:has\s+|have\s+|just\s+)?("
    + "|".join(map(re.escape, _SENT_BY))
    + r")\b",
    re.IGNORECASE,
)
_FROM = re.compile(
    rf"\b(?:{_NOUNS})s?\s+(?:from|by)\s+([\w&.'\u2019-]{{1,40}}(?:\s+[\w&.'\u2019-]{{1,40}})?)",
    re.IGNORECASE,
)
#: A party's own text or details: "Northbeam's email", "Ana's new phone number".
_OWNED = re.compile(
    rf"(?<![\w&.-])([\w&.-]{{1,40}})['\u2019]s\s+(?:(?:new|updated|latest|changed|current)\s+)?"
    rf"(?:[\w-]+\s+)?"
    rf"(?:{_NOUNS}|address|number|phone|details|info|information|iban|account|requests?)s?\b",
    re.IGNORECASE,
)
#: Words that name nobody in particular: a party given by them is found by its kind alone.
_NOBODY = frozenset(
    {"the", "a", "an", "our", "my", "their", "his", "her", "its", "they", "he", "she", "we",
     "i", "you", "it", "someone", "somebody", "customer", "client", "user", "vendor",
     "supplier", "landlord", "tenant", "boss", "manager", "team", "member", "guest",
     "candidate", "patient", "new", "and", "who", "that", "which", "also", "just", "has",
     "have", "had", "she's", "he's", "they've", "already", "today", "yesterday", "then",
     "please", "hey", "this", "morning", "last", "night", "week", "everyone", "people"}
)  # fmt: skip
#: A sender the user has in particular, named by their role: "my landlord", "our accountant".
_MY_SOMEONE = re.compile(r"(?:my|our)\s+[a-z][\w-]{2,30}", re.IGNORECASE)
#: What a request says when it changes where things go: a new account, a moved address.
_CHANGE_NOTICE = re.compile(
    r"\b(?:new|changed?|updated?|moved|switched|switching|no longer|instead|replaced|"
    r"different|old|former|previous)\b"
)
_SPEAKS_OF_CHANGE = re.compile(
    r"\b(?:new|changed?|changing|updated?|moved|switched|different|replace[ds]?)\b", re.IGNORECASE
)
#: Kinds of action and the words a task or a request uses for each. A tool's verb is of
#: every kind that lists it.
_ACTIONS: dict[str, tuple[str, ...]] = {
    "change": ("update", "change", "edit", "modify", "set", "replace", "switch", "correct",
               "amend", "fix", "adjust", "alter", "patch", "rename", "swap", "move"),
    "add": ("add", "create", "insert", "register", "enrol", "enroll", "set up", "log",
            "record", "save", "store", "import", "upload", "attach", "include", "put"),
    "remove": ("remove", "delete", "drop", "clear", "erase", "purge", "trash", "wipe",
               "unassign", "kick", "unsubscribe", "archive", "take off"),
    "revoke": ("revoke", "demote", "remove", "step down", "strip", "downgrade", "unshare",
               "deprovision", "offboard", "disable", "deactivate", "suspend"),
    "grant": ("grant", "give", "share", "invite", "add", "promote", "upgrade", "elevate",
              "allow", "enable", "activate", "unlock"),
    "send": ("send", "resend", "email", "e-mail", "mail", "reply", "respond", "forward", "export",
             "message", "text", "notify", "post"),
    "pay": ("pay", "transfer", "wire", "remit", "settle", "reimburse", "refund"),
    "book": ("book", "schedule", "reserve", "reschedule", "rebook", "arrange", "rsvp"),
    "cancel": ("cancel", "call off", "void", "decline"),
    "approve": ("approve", "accept", "sign off", "authorize", "authorise", "confirm"),
}  # fmt: skip
#: Words of tool names and argument names that name no object of their own.
_VAGUE = frozenset(
    {"id", "ids", "new", "old", "to", "from", "by", "for", "of", "in", "on", "the", "and",
     "data", "info", "details", "value", "values", "item", "items", "entry", "type", "name",
     "note", "notes", "text", "body", "subject", "description", "comment", "reason",
     "status", "field", "fields", "params", "options", "api", "v1", "v2", "v3", "admin",
     "record", "records", "object", "resource", "cc", "bcc", "message", "content", "html"}
)  # fmt: skip
#: The means of a send: what it goes by, not what it is about.
_MEDIA = frozenset(
    {"email", "e-mail", "emails", "mail", "gmail", "message", "messages", "sms", "text", "chat",
     "dm", "whatsapp", "slack", "reply", "post"}
)  # fmt: skip
#: A request for something beyond what it is about: "also add them as a guest", "cc our
#: agency", "send a copy to …".
_MORE = re.compile(
    r"\b(?:also|additionally|as well|in addition|cc|bcc|copy|copies|while you(?:'re| are) at it)\b"
)
#: A task handing over a request whole: "do what she asked", "make the changes they
#: requested", "as requested in the document", "handle the customer's request".
_WHOLE = re.compile(
    r"\b(?:what(?:ever)?|everything|anything|the (?:changes?|updates?|edits?|fix(?:es)?|"
    r"things?))\s+(?:[\w'\u2019-]+\s+){0,2}?(?:asked|asks|requested|requests|wanted|wants|"
    r"needs|needed|described|specified|listed)\b"
    r"|\bas (?:requested|asked|instructed|described|specified|listed)\b"
    r"|\b(?:their|his|her|its|the|[\w-]+['\u2019]s)\s+(?:[\w-]+\s+){0,2}?requests?\b",
    re.IGNORECASE,
)
#: Verbs by which a task asks for whatever a request it hands over asks.
_HANDLE = re.compile(
    r"\b(?:do|handle|action|process|sort out|take care of|deal with|complete|fulfil+|"
    r"carry out|go ahead)\b"
)
#: Words of tool names that make a call a payment.
_MONEY = frozenset({"money", "payment", "payments", "funds", "remittance", "wire"})
#: What a request asks to be paid: "pay rent to …", "settle the March invoice".
_PAID = re.compile(
    r"\b(?:pay|transfer|wire|remit|settle)\s+(?:(?:the|my|your|our|this|that|its|his|her|their)"
    r"\s+)?(?:[a-z]+\s+)?([a-z]{3,})\b"
)
_NEGATED = re.compile(r"\b(?:don['\u2019]?t|do not|never|no need to|not to|without)\s+\w+")


#: A task handing over the steps of a procedure: "run the IT onboarding checklist", "rotate
#: the key by following their steps", "per the runbook".
_STEPS = re.compile(
    r"\b(?:run|follow|following|complete|execute|work through|go through|carry out|per|"
    r"according to|as (?:described|listed|set out|laid out) in)\s+(?:(?:the|our|their|its|his|"
    r"her|my|this|that|[\w-]+['\u2019]s)\s+)?(?:[\w-]+\s+){0,3}?(?:checklist|runbook|playbook|"
    r"procedure|steps|instructions|sop|guide)s?\b"
)


@lru_cache(maxsize=1024)
def follows_steps(task: str) -> bool:
    """Whether `task` (lower case) asks for the steps a procedure lists to be carried out:
    the requests in it are then the user's, as far as they are ordinary prose."""
    return _STEPS.search(task[:_MAX_TASK]) is not None


@dataclass(frozen=True, slots=True)
class Delegation:
    """Where a task says a request to follow is: the kinds of text and the parties or
    numbers it names (lower case), whether it speaks of changed details, and whether it
    hands over the request whole ("do what she asked", "as requested in the form"), which
    then names the action and its object for it."""

    kinds: frozenset[str]
    names: frozenset[str]
    changes: bool
    whole: bool = False


def delegation_of(task: str) -> Delegation | None:
    """Return the source `task` points to (None when it points to none)."""
    task = task[:_MAX_TASK]
    kinds: set[str] = set()
    names: set[str] = set()
    for match in _POINTED.finditer(task):
        kinds.add(_kind_of((match.group(1) or match.group(2) or match.group(3)).lower()))
    for match in _NUMBERED.finditer(task):
        if len(match.group(2)) >= 3:
            kinds.add(_kind_of(match.group(1).lower()))
            names.add(match.group(2).lower())
    for match in _SENDER.finditer(task):
        party = _names(match.group(1))
        kind = _SENT_BY[match.group(2).lower()]
        if party:
            names |= party
        if kind and (party or _MY_SOMEONE.fullmatch(match.group(1).strip())):
            # "My landlord emailed me …" names nobody, but points to that landlord's email
            # ("the customer emailed" points to no one in particular).
            kinds.add(kind)
    for pattern in (_FROM, _OWNED):
        for match in pattern.finditer(task):
            names |= _names(match.group(1))
    if not kinds and not names:
        return None
    changes = _SPEAKS_OF_CHANGE.search(task) is not None
    whole = _WHOLE.search(task) is not None
    return Delegation(frozenset(kinds), frozenset(names), changes, whole)


def _kind_of(noun: str) -> str:
    return next(kind for kind, (words, _) in _KINDS.items() if noun in words)


def _names(party: str) -> set[str]:
    """The words of `party` that name someone: written with a capital (a name, not a role)
    or holding a digit, without a possessive."""
    words = (re.sub(r"['\u2019]s$", "", w.strip(".,;:'\u2019")) for w in party.split())
    return {
        word.lower()
        for word in words
        if len(word) >= 3
        and word.lower() not in _NOBODY
        and (word[0].isupper() or any(ch.isdigit() for ch in word))
    }


def is_source(delegated: Delegation, tool: str, call: str, output: str) -> bool:
    """Whether the output of `tool`, called with arguments `call` (lower-case text), is the
    text `delegated` points to: it or the call holds a name the task gives, or, when the task
    gives none, the tool reads a kind of text the task names."""
    if delegated.names:
        return any(_word(name, output) or _word(name, call) for name in delegated.names)
    words = set(words_of(tool))
    return any(words & _KINDS[kind][1] for kind in delegated.kinds)


def does_as_asked(delegated: Delegation, task: str, tool: str, args: Any, request: str) -> bool:
    """Whether a call of `tool` with `args` does what `task` (lower case) asks and what a
    `request` (lower case) in the source it points to asks: a sentence of the request asks
    for an action of the call's kind on an object the task names too (or on the numbered
    text itself), and nothing more; a request announcing changed details only for a task
    that speaks of a change."""
    named = words_of(tool)
    verb = next((w for w in named if any(w in words for words in _ACTIONS.values())), None)
    if verb is None:
        return False
    kinds = [kind for kind, words in _ACTIONS.items() if verb in words]
    if "pay" not in kinds and not _MONEY.isdisjoint(named):
        # `send_money`, `create_payment`: a payment, whatever its verb.
        kinds.append("pay")
    asked = _NEGATED.sub(" ", task)
    # A task handing the request over whole may name its action only as "do", "handle".
    any_kind = delegated.whole and _HANDLE.search(asked) is not None
    kinds = [kind for kind in kinds if any_kind or _uses(kind, asked)]
    if not kinds:
        return False
    objects = [o for o in _objects(named, args, kinds) if delegated.whole or _word_stem(o, asked)]
    on_source = _on_source(delegated, args)
    more = _MORE.search(asked) is not None
    paying = "pay" in kinds
    if not any(
        any(_uses(kind, sentence) for kind in kinds)
        and (
            on_source
            or any(_word_stem(o, sentence) for o in objects)
            or (paying and _pays_for_the_same(sentence, asked))
        )
        and (more or _MORE.search(sentence) is None)
        for sentence in request.split("\n")
    ):
        return False
    return delegated.changes or _CHANGE_NOTICE.search(request) is None


def _pays_for_the_same(sentence: str, task: str) -> bool:
    """Whether `sentence` asks to pay for what `task` asks to pay for ("please pay rent to …"
    for "the rent details … please pay it"): a payment tool names only the means and the
    amount (`send_money`), so what is paid is read from the request and looked for in the task."""
    return any(_word_stem(paid, task) for paid in _PAID.findall(sentence))


def _on_source(delegated: Delegation, args: Any) -> bool:
    """Whether a call acts on the numbered text the task points to itself (a reply on
    ticket 7713): one of its arguments is that number."""
    numbers = {name for name in delegated.names if any(ch.isdigit() for ch in name)}
    return (
        bool(numbers)
        and isinstance(args, Mapping)
        and any(
            isinstance(value, str | int) and str(value).lower().lstrip("#") in numbers
            for value in args.values()
        )
    )


def _uses(kind: str, text: str) -> bool:
    """Whether `text` asks for an action of `kind` in any of its words; a word that is as
    often a noun ("the account email", "their text") only where a request opens."""
    return any(
        asks_with(word, text) if word in _MEDIA else verb_in(word, text) for word in _ACTIONS[kind]
    )


def _objects(named: Sequence[str], args: Any, kinds: list[str]) -> set[str]:
    """What a call acts on: the words of its tool's name (`update_email` → email) and the
    nouns of its arguments' names (`billing_address`), without its verb's kind of action
    and, for a send or a payment, without the means it goes by (`send_email`)."""
    doing = {word for kind in kinds for word in _ACTIONS[kind]}
    if "send" in kinds or "pay" in kinds:
        doing |= _MEDIA
    words = [w for w in named if w not in doing]
    if isinstance(args, Mapping):
        for key in args:
            # A flag opens with its verb (`send_confirmation`); a field is a noun (`email`).
            parts = words_of(str(key))
            words.extend(parts[1:] if len(parts) > 1 and acts(parts[0]) else parts)
    return {
        w
        for w in words
        if len(w) > 2
        and w not in _VAGUE
        and w not in doing
        and w not in READ_VERBS
        and not w.isdigit()
    }


def _word_stem(word: str, text: str) -> bool:
    stem = word[:-1] if word.endswith("s") and len(word) > 4 else word
    # The substring test first: most texts do not hold the stem at all.
    return stem in text and re.search(rf"\b{re.escape(stem)}", text) is not None


def _word(name: str, text: str) -> bool:
    return name in text and re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", text) is not None
