"""Loading policy files: shapes accepted, and line-precise errors for everything else."""

from __future__ import annotations

from pathlib import Path

import pytest

from watchkeeper.events import Decision
from watchkeeper.policy import PolicyError, available_packs, load_policy, parse_policy

HOME = "/home/dev"


def _error(text: str) -> str:
    with pytest.raises(PolicyError) as info:
        parse_policy(text, source="policy.yaml", home=HOME)
    return str(info.value)


def test_minimal_policy_loads() -> None:
    """A policy with a default and one rule loads with that rule and default."""
    policy = parse_policy(
        "version: 1\ndefault: ask\nrules:\n"
        "  - id: allow-echo\n    decision: allow\n    match: {tool: mcp__demo__echo}\n",
        home=HOME,
    )
    assert policy.default is Decision.ASK
    assert [r.id for r in policy.rules] == ["allow-echo"]


def test_unknown_matcher_names_the_line_and_the_choices() -> None:
    """A misspelt matcher is reported with its file, line, rule id and the valid keys."""
    message = _error(
        "version: 1\ndefault: deny\nrules:\n"
        "  - id: deny-x\n    decision: deny\n    match:\n      comand: [rm]\n"
    )
    assert message.startswith("policy.yaml:7: rule `deny-x` has an unknown matcher `comand`;")
    assert "expected one of tool, command" in message


def test_default_allow_is_a_load_error() -> None:
    """`default: allow` is refused at its line."""
    assert _error("version: 1\ndefault: allow\n").startswith("policy.yaml:2: `default: allow`")


def test_missing_default_is_an_error() -> None:
    """A policy without `default` does not load."""
    assert "has no `default`" in _error("version: 1\nrules: []\n")


def test_wrong_version_is_an_error() -> None:
    """Only version 1 is accepted."""
    assert _error("version: 2\ndefault: deny\n").startswith("policy.yaml:1: `version` is `2`")


def test_duplicate_rule_ids_are_an_error() -> None:
    """Two rules with one id are refused, naming both places."""
    message = _error(
        "version: 1\ndefault: deny\nrules:\n"
        "  - {id: a, decision: deny, match: {tool: X}}\n"
        "  - {id: a, decision: ask, match: {tool: Y}}\n"
    )
    assert "rule id `a` is defined twice (policy.yaml:4 and policy.yaml:5)" in message


def test_user_rule_reusing_a_pack_id_is_an_error() -> None:
    """A user rule cannot take the id of an included pack rule."""
    message = _error(
        "version: 1\ndefault: deny\ninclude: [coding-agent]\nrules:\n"
        "  - {id: deny-opaque-code, decision: allow, match: {tool: X}}\n"
    )
    assert "rule id `deny-opaque-code` is defined twice" in message


def test_unknown_pack_lists_the_built_in_ones() -> None:
    """Including a pack that does not exist names the pack and the available ones."""
    message = _error("version: 1\ndefault: deny\ninclude: [coding-agnet]\n")
    assert message.startswith("policy.yaml:3: unknown pack `coding-agnet`;")
    assert "coding-agent" in available_packs()
    assert "coding-agent" in message.split(";", 1)[1]


def test_unknown_top_level_key_is_an_error() -> None:
    """A top-level key that is not part of the format is refused at its line."""
    assert _error("version: 1\ndefault: deny\nrulez: []\n").startswith(
        "policy.yaml:3: the policy has an unknown key `rulez`"
    )


def test_unknown_rule_key_is_an_error() -> None:
    """A rule key that is not part of the format is refused."""
    message = _error(
        "version: 1\ndefault: deny\nrules:\n"
        "  - id: a\n    decision: deny\n    priority: 3\n    match: {tool: X}\n"
    )
    assert message.startswith("policy.yaml:6: rule `a` has an unknown key `priority`")


def test_empty_match_is_an_error() -> None:
    """A rule with an empty `match` would match everything and is refused."""
    message = _error("version: 1\ndefault: deny\nrules:\n  - {id: a, decision: deny, match: {}}\n")
    assert "rule `a` has an empty `match`" in message


def test_missing_match_is_an_error() -> None:
    """A rule without `match` is refused."""
    message = _error("version: 1\ndefault: deny\nrules:\n  - {id: a, decision: deny}\n")
    assert "rule `a` has no `match` block; add one or remove the rule" in message


def test_bad_glob_is_an_error() -> None:
    """An unclosed character class in a path glob is refused at its line."""
    message = _error(
        "version: 1\ndefault: deny\nrules:\n"
        "  - id: a\n    decision: deny\n    match:\n      reads:\n        - '/etc/[abc'\n"
    )
    assert message.startswith("policy.yaml:8: the `reads` matcher of rule `a` has a bad pattern")


