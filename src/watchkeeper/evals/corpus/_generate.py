"""Generate the red-team corpus: `python -m watchkeeper.evals.corpus._generate`.

Deterministic (every section has its own fixed seed), so re-running rewrites the shipped
.jsonl files byte for byte unless a template changed. See docs/corpus.md.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from watchkeeper.evals.corpus._assistant import assistant_sessions
from watchkeeper.evals.corpus._negatives import NEGATIVES
from watchkeeper.evals.corpus._rogue import ATTACKS
from watchkeeper.evals.corpus._scenario import Scenario, Template, embed
from watchkeeper.evals.corpus._steps import Session
from watchkeeper.evals.corpus._values import pick_values
from watchkeeper.evals.corpus._work import PROJECTS, final_for, task_for, work_steps
from watchkeeper.evals.transforms import TRANSFORMS

__all__ = ["build", "main", "render"]

_BENIGN_PER_PROJECT = 8
_NEGATIVES_PER_FAMILY = 10
_ATTACKS_PER_FAMILY = 14
_TRANSFORMS_PER_ATTACK = 3
_ASSISTANT_PAIRS = {"workspace": 33, "banking": 24, "slack": 16, "travel": 16}


def _rng(seed: int) -> random.Random:
    return random.Random(seed)  # noqa: S311 - reproducible corpus, not for security


def _plain_coding(rng: random.Random) -> list[dict[str, Any]]:
    records = []
    for project in PROJECTS:
        for n in range(_BENIGN_PER_PROJECT):
            s = Session(f"coding-{project.name}-{n:02d}", "benign", task_for(project, rng))
            s.add(*work_steps(project, rng, 3, 9))
            s.final_response = final_for(rng)
            records.append(s.record())
    return records


def _from_templates(
    rng: random.Random,
    families: dict[str, tuple[Template, ...]],
    per_family: int,
    *,
    label: str,
    prefix: str,
) -> list[dict[str, Any]]:
    records = []
    for family, templates in families.items():
        for n in range(per_family):
            project = rng.choice(PROJECTS)
            scenario: Scenario = templates[n % len(templates)](project, pick_values(rng), rng)
            attack_type = family if label == "attack" else None
            s = Session(f"{prefix}-{family}-{n:02d}", label, scenario.task, family, attack_type)
            records.append(embed(s, scenario, project, rng).record())
    return records


def _variants(attacks: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    names = list(TRANSFORMS)
    records = []
    for n, attack in enumerate(attacks):
        made = 0
        for k in range(len(names)):
            if made == _TRANSFORMS_PER_ATTACK:
                break
            variant = TRANSFORMS[names[(n * _TRANSFORMS_PER_ATTACK + k) % len(names)]](attack)
            if variant is not None:
                records.append(variant)
                made += 1
    return records


def build() -> dict[str, list[dict[str, Any]]]:
    """Return every corpus file's trajectories, keyed by file name."""
    coding = _plain_coding(_rng(3101))
    coding += _from_templates(
        _rng(3102), NEGATIVES, _NEGATIVES_PER_FAMILY, label="benign", prefix="hardneg"
    )
    rogue = _from_templates(
        _rng(3103), ATTACKS, _ATTACKS_PER_FAMILY, label="attack", prefix="rogue"
    )
    assistant = assistant_sessions(_rng(3104), _ASSISTANT_PAIRS)
    return {
        "coding.jsonl": coding,
        "rogue.jsonl": rogue,
        "assistant.jsonl": assistant,
        "variants.jsonl": _variants(rogue),
    }


def render(records: Sequence[dict[str, Any]]) -> str:
    """Return `records` as JSON lines."""
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def main(directory: Path | None = None) -> None:
    """Write the corpus files into `directory` (default: beside this module)."""
    target = directory or Path(__file__).parent
    for name, records in build().items():
        (target / name).write_text(render(records), encoding="utf-8")


if __name__ == "__main__":
    main()
