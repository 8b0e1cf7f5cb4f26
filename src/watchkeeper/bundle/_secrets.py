"""Secret detection with detect-secrets' maintained plugins (keys, tokens, passwords)."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import ExitStack
from types import TracebackType
from typing import Any

from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
from detect_secrets.core.scan import scan_line
from detect_secrets.plugins.high_entropy_strings import HighEntropyStringsPlugin
from detect_secrets.settings import get_plugins, transient_settings

__all__ = ["SecretScanner"]

_FILENAME = "adhoc-string-scan"
"""The name detect-secrets' own ad-hoc `scan_line` gives a line, kept so plugins agree."""


class SecretScanner:
    """Find secrets in strings with the named plugins and detect-secrets' false-positive filters.

    detect-secrets keeps its configuration in process-wide settings, so a scanner is a context
    manager: the plugins are configured while it is open and restored when it closes.

    `scan_line` costs about a millisecond a line, mostly detect-secrets' argument injection,
    so each line is first run through the plugins' own `analyze_line` (a few microseconds),
    and only a line where some plugin finds a candidate goes through `scan_line`, which applies
    the filters. The entropy plugins search differently inside `scan_line`, so with any of
    them configured every line goes through it.
    """

    def __init__(self, plugins: Iterable[str]) -> None:
        self._plugins = tuple(plugins)
        self._by_type = {secret_type: cls.__name__ for secret_type, cls in _plugin_classes()}
        self._stack = ExitStack()
        self._quick: list[Any] | None = None

    def __enter__(self) -> SecretScanner:
        config = {"plugins_used": [{"name": name} for name in self._plugins]}
        self._stack.enter_context(transient_settings(config))
        instances = list(get_plugins())
        entropy = any(isinstance(p, HighEntropyStringsPlugin) for p in instances)
        self._quick = None if entropy else instances
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stack.close()

    def _candidate(self, line: str) -> bool:
        if self._quick is None:
            return True
        return any(p.analyze_line(filename=_FILENAME, line=line) for p in self._quick)

    def scan(self, texts: Iterable[str]) -> set[str]:
        """Return the names of the plugins that found a secret in any line of `texts`."""
        found: set[str] = set()
        if not self._plugins:
            return found
        for text in texts:
            for line in text.splitlines():
                if line.strip() and self._candidate(line):
                    found.update(self._by_type.get(s.type, s.type) for s in scan_line(line))
        return found


def _plugin_classes() -> list[tuple[str, type]]:
    mapping: dict[str, type] = get_mapping_from_secret_type_to_class()
    return list(mapping.items())
