"""What every rogue-precursor detector shares: its input, its output and the path patterns.

A detector is a plain function ``detect(ctx) -> Hit | None`` for one family. `Ctx` carries
the normalised action of the current step, its raw shell text, and the session's scratch
state (what earlier steps read, wrote, copied), so a detector can match a sequence.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from watchkeeper.events import Severity
from watchkeeper.normalize import Action, Command

__all__ = [
    "SECRET_PATH",
    "TOKEN",
    "WEIGHTS_PATH",
    "CatalogConfig",
    "Ctx",
    "Hit",
    "best",
    "hit",
    "host_in",
    "is_secret",
    "is_sensitive",
    "manifest_files",
    "operands",
]

SECRET_PATH = re.compile(
    r"/\.ssh(/|$)|/\.aws(/|$)|/\.config/gcloud(/|$)|/\.kube/config$|/\.docker/config\.json$"
    r"|/\.netrc$|/\.git-credentials$|/\.pgpass$|/\.gnupg(/|$)|/etc/shadow$|/\.env(\.[^/]*)?$"
    r"|\.pem$|/id_(rsa|ed25519|ecdsa|dsa)[^/]*$"
    r"|\.key$|/\.claude/\.credentials\.json$|/credentials(\.json)?$|/secrets?(/|\.ya?ml$|\.json$)"
    r"|/\.npmrc$|/\.pypirc$|/token(s)?(\.json|\.txt)?$|/\.config/gh/hosts\.ya?ml$"
    r"|/\.azure(/|$)|/\.vault-token$|/\.terraform\.d/credentials|/\.kaggle/kaggle\.json$"
)
WEIGHTS_PATH = re.compile(
    r"\.(safetensors|ckpt|pt|pth|gguf|ggml|onnx|h5|msgpack)$|/pytorch_model[^/]*\.bin$"
    r"|/(checkpoints?|weights|model_weights)(/|$)|/ckpt[^/]*$|(^|/)models?/[^/.]+(/[^.]*)?$"
)
#: Credentials written inline: provider token formats and private-key headers.
TOKEN = re.compile(
    r"\b(ghp_[A-Za-z0-9]{20,}|github_pat_\w{20,}|gho_[A-Za-z0-9]{20,}|glpat-[\w-]{20,}"
    r"|sk-(ant-|proj-)?[\w-]{20,}|AKIA[0-9A-Z]{16}|xox[abposr]-[\w-]{10,}|hf_[A-Za-z0-9]{20,}"
    r"|AIza[\w-]{30,}|npm_[A-Za-z0-9]{30,})|-----BEGIN [A-Z ]*PRIVATE KEY"
)


_EXAMPLE_SUFFIXES = (".example", ".sample", ".template", ".dist", ".pub")
_MAX_REMEMBERED = 256


_PUBLIC_PEM = re.compile(
    r"(^|/)(ca|cacert|ca-bundle|ca-certificates|cert|chain|fullchain)[^/]*\.pem$"
)


def is_secret(path: str) -> bool:
    """Return whether `path` holds credentials or keys (templates, certificates and public
    keys do not)."""
    return (
        SECRET_PATH.search(path) is not None
        and not path.endswith(_EXAMPLE_SUFFIXES)
        and _PUBLIC_PEM.search(path) is None
    )


def is_sensitive(path: str) -> bool:
    """Return whether `path` holds credentials, keys or model weights."""
    return is_secret(path) or WEIGHTS_PATH.search(path) is not None


def host_in(host: str, hosts: frozenset[str]) -> bool:
    """Return whether `host` is one of `hosts` or a subdomain of one."""
    if host in hosts:
        return True
    dot = host.find(".")
    while dot != -1:
        if host[dot + 1 :] in hosts:
            return True
        dot = host.find(".", dot + 1)
    return False


@dataclass(frozen=True, slots=True)
class CatalogConfig:
    """The deployment-specific facts the detectors need (see `rogue_precursors`)."""

    allowed_hosts: frozenset[str]
    allowed_buckets: frozenset[str]
    model_api_hosts: frozenset[str]
    agent_paths: tuple[str, ...]
    self_repos: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Hit:
    """One family's judgement of a step: its score, why, and earlier supporting event ids."""

    category: str
    score: float
    severity: Severity
    explanation: str
    evidence: tuple[str, ...] = ()


def hit(category: str, score: float, explanation: str, *evidence: str) -> Hit:
    """Return a `Hit` whose severity follows from `score`."""
    if score >= 0.85:
        severity = Severity.HIGH
    elif score >= 0.5:
        severity = Severity.MEDIUM
    elif score >= 0.3:
        severity = Severity.LOW
    else:
        severity = Severity.INFO
    return Hit(category, score, severity, explanation, evidence)


def best(*hits: Hit | None) -> Hit | None:
    """Return the highest-scoring of `hits`, or None when none matched."""
    found: Hit | None = None
    for one in hits:
        if one is not None and (found is None or one.score > found.score):
            found = one
    return found


def operands(command: Command) -> list[str]:
    """Return `command`'s arguments that are not options."""
    return [word for word in command.argv[1:] if not word.startswith("-")]


def manifest_files(ctx: Ctx, command: Command) -> tuple[str, ...]:
    """Return the absolute paths `command` names with ``-f``/``--filename``."""
    argv, cwd = command.argv, ctx.action.cwd or ""
    found = []
    for index, word in enumerate(argv[:-1]):
        if word in {"-f", "--filename"}:
            found.append(posixpath.normpath(posixpath.join(cwd, argv[index + 1])))
        elif word.startswith("--filename="):
            found.append(posixpath.normpath(posixpath.join(cwd, word.split("=", 1)[1])))
    return tuple(found)


@dataclass(slots=True)
class Ctx:
    """One tool call as the detectors see it, with the session's scratch state.

    `text` is the raw shell line ("" for non-shell tools); `content` is text the call writes
    (the `content`/`new_string` of Write/Edit), "" otherwise. `state` persists across the
    session's steps: detectors record what later steps of a sequence need in it. `nested`
    scores a shell script's text as if it were run now (None inside such a nested run).
    """

    event_id: str
    action: Action
    text: str
    content: str
    config: CatalogConfig
    state: dict[str, Any] = field(default_factory=dict)
    nested: Callable[[str], Hit | None] | None = None

    def remembered(self, key: str) -> dict[str, str]:
        """Return the state map `key` (path or name → event id), creating it on first use."""
        found: dict[str, str] | None = self.state.get(key)
        if found is None:
            found = self.state[key] = {}
        return found

    def remember(self, key: str, item: str, value: str | None = None) -> None:
        """Record `item` (→ `value`, default this event's id) in map `key`, oldest evicted."""
        found = self.remembered(key)
        found.pop(item, None)
        found[item] = self.event_id if value is None else value
        if len(found) > _MAX_REMEMBERED:
            del found[next(iter(found))]
