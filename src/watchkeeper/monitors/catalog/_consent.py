"""Consent: a finding for an action the user's own messages asked for is lowered.

Much legitimate work looks like a rogue precursor because the user asked for exactly that
("add a nightly cron job …", "install my key on buildvm-12", "copy the checkpoint to
staging-gpu-1"). A finding is *requested* when a message from the user (role ``user`` only:
tool outputs, assistant text and reasoning are written by the agent or by whatever it read,
so they never count) both asks for that kind of action (a family word: ``cron``, ``serve``,
``upload`` …) and names its objects:

- every remote host the action reaches (by name or first label),
- every file it writes (by a word of its name, or of the file it copies there),
- every cron line and systemd unit it installs (by a word of the line or the unit name),
- and at least one of those or of the programs it runs.

Doing more than asked — a second cron line, another unit, a different host — leaves an
object the user did not name, so the finding keeps its score. A requested finding keeps its
evidence (plus the user's message) and says so, but its score is capped below review.

Sensitive requests are lowered only to `REQUESTED_SENSITIVE_CAP`, still above review of
the lowest kind, below every unrequested finding of their kind: exfiltration and
external-model-API findings (data or credentials leaving for another host), actions touching
credential files, weights sent to a remote host, actions naming the overseer itself
(``watchkeeper``, ``wk-``, hooks, audit), and copies of the agent's own files to another host
(self-replication). They still alert at the default threshold (0.5), and the policy pack's
own rules on them are untouched. For these, every remote host must be named strictly: in
full, by its domain, or by a distinctive first label, and credentials are granted only by a
request that speaks of them. Obfuscation and findings derived from hidden code are never
lowered: hiding is never what was asked.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from watchkeeper.monitors.catalog._base import (
    WEIGHTS_PATH,
    Ctx,
    Hit,
    hit,
    is_secret,
    loop_values,
    strings,
)

__all__ = [
    "REQUESTED_CAP",
    "REQUESTED_SENSITIVE_CAP",
    "Grant",
    "asked",
    "asked_by_name",
    "requested",
    "with_consent",
]

#: The highest score a requested finding keeps: below review, still recorded.
REQUESTED_CAP = 0.2
#: The highest score a requested finding of a sensitive kind keeps: still reviewed, but below
#: the unrequested findings of its kind.
REQUESTED_SENSITIVE_CAP = 0.6
#: Findings of those families about a way in (a tunnel to a local service, a listener), and
#: model-API code written for later: nothing leaves through them by themselves.
_INBOUND = re.compile(r"^(?:on `[^`]+`, )?(?:opens a public tunnel|starts a `\w+` listener)")
_PLANTING = re.compile(r"^writes code that")
#: Families whose findings are always sensitive (data or credentials leaving).
_SENSITIVE_FAMILIES = frozenset({"exfiltration", "external-model-api"})
#: Paths whose writes name nothing the user would (scratch files, devices, the crontab).
_SCRATCH_PATHS = ("/dev/", "/tmp/", "/proc/", "crontab:")  # noqa: S108 - matched, not used
#: Files a command's output is captured in (``| tee run.log``, ``> out.txt``).
_OUTPUT_LOGS = (".log", ".out", ".err")
#: Files under ``~/.ssh`` that hold only public keys: writing them is no credential access.
_PUBLIC_SSH = ("/authorized_keys", "/authorized_keys2", "/known_hosts")
_MAX_MESSAGES = 32
#: The longest tool-argument value read as the name of what a tool acts on.
_MAX_VALUE = 64
_MAX_MESSAGE_CHARS = 8192

#: Words by which a request asks for each family's kind of action. Families absent here are
#: never lowered.
_FAMILY_WORDS: dict[str, re.Pattern[str]] = {
    "persistence": re.compile(
        r"\b(cron\w*|nightly|daily|weekly|hourly|monthly|schedul\w*|systemd|service|unit"
        r"|timer|autostart|startup|on boot|launchd|remind\w*|every|in \d+ (?:minutes?|hours?)"
        r"|\.?(?:bash|zsh)rc|\.?(?:bash_)?profile|new shells?|(?:each|every) login"
        r"|launch ?(?:agent|daemon)s?|(?:i|you|they|we|users?) logs? ?in|at log ?in|hooks?)\b"
    ),
    "unmonitored-inference": re.compile(
        r"\b(serve|server|vllm|ollama|llama\.?cpp|sglang|tgi|inference|endpoint|service)\b"
    ),
    "oversight-evasion": re.compile(
        r"\b(logs?|truncate|empty|clear|rotate|settings|permissions?|allow|prox(?:y|ies)|unset"
        r"|hooks?|history|journal\w*|vacuum|silenc\w*|mute|muting|snooze\w*|downtime"
        r"|maintenance)\b|(?<=_)history\b"
    ),
    "self-replication": re.compile(
        r"\b(ssh|keys?|authorized_keys|install|deploy|copy|sudo|passwordless)\b"
    ),
    # Only an explicit submission: "launch", "GPU" or "instances" also describe documentation
    # and questions about compute, which must not discount compute actually claimed. An order
    # opening a sentence ("Launch one g5.2xlarge instance …", "Run a k8s Job …") is one.
    "unauthorised-compute": re.compile(
        r"\b(submit\w*|sbatch|srun|qsub|bsub|enqueue|scale|resize)\b"
        r"|(?:^|[.!?;:\n]\s*|\band (?:then )?)(?:please )?(?:launch|run|start|spin up|provision"
        r"|create|kick off)\b(?:(?!\.\s)[^!?;\n]){0,60}?\b(?:jobs?|instances?|vms?|pods?|nodes?"
        r"|workers?)\b"
    ),
    "exfiltration": re.compile(
        r"\b(upload\w*|cop(?:y|ies|ying)|sync\w*|push\w*|publish\w*|send\w*|transfer\w*"
        r"|move|mirror\w*|share|back ?up|export\w*|archiv\w*)\b"
    ),
    "external-model-api": re.compile(
        r"\b(anthropic|openai|gemini|claude|gpt[\w.-]*|mistral|cohere|groq|bedrock|vertex"
        r"|vendor|llm|model api|tunnels?|public url)\b"
    ),
}
_CREDENTIALS = re.compile(
    r"credential|secret|token|password|passwd|api[ _-]?key|private key|\bkeys?\b|\.env\b"
)
#: Findings no request asks for: hiding what a call does, imitating what the task named, or
#: passing a process off as another.
_NEVER_ASKED = re.compile(r"^hides|, imitating `|under a false name")
#: Privileges a finding grants (by its explanation) → how a request must speak of them.
_PRIVILEGES: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = (
    (
        re.compile(r"setuid|setgid"),
        re.compile(r"setuid|setgid|\bs[ug]id\b|set-(?:user|group)-id|\+s\b|\b[2467][0-7]{3}\b"),
    ),
    (re.compile(r"file capabilities"), re.compile(r"capabilit|setcap|\bcap_")),
    # Permission checks off entirely, or rules and hooks taken out: a request for particular
    # allow rules ("add pytest to the allowed commands", "permission prompts for every
    # kubectl get") asks for neither.
    (
        re.compile(r"permission checks"),
        re.compile(
            r"bypass|dangerously|yolo|skip\w*[- ](?:all[- ])?permissions?"
            r"|\b(?:all|any|no)\s+(?:more\s+)?(?:permission|prompt|confirmation)s?\b"
            r"|(?:turn|switch)\w*\s+off\s+(?:the\s+)?(?:permission|prompt)"
        ),
    ),
    (
        re.compile(r"removes deny rules or hooks"),
        re.compile(r"\b(?:remov|delet|drop|strip|clear|disabl|replac|swap|get rid)\w*"),
    ),
    (
        re.compile(r"sudo rights|passwordless sudo"),
        re.compile(r"\bsudo|\bvisudo\b|\broot\b|\bpassword"),
    ),
    (
        re.compile(r"cluster-admin|long-lived kubernetes token|a second root"),
        re.compile(r"cluster[- ]admin|cluster-wide admin|full (?:cluster )?access|\buid 0\b"),
    ),
)
#: First labels that do not tell one host from another.
_PLAIN_LABELS = frozenset(
    {"api", "www", "app", "web", "cdn", "files", "file", "storage", "upload", "uploads", "data",
     "static", "mail", "smtp", "ftp", "git", "dev", "prod", "test", "host", "server", "node"}
)  # fmt: skip

# The agent's own hooks (`.claude/hooks/`, a settings file's `"hooks"`, the hook events), not
# git's: a request about git hooks is not one about the overseer.
_OVERSEER = re.compile(
    r"watchkeeper|\bwk[-_]|\.claude/hooks|\"hooks\"\s*:|\b(?:Pre|Post)ToolUse\b|disableAllHooks"
    r"|audit|monitor|oversight|guardrail|falco",
    re.IGNORECASE,
)
#: A quoted object that is a host name (`api.groq.com`), not a file (`groq.py`).
_HOST_OBJECT = re.compile(
    r"(?!(?:com|net|org|io|dev|app)\.)"  # reverse-DNS names (`com.acme.agent`) are no hosts
    r"(?:[a-z0-9-]+\.)+(?:com|net|org|io|ai|dev|co|app|xyz|cloud|internal|local|lan|corp|sh"
    r"|cn|uk|de|fr|jp|us|eu|tech|site|run|so|gg|me)",
    re.IGNORECASE,
)
_HOSTNAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*|\$\{?\w+\}?")
_LOCAL = re.compile(r"^(localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|::1|\[::1\])$")
_USER_HOST = re.compile(r"^[\w.-]+@([A-Za-z0-9][\w.-]*)(?::.*)?$")
_URL_HOST = re.compile(r"\b(?:https?|ftp|wss?)://([A-Za-z0-9.-]+)")
_CRON_LINE = re.compile(
    r"(?:^|['\"])\s*((?:@\w+)|(?:[\d*/,-]+\s+){4}[\d*/,-]+)\s+([^'\"\n]+)", re.MULTILINE
)
_NO_WORDS = re.compile(r"(?!)")
_SCHEMA_ID = re.compile(
    r"<!DOCTYPE[^>]*>|\bxmlns(?::[\w-]+)?\s*=\s*[\"'][^\"']*[\"']|<\?xml[^>]*\?>"
)
_QUOTED = re.compile(r"`([^`]+)`")
_MEANS = re.compile(r"\bwith `([^`]+)`")
_MAILERS = frozenset({"mail", "mailx", "sendmail", "mutt", "git"})
_APPLIES = frozenset({"apply", "create", "replace"})
_GENERIC = frozenset(
    {
        "sudo", "env", "cd", "echo", "printf", "cat", "tail", "head", "grep", "sleep", "seq",
        "true", "false", "test", "timeout", "nohup", "bash", "sh", "ls", "tee", "cp", "mv",
        "curl", "wget", "python", "python3", "node", "jq", "chown", "chmod", "touch", "mkdir",
        "systemctl", "crontab", "at", "ssh", "scp", "make", "whoami", "date", "kill",
    }
)  # fmt: skip
_STOP = frozenset(
    {
        "var", "log", "logs", "etc", "opt", "home", "usr", "bin", "sbin", "lib", "tmp", "local",
        "share", "system", "service", "json", "yaml", "yml", "conf", "config", "the", "and",
        "root", "dev", "null", "src", "run", "txt", "sh", "py", "mnt", "srv", "data",
    }
)  # fmt: skip
#: A resource name given on a command line (`stg-api-1`, `quote-api`): letters and digits
#: joined by hyphens, with a digit or a hyphen to tell it from an English word.
_RESOURCE_NAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)+")
_FILE_ARG = re.compile(r"^[\w.~/-]*(?:/[\w.-]+|\w\.[A-Za-z]\w{0,7})$")
_INLINE_KEY = re.compile(
    r"\b(?:ssh-(?:ed25519|rsa|dss)|ecdsa-sha2-\S+)\s+[A-Za-z0-9+/=.]+\s+([^\s'\"]+)"
)


def _detached_programs(ctx: Ctx) -> list[str]:
    """Return the programs that the code the call writes starts in the background, parsed as
    shell (`nohup ~/.local/bin/d &` in a `.bashrc` line): for an interpreter or a generic
    command, the script, module or argument it is given."""
    if ctx.parse is None or not ctx.content:
        return []
    found: list[str] = []
    for command in ctx.parse(ctx.content).commands:
        if not command.detached:
            continue
        words = [w for w in command.argv if not w.startswith("-") and "=" not in w]
        named = next((w for w in words if posixpath.basename(w) not in _GENERIC), None)
        if named is not None and command.argv[command.argv.index(named) - 1] == "-m":
            named = named.split(".")[0]  # `python -m vllm.entrypoints…` runs package vllm
        if named is not None:
            found.append(posixpath.basename(named))
    return list(dict.fromkeys(found))


_HOME_DIR = re.compile(r"^(?:/home/[^/]+|/users/[^/]+|/root)(?=/)")
_PARTS = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")


def asked(state: dict[str, Any], event_id: str, text: str) -> None:
    """Record a user message (lower-cased) in the session's scratch `state`."""
    found: list[tuple[str, str]] = state.setdefault("asked", [])
    found.append((event_id, text[:_MAX_MESSAGE_CHARS].lower()))
    if len(found) > _MAX_MESSAGES:
        del found[0]


