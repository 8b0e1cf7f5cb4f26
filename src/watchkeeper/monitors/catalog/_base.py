"""What every rogue-precursor detector shares: its input, its output and the path patterns.

A detector is a plain function ``detect(ctx) -> Hit | None`` for one family. `Ctx` carries
the normalised action of the current step, its raw shell text, and the session's scratch
state (what earlier steps read, wrote, copied), so a detector can match a sequence.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from typing import Any

from watchkeeper.events import Severity
from watchkeeper.monitors.catalog._memo import Memo
from watchkeeper.normalize import Action, Command

__all__ = [
    "CREDENTIAL_PRINTERS",
    "CREDENTIAL_PRINTER_NAMES",
    "SECRET_PATH",
    "TOKEN",
    "WEIGHTS_PATH",
    "CatalogConfig",
    "ContainerRun",
    "Ctx",
    "Hit",
    "best",
    "collected",
    "collecting",
    "container_run",
    "has_short_flag",
    "hit",
    "host_in",
    "inline_program",
    "is_secret",
    "is_sensitive",
    "is_test_path",
    "known_values",
    "loop_values",
    "manifest_files",
    "operands",
    "positionals",
    "prints_credentials",
    "strings",
]

SECRET_PATH = re.compile(
    r"/\.ssh(/|$)|/\.aws(/|$)|/\.config/gcloud(/|$)|/\.kube/config$|/\.docker/config\.json$"
    r"|/\.netrc$|/\.git-credentials$|/\.pgpass$|/\.gnupg(/|$)|/etc/shadow$|/\.env(\.[^/]*)?$"
    r"|\.pem$|/id_(rsa|ed25519|ecdsa|dsa)[^/]*$"
    r"|\.key$|/\.claude/\.credentials\.json$|/credentials(\.json)?$|/secrets?(/|\.ya?ml$|\.json$)"
    r"|/\.npmrc$|/\.pypirc$|/token(s)?(\.json|\.txt)?$|/\.config/gh/hosts\.ya?ml$"
    r"|/\.azure(/|$)|/\.vault-token$|/\.terraform\.d/credentials|/\.kaggle/kaggle\.json$"
    r"|\.tfstate(?:\.backup)?$"
)
WEIGHTS_PATH = re.compile(
    r"\.(safetensors|ckpt|pt|pth|gguf|ggml|onnx|h5|msgpack)$|/pytorch_model[^/]*\.bin$"
    r"|/(checkpoints?|ckpts?|weights|model_weights)(/|$)|/ckpt[^/]*$|(^|/)models?/[^/.]+(/[^.]*)?$"
    # Training checkpoints named by step or iteration (`global_step1000`, `step_270000`,
    # `checkpoint-500`, Megatron's `iter_0001000`).
    r"|/(?:global_)?step[_-]?\d{3,}(/|$)|/checkpoint-\d+(/|$)|/iter_\d{4,}(/|$)"
)
#: Credentials written inline: provider token formats and private-key headers.
TOKEN = re.compile(
    r"\b(ghp_[A-Za-z0-9]{20,}|github_pat_\w{20,}|gho_[A-Za-z0-9]{20,}|glpat-[\w-]{20,}"
    r"|sk-(ant-|proj-)?[\w-]{20,}|AKIA[0-9A-Z]{16}|xox[abposr]-[\w-]{10,}|hf_[A-Za-z0-9]{20,}"
    r"|AIza[\w-]{30,}|npm_[A-Za-z0-9]{30,}|[sr]k_live_[0-9A-Za-z]{16,}|ASIA[0-9A-Z]{16}"
    r"|glc_[A-Za-z0-9+/=]{20,}|dop_v1_[a-f0-9]{40,}|SG\.[\w-]{16,}\.[\w-]{16,})"
    r"|-----BEGIN [A-Z ]*PRIVATE KEY"
)


_EXAMPLE_SUFFIXES = (".example", ".sample", ".template", ".dist", ".pub")
#: Files under ``~/.ssh`` that list public keys and host keys only: no secret in them.
_PUBLIC_SSH_FILES = ("/authorized_keys", "/authorized_keys2", "/known_hosts", "/known_hosts.old")
#: The same lists under a backup or edit name (`authorized_keys.bak-2024`, `known_hosts~`).
_PUBLIC_SSH_COPY = re.compile(r"/(?:authorized_keys2?|known_hosts)[.~_-][^/]*$")
_MAX_REMEMBERED = 256


_PUBLIC_PEM = re.compile(
    r"(^|/)(ca|cacert|ca-bundle|ca-certificates|cert|chain|fullchain)[^/]*\.pem$"
)


def is_secret(path: str) -> bool:
    """Return whether `path` holds credentials or keys (templates, certificates, public keys
    and the lists of authorised and known public keys do not)."""
    if path.startswith("secret:"):
        return True
    return (
        SECRET_PATH.search(path) is not None
        and not path.endswith(_EXAMPLE_SUFFIXES)
        and not path.endswith(_PUBLIC_SSH_FILES)
        and _PUBLIC_SSH_COPY.search(path) is None
        and _PUBLIC_PEM.search(path) is None
    )


#: Commands that print credentials (`kubectl config view --raw`, `gh auth token` …): their
#: output is as sensitive as a key file. (name, *leading operands) prefixes.
CREDENTIAL_PRINTERS: frozenset[tuple[str, ...]] = frozenset(
    {
        ("kubectl", "config", "view"),
        ("aws", "configure", "export-credentials"),
        ("aws", "configure", "get"),
        ("aws", "sts", "get-session-token"),
        ("aws", "ecr", "get-login-password"),
        ("gcloud", "auth", "print-access-token"),
        ("gcloud", "auth", "print-identity-token"),
        ("gh", "auth", "token"),
        ("az", "account", "get-access-token"),
        ("vault", "read"),
        ("vault", "kv", "get"),
        ("security", "find-generic-password"),
        ("security", "find-internet-password"),
        ("secret-tool", "lookup"),
        ("pass", "show"),
        ("op", "read"),
        ("doppler", "secrets"),
        ("heroku", "auth:token"),
        ("npm", "token"),
        # Terraform state holds every secret the configuration touched; CI variables are the
        # pipeline's secrets.
        ("terraform", "state", "pull"),
        ("tofu", "state", "pull"),
        ("glab", "variable", "export"),
        ("glab", "variable", "get"),
    }
)


#: The program names of `CREDENTIAL_PRINTERS`.
CREDENTIAL_PRINTER_NAMES = frozenset(prefix[0] for prefix in CREDENTIAL_PRINTERS)


def prints_credentials(command: Command) -> bool:
    """Return whether `command` writes credentials to its output."""
    if command.name not in CREDENTIAL_PRINTER_NAMES:
        return False
    words = tuple(word for word in command.argv[1:] if not word.startswith("-"))
    for prefix in CREDENTIAL_PRINTERS:
        if command.name == prefix[0] and words[: len(prefix) - 1] == prefix[1:]:
            return prefix[:3] != ("kubectl", "config", "view") or "--raw" in command.argv
    return False


_TEST_PATH = re.compile(
    r"(^|/)(tests?|spec|__tests__)/|(^|/)(test_[^/]*|[^/]*_test\.\w+|conftest\.py)$"
)


def is_test_path(path: str) -> bool:
    """Return whether `path` is a test file or lives in a test directory."""
    return _TEST_PATH.search(path) is not None


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


#: The hits weighed by `best` while a step is judged (see `collecting`): the runners-up a
#: consent check may need when the strongest finding turns out to be one the user asked for.
_WEIGHED: ContextVar[list[Hit] | None] = ContextVar("catalog_weighed", default=None)


def best(*hits: Hit | None) -> Hit | None:
    """Return the highest-scoring of `hits`, or None when none matched (every hit weighed is
    kept while `collecting`)."""
    found: Hit | None = None
    for one in hits:
        if one is None:
            continue
        if one.score >= _WEIGHED_FLOOR:
            weighed = _WEIGHED.get()
            if weighed is not None and (not weighed or weighed[-1] is not one):
                weighed.append(one)
        if found is None or one.score > found.score:
            found = one
    return found


#: Hits weaker than this never outrank a finding lowered by consent: not kept.
_WEIGHED_FLOOR = 0.3


def collecting() -> Token[list[Hit] | None]:
    """Start keeping every hit `best` weighs (until `collected` with the returned token)."""
    return _WEIGHED.set([])


def collected(token: Token[list[Hit] | None]) -> list[Hit]:
    """Return the hits weighed since `collecting` gave `token`, and stop keeping them."""
    weighed = _WEIGHED.get() or []
    _WEIGHED.reset(token)
    return weighed


_LITERAL_LOOP = re.compile(
    r"\bfor\s+([A-Za-z_]\w*)\s+in\s+((?:[^;\n$`]|\$\(seq\s[\d\s.-]*\))*?)\s*(?:;|\n)\s*do\b"
)
#: Shell variables that hold counters, clocks or random numbers, never data.
_BUILTIN_VALUES = re.compile(
    r"\$\{?(?:RANDOM|SRANDOM|EPOCHSECONDS|EPOCHREALTIME|SECONDS|LINENO|BASHPID|\$)\}?"
    r"|\$\((?:date|seq|uuidgen|hostname)\b[^()]*\)"
)


def loop_values(text: str) -> dict[str, list[str]]:
    """Return the literal words each ``for NAME in WORDS; do`` loop of `text` runs over."""
    return {
        match[1]: match[2].split() for match in _LITERAL_LOOP.finditer(text) if "$" not in match[2]
    }


def known_values(text: str, word: str) -> str:
    """Return `word` with the variables whose values `text` spells out removed: loop
    variables over literal words (``for s in s1 s2; do dig $s.example.com``) and counters,
    clocks and random numbers (``?nocache=$RANDOM``). What remains with a ``$`` carries data
    the text does not show."""
    if "$" not in word:
        return word
    word = _BUILTIN_VALUES.sub("", word)
    for match in _LITERAL_LOOP.finditer(text):
        name = re.escape(match[1])
        word = re.sub(rf"\$\{{{name}\}}|\${name}\b", "", word)
    return word


def operands(command: Command) -> list[str]:
    """Return `command`'s arguments that are not options."""
    return [word for word in command.argv[1:] if not word.startswith("-")]


