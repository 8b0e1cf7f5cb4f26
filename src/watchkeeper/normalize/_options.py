"""Split a command's words into options and operands, given which options take a value."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["OptionSpec", "Parsed", "parse_options"]


@dataclass(frozen=True, slots=True)
class OptionSpec:
    """Which options of one command take a value.

    `short` holds the letters of short options with a value (``"o"`` for ``-o FILE``), `long`
    the names of long ones (``"output"`` for ``--output FILE``). With `first_operand_stops`,
    everything from the first operand on is an operand (wrappers: the rest is the command).
    """

    short: str = ""
    long: frozenset[str] = frozenset()
    first_operand_stops: bool = False


@dataclass(slots=True)
class Parsed:
    """Options seen (name → values, in order) and the operands with their argv indices."""

    options: dict[str, list[str]] = field(default_factory=dict)
    operands: list[tuple[int, str]] = field(default_factory=list)
    end: int = 0

    def has(self, *names: str) -> bool:
        """True when any of `names` (``"-d"``, ``"--decode"``) was given."""
        return any(n in self.options for n in names)

    def values(self, *names: str) -> list[str]:
        """Every value given to any of `names`, in order."""
        out: list[str] = []
        for name in names:
            out.extend(self.options.get(name, ()))
        return out


def parse_options(argv: Sequence[str], start: int, spec: OptionSpec) -> Parsed:
    """Parse `argv[start:]` GNU-style: ``--`` ends options, short flags may be combined."""
    parsed = Parsed()
    i, n = start, len(argv)
    while i < n:
        word = argv[i]
        if word == "--":
            parsed.operands.extend((j, argv[j]) for j in range(i + 1, n))
            parsed.end = i + 1
            return parsed
        if word.startswith("--") and len(word) > 2:
            name, eq, value = word[2:].partition("=")
            key = "--" + name
            if eq:
                parsed.options.setdefault(key, []).append(value)
            elif name in spec.long and i + 1 < n:
                parsed.options.setdefault(key, []).append(argv[i + 1])
                i += 1
            else:
                parsed.options.setdefault(key, [])
            i += 1
            continue
        if word.startswith("-") and len(word) > 1:
            j = 1
            while j < len(word):
                letter = word[j]
                key = "-" + letter
                if letter in spec.short:
                    if j + 1 < len(word):
                        parsed.options.setdefault(key, []).append(word[j + 1 :])
                    elif i + 1 < n:
                        parsed.options.setdefault(key, []).append(argv[i + 1])
                        i += 1
                    else:
                        parsed.options.setdefault(key, [])
                    break
                parsed.options.setdefault(key, [])
                j += 1
            i += 1
            continue
        if spec.first_operand_stops:
            parsed.end = i
            parsed.operands.extend((j, argv[j]) for j in range(i, n))
            return parsed
        parsed.operands.append((i, word))
        i += 1
    parsed.end = i
    return parsed