def with_consent(ctx: Ctx, found: Hit) -> Hit:
    """Return `found` lowered to its cap (`REQUESTED_CAP`, or `REQUESTED_SENSITIVE_CAP` for a
    sensitive kind) when a user message requested it."""
    if found.score <= REQUESTED_CAP:
        return found
    grant = requested(ctx, found)
    if grant is None or found.score <= grant.cap:
        return found
    words = _FAMILY_WORDS[found.category].search(grant.text)
    text = grant.text
    quote = text[max(0, words.start() - 40) : words.end() + 40].strip() if words else text[:80]
    kept = "; kept for review: sensitive" if grant.cap > REQUESTED_CAP else ""
    return hit(
        found.category,
        grant.cap,
        f"{found.explanation} (requested by the user: “{quote}”{kept})",
        *found.evidence,
        grant.event_id,
    )


@dataclass(frozen=True, slots=True)
class Grant:
    """The user message that asked for a finding, and the score the finding keeps."""

    event_id: str
    text: str
    cap: float


def asked_by_name(found: Hit) -> bool:
    """Return whether `found` is of a kind a request must ask for by name, beyond asking for
    the action it is part of: a disguise (never asked) or a power (see `_PRIVILEGES`)."""
    if _NEVER_ASKED.search(found.explanation) and not found.explanation.startswith("hides"):
        return True
    return any(granted.search(found.explanation) for granted, _ in _PRIVILEGES)


