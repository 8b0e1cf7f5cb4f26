"""Redaction rules files: one-line errors; secrets and personal data stay on by default."""

from __future__ import annotations

from pathlib import Path

import pytest

from watchkeeper.bundle import RedactionRules, RulesError, load_rules


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(text)
    return path


def test_rules_file_loads_with_its_hash(tmp_path: Path) -> None:
    """A valid file gives its rules and the sha256 of its bytes."""
    path = _write(
        tmp_path,
        "fields: [args.content]\ntools: [Read]\nkinds: [reasoning]\n"
        "secrets:\n  plugins: [AWSKeyDetector]\npersonal: false\n",
    )
    rules, digest = load_rules(path)
    assert rules.fields == ("args.content",)
    assert rules.tools == ("Read",)
    assert rules.kinds == ("reasoning",)
    assert rules.secrets is not False
    assert rules.secrets.plugins == ("AWSKeyDetector",)
    assert rules.personal is False
    assert len(digest) == 64


def test_omitted_detectors_stay_on(tmp_path: Path) -> None:
    """A file that names only a tool still withholds secrets and personal data."""
    rules, _ = load_rules(_write(tmp_path, "tools: [Read]\n"))
    assert rules.secrets == RedactionRules().secrets
    assert rules.personal == RedactionRules().personal


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("secrets:\n  plugins: [NoSuchDetector]\n", "`NoSuchDetector` is not a detect-secrets"),
        ("kinds: [thoughts]\n", "`kinds.0`"),
        ("personal:\n  phone_regions: [XX]\n", "`XX` is not a phone region"),
        ("fields: ['args..content']\n", "field path `args..content` is not a dotted path"),
        ("colour: red\n", "`colour`"),
        ("- just\n- a list\n", "are not a mapping"),
        ("tools: [Read\n", "are not valid yaml"),
    ],
)
def test_invalid_rules_fail_in_one_line(tmp_path: Path, text: str, message: str) -> None:
    """Each invalid file fails with one lowercase line naming the file and the bad value."""
    with pytest.raises(RulesError) as caught:
        load_rules(_write(tmp_path, text))
    error = str(caught.value)
    assert message in error
    assert "rules.yaml" in error
    assert "\n" not in error


def test_missing_rules_file_is_named(tmp_path: Path) -> None:
    """A rules path that does not exist fails naming it."""
    with pytest.raises(RulesError, match="cannot be read"):
        load_rules(tmp_path / "absent.yaml")
