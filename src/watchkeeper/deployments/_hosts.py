"""Checking the hosts a deployment may contact (`--allow-host`)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from watchkeeper.deployments._errors import DeploymentInputError

__all__ = ["check_hosts"]

# A host name, IPv4 or IPv6 literal, optionally with `*` globs (`*.github.com`).
_HOST = re.compile(r"[a-z0-9*?:.\-\[\]]{1,253}")


def check_hosts(hosts: Sequence[str]) -> tuple[str, ...]:
    """Return `hosts` lowercased, in order, without repeats; raise on anything not a host."""
    out: list[str] = []
    for raw in hosts:
        host = raw.strip().lower()
        port_like = host.count(":") == 1
        if not _HOST.fullmatch(host) or host.strip("*.") == "" or port_like:
            raise DeploymentInputError(
                f"allowed host `{raw}` is not a host name, address or glob such as "
                "`*.example.com`; give the bare host, without scheme, port or path"
            )
        out.append(host)
    return tuple(dict.fromkeys(out))
