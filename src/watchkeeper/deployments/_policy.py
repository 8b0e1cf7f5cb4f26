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
from watchkeeper.policy import Policy, PolicyError, load_policy, parse_policy
from watchkeeper.statefile import Reloading, Stamp, file_stamp

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
    """Picks the policy for a deployment id: its own when it has one, else the base policy.

    Built policies are cached per deployment settings and policy-file version, so an edited
    policy file or a re-registered deployment takes effect on the next call. With
    `base_file`, the base policy is that file, loaded again whenever it changes (one `stat`
    per call otherwise); `base` is what it held when the gateway started. With `base_stamp`
    too (the `file_stamp` of `base_file` taken before `base` was loaded from it), `base`
    stands for the file until its stamp changes, so an unchanged file is not loaded twice
    (a local-mode hook builds all of this for one call). While the file is missing or does
    not load, every call raises `PolicyError` — the pipeline denies it and records the
    error — until the file is fixed: a broken edit never leaves the previous policy
    silently in force.
    """

    def __init__(
        self,
        lookup: Callable[[str], Deployment | None],
        base: Policy,
        *,
        base_file: Path | None = None,
        base_stamp: Stamp | None = None,
    ) -> None:
        self._lookup = lookup
        self._base = base
        self._base_file = (
            None
            if base_file is None
            else Reloading(
                base_file, _loader(base_file, base, base_stamp), lambda: _missing(base_file)
            )
        )
        self._lock = threading.Lock()
        self._cache: dict[tuple[object, ...], Policy] = {}
        self._cached_base = base

    def base(self) -> Policy:
        """Return the base policy as it is now; raise `PolicyError` if its file is broken."""
        if self._base_file is None:
            return self._base
        return self._base_file.current()

    def __call__(self, deployment_id: str) -> Policy:
        """Return the policy for `deployment_id`; raise `PolicyError` if its file is broken."""
        base = self.base()
        deployment = self._lookup(deployment_id)
        if deployment is None or (deployment.policy is None and not deployment.allow_hosts):
            return base
        key = (deployment.name, deployment.policy, deployment.allow_hosts, _version(deployment))
        with self._lock:
            if base is not self._cached_base:  # the base file changed: rebuild from it
                self._cache.clear()
                self._cached_base = base
            found = self._cache.get(key)
        if found is not None:
            return found
        built = deployment_policy(deployment, base)
        with self._lock:
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            if base is self._cached_base:
                self._cache[key] = built
        return built


def _loader(path: Path, base: Policy, stamp: Stamp | None) -> Callable[[], Policy]:
    """Return what loads the policy file at `path`: first `base`, if the file still has `stamp`."""
    seed = [base] if stamp is not None else []

    def load() -> Policy:
        if seed and file_stamp(path) == stamp:
            return seed.pop()
        seed.clear()
        return load_policy(path, home=base.home)

    return load


def _missing(path: Path) -> Policy:
    raise PolicyError(f"{path}:1: the policy file `{path}` is missing; restore it")


def _version(deployment: Deployment) -> Stamp | None:
    if deployment.policy is None:
        return None
    try:
        return file_stamp(Path(deployment.policy))
    except OSError:
        return None  # load_policy then raises the readable error


def check_policy_settings(policy: str | None, hosts: tuple[str, ...]) -> None:
    """Raise `PolicyError` when `policy` does not load or `hosts` make no valid rule."""
    if policy is not None:
        load_policy(Path(policy))
    if hosts:
        _hosts_rule(hosts)
