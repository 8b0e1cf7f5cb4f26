"""Load a policy file (and the packs it includes) into a `Policy`, line-precisely."""

from __future__ import annotations

import json
import os
import re
from importlib import resources
from pathlib import Path

import yaml

from watchkeeper.events import Decision
from watchkeeper.policy._argv import CommandPattern, parse_pattern_string
from watchkeeper.policy._errors import PolicyError
from watchkeeper.policy._globs import GlobSyntaxError, glob_regex, has_magic
from watchkeeper.policy._matchers import (
    ArgsMatcher,
    CodeMatcher,
    CommandMatcher,
    DetachedMatcher,
    HostsMatcher,
    HostsOutsideMatcher,
    Matcher,
    McpServerMatcher,
    PathMatcher,
    SessionMatcher,
    ToolMatcher,
)
from watchkeeper.policy._nodes import Where, compose, mapping, plain, scalar_str, string_list
from watchkeeper.policy._paths import PathSet
from watchkeeper.policy._policy import Policy
from watchkeeper.policy._rule import EFFECT_BITS, Rule

__all__ = ["available_packs", "load_pack_text", "load_policy", "parse_policy"]

MATCHER_KEYS = (
    "tool",
    "command",
    "reads",
    "writes",
    "hosts",
    "hosts_outside",
    "args",
    "code",
    "detached",
    "session",
    "mcp_server",
)
CODE_KINDS = frozenset(
    {"eval", "dynamic-name", "decode-exec", "download-exec", "inline", "script", "unparsed"}
)
_POLICY_KEYS = ("version", "default", "description", "include", "exclude_rules", "rules")
_PACK_KEYS = ("version", "pack", "description", "rules")
_RULE_KEYS = ("id", "decision", "description", "match")
_COMMAND_KEYS = ("name", "subcommand", "flags", "without_flags", "args", "wrappers")
_SESSION_KEYS = ("untrusted_seen", "untrusted_sources", "min_denied")
_ID = re.compile(r"[a-z0-9][a-z0-9._-]*\Z")
_ORDER = {"deny": 0, "ask": 1, "allow": 2}


def available_packs() -> tuple[str, ...]:
    """Return the names of the built-in packs."""
    folder = resources.files("watchkeeper.policy") / "packs"
    return tuple(
        sorted(p.name[: -len(".yaml")] for p in folder.iterdir() if p.name.endswith(".yaml"))
    )


def load_pack_text(name: str) -> str:
    """Return the YAML text of built-in pack `name`; raises `KeyError` if there is none."""
    if name not in available_packs():
        raise KeyError(name)
    return (resources.files("watchkeeper.policy") / "packs" / f"{name}.yaml").read_text("utf-8")


def load_policy(path: Path, *, home: str | None = None) -> Policy:
    """Load the policy file at `path`; raises `PolicyError` with ``file:line: message``."""
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(
            f"{path}:1: cannot read the policy file `{path}` ({exc}); check the path"
        ) from exc
    return parse_policy(text, source=str(path), home=home)


def parse_policy(text: str, *, source: str = "<policy>", home: str | None = None) -> Policy:
    """Parse policy YAML `text`; `source` names it in errors; `home` defaults to $HOME."""
    home_dir = home if home is not None else os.path.expanduser("~")
    where = Where(source)
    root = compose(text, where)
    top = mapping(root, where, "the policy")
    _check_keys(top, _POLICY_KEYS, where, "the policy")
    _check_version(top, root, where)
    if "default" not in top:
        raise where.error(
            root, "the policy has no `default`; add `default: deny` or `default: ask`"
        )
    default_node = top["default"][1]
    default_text = scalar_str(default_node, where, "`default`")
    if default_text == "allow":
        raise where.error(
            default_node,
            "`default: allow` is not permitted; use `deny` or `ask` and allow by rules",
        )
    if default_text not in ("deny", "ask"):
        raise where.error(default_node, f"`default` is `{default_text}`; use `deny` or `ask`")
    rules: list[Rule] = []
    origins: dict[str, str] = {}
    packs: list[str] = []
    if "include" in top:
        for node, name in string_list(top["include"][1], where, "`include`"):
            if name in packs:
                raise where.error(node, f"`include` lists the pack `{name}` twice; keep one")
            try:
                pack_text = load_pack_text(name)
            except KeyError:
                known = ", ".join(available_packs())
                raise where.error(
                    node, f"unknown pack `{name}`; the built-in packs are: {known}"
                ) from None
            packs.append(name)
            _add(rules, origins, _parse_pack(pack_text, name, home_dir), where, node)
    excluded: list[str] = []
    if "exclude_rules" in top:
        pack_ids = {r.id for r in rules}
        for node, rule_id in string_list(top["exclude_rules"][1], where, "`exclude_rules`"):
            if rule_id not in pack_ids:
                raise where.error(
                    node,
                    f"`exclude_rules` names `{rule_id}`, which no included pack defines; remove it",
                )
            excluded.append(rule_id)
        rules = [r for r in rules if r.id not in excluded]
    if "rules" in top:
        own = _parse_rules(top["rules"][1], where, home_dir, pack=None)
        _add(rules, origins, own, where, None)
    rules.sort(key=lambda r: _ORDER[r.decision.value])
    return Policy(
        default=Decision(default_text),
        rules=rules,
        home=home_dir,
        source=source,
        packs=packs,
        excluded_rules=excluded,
    )