def positionals(command: Command, takes_value: frozenset[str]) -> list[str]:
    """Return `command`'s positional words, skipping options and the values of the options
    in `takes_value` (``kubectl -n ml scale …`` → ``["scale", …]``)."""
    found: list[str] = []
    words = command.argv[1:]
    index = 0
    while index < len(words):
        word = words[index]
        if word == "--":
            found.extend(words[index + 1 :])
            break
        if word.startswith("-") and len(word) > 1:
            index += 2 if word in takes_value else 1
            continue
        found.append(word)
        index += 1
    return found


def has_short_flag(command: Command, letter: str) -> bool:
    """Return whether `command` has the single-letter option `letter`, alone or in a cluster
    (``-fNR`` has ``R``)."""
    return any(
        word.startswith("-") and not word.startswith("--") and letter in word[1:]
        for word in command.argv[1:]
    )


@dataclass(frozen=True, slots=True)
class ContainerRun:
    """A ``docker|podman|nerdctl run|create``: image, the command it runs, and its set-up."""

    image: str
    argv: tuple[str, ...]
    detached: bool
    removed: bool
    mounts: tuple[str, ...]
    options: tuple[str, ...]


_CONTAINER_TOOLS = frozenset({"docker", "podman", "nerdctl"})
_CONTAINER_VALUE_FLAGS = frozenset(
    {
        "-v", "--volume", "-p", "--publish", "-e", "--env", "--name", "-w", "--workdir",
        "--network", "--net", "--gpus", "--shm-size", "--entrypoint", "-u", "--user",
        "--mount", "--env-file", "--restart", "-l", "--label", "--cpus", "-m", "--memory",
        "--device", "--ipc", "--pid", "-h", "--hostname", "--add-host", "--runtime",
        "--platform", "--cap-add", "--cap-drop", "--security-opt", "--ulimit",
        "--log-driver", "--log-opt", "--tmpfs", "--dns", "--link", "--expose", "--uts",
        "--userns", "--cgroupns", "--group-add", "--health-cmd", "--stop-signal",
        "--volumes-from", "--cidfile", "--pull", "-c", "--cpu-shares", "--cpuset-cpus",
    }
)  # fmt: skip


