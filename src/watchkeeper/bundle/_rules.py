"""Redaction rules: which payloads an evidence bundle withholds, validated from YAML.

Secrets and personal data are on unless a rules file turns them off with ``false``: a rules
file that only names a tool must not publish the keys in every other payload.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from watchkeeper.bundle._errors import RulesError
from watchkeeper.events import EventKind

__all__ = [
    "DEFAULT_SECRET_PLUGINS",
    "PersonalEntity",
    "PersonalRules",
    "RedactionRules",
    "SecretRules",
    "load_rules",
    "secret_plugin_names",
]

PersonalEntity = Literal["EMAIL_ADDRESS", "PHONE_NUMBER", "IBAN_CODE", "CREDIT_CARD", "IP_ADDRESS"]

_NOISY_PLUGINS = frozenset({"Base64HighEntropyString", "HexHighEntropyString", "IPPublicDetector"})
"""Left out by default: the entropy plugins flag every hash and id a ledger holds, and public
IP addresses are personal data, detected there."""

_FIELD_PATH = re.compile(r"[A-Za-z0-9_\-]+(\.[A-Za-z0-9_\-]+)*")


def secret_plugin_names() -> tuple[str, ...]:
    """Return the names of every plugin the installed detect-secrets ships, sorted."""
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class

    mapping: dict[str, type] = get_mapping_from_secret_type_to_class()
    return tuple(sorted(cls.__name__ for cls in mapping.values()))


def _default_plugins() -> tuple[str, ...]:
    return tuple(name for name in secret_plugin_names() if name not in _NOISY_PLUGINS)


DEFAULT_SECRET_PLUGINS = _default_plugins()


class SecretRules(BaseModel):
    """Withhold payloads in which these detect-secrets plugins find a secret."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    plugins: tuple[str, ...] = DEFAULT_SECRET_PLUGINS

    @field_validator("plugins")
    @classmethod
    def _known(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        known = secret_plugin_names()
        for name in value:
            if name not in known:
                msg = f"`{name}` is not a detect-secrets plugin; use one of {', '.join(known)}"
                raise ValueError(msg)
        return value


class PersonalRules(BaseModel):
    """Withhold payloads in which presidio finds these entities with at least `min_score`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    entities: tuple[PersonalEntity, ...] = (
        "EMAIL_ADDRESS",
        "PHONE_NUMBER",
        "IBAN_CODE",
        "CREDIT_CARD",
        "IP_ADDRESS",
    )
    min_score: float = Field(default=0.4, ge=0.0, le=1.0)
    phone_regions: tuple[str, ...] = ("US", "GB", "DE")
    """Where national-format numbers are looked for; `+`-prefixed ones are found anywhere.
    Each region is one more pass of the phone matcher over every payload."""

    @field_validator("phone_regions")
    @classmethod
    def _regions(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        import phonenumbers

        for region in value:
            if region not in phonenumbers.SUPPORTED_REGIONS:
                msg = f"`{region}` is not a phone region; use a code such as `US` or `GB`"
                raise ValueError(msg)
        return value


class RedactionRules(BaseModel):
    """Every rule an export applies; a record matching any of them is withheld whole."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: Literal[1] = 1
    secrets: SecretRules | Literal[False] = SecretRules()
    personal: PersonalRules | Literal[False] = PersonalRules()
    fields: tuple[str, ...] = ()
    tools: tuple[str, ...] = ()
    kinds: tuple[EventKind, ...] = ()

    @field_validator("secrets", "personal", mode="before")
    @classmethod
    def _switch(cls, value: object) -> object:
        return {} if value is True else value

    @field_validator("fields")
    @classmethod
    def _paths(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for path in value:
            if not _FIELD_PATH.fullmatch(path):
                msg = f"field path `{path}` is not a dotted path such as `args.content`"
                raise ValueError(msg)
        return value

    @field_validator("tools")
    @classmethod
    def _tools(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if any(not name for name in value):
            msg = "a tool name is empty; name the tool exactly, e.g. `Read`"
            raise ValueError(msg)
        return value


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"]) or "rules"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"`{where}`: {message[:1].lower()}{message[1:]}"


def load_rules(path: Path) -> tuple[RedactionRules, str]:
    """Load and validate the rules file at `path`; return the rules and the file's sha256."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        msg = f"redaction rules `{path}` cannot be read; check the path"
        raise RulesError(msg) from exc
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        msg = f"redaction rules `{path}` are not valid yaml; fix the syntax"
        raise RulesError(msg) from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        msg = f"redaction rules `{path}` are not a mapping; write `key: value` pairs"
        raise RulesError(msg)
    try:
        rules = RedactionRules.model_validate(data)
    except ValidationError as exc:
        msg = f"redaction rules `{path}` are invalid at {_first_error(exc)}"
        raise RulesError(msg) from exc
    return rules, hashlib.sha256(raw).hexdigest()