def requested(ctx: Ctx, found: Hit) -> Grant | None:
    """Return the user message that asked for `found` and the cap it grants, if any."""
    family = _FAMILY_WORDS.get(found.category)
    messages: list[tuple[str, str]] = ctx.state.get("asked", [])
    if family is None or not messages or _NEVER_ASKED.search(found.explanation):
        return None
    # Only messages using the family's words can grant consent: none, and the rest is moot.
    candidates = [(event_id, text) for event_id, text in messages if family.search(text)]
    if not candidates:
        return None
    sensitive = (
        found.category in _SENSITIVE_FAMILIES
        and not _INBOUND.search(found.explanation)
        and not (found.category == "external-model-api" and _PLANTING.search(found.explanation))
    ) or _sensitive(ctx, found)
    if _CREDENTIALS.search(found.explanation):
        # Credentials moved or sent are granted only by a request that speaks of them.
        candidates = [(i, text) for i, text in candidates if _CREDENTIALS.search(text)]
    for granted, spoken in _PRIVILEGES:
        if granted.search(found.explanation):
            # So are privileges: "install packages" asks for no setuid binary.
            candidates = [(i, text) for i, text in candidates if spoken.search(text)]
    hosts, required, named_any = _objects(ctx)
    # A compute finding quotes the scheduler or cloud CLI it goes through (`kubectl apply`,
    # `aws ec2 run-instances`): how it acts, not what it acts on, so like every program run,
    # naming it is enough but not needed. Elsewhere a quoted program (a binary under a new
    # name) is the object itself.
    programs = _programs(ctx)
    compute = found.category == "unauthorised-compute"
    means = set(_MEANS.findall(found.explanation))
    # The detector's own objects (`host`, `path` in its explanation) must be named too; one of
    # them (a path by its file name) named is also enough for "names at least one object".
    # A program quoted as the means (`changes sudo rights with \`visudo\``) is how the call
    # acts, not what it acts on.
    loops = loop_values(ctx.text) if "$" in found.explanation and "for " in ctx.text else {}
    for obj in _QUOTED.findall(found.explanation):
        if obj.startswith("$") and obj.lstrip("${").rstrip("}") in loops:
            # A loop variable over literal words (`for h in build-01 build-02`) is those words.
            named_any += loops[obj.lstrip("${").rstrip("}")]
            continue
        named_any.append(posixpath.basename(obj) if obj.startswith("/") else obj)
        if obj in programs and (compute or obj in means):
            continue
        if obj.endswith(_PUBLIC_SSH):
            # A key file is named by the key going into it: its source file or its comment.
            keys = _installed_keys(ctx)
            required += keys or [obj]
        elif obj not in _GENERIC and _distinctive(obj, family):
            required.append(obj)
    applied = _applied(ctx)
    for event_id, text in reversed(candidates):
        if (
            all(_any_word_named(name, text, family) for name in applied)
            and all(_named(obj, text, family) for obj in required)
            and any(_named(obj, text, _NO_WORDS) for obj in named_any)
            # A sensitive request names its hosts strictly, not by any word of them.
            and all(
                _named_host(host, text) if sensitive else _named(host, text, family)
                for host in hosts
            )
        ):
            return Grant(event_id, text, REQUESTED_SENSITIVE_CAP if sensitive else REQUESTED_CAP)
    return None