def _add(
    rules: list[Rule],
    origins: dict[str, str],
    new: list[Rule],
    where: Where,
    node: yaml.Node | None,
) -> None:
    for rule in new:
        if rule.id in origins:
            message = (
                f"rule id `{rule.id}` is defined twice ({origins[rule.id]} and {rule.origin}); "
                "rename one"
            )
            if node is not None:
                raise where.error(node, message)
            raise PolicyError(f"{rule.origin}: {message}")
        origins[rule.id] = rule.origin
        rules.append(rule)


def _parse_pack(text: str, name: str, home: str) -> list[Rule]:
    where = Where(f"packs/{name}.yaml")
    root = compose(text, where)
    top = mapping(root, where, f"the pack `{name}`")
    _check_keys(top, _PACK_KEYS, where, f"the pack `{name}`")
    _check_version(top, root, where)
    if "rules" not in top:
        raise where.error(root, f"the pack `{name}` has no `rules`; add some")
    return _parse_rules(top["rules"][1], where, home, pack=name)


def _check_version(
    top: dict[str, tuple[yaml.Node, yaml.Node]], root: yaml.Node, where: Where
) -> None:
    if "version" not in top:
        raise where.error(root, "the file has no `version`; add `version: 1`")
    node = top["version"][1]
    if plain(node) != 1:
        raise where.error(node, f"`version` is `{node.value}`; only `version: 1` is supported")


def _check_keys(
    found: dict[str, tuple[yaml.Node, yaml.Node]], allowed: tuple[str, ...], where: Where, what: str
) -> None:
    for key, (key_node, _) in found.items():
        if key not in allowed:
            raise where.error(
                key_node, f"{what} has an unknown key `{key}`; expected one of {', '.join(allowed)}"
            )


def _parse_rules(node: yaml.Node, where: Where, home: str, *, pack: str | None) -> list[Rule]:
    if not isinstance(node, yaml.SequenceNode):
        raise where.error(node, "`rules` must be a list of rules; start each with `- id: …`")
    return [_parse_rule(item, where, home, pack) for item in node.value]