def container_run(command: Command) -> ContainerRun | None:
    """Return what a container-starting command runs, or None for anything else."""
    if command.name not in _CONTAINER_TOOLS:
        return None
    words = list(command.argv[1:])
    if words[:2] == ["container", "run"]:
        words = words[1:]
    if not words or words[0] not in {"run", "create"}:
        return None
    options: list[str] = []
    mounts: list[str] = []
    index = 1
    while index < len(words) and words[index].startswith("-"):
        word = words[index]
        name, _, inline = word.partition("=")
        value = inline
        if name in _CONTAINER_VALUE_FLAGS and not inline:
            value = words[index + 1] if index + 1 < len(words) else ""
            index += 1
        options.append(name)
        if name in {"-v", "--volume"}:
            mounts.append(value.split(":", 1)[0])
        elif name == "--mount":
            for part in value.split(","):
                key, _, src = part.partition("=")
                if key in {"source", "src"}:
                    mounts.append(src)
        elif name in {"--pid", "--network", "--net", "--ipc", "--uts"} and value == "host":
            options.append(f"{name}=host")
        index += 1
    if index >= len(words):
        return None
    flags = set(options)
    detached = bool({"-d", "--detach"} & flags) or any(
        o.startswith("-") and not o.startswith("--") and "d" in o[1:] for o in options
    )
    return ContainerRun(
        image=words[index],
        argv=tuple(words[index + 1 :]),
        detached=detached,
        removed="--rm" in flags,
        mounts=tuple(mounts),
        options=tuple(options),
    )


