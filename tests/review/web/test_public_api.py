"""`watchkeeper.review.web.__all__` lists exactly its public names."""

from __future__ import annotations

import watchkeeper.review.web as web


def test_all_is_complete() -> None:
    """Every public attribute of the package is in `__all__`, and each name resolves."""
    public = {
        name
        for name, value in vars(web).items()
        if not name.startswith("_") and getattr(value, "__module__", "").startswith("watchkeeper")
    }
    assert public <= set(web.__all__)
    assert all(hasattr(web, name) for name in web.__all__)
