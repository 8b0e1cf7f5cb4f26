"""File names as the integrity checks read them."""

from __future__ import annotations

from pathlib import PurePosixPath

from hypothesis import given
from hypothesis import strategies as st

from watchkeeper.monitors.integrity._files import base_name


@given(st.lists(st.sampled_from(["", ".", "..", "a", "b.py", " ", "x\\y", "~"]), max_size=6))
def test_base_name_is_the_name_of_the_path(parts: list[str]) -> None:
    """A path's base name is what `PurePosixPath(path).name` gives, `.` and `//` included."""
    path = "/".join(parts)
    assert base_name(path) == PurePosixPath(path).name


@given(st.text(alphabet="/.ab", max_size=12))
def test_base_name_of_any_slashes_and_dots(path: str) -> None:
    """Runs of slashes and dots name the same file `PurePosixPath` finds."""
    assert base_name(path) == PurePosixPath(path).name