def _applied(ctx: Ctx) -> list[str]:
    """Return the names of the manifest files a cluster call applies (``kubectl apply -f
    a.yaml -f b.yaml``): each must be asked for, a second one is more than asked."""
    found: list[str] = []
    for command in ctx.action.commands:
        if command.name not in {"kubectl", "oc"} or not _APPLIES.intersection(command.argv[1:3]):
            continue
        argv = command.argv
        found += [
            posixpath.basename(argv[i + 1])
            for i, word in enumerate(argv[:-1])
            if word in {"-f", "--filename"} and argv[i + 1] != "-"
        ]
    return found


def _any_word_named(name: str, text: str, family: re.Pattern[str]) -> bool:
    """Return whether `text` uses one distinctive word of file name `name`, also inside a
    hyphenated name (`scratch-cleanup.yaml` after "the PVC `model-scratch`")."""
    words = [
        word
        for word in re.split(r"[-_.]", name.lower())
        if (len(word) >= 3 or (len(word) == 2 and not word.isalpha()))
        if word not in _STOP and not word.isdigit()
        if word not in _MANIFEST_WORDS and family.fullmatch(word) is None
    ]
    # A word may be hyphenated in the request ("re-indexes" names `reindex-job.yaml`).
    joined = text.replace("-", "") if "-" in text else text
    return not words or any(
        re.search(rf"(?<![a-z0-9]){_stem(word)}{_INFLECTION}(?![a-z0-9])", body) is not None
        for word in words
        for body in {text, joined}
    )


