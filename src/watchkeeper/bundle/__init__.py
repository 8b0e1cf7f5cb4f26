"""Evidence bundles for assessors: a redacted, anchored ledger slice that verifies offline."""

from watchkeeper.bundle._errors import BundleError, BundleExportError, BundleReadError, RulesError
from watchkeeper.bundle._export import DETECTOR_PACKAGES, export_bundle
from watchkeeper.bundle._manifest import Manifest, Redaction, WithheldRecord, Withholding
from watchkeeper.bundle._rules import PersonalRules, RedactionRules, SecretRules, load_rules
from watchkeeper.bundle._slice import Period
from watchkeeper.bundle._verify import BundleReport, verify_bundle

__all__ = [
    "DETECTOR_PACKAGES",
    "BundleError",
    "BundleExportError",
    "BundleReadError",
    "BundleReport",
    "Manifest",
    "Period",
    "PersonalRules",
    "Redaction",
    "RedactionRules",
    "RulesError",
    "SecretRules",
    "WithheldRecord",
    "Withholding",
    "export_bundle",
    "load_rules",
    "verify_bundle",
]