def test_bad_regex_is_an_error() -> None:
    """An invalid `re:` argument pattern is refused at its line."""
    message = _error(
        "version: 1\ndefault: deny\nrules:\n"
        "  - id: a\n    decision: deny\n    match:\n      args: {url: 're:(unclosed'}\n"
    )
    assert message.startswith("policy.yaml:7:")
    assert "bad pattern `re:(unclosed`" in message


def test_unknown_code_kind_is_an_error() -> None:
    """A `code` kind that the normaliser never produces is refused."""
    message = _error(
        "version: 1\ndefault: deny\nrules:\n  - {id: a, decision: deny, match: {code: [evil]}}\n"
    )
    assert "unknown code kind `evil`" in message


def test_allow_rule_cannot_use_hosts_outside() -> None:
    """`hosts_outside` is for deny/ask rules; an allow rule must list hosts."""
    message = _error(
        "version: 1\ndefault: deny\nrules:\n"
        "  - {id: a, decision: allow, match: {hosts_outside: [github.com]}}\n"
    )
    assert "allow rules list hosts in `hosts`" in message


def test_flags_must_be_written_with_dashes() -> None:
    """A command flag written without its dash is refused (it would never match)."""
    message = _error(
        "version: 1\ndefault: deny\nrules:\n"
        "  - {id: a, decision: deny, match: {command: [{name: rm, flags: [r]}]}}\n"
    )
    assert "write flags with their dashes" in message


def test_exclude_rules_must_name_a_pack_rule() -> None:
    """Excluding a rule no included pack defines is an error."""
    message = _error("version: 1\ndefault: deny\ninclude: [coding-agent]\nexclude_rules: [nope]\n")
    assert message.startswith("policy.yaml:4: `exclude_rules` names `nope`")


def test_exclude_rules_removes_and_records_the_rule() -> None:
    """An excluded pack rule is gone from the policy and recorded in `excluded_rules`."""
    policy = parse_policy(
        "version: 1\ndefault: deny\ninclude: [coding-agent]\nexclude_rules: [ask-git-push]\n",
        home=HOME,
    )
    assert "ask-git-push" not in {r.id for r in policy.rules}
    assert policy.excluded_rules == ("ask-git-push",)
    assert policy.packs == ("coding-agent",)


def test_yaml_syntax_error_names_the_line() -> None:
    """Broken YAML is reported with the line of the problem."""
    message = _error("version: 1\ndefault: deny\nrules:\n  - id: [unclosed\n")
    assert message.startswith("policy.yaml:")
    assert "is not valid yaml" in message


def test_duplicate_yaml_keys_are_an_error() -> None:
    """A key given twice in one mapping is refused instead of silently overwritten."""
    assert "repeats the key `default`" in _error("version: 1\ndefault: deny\ndefault: ask\n")


def test_load_policy_reports_the_file_path(tmp_path: Path) -> None:
    """Errors from a file start with that file's path and line."""
    path = tmp_path / "policy.yaml"
    path.write_text("version: 1\ndefault: maybe\n")
    with pytest.raises(PolicyError) as info:
        load_policy(path, home=HOME)
    assert str(info.value).startswith(f"{path}:2: `default` is `maybe`")


def test_missing_file_is_a_policy_error(tmp_path: Path) -> None:
    """A path that cannot be read is a `PolicyError`, not an `OSError`."""
    with pytest.raises(PolicyError, match="cannot read the policy file"):
        load_policy(tmp_path / "absent.yaml", home=HOME)


def test_built_in_pack_loads_with_all_decisions() -> None:
    """The coding-agent pack loads and has deny, ask and allow rules."""
    policy = parse_policy("version: 1\ndefault: deny\ninclude: [coding-agent]\n", home=HOME)
    decisions = {r.decision for r in policy.rules}
    assert decisions == {Decision.DENY, Decision.ASK, Decision.ALLOW}
    assert all(r.origin.startswith("packs/coding-agent.yaml:") for r in policy.rules)


def test_loading_a_pack_compiles_no_command_pattern() -> None:
    """Command patterns are compiled when a command is first decided, not when loaded."""
    policy = parse_policy("version: 1\ndefault: deny\ninclude: [coding-agent]\n")
    patterns = [p for r in policy.rules if r.command is not None for p in r.command.patterns]
    assert len(patterns) > 50
    assert all(p._compiled is None for p in patterns)