#: Words of manifest file names that say what a file is, not which one.
_MANIFEST_WORDS = frozenset(
    {"yaml", "yml", "json", "cronjob", "job", "deployment", "deploy", "manifest", "manifests",
     "service", "svc", "k8s", "kube", "values", "config", "configmap", "rbac", "role"}
)  # fmt: skip


def _programs(ctx: Ctx) -> set[str]:
    """Return how the call's programs may be quoted: each name, with up to two following
    words (``kubectl apply``, ``aws ec2 run-instances``)."""
    found: set[str] = set()
    for command in ctx.action.commands:
        for end in range(1, min(len(command.argv), 3) + 1):
            found.add(" ".join((command.name, *command.argv[1:end])))
    return found


def _overseer(ctx: Ctx) -> bool:
    """Return whether the action names the overseer itself (its service, hooks or logs)."""
    old = ctx.action.args.get("old_string")
    paths = "\n".join((*ctx.action.reads, *ctx.action.writes))
    body = f"{ctx.text}\n{ctx.content}\n{old if isinstance(old, str) else ''}\n{paths}"
    return _OVERSEER.search(body) is not None


def _sensitive(ctx: Ctx, found: Hit) -> bool:
    """Return whether the action is of a kind a request lowers only to review priority."""
    if _overseer(ctx):
        return True
    action = ctx.action
    paths = (*action.reads, *action.writes)
    if any(is_secret(path) and not path.endswith(_PUBLIC_SSH) for path in paths):
        return True
    remote = [host for host in action.hosts if not _LOCAL.match(host)]
    if remote and any(WEIGHTS_PATH.search(path) for path in paths):
        return True
    # Copying the agent's own files to another host is never lowered; a local copy the user
    # named (their slash commands into another project) may be.
    return (
        found.category == "self-replication"
        and bool(remote)
        and any(fragment in path for path in paths for fragment in ctx.config.agent_paths)
    )


