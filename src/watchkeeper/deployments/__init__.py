"""The deployment registry: which agents are authorised, who owns them, their tokens.

`open_registry(home)` returns the `Registry` of a watchkeeper home; every change to it is a
`DeploymentEvent` in the ledger. `DeploymentPolicies` applies each deployment's own policy
file and allowed hosts to its decisions.
"""

from watchkeeper.deployments._errors import (
    DeploymentError,
    DeploymentExistsError,
    DeploymentInputError,
    DeploymentNotFoundError,
    DeploymentStateError,
    RegistryFileError,
    RegistryRecordError,
)
from watchkeeper.deployments._file import DeploymentFile
from watchkeeper.deployments._model import Deployment, DeploymentState, DeploymentStatus
from watchkeeper.deployments._policy import (
    ALLOW_HOSTS_RULE,
    DeploymentPolicies,
    check_policy_settings,
    deployment_policy,
)
from watchkeeper.deployments._registry import (
    DEPLOYMENTS_FILE,
    RESERVED_NAMES,
    EventSink,
    Registry,
    open_registry,
)

__all__ = [
    "ALLOW_HOSTS_RULE",
    "DEPLOYMENTS_FILE",
    "RESERVED_NAMES",
    "Deployment",
    "DeploymentError",
    "DeploymentExistsError",
    "DeploymentFile",
    "DeploymentInputError",
    "DeploymentNotFoundError",
    "DeploymentPolicies",
    "DeploymentState",
    "DeploymentStateError",
    "DeploymentStatus",
    "EventSink",
    "Registry",
    "RegistryFileError",
    "RegistryRecordError",
    "check_policy_settings",
    "deployment_policy",
    "open_registry",
]
