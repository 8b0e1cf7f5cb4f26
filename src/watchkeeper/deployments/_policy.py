"""Per-deployment decisions: a deployment's own policy file and its allowed hosts.

A deployment registered with `--policy FILE` is decided by that file instead of the
gateway's policy. One registered with `--allow-host` gets one more deny rule,
`deployment-allow-hosts`, that fires on any host outside the list: the hosts narrow what
its policy allows, they never widen it.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path

from watchkeeper.deployments._model import Deployment
from watchkeeper.policy import Policy, load_policy, parse_policy

__all__ = [
    "ALLOW_HOSTS_RULE",
    "DeploymentPolicies",
    "check_policy_settings",
    "deployment_policy",
]

#: Id of the rule that confines a deployment to its allowed hosts.
ALLOW_HOSTS_RULE = "deployment-allow-hosts"
_CACHE_LIMIT = 256


def _hosts_rule(hosts: tuple[str, ...]) -> Policy:
    text = (
        "version: 1\ndefault: deny\nrules:\n"
        f"  - id: {ALLOW_HOSTS_RULE}\n"
        "    decision: deny\n"
        "    description: this deployment may contact only the hosts registered for it\n"
        f"    match: {{hosts_outside: {json.dumps(list(hosts))}}}\n"
    )
    return parse_policy(text, source="<deployment allow-hosts>")


def deployment_policy(deployment: Deployment, base: Policy) -> Policy:
    """Return the policy that decides `deployment`'s calls (`base` when it sets nothing).

    Raises `PolicyError` when its policy file does not load.
    """
    own = (
        base if deployment.policy is None else load_policy(Path(deployment.policy), home=base.home)
    )
    if not deployment.allow_hosts:
        return own
    extra = _hosts_rule(deployment.allow_hosts)
    return Policy(
        default=own.default,
        rules=(*own.rules, *extra.rules),
        home=own.home,
        source=f"{own.source} + allowed hosts of `{deployment.name}`",
        packs=own.packs,
        excluded_rules=own.excluded_rules,
    )


class DeploymentPolicies:
    """Picks the policy for a deployment id: its own when it has one, else `base`.

    Built policies are cached per deployment settings and policy-file version, so an edited
    policy file or a re-registered deployment takes effect on the next call.
    """

    def __init__(self, lookup: Callable[[str], Deployment | None], base: Policy) -> None:
        self._lookup = lookup
        self._base = base
        self._lock = threading.Lock()
        self._cache: dict[tuple[object, ...], Policy] = {}

    def __call__(self, deployment_id: str) -> Policy:
        """Return the policy for `deployment_id`; raise `PolicyError` if its file is broken."""
        deployment = self._lookup(deployment_id)
        if deployment is None or (deployment.policy is None and not deployment.allow_hosts):
            return self._base
        key = (deployment.name, deployment.policy, deployment.allow_hosts, _version(deployment))
        with self._lock:
            found = self._cache.get(key)
        if found is not None:
            return found
        built = deployment_policy(deployment, self._base)
        with self._lock:
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            self._cache[key] = built
        return built


def _version(deployment: Deployment) -> tuple[int, int, int] | None:
    if deployment.policy is None:
        return None
    try:
        st = Path(deployment.policy).stat()
    except OSError:
        return None  # load_policy then raises the readable error
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def check_policy_settings(policy: str | None, hosts: tuple[str, ...]) -> None:
    """Raise `PolicyError` when `policy` does not load or `hosts` make no valid rule."""
    if policy is not None:
        load_policy(Path(policy))
    if hosts:
        _hosts_rule(hosts)
