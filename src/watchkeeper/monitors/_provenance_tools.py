"""Which tools read and which act, from configuration or inferred from their names."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

__all__ = [
    "ACT_VERBS",
    "CORE_ACT_VERBS",
    "MORE_ACT_VERBS",
    "ToolKinds",
    "ToolRole",
    "acts",
    "fetches",
]


class ToolRole(Enum):
    """What a tool call does: reads data, causes a side effect, or neither as far as we know."""

    READ = "read"
    ACT = "act"
    OTHER = "other"


_SPLIT = re.compile(r"[_\-.\s]+|(?<=[a-z])(?=[A-Z])")

#: Verbs of side effects in the mail, files and banking suites; words of a tool's name that say
#: *how* it acts (the nouns say on what).
CORE_ACT_VERBS = frozenset(
    [
        "send",
        "pay",
        "transfer",
        "wire",
        "delete",
        "remove",
        "share",
        "invite",
        "post",
        "update",
        "create",
        "write",
        "book",
        "forward",
        "reply",
        "schedule",
        "append",
        "cancel",
        "reserve",
        "set",
        "change",
        "upload",
        "move",
        "rename",
        "publish",
        "add",
        "grant",
        "submit",
        "purchase",
        "buy",
        "order",
        "reset",
        "approve",
        "execute",
        "run",
        "edit",
        "modify",
        "tweet",
        "comment",
        "email",
        "message",
        "dm",
        "reschedule",
        "revoke",
        "drop",
        "kill",
    ]
)
#: Side effects of suites beyond those: code hosting, commerce, HR, IAM, devices, records,
#: social media. Some are also nouns (`like`, `text`, `label`), so they act but do not count
#: as generic words when a tool is related to its task.
MORE_ACT_VERBS = frozenset(
    [
        "export",
        "merge",
        "refund",
        "issue",
        "authorize",
        "authorise",
        "release",
        "unlock",
        "lock",
        "enable",
        "disable",
        "assign",
        "reassign",
        "register",
        "connect",
        "accept",
        "sign",
        "deploy",
        "install",
        "push",
        "import",
        "sync",
        "restore",
        "rotate",
        "ban",
        "block",
        "unblock",
        "mute",
        "follow",
        "unfollow",
        "like",
        "retweet",
        "repost",
        "fork",
        "withdraw",
        "deposit",
        "charge",
        "checkout",
        "confirm",
        "apply",
        "attach",
        "upgrade",
        "subscribe",
        "unsubscribe",
        "archive",
        "close",
        "start",
        "stop",
        "restart",
        "trigger",
        "dispatch",
        "notify",
        "broadcast",
        "call",
        "text",
        "sms",
        "save",
        "store",
        "put",
        "patch",
        "insert",
        "upsert",
        "replace",
        "overwrite",
        "clear",
        "purge",
        "wipe",
        "erase",
        "destroy",
        "terminate",
        "suspend",
        "activate",
        "deactivate",
        "provision",
        "scale",
        "launch",
        "invoke",
        "escalate",
        "resolve",
        "reopen",
        "tag",
        "label",
        "pin",
        "vote",
        "react",
        "request",
        "renew",
        "extend",
        "configure",
        "allow",
        "whitelist",
        "kick",
        "transfer",
        "pair",
        "link",
        "grant",
        "set",
        "enroll",
        "enrol",
        "unenroll",
        "promote",
        "demote",
        "reroute",
        "redirect",
        "swap",
        "stake",
        "sell",
        "trade",
        "rebook",
        "ack",
        "page",
        "adjust",
        "settle",
        "trash",
        "disarm",
        "transition",
        "resend",
        "fulfil",
        "fulfill",
        "reorder",
        "hide",
        "unhide",
        "protect",
        "unprotect",
    ]
)
ACT_VERBS = CORE_ACT_VERBS | MORE_ACT_VERBS
#: Nouns of side effects that name a tool on their own, with no verb before them.
ACT_NOUNS = frozenset(
    {"payment", "payments", "payout", "payouts", "reimbursement", "reimbursements",
     "remittance", "withdrawal", "disbursement", "invitation", "deletion", "removal",
     "waiver"}
)  # fmt: skip
#: Argument names that only a call with a side effect takes: where money or access goes.
ACTING_ARGUMENTS = frozenset(
    {"iban", "routing", "recipient", "recipients", "beneficiary", "payee", "password",
     "new_password", "permission", "permissions", "bcc", "forward_to", "forwarding_address"}
)  # fmt: skip

READ_VERBS = frozenset(
    [
        "get",
        "read",
        "list",
        "search",
        "fetch",
        "open",
        "check",
        "find",
        "view",
        "lookup",
        "query",
        "browse",
        "show",
        "describe",
        "retrieve",
        "load",
        "download",
    ]
)
EXTERNAL_NOUNS = frozenset(
    [
        "email",
        "emails",
        "mail",
        "inbox",
        "message",
        "messages",
        "received",
        "web",
        "webpage",
        "page",
        "browse",
        "fetch",
        "url",
        "search",
        "file",
        "files",
        "download",
        "api",
        "channel",
        "channels",
        "review",
        "reviews",
        "post",
        "posts",
        "website",
        "document",
        "documents",
        "news",
        "feed",
        "comments",
        "comment",
        "rss",
        "http",
        "https",
    ]
)
#: Nouns of tools that read the user's contacts or the organisation's directory.
DIRECTORY_NOUNS = frozenset(
    {"contacts", "contact", "directory", "people", "payees", "payee", "addressbook",
     "employees", "employee", "colleagues", "coworkers", "beneficiaries"}
)  # fmt: skip
#: Nouns of tools whose output carries what others wrote, even beside a directory noun
#: (`contact_messages`, `contact_form_submissions`).
MESSAGE_NOUNS = frozenset(
    {"email", "emails", "mail", "inbox", "message", "messages", "form", "forms",
     "submissions", "requests", "web", "notes", "comments", "tickets"}
)  # fmt: skip
LOCAL_TOOLS = frozenset(
    {"bash", "write", "edit", "multiedit", "glob", "grep", "ls", "todowrite", "read", "task"}
)
OWN_DATA = (
    "balance",
    "iban",
    "current_day",
    "current_date",
    "current_time",
    "user_info",
    "profile",
)
SHELL_TOOLS = frozenset({"bash", "shell", "run_shell_command", "terminal"})
WRITE_TOOLS = frozenset({"write", "edit", "multiedit", "notebookedit"})
FETCH_TOOLS = frozenset({"webfetch", "websearch"})
#: Words of a tool's name that say it fetches what it is given over the network.
_FETCH_WORDS = frozenset(
    {"webpage", "web", "url", "urls", "http", "https", "browse", "browser", "download",
     "fetch", "page", "link", "curl", "navigate", "visit", "scrape", "crawl", "open_url"}
)  # fmt: skip


def fetches(tool: str) -> bool:
    """Return whether `tool` fetches what it is given (a web fetcher, browser or downloader)."""
    name = tool.lower()
    return name in FETCH_TOOLS or any(word in _FETCH_WORDS for word in words_of(tool))


@dataclass(frozen=True, slots=True)
class ToolKinds:
    """Tool roles from configuration first, then inferred from verbs and nouns in the name."""

    readers: frozenset[str] = frozenset()
    actors: frozenset[str] = frozenset()
    untrusted_sources: frozenset[str] = frozenset()
    trusted_sources: frozenset[str] = frozenset()

    @classmethod
    def build(
        cls,
        readers: Iterable[str],
        actors: Iterable[str],
        untrusted_sources: Iterable[str],
        trusted_sources: Iterable[str],
    ) -> ToolKinds:
        """Return kinds from the configured names (compared case-insensitively)."""
        return cls(
            frozenset(n.lower() for n in readers),
            frozenset(n.lower() for n in actors),
            frozenset(n.lower() for n in untrusted_sources),
            frozenset(n.lower() for n in trusted_sources),
        )

    def role(self, tool: str) -> ToolRole:
        """Return whether `tool` reads, acts, or neither."""
        name = tool.lower()
        if name in self.actors:
            return ToolRole.ACT
        if name in self.readers:
            return ToolRole.READ
        words = words_of(tool)
        for word in words:
            if acts(word):
                return ToolRole.ACT
            if word in READ_VERBS:
                return ToolRole.READ
        if not ACT_NOUNS.isdisjoint(words):
            # Named by what it does, not by a verb: `payroll_manual_reimbursement`.
            return ToolRole.ACT
        return ToolRole.OTHER

    def directory(self, tool: str) -> bool:
        """Return True when `tool` reads the user's contacts or the organisation's directory
        (`contacts_search`, `directory.lookup`, `list_payees`), not messages kept there."""
        words = words_of(tool)
        return bool(DIRECTORY_NOUNS.intersection(words)) and not MESSAGE_NOUNS.intersection(words)

    def untrusted(self, tool: str) -> bool:
        """Return True when `tool`'s output may carry content written by outsiders."""
        name = tool.lower()
        if name in self.trusted_sources:
            return False
        if name in self.untrusted_sources or name.startswith("mcp__") or name in FETCH_TOOLS:
            return True
        if name in LOCAL_TOOLS:
            return False
        words = words_of(tool)
        if any(word in EXTERNAL_NOUNS for word in words):
            return True
        # Function tools return data that others may have written (calendar entries, shared
        # files, reviews), unless they only report the user's own figures.
        return not any(part in name for part in OWN_DATA)


#: Prefixes that undo or repeat an action: `unshare`, `deauthorize`, `disallow`, `resend`.
_UNDOING = ("un", "de", "dis", "re")


def acts(word: str) -> bool:
    """Whether `word` of a tool's name is a verb of a side effect, or one undone or redone
    (`unpublish`, `deauthorize`, `reassign`)."""
    return word in ACT_VERBS or any(
        word.startswith(prefix) and word[len(prefix) :] in ACT_VERBS for prefix in _UNDOING
    )


@lru_cache(maxsize=4096)
def words_of(tool: str) -> tuple[str, ...]:
    """Split a tool name into lower-case words (`send_money` → send, money).

    Kept for the most recent names: every check of a call asks again for the words of its
    tool and of its arguments' names, from a vocabulary that is small in any deployment."""
    return tuple(w.lower() for w in _SPLIT.split(tool) if w)
