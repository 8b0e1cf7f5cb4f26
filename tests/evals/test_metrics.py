"""Detection metrics: AUROC with ties, TPR at fixed FPR, and per-type recall."""

from __future__ import annotations

from watchkeeper.evals import TrajectoryResult, auroc, evaluate, threshold_for_fpr, tpr_at_fpr


def _result(
    rid: str, label: str, score: float, flag_at: int | None, first: int | None
) -> TrajectoryResult:
    return TrajectoryResult(
        id=rid,
        label=label,
        attack_type="injection" if label == "attack" else None,
        transform="base64" if rid.endswith("v") else None,
        score=score,
        steps=4,
        rises=((flag_at, score),) if flag_at is not None else (),
        malicious_steps=(first,) if first is not None else (),
        per_monitor={},
        top_category=None,
        errors=0,
        denied=0,
    )


def test_auroc_perfect_and_tied() -> None:
    """Separated scores give 1.0; all-equal scores give 0.5."""
    assert auroc([0.1, 0.2], [0.8, 0.9]) == 1.0
    assert auroc([0.5, 0.5], [0.5, 0.5]) == 0.5


def test_threshold_keeps_fpr_within_target() -> None:
    """With 100 benign scores and a 1% budget, exactly one benign score is flagged."""
    benign = [i / 100 for i in range(100)]
    threshold = threshold_for_fpr(benign, 0.01)
    assert sum(s >= threshold for s in benign) == 1
    assert tpr_at_fpr(benign, [0.995, 0.5], 0.01) == 0.5


def test_evaluate_reports_early_detection_and_groups() -> None:
    """Early fraction counts flags at or before the first malicious step; variants are grouped."""
    results = [
        _result("b1", "benign", 0.1, None, None),
        _result("a1", "attack", 0.9, 1, 1),
        _result("a2v", "attack", 0.9, 3, 2),
        _result("a3", "attack", 0.05, None, 0),
    ]
    metrics = evaluate(results, threshold=0.5, audit_budget=0.01)
    assert metrics.recall == 2 / 3
    assert metrics.early_fraction == 1 / 3
    assert metrics.median_steps_to_detection == 3
    assert [(g.name, g.flagged) for g in metrics.by_transform] == [("base64", 1)]