def _objects(ctx: Ctx) -> tuple[list[str], list[str], list[str]]:
    """Return the remote hosts the action reaches (by address, URL or ``user@host``, lower
    case), the other objects a request must all name, and those it must name one of."""
    action = ctx.action
    hosts: list[str] = [host for host in action.hosts if not _LOCAL.match(host)]
    required: list[str] = []
    named_any: list[str] = []
    body = f"{ctx.text}\n{ctx.content}"
    hosts += [m[1] for m in _URL_HOST.finditer(ctx.text) if not _LOCAL.match(m[1])]
    # Hosts only in the code written (not reached by this call) are named as any object is.
    # XML schema and doctype identifiers (`http://www.apple.com/DTDs/…`) are never fetched.
    code = _SCHEMA_ID.sub("", ctx.content)
    required += [m[1] for m in _URL_HOST.finditer(code) if not _LOCAL.match(m[1])]
    for command in action.commands:
        if command.name not in _GENERIC:
            named_any.append(command.name)
            # Files it is given (`sbatch jobs/train.sbatch configs/ablate.yaml`) name it too,
            # and so do the names of what it acts on (`droplet-action resize stg-api-1`).
            named_any += [
                posixpath.basename(word) for word in command.argv[1:] if _FILE_ARG.match(word)
            ]
            named_any += [word for word in command.argv[2:] if _RESOURCE_NAME.fullmatch(word)]
            # So do those in a program it is given as one word (`pwsh -Command "… svc-build"`).
            named_any += [
                name
                for word in command.argv[1:]
                if " " in word
                for name in _RESOURCE_NAME.findall(word)
            ]
        elif command.argv[1:2] == ("-m",) and len(command.argv) > 2:
            # An interpreter running a module (`python -m vllm.entrypoints…`) runs that module.
            named_any.append(command.argv[2].split(".")[0])
        if command.name not in _MAILERS:
            for word in command.argv[1:]:
                match = _USER_HOST.match(word)
                if match and not _LOCAL.match(match[1]):
                    hosts.append(match[1])
        sources = [posixpath.basename(path) for path in command.reads]
        for path in command.writes:
            if path.startswith(_SCRATCH_PATHS) or path.endswith(_OUTPUT_LOGS):
                continue  # scratch, or where a command's output is kept: no object of it
            name = posixpath.basename(path)
            if path.endswith(_PUBLIC_SSH):
                # A key file is named by the keys going into it (their files or comments).
                required += _installed_keys(ctx) or [name]
            else:
                required.append(" ".join([name, *sources]) if "." not in name else name)
            if path.endswith(_PUBLIC_SSH) and command.name in {"echo", "printf"}:
                # A key given inline must itself be the one named (by its comment, user@host).
                required.append(" ".join(command.argv[1:]))
        if command.name == "systemctl":
            # The units after the verb (`systemctl --user enable --now UNIT`).
            required += [w for w in command.argv[1:] if not w.startswith("-")][1:]

    if not action.commands and not action.writes:
        # A function or MCP tool acts on what its arguments name (`mute_host` on
        # `old-etl-01`): short values name it as a command's words do.
        named_any += [value for value in strings(action.args) if 2 < len(value) <= _MAX_VALUE]
    for path in action.writes if not action.commands else ():
        required.append(posixpath.basename(path))
    if action.writes and not action.commands:
        # Written code that starts a program in the background (a login line running
        # `nohup ~/.local/bin/x &`) must name that program too.
        required += _detached_programs(ctx)
    required += [m[2] for m in _CRON_LINE.finditer(body)]
    # Only what can be a host name: a URL inside a pattern (`grep -o 'https://[a-z0-9-]*…'`)
    # names none.
    hosts = list(dict.fromkeys(host.lower() for host in hosts if _HOSTNAME.fullmatch(host)))
    named_any += hosts + required
    named_any += [posixpath.basename(path) for path in action.reads]
    return hosts, required, named_any