_INLINE_FLAGS = frozenset({"-c", "-e", "-E", "--eval", "-p", "--print", "-r"})
#: How long the normaliser's `CodeExec.detail` of a one-liner may be before it is cut.
_DETAIL_LIMIT = 200


def inline_program(ctx: Ctx, command: Command, detail: str) -> str:
    """Return the whole program of an interpreter one-liner (`CodeExec.detail` is cut at
    200 characters): what follows the interpreter's code option, else the call's text from
    where the detail starts."""
    if len(detail) < _DETAIL_LIMIT:
        return detail
    argv = command.argv
    for index, word in enumerate(argv[:-1]):
        if word in _INLINE_FLAGS or (word.startswith("-") and word[-1:] in {"c", "e"}):
            return argv[index + 1]
    head = detail[:40]
    at = ctx.text.find(head)
    return ctx.text[at:] if at >= 0 else detail


def strings(value: object, depth: int = 0) -> list[str]:
    """Return the strings in a tool call's arguments (nested lists and maps, 5 levels)."""
    if isinstance(value, str):
        return [value]
    if depth > 4:
        return []
    if isinstance(value, dict):
        return [s for item in value.values() for s in strings(item, depth + 1)]
    if isinstance(value, list | tuple):
        return [s for item in value for s in strings(item, depth + 1)]
    return []


_CD = re.compile(r"(?:^|[;&|(]\s*)cd\s+([^\s;&|)]+)")


def manifest_files(ctx: Ctx, command: Command) -> tuple[str, ...]:
    """Return the absolute paths `command` names with ``-f``/``--filename`` (relative ones
    from where a ``cd`` earlier in the line moved, else the working directory)."""
    argv, cwd = command.argv, ctx.action.cwd or ""
    at = ctx.text.find(command.text) if command.text else -1
    moved = _CD.findall(ctx.text[: at if at >= 0 else len(ctx.text)])
    if moved and moved[-1].startswith(("/", "~")):
        cwd = moved[-1]
    elif moved:
        cwd = posixpath.join(cwd, moved[-1])
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
    scores a shell script's text as if it were run now (None inside such a nested run);
    `parse` normalises a shell script's text without judging it; `asked` scores it as
    `nested` does, lowered when the user asked for what it does (code written for later).
    `task` is what the person asked for, lower-cased ("" when unknown). `memo` keeps the
    results of pure checks for inputs seen before (the monitor shares one across sessions).
    """

    event_id: str
    action: Action
    text: str
    content: str
    config: CatalogConfig
    state: dict[str, Any] = field(default_factory=dict)
    nested: Callable[[str], Hit | None] | None = None
    parse: Callable[[str], Action] | None = None
    asked: Callable[[str], Hit | None] | None = None
    task: str = ""
    memo: Memo = field(default_factory=Memo)

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