def _parse_rule(node: yaml.Node, where: Where, home: str, pack: str | None) -> Rule:
    fields = mapping(node, where, "a rule")
    if "id" not in fields:
        raise where.error(node, "a rule has no `id`; give every rule a unique id")
    id_node = fields["id"][1]
    rule_id = scalar_str(id_node, where, "a rule `id`")
    if not _ID.match(rule_id):
        raise where.error(
            id_node, f"rule id `{rule_id}` is not lowercase letters, digits and dashes; rename it"
        )
    what = f"rule `{rule_id}`"
    for key, (key_node, _) in fields.items():
        if key not in _RULE_KEYS:
            raise where.error(
                key_node,
                f"{what} has an unknown key `{key}`; expected one of {', '.join(_RULE_KEYS)}",
            )
    if "decision" not in fields:
        raise where.error(node, f"{what} has no `decision`; add deny, ask or allow")
    decision_node = fields["decision"][1]
    decision_text = scalar_str(decision_node, where, f"the decision of {what}")
    if decision_text not in _ORDER:
        raise where.error(
            decision_node, f"{what} has decision `{decision_text}`; use deny, ask or allow"
        )
    decision = Decision(decision_text)
    description = ""
    if "description" in fields:
        description = scalar_str(fields["description"][1], where, f"the description of {what}")
    if "match" not in fields:
        raise where.error(node, f"{what} has no `match` block; add one or remove the rule")
    match_node = fields["match"][1]
    matchers = mapping(match_node, where, f"the `match` of {what}")
    if not matchers:
        raise where.error(match_node, f"{what} has an empty `match`; add at least one matcher")
    tool: ToolMatcher | None = None
    command: CommandMatcher | None = None
    checks: list[Matcher] = []
    for key, (key_node, value_node) in matchers.items():
        if key not in MATCHER_KEYS:
            raise where.error(
                key_node,
                f"{what} has an unknown matcher `{key}`; expected one of {', '.join(MATCHER_KEYS)}",
            )
        if key == "hosts_outside" and decision is Decision.ALLOW:
            raise where.error(
                key_node, f"{what} allows with `hosts_outside`; allow rules list hosts in `hosts`"
            )
        built = _build_matcher(
            key, value_node, where, home, what, fold_case=decision is not Decision.ALLOW
        )
        if isinstance(built, ToolMatcher):
            tool = built
            continue
        if isinstance(built, CommandMatcher):
            command = built
        checks.append(built)
    checks.sort(key=lambda m: m.key != "command")
    handles = {m.key for m in checks} & set(EFFECT_BITS)
    needs = 0
    for m in checks:
        if m.key in EFFECT_BITS and not (isinstance(m, DetachedMatcher) and not m.value):
            needs |= EFFECT_BITS[m.key]
        elif m.key == "hosts_outside":
            needs |= EFFECT_BITS["hosts"]
    return Rule(
        id=rule_id,
        decision=decision,
        description=description,
        origin=f"{where.source}:{node.start_mark.line + 1}",
        pack=pack,
        match_text=json.dumps(plain(match_node), separators=(", ", ": ")),
        tool=tool,
        command=command,
        checks=tuple(checks),
        handles=frozenset(handles),
        needs=needs,
        handles_mask=sum(EFFECT_BITS[h] for h in handles),
    )


def _glob_check(node: yaml.Node, text: str, *, path: bool, where: Where, what: str) -> None:
    try:
        glob_regex(text, path=path)
    except GlobSyntaxError as exc:
        raise where.error(node, f"{what} has a bad pattern `{text}` ({exc}); fix it") from exc


def _build_matcher(
    key: str, node: yaml.Node, where: Where, home: str, what: str, *, fold_case: bool = False
) -> Matcher:
    label = f"the `{key}` matcher of {what}"
    if key == "tool":
        items = string_list(node, where, label)
        for item, text in items:
            _glob_check(item, text, path=False, where=where, what=label)
        names = [t for _, t in items]
        exact = frozenset(names) if not any(has_magic(n) for n in names) else None
        return ToolMatcher(names, exact)
    if key == "command":
        return CommandMatcher(_command_patterns(node, where, home, label))
    if key in ("reads", "writes"):
        items = string_list(node, where, label)
        for item, text in items:
            _path_check(item, text, where, label)
        return PathMatcher(key, PathSet([t for _, t in items], home=home, fold_case=fold_case))
    if key in ("hosts", "hosts_outside", "mcp_server"):
        items = string_list(node, where, label)
        for item, text in items:
            if key != "mcp_server" and "/" in text:
                raise where.error(
                    item, f"{label} has `{text}`, which is not a host name; write `example.com`"
                )
            _glob_check(item, text, path=False, where=where, what=label)
        globs = [t for _, t in items]
        if key == "hosts":
            return HostsMatcher(globs)
        if key == "hosts_outside":
            return HostsOutsideMatcher(HostsMatcher(globs))
        return McpServerMatcher(globs)
    if key == "code":
        items = string_list(node, where, label)
        kinds = {t for _, t in items}
        if "any" in kinds:
            return CodeMatcher(None)
        for item, text in items:
            if text not in CODE_KINDS:
                raise where.error(
                    item,
                    f"{label} has unknown code kind `{text}`; "
                    f"expected any or one of {', '.join(sorted(CODE_KINDS))}",
                )
        return CodeMatcher(frozenset(kinds))
    if key == "detached":
        value = plain(node)
        if not isinstance(value, bool):
            raise where.error(node, f"{label} must be true or false")
        return DetachedMatcher(value)
    if key == "args":
        return _args_matcher(node, where, label)
    return _session_matcher(node, where, label)


def _path_check(node: yaml.Node, text: str, where: Where, label: str) -> None:
    body = text[1:] if text.startswith("!") else text
    if "${" in body.replace("${workspace}", "", 1) or (
        "${workspace}" in body and not body.startswith("${workspace}")
    ):
        raise where.error(
            node, f"{label} has `{text}`; the only variable is `${{workspace}}`, at the start"
        )
    if body.startswith("~") and body != "~" and not body.startswith("~/"):
        raise where.error(node, f"{label} has `{text}`; write `~/…` for home, not `~user`")
    _glob_check(node, body, path=True, where=where, what=label)