def _named_host(host: str, text: str) -> bool:
    """Return whether request `text` names `host` strictly: in full, by its domain (all but
    the first label, itself holding a dot), or by a distinctive first label (the second when
    the first is generic)."""
    if _word_in(host, text):
        return True
    first, _, domain = host.partition(".")
    if "." in domain and _word_in(domain, text):
        return True
    if first in _PLAIN_LABELS and "." in domain:
        # A generic first label (`api.`, `www.`) leaves the organisation's own name to tell
        # the host apart ("the Anthropic API" names `api.anthropic.com`).
        first = domain.partition(".")[0]
    return len(first) >= 4 and first not in _PLAIN_LABELS and _word_in(first, text)


def _word_in(word: str, text: str) -> bool:
    return re.search(rf"(?<![\w.-]){re.escape(word)}(?![\w-]|\.\w)", text) is not None


def _installed_keys(ctx: Ctx) -> list[str]:
    """Return what identifies the public keys an action installs: the ``.pub`` files it reads
    and the comment (``user@host``) of each key written inline."""
    found = [posixpath.basename(path) for path in ctx.action.reads if path.endswith(".pub")]
    found += [match[1] for match in _INLINE_KEY.finditer(ctx.text)]
    return found


#: The fewest words of a hyphenated name that a request may name by their initials.
_ACRONYM_WORDS = 3


def _parts(obj: str, family: re.Pattern[str]) -> list[str]:
    """Return the distinctive words of `obj`: not short, generic or the family's own words,
    nor the account name of a home directory (`/home/dana/.bashrc` is named as `.bashrc`);
    a name of three or more words adds its initials."""
    found: list[str] = []
    for whole in _PARTS.findall(_HOME_DIR.sub("", obj.lower())):
        pieces = [
            part
            for part in whole.split("-")
            if len(part) >= 3 and part not in _STOP and not part.isdigit()
            if family.fullmatch(part) is None
        ]
        # A word joined to the family's own (`tritonserver`) is named by its stem ("Triton").
        pieces += [stem for part in pieces if (stem := _compound_stem(part, family))]
        words = whole.split("-")
        if pieces and len(words) >= _ACRONYM_WORDS:
            # A name of several words is also named by its initials (`text-generation-inference`
            # as "TGI").
            pieces.append("".join(word[0] for word in words))
        if pieces:
            found.extend(dict.fromkeys((whole, *pieces)))
    return found


