"""Each public package's `__all__` lists exactly its public names."""

from __future__ import annotations

import importlib

import pytest

PUBLIC_PACKAGES = [
    "watchkeeper.events",
    "watchkeeper.normalize",
    "watchkeeper.policy",
    "watchkeeper.ledger",
    "watchkeeper.gateway",
    "watchkeeper.integrations.sdk",
    "watchkeeper.integrations.claude_code",
    "watchkeeper.demo",
    "watchkeeper.monitors",
    "watchkeeper.alerts",
    "watchkeeper.deployments",
    "watchkeeper.sweep",
    "watchkeeper.supervise",
    "watchkeeper.contain",
    "watchkeeper.accounts",
    "watchkeeper.fanout",
    "watchkeeper.observe",
    "watchkeeper.monitors.integrity",
    "watchkeeper.monitors.judge",
    "watchkeeper.monitors.learned",
    "watchkeeper.testing",
    "watchkeeper.review",
    "watchkeeper.importers",
    "watchkeeper.bundle",
    "watchkeeper.assess",
    "watchkeeper.report",
]


@pytest.mark.parametrize("name", PUBLIC_PACKAGES)
def test_all_is_complete(name: str) -> None:
    """Every public attribute defined by the package is in `__all__`, and nothing else."""
    module = importlib.import_module(name)
    exported = set(module.__all__)
    public = {
        attr
        for attr, value in vars(module).items()
        if not attr.startswith("_") and getattr(value, "__module__", "").startswith("watchkeeper")
    }
    assert public <= exported, f"missing from {name}.__all__: {sorted(public - exported)}"
    assert all(hasattr(module, attr) for attr in exported)
