"""`check_hosts`: what `--allow-host` accepts."""

from __future__ import annotations

import pytest

from watchkeeper.deployments import DeploymentInputError
from watchkeeper.deployments._hosts import check_hosts


def test_hosts_are_lowercased_and_deduplicated() -> None:
    """Hosts compare case-insensitively, so they are stored lowercase, once each."""
    assert check_hosts(["PyPI.org", "pypi.org", "*.GitHub.com", "::1", "10.0.0.1"]) == (
        "pypi.org",
        "*.github.com",
        "::1",
        "10.0.0.1",
    )


@pytest.mark.parametrize(
    "bad", ["https://pypi.org", "pypi.org/simple", "pypi.org:443", "*", "", "a b"]
)
def test_non_hosts_are_refused(bad: str) -> None:
    """URLs, paths, ports, bare wildcards and blanks are not hosts."""
    with pytest.raises(DeploymentInputError, match="is not a host name"):
        check_hosts([bad])