def _command_patterns(node: yaml.Node, where: Where, home: str, label: str) -> list[CommandPattern]:
    items = node.value if isinstance(node, yaml.SequenceNode) else [node]
    if not items:
        raise where.error(node, f"{label} is an empty list; give at least one pattern")
    patterns = []
    for item in items:
        if isinstance(item, yaml.MappingNode):
            patterns.append(_structured_pattern(item, where, home, label))
            continue
        text = scalar_str(item, where, label)
        try:
            words = parse_pattern_string(text)
            for word in words:
                glob_regex(word, path=False)
        except (ValueError, GlobSyntaxError) as exc:
            raise where.error(item, f"{label} has a bad pattern `{text}` ({exc}); fix it") from exc
        patterns.append(CommandPattern(text=text, names=[words[0]], rest=words[1:], home=home))
    return patterns


def _structured_pattern(node: yaml.Node, where: Where, home: str, label: str) -> CommandPattern:
    fields = mapping(node, where, label)
    for key, (key_node, _) in fields.items():
        if key not in _COMMAND_KEYS:
            raise where.error(
                key_node,
                f"{label} has an unknown key `{key}`; expected one of {', '.join(_COMMAND_KEYS)}",
            )
    if "name" not in fields:
        raise where.error(node, f"{label} has a pattern without `name`; add the command name")

    def texts(key: str, *, path_ok: bool = False) -> list[str]:
        if key not in fields:
            return []
        items = string_list(fields[key][1], where, f"`{key}` in {label}")
        for item, text in items:
            if path_ok and text.startswith(("/", "~", "${workspace}")):
                _path_check(item, text, where, label)
            else:
                _glob_check(item, text, path=False, where=where, what=label)
            if key in ("flags", "without_flags") and not text.startswith("-"):
                raise where.error(
                    item, f"{label} has flag `{text}`; write flags with their dashes, like `-r`"
                )
        return [t for _, t in items]

    subcommands = [s.split() for s in texts("subcommand")]
    return CommandPattern(
        text=json.dumps(plain(node)),
        names=texts("name"),
        flags=texts("flags"),
        without_flags=texts("without_flags"),
        args=texts("args", path_ok=True),
        subcommands=subcommands,
        wrappers=texts("wrappers"),
        home=home,
    )


def _args_matcher(node: yaml.Node, where: Where, label: str) -> ArgsMatcher:
    fields = mapping(node, where, label)
    if not fields:
        raise where.error(node, f"{label} is empty; name at least one argument")
    compiled = []
    for name, (_, value_node) in fields.items():
        for item, text in string_list(value_node, where, f"{label} (`{name}`)"):
            try:
                regex = (
                    re.compile(text[3:])
                    if text.startswith("re:")
                    else re.compile(r"\A(?:" + glob_regex(text, path=False) + r")\Z", re.DOTALL)
                )
            except (re.error, GlobSyntaxError) as exc:
                raise where.error(
                    item, f"{label} has a bad pattern `{text}` ({exc}); fix it"
                ) from exc
            compiled.append((name, regex))
    return ArgsMatcher(compiled)


def _session_matcher(node: yaml.Node, where: Where, label: str) -> SessionMatcher:
    fields = mapping(node, where, label)
    if not fields:
        raise where.error(node, f"{label} is empty; add `untrusted_seen: true` or similar")
    untrusted: bool | None = None
    sources: frozenset[str] = frozenset()
    min_denied: int | None = None
    for key, (key_node, value_node) in fields.items():
        value = plain(value_node)
        if key == "untrusted_seen":
            if not isinstance(value, bool):
                raise where.error(value_node, f"{label}: `untrusted_seen` must be true or false")
            untrusted = value
        elif key == "untrusted_sources":
            sources = frozenset(t for _, t in string_list(value_node, where, label))
        elif key == "min_denied":
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise where.error(value_node, f"{label}: `min_denied` must be a whole number ≥ 0")
            min_denied = value
        else:
            raise where.error(
                key_node,
                f"{label} has an unknown key `{key}`; expected one of {', '.join(_SESSION_KEYS)}",
            )
    return SessionMatcher(untrusted_seen=untrusted, sources=sources, min_denied=min_denied)
