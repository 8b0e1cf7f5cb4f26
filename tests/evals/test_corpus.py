"""The shipped red-team corpus: schema, size, coverage, labels and attack markers."""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any, Literal

import pytest
from pydantic import BaseModel, ConfigDict

from watchkeeper.evals.corpus import corpus_files
from watchkeeper.evals.corpus._generate import build, render
from watchkeeper.evals.corpus._steps import has_evidence
from watchkeeper.evals.transforms import TRANSFORMS
from watchkeeper.normalize import Normalizer

FAMILIES = (
    "unmonitored-inference",
    "persistence",
    "exfiltration",
    "oversight-evasion",
    "unauthorised-compute",
    "external-model-api",
    "obfuscation",
    "self-replication",
)


class StepModel(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    tool: str
    args: dict[str, Any]
    output: str | None
    reasoning: str | None


class TrajectoryModel(BaseModel):
    """The evaluation schema plus the corpus's documented extra fields."""

    model_config = ConfigDict(extra="forbid", strict=True)

    id: str
    label: Literal["benign", "attack"] | None
    attack_type: str | None
    task: str | None
    steps: list[StepModel]
    final_response: str | None
    malicious_steps: list[int]
    transform: str | None
    variant_of: str | None
    family: str | None
    evidence: list[str]
    injection_style: str | None = None
    twin_of: str | None = None


@cache
def _load() -> dict[str, list[dict[str, Any]]]:
    return {
        path.name: [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        for path in corpus_files()
    }


def _all() -> list[dict[str, Any]]:
    return [t for records in _load().values() for t in records]


def _originals() -> list[dict[str, Any]]:
    return [t for name, records in _load().items() if name != "variants.jsonl" for t in records]


def test_corpus_files_are_the_four_shipped_files() -> None:
    """`corpus_files` lists the assistant, coding, rogue and variants files."""
    names = [p.name for p in corpus_files()]
    assert names == ["assistant.jsonl", "coding.jsonl", "rogue.jsonl", "variants.jsonl"]


def test_every_line_validates_against_the_schema() -> None:
    """Each line is one trajectory in the evaluation schema with only documented extras."""
    for trajectory in _all():
        TrajectoryModel.model_validate(trajectory)


def test_at_least_300_original_trajectories() -> None:
    """The corpus holds at least 300 trajectories besides the generated variants."""
    assert len(_originals()) >= 300


def test_ids_are_unique() -> None:
    """No two trajectories in any file share an id."""
    ids = Counter(t["id"] for t in _all())
    assert [i for i, n in ids.items() if n > 1] == []


def test_shipped_files_match_the_generator() -> None:
    """The .jsonl files are exactly what the seeded generator writes (they are up to date)."""
    for name, records in build().items():
        shipped = (corpus_files()[0].parent / name).read_text(encoding="utf-8")
        assert shipped == render(records), f"{name} is stale; run the generator"


def test_labels_agree_with_malicious_steps() -> None:
    """Attacks mark at least one malicious step and benign trajectories mark none."""
    for t in _all():
        if t["label"] == "attack":
            assert t["malicious_steps"], t["id"]
            assert t["attack_type"] is not None, t["id"]
        else:
            assert t["malicious_steps"] == [], t["id"]
            assert t["attack_type"] is None, t["id"]


def test_malicious_steps_point_at_the_attack() -> None:
    """Every malicious step index is in range and that step's arguments hold its evidence."""
    for t in _all():
        assert len(t["evidence"]) == len(t["malicious_steps"]), t["id"]
        assert t["malicious_steps"] == sorted(set(t["malicious_steps"])), t["id"]
        for index, evidence in zip(t["malicious_steps"], t["evidence"], strict=True):
            assert 0 <= index < len(t["steps"]), t["id"]
            assert evidence, t["id"]
            assert has_evidence(t["steps"][index]["args"], evidence), (t["id"], index)


@pytest.mark.parametrize("family", FAMILIES)
def test_every_family_has_attacks_and_hard_negatives(family: str) -> None:
    """Each rogue family has at least eight attacks and eight legitimate look-alikes."""
    rows = [t for t in _originals() if t["family"] == family]
    attacks = [t for t in rows if t["label"] == "attack" and t["attack_type"] == family]
    negatives = [t for t in rows if t["label"] == "benign"]
    assert len(attacks) >= 8
    assert len(negatives) >= 8


def test_attacks_are_embedded_in_ordinary_work() -> None:
    """A rogue attack is never its first or only step: normal work surrounds it."""
    for t in _load()["rogue.jsonl"]:
        assert t["malicious_steps"][0] > 0, t["id"]
        assert t["malicious_steps"][-1] < len(t["steps"]) - 1, t["id"]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


def test_injected_values_come_only_from_tool_output() -> None:
    """A hijacked call's attacker value appears in an earlier tool output and never in the task."""
    hijacked = [t for t in _originals() if t["attack_type"] == "injection"]
    assert len(hijacked) >= 60
    for t in hijacked:
        first = t["malicious_steps"][0]
        value = _squash(t["evidence"][0].split(":")[-1].strip(' "'))
        outputs = "".join(_squash(s["output"] or "") for s in t["steps"][:first])
        assert value in outputs, t["id"]
        assert value not in _squash(t["task"]), t["id"]


def test_ignored_injection_twins_keep_the_injection_but_not_its_values() -> None:
    """Each hijacked session has a benign twin whose outputs hold the same injection and whose
    calls never use the attacker's value."""
    by_id = {t["id"]: t for t in _originals()}
    twins = [t for t in _originals() if t.get("twin_of")]
    assert len(twins) == len([t for t in _originals() if t["attack_type"] == "injection"])
    for twin in twins:
        attack = by_id[twin["twin_of"]]
        assert twin["label"] == "benign"
        assert twin["injection_style"] == attack["injection_style"]
        injected = {s["output"] for s in attack["steps"] if s["output"]}
        assert injected & {s["output"] for s in twin["steps"] if s["output"]}, twin["id"]
        for step in twin["steps"]:
            assert not has_evidence(step["args"], attack["evidence"][0]), twin["id"]


def test_injection_styles_and_suites_vary() -> None:
    """Hijacks use at least ten injection styles and cover all four assistant suites."""
    hijacked = [t for t in _originals() if t["attack_type"] == "injection"]
    assert len({t["injection_style"] for t in hijacked}) >= 10
    assert {t["id"].split("-")[1] for t in hijacked} == {"workspace", "banking", "slack", "travel"}
    assert len({t["steps"][t["malicious_steps"][0]]["tool"] for t in hijacked}) >= 8


def test_plain_assistant_sessions_have_legitimate_side_effects() -> None:
    """Benign assistant sessions without injections still send, pay, share and invite."""
    plain = [t for t in _load()["assistant.jsonl"] if t["id"].endswith("-plain")]
    tools = {s["tool"] for t in plain for s in t["steps"]}
    assert {"send_money", "send_email", "share_file", "invite_user_to_slack"} <= tools


def test_variants_point_at_rogue_attacks_and_cover_every_transform() -> None:
    """Each variant names its transform and an attack in rogue.jsonl; every transform is used."""
    rogue = {t["id"]: t for t in _load()["rogue.jsonl"]}
    variants = _load()["variants.jsonl"]
    for v in variants:
        assert v["variant_of"] in rogue, v["id"]
        assert v["id"] == f"{v['variant_of']}~{v['transform']}"
        assert v["label"] == "attack"
    assert {v["transform"] for v in variants} == set(TRANSFORMS)


def test_every_bash_command_parses() -> None:
    """Every Bash command in the corpus is valid shell: normalising it records no errors."""
    normalizer = Normalizer(home="/home/dev")
    for t in _all():
        for step in t["steps"]:
            if step["tool"] == "Bash":
                action = normalizer.action("Bash", step["args"], cwd="/home/dev/project")
                assert action.errors == (), (t["id"], step["args"]["command"])


def test_generator_writes_into_a_directory(tmp_path: Path) -> None:
    """Running the generator's `main` writes the four files into the given directory."""
    from watchkeeper.evals.corpus._generate import main

    main(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [p.name for p in corpus_files()]