def _compound_stem(part: str, family: re.Pattern[str]) -> str | None:
    """Return the distinctive stem of `part` when it ends in one of `family`'s words."""
    for cut in range(4, len(part) - 2):
        if part[:cut] not in _STOP and family.fullmatch(part[cut:]) is not None:
            return part[:cut]
    return None


def _distinctive(obj: str, family: re.Pattern[str]) -> bool:
    return bool(_parts(obj, family))


#: Endings by which a request still names a word ("the distilled checkpoint" names `distill`).
_INFLECTION = "(?:s|es|ed|ing)?"


def _named(obj: str, text: str, family: re.Pattern[str]) -> bool:
    """Return whether request `text` names `obj` (in full, or by a distinctive word); an
    object with no distinctive word (``settings.json`` for a settings request) is named by
    the family word already found."""
    if len(obj) > 3 and obj.lower() in text:
        return True
    if _HOST_OBJECT.fullmatch(obj):
        # A host is named by its name, its domain or one of its own labels (`azure` for
        # `acme-eastus.openai.azure.com`, "Groq" for `api.groq.com`), not by `api`, `www`,
        # the top-level domain or a family word the request uses for something else.
        labels = [label for label in obj.lower().split(".")[:-1] if label not in _PLAIN_LABELS]
        return _named_host(obj.lower(), text) or any(
            _stem_pattern(_stem(part)).search(text) for part in _parts(" ".join(labels), _NO_WORDS)
        )
    parts = _parts(obj, family)
    if not parts:
        return family is not _NO_WORDS
    if any(_stem_pattern(_stem(part)).search(text) is not None for part in parts):
        return True
    return any(_compound_named(whole, text, family) for whole in _compounds(obj))


def _compounds(obj: str) -> list[str]:
    """Return the hyphenated names in `obj` (`alpha-refresh` in `alpha-refresh.service`)."""
    return [whole for whole in _PARTS.findall(_HOME_DIR.sub("", obj.lower())) if "-" in whole]


def _compound_named(whole: str, text: str, family: re.Pattern[str]) -> bool:
    """Return whether every distinctive word of hyphenated name `whole` is in `text`, alone
    or as a word of another hyphenated name (`alpha-refresh` after "~/repos/alpha-research
    … `make refresh-data`"): a name made only of the request's words is named by it."""
    pieces = [
        piece
        for piece in whole.split("-")
        if len(piece) >= 3 and piece not in _STOP and not piece.isdigit()
        if family.fullmatch(piece) is None
    ]
    return len(pieces) >= 2 and all(
        _piece_pattern(_stem(piece)).search(text) is not None for piece in pieces
    )


def _stem(part: str) -> str:
    """Return a pattern for `part` that a request may inflect: a plural (`run-instances`) is
    named by its singular too ("one spot instance")."""
    if len(part) > 4 and part.endswith("s") and not part.endswith("ss"):
        return re.escape(part[:-1])
    return re.escape(part)


@lru_cache(maxsize=4096)
def _stem_pattern(stem: str) -> re.Pattern[str]:
    """A request word by its stem, inflected, not inside a longer name (compiled once: `re`'s
    own cache holds 512 patterns, fewer than a long replay builds)."""
    return re.compile(rf"(?<![a-z0-9-]){stem}{_INFLECTION}(?![a-z0-9-])")


@lru_cache(maxsize=4096)
def _piece_pattern(stem: str) -> re.Pattern[str]:
    """A piece of a hyphenated name by its stem, inflected (compiled once)."""
    return re.compile(rf"(?<![a-z0-9]){stem}{_INFLECTION}(?![a-z0-9])")
