"""`watchkeeper.alerts.__all__` lists exactly its public names."""

from __future__ import annotations

import watchkeeper.alerts as alerts


def test_all_is_complete() -> None:
    """Every public attribute of the package is in `__all__`, and each name resolves."""
    public = {
        name
        for name, value in vars(alerts).items()
        if not name.startswith("_") and getattr(value, "__module__", "").startswith("watchkeeper")
    }
    assert public <= set(alerts.__all__)
    assert all(hasattr(alerts, name) for name in alerts.__all__)
